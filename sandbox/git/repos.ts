/**
 * Bare repositories for the sandbox git server: seeded from a folder (the built-in GitOps template, with
 * `${KEY}` placeholders filled in) or from a user's own git repository (`gitops-sandbox up --repo DIR`).
 * Every repository accepts pushes over HTTP and carries the sandbox's pre-receive hook.
 */
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { installPushHooks } from './hooks.ts';

/** Who authored a seed commit, and when. Fixed by default so the same inputs always give the same SHA. */
export interface SeedAuthor {
  name: string;
  email: string;
  /** Any date git accepts; default `2024-01-01T00:00:00Z`. */
  date?: string;
}

/** The fixed identity of seed commits. */
export const SANDBOX_AUTHOR: Required<SeedAuthor> = {
  name: 'GitOps Sandbox',
  email: 'sandbox@gitops-e2e.invalid',
  date: '2024-01-01T00:00:00Z',
};

/** Message of the commit `seedRepo` makes. */
export const SEED_COMMIT_MESSAGE = 'Initial GitOps layout';

/** Options of `seedRepo`. */
export interface SeedOptions {
  /** Branch to create and make the default (HEAD); default `main`. */
  branch?: string;
  /** `${KEY}` → value, replaced in every text file; placeholders with other keys are left as they are. */
  substitutions?: Record<string, string>;
  author?: SeedAuthor;
}

/** Path of the bare repository `name` under `root` (`<root>/<name>.git`). */
export function bareRepoPath(root: string, name: string): string {
  return path.join(root, `${name}.git`);
}

/**
 * Creates `<root>/<name>.git` from the files of `fromDir` (its `.git`, if any, is ignored) as one commit on
 * `branch`, replacing any repository of that name. Use it to seed the sandbox's GitOps repo from the template.
 * Returns the commit SHA.
 */
export async function seedRepo(
  root: string,
  name: string,
  fromDir: string,
  options: SeedOptions = {},
): Promise<string> {
  const branch = options.branch ?? 'main';
  const author = { ...SANDBOX_AUTHOR, ...options.author };
  const work = await mkdtemp(path.join(tmpdir(), 'sandbox-seed-'));
  try {
    await cp(fromDir, work, { recursive: true, filter: (src) => path.basename(src) !== '.git' });
    await substitutePlaceholders(work, options.substitutions ?? {});
    const env = gitEnv({
      GIT_AUTHOR_NAME: author.name,
      GIT_AUTHOR_EMAIL: author.email,
      GIT_AUTHOR_DATE: author.date,
      GIT_COMMITTER_NAME: author.name,
      GIT_COMMITTER_EMAIL: author.email,
      GIT_COMMITTER_DATE: author.date,
    });
    await git(['init', '--quiet', `--initial-branch=${branch}`], work, env);
    await git(['add', '--all'], work, env);
    await git(['commit', '--quiet', '--no-gpg-sign', '--message', SEED_COMMIT_MESSAGE], work, env);
    const bare = await createBareRepo(root, name, branch);
    await git(['push', '--quiet', bare, `HEAD:refs/heads/${branch}`], work, env);
    return await headSha(root, name, branch);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/**
 * Creates `<root>/<name>.git` as a bare clone of a user's git repository (history kept), with `branch`
 * pointing at the user's current HEAD commit and made the default. Uncommitted changes are not included.
 * Use it for `--repo DIR`, so a team's own GitOps repo can drive the sandbox. Returns the commit SHA.
 */
export async function seedRepoFromRepository(
  root: string,
  name: string,
  userRepoDir: string,
  options: Pick<SeedOptions, 'branch'> = {},
): Promise<string> {
  const branch = options.branch ?? 'main';
  const env = gitEnv();
  // The user's checkout may belong to another uid; reading it is all we do.
  const trust = ['-c', 'safe.directory=*'];
  const head = await git(
    [...trust, '-C', userRepoDir, 'rev-parse', '--verify', '--quiet', 'HEAD^{commit}'],
    process.cwd(),
    env,
  ).catch(() => '');
  if (!head) throw new Error(`--repo ${userRepoDir}: not a git repository with at least one commit`);
  const bare = bareRepoPath(root, name);
  await rm(bare, { recursive: true, force: true });
  await git(
    [...trust, 'clone', '--quiet', '--bare', '--no-hardlinks', path.resolve(userRepoDir), bare],
    process.cwd(),
    env,
  );
  await git(['remote', 'remove', 'origin'], bare, env).catch(() => undefined);
  await git(['update-ref', `refs/heads/${branch}`, head], bare, env);
  await git(['symbolic-ref', 'HEAD', `refs/heads/${branch}`], bare, env);
  await enablePush(bare);
  return head;
}

/** The commit SHA `branch` points at in `<root>/<name>.git`; throws when the branch does not exist. */
export async function headSha(root: string, name: string, branch = 'main'): Promise<string> {
  const bare = bareRepoPath(root, name);
  return await git(['rev-parse', '--verify', '--quiet', `refs/heads/${branch}^{commit}`], bare, gitEnv()).catch(() => {
    throw new Error(`branch ${branch} not found in ${bare}`);
  });
}

async function createBareRepo(root: string, name: string, branch: string): Promise<string> {
  const bare = bareRepoPath(root, name);
  await rm(bare, { recursive: true, force: true });
  await git(['init', '--quiet', '--bare', `--initial-branch=${branch}`, bare], process.cwd(), gitEnv());
  await enablePush(bare);
  return bare;
}

/** Lets http-backend accept pushes and installs the fault hook. */
async function enablePush(bare: string): Promise<void> {
  await git(['config', 'http.receivepack', 'true'], bare, gitEnv());
  await installPushHooks(bare);
}

const PLACEHOLDER = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** Replaces known `${KEY}` placeholders in every regular text file under `dir` (binary files and symlinks are skipped). */
async function substitutePlaceholders(dir: string, substitutions: Record<string, string>): Promise<void> {
  if (Object.keys(substitutions).length === 0) return;
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  for (const entry of entries.filter((e) => e.isFile())) {
    const file = path.join(entry.parentPath, entry.name);
    const bytes = await readFile(file);
    if (bytes.includes(0)) continue; // binary
    const text = bytes.toString('utf8');
    const replaced = text.replace(PLACEHOLDER, (whole, key: string) =>
      Object.hasOwn(substitutions, key) ? substitutions[key]! : whole,
    );
    if (replaced !== text) await writeFile(file, replaced);
  }
}

/** A minimal, machine-independent environment for git: no system/user config, English messages. */
function gitEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    LANG: 'C',
    LC_ALL: 'C',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_TERMINAL_PROMPT: '0',
    ...extra,
  };
}

async function git(args: string[], cwd: string, env: Record<string, string>): Promise<string> {
  const { stdout } = await execa('git', args, { cwd, env, extendEnv: false });
  return stdout.trim();
}
