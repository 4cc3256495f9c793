/**
 * Redirections of the sandbox shell: `>`, `>>`, `>|`, `<`, `2>`, `2>&1`, `>&2`, `&>`, `&>>`, with `/dev/null`,
 * `/dev/stdout` and `/dev/stderr`. Files open through the pod's tree; failures are worded like dash.
 */
import { closeSync, createReadStream, openSync, statSync, writeSync } from 'node:fs';
import { EMPTY_INPUT, hostOf } from './command-io.ts';
import { expandWord, type Expander } from './shell-expansion.ts';
import type { Streams } from './shell-state.ts';
import type { Redirect } from './shell-syntax.ts';

/** The streams after redirection, and a function closing the files it opened. */
export interface Redirected {
  streams: Streams;
  close: () => void;
}

/** Applies `redirects` in order; answers the new streams, or exit status 2 after dash's message when a file fails. */
export async function applyRedirects(ex: Expander, redirects: Redirect[], streams: Streams, line: number): Promise<Redirected | number> {
  if (redirects.length === 0) return { streams, close: () => undefined };
  const handles: number[] = [];
  const writers: Record<number, (chunk: Buffer | string) => void> = { 1: streams.stdout, 2: streams.stderr };
  let stdin = streams.stdin;
  const close = () => handles.splice(0).forEach((fd) => closeSync(fd));
  for (const r of redirects) {
    const target = (await expandWord(ex, r.target, streams, false))[0] ?? '';
    const output = r.op !== '<' && r.op !== '<&';
    const fd = r.fd ?? (output ? 1 : 0);
    if (r.op === '>&' || r.op === '<&') {
      if (/^\d$/.test(target) && writers[Number(target)]) writers[fd] = writers[Number(target)];
      continue;
    }
    try {
      if (!output) {
        stdin = openInput(ex, target, streams.signal);
        continue;
      }
      const writer = openOutput(ex, target, r.op.endsWith('>>'), writers, handles);
      if (r.op.startsWith('&')) writers[1] = writers[2] = writer;
      else writers[fd] = writer;
    } catch (err) {
      close();
      streams.stderr(`${ex.state.prefix(line)}${failure(target, output, (err as NodeJS.ErrnoException).code)}\n`);
      return 2;
    }
  }
  return { streams: { ...streams, stdin, stdout: writers[1], stderr: writers[2] }, close };
}

function openInput(ex: Expander, target: string, signal: AbortSignal): AsyncIterable<Buffer> {
  if (target === '/dev/null') return EMPTY_INPUT;
  const host = hostOf(ex.io(), target);
  if (statSync(host).isDirectory()) throw Object.assign(new Error(), { code: 'EISDIR' });
  // Opened lazily: a command that never reads its stdin leaves no file handle behind.
  return { [Symbol.asyncIterator]: () => (createReadStream(host, { signal }) as AsyncIterable<Buffer>)[Symbol.asyncIterator]() };
}

function openOutput(ex: Expander, target: string, append: boolean, writers: Record<number, (chunk: Buffer | string) => void>, handles: number[]): (chunk: Buffer | string) => void {
  if (target === '/dev/null') return () => undefined;
  if (target === '/dev/stdout') return writers[1];
  if (target === '/dev/stderr') return writers[2];
  const handle = openSync(hostOf(ex.io(), target, { write: true }), append ? 'a' : 'w');
  handles.push(handle);
  // Synchronous writes keep the file's content in the order the commands produced it.
  return (chunk) => void writeSync(handle, typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
}

const CREATE_ERRORS: Record<string, string> = { ENOENT: 'Directory nonexistent', EISDIR: 'Is a directory', EROFS: 'Read-only file system', ENOTDIR: 'Directory nonexistent' };

function failure(target: string, output: boolean, code: string | undefined): string {
  if (!output) return `cannot open ${target}: ${code === 'EISDIR' ? 'Is a directory' : 'No such file'}`;
  return `cannot create ${target}: ${CREATE_ERRORS[code ?? ''] ?? 'Permission denied'}`;
}
