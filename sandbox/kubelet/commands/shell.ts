/**
 * The sandbox's `sh -c` / `bash -c`: what a person types after `kubectl exec … --` to look into a pod, and no
 * more. It runs simple commands of the command table joined by `;`, newlines, `&&` and `||`, with quoting
 * (`'…'`, `"…"`, `\`), `$NAME`/`${NAME}`/`$?`/`$0`…`$9` (unquoted values split on blanks), comments, the
 * `exit` builtin, and redirections between the two output streams (`>&2`, `2>&1`, `>/dev/null`). Anything else
 * (pipes, files as redirection targets, `$(…)`, control structures, assignments) answers one line and exit 2
 * instead of running half a script; see sandbox/README.md (Limits) for why the set stays this small.
 * Messages follow dash (`sh: 1: x: not found`) and bash (`bash: line 1: x: command not found`), exit 127.
 */
import { lookupCommand, type CommandFn, type CommandIO } from './command-io.ts';

export type ShellFlavour = 'sh' | 'bash';

/** One piece of a word: literal text, or a parameter to expand; `quoted` pieces are never split. */
type Part = { text: string; quoted: boolean } | { param: string; quoted: boolean };

/** `>&2` (fd 1 to 2), `2>&1`, or `>/dev/null` (`to: 'null'`). */
interface Redirect {
  fd: 1 | 2;
  to: 1 | 2 | 'null';
}

interface SimpleCommand {
  words: Part[][];
  redirects: Redirect[];
  line: number;
  /** How it joins the previous command. */
  join: ';' | '&&' | '||';
}

/** Shell syntax the sandbox does not run: reported as one line, exit 2. */
class Unsupported extends Error {
  readonly line: number;
  constructor(what: string, line: number) {
    super(what);
    this.line = line;
  }
}

const RESERVED = new Set([
  'if',
  'then',
  'else',
  'elif',
  'fi',
  'for',
  'while',
  'until',
  'do',
  'done',
  'case',
  'esac',
  '{',
  '}',
  '!',
  'function',
]);
const SPECIAL = new Set(['|', '&', '(', ')', '<', '>', '`']);
/** `>&2`, `1>&2`, `2>&1`, `>/dev/null`, `2>/dev/null`: the redirections it runs. */
const REDIRECT = /^([12]?)>(?:&([12])|\s*\/dev\/null)(?![^\s;&|])/;

/** Splits a script into simple commands; throws Unsupported at the first construct it does not run. */
export function parseScript(script: string): SimpleCommand[] {
  const commands: SimpleCommand[] = [];
  let line = 1;
  let join: SimpleCommand['join'] = ';';
  let current: SimpleCommand | undefined;
  let word: Part[] | undefined;
  const endWord = () => {
    if (!word) return;
    current ??= { words: [], redirects: [], line, join };
    current.words.push(word);
    word = undefined;
  };
  const endCommand = (next: SimpleCommand['join'], token: string) => {
    endWord();
    if (!current) {
      if (next === ';' && token !== ';') return; // blank line
      throw new Unsupported(`Syntax error: "${token}" unexpected`, line);
    }
    commands.push(current);
    current = undefined;
    join = next;
  };
  const add = (part: Part) => (word ??= []).push(part);
  let i = 0;
  const param = (quoted: boolean) => {
    const braced = /^\$\{([A-Za-z_]\w*|[0-9?])\}/.exec(script.slice(i));
    const plain = /^\$([A-Za-z_]\w*|[0-9?])/.exec(script.slice(i));
    const m = braced ?? plain;
    if (m) {
      add({ param: m[1], quoted });
      i += m[0].length;
    } else if (/^\$[({]/.test(script.slice(i))) {
      throw new Unsupported(`'${script.slice(i, i + 2)}'`, line);
    } else {
      add({ text: '$', quoted });
      i++;
    }
  };
  while (i < script.length) {
    const c = script[i];
    if (c === '\n' || c === ';') {
      if (c === ';' && script[i + 1] === ';') throw new Unsupported("';;'", line);
      endCommand(';', c);
      if (c === '\n') line++;
      i++;
    } else if (c === ' ' || c === '\t') {
      endWord();
      i++;
    } else if (c === '#' && !word) {
      while (i < script.length && script[i] !== '\n') i++;
    } else if (script.startsWith('&&', i) || script.startsWith('||', i)) {
      endCommand(script.slice(i, i + 2) as '&&' | '||', script.slice(i, i + 2));
      i += 2;
    } else if ((c === '>' || !word) && REDIRECT.test(script.slice(i))) {
      endWord();
      const m = REDIRECT.exec(script.slice(i))!;
      const fd = m[1] === '2' ? 2 : 1;
      current ??= { words: [], redirects: [], line, join };
      current.redirects.push({ fd, to: m[2] ? (Number(m[2]) as 1 | 2) : 'null' });
      i += m[0].length;
    } else if (SPECIAL.has(c)) {
      throw new Unsupported(`'${script.startsWith('>>', i) ? '>>' : c === '>' ? '> FILE' : c}'`, line);
    } else if (c === "'") {
      const end = script.indexOf("'", i + 1);
      if (end < 0) throw new Unsupported('Syntax error: Unterminated quoted string', line);
      add({ text: script.slice(i + 1, end), quoted: true });
      line += script.slice(i, end).split('\n').length - 1;
      i = end + 1;
    } else if (c === '"') {
      add({ text: '', quoted: true });
      i++;
      for (;;) {
        if (i >= script.length) throw new Unsupported('Syntax error: Unterminated quoted string', line);
        const d = script[i];
        if (d === '"') break;
        if (d === '$') param(true);
        else if (d === '`') throw new Unsupported("'`'", line);
        else if (d === '\\' && '$`"\\\n'.includes(script[i + 1] ?? '')) {
          if (script[i + 1] !== '\n') add({ text: script[i + 1], quoted: true });
          i += 2;
        } else {
          if (d === '\n') line++;
          add({ text: d, quoted: true });
          i++;
        }
      }
      i++;
    } else if (c === '\\') {
      if (script[i + 1] === '\n') line++;
      else add({ text: script[i + 1] ?? '', quoted: true });
      i += 2;
    } else if (c === '$') {
      param(false);
    } else {
      add({ text: c, quoted: false });
      i++;
    }
  }
  endWord();
  if (current) commands.push(current);
  else if (join !== ';') throw new Unsupported('Syntax error: end of file unexpected', line);
  for (const command of commands) {
    const first = command.words[0];
    const name = first?.every((p) => 'text' in p && !p.quoted)
      ? first.map((p) => ('text' in p ? p.text : '')).join('')
      : '';
    if (RESERVED.has(name)) throw new Unsupported(`'${name}'`, command.line);
    if (/^[A-Za-z_]\w*=/.test(name)) throw new Unsupported('variable assignments', command.line);
  }
  return commands;
}

/** A word's fields: quoted parts stay whole, unquoted parameter values are split on blanks. */
function expand(word: Part[], lookup: (name: string) => string): string[] {
  const fields: string[] = [];
  let cur: string | undefined;
  for (const part of word) {
    if ('text' in part) {
      cur = (cur ?? '') + part.text;
      continue;
    }
    const value = lookup(part.param);
    if (part.quoted) {
      cur = (cur ?? '') + value;
      continue;
    }
    value.split(/[ \t\n]+/).forEach((piece, n) => {
      if (n > 0 && cur !== undefined) {
        fields.push(cur);
        cur = undefined;
      }
      if (piece !== '') cur = (cur ?? '') + piece;
    });
  }
  if (cur !== undefined) fields.push(cur);
  return fields;
}

/** Runs a parsed script against the command table; answers the last status (or `exit`'s). */
async function runScript(
  commands: SimpleCommand[],
  io: CommandIO,
  flavour: ShellFlavour,
  positional: string[],
  errexit: boolean,
): Promise<number> {
  let status = 0;
  const lookup = (name: string) =>
    name === '?' ? String(status) : /^\d$/.test(name) ? (positional[Number(name)] ?? '') : (io.env[name] ?? '');
  // Whether `status` came from a command followed by && or ||: a condition, which `-e` does not stop at.
  let condition = false;
  for (const [i, command] of commands.entries()) {
    if (io.signal.aborted) break;
    if (errexit && status !== 0 && !condition && command.join === ';') return status;
    if ((command.join === '&&' && status !== 0) || (command.join === '||' && status === 0)) continue;
    condition = (commands[i + 1]?.join ?? ';') !== ';';
    const argv = command.words.flatMap((w) => expand(w, lookup));
    const streams = { 1: io.stdout, 2: io.stderr, null: () => {} };
    for (const r of command.redirects) streams[r.fd] = streams[r.to];
    const childIo: CommandIO = { ...io, stdout: streams[1], stderr: streams[2] };
    const [name, ...args] = argv;
    if (name === undefined) continue;
    if (name === 'exit') {
      if (args[0] !== undefined && !/^\d+$/.test(args[0])) {
        childIo.stderr(
          flavour === 'bash'
            ? `bash: line ${command.line}: exit: ${args[0]}: numeric argument required\n`
            : `sh: ${command.line}: exit: Illegal number: ${args[0]}\n`,
        );
        return 2;
      }
      return args[0] === undefined ? status : Number(args[0]) & 255;
    }
    const fn = lookupCommand(io.commands, name);
    if (!fn) {
      childIo.stderr(
        flavour === 'bash'
          ? `bash: line ${command.line}: ${name}: command not found\n`
          : `sh: ${command.line}: ${name}: not found\n`,
      );
      status = 127;
      continue;
    }
    status = await fn(args, childIo);
  }
  return status;
}

/**
 * `sh` / `bash`: only `-c SCRIPT [NAME [ARGS…]]`, with `-e` (errexit) and `-l` (login: nothing to read here)
 * bundled or apart (`bash -lc`, `sh -ec`); script files and scripts on stdin answer one line, exit 2.
 */
export function shellCommand(flavour: ShellFlavour): CommandFn {
  return async (allArgs, io) => {
    const where = (line: number) => (flavour === 'bash' ? `bash: line ${line}:` : `sh: ${line}:`);
    let flags = '';
    let n = 0;
    for (; /^-[cel]+$/.test(allArgs[n] ?? '') && !flags.includes('c'); n++) flags += allArgs[n].slice(1);
    const args = allArgs.slice(n);
    if (!flags.includes('c')) {
      io.stderr(
        `${flavour}: the sandbox runs only \`${flavour} -c SCRIPT\` (no script files, other options or stdin)\n`,
      );
      return 2;
    }
    if (args.length < 1) {
      io.stderr(`${flavour}: -c: option requires an argument\n`);
      return 2;
    }
    const [script, name = flavour, ...rest] = args;
    let commands: SimpleCommand[];
    try {
      commands = parseScript(script);
    } catch (err) {
      if (!(err instanceof Unsupported)) throw err;
      const text = err.message.startsWith('Syntax error')
        ? err.message
        : `${err.message} is not supported by the sandbox's shell (it runs commands joined by ; && ||)`;
      io.stderr(`${where(err.line)} ${text}\n`);
      return 2;
    }
    return runScript(commands, io, flavour, [name, ...rest], flags.includes('e'));
  };
}
