/**
 * Line filters for pipelines: `grep` (BRE/ERE/fixed, -i -v -c -n -l -q -w -x -o -h -H -e), `sort`
 * (-r -n -u -f -k -t), `uniq` (-c -d -u -i), `wc` (-l -w -c -m, GNU column widths) and `cut` (-d -f).
 */
import { lstatSync, readdirSync } from 'node:fs';
import { lastValue, parseArgs } from './arg-parser.ts';
import { hostOf, splitLines, type CommandFn, type CommandIO } from './command-io.ts';
import { linesOf, openInput, safeChunks } from './input-source.ts';

/** The `grep` command. */
export const grep: CommandFn = async (args, io) => {
  const parsed = parseArgs('grep', args, {
    flags: 'ivcnlLqsEFGwxohHr',
    valued: 'em',
    long: { 'ignore-case': 'i', 'invert-match': 'v', count: 'c', 'line-number': 'n', quiet: 'q', silent: 'q', 'extended-regexp': 'E', 'fixed-strings': 'F', regexp: 'e', 'max-count': 'm', color: '?c', colour: '?c' },
  });
  if ('error' in parsed) {
    io.stderr(parsed.error.replace(/Try 'grep --help'/, "Usage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help'"));
    return 2;
  }
  const f = parsed.flags;
  const operands = [...parsed.operands];
  const patterns = parsed.values.get('e') ?? (operands.length > 0 ? [operands.shift() as string] : undefined);
  if (patterns === undefined) {
    io.stderr("Usage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.\n");
    return 2;
  }
  let re: RegExp;
  try {
    re = grepRegExp(patterns.flatMap((p) => p.split('\n')), { fixed: f.has('F'), extended: f.has('E'), ignoreCase: f.has('i'), word: f.has('w'), line: f.has('x') });
  } catch (err) {
    io.stderr(`grep: ${(err as Error).message}\n`);
    return 2;
  }
  const files = f.has('r') ? walkFiles(io, operands.length > 0 ? operands : ['.']) : operands.length > 0 ? operands : ['-'];
  const showNames = (files.length > 1 || f.has('r') || f.has('H')) && !f.has('h');
  const maxCount = Number(lastValue(parsed, 'm') ?? Infinity);
  let matchedAny = false;
  let failed = false;
  for (const file of files) {
    if (file !== '-' && lstatSafe(io, file)?.isDirectory()) {
      if (!f.has('s')) io.stderr(`grep: ${file}: Is a directory\n`);
      failed = true;
      continue;
    }
    const input = openInput(io, 'grep', file);
    if ('error' in input) {
      if (!f.has('s')) io.stderr(input.error);
      failed = true;
      continue;
    }
    const label = file === '-' ? '(standard input)' : file;
    const prefix = showNames ? `${label}:` : '';
    let count = 0;
    let lineNo = 0;
    for await (const raw of linesOf(safeChunks(input.chunks, io.signal))) {
      lineNo++;
      const line = raw.toString('utf8').replace(/\n$/, '');
      re.lastIndex = 0;
      if (re.test(line) === f.has('v')) continue;
      count++;
      matchedAny = true;
      if (f.has('q')) return 0;
      if (!f.has('c') && !f.has('l') && !f.has('L')) {
        const number = f.has('n') ? `${lineNo}:` : '';
        if (f.has('o') && !f.has('v')) {
          for (const m of line.matchAll(new RegExp(re.source, `g${re.flags.replace('g', '')}`))) if (m[0] !== '') io.stdout(`${prefix}${number}${m[0]}\n`);
        } else io.stdout(`${prefix}${number}${line}\n`);
      }
      if (count >= maxCount || f.has('l')) break;
    }
    if (f.has('c')) io.stdout(`${prefix}${count}\n`);
    if (f.has('l') && count > 0) io.stdout(`${label}\n`);
    if (f.has('L') && count === 0) io.stdout(`${label}\n`);
  }
  if (failed && !(f.has('q') && matchedAny)) return 2;
  return matchedAny ? 0 : 1;
};

/** `grep -r`: directories expand to the regular files below them, in name order; other operands stay. */
function walkFiles(io: CommandIO, operands: string[]): string[] {
  const out: string[] = [];
  const visit = (p: string) => {
    const st = lstatSafe(io, p);
    if (!st?.isDirectory()) return void out.push(p);
    for (const name of readdirSync(hostOf(io, p)).sort()) {
      const child = p.endsWith('/') ? `${p}${name}` : `${p}/${name}`;
      const childStat = lstatSafe(io, child);
      if (childStat?.isDirectory()) visit(child);
      else if (childStat?.isFile()) out.push(child);
    }
  };
  operands.forEach(visit);
  return out;
}

function lstatSafe(io: CommandIO, p: string) {
  try {
    return lstatSync(hostOf(io, p));
  } catch {
    return undefined;
  }
}

interface GrepMode {
  fixed: boolean;
  extended: boolean;
  ignoreCase: boolean;
  word: boolean;
  line: boolean;
}

/** One JS RegExp for grep's patterns (alternatives), translating POSIX BRE/ERE syntax. */
export function grepRegExp(patterns: string[], mode: GrepMode): RegExp {
  const sources = patterns.map((p) => (mode.fixed ? p.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&') : posixToJs(p, mode.extended)));
  let source = sources.map((s) => `(?:${s})`).join('|');
  if (mode.word) source = `(?<![\\w])(?:${source})(?![\\w])`;
  if (mode.line) source = `^(?:${source})$`;
  return new RegExp(source, mode.ignoreCase ? 'i' : '');
}

const POSIX_CLASSES: Record<string, string> = {
  alpha: 'a-zA-Z',
  digit: '0-9',
  alnum: 'a-zA-Z0-9',
  upper: 'A-Z',
  lower: 'a-z',
  space: '\\s',
  blank: ' \\t',
  punct: '!-\\/:-@\\[-`{-~',
  xdigit: '0-9A-Fa-f',
  word: '\\w',
};

/** BRE (`\(`, `\|`, `\+` special; `(`, `|`, `+` literal) or ERE into JS syntax. */
function posixToJs(pattern: string, extended: boolean): string {
  const breSpecial = '(){}|+?';
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '[') {
      let j = i + 1;
      if (pattern[j] === '^') j++;
      if (pattern[j] === ']') j++;
      while (j < pattern.length && pattern[j] !== ']') j = pattern.startsWith('[:', j) ? pattern.indexOf(':]', j) + 2 : j + 1;
      const body = pattern.slice(i + 1, j).replace(/\[:(\w+):\]/g, (_m, name: string) => POSIX_CLASSES[name] ?? '').replace(/\\/g, '\\\\');
      out += `[${body.replace(/^\^?\]/, (m) => m.replace(']', '\\]'))}]`;
      i = j;
    } else if (c === '\\' && i + 1 < pattern.length) {
      const next = pattern[++i];
      if (next === '<' || next === '>') out += '\\b';
      else if (!extended && breSpecial.includes(next)) out += next;
      else if ('wWsSbB'.includes(next)) out += `\\${next}`;
      else if (/[1-9]/.test(next)) out += `\\${next}`;
      else out += next.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    } else if (!extended && breSpecial.includes(c)) out += `\\${c}`;
    else out += c;
  }
  return out;
}

/** Reads all the given inputs (or stdin) as lines, reporting open errors; answers the lines and a status. */
async function readInputs(command: string, operands: string[], io: CommandIO): Promise<{ lines: string[]; status: number }> {
  const lines: string[] = [];
  let status = 0;
  for (const operand of operands.length > 0 ? operands : ['-']) {
    const input = openInput(io, command, operand);
    if ('error' in input) {
      io.stderr(input.error);
      status = 2;
      continue;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of safeChunks(input.chunks, io.signal)) chunks.push(chunk);
    lines.push(...splitLines(Buffer.concat(chunks).toString('utf8')));
  }
  return { lines, status };
}

/** The `sort` command (C-locale byte order). */
export const sort: CommandFn = async (args, io) => {
  const parsed = parseArgs('sort', args, { flags: 'rnufb', valued: 'kt', long: { reverse: 'r', 'numeric-sort': 'n', unique: 'u', 'ignore-case': 'f', key: 'k', 'field-separator': 't' } });
  if ('error' in parsed) {
    io.stderr(parsed.error);
    return 2;
  }
  const f = parsed.flags;
  const { lines, status } = await readInputs('sort', parsed.operands, io);
  const separator = lastValue(parsed, 't');
  const keyField = Number((lastValue(parsed, 'k') ?? '0').split(',')[0]);
  const keyOf = (line: string) => {
    let key = line;
    if (keyField > 0) key = (separator !== undefined ? line.split(separator) : line.trim().split(/\s+/)).slice(keyField - 1).join(separator ?? ' ');
    return f.has('f') ? key.toUpperCase() : key;
  };
  const byBytes = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  const compare = f.has('n')
    ? (a: string, b: string) => (parseFloat(keyOf(a)) || 0) - (parseFloat(keyOf(b)) || 0) || byBytes(a, b)
    : (a: string, b: string) => byBytes(keyOf(a), keyOf(b)) || byBytes(a, b);
  let sorted = [...lines].sort(compare);
  if (f.has('r')) sorted.reverse();
  if (f.has('u')) sorted = sorted.filter((line, i) => i === 0 || keyOf(sorted[i - 1]) !== keyOf(line));
  io.stdout(sorted.map((l) => `${l}\n`).join(''));
  return status;
};

/** The `uniq` command. */
export const uniq: CommandFn = async (args, io) => {
  const parsed = parseArgs('uniq', args, { flags: 'cdui', long: { count: 'c', repeated: 'd', unique: 'u', 'ignore-case': 'i' } });
  if ('error' in parsed) {
    io.stderr(parsed.error);
    return 1;
  }
  const f = parsed.flags;
  const { lines, status } = await readInputs('uniq', parsed.operands.slice(0, 1), io);
  const same = (a: string, b: string) => (f.has('i') ? a.toLowerCase() === b.toLowerCase() : a === b);
  const out: string[] = [];
  for (let i = 0; i < lines.length; ) {
    let j = i + 1;
    while (j < lines.length && same(lines[i], lines[j])) j++;
    const n = j - i;
    if (!(f.has('d') && n < 2) && !(f.has('u') && n > 1)) out.push(f.has('c') ? `${String(n).padStart(7)} ${lines[i]}\n` : `${lines[i]}\n`);
    i = j;
  }
  io.stdout(out.join(''));
  return status === 0 ? 0 : 1;
};

/** The `wc` command, with GNU's column width rule (digits of the total size; at least 7 when reading stdin). */
export const wc: CommandFn = async (args, io) => {
  const parsed = parseArgs('wc', args, { flags: 'lwcm', long: { lines: 'l', words: 'w', bytes: 'c', chars: 'm' } });
  if ('error' in parsed) {
    io.stderr(parsed.error);
    return 1;
  }
  const f = parsed.flags;
  const picked = ['l', 'w', 'm', 'c'].filter((k) => f.has(k));
  const columns = picked.length > 0 ? picked : ['l', 'w', 'c'];
  const rows: Array<{ counts: Record<string, number>; name?: string }> = [];
  let status = 0;
  let regularBytes = 0;
  let sawNonRegular = false;
  const operands = parsed.operands.length > 0 ? parsed.operands : ['-'];
  for (const operand of operands) {
    const input = openInput(io, 'wc', operand);
    if ('error' in input) {
      io.stderr(input.error);
      status = 1;
      continue;
    }
    const counts = { l: 0, w: 0, c: 0, m: 0 };
    let inWord = false;
    for await (const chunk of safeChunks(input.chunks, io.signal)) {
      counts.c += chunk.length;
      const text = chunk.toString('utf8');
      counts.m += [...text].length;
      for (const ch of text) {
        if (ch === '\n') counts.l++;
        const space = /\s/.test(ch);
        if (!space && !inWord) counts.w++;
        inWord = !space;
      }
    }
    if (operand === '-') sawNonRegular = true;
    else regularBytes += counts.c;
    rows.push({ counts, name: operand === '-' ? undefined : operand });
  }
  if (rows.length > 1) {
    const total = { l: 0, w: 0, c: 0, m: 0 };
    for (const r of rows) for (const k of Object.keys(total) as Array<keyof typeof total>) total[k] += r.counts[k];
    rows.push({ counts: total, name: 'total' });
  }
  const width = columns.length === 1 && operands.length === 1 ? 1 : Math.max(sawNonRegular ? 7 : 1, String(regularBytes).length);
  io.stdout(rows.map((r) => columns.map((k) => String(r.counts[k]).padStart(width)).join(' ') + (r.name !== undefined ? ` ${r.name}` : '') + '\n').join(''));
  return status;
};

/** The `cut` command: fields (-f with -d) or characters (-c). */
export const cut: CommandFn = async (args, io) => {
  const parsed = parseArgs('cut', args, { flags: 's', valued: 'dfc', long: { delimiter: 'd', fields: 'f', characters: 'c' } });
  if ('error' in parsed) {
    io.stderr(parsed.error);
    return 1;
  }
  const fields = lastValue(parsed, 'f');
  const chars = lastValue(parsed, 'c');
  if (fields === undefined && chars === undefined) {
    io.stderr("cut: you must specify a list of bytes, characters, or fields\nTry 'cut --help' for more information.\n");
    return 1;
  }
  const wanted = parseRanges((fields ?? chars) as string);
  const delimiter = lastValue(parsed, 'd') ?? '\t';
  const { lines, status } = await readInputs('cut', parsed.operands, io);
  const out = lines.map((line) => {
    if (chars !== undefined) return [...line].filter((_c, i) => wanted(i + 1)).join('');
    if (!line.includes(delimiter)) return parsed.flags.has('s') ? undefined : line;
    return line.split(delimiter).filter((_p, i) => wanted(i + 1)).join(delimiter);
  });
  io.stdout(out.filter((l) => l !== undefined).map((l) => `${l}\n`).join(''));
  return status === 0 ? 0 : 1;
};

function parseRanges(list: string): (n: number) => boolean {
  const ranges = list.split(',').map((part) => {
    const [a, b] = part.includes('-') ? part.split('-') : [part, part];
    return [a === '' ? 1 : Number(a), b === '' ? Infinity : Number(b)] as const;
  });
  return (n) => ranges.some(([lo, hi]) => n >= lo && n <= hi);
}
