/**
 * Runs one kubectl binary against one sandbox API server, always with its own `--kubeconfig` and `--cache-dir`
 * (a fresh discovery cache per test run) and a private HOME, so nothing from the machine's ~/.kube leaks in.
 * Use `run` for a finished command, `ok` when it must succeed, and `spawn` for the long-running ones
 * (`get -w`, `logs -f`, `wait`) whose output is read while they run.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { execa } from 'execa';

/** What a finished kubectl printed and how it exited. */
export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Where a runner's kubectl finds its server and keeps its state. */
export interface KubectlRunnerOptions {
  /** The kubectl binary (the PATH dispatcher or the pinned 1.35). */
  binary: string;
  kubeconfig: string;
  cacheDir: string;
  /** HOME for the child: a temp dir. */
  home: string;
  /** Per-command timeout; a hung kubectl fails its test instead of the whole run. Default 60 s. */
  timeoutMs?: number;
}

/** One kubectl binary bound to one server. */
export class KubectlRunner {
  readonly binary: string;
  readonly #options: KubectlRunnerOptions;

  constructor(options: KubectlRunnerOptions) {
    this.binary = options.binary;
    this.#options = options;
  }

  #args(args: string[]): string[] {
    return ['--kubeconfig', this.#options.kubeconfig, '--cache-dir', this.#options.cacheDir, ...args];
  }

  /** Runs kubectl to completion; never throws for a non-zero exit. `input` is piped to stdin (for `-f -`). */
  async run(args: string[], options: { input?: string } = {}): Promise<KubectlResult> {
    const result = await execa(this.binary, this.#args(args), {
      reject: false,
      timeout: this.#options.timeoutMs ?? 60_000,
      env: { HOME: this.#options.home },
      input: options.input,
      stripFinalNewline: false,
    });
    if (result.timedOut) throw new Error(`kubectl ${args.join(' ')} timed out; stderr: ${String(result.stderr)}`);
    return { code: result.exitCode ?? -1, stdout: String(result.stdout), stderr: String(result.stderr) };
  }

  /** Runs kubectl and answers its stdout; throws with the command and stderr when it exits non-zero. */
  async ok(args: string[], options: { input?: string } = {}): Promise<string> {
    const result = await this.run(args, options);
    if (result.code !== 0)
      throw new Error(`kubectl ${args.join(' ')} exited ${result.code}: ${result.stderr}${result.stdout}`);
    return result.stdout;
  }

  /** Starts a long-running kubectl; the caller reads its streams and must kill it (see `LineReader`). */
  spawn(args: string[]): ChildProcessWithoutNullStreams {
    return spawn(this.binary, this.#args(args), { env: { ...process.env, HOME: this.#options.home }, stdio: 'pipe' });
  }
}
