/**
 * The real `git` CLI behind GitRepository and ImageUpdateAutomation: a bare mirror per object, fetched
 * with credentials passed as an HTTP header (never written into a URL or `.git/config`), refs resolved the
 * way source-controller resolves `spec.ref` (commit > name > semver > tag > branch), trees checked out
 * into scratch folders.
 */
import { mkdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { selectLatestTag } from './semver-policy.ts';

/** Credentials from a GitRepository `secretRef` (basic auth or bearer token). */
export interface GitCredentials {
  username?: string;
  password?: string;
  bearerToken?: string;
}

/** `spec.ref` of a GitRepository. */
export interface GitRef {
  branch?: string;
  tag?: string;
  semver?: string;
  name?: string;
  commit?: string;
}

/** A resolved reference: the commit and Flux's revision string (`main@sha1:<sha>`). */
export interface ResolvedRef {
  sha: string;
  revision: string;
}

/** Runs git with an isolated config (no system config, no credential helpers, no prompts). */
export async function git(
  args: string[],
  options: {
    cwd?: string;
    env?: Record<string, string>;
    credentials?: GitCredentials;
    timeoutMs?: number;
    input?: string;
  } = {},
): Promise<string> {
  const auth = authHeader(options.credentials);
  const result = await execa(
    'git',
    [
      ...(auth ? ['-c', `http.extraHeader=${auth}`] : []),
      '-c',
      'credential.helper=',
      '-c',
      'protocol.file.allow=always',
      ...args,
    ],
    {
      cwd: options.cwd,
      env: { GIT_TERMINAL_PROMPT: '0', GIT_CONFIG_NOSYSTEM: '1', GIT_ASKPASS: '', SSH_ASKPASS: '', ...options.env },
      timeout: options.timeoutMs,
      input: options.input,
      reject: false,
    },
  );
  if (result.exitCode !== 0 || result.timedOut) {
    const detail = result.timedOut ? 'context deadline exceeded' : gitMessage(result.stderr || result.stdout);
    throw new Error(detail);
  }
  return result.stdout;
}

/**
 * source-controller fetches with go-git, which words an HTTP error status other than 401/403/404 as
 * `unexpected client error: unexpected requesting "<url>/info/refs?service=git-upload-pack" status code: <n>`
 * (go-git v5 plumbing/transport/http `Err.Error`, wrapped by `plumbing.NewUnexpectedError`). The sandbox fetches
 * with the git CLI (`The requested URL returned error: <n>`), so that line is reworded; others pass unchanged.
 */
export function goGitHttpError(url: string, message: string): string {
  const code = Number(/The requested URL returned error: (\d{3})/.exec(message)?.[1]);
  if (!code || code === 401 || code === 403 || code === 404) return message;
  return `unexpected client error: unexpected requesting "${url.replace(/\/+$/, '')}/info/refs?service=git-upload-pack" status code: ${code}`;
}

/** git's first `fatal:`/`error:` line without the prefix: what Flux users see in FetchFailed messages. */
export function gitMessage(output: string): string {
  const lines = output
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const rejected = lines.find((l) => /\[(remote )?rejected\]/.test(l));
  if (rejected) return rejected.replace(/^!\s*/, '');
  const fatal =
    lines.find((l) => /^(fatal|error):/.test(l)) ??
    lines.find((l) => /^remote:/.test(l)) ??
    lines.pop() ??
    'git failed';
  return fatal.replace(/^(fatal|error|remote):\s*/, '');
}

function authHeader(c?: GitCredentials): string | undefined {
  if (c?.bearerToken) return `Authorization: Bearer ${c.bearerToken}`;
  if (c?.username !== undefined || c?.password !== undefined) {
    return `Authorization: Basic ${Buffer.from(`${c.username ?? ''}:${c.password ?? ''}`).toString('base64')}`;
  }
  return undefined;
}

/** A bare mirror of one remote, kept between passes so fetches are incremental. */
export class GitMirror {
  readonly dir: string;

  constructor(dir: string) {
    this.dir = dir;
  }

  /** Fetches all branches and tags (plus `extraRef`, e.g. a `refs/pull/…` name), pruning deleted ones. */
  async fetch(url: string, credentials?: GitCredentials, timeoutMs = 60_000, extraRef?: string): Promise<void> {
    const exists = await stat(path.join(this.dir, 'HEAD')).then(
      () => true,
      () => false,
    );
    if (!exists) {
      await mkdir(this.dir, { recursive: true });
      await git(['init', '--quiet', '--bare', this.dir]);
    }
    const specs = ['+refs/heads/*:refs/heads/*', '+refs/tags/*:refs/tags/*'];
    if (extraRef && !/^refs\/(heads|tags)\//.test(extraRef)) specs.push(`+${extraRef}:${extraRef}`);
    try {
      await git(
        ['--git-dir', this.dir, 'fetch', '--quiet', '--prune', '--force', '--no-write-fetch-head', url, ...specs],
        { credentials, timeoutMs },
      );
    } catch (err) {
      throw new Error(`unable to clone '${url}': ${goGitHttpError(url, (err as Error).message)}`);
    }
  }

  /** Resolves `spec.ref` against the mirror; defaults to branch `master` like source-controller. */
  async resolve(ref: GitRef | undefined): Promise<ResolvedRef> {
    const r = ref ?? {};
    if (r.commit) {
      const sha = await this.#commit(r.commit, `unable to resolve commit '${r.commit}'`);
      return { sha, revision: r.branch ? `${r.branch}@sha1:${sha}` : `sha1:${sha}` };
    }
    if (r.name) {
      const sha = await this.#commit(r.name, `unable to resolve ref '${r.name}' to a specific commit`);
      return { sha, revision: `${r.name}@sha1:${sha}` };
    }
    if (r.semver) {
      const tags = (await git(['--git-dir', this.dir, 'tag', '--list'])).split('\n').filter(Boolean);
      let tag: string;
      try {
        tag = selectLatestTag(tags, { policy: { semver: { range: r.semver } } });
      } catch {
        throw new Error(`no match found for semver: ${r.semver}`);
      }
      const sha = await this.#commit(`refs/tags/${tag}`, `unable to resolve tag '${tag}'`);
      return { sha, revision: `${tag}@sha1:${sha}` };
    }
    if (r.tag) {
      const sha = await this.#commit(`refs/tags/${r.tag}`, `couldn't find remote ref "refs/tags/${r.tag}"`);
      return { sha, revision: `${r.tag}@sha1:${sha}` };
    }
    const branch = r.branch ?? 'master';
    const sha = await this.#commit(`refs/heads/${branch}`, `couldn't find remote ref "refs/heads/${branch}"`);
    return { sha, revision: `${branch}@sha1:${sha}` };
  }

  /** The commit's subject line (first line of the message). */
  async subject(sha: string): Promise<string> {
    return (await git(['--git-dir', this.dir, 'log', '-1', '--format=%s', sha])).trim();
  }

  /** Writes the commit's tree into `dest` (which must not exist yet), without `.git`. */
  async checkout(sha: string, dest: string): Promise<void> {
    await mkdir(dest, { recursive: true });
    const index = `${dest}.index`;
    const env = { GIT_INDEX_FILE: index };
    try {
      await git(['--git-dir', this.dir, '--work-tree', dest, 'read-tree', sha], { env });
      await git(['--git-dir', this.dir, '--work-tree', dest, 'checkout-index', '--all', '--force'], { env });
    } finally {
      await rm(index, { force: true });
    }
  }

  async #commit(rev: string, notFound: string): Promise<string> {
    try {
      return (await git(['--git-dir', this.dir, 'rev-parse', '--verify', '--quiet', `${rev}^{commit}`])).trim();
    } catch {
      throw new Error(notFound);
    }
  }
}
