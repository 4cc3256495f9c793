import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { execa } from 'execa';
import { simpleGit } from 'simple-git';
import { Faults, parseFault } from '../faults/faults.ts';
import { parseCgiHeaders } from './cgi.ts';
import { headSha, seedRepo } from './repos.ts';
import { GitServer } from './server.ts';

const USER = 'sandbox';
const TOKEN = 'tok-3f9a1c';
const REPO = 'gitops';
const basic = (user: string, token: string) =>
  `Authorization: Basic ${Buffer.from(`${user}:${token}`).toString('base64')}`;
const AUTH = basic(USER, TOKEN);

let tmp: string;
let root: string;
let home: string;
let faults: Faults;
let server: GitServer;
let clones = 0;

/** Runs git as a user would, but isolated from this machine's config; never prompts. */
async function git(args: string[], cwd = tmp, extraEnv: Record<string, string> = {}) {
  return await execa('git', args, {
    cwd,
    reject: false,
    extendEnv: false,
    env: {
      PATH: process.env.PATH!,
      HOME: home,
      LANG: 'C',
      LC_ALL: 'C',
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_TERMINAL_PROMPT: '0',
      GIT_AUTHOR_NAME: 'Test',
      GIT_AUTHOR_EMAIL: 'test@example.invalid',
      GIT_COMMITTER_NAME: 'Test',
      GIT_COMMITTER_EMAIL: 'test@example.invalid',
      ...extraEnv,
    },
  });
}

async function cloneFresh(extraArgs: string[] = []) {
  const dir = path.join(tmp, `clone-${++clones}`);
  const result = await git([...extraArgs, 'clone', server.repoUrl(REPO), dir]);
  return { dir, result };
}

/** Clones, changes the tag line and commits; returns the clone dir and the new commit. */
async function cloneAndCommit(tag: string) {
  const { dir, result } = await cloneFresh();
  assert.equal(result.exitCode, 0, result.stderr);
  await writeFile(path.join(dir, 'values.yaml'), `tag: ${tag}\n`);
  const commit = await git(['commit', '-am', `bump to ${tag}`], dir);
  assert.equal(commit.exitCode, 0, commit.stderr);
  const sha = (await git(['rev-parse', 'HEAD'], dir)).stdout.trim();
  return { dir, sha };
}

describe('GitServer', () => {
  before(async () => {
    tmp = await mkdtemp(path.join(tmpdir(), 'git-server-test-'));
    root = path.join(tmp, 'repos');
    home = path.join(tmp, 'home');
    const template = path.join(tmp, 'template');
    await Promise.all([mkdir(root), mkdir(home), mkdir(template)]);
    await writeFile(path.join(template, 'values.yaml'), 'tag: v0.1.0\n');
    await seedRepo(root, REPO, template);
    faults = new Faults();
    server = new GitServer({ root, user: USER, token: TOKEN, faults });
    await server.start();
  });

  after(async () => {
    await server?.stop();
    await rm(tmp, { recursive: true, force: true });
  });

  it('exposes URLs only once started, and stop() is idempotent', async () => {
    const idle = new GitServer({ root, user: USER, token: TOKEN });
    assert.throws(() => idle.url, /not started/);
    assert.throws(() => idle.repoUrl(REPO), /not started/);
    await idle.stop();
    await idle.start();
    assert.match(idle.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(idle.repoUrl('x'), `${idle.url}/x.git`);
    await idle.stop();
    await idle.stop();
  });

  it('lets anyone clone, and the clone holds the seeded commit', async () => {
    const { dir, result } = await cloneFresh();
    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal(await readFile(path.join(dir, 'values.yaml'), 'utf8'), 'tag: v0.1.0\n');
    const head = (await git(['rev-parse', 'HEAD'], dir)).stdout.trim();
    assert.equal(head, await headSha(root, REPO, 'main'));
    assert.equal((await git(['rev-parse', '--abbrev-ref', 'HEAD'], dir)).stdout.trim(), 'main');
  });

  it('accepts a push with Basic credentials sent as http.extraHeader, and a later fetch sees it', async () => {
    const watcher = await cloneFresh();
    assert.equal(watcher.result.exitCode, 0, watcher.result.stderr);
    const { dir, sha } = await cloneAndCommit('v0.2.0');
    const push = await git(['-c', `http.extraHeader=${AUTH}`, 'push', 'origin', 'main'], dir);
    assert.equal(push.exitCode, 0, push.stderr);
    assert.equal(await headSha(root, REPO), sha);
    // No credentials were written anywhere in the clone's config.
    assert.doesNotMatch(await readFile(path.join(dir, '.git', 'config'), 'utf8'), new RegExp(TOKEN));

    const fetch = await git(['fetch', 'origin'], watcher.dir);
    assert.equal(fetch.exitCode, 0, fetch.stderr);
    assert.equal((await git(['rev-parse', 'origin/main'], watcher.dir)).stdout.trim(), sha);
  });

  it('accepts a push through simple-git configured with http.extraHeader', async () => {
    const { dir, sha } = await cloneAndCommit('v0.3.0');
    await simpleGit({ baseDir: dir, config: [`http.extraHeader=${AUTH}`] }).push('origin', 'main');
    assert.equal(await headSha(root, REPO), sha);
  });

  it("streams large chunked pushes (bigger than git's http.postBuffer, so sent without Content-Length)", async () => {
    const { dir } = await cloneFresh();
    await writeFile(path.join(dir, 'model.bin'), randomBytes(3 * 1024 * 1024));
    assert.equal((await git(['add', 'model.bin'], dir)).exitCode, 0);
    assert.equal((await git(['commit', '-m', 'large blob'], dir)).exitCode, 0);
    const sha = (await git(['rev-parse', 'HEAD'], dir)).stdout.trim();
    const push = await git(['-c', `http.extraHeader=${AUTH}`, 'push', 'origin', 'main'], dir, {
      GIT_TRACE_CURL: '1',
      GIT_TRACE_CURL_NO_DATA: '1',
    });
    assert.equal(push.exitCode, 0, push.stderr);
    assert.match(push.stderr, /Transfer-Encoding: chunked/i);
    assert.equal(await headSha(root, REPO), sha);
  });

  it('refuses a push without credentials: receive-pack discovery answers 401 with a Basic challenge', async () => {
    const res = await fetch(`${server.repoUrl(REPO)}/info/refs?service=git-receive-pack`);
    assert.equal(res.status, 401);
    assert.equal(res.headers.get('www-authenticate'), 'Basic realm="sandbox-git"');

    const before = await headSha(root, REPO);
    const { dir } = await cloneAndCommit('v9.9.9');
    const push = await git(['push', 'origin', 'main'], dir);
    assert.notEqual(push.exitCode, 0);
    assert.match(push.stderr, /could not read Username|Authentication failed/);
    assert.equal(await headSha(root, REPO), before);
  });

  it('refuses a push with a wrong token, and any request with bad credentials', async () => {
    const before = await headSha(root, REPO);
    const { dir } = await cloneAndCommit('v9.9.8');
    // A 401 despite the header makes git fall back to asking for credentials, which it may not do here.
    const push = await git(['-c', `http.extraHeader=${basic(USER, 'wrong')}`, 'push', 'origin', 'main'], dir, {
      GIT_TRACE_CURL: '1',
    });
    assert.notEqual(push.exitCode, 0);
    assert.match(push.stderr, /HTTP\/1\.1 401 Unauthorized/);
    assert.match(push.stderr, /could not read Username|Authentication failed/);
    assert.equal(await headSha(root, REPO), before);

    const res = await fetch(`${server.repoUrl(REPO)}/info/refs?service=git-upload-pack`, {
      headers: { authorization: `Basic ${Buffer.from(`${USER}:wrong`).toString('base64')}` },
    });
    assert.equal(res.status, 401);
  });

  it('also serves authenticated fetches', async () => {
    const { result } = await cloneFresh(['-c', `http.extraHeader=${AUTH}`]);
    assert.equal(result.exitCode, 0, result.stderr);
  });

  it('speaks protocol v2 when the client sends Git-Protocol: version=2', async () => {
    const v0 = await fetch(`${server.repoUrl(REPO)}/info/refs?service=git-upload-pack`);
    assert.equal(v0.status, 200);
    assert.equal(v0.headers.get('content-type'), 'application/x-git-upload-pack-advertisement');
    const v0Body = await v0.text();
    assert.match(v0Body, /# service=git-upload-pack/);
    assert.doesNotMatch(v0Body, /version 2/);

    const v2 = await fetch(`${server.repoUrl(REPO)}/info/refs?service=git-upload-pack`, {
      headers: { 'git-protocol': 'version=2' },
    });
    assert.match(await v2.text(), /version 2\n[\s\S]*ls-refs/);

    const dir = path.join(tmp, `clone-${++clones}`);
    const clone = await git(['-c', 'protocol.version=2', 'clone', server.repoUrl(REPO), dir], tmp, {
      GIT_TRACE_PACKET: '1',
    });
    assert.equal(clone.exitCode, 0, clone.stderr);
    assert.match(clone.stderr, /clone< version 2/);
    assert.match(clone.stderr, /clone> command=fetch/);
  });

  it('streams request bodies, inflating gzip ones (a v2 ls-refs command sent gzipped)', async () => {
    const pkt = (line: string) => `${(line.length + 4).toString(16).padStart(4, '0')}${line}`;
    const body = gzipSync(Buffer.from(`${pkt('command=ls-refs\n')}0001${pkt('ref-prefix refs/heads/\n')}0000`));
    const res = await fetch(`${server.repoUrl(REPO)}/git-upload-pack`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-git-upload-pack-request',
        'content-encoding': 'gzip',
        'git-protocol': 'version=2',
      },
      body,
    });
    assert.equal(res.status, 200);
    const text = await res.text();
    assert.match(text, new RegExp(`${await headSha(root, REPO)} refs/heads/main`));
  });

  it('answers 404 for a repository that does not exist', async () => {
    const res = await fetch(`${server.url}/missing.git/info/refs?service=git-upload-pack`);
    assert.equal(res.status, 404);
    const clone = await git(['clone', `${server.url}/missing.git`, path.join(tmp, 'missing')]);
    assert.notEqual(clone.exitCode, 0);
    assert.match(clone.stderr, /not found/);
  });

  it('serves two clones at once', async () => {
    const [a, b] = await Promise.all([cloneFresh(), cloneFresh()]);
    assert.equal(a.result.exitCode, 0, a.result.stderr);
    assert.equal(b.result.exitCode, 0, b.result.stderr);
    const shaA = (await git(['rev-parse', 'HEAD'], a.dir)).stdout.trim();
    assert.equal(shaA, (await git(['rev-parse', 'HEAD'], b.dir)).stdout.trim());
  });

  it('fault git-down: every request gets 503 and clone fails; clearing it restores service', async () => {
    faults.set(parseFault('git-down'));
    try {
      const res = await fetch(`${server.repoUrl(REPO)}/info/refs?service=git-upload-pack`);
      assert.equal(res.status, 503);
      const { result } = await cloneFresh();
      assert.notEqual(result.exitCode, 0);
      assert.match(result.stderr, /503/);
    } finally {
      faults.clear('git-down');
    }
    const { result } = await cloneFresh();
    assert.equal(result.exitCode, 0, result.stderr);
  });

  it('fault git-rate-limit: fetches get GitHub-like 429s with Retry-After; pushes still work', async () => {
    faults.set(parseFault('git-rate-limit'));
    try {
      const res = await fetch(`${server.repoUrl(REPO)}/info/refs?service=git-upload-pack`);
      assert.equal(res.status, 429);
      assert.equal(res.headers.get('retry-after'), '60');
      assert.equal(res.headers.get('x-ratelimit-remaining'), '0');
      assert.match(await res.text(), /You have exceeded a secondary rate limit/);
      const { result } = await cloneFresh();
      assert.notEqual(result.exitCode, 0);
      assert.match(result.stderr, /The requested URL returned error: 429/);
      const discovery = await fetch(`${server.repoUrl(REPO)}/info/refs?service=git-receive-pack`, {
        headers: { Authorization: AUTH.replace(/^Authorization: /, '') },
      });
      assert.equal(discovery.status, 200, 'push discovery is not rate limited');
    } finally {
      faults.clear('git-rate-limit');
    }
  });

  it('fault git-slow=<d>: every fetch response waits that long (cluster clock); pushes fire the git-push trigger', async () => {
    faults.set(parseFault('git-slow=400ms'));
    try {
      const started = performance.now();
      const res = await fetch(`${server.repoUrl(REPO)}/info/refs?service=git-upload-pack`);
      await res.arrayBuffer();
      assert.ok(performance.now() - started >= 380, `took ${(performance.now() - started).toFixed(0)} ms`);
    } finally {
      faults.clear('git-slow');
    }
    faults.set(parseFault('scan-error@git-push'));
    const fired = new Promise<string>((resolve) => faults.once('armed', (f) => resolve(f.detail)));
    const { dir } = await cloneAndCommit('v0.3.5');
    assert.equal(faults.active('scan-error'), undefined, 'a clone does not fire git-push');
    const push = await git(['-c', `http.extraHeader=${AUTH}`, 'push', 'origin', 'main'], dir);
    assert.equal(push.exitCode, 0, push.stderr);
    assert.match(await fired, /^git push received: POST \/gitops\.git\/git-receive-pack$/);
    assert.equal(faults.active('scan-error')?.value, true);
    faults.clear('scan-error');
  });

  it('fault git-push-reject: the pre-receive hook declines the push and the branch is unchanged', async () => {
    const before = await headSha(root, REPO);
    const { dir, sha } = await cloneAndCommit('v0.4.0');
    faults.set(parseFault('git-push-reject'));
    try {
      const push = await git(['-c', `http.extraHeader=${AUTH}`, 'push', 'origin', 'main'], dir);
      assert.notEqual(push.exitCode, 0);
      assert.match(push.stderr, /remote: push rejected by the sandbox/);
      assert.match(push.stderr, /! \[remote rejected\] main -> main \(pre-receive hook declined\)/);
      assert.equal(await headSha(root, REPO), before);
    } finally {
      faults.clear('git-push-reject');
    }
    const retry = await git(['-c', `http.extraHeader=${AUTH}`, 'push', 'origin', 'main'], dir);
    assert.equal(retry.exitCode, 0, retry.stderr);
    assert.equal(await headSha(root, REPO), sha);
  });
});

describe('parseCgiHeaders', () => {
  it('turns Status into the status code and keeps repeated headers', () => {
    const { status, headers } = parseCgiHeaders(
      'Status: 404 Not Found\r\nContent-Type: text/plain\r\nSet-Cookie: a\r\nSet-Cookie: b',
    );
    assert.deepEqual(status, { code: 404, message: 'Not Found' });
    assert.equal(headers['Content-Type'], 'text/plain');
    assert.deepEqual(headers['Set-Cookie'], ['a', 'b']);
  });

  it('defaults to 200 without a Status header', () => {
    assert.deepEqual(parseCgiHeaders('Content-Type: x').status, { code: 200 });
  });
});
