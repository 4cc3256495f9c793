/**
 * `ls`, formatted like GNU coreutils writing to a pipe (one name per line; `-l` long format with `total`,
 * link counts, `foundry foundry` owners, sizes, `Nov 26 08:30` dates). Supports -l -a -A -h -R -1 -d -t -S -r.
 */
import { lstatSync, readdirSync, readlinkSync, type Stats } from 'node:fs';
import { parseArgs } from './arg-parser.ts';
import { fsMessage, hostOf, type CommandFn, type CommandIO } from './command-io.ts';
import { humanSize, lsDate, modeString } from './file-format.ts';
import { FILE_OWNER } from '../container-identity.ts';

interface Entry {
  /** The name as printed. */
  name: string;
  /** In-container path (for recursion and symlink targets). */
  path: string;
  st: Stats;
}

interface LsOptions {
  long: boolean;
  all: boolean;
  almostAll: boolean;
  human: boolean;
  recursive: boolean;
  directory: boolean;
  byTime: boolean;
  bySize: boolean;
  reverse: boolean;
}

/** The `ls` command. */
export const ls: CommandFn = async (args, io) => {
  const parsed = parseArgs('ls', args, {
    flags: 'laAhR1dtSrCx',
    long: {
      all: 'a',
      'almost-all': 'A',
      'human-readable': 'h',
      recursive: 'R',
      directory: 'd',
      reverse: 'r',
      color: '?color',
      'group-directories-first': '?g',
    },
  });
  if ('error' in parsed) {
    io.stderr(parsed.error);
    return 2;
  }
  const f = parsed.flags;
  const opts: LsOptions = {
    long: f.has('l'),
    all: f.has('a'),
    almostAll: f.has('A'),
    human: f.has('h'),
    recursive: f.has('R'),
    directory: f.has('d'),
    byTime: f.has('t'),
    bySize: f.has('S'),
    reverse: f.has('r'),
  };
  const operands = parsed.operands.length > 0 ? parsed.operands : ['.'];
  let status = 0;
  const files: Entry[] = [];
  const dirs: Entry[] = [];
  for (const operand of operands) {
    try {
      // GNU follows command-line symlinks unless it lists them as entries (-l, -d).
      const st = lstatSync(hostOf(io, operand, { followFinal: !(opts.long || opts.directory) }));
      (st.isDirectory() && !opts.directory ? dirs : files).push({ name: operand, path: operand, st });
    } catch (err) {
      io.stderr(`ls: cannot access '${operand}': ${fsMessage(err)}\n`);
      status = 2;
    }
  }
  const out: string[] = [];
  if (files.length > 0) out.push(formatBlock(sortEntries(files, opts), opts, io, false));
  const headers = operands.length > 1 || opts.recursive;
  for (const dir of sortEntries(dirs, opts)) {
    status = Math.max(status, listDirectory(dir.path, opts, io, out, headers, true));
  }
  io.stdout(out.join('\n'));
  return status;
};

/** Lists one directory (and its subdirectories with -R) into `out`, one block each; answers the exit status. */
function listDirectory(
  dirPath: string,
  opts: LsOptions,
  io: CommandIO,
  out: string[],
  header: boolean,
  operand: boolean,
): number {
  let entries: Entry[];
  try {
    entries = readEntries(dirPath, opts, io);
  } catch (err) {
    io.stderr(`ls: cannot open directory '${dirPath}': ${fsMessage(err)}\n`);
    // GNU: trouble with a command-line operand is serious (2), with a subdirectory minor (1).
    return operand ? 2 : 1;
  }
  const sorted = sortEntries(entries, opts);
  out.push((header ? `${dirPath}:\n` : '') + formatBlock(sorted, opts, io, true));
  let status = 0;
  if (!opts.recursive) return status;
  for (const entry of sorted) {
    if (!entry.st.isDirectory() || entry.name === '.' || entry.name === '..') continue;
    status = Math.max(status, listDirectory(entry.path, opts, io, out, true, false));
  }
  return status;
}

function readEntries(dirPath: string, opts: LsOptions, io: CommandIO): Entry[] {
  const join = (name: string) => (dirPath.endsWith('/') ? `${dirPath}${name}` : `${dirPath}/${name}`);
  const names = readdirSync(hostOf(io, dirPath)).filter((n) => opts.all || opts.almostAll || !n.startsWith('.'));
  if (opts.all) names.push('.', '..');
  return names.map((name) => {
    const path = join(name);
    return { name, path, st: lstatSync(hostOf(io, path, { followFinal: false })) };
  });
}

/** C-locale order (bytes), or newest/largest first with -t/-S; -r reverses. */
function sortEntries(entries: Entry[], opts: LsOptions): Entry[] {
  const byName = (a: Entry, b: Entry) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  const compare = opts.bySize
    ? (a: Entry, b: Entry) => b.st.size - a.st.size || byName(a, b)
    : opts.byTime
      ? (a: Entry, b: Entry) => b.st.mtimeMs - a.st.mtimeMs || byName(a, b)
      : byName;
  const sorted = [...entries].sort(compare);
  return opts.reverse ? sorted.reverse() : sorted;
}

function formatBlock(entries: Entry[], opts: LsOptions, io: CommandIO, isDirectory: boolean): string {
  if (!opts.long) return entries.map((e) => `${e.name}\n`).join('');
  const size = (n: number) => (opts.human ? humanSize(n) : String(n));
  const rows = entries.map((e) => ({
    mode: modeString(e.st),
    links: String(e.st.nlink),
    size: size(e.st.size),
    date: lsDate(e.st.mtime),
    name: e.st.isSymbolicLink() ? `${e.name} -> ${linkText(e, io)}` : e.name,
  }));
  const width = (pick: (r: (typeof rows)[number]) => string) => Math.max(0, ...rows.map((r) => pick(r).length));
  const linksWidth = width((r) => r.links);
  const sizeWidth = width((r) => r.size);
  const owner = FILE_OWNER.name;
  const lines = rows.map(
    (r) =>
      `${r.mode} ${r.links.padStart(linksWidth)} ${owner} ${owner} ${r.size.padStart(sizeWidth)} ${r.date} ${r.name}\n`,
  );
  if (!isDirectory) return lines.join('');
  // st_blocks counts 512-byte units; `total` is in KiB, rounded up (or human-readable with -h).
  const blocks = entries.reduce((sum, e) => sum + e.st.blocks, 0);
  const total = opts.human ? humanSize(blocks * 512) : String(Math.ceil(blocks / 2));
  return `total ${total}\n${lines.join('')}`;
}

function linkText(entry: Entry, io: CommandIO): string {
  try {
    return readlinkSync(hostOf(io, entry.path, { followFinal: false }));
  } catch {
    return '?';
  }
}
