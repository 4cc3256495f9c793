/**
 * The sandbox as a user meets it: the `gitops-sandbox` CLI run as a child process. Acceptance tests start,
 * break and stop sandboxes only through this, so they exercise exactly what a person types.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import type { SandboxInfo } from '../../state.ts';

const CLI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/gitops-sandbox.mjs');

/** What one CLI invocation did. */
export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** Wall time of the invocation in milliseconds. */
  ms: number;
}

/** What `up --json` prints: the sandbox's state.json. */
export type SandboxDescription = SandboxInfo;

/** Runs `gitops-sandbox ARGS…` with the current Node; never throws on a non-zero exit. */
export async function runCli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  const started = Date.now();
  const result = await execa(process.execPath, [CLI, ...args], { reject: false, env, timeout: 240_000 });
  return {
    exitCode: result.exitCode ?? -1,
    stdout: String(result.stdout),
    stderr: String(result.stderr),
    ms: Date.now() - started,
  };
}

/** One sandbox started with `up --json` in a temp state dir of its own; `down()` stops it and removes the dir. */
export class SandboxRun {
  readonly stateDir: string;
  readonly info: SandboxDescription;
  /** The `up` invocation, for timing. */
  readonly upResult: CliResult;
  #down?: Promise<CliResult>;

  private constructor(stateDir: string, info: SandboxDescription, upResult: CliResult) {
    this.stateDir = stateDir;
    this.info = info;
    this.upResult = upResult;
  }

  /**
   * `up --json --state-dir <fresh temp dir> ARGS…` (extra `env` for the CLI and so the daemon); throws with the
   * CLI's stderr when it fails (and cleans up).
   */
  static async up(args: string[] = [], env: Record<string, string> = {}): Promise<SandboxRun> {
    const parent = await mkdtemp(path.join(tmpdir(), 'sandbox-acceptance-'));
    const stateDir = path.join(parent, 'state');
    const result = await runCli(['up', '--json', '--state-dir', stateDir, ...args], env);
    if (result.exitCode !== 0) {
      await runCli(['down', '--state-dir', stateDir]);
      await rm(parent, { recursive: true, force: true });
      throw new Error(`gitops-sandbox up ${args.join(' ')} exited ${result.exitCode}:\n${result.stderr}`);
    }
    return new SandboxRun(stateDir, JSON.parse(result.stdout) as SandboxDescription, result);
  }

  /** `fault --state-dir DIR SPECS…` */
  fault(...specs: string[]): Promise<CliResult> {
    return runCli(['fault', '--state-dir', this.stateDir, ...specs]);
  }

  /** `fault --state-dir DIR --clear [NAME]` */
  clear(name?: string): Promise<CliResult> {
    return runCli(['fault', '--state-dir', this.stateDir, '--clear', ...(name ? [name] : [])]);
  }

  /** Sets faults and fails loudly when the CLI refuses. */
  async mustFault(...specs: string[]): Promise<void> {
    const result = await this.fault(...specs);
    if (result.exitCode !== 0) throw new Error(`fault ${specs.join(' ')} exited ${result.exitCode}: ${result.stderr}`);
  }

  /** Clears faults and fails loudly when the CLI refuses. */
  async mustClear(name?: string): Promise<void> {
    const result = await this.clear(name);
    if (result.exitCode !== 0)
      throw new Error(`fault --clear ${name ?? ''} exited ${result.exitCode}: ${result.stderr}`);
  }

  /** `status --json` parsed, with the CLI's exit code. */
  async status(): Promise<{ exitCode: number; running: boolean; faults: string[] }> {
    const result = await runCli(['status', '--json', '--state-dir', this.stateDir]);
    const parsed = JSON.parse(result.stdout || '{}') as { running?: boolean; faults?: string[] };
    return { exitCode: result.exitCode, running: parsed.running ?? false, faults: parsed.faults ?? [] };
  }

  /** `down`, once; later calls return the first result. Removes the temp parent dir afterwards. */
  down(): Promise<CliResult> {
    this.#down ??= (async () => {
      const result = await runCli(['down', '--state-dir', this.stateDir]);
      await rm(path.dirname(this.stateDir), { recursive: true, force: true });
      return result;
    })();
    return this.#down;
  }
}
