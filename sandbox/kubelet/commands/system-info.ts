/**
 * Small commands about the process and its container: echo, printf, pwd, env, printenv, true, false, sleep,
 * hostname, whoami, id, uname, date, basename, dirname, which.
 */
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { lastValue, parseArgs } from './arg-parser.ts';
import { lookupCommand, type CommandFn, type CommandIO } from './command-io.ts';
import { cDate, strftime } from './file-format.ts';
import { containerIdentity } from '../container-identity.ts';
import { podHostname } from '../podfs.ts';

/** Backslash escapes of `echo -e` and `printf`; answers the text and whether `\c` cut the output. */
function unescapeC(text: string): { text: string; stop: boolean } {
  const map: Record<string, string> = { n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', f: '\f', v: '\v', e: '\x1b', '\\': '\\' };
  let stop = false;
  const out = text.replace(/\\(0[0-7]{0,3}|x[0-9a-fA-F]{1,2}|.)/g, (all, code: string) => {
    if (stop) return '';
    if (code === 'c') {
      stop = true;
      return '';
    }
    if (code.startsWith('0')) return String.fromCharCode(parseInt(code.slice(1) || '0', 8));
    if (code.startsWith('x')) return String.fromCharCode(parseInt(code.slice(1), 16));
    return map[code] ?? all;
  });
  return { text: out, stop };
}

/** The `echo` command (-n, -e, -E). */
export const echo: CommandFn = async (args, io) => {
  let newline = true;
  let escapes = false;
  let i = 0;
  for (; i < args.length && /^-[neE]+$/.test(args[i]); i++) {
    for (const letter of args[i].slice(1)) {
      if (letter === 'n') newline = false;
      else escapes = letter === 'e';
    }
  }
  let text = args.slice(i).join(' ');
  if (escapes) {
    const result = unescapeC(text);
    text = result.text;
    if (result.stop) newline = false;
  }
  io.stdout(newline ? `${text}\n` : text);
  return 0;
};

/** The `printf` command: %s %b %d %i %u %x %X %o %c %f %e %g %%, with the format reused until arguments run out. */
export const printf: CommandFn = async (args, io) => {
  if (args.length === 0) {
    io.stderr('printf: usage: printf format [arguments]\n');
    return 2;
  }
  const [format, ...rest] = args;
  let status = 0;
  let out = '';
  let index = 0;
  do {
    const before = index;
    const piece = format.replace(/%([-+ #0]*\d*(?:\.\d+)?)([sbdiuxXocfeg%])/g, (_all, spec: string, conv: string) => {
      if (conv === '%') return '%';
      const arg = rest[index++] ?? '';
      const number = () => {
        const n = arg === '' ? 0 : Number(arg.startsWith("'") ? arg.charCodeAt(1) : arg);
        if (Number.isNaN(n)) {
          io.stderr(`printf: '${arg}': expected a numeric value\n`);
          status = 1;
          return 0;
        }
        return n;
      };
      const conversions: Record<string, () => string> = {
        s: () => arg,
        b: () => unescapeC(arg).text,
        d: () => String(Math.trunc(number())),
        i: () => String(Math.trunc(number())),
        u: () => String(Math.trunc(number())),
        x: () => Math.trunc(number()).toString(16),
        X: () => Math.trunc(number()).toString(16).toUpperCase(),
        o: () => Math.trunc(number()).toString(8),
        c: () => arg.slice(0, 1),
        f: () => number().toFixed(Number(spec.split('.')[1] ?? 6)),
        e: () => number().toExponential(Number(spec.split('.')[1] ?? 6)),
        g: () => String(number()),
      };
      const value = conversions[conv]();
      const width = Number(/\d+/.exec(spec.split('.')[0])?.[0] ?? 0);
      return spec.includes('-') ? value.padEnd(width) : value.padStart(width, spec.startsWith('0') && conv !== 's' ? '0' : ' ');
    });
    out += unescapeC(piece).text;
    if (index === before) break;
  } while (index < rest.length);
  io.stdout(out);
  return status;
};

/** The `pwd` command. */
export const pwd: CommandFn = async (_args, io) => {
  io.stdout(`${io.cwd}\n`);
  return 0;
};

/** The `true` command. */
export const trueCommand: CommandFn = async () => 0;

/** The `false` command. */
export const falseCommand: CommandFn = async () => 1;

/** The `env` command: prints the environment, or runs a command with `NAME=VALUE` additions (-i, -u NAME). */
export const env: CommandFn = async (args, io) => {
  const parsed = parseArgs('env', args, { flags: 'i0', valued: 'u', long: { 'ignore-environment': 'i', unset: 'u' }, stopAtOperand: true });
  if ('error' in parsed) {
    io.stderr(parsed.error);
    return 125;
  }
  const vars: Record<string, string> = parsed.flags.has('i') ? {} : { ...io.env };
  for (const name of parsed.values.get('u') ?? []) delete vars[name];
  const operands = [...parsed.operands];
  while (operands.length > 0 && /^[^=]+=/.test(operands[0])) {
    const assignment = operands.shift() as string;
    const at = assignment.indexOf('=');
    vars[assignment.slice(0, at)] = assignment.slice(at + 1);
  }
  if (operands.length === 0) {
    io.stdout(Object.entries(vars).map(([k, v]) => `${k}=${v}\n`).join(''));
    return 0;
  }
  const command = lookupCommand(io.commands, operands[0]);
  if (!command) {
    io.stderr(`env: '${operands[0]}': No such file or directory\n`);
    return 127;
  }
  return command(operands.slice(1), { ...io, env: vars });
};

/** The `printenv` command. */
export const printenv: CommandFn = async (args, io) => {
  if (args.length === 0) {
    io.stdout(Object.entries(io.env).map(([k, v]) => `${k}=${v}\n`).join(''));
    return 0;
  }
  let status = 0;
  for (const name of args) {
    if (name in io.env) io.stdout(`${io.env[name]}\n`);
    else status = 1;
  }
  return status;
};

/** `sleep N[smhd]…` on a real timer; a cancelled exec ends it like SIGTERM (143). */
export const sleep: CommandFn = async (args, io) => {
  if (args.length === 0) {
    io.stderr("sleep: missing operand\nTry 'sleep --help' for more information.\n");
    return 1;
  }
  const units: Record<string, number> = { '': 1, s: 1, m: 60, h: 3600, d: 86400 };
  let seconds = 0;
  for (const arg of args) {
    const m = /^(\d+(?:\.\d*)?|\.\d+)([smhd]?)$/.exec(arg);
    if (!m) {
      io.stderr(`sleep: invalid time interval '${arg}'\nTry 'sleep --help' for more information.\n`);
      return 1;
    }
    seconds += Number(m[1]) * units[m[2]];
  }
  try {
    await delay(seconds * 1000, undefined, { signal: io.signal });
    return 0;
  } catch {
    return 143;
  }
};

/** The `hostname` command (-i for the pod IP). */
export const hostname: CommandFn = async (args, io) => {
  io.stdout(args.includes('-i') || args.includes('-I') ? `${io.pod.status?.podIP ?? '10.244.0.10'}\n` : `${podHostname(io.pod)}\n`);
  return 0;
};

/** The `whoami` command. */
export const whoami: CommandFn = async (_args, io) => {
  const me = containerIdentity(io.pod, io.container);
  if (me.user === undefined) {
    io.stderr(`whoami: cannot find name for user ID ${me.uid}\n`);
    return 1;
  }
  io.stdout(`${me.user}\n`);
  return 0;
};

/** The `id` command (-u -g -G -n). */
export const id: CommandFn = async (args, io) => {
  const parsed = parseArgs('id', args, { flags: 'ugGnr', long: { user: 'u', group: 'g', groups: 'G', name: 'n' } });
  if ('error' in parsed) {
    io.stderr(parsed.error);
    return 1;
  }
  const me = containerIdentity(io.pod, io.container);
  const named = (n: number, name?: string) => (name !== undefined ? `${n}(${name})` : String(n));
  const pick = (n: number, name?: string) => (parsed.flags.has('n') ? (name ?? String(n)) : String(n));
  if (parsed.flags.has('u')) io.stdout(`${pick(me.uid, me.user)}\n`);
  else if (parsed.flags.has('g') || parsed.flags.has('G')) io.stdout(`${pick(me.gid, me.group)}\n`);
  else io.stdout(`uid=${named(me.uid, me.user)} gid=${named(me.gid, me.group)} groups=${named(me.gid, me.group)}\n`);
  return 0;
};

/** The `uname` command (-a -s -n -r -m). */
export const uname: CommandFn = async (args, io) => {
  const fields: Record<string, string> = { s: 'Linux', n: podHostname(io.pod), r: '6.1.0-sandbox-amd64', v: '#1 SMP PREEMPT_DYNAMIC Debian 6.1.0', m: 'x86_64', o: 'GNU/Linux' };
  const letters = args.join('').replace(/-/g, '');
  const wanted = letters.includes('a') ? 'snrvmo' : letters || 's';
  io.stdout(`${[...'snrvmo'].filter((l) => wanted.includes(l)).map((l) => fields[l]).join(' ')}\n`);
  return 0;
};

/** The `date` command: default C-locale output, `+FORMAT`, -u, -I[spec], -R, --rfc-3339, -d @N / -d DATE. */
export const date: CommandFn = async (args, io) => {
  const parsed = parseArgs('date', args, {
    flags: 'uRI',
    valued: 'd',
    long: { utc: 'u', universal: 'u', 'rfc-email': 'R', date: 'd' },
    longValued: { 'rfc-3339': 'rfc3339', 'iso-8601': 'iso' },
  });
  // -Iseconds / --iso-8601 arrive glued; handle them before the generic parser complains.
  const iso = args.find((a) => a.startsWith('-I') || a.startsWith('--iso-8601'));
  if ('error' in parsed && iso === undefined) {
    io.stderr(parsed.error);
    return 1;
  }
  const dateArg = 'error' in parsed ? undefined : lastValue(parsed, 'd');
  const time = dateArg === undefined ? new Date() : dateArg.startsWith('@') ? new Date(Number(dateArg.slice(1)) * 1000) : new Date(dateArg);
  if (Number.isNaN(time.getTime())) {
    io.stderr(`date: invalid date '${dateArg}'\n`);
    return 1;
  }
  const format = args.find((a) => a.startsWith('+'));
  const rfc3339 = 'error' in parsed ? undefined : lastValue(parsed, 'rfc3339');
  let text: string;
  if (format !== undefined) text = strftime(format.slice(1), time);
  else if (iso !== undefined) text = strftime(/seconds|ns|minutes|hours/.test(iso) ? '%Y-%m-%dT%H:%M:%S+00:00' : '%Y-%m-%d', time);
  else if (rfc3339 !== undefined) text = strftime(rfc3339 === 'date' ? '%Y-%m-%d' : '%Y-%m-%d %H:%M:%S+00:00', time);
  else if (!('error' in parsed) && parsed.flags.has('R')) text = strftime('%a, %d %b %Y %H:%M:%S +0000', time);
  else text = cDate(time);
  io.stdout(`${text}\n`);
  return 0;
};

/** The `basename` command (with an optional suffix). */
export const basename: CommandFn = async (args, io) => {
  if (args.length === 0) {
    io.stderr("basename: missing operand\nTry 'basename --help' for more information.\n");
    return 1;
  }
  let base = path.posix.basename(args[0]) || (args[0].startsWith('/') ? '/' : '');
  if (args[1] && base.endsWith(args[1]) && base !== args[1]) base = base.slice(0, -args[1].length);
  io.stdout(`${base}\n`);
  return 0;
};

/** The `dirname` command. */
export const dirname: CommandFn = async (args, io) => {
  if (args.length === 0) {
    io.stderr("dirname: missing operand\nTry 'dirname --help' for more information.\n");
    return 1;
  }
  io.stdout(args.map((a) => `${path.posix.dirname(a)}\n`).join(''));
  return 0;
};

/** The `which` command: every emulated command lives in /usr/bin. */
export const which: CommandFn = async (args, io: CommandIO) => {
  let status = 0;
  for (const name of args.filter((a) => !a.startsWith('-'))) {
    if (lookupCommand(io.commands, name)) io.stdout(`${name.includes('/') ? name : `/usr/bin/${name}`}\n`);
    else status = 1;
  }
  return status;
};

