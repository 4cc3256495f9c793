/**
 * What every emulated command receives: the pod's file tree, its environment, its working directory and its
 * three streams. Commands never touch `node:fs` with a path of their own; they go through `hostOf`, which
 * resolves through `PodFiles` and so cannot leave the pod's tree.
 */
import path from 'node:path';
import type { KubeObject } from '../../kube/types.ts';
import type { PodFiles, ResolveOptions } from '../podfs.ts';

/** One command: gets its arguments (without its own name) and the IO, answers the exit code. */
export type CommandFn = (args: string[], io: CommandIO) => Promise<number>;

/** Commands by name, as found on `$PATH`. */
export type CommandTable = Readonly<Record<string, CommandFn>>;

/** The environment of one running command. */
export interface CommandIO {
  files: PodFiles;
  pod: KubeObject;
  env: Record<string, string>;
  /** Absolute in-container working directory. */
  cwd: string;
  stdin: AsyncIterable<Buffer>;
  stdout: (chunk: Buffer | string) => void;
  stderr: (chunk: Buffer | string) => void;
  /** Aborted when the client goes away or a pipe's reader has finished (SIGPIPE). */
  signal: AbortSignal;
  /** Resolves when the reader has caught up; commands writing large data await it between chunks. */
  drain: () => Promise<void>;
  /** Everything runnable by name (the shell looks commands up here). */
  commands: CommandTable;
}

/** Names of directories whose commands are found as `/bin/ls`, `/usr/bin/ls`, … */
export const PATH_DIRS = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

/** The default `$PATH` of the emulated image. */
export const DEFAULT_PATH = PATH_DIRS.join(':');

/**
 * The command `name` stands for: a bare name, or a path into one of the `$PATH` directories (`/bin/ls`).
 * Undefined when the image has no such command.
 */
export function lookupCommand(commands: CommandTable, name: string): CommandFn | undefined {
  if (!name.includes('/')) return Object.hasOwn(commands, name) ? commands[name] : undefined;
  const dir = path.posix.dirname(path.posix.normalize(name));
  const base = path.posix.basename(name);
  return PATH_DIRS.includes(dir) && Object.hasOwn(commands, base) ? commands[base] : undefined;
}

/** `p` as an absolute, normalised in-container path (relative paths count from the working directory). */
export function inContainer(io: Pick<CommandIO, 'cwd'>, p: string): string {
  return path.posix.resolve(io.cwd, p);
}

/** The host path of the in-container path `p`, resolved through the pod's tree. Throws like fs does. */
export function hostOf(io: CommandIO, p: string, options?: ResolveOptions): string {
  return io.files.resolve(io.pod, inContainer(io, p), options);
}

/** How coreutils words an errno (`No such file or directory`), for `cmd: 'x': <message>` lines. */
export function fsMessage(err: unknown): string {
  const code = (err as { code?: string })?.code ?? '';
  return ERRNO_TEXT[code] ?? String((err as Error)?.message ?? err);
}

const ERRNO_TEXT: Record<string, string> = {
  ENOENT: 'No such file or directory',
  ENOTDIR: 'Not a directory',
  EISDIR: 'Is a directory',
  EACCES: 'Permission denied',
  EPERM: 'Operation not permitted',
  EEXIST: 'File exists',
  ENOTEMPTY: 'Directory not empty',
  ELOOP: 'Too many levels of symbolic links',
  EROFS: 'Read-only file system',
  EXDEV: 'Invalid cross-device link',
  EBUSY: 'Device or resource busy',
  EINVAL: 'Invalid argument',
};

/** An empty stdin (exec without `stdin=true`, or `< /dev/null`). */
export const EMPTY_INPUT: AsyncIterable<Buffer> = {
  async *[Symbol.asyncIterator]() {
    // nothing to read
  },
};
