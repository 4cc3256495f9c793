/**
 * A working clone of the sandbox's GitOps repository, driven with the real `git` as the plan does by hand:
 * credentials go in `-c http.extraHeader=Authorization: Basic …` on each command, never into the remote URL
 * (where they would land in `.git/config`).
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ShellResult, UserShell } from './user-shell.ts';

/** The file holding the model tag, with its setter marker. */
export const HELMRELEASE_FILE = 'apps/foundry-gpu-oras/helmrelease.yaml';

/** Where to clone from, as whom, and into which directory. */
export interface GitopsCloneOptions {
  shell: UserShell;
  repoUrl: string;
  user: string;
  token: string;
  dir: string;
}

/** One clone; every network command carries the Basic auth header. */
export class GitopsClone {
  readonly dir: string;
  readonly #options: GitopsCloneOptions;

  constructor(options: GitopsCloneOptions) {
    this.#options = options;
    this.dir = options.dir;
  }

  get #auth(): string[] {
    const basic = Buffer.from(`${this.#options.user}:${this.#options.token}`).toString('base64');
    return ['-c', `http.extraHeader=Authorization: Basic ${basic}`];
  }

  /** `git clone`; resolves with git's result (a failed clone is something tests look at). */
  clone(): Promise<ShellResult> {
    return this.#options.shell.git([...this.#auth, 'clone', '--quiet', this.#options.repoUrl, this.dir]);
  }

  /** Runs a git command in the clone (no credentials). */
  git(args: string[]): Promise<ShellResult> {
    return this.#options.shell.git(['-C', this.dir, ...args]);
  }

  /**
   * Rewrites the value of the `tag:` line that carries the `$imagepolicy` marker, keeping the marker and
   * everything else byte for byte. Returns the unified diff git sees afterwards.
   */
  async setTag(tag: string): Promise<string> {
    const file = path.join(this.dir, HELMRELEASE_FILE);
    const text = await readFile(file, 'utf8');
    const pattern = /^(\s*tag:\s*)\S+(\s*#\s*\{"\$imagepolicy":.*\})$/m;
    if (!pattern.test(text)) throw new Error(`${HELMRELEASE_FILE} has no tag line with a $imagepolicy marker`);
    await writeFile(file, text.replace(pattern, `$1${tag}$2`));
    return (await this.git(['diff', '--unified=0'])).stdout;
  }

  /** Replaces `text` in a file of the clone (exactly one occurrence expected). */
  async replaceIn(relative: string, from: string, to: string): Promise<void> {
    const file = path.join(this.dir, relative);
    const text = await readFile(file, 'utf8');
    if (text.split(from).length !== 2) throw new Error(`expected exactly one "${from}" in ${relative}`);
    await writeFile(file, text.replace(from, to));
  }

  /** Appends a line to a file (creating it): a harmless change for pushes that must not touch the workload. */
  async touch(relative: string, line: string): Promise<void> {
    const file = path.join(this.dir, relative);
    const text = await readFile(file, 'utf8').catch(() => '');
    await writeFile(file, `${text}${line}\n`);
  }

  /** `git commit -am MESSAGE` as a fixed author; returns the new HEAD SHA. */
  async commit(message: string): Promise<string> {
    await this.git(['add', '-A']);
    const done = await this.git([
      '-c',
      'user.name=Plan Reader',
      '-c',
      'user.email=plan@example.invalid',
      'commit',
      '--quiet',
      '-m',
      message,
    ]);
    if (done.exitCode !== 0) throw new Error(`git commit failed: ${done.stderr}${done.stdout}`);
    return (await this.git(['rev-parse', 'HEAD'])).stdout.trim();
  }

  /** `git push origin HEAD:<branch>` with the auth header; resolves with git's result. */
  push(branch = 'main'): Promise<ShellResult> {
    return this.#options.shell.git(['-C', this.dir, ...this.#auth, 'push', 'origin', `HEAD:${branch}`]);
  }

  /** Fetches and rebases onto the remote branch (the remote moved, e.g. after a rejected push). */
  async pullRebase(branch = 'main'): Promise<ShellResult> {
    return this.#options.shell.git([
      '-C',
      this.dir,
      ...this.#auth,
      '-c',
      'user.name=Plan Reader',
      '-c',
      'user.email=plan@example.invalid',
      'pull',
      '--quiet',
      '--rebase',
      'origin',
      branch,
    ]);
  }
}
