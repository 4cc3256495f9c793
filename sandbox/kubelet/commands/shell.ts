/**
 * The sandbox's `sh` and `bash`: runs the syntax tree of `shell-syntax.ts` against the command table, inside the
 * pod's tree. Variables come from the container environment; builtins change the shell itself; everything else
 * is looked up in the table, or run as a `#!/bin/sh` script of the tree. Unknown commands answer 127 with
 * dash's (or bash's) message.
 */
import { readFileSync, statSync } from 'node:fs';
import { ByteChannel } from './byte-channel.ts';
import { EMPTY_INPUT, hostOf, inContainer, lookupCommand, readAll, type CommandFn, type CommandIO } from './command-io.ts';
import { shellBuiltins, type Builtin } from './shell-builtins.ts';
import { expandWord } from './shell-expansion.ts';
import { applyRedirects } from './shell-redirects.ts';
import { ShellExit, ShellState, type ShellFlavour, type Streams } from './shell-state.ts';
import { parseScript, ShellSyntaxError, type Redirect, type ShellNode } from './shell-syntax.ts';

type NodeOf<T extends ShellNode['type']> = Extract<ShellNode, { type: T }>;

/** One shell process running scripts. */
export class Shell {
  readonly state: ShellState;
  readonly #io: CommandIO;
  readonly #builtins: Record<string, Builtin>;
  /** Set by an and-or list whose result came from a part before `&&`/`||` (exempt from `set -e`). */
  #lastWasNonFinal = false;

  constructor(io: CommandIO, state: ShellState) {
    this.#io = io;
    this.state = state;
    this.#builtins = shellBuiltins({
      state,
      io: () => this.io(),
      invoke: (argv, streams, line) => this.#invoke(argv, {}, streams, line),
      runHere: (script, streams) => this.#runHere(script, streams),
    });
  }

  /** A shell for `io`, named `name` (`$0`), with positional parameters. */
  static create(io: CommandIO, flavour: ShellFlavour, name: string = flavour, positional: string[] = []): Shell {
    return new Shell(io, new ShellState(io.env, flavour, name, positional, io.cwd));
  }

  /** The command IO at the shell's current working directory. */
  io(): CommandIO {
    return { ...this.#io, cwd: this.state.cwd };
  }

  /** Runs a script; answers its exit status (2 for a syntax error, like dash). */
  async run(script: string, streams: Streams = this.#io): Promise<number> {
    try {
      return await this.#runHere(script, streams);
    } catch (err) {
      if (err instanceof ShellExit) return err.code;
      throw err;
    }
  }

  #fork(): Shell {
    return new Shell(this.#io, this.state.fork());
  }

  async #runHere(script: string, streams: Streams): Promise<number> {
    let tree: ShellNode;
    try {
      tree = parseScript(script);
    } catch (err) {
      if (!(err instanceof ShellSyntaxError)) throw err;
      streams.stderr(`${this.state.prefix(err.line)}${err.message}\n`);
      return 2;
    }
    return this.#exec(tree, streams, false);
  }

  /** Runs a node; `condition` marks contexts where failures do not trip `set -e`. */
  async #exec(node: ShellNode, streams: Streams, condition: boolean): Promise<number> {
    const redirected = (n: { redirects: Redirect[] }, body: (s: Streams) => Promise<number>) => this.#withRedirects(n.redirects, streams, 0, body);
    const handlers: { [T in ShellNode['type']]: (n: NodeOf<T>) => Promise<number> } = {
      simple: (n) => this.#simple(n, streams),
      pipeline: (n) => this.#pipeline(n, streams, condition),
      andor: (n) => this.#andOr(n, streams, condition),
      list: (n) => this.#list(n, streams, condition),
      if: (n) => redirected(n, (s) => this.#if(n, s, condition)),
      for: (n) => redirected(n, (s) => this.#for(n, s, condition)),
      while: (n) => redirected(n, (s) => this.#while(n, s, condition)),
      group: (n) => redirected(n, (s) => this.#group(n, s, condition)),
    };
    this.state.status = await (handlers[node.type] as (n: ShellNode) => Promise<number>)(node);
    return this.state.status;
  }

  async #list(node: NodeOf<'list'>, streams: Streams, condition: boolean): Promise<number> {
    let status = this.state.status;
    for (const item of node.items) {
      if (streams.signal.aborted) throw new ShellExit(143);
      if (item.background) {
        this.state.jobs.push(this.#fork().#exec(item.node, streams, true).catch((err) => (err instanceof ShellExit ? err.code : 1)));
        status = 0;
        continue;
      }
      status = await this.#exec(item.node, streams, condition);
      // `set -e`: a failing command ends the script, except in conditions, before `&&`/`||`, and after `!`.
      const exempt = item.node.type === 'pipeline' ? item.node.negate : item.node.type === 'andor' && this.#lastWasNonFinal;
      if (status !== 0 && this.state.errexit && !condition && !exempt) throw new ShellExit(status);
    }
    return status;
  }

  async #andOr(node: NodeOf<'andor'>, streams: Streams, condition: boolean): Promise<number> {
    let status = await this.#exec(node.first, streams, true);
    let ranFinal = false;
    for (const [index, { op, node: next }] of node.rest.entries()) {
      if ((op === '&&') !== (status === 0)) continue;
      const last = index === node.rest.length - 1;
      status = await this.#exec(next, streams, last ? condition : true);
      ranFinal = last;
    }
    this.#lastWasNonFinal = !ranFinal;
    return status;
  }

  async #pipeline(node: NodeOf<'pipeline'>, streams: Streams, condition: boolean): Promise<number> {
    if (node.commands.length === 1) {
      const status = await this.#exec(node.commands[0], streams, condition || node.negate);
      return node.negate ? Number(status === 0) : status;
    }
    const channels = node.commands.slice(1).map(() => new ByteChannel());
    const statuses = await Promise.all(
      node.commands.map(async (command, i) => {
        const out = channels[i];
        const broken = new AbortController();
        out?.onClose(() => broken.abort());
        const stage: Streams = {
          stdin: i === 0 ? streams.stdin : channels[i - 1],
          stdout: out ? (chunk) => out.write(chunk) : streams.stdout,
          stderr: streams.stderr,
          drain: out ? () => out.drain() : streams.drain,
          signal: AbortSignal.any([streams.signal, broken.signal]),
        };
        try {
          // Every stage but the last runs in a subshell, as in dash.
          const shell = i === node.commands.length - 1 ? this : this.#fork();
          return await shell.#exec(command, stage, true).catch((err) => {
            if (err instanceof ShellExit) return err.code;
            throw err;
          });
        } finally {
          out?.end();
          // The stage is done reading: a writer still feeding it gets its SIGPIPE.
          if (i > 0) channels[i - 1].close();
        }
      }),
    );
    const status = this.state.pipefail ? ([...statuses].reverse().find((s) => s !== 0) ?? 0) : statuses[statuses.length - 1];
    return node.negate ? Number(status === 0) : status;
  }

  async #if(node: NodeOf<'if'>, streams: Streams, condition: boolean): Promise<number> {
    for (const clause of node.clauses) {
      if ((await this.#exec(clause.condition, streams, true)) === 0) return this.#exec(clause.body, streams, condition);
    }
    return node.otherwise ? this.#exec(node.otherwise, streams, condition) : 0;
  }

  async #for(node: NodeOf<'for'>, streams: Streams, condition: boolean): Promise<number> {
    const values = node.words ? (await Promise.all(node.words.map((w) => expandWord(this, w, streams)))).flat() : [...this.state.positional];
    let status = 0;
    for (const value of values) {
      this.state.vars[node.name] = value;
      status = await this.#exec(node.body, streams, condition);
    }
    return status;
  }

  async #while(node: NodeOf<'while'>, streams: Streams, condition: boolean): Promise<number> {
    let status = 0;
    while (((await this.#exec(node.condition, streams, true)) === 0) !== node.until) {
      if (streams.signal.aborted) throw new ShellExit(143);
      status = await this.#exec(node.body, streams, condition);
    }
    return status;
  }

  async #group(node: NodeOf<'group'>, streams: Streams, condition: boolean): Promise<number> {
    if (!node.subshell) return this.#exec(node.body, streams, condition);
    try {
      return await this.#fork().#exec(node.body, streams, condition);
    } catch (err) {
      if (err instanceof ShellExit) return err.code;
      throw err;
    }
  }

  async #withRedirects(redirects: Redirect[], streams: Streams, line: number, body: (s: Streams) => Promise<number>): Promise<number> {
    const opened = await applyRedirects(this, redirects, streams, line);
    if (typeof opened === 'number') return opened;
    try {
      return await body(opened.streams);
    } finally {
      opened.close();
    }
  }

  async #simple(node: NodeOf<'simple'>, streams: Streams): Promise<number> {
    const argv: string[] = [];
    for (const word of node.words) argv.push(...(await expandWord(this, word, streams)));
    const assigned: Record<string, string> = {};
    for (const { name, value } of node.assigns) assigned[name] = (await expandWord(this, value, streams, false))[0] ?? '';
    return this.#withRedirects(node.redirects, streams, node.line, async (s) => {
      if (argv.length > 0) return this.#invoke(argv, assigned, s, node.line);
      Object.assign(this.state.vars, assigned);
      return this.state.status;
    });
  }

  /** Runs one command by name: builtin, table command, or script file; 127 when there is none. */
  async #invoke(argv: string[], assigned: Record<string, string>, streams: Streams, line: number): Promise<number> {
    const [name, ...args] = argv;
    if (Object.hasOwn(this.#builtins, name)) return this.#builtins[name](args, streams, line);
    const io: CommandIO = { ...this.#io, ...streams, env: { ...this.state.exportedVars(), ...assigned }, cwd: this.state.cwd };
    const command = lookupCommand(this.#io.commands, name) ?? (name.includes('/') ? scriptFile(io, inContainer(io, name)) : undefined);
    if (command) return command(args, io);
    streams.stderr(`${this.state.prefix(line)}${name}: ${this.state.flavour === 'bash' ? 'command not found' : 'not found'}\n`);
    return 127;
  }

  /** `$( … )`: the subshell's output without trailing newlines; its status becomes `$?`. */
  async substitute(script: string, streams: Streams): Promise<string> {
    const chunks: Buffer[] = [];
    this.state.status = await this.#fork().run(script, { ...streams, stdout: (c) => void chunks.push(Buffer.from(c)) });
    return Buffer.concat(chunks).toString('utf8').replace(/\n+$/, '');
  }
}

/** The interpreters a `#!` line may name. */
const INTERPRETERS: Record<string, ShellFlavour> = { sh: 'sh', dash: 'sh', bash: 'bash' };

/**
 * A command running the script file at `containerPath` when it exists, is executable and starts with a
 * `#!` naming sh/dash/bash (directly or through env); undefined otherwise.
 */
export function scriptFile(io: CommandIO, containerPath: string): CommandFn | undefined {
  let text: string;
  try {
    const host = hostOf(io, containerPath);
    const st = statSync(host);
    if (!st.isFile() || (st.mode & 0o111) === 0) return undefined;
    text = readFileSync(host).toString('utf8');
  } catch {
    return undefined;
  }
  const shebang = /^#!\s*(\S+)(?:\s+(\S+))?/.exec(text);
  const program = shebang?.[1].split('/').pop() === 'env' ? shebang?.[2] : shebang?.[1].split('/').pop();
  const flavour = program ? INTERPRETERS[program] : undefined;
  if (!flavour) return undefined;
  return (args, childIo) => Shell.create(childIo, flavour, containerPath, args).run(text.replace(/^#!.*\n?/, '\n'));
}

/** `sh` / `bash`: `-c SCRIPT [NAME [ARGS…]]`, a script file, or a script read from stdin; `-e` for errexit. */
export function shellCommand(flavour: ShellFlavour): CommandFn {
  return async (args, io) => {
    let errexit = false;
    let inline = false;
    let i = 0;
    for (; i < args.length && args[i].startsWith('-') && args[i] !== '-'; i++) {
      const arg = args[i];
      if (arg === '-o' || arg === '+o') i++;
      else if (!arg.startsWith('--')) {
        errexit ||= arg.includes('e');
        inline ||= arg.includes('c');
      }
    }
    const rest = args.slice(i);
    const start = (name: string, positional: string[]) => {
      const shell = Shell.create(io, flavour, name, positional);
      shell.state.errexit = errexit;
      return shell;
    };
    if (inline) {
      if (rest.length === 0) {
        io.stderr(`${flavour}: -c: option requires an argument\n`);
        return 2;
      }
      return start(rest[1] ?? flavour, rest.slice(2)).run(rest[0]);
    }
    if (rest.length > 0) {
      let text: string;
      try {
        text = readFileSync(hostOf(io, rest[0])).toString('utf8');
      } catch {
        io.stderr(flavour === 'bash' ? `bash: ${rest[0]}: No such file or directory\n` : `sh: 0: cannot open ${rest[0]}: No such file\n`);
        return flavour === 'bash' ? 127 : 2;
      }
      return start(rest[0], rest.slice(1)).run(text.replace(/^#!.*\n?/, '\n'));
    }
    return start(flavour, []).run((await readAll(io.stdin)).toString('utf8'), { ...io, stdin: EMPTY_INPUT });
  };
}
