import assert from 'node:assert/strict';
import { access, constants, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { execa } from 'execa';
import { PUSH_REJECT_ENV } from './hooks.ts';
import {
  bareRepoPath,
  headSha,
  SANDBOX_AUTHOR,
  SEED_COMMIT_MESSAGE,
  seedRepo,
  seedRepoFromRepository,
} from './repos.ts';

let tmp: string;
let root: string;
let template: string;

/** git isolated from this machine's config, failing loudly. */
async function git(args: string[], cwd: string): Promise<string> {
  const { stdout } = await execa('git', args, {
    cwd,
    extendEnv: false,
    env: {
      PATH: process.env.PATH!,
      HOME: tmp,
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_AUTHOR_NAME: 'User',
      GIT_AUTHOR_EMAIL: 'user@example.invalid',
      GIT_COMMITTER_NAME: 'User',
      GIT_COMMITTER_EMAIL: 'user@example.invalid',
    },
  });
  return stdout.trim();
}

const show = (name: string, spec: string) => git(['show', spec], bareRepoPath(root, name));

describe('seedRepo', () => {
  before(async () => {
    tmp = await mkdtemp(path.join(tmpdir(), 'git-repos-test-'));
    root = path.join(tmp, 'repos');
    template = path.join(tmp, 'template');
    await mkdir(path.join(template, 'apps', 'x'), { recursive: true });
    await mkdir(path.join(template, 'scripts'));
    await mkdir(path.join(template, '.git'));
    await writeFile(path.join(template, '.git', 'HEAD'), 'not a real repo\n');
    await writeFile(
      path.join(template, 'apps', 'x', 'values.yaml'),
      'registry: ${REGISTRY_HOST}\nother: ${NOT_GIVEN}\n',
    );
    await writeFile(path.join(template, 'scripts', 'run.sh'), '#!/bin/sh\necho "${HOME}" ${REGISTRY_HOST}\n', {
      mode: 0o755,
    });
    await writeFile(path.join(template, 'blob.bin'), Buffer.from('\u0000${REGISTRY_HOST}', 'utf8'));
  });

  after(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  it('creates a bare repo on main with one commit by the sandbox author, placeholders filled in', async () => {
    const sha = await seedRepo(root, 'gitops', template, { substitutions: { REGISTRY_HOST: '127.0.0.1:5001' } });
    const bare = bareRepoPath(root, 'gitops');
    assert.equal(sha, await headSha(root, 'gitops', 'main'));
    assert.equal(await git(['symbolic-ref', 'HEAD'], bare), 'refs/heads/main');
    assert.equal(await git(['rev-list', '--count', 'main'], bare), '1');
    assert.equal(
      await git(['log', '-1', '--format=%an <%ae>|%s', 'main'], bare),
      `${SANDBOX_AUTHOR.name} <${SANDBOX_AUTHOR.email}>|${SEED_COMMIT_MESSAGE}`,
    );

    assert.equal(await show('gitops', 'main:apps/x/values.yaml'), 'registry: 127.0.0.1:5001\nother: ${NOT_GIVEN}');
    // Shell variables that are not substitution keys survive untouched; the exec bit is kept.
    assert.equal(await show('gitops', 'main:scripts/run.sh'), '#!/bin/sh\necho "${HOME}" 127.0.0.1:5001');
    assert.match(await git(['ls-tree', 'main', 'scripts/run.sh'], bare), /^100755 /);
    // Binary files are copied byte for byte; the template's .git folder is not content.
    assert.equal(await show('gitops', 'main:blob.bin'), '\u0000${REGISTRY_HOST}');
    assert.doesNotMatch(await git(['ls-tree', '-r', '--name-only', 'main'], bare), /^\.git\//m);
  });

  it('makes the repo pushable over HTTP and installs the fault hook', async () => {
    const bare = bareRepoPath(root, 'gitops');
    assert.equal(await git(['config', 'http.receivepack'], bare), 'true');
    const hook = path.join(bare, 'hooks', 'pre-receive');
    await access(hook, constants.X_OK);
    assert.match(await readFile(hook, 'utf8'), new RegExp(PUSH_REJECT_ENV));
  });

  it('is deterministic: the same inputs give the same SHA, different substitutions another', async () => {
    const subs = { REGISTRY_HOST: '127.0.0.1:5001' };
    const a = await seedRepo(root, 'a', template, { substitutions: subs });
    const b = await seedRepo(root, 'b', template, { substitutions: subs });
    const c = await seedRepo(root, 'c', template, { substitutions: { REGISTRY_HOST: '127.0.0.1:5002' } });
    assert.equal(a, b);
    assert.notEqual(a, c);
  });

  it('honours branch and author, and replaces an existing repository of the same name', async () => {
    await seedRepo(root, 'custom', template);
    const sha = await seedRepo(root, 'custom', template, {
      branch: 'trunk',
      author: { name: 'Ops', email: 'ops@example.invalid' },
    });
    const bare = bareRepoPath(root, 'custom');
    assert.equal(await git(['symbolic-ref', 'HEAD'], bare), 'refs/heads/trunk');
    assert.equal(await git(['for-each-ref', '--format=%(refname)', 'refs/heads'], bare), 'refs/heads/trunk');
    assert.equal(await headSha(root, 'custom', 'trunk'), sha);
    assert.equal(await git(['log', '-1', '--format=%an', 'trunk'], bare), 'Ops');
    await assert.rejects(headSha(root, 'custom', 'main'), /branch main not found/);
  });
});

describe('seedRepoFromRepository', () => {
  let user: string;

  before(async () => {
    tmp = await mkdtemp(path.join(tmpdir(), 'git-repos-user-test-'));
    root = path.join(tmp, 'repos');
    user = path.join(tmp, 'user-repo');
    await mkdir(user);
    await git(['init', '--quiet', '--initial-branch=master'], user);
    await writeFile(path.join(user, 'values.yaml'), 'tag: v0.1.0\n');
    await git(['add', '.'], user);
    await git(['commit', '--quiet', '-m', 'first'], user);
    await writeFile(path.join(user, 'values.yaml'), 'tag: v0.1.1\n');
    await git(['commit', '--quiet', '-am', 'second'], user);
    // Neither of these is part of HEAD.
    await writeFile(path.join(user, 'values.yaml'), 'tag: dirty\n');
    await writeFile(path.join(user, 'untracked.txt'), 'x\n');
  });

  after(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  it('seeds main from the user repo HEAD with its history, without working-tree changes', async () => {
    const userHead = await git(['rev-parse', 'HEAD'], user);
    const sha = await seedRepoFromRepository(root, 'gitops', user);
    const bare = bareRepoPath(root, 'gitops');
    assert.equal(sha, userHead);
    assert.equal(await headSha(root, 'gitops', 'main'), userHead);
    assert.equal(await git(['symbolic-ref', 'HEAD'], bare), 'refs/heads/main');
    assert.equal(await git(['rev-list', '--count', 'main'], bare), '2');
    assert.equal(await show('gitops', 'main:values.yaml'), 'tag: v0.1.1');
    assert.equal(await git(['ls-tree', '--name-only', 'main'], bare), 'values.yaml');
    assert.equal(await git(['remote'], bare), '');
    assert.equal(await git(['config', 'http.receivepack'], bare), 'true');
    assert.ok((await stat(path.join(bare, 'hooks', 'pre-receive'))).mode & 0o100);
    // The user's repository is untouched.
    assert.equal(await readFile(path.join(user, 'values.yaml'), 'utf8'), 'tag: dirty\n');
    assert.equal(await git(['rev-parse', '--abbrev-ref', 'HEAD'], user), 'master');
  });

  it('refuses a folder that is not a git repository with commits', async () => {
    const plain = path.join(tmp, 'plain');
    await mkdir(plain);
    await assert.rejects(seedRepoFromRepository(root, 'nope', plain), /not a git repository with at least one commit/);
  });
});
