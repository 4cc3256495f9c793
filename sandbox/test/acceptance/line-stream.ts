/**
 * A long-running command (`kubectl get pods -w`) whose stdout is read line by line while the test goes on.
 * `next(pattern)` resolves when a matching line arrives, so tests wait on the tool's own output instead of
 * sleeping; `stop()` ends the command and resolves once it has exited.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';

interface Waiter {
  pattern: RegExp;
  from: number;
  resolve(index: number): void;
}

/** Lines printed by a background child process. */
export class LineStream {
  readonly #child: ChildProcessWithoutNullStreams;
  readonly #lines: string[] = [];
  readonly #waiters = new Set<Waiter>();
  readonly #exited: Promise<void>;
  #partial = '';
  #stderr = '';

  constructor(command: string, args: string[], env: NodeJS.ProcessEnv) {
    this.#child = spawn(command, args, { env });
    this.#child.stdout.setEncoding('utf8');
    this.#child.stderr.setEncoding('utf8');
    this.#child.stdout.on('data', (chunk: string) => this.#onData(chunk));
    this.#child.stderr.on('data', (chunk: string) => (this.#stderr += chunk));
    this.#exited = new Promise((resolve) => this.#child.once('close', () => resolve()));
  }

  /** Every complete line so far. */
  get lines(): readonly string[] {
    return this.#lines;
  }

  /** Everything written to stderr so far. */
  get stderr(): string {
    return this.#stderr;
  }

  /**
   * Index of the first line at or after `from` matching `pattern`, as soon as it exists. Rejects after
   * `timeoutMs` (or when the command exits first) with `what` and the output so far.
   */
  next(pattern: RegExp, what: string, timeoutMs: number, from = 0): Promise<number> {
    const found = this.#lines.findIndex((line, i) => i >= from && pattern.test(line));
    if (found >= 0) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const fail = (why: string) => {
        this.#waiters.delete(waiter);
        reject(new Error(`${what}: ${why}\n--- stdout ---\n${this.#lines.join('\n')}\n--- stderr ---\n${this.#stderr}`));
      };
      const timer = setTimeout(() => fail(`no such line within ${timeoutMs} ms`), timeoutMs);
      const waiter: Waiter = {
        pattern,
        from,
        resolve: (index) => {
          clearTimeout(timer);
          this.#waiters.delete(waiter);
          resolve(index);
        },
      };
      this.#waiters.add(waiter);
      void this.#exited.then(() => {
        if (this.#waiters.has(waiter)) {
          clearTimeout(timer);
          fail('the command exited first');
        }
      });
    });
  }

  /** Kills the command (SIGTERM) and waits for it to exit; safe to call twice. */
  async stop(): Promise<void> {
    if (this.#child.exitCode === null && this.#child.signalCode === null) this.#child.kill('SIGTERM');
    await this.#exited;
  }

  #onData(chunk: string): void {
    const parts = (this.#partial + chunk).split('\n');
    this.#partial = parts.pop() ?? '';
    for (const line of parts) {
      const index = this.#lines.push(line) - 1;
      for (const waiter of [...this.#waiters]) {
        if (index >= waiter.from && waiter.pattern.test(line)) waiter.resolve(index);
      }
    }
  }
}
