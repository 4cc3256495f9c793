/**
 * The builtins of the sandbox shell — the commands that must change the shell itself: cd, exit, export,
 * unset, set (-e, -o pipefail, --), `:`, wait, exec, eval, `.`/source, command (-v), shift.
 */
import { readFileSync, statSync } from 'node:fs';
import { hostOf, inContainer, lookupCommand, type CommandIO } from './command-io.ts';
import { ShellExit, type ShellState, type Streams } from './shell-state.ts';

/** One builtin: arguments, the streams, and the line it is on (for messages). */
export type Builtin = (args: string[], streams: Streams, line: number) => Promise<number>;

/** What builtins need from their shell. */
export interface BuiltinHost {
  state: ShellState;
  io(): CommandIO;
  /** Runs a command by name without builtins of its own (exec, command). */
  invoke(argv: string[], streams: Streams, line: number): Promise<number>;
  /** Runs script text in this very shell (eval, `.`). */
  runHere(script: string, streams: Streams): Promise<number>;
}

/** The builtins, bound to `host`. */
export function shellBuiltins(host: BuiltinHost): Record<string, Builtin> {
  const state = host.state;
  const builtins: Record<string, Builtin> = {
    cd: async (args, streams, line) => {
      const target = args[0] === '-' ? (state.vars.OLDPWD ?? state.cwd) : (args[0] ?? state.vars.HOME ?? '/');
      const next = inContainer({ cwd: state.cwd }, target);
      try {
        if (!statSync(hostOf(host.io(), next)).isDirectory()) throw Object.assign(new Error(), { code: 'ENOTDIR' });
      } catch (err) {
        const why = (err as NodeJS.ErrnoException).code === 'ENOTDIR' ? 'Not a directory' : 'No such file or directory';
        streams.stderr(state.flavour === 'bash' ? `${state.prefix(line)}cd: ${target}: ${why}\n` : `${state.prefix(line)}cd: can't cd to ${target}\n`);
        return state.flavour === 'bash' ? 1 : 2;
      }
      state.vars.OLDPWD = state.cwd;
      state.cwd = next;
      state.vars.PWD = next;
      if (args[0] === '-') streams.stdout(`${next}\n`);
      return 0;
    },
    exit: async (args) => {
      throw new ShellExit(args[0] !== undefined ? Number(args[0]) & 255 : state.status);
    },
    export: async (args) => {
      for (const arg of args.filter((a) => a !== '-p')) {
        const at = arg.indexOf('=');
        const name = at < 0 ? arg : arg.slice(0, at);
        if (at >= 0) state.vars[name] = arg.slice(at + 1);
        state.exported.add(name);
      }
      return 0;
    },
    unset: async (args) => {
      for (const name of args.filter((a) => !a.startsWith('-'))) {
        delete state.vars[name];
        state.exported.delete(name);
      }
      return 0;
    },
    set: async (args) => {
      for (let i = 0; i < args.length; i++) {
        const arg = args[i];
        if (arg === '--') {
          state.positional = args.slice(i + 1);
          break;
        }
        if (arg === '-o' || arg === '+o') {
          const option = args[++i];
          if (option === 'pipefail') state.pipefail = arg === '-o';
          if (option === 'errexit') state.errexit = arg === '-o';
        } else if (/^[-+][euxvfC]+$/.test(arg) && arg.includes('e')) state.errexit = arg.startsWith('-');
      }
      return 0;
    },
    ':': async () => 0,
    wait: async () => {
      const statuses = await Promise.all(state.jobs.splice(0));
      return statuses[statuses.length - 1] ?? 0;
    },
    exec: async (args, streams, line) => {
      if (args.length === 0) return 0;
      throw new ShellExit(await host.invoke(args, streams, line));
    },
    eval: async (args, streams) => host.runHere(args.join(' '), streams),
    '.': async (args, streams, line) => source(args, streams, line),
    source: async (args, streams, line) => source(args, streams, line),
    command: async (args, streams, line) => {
      if (args[0] !== '-v' && args[0] !== '-V') return args.length > 0 ? host.invoke(args, streams, line) : 0;
      const name = args[1] ?? '';
      if (Object.hasOwn(builtins, name)) streams.stdout(`${name}\n`);
      else if (lookupCommand(host.io().commands, name)) streams.stdout(`${name.includes('/') ? name : `/usr/bin/${name}`}\n`);
      else return 1;
      return 0;
    },
    shift: async (args) => {
      const n = Number(args[0] ?? 1);
      if (n > state.positional.length) return 1;
      state.positional = state.positional.slice(n);
      return 0;
    },
  };
  const source = async (args: string[], streams: Streams, line: number): Promise<number> => {
    let text: string;
    try {
      text = readFileSync(hostOf(host.io(), args[0] ?? '')).toString('utf8');
    } catch {
      streams.stderr(`${state.prefix(line)}.: cannot open ${args[0] ?? ''}: No such file\n`);
      return 2;
    }
    return host.runHere(text, streams);
  };
  return builtins;
}
