/**
 * A long-running child process (kubectl `get -w`, `logs -f`, `wait`) whose stdout is read as a stream of
 * lines: `line(pattern)` resolves when a matching line arrives (or has arrived), so tests wait on the
 * client's own output instead of sleeping. `stop()` kills the child and resolves once it has exited.
 */
import type { ChildProcessWithoutNullStreams } from 'node:child_process';

/** How a child ended. */
export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

interface Waiter {
  pattern: RegExp;
  resolve(line: string): void;
}

/** Lines of a child's stdout, consumed in order by `line()`. */
export class ChildLines {
  readonly #child: ChildProcessWithoutNullStreams;
  readonly #lines: string[] = [];
  readonly #waiters = new Set<Waiter>();
  #partial = '';
  #stderr = '';
  /** Index of the first line not yet matched by `line()`: each line is matched at most once. */
  #cursor = 0;
  readonly exited: Promise<ChildExit>;

  constructor(child: ChildProcessWithoutNullStreams) {
    this.#child = child;
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => this.#onData(chunk));
    child.stderr.on('data', (chunk: string) => (this.#stderr += chunk));
    this.exited = new Promise((resolve) => child.once('close', (code, signal) => resolve({ code, signal })));
  }

  /** Every complete stdout line so far. */
  get lines(): readonly string[] {
    return this.#lines;
  }

  /** Everything the child wrote to stderr so far. */
  get stderr(): string {
    return this.#stderr;
  }

  #onData(chunk: string): void {
    const parts = (this.#partial + chunk).split('\n');
    this.#partial = parts.pop() ?? '';
    for (const line of parts) {
      this.#lines.push(line);
      this.#match();
    }
  }

  /** Hands lines past the cursor to the waiters, in order. */
  #match(): void {
    for (const waiter of this.#waiters) {
      const index = this.#lines.findIndex((line, i) => i >= this.#cursor && waiter.pattern.test(line));
      if (index < 0) continue;
      this.#cursor = index + 1;
      this.#waiters.delete(waiter);
      waiter.resolve(this.#lines[index]);
    }
  }

  /**
   * The next line (after the last one matched) that matches `pattern`. Rejects, naming `what` and showing the
   * output, when the child exits first or after `timeoutMs`.
   */
  line(pattern: RegExp, what: string, timeoutMs = 20_000): Promise<string> {
    return new Promise((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const show = () => `stdout:\n${this.#lines.join('\n')}${this.#partial}\nstderr:\n${this.#stderr}`;
      const waiter: Waiter = {
        pattern,
        resolve: (line) => {
          clearTimeout(timer);
          resolve(line);
        },
      };
      this.#waiters.add(waiter);
      this.#match();
      if (!this.#waiters.has(waiter)) return;
      timer = setTimeout(() => {
        this.#waiters.delete(waiter);
        reject(new Error(`expected ${what} (a line matching ${pattern}) within ${timeoutMs} ms\n${show()}`));
      }, timeoutMs);
      void this.exited.then((exit) => {
        if (!this.#waiters.delete(waiter)) return;
        clearTimeout(timer);
        reject(
          new Error(
            `expected ${what} (a line matching ${pattern}), but kubectl exited (${exit.code ?? exit.signal})\n${show()}`,
          ),
        );
      });
    });
  }

  /** Kills the child (SIGTERM) and resolves when it has exited; safe to call after it ended. */
  async stop(): Promise<ChildExit> {
    if (this.#child.exitCode === null && this.#child.signalCode === null) this.#child.kill('SIGTERM');
    return this.exited;
  }
}
