/**
 * Commands that describe files: `stat` (default layout and `-c FORMAT`), `du` (-s -h -b -k -a -c -d N)
 * and `find` (paths, -name, -iname, -type, -maxdepth, -mindepth, -not/!, -print), worded like coreutils/findutils.
 */
import { lstatSync, readdirSync, readlinkSync, type BigIntStats, type Stats } from 'node:fs';
import { lastValue, parseArgs } from './arg-parser.ts';
import { fsMessage, hostOf, type CommandFn } from './command-io.ts';
import { humanSize, modeString, statTime } from './file-format.ts';
import { FILE_OWNER } from '../container-identity.ts';
import { globToRegExp } from './glob.ts';

/** The `stat` command. */
export const stat: CommandFn = async (args, io) => {
  const parsed = parseArgs('stat', args, { flags: 'Lt', valued: 'c', long: { dereference: 'L', format: 'c', printf: 'c' } });
  if ('error' in parsed) {
    io.stderr(parsed.error);
    return 1;
  }
  if (parsed.operands.length === 0) {
    io.stderr("stat: missing operand\nTry 'stat --help' for more information.\n");
    return 1;
  }
  const format = lastValue(parsed, 'c');
  let status = 0;
  for (const operand of parsed.operands) {
    try {
      const host = hostOf(io, operand, { followFinal: parsed.flags.has('L') });
      const st = lstatSync(host, { bigint: false });
      const nanos = lstatSync(host, { bigint: true });
      const link = st.isSymbolicLink() ? readlinkSync(host) : undefined;
      io.stdout(format !== undefined ? `${statFormat(format, operand, st, link)}\n` : statDefault(operand, st, nanos, link));
    } catch (err) {
      io.stderr(`stat: cannot statx '${operand}': ${fsMessage(err)}\n`);
      status = 1;
    }
  }
  return status;
};

function fileType(st: Stats): string {
  if (st.isDirectory()) return 'directory';
  if (st.isSymbolicLink()) return 'symbolic link';
  if (st.isFIFO()) return 'fifo';
  if (st.isSocket()) return 'socket';
  if (st.isCharacterDevice()) return 'character special file';
  if (st.isBlockDevice()) return 'block special file';
  return st.size === 0 ? 'regular empty file' : 'regular file';
}

function statDefault(name: string, st: Stats, ns: BigIntStats, link: string | undefined): string {
  const o = FILE_OWNER;
  const perms = `(${(st.mode & 0o7777).toString(8).padStart(4, '0')}/${modeString(st)})`;
  return [
    `  File: ${link !== undefined ? `${name} -> ${link}` : name}`,
    `  Size: ${String(st.size).padEnd(10)}\tBlocks: ${String(st.blocks).padEnd(10)} IO Block: ${String(st.blksize).padEnd(6)} ${fileType(st)}`,
    `Device: ${Math.floor(st.dev / 256)},${st.dev % 256}\tInode: ${String(st.ino).padEnd(11)} Links: ${st.nlink}`,
    `Access: ${perms}  Uid: (${String(o.uid).padStart(5)}/${o.name.padStart(8)})   Gid: (${String(o.gid).padStart(5)}/${o.name.padStart(8)})`,
    `Access: ${statTime(st.atime, ns.atimeNs)}`,
    `Modify: ${statTime(st.mtime, ns.mtimeNs)}`,
    `Change: ${statTime(st.ctime, ns.ctimeNs)}`,
    ` Birth: ${statTime(st.birthtime, ns.birthtimeNs)}`,
    '',
  ].join('\n');
}

function statFormat(format: string, name: string, st: Stats, link: string | undefined): string {
  const o = FILE_OWNER;
  const conversions: Record<string, () => string> = {
    n: () => name,
    N: () => (link !== undefined ? `'${name}' -> '${link}'` : `'${name}'`),
    s: () => String(st.size),
    b: () => String(st.blocks),
    B: () => '512',
    o: () => String(st.blksize),
    f: () => st.mode.toString(16),
    F: () => fileType(st),
    a: () => (st.mode & 0o7777).toString(8),
    A: () => modeString(st),
    h: () => String(st.nlink),
    i: () => String(st.ino),
    u: () => String(o.uid),
    U: () => o.name,
    g: () => String(o.gid),
    G: () => o.name,
    x: () => statTime(st.atime),
    y: () => statTime(st.mtime),
    z: () => statTime(st.ctime),
    w: () => statTime(st.birthtime),
    X: () => String(Math.floor(st.atimeMs / 1000)),
    Y: () => String(Math.floor(st.mtimeMs / 1000)),
    Z: () => String(Math.floor(st.ctimeMs / 1000)),
    W: () => String(Math.floor(st.birthtimeMs / 1000)),
    '%': () => '%',
  };
  return format.replace(/%(.)/g, (all, letter: string) => conversions[letter]?.() ?? all);
}

/** The `du` command: disk usage in KiB (or bytes with -b, human with -h), directories post-order. */
export const du: CommandFn = async (args, io) => {
  const parsed = parseArgs('du', args, {
    flags: 'shbkacm',
    valued: 'd',
    long: { summarize: 's', 'human-readable': 'h', bytes: 'b', all: 'a', total: 'c', 'max-depth': 'd', 'apparent-size': 'A' },
  });
  if ('error' in parsed) {
    io.stderr(parsed.error);
    return 1;
  }
  const f = parsed.flags;
  const apparent = f.has('b') || f.has('A');
  const maxDepth = f.has('s') ? 0 : Number(lastValue(parsed, 'd') ?? Infinity);
  const unit = f.has('b') ? 1 : f.has('m') ? 1024 * 1024 : 1024;
  const show = (bytes: number) => (f.has('h') ? humanSize(bytes) : String(Math.ceil(bytes / unit)));
  const out: string[] = [];
  let status = 0;
  let grand = 0;
  const walk = (p: string, depth: number): number => {
    const st = lstatSync(hostOf(io, p, { followFinal: depth === 0 }));
    let total = apparent ? st.size : st.blocks * 512;
    if (st.isDirectory()) {
      let names: string[] = [];
      try {
        names = readdirSync(hostOf(io, p)).sort();
      } catch (err) {
        io.stderr(`du: cannot read directory '${p}': ${fsMessage(err)}\n`);
        status = 1;
      }
      for (const name of names) total += walk(p.endsWith('/') ? `${p}${name}` : `${p}/${name}`, depth + 1);
    }
    if (depth <= maxDepth && (st.isDirectory() || f.has('a') || depth === 0)) out.push(`${show(total)}\t${p}\n`);
    return total;
  };
  for (const operand of parsed.operands.length > 0 ? parsed.operands : ['.']) {
    try {
      grand += walk(operand, 0);
    } catch (err) {
      io.stderr(`du: cannot access '${operand}': ${fsMessage(err)}\n`);
      status = 1;
    }
  }
  if (f.has('c')) out.push(`${show(grand)}\ttotal\n`);
  io.stdout(out.join(''));
  return status;
};

/** One `find` test. */
type FindTest = (name: string, st: Stats, depth: number) => boolean;

/** The `find` command. */
export const find: CommandFn = async (args, io) => {
  const paths: string[] = [];
  let i = 0;
  while (i < args.length && !args[i].startsWith('-') && args[i] !== '!' && args[i] !== '(') paths.push(args[i++]);
  const tests: FindTest[] = [];
  let maxDepth = Infinity;
  let minDepth = 0;
  let negate = false;
  const add = (test: FindTest) => {
    const n = negate;
    tests.push(n ? (a, b, c) => !test(a, b, c) : test);
    negate = false;
  };
  const primaries: Record<string, (value: string) => string | undefined> = {
    '-name': (v) => void add((name) => globToRegExp(v).test(name)),
    '-iname': (v) => void add((name) => globToRegExp(v, true).test(name)),
    '-type': (v) => {
      const wanted: Record<string, (st: Stats) => boolean> = { f: (s) => s.isFile(), d: (s) => s.isDirectory(), l: (s) => s.isSymbolicLink() };
      if (!wanted[v]) return `find: Unknown argument to -type: ${v}\n`;
      add((_n, st) => wanted[v](st));
      return undefined;
    },
    '-maxdepth': (v) => void (maxDepth = Number(v)),
    '-mindepth': (v) => void (minDepth = Number(v)),
  };
  for (; i < args.length; i++) {
    const arg = args[i];
    if (arg === '!' || arg === '-not') negate = !negate;
    else if (arg === '-print' || arg === '-a' || arg === '-and') continue;
    else if (primaries[arg]) {
      const value = args[++i];
      if (value === undefined) {
        io.stderr(`find: missing argument to \`${arg}'\n`);
        return 1;
      }
      const error = primaries[arg](value);
      if (error) {
        io.stderr(error);
        return 1;
      }
    } else {
      io.stderr(`find: unknown predicate \`${arg}'\n`);
      return 1;
    }
  }
  const out: string[] = [];
  let status = 0;
  const visit = (p: string, depth: number, st: Stats) => {
    const name = depth === 0 ? p : p.slice(p.lastIndexOf('/') + 1);
    if (depth >= minDepth && tests.every((t) => t(name, st, depth))) out.push(`${p}\n`);
    if (!st.isDirectory() || depth >= maxDepth) return;
    let names: string[];
    try {
      names = readdirSync(hostOf(io, p)).sort();
    } catch (err) {
      io.stderr(`find: '${p}': ${fsMessage(err)}\n`);
      status = 1;
      return;
    }
    for (const child of names) {
      const childPath = p.endsWith('/') ? `${p}${child}` : `${p}/${child}`;
      visit(childPath, depth + 1, lstatSync(hostOf(io, childPath, { followFinal: false })));
    }
  };
  for (const p of paths.length > 0 ? paths : ['.']) {
    try {
      visit(p, 0, lstatSync(hostOf(io, p, { followFinal: false })));
    } catch (err) {
      io.stderr(`find: '${p}': ${fsMessage(err)}\n`);
      status = 1;
    }
  }
  io.stdout(out.join(''));
  return status;
};

