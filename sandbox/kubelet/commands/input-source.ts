/**
 * Where line and byte tools read from: a file of the pod's tree (streamed in chunks, so `head` of a model
 * file does not read gigabytes) or stdin (`-` or no operand).
 */
import { createReadStream, statSync } from 'node:fs';
import { fsMessage, hostOf, type CommandIO } from './command-io.ts';

/** An opened input, or the coreutils-style error line (`cat: x: No such file or directory`). */
export type Input = { chunks: AsyncIterable<Buffer> } | { error: string };

/** Opens `operand` for reading (`-` is stdin). */
export function openInput(io: CommandIO, command: string, operand: string): Input {
  if (operand === '-') return { chunks: io.stdin };
  try {
    const host = hostOf(io, operand);
    if (statSync(host).isDirectory()) return { error: `${command}: ${operand}: Is a directory\n` };
    return { chunks: createReadStream(host, { highWaterMark: 64 * 1024, signal: io.signal }) as AsyncIterable<Buffer> };
  } catch (err) {
    return { error: `${command}: ${operand}: ${fsMessage(err)}\n` };
  }
}

/** Splits a chunk stream into lines, each keeping its `\n` (the last one may lack it). */
export async function* linesOf(chunks: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  let rest: Buffer = Buffer.alloc(0);
  for await (const chunk of chunks) {
    let data = rest.length > 0 ? Buffer.concat([rest, chunk]) : chunk;
    let at: number;
    while ((at = data.indexOf(10)) >= 0) {
      yield data.subarray(0, at + 1);
      data = data.subarray(at + 1);
    }
    rest = data;
  }
  if (rest.length > 0) yield rest;
}

/** Reads every chunk of an input, swallowing the AbortError a cancelled read stream throws. */
export async function* safeChunks(chunks: AsyncIterable<Buffer>, signal: AbortSignal): AsyncGenerator<Buffer> {
  try {
    for await (const chunk of chunks) {
      if (signal.aborted) return;
      yield chunk;
    }
  } catch (err) {
    if ((err as Error).name !== 'AbortError') throw err;
  }
}
