/**
 * The command set an exec'ed process can run inside a pod: `ls`, `cat`, `echo`, `true`, `false` and `sh -c` /
 * `bash -c` over them, working only on the pod's own file tree (through `PodFiles`). Output, messages and exit
 * codes follow GNU coreutils and dash, so `kubectl exec` looks like it does against a Debian container. It is
 * what the test plan and the suite exec (`ls -la`, `ls -laR` of the model cache); sandbox/README.md (Limits)
 * says why the rest of coreutils stays out.
 */
import type { KubeObject } from '../kube/types.ts';
import type { PodFiles } from './podfs.ts';
import { cat } from './commands/cat.ts';
import {
  EMPTY_INPUT,
  lookupCommand,
  type CommandFn,
  type CommandIO,
  type CommandTable,
} from './commands/command-io.ts';
import { echo, falseCommand, trueCommand } from './commands/echo.ts';
import { ls } from './commands/listing.ts';
import { shellCommand } from './commands/shell.ts';

export type { CommandFn, CommandIO, CommandTable };

/** Every command of the emulated image, by name (all found in /bin and /usr/bin). */
export const BASE_COMMANDS: CommandTable = {
  ls,
  cat,
  echo,
  true: trueCommand,
  false: falseCommand,
  sh: shellCommand('sh'),
  dash: shellCommand('sh'),
  bash: shellCommand('bash'),
};

/**
 * A directly exec'ed program that the container does not have. `message` is the container runtime's
 * wording (`exec: "nvidia-smi": executable file not found in $PATH`); the exec endpoint wraps it the way
 * containerd and the kubelet do. Inside `sh -c` the same situation is an ordinary exit code 127 instead.
 */
export class ExecutableNotFoundError extends Error {
  override readonly name = 'ExecutableNotFoundError';
}

/** What `runCommand` needs: the pod, its tree, the container environment and the three streams. */
export interface RunCommandContext {
  files: PodFiles;
  pod: KubeObject;
  env: Record<string, string>;
  /** In-container working directory (default `/`). */
  cwd?: string;
  stdin?: AsyncIterable<Buffer>;
  stdout: (chunk: Buffer | string) => void;
  stderr: (chunk: Buffer | string) => void;
  signal?: AbortSignal;
  /** Resolves when the consumer of stdout has caught up (backpressure for large `cat`s). */
  drain?: () => Promise<void>;
  /** More commands for this image (e.g. an emulated `nvidia-smi` or `foundry`), overriding the base set. */
  extraCommands?: Record<string, CommandFn>;
}

/**
 * Runs `argv` as a process of the pod's container and answers its exit code. Throws ExecutableNotFoundError
 * when `argv[0]` is not a command of the image.
 */
export async function runCommand(argv: string[], ctx: RunCommandContext): Promise<number> {
  const commands: CommandTable = { ...BASE_COMMANDS, ...ctx.extraCommands };
  const io: CommandIO = {
    files: ctx.files,
    pod: ctx.pod,
    env: { ...ctx.env },
    cwd: ctx.cwd ?? '/',
    stdin: ctx.stdin ?? EMPTY_INPUT,
    stdout: ctx.stdout,
    stderr: ctx.stderr,
    signal: ctx.signal ?? new AbortController().signal,
    drain: ctx.drain ?? (() => Promise.resolve()),
    commands,
  };
  const [name = '', ...args] = argv;
  const command = lookupCommand(commands, name);
  if (!command) throw new ExecutableNotFoundError(notFoundMessage(name));
  return command(args, io);
}

/** runc's wording: a bare name is searched on $PATH, a path is stat'ed. */
function notFoundMessage(name: string): string {
  return name.includes('/')
    ? `exec: "${name}": stat ${name}: no such file or directory`
    : `exec: "${name}": executable file not found in $PATH`;
}
