/**
 * The terminal of the person following the test plan: real `kubectl` (the PATH dispatcher), `bash -c` for the
 * plan's pipelines, and `git`, all with `KUBECONFIG` pointing at the sandbox and nothing else borrowed from the
 * test process (a private kubectl cache dir keeps `~/.kube` untouched).
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { execa } from 'execa';
import { ChildLines } from '../support/child-lines.ts';

/** What a command printed and how it ended. */
export interface ShellResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** The sandbox the shell is aimed at. */
export interface UserShellOptions {
  kubeconfig: string;
  /** Directory for kubectl's discovery cache (KUBECACHEDIR). */
  cacheDir: string;
}

/** Runs commands the way the plan's reader would, in an environment aimed at one sandbox. */
export class UserShell {
  readonly env: NodeJS.ProcessEnv;

  constructor(options: UserShellOptions) {
    this.env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      LANG: 'C.UTF-8',
      KUBECONFIG: options.kubeconfig,
      KUBECACHEDIR: path.resolve(options.cacheDir),
      GIT_TERMINAL_PROMPT: '0',
      // The machine points GIT_SSL_CAINFO/NODE_EXTRA_CA_CERTS at the system bundle; the sandbox git is plain HTTP.
      ...(process.env.GIT_SSL_CAINFO ? { GIT_SSL_CAINFO: process.env.GIT_SSL_CAINFO } : {}),
    };
  }

  /** `kubectl ARGS…`; never throws on a non-zero exit. */
  kubectl(args: string[], timeoutMs = 60_000): Promise<ShellResult> {
    return this.run('kubectl', args, { timeoutMs });
  }

  /** `kubectl ARGS…` that must succeed: returns stdout, throws with stderr otherwise. */
  async mustKubectl(args: string[], timeoutMs = 60_000): Promise<string> {
    const result = await this.kubectl(args, timeoutMs);
    if (result.exitCode !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${result.exitCode}: ${result.stderr}`);
    return result.stdout;
  }

  /** `kubectl get events -n NS --field-selector SELECTOR` as printed; throws when kubectl fails. */
  mustEvents(namespace: string, fieldSelector: string): Promise<string> {
    return this.mustKubectl(['get', 'events', '-n', namespace, '--field-selector', fieldSelector]);
  }

  /** `bash -c SCRIPT`, for the plan's pipelines such as `kubectl logs … | grep "Tag:"`. */
  bash(script: string, timeoutMs = 60_000): Promise<ShellResult> {
    return this.run('bash', ['-c', script], { timeoutMs });
  }

  /** `git ARGS…` in `cwd`; never throws on a non-zero exit. */
  git(args: string[], cwd?: string, timeoutMs = 60_000): Promise<ShellResult> {
    return this.run('git', args, { cwd, timeoutMs });
  }

  /** Starts a long-running command (e.g. `kubectl get pods -w`) whose lines the test reads as they come. */
  background(command: string, args: string[]): ChildLines {
    return new ChildLines(spawn(command, args, { env: this.env }));
  }

  /** Runs any command in the shell's environment; never throws on a non-zero exit. */
  async run(command: string, args: string[], options: { cwd?: string; timeoutMs?: number } = {}): Promise<ShellResult> {
    const result = await execa(command, args, {
      env: this.env,
      extendEnv: false,
      cwd: options.cwd,
      reject: false,
      timeout: options.timeoutMs ?? 60_000,
      stripFinalNewline: false,
    });
    return { exitCode: result.exitCode ?? -1, stdout: String(result.stdout), stderr: String(result.stderr) };
  }
}
