/**
 * `cat`: files of the pod's tree or stdin (`-` or no operand), streamed in chunks so a model file is never read
 * whole. Messages and exit codes follow GNU coreutils.
 */
import { createReadStream, statSync } from 'node:fs';
import { parseArgs } from './arg-parser.ts';
import { fsMessage, hostOf, type CommandFn, type CommandIO } from './command-io.ts';

/** The `cat` command. */
export const cat: CommandFn = async (args, io) => {
  const parsed = parseArgs('cat', args, { flags: 'u' });
  if ('error' in parsed) {
    io.stderr(parsed.error);
    return 1;
  }
  let status = 0;
  for (const operand of parsed.operands.length > 0 ? parsed.operands : ['-']) {
    const input = openInput(io, operand);
    if (typeof input === 'string') {
      io.stderr(`cat: ${operand}: ${input}\n`);
      status = 1;
      continue;
    }
    try {
      for await (const chunk of input) {
        if (io.signal.aborted) break;
        io.stdout(chunk);
        await io.drain();
      }
    } catch (err) {
      // A read stream cancelled by the client going away throws AbortError: nothing is left to write to.
      if ((err as Error).name !== 'AbortError') throw err;
    }
  }
  return status;
};

/** The chunks of `operand` (`-` is stdin), or coreutils' wording of why it cannot be read. */
function openInput(io: CommandIO, operand: string): AsyncIterable<Buffer> | string {
  if (operand === '-') return io.stdin;
  try {
    const host = hostOf(io, operand);
    if (statSync(host).isDirectory()) return 'Is a directory';
    return createReadStream(host, { highWaterMark: 64 * 1024, signal: io.signal }) as AsyncIterable<Buffer>;
  } catch (err) {
    return fsMessage(err);
  }
}
