/**
 * The state of one shell process (variables, exports, positional parameters, working directory, last status,
 * options), shared by the executor, the expansion and the builtins of the sandbox's `sh`/`bash`.
 */
import type { CommandIO } from './command-io.ts';

/** Thrown by `exit` (and fatal expansion errors) to unwind to the shell's top. */
export class ShellExit {
  constructor(readonly code: number) {}
}

/** The three streams plus their flow control, as one command of a script sees them. */
export type Streams = Pick<CommandIO, 'stdin' | 'stdout' | 'stderr' | 'drain' | 'signal'>;

/** `sh` (dash) or `bash`: how messages are worded. */
export type ShellFlavour = 'sh' | 'bash';

/** Variables and options of one shell; `fork` copies it for a subshell. */
export class ShellState {
  readonly flavour: ShellFlavour;
  vars: Record<string, string>;
  readonly exported: Set<string>;
  positional: string[];
  /** `$0`. */
  name: string;
  cwd: string;
  status = 0;
  errexit = false;
  pipefail = false;
  /** Background jobs (`cmd &`), awaited by `wait`. */
  readonly jobs: Array<Promise<number>> = [];

  constructor(env: Record<string, string>, flavour: ShellFlavour, name: string, positional: string[], cwd: string) {
    this.flavour = flavour;
    this.vars = { ...env };
    this.exported = new Set(Object.keys(env));
    this.name = name;
    this.positional = positional;
    this.cwd = cwd;
  }

  /** A copy for a subshell (`( … )`, `$( … )`, pipeline stages): changes to it do not come back. */
  fork(): ShellState {
    const child = new ShellState(this.vars, this.flavour, this.name, [...this.positional], this.cwd);
    for (const name of Object.keys(this.vars)) if (!this.exported.has(name)) child.exported.delete(name);
    child.status = this.status;
    child.errexit = this.errexit;
    child.pipefail = this.pipefail;
    return child;
  }

  /** The environment a child process gets. */
  exportedVars(): Record<string, string> {
    return Object.fromEntries(Object.entries(this.vars).filter(([k]) => this.exported.has(k)));
  }

  /** How this shell prefixes its messages: `sh: 3: ` (dash) or `bash: line 3: `. */
  prefix(line: number): string {
    return this.flavour === 'bash' ? `${this.name}: line ${line}: ` : `${this.name}: ${line}: `;
  }

  /** A parameter's value: special (`$?`, `$#`, `$@`…), positional, or a variable; undefined when unset. */
  param(name: string): string | undefined {
    const special: Record<string, () => string> = {
      '?': () => String(this.status),
      $: () => '1',
      '#': () => String(this.positional.length),
      '0': () => this.name,
      '*': () => this.positional.join(' '),
      '@': () => this.positional.join(' '),
      '!': () => '',
      '-': () => (this.errexit ? 'e' : ''),
    };
    if (special[name]) return special[name]();
    if (/^\d+$/.test(name)) return this.positional[Number(name) - 1];
    return Object.hasOwn(this.vars, name) ? this.vars[name] : undefined;
  }
}
