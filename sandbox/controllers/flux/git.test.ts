import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { git, GitMirror, gitMessage } from './git.ts';

describe('GitMirror (real git, file:// remote)', () => {
  let root: string;
  let remote: string;
  let first: string;
  let second: string;

  before(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'gitmirror-'));
    remote = path.join(root, 'remote.git');
    const work = path.join(root, 'work');
    await git(['init', '--quiet', '--bare', '--initial-branch=main', remote]);
    await git(['clone', '--quiet', remote, work]);
    const commit = async (file: string, message: string) => {
      await writeFile(path.join(work, file), message);
      await git(['add', '.'], { cwd: work });
      await git(['-c', 'user.name=t', '-c', 'user.email=t@e', 'commit', '--quiet', '-m', message], { cwd: work });
      return (await git(['rev-parse', 'HEAD'], { cwd: work })).trim();
    };
    first = await commit('a.txt', 'first commit');
    await git(['tag', 'v0.1.0'], { cwd: work });
    second = await commit('b.txt', 'second commit');
    await git(['tag', '-a', 'v0.2.0', '-m', 'annotated'], { cwd: work });
    await git(['push', '--quiet', 'origin', 'main', '--tags'], { cwd: work });
  });
  after(async () => rm(root, { recursive: true, force: true }));

  it('resolves refs the way source-controller names revisions', async () => {
    const mirror = new GitMirror(path.join(root, 'mirror'));
    await mirror.fetch(`file://${remote}`);
    assert.deepEqual(await mirror.resolve({ branch: 'main' }), { sha: second, revision: `main@sha1:${second}` });
    assert.deepEqual(await mirror.resolve({ tag: 'v0.1.0' }), { sha: first, revision: `v0.1.0@sha1:${first}` });
    assert.deepEqual(
      await mirror.resolve({ tag: 'v0.2.0' }),
      { sha: second, revision: `v0.2.0@sha1:${second}` },
      'annotated tags peel to the commit',
    );
    assert.deepEqual(await mirror.resolve({ semver: '<0.2.0' }), { sha: first, revision: `v0.1.0@sha1:${first}` });
    assert.deepEqual(await mirror.resolve({ name: 'refs/heads/main' }), {
      sha: second,
      revision: `refs/heads/main@sha1:${second}`,
    });
    assert.deepEqual(await mirror.resolve({ commit: first }), { sha: first, revision: `sha1:${first}` });
    assert.deepEqual(await mirror.resolve({ branch: 'main', commit: first }), {
      sha: first,
      revision: `main@sha1:${first}`,
    });
    await assert.rejects(mirror.resolve(undefined), /couldn't find remote ref "refs\/heads\/master"/);
    assert.equal(await mirror.subject(second), 'second commit');
    const out = path.join(root, 'checkout');
    await mirror.checkout(first, out);
    assert.deepEqual((await readdir(out)).sort(), ['a.txt']);
    assert.equal(await readFile(path.join(out, 'a.txt'), 'utf8'), 'first commit');
  });

  it("reports an unreachable remote with git's own message", async () => {
    const mirror = new GitMirror(path.join(root, 'mirror2'));
    await assert.rejects(mirror.fetch(`file://${root}/missing.git`), (err: Error) => {
      assert.match(err.message, /^unable to clone 'file:\/\/.*missing\.git': /);
      assert.match(err.message, /does not appear to be a git repository|not found/);
      return true;
    });
  });

  it('picks the rejection line out of push output', () => {
    const out =
      "To http://x/repo.git\n ! [remote rejected] main -> main (pre-receive hook declined)\nerror: failed to push some refs to 'http://x/repo.git'";
    assert.equal(gitMessage(out), '[remote rejected] main -> main (pre-receive hook declined)');
    assert.equal(gitMessage("fatal: repository 'http://x/' not found\n"), "repository 'http://x/' not found");
  });
});
