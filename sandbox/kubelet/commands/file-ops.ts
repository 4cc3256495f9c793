/**
 * Commands that read or change files: `cat`, `head`, `tail`, `mkdir`, `touch`, `rm`, `cp`, `mv`,
 * `sha256sum`, `md5sum`. Messages and exit codes follow GNU coreutils.
 */
import { createHash } from 'node:crypto';
import { closeSync, copyFileSync, cpSync, lstatSync, mkdirSync, openSync, renameSync, rmSync, statSync, utimesSync } from 'node:fs';
import path from 'node:path';
import { lastValue, parseArgs } from './arg-parser.ts';
import { fsMessage, hostOf, inContainer, type CommandFn, type CommandIO } from './command-io.ts';
import { linesOf, openInput, safeChunks } from './input-source.ts';

/** The `cat` command (files or stdin, streamed). */
export const cat: CommandFn = async (args, io) => {
  const parsed = parseArgs('cat', args, { flags: 'uA' });
  if ('error' in parsed) {
    io.stderr(parsed.error);
    return 1;
  }
  let status = 0;
  for (const operand of parsed.operands.length > 0 ? parsed.operands : ['-']) {
    const input = openInput(io, 'cat', operand);
    if ('error' in input) {
      io.stderr(input.error);
      status = 1;
      continue;
    }
    for await (const chunk of safeChunks(input.chunks, io.signal)) {
      io.stdout(chunk);
      await io.drain();
    }
  }
  return status;
};

/** Rewrites `-5` into `-n 5`, the obsolete form head and tail still accept. */
function numericShorthand(args: string[]): string[] {
  return args.flatMap((a) => (/^-\d+$/.test(a) ? ['-n', a.slice(1)] : [a]));
}

/** Shared by head and tail: runs `each` over every input, printing `==> name <==` headers for several. */
async function perInput(
  command: string,
  args: string[],
  io: CommandIO,
  each: (chunks: AsyncIterable<Buffer>, count: { lines?: string; bytes?: string }) => Promise<void>,
): Promise<number> {
  const parsed = parseArgs(command, numericShorthand(args), { flags: 'qvf', valued: 'nc', long: { lines: 'n', bytes: 'c', quiet: 'q', verbose: 'v', follow: 'f' } });
  if ('error' in parsed) {
    io.stderr(parsed.error);
    return 1;
  }
  const lines = lastValue(parsed, 'n');
  const bytes = lastValue(parsed, 'c');
  for (const value of [lines, bytes]) {
    if (value !== undefined && !/^[+-]?\d+$/.test(value)) {
      io.stderr(`${command}: invalid number of ${value === lines ? 'lines' : 'bytes'}: '${value}'\n`);
      return 1;
    }
  }
  const operands = parsed.operands.length > 0 ? parsed.operands : ['-'];
  const headers = (operands.length > 1 || parsed.flags.has('v')) && !parsed.flags.has('q');
  let status = 0;
  let first = true;
  for (const operand of operands) {
    const input = openInput(io, command, operand);
    if ('error' in input) {
      io.stderr(input.error.replace(`${command}: ${operand}:`, `${command}: cannot open '${operand}' for reading:`));
      status = 1;
      continue;
    }
    if (headers) io.stdout(`${first ? '' : '\n'}==> ${operand === '-' ? 'standard input' : operand} <==\n`);
    first = false;
    await each(safeChunks(input.chunks, io.signal), { lines, bytes });
  }
  return status;
}

/** The `head` command: -n N (or -n -N: all but the last N), -c N. */
export const head: CommandFn = (args, io) =>
  perInput('head', args, io, async (chunks, { lines, bytes }) => {
    if (bytes !== undefined) return void io.stdout(takeBytes(await collect(chunks), Number(bytes)));
    const n = Number(lines ?? 10);
    if (n < 0 || Object.is(n, -0)) {
      const all = await collectLines(chunks);
      return void io.stdout(Buffer.concat(all.slice(0, Math.max(0, all.length + n))));
    }
    let seen = 0;
    if (n === 0) return;
    for await (const line of linesOf(chunks)) {
      io.stdout(line);
      if (++seen >= n) return;
    }
  });

/** The `tail` command: -n N (or -n +N: from line N), -c N. `-f` prints what is there and stops. */
export const tail: CommandFn = (args, io) =>
  perInput('tail', args, io, async (chunks, { lines, bytes }) => {
    if (bytes !== undefined) {
      const data = await collect(chunks);
      const from = bytes.startsWith('+') ? Number(bytes) - 1 : data.length - Math.abs(Number(bytes));
      return void io.stdout(data.subarray(Math.max(0, from)));
    }
    const spec = lines ?? '10';
    if (spec.startsWith('+')) {
      let index = 0;
      for await (const line of linesOf(chunks)) if (++index >= Number(spec)) io.stdout(line);
      return;
    }
    const n = Math.abs(Number(spec));
    const ring: Buffer[] = [];
    for await (const line of linesOf(chunks)) {
      ring.push(line);
      if (ring.length > n) ring.shift();
    }
    io.stdout(Buffer.concat(ring));
  });

async function collect(chunks: AsyncIterable<Buffer>): Promise<Buffer> {
  const all: Buffer[] = [];
  for await (const chunk of chunks) all.push(chunk);
  return Buffer.concat(all);
}

async function collectLines(chunks: AsyncIterable<Buffer>): Promise<Buffer[]> {
  const all: Buffer[] = [];
  for await (const line of linesOf(chunks)) all.push(line);
  return all;
}

function takeBytes(data: Buffer, n: number): Buffer {
  return n >= 0 ? data.subarray(0, n) : data.subarray(0, Math.max(0, data.length + n));
}

/** The `mkdir` command (-p). */
export const mkdir: CommandFn = async (args, io) => {
  const parsed = parseArgs('mkdir', args, { flags: 'pv', valued: 'm', long: { parents: 'p', verbose: 'v', mode: 'm' } });
  if ('error' in parsed) return usage(io, parsed.error);
  if (parsed.operands.length === 0) return usage(io, "mkdir: missing operand\nTry 'mkdir --help' for more information.\n");
  const mode = lastValue(parsed, 'm');
  let status = 0;
  for (const operand of parsed.operands) {
    try {
      const host = hostOf(io, operand, { write: true });
      if (parsed.flags.has('p')) {
        // Each level resolves through the tree, so a symlinked parent is followed inside the pod.
        const target = inContainer(io, operand);
        const parts = target.split('/').filter(Boolean);
        for (let i = 1; i <= parts.length; i++) mkdirSync(hostOf(io, `/${parts.slice(0, i).join('/')}`, { write: true }), { recursive: true });
      } else {
        mkdirSync(host, mode ? { mode: parseInt(mode, 8) } : {});
      }
      if (parsed.flags.has('v')) io.stdout(`mkdir: created directory '${operand}'\n`);
    } catch (err) {
      io.stderr(`mkdir: cannot create directory '${operand}': ${fsMessage(err)}\n`);
      status = 1;
    }
  }
  return status;
};

/** The `touch` command: creates files or updates their times. */
export const touch: CommandFn = async (args, io) => {
  const parsed = parseArgs('touch', args, { flags: 'acm' });
  if ('error' in parsed) return usage(io, parsed.error);
  if (parsed.operands.length === 0) return usage(io, "touch: missing file operand\nTry 'touch --help' for more information.\n");
  let status = 0;
  for (const operand of parsed.operands) {
    try {
      const host = hostOf(io, operand, { write: true });
      const now = new Date();
      try {
        utimesSync(host, now, now);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || parsed.flags.has('c')) throw err;
        closeSync(openSync(host, 'a'));
      }
    } catch (err) {
      io.stderr(`touch: cannot touch '${operand}': ${fsMessage(err)}\n`);
      status = 1;
    }
  }
  return status;
};

/** The `rm` command (-r -f -d); refuses `/` like GNU's --preserve-root and never deletes a mount point. */
export const rm: CommandFn = async (args, io) => {
  const parsed = parseArgs('rm', args, { flags: 'rRfdvi', long: { recursive: 'r', force: 'f', dir: 'd', verbose: 'v' } });
  if ('error' in parsed) return usage(io, parsed.error);
  const f = parsed.flags;
  const recursive = f.has('r') || f.has('R');
  if (parsed.operands.length === 0 && !f.has('f')) return usage(io, "rm: missing operand\nTry 'rm --help' for more information.\n");
  let status = 0;
  for (const operand of parsed.operands) {
    const target = inContainer(io, operand);
    if (recursive && target === '/') {
      io.stderr("rm: it is dangerous to operate recursively on '/'\nrm: use --no-preserve-root to override this failsafe\n");
      status = 1;
      continue;
    }
    try {
      if (io.files.isMountPoint(io.pod, target)) throw Object.assign(new Error('busy'), { code: 'EBUSY' });
      const host = hostOf(io, operand, { followFinal: false, write: true });
      const st = lstatSync(host);
      if (st.isDirectory() && !recursive && !f.has('d')) {
        io.stderr(`rm: cannot remove '${operand}': Is a directory\n`);
        status = 1;
        continue;
      }
      rmSync(host, { recursive, force: false });
      if (f.has('v')) io.stdout(`removed '${operand}'\n`);
    } catch (err) {
      if (f.has('f') && (err as NodeJS.ErrnoException).code === 'ENOENT') continue;
      io.stderr(`rm: cannot remove '${operand}': ${fsMessage(err)}\n`);
      status = 1;
    }
  }
  return status;
};

/** The `cp` command (files, or trees with -r), inside the pod's tree. */
export const cp: CommandFn = async (args, io) => copyOrMove('cp', args, io);

/** The `mv` command, inside the pod's tree. */
export const mv: CommandFn = async (args, io) => copyOrMove('mv', args, io);

async function copyOrMove(command: 'cp' | 'mv', args: string[], io: CommandIO): Promise<number> {
  const parsed = parseArgs(command, args, { flags: command === 'cp' ? 'rRafpv' : 'fv', long: { recursive: 'r', force: 'f' } });
  if ('error' in parsed) return usage(io, parsed.error);
  const ops = parsed.operands;
  if (ops.length < 2) return usage(io, `${command}: missing ${ops.length === 0 ? 'file operand' : `destination file operand after '${ops[0]}'`}\nTry '${command} --help' for more information.\n`);
  const destination = ops[ops.length - 1];
  let status = 0;
  for (const source of ops.slice(0, -1)) {
    try {
      const from = hostOf(io, source, { write: command === 'mv' });
      let to = hostOf(io, destination, { write: true });
      if (statSync(to, { throwIfNoEntry: false })?.isDirectory()) to = hostOf(io, `${destination}/${path.posix.basename(source)}`, { write: true });
      const isDir = statSync(from).isDirectory();
      if (command === 'mv') renameSync(from, to);
      else if (isDir && !(parsed.flags.has('r') || parsed.flags.has('R') || parsed.flags.has('a'))) {
        io.stderr(`cp: -r not specified; omitting directory '${source}'\n`);
        status = 1;
      } else if (isDir) cpSync(from, to, { recursive: true, verbatimSymlinks: true });
      else copyFileSync(from, to);
    } catch (err) {
      io.stderr(command === 'cp' ? `cp: cannot stat '${source}': ${fsMessage(err)}\n` : `mv: cannot move '${source}' to '${destination}': ${fsMessage(err)}\n`);
      status = 1;
    }
  }
  return status;
}

/** `sha256sum` and `md5sum`: `<hex>  <name>` per input, streamed. */
export function checksum(algorithm: 'sha256' | 'md5'): CommandFn {
  const command = `${algorithm}sum`;
  return async (args, io) => {
    const parsed = parseArgs(command, args, { flags: 'bt' });
    if ('error' in parsed) return usage(io, parsed.error);
    let status = 0;
    for (const operand of parsed.operands.length > 0 ? parsed.operands : ['-']) {
      const input = openInput(io, command, operand);
      if ('error' in input) {
        io.stderr(input.error);
        status = 1;
        continue;
      }
      const hash = createHash(algorithm);
      for await (const chunk of safeChunks(input.chunks, io.signal)) hash.update(chunk);
      io.stdout(`${hash.digest('hex')}  ${operand}\n`);
    }
    return status;
  };
}

function usage(io: CommandIO, text: string): number {
  io.stderr(text);
  return 1;
}
