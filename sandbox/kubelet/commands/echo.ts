/** `echo` (`-n`), `true` and `false`: what `sh -c 'echo …; exit N'` needs. */
import type { CommandFn } from './command-io.ts';

/** The `echo` command: operands joined by spaces; `-n` leaves out the newline. */
export const echo: CommandFn = async (args, io) => {
  const noNewline = args[0] === '-n';
  const text = (noNewline ? args.slice(1) : args).join(' ');
  io.stdout(noNewline ? text : `${text}\n`);
  return 0;
};

export const trueCommand: CommandFn = async () => 0;
export const falseCommand: CommandFn = async () => 1;
