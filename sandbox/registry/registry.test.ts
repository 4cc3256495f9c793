/**
 * Protocol checks run against both registries: the embedded `Registry` and CNCF distribution 2.8
 * (`DistributionRegistry`, skipped with a reason when `/usr/bin/docker-registry` is missing). Where the two
 * legitimately differ (anonymous pull, tag pagination, monolithic POST, chunk-order checks, referrers), the
 * difference is a named capability of the target, so every check still runs against both.
 * The embedded registry's own features — faults, token auth, restart persistence — are checked after.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Faults, parseFault } from '../faults/faults.ts';
import { DistributionRegistry } from './distribution.ts';
import { Registry } from './server.ts';

const USER = 'pusher';
const PASSWORD = 'token-0123456789';
const MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const INDEX = 'application/vnd.oci.image.index.v1+json';
const EMPTY = Buffer.from('{}');

/** What a target does differently; each flag names a behaviour the checks below branch on. */
interface Capabilities {
  anonymousPull: boolean;
  tagPagination: boolean;
  monolithicPost: boolean;
  chunkOrder: boolean;
  referrers: boolean;
}

interface Running {
  url: string;
  host: string;
  stop(): Promise<void>;
}

interface Target {
  name: string;
  skip: Promise<string | false>;
  caps: Capabilities;
  start(root: string): Promise<Running>;
}

const TARGETS: Target[] = [
  {
    name: 'embedded Registry',
    skip: Promise.resolve(false),
    caps: { anonymousPull: true, tagPagination: true, monolithicPost: true, chunkOrder: true, referrers: true },
    async start(root) {
      const registry = new Registry({ root, user: USER, password: PASSWORD });
      await registry.start();
      return { url: registry.url, host: registry.host, stop: () => registry.stop() };
    },
  },
  {
    name: 'DistributionRegistry (CNCF distribution 2.8)',
    skip: DistributionRegistry.available().then((ok) =>
      ok ? false : '/usr/bin/docker-registry is not installed (apt-get install docker-registry)',
    ),
    caps: { anonymousPull: false, tagPagination: false, monolithicPost: false, chunkOrder: false, referrers: false },
    async start(root) {
      const registry = new DistributionRegistry({ root, user: USER, password: PASSWORD });
      await registry.start();
      return { url: registry.url, host: registry.host, stop: () => registry.stop() };
    },
  },
];

/** A response with its body read. */
interface Reply {
  status: number;
  headers: Headers;
  body: Buffer;
}

/** Raw HTTP against a registry, with Basic credentials unless told otherwise. */
class Http {
  constructor(readonly base: string) {}

  async send(
    method: string,
    pathOrUrl: string,
    init: { body?: Buffer; headers?: Record<string, string>; auth?: 'valid' | 'none' | 'wrong' } = {},
  ): Promise<Reply> {
    const headers: Record<string, string> = { ...init.headers };
    const auth = init.auth ?? 'valid';
    if (auth !== 'none')
      headers.Authorization = `Basic ${Buffer.from(`${USER}:${auth === 'valid' ? PASSWORD : 'nope'}`).toString('base64')}`;
    if (init.body && !headers['Content-Type']) headers['Content-Type'] = 'application/octet-stream';
    const res = await fetch(new URL(pathOrUrl, this.base), { method, headers, body: init.body });
    return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
  }

  /** Uploads a blob with POST then PUT (works on every registry). */
  async pushBlob(repo: string, bytes: Buffer): Promise<string> {
    const digest = sha256(bytes);
    const started = await this.send('POST', `/v2/${repo}/blobs/uploads/`);
    assert.equal(started.status, 202, started.body.toString());
    const done = await this.send('PUT', withDigest(started.headers.get('location')!, digest, this.base), {
      body: bytes,
    });
    assert.equal(done.status, 201, done.body.toString());
    return digest;
  }

  /** Pushes an artifact manifest with one layer; returns its digest and bytes. */
  async pushManifest(
    repo: string,
    ref: string,
    layer: Buffer,
    extra: Record<string, unknown> = {},
  ): Promise<{ digest: string; raw: Buffer }> {
    const config = await this.pushBlob(repo, EMPTY);
    const layerDigest = await this.pushBlob(repo, layer);
    const raw = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MANIFEST,
        artifactType: 'foundry/models',
        config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: config, size: 2, data: 'e30=' },
        layers: [{ mediaType: 'application/gzip', digest: layerDigest, size: layer.length }],
        ...extra,
      }),
    );
    const res = await this.send('PUT', `/v2/${repo}/manifests/${ref}`, {
      body: raw,
      headers: { 'Content-Type': MANIFEST },
    });
    assert.equal(res.status, 201, res.body.toString());
    assert.equal(res.headers.get('docker-content-digest'), sha256(raw));
    return { digest: sha256(raw), raw };
  }
}

function sha256(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

function withDigest(location: string, digest: string, base: string): string {
  const url = new URL(location, base);
  url.searchParams.set('digest', digest);
  return url.toString();
}

function errorCode(reply: Reply): string | undefined {
  return (JSON.parse(reply.body.toString() || '{}') as { errors?: Array<{ code: string }> }).errors?.[0]?.code;
}

for (const target of TARGETS) {
  describe(`registry protocol: ${target.name}`, { skip: await target.skip }, () => {
    let root: string;
    let running: Running;
    let http: Http;
    const caps = target.caps;

    before(async () => {
      root = await mkdtemp(path.join(tmpdir(), 'registry-test-'));
      running = await target.start(root);
      http = new Http(running.url);
    });
    after(async () => {
      await running?.stop();
      await rm(root, { recursive: true, force: true });
    });

    test('GET /v2/ answers 200 with credentials and says whether anonymous access works', async () => {
      assert.equal((await http.send('GET', '/v2/')).status, 200);
      const anonymous = await http.send('GET', '/v2/', { auth: 'none' });
      assert.equal(anonymous.status, caps.anonymousPull ? 200 : 401);
      assert.equal((await http.send('GET', '/v2/', { auth: 'wrong' })).status, 401);
    });

    test('monolithic upload: POST ?digest= with the body (or the PUT a 202 asks for), then HEAD and GET', async () => {
      const blob = randomBytes(3000);
      const digest = sha256(blob);
      let res = await http.send('POST', `/v2/mono/blobs/uploads/?digest=${digest}`, { body: blob });
      if (res.status === 202) {
        assert.equal(caps.monolithicPost, false, 'a registry supporting monolithic POST must answer 201');
        res = await http.send('PUT', withDigest(res.headers.get('location')!, digest, running.url), { body: blob });
      }
      assert.equal(res.status, 201, res.body.toString());
      assert.equal(res.headers.get('docker-content-digest'), digest);
      const head = await http.send('HEAD', `/v2/mono/blobs/${digest}`);
      assert.equal(head.status, 200);
      assert.equal(head.headers.get('content-length'), String(blob.length));
      assert.equal(head.headers.get('docker-content-digest'), digest);
      const get = await http.send('GET', `/v2/mono/blobs/${digest}`);
      assert.deepEqual(get.body, blob);
      const range = await http.send('GET', `/v2/mono/blobs/${digest}`, { headers: { Range: 'bytes=10-19' } });
      assert.equal(range.status, 206);
      assert.deepEqual(range.body, blob.subarray(10, 20));
    });

    test('chunked upload: POST, PATCH with Content-Range, status, PATCH, PUT ?digest=', async () => {
      const blob = randomBytes(10_000);
      const digest = sha256(blob);
      const started = await http.send('POST', '/v2/chunked/blobs/uploads/');
      assert.equal(started.status, 202);
      let location = started.headers.get('location')!;
      const first = await http.send('PATCH', location, {
        body: blob.subarray(0, 4000),
        headers: { 'Content-Range': '0-3999' },
      });
      assert.equal(first.status, 202, first.body.toString());
      assert.equal(first.headers.get('range'), '0-3999');
      location = first.headers.get('location')!;
      const status = await http.send('GET', location);
      assert.equal(status.status, 204);
      assert.equal(status.headers.get('range'), '0-3999');
      const second = await http.send('PATCH', location, {
        body: blob.subarray(4000),
        headers: { 'Content-Range': `4000-${blob.length - 1}` },
      });
      assert.equal(second.status, 202);
      assert.equal(second.headers.get('range'), `0-${blob.length - 1}`);
      const done = await http.send('PUT', withDigest(second.headers.get('location')!, digest, running.url));
      assert.equal(done.status, 201, done.body.toString());
      assert.deepEqual((await http.send('GET', `/v2/chunked/blobs/${digest}`)).body, blob);
    });

    test('streamed PATCH without Content-Range, and out-of-order chunks', async () => {
      const blob = randomBytes(5000);
      const started = await http.send('POST', '/v2/streamed/blobs/uploads/');
      const patched = await http.send('PATCH', started.headers.get('location')!, { body: blob });
      assert.equal(patched.status, 202);
      assert.equal(patched.headers.get('range'), '0-4999');
      if (caps.chunkOrder) {
        const wrong = await http.send('PATCH', patched.headers.get('location')!, {
          body: Buffer.from('xyz'),
          headers: { 'Content-Range': '9000-9002' },
        });
        assert.equal(wrong.status, 416);
        assert.equal(wrong.headers.get('range'), '0-4999');
      }
      const done = await http.send('PUT', withDigest(patched.headers.get('location')!, sha256(blob), running.url));
      assert.equal(done.status, 201);
    });

    test('every digest is verified: a wrong one is DIGEST_INVALID and stores nothing', async () => {
      const blob = randomBytes(100);
      const wrong = sha256(Buffer.from('something else'));
      const started = await http.send('POST', '/v2/verify/blobs/uploads/');
      const res = await http.send('PUT', withDigest(started.headers.get('location')!, wrong, running.url), {
        body: blob,
      });
      assert.equal(res.status, 400);
      assert.equal(errorCode(res), 'DIGEST_INVALID');
      assert.equal((await http.send('HEAD', `/v2/verify/blobs/${wrong}`)).status, 404);
      const manifest = await http.pushManifest('verify', 'ok', randomBytes(10));
      const byWrongDigest = await http.send('PUT', `/v2/verify/manifests/${wrong}`, {
        body: manifest.raw,
        headers: { 'Content-Type': MANIFEST },
      });
      assert.equal(byWrongDigest.status, 400);
      assert.equal(errorCode(byWrongDigest), 'DIGEST_INVALID');
    });

    test('manifests: PUT by tag, GET/HEAD by tag and digest with the content type preserved, index accepted', async () => {
      const { digest, raw } = await http.pushManifest('models/app', 'v1', randomBytes(64));
      for (const ref of ['v1', digest]) {
        const get = await http.send('GET', `/v2/models/app/manifests/${ref}`, { headers: { Accept: MANIFEST } });
        assert.equal(get.status, 200);
        assert.equal(get.headers.get('content-type'), MANIFEST);
        assert.equal(get.headers.get('docker-content-digest'), digest);
        assert.deepEqual(get.body, raw);
        const head = await http.send('HEAD', `/v2/models/app/manifests/${ref}`, { headers: { Accept: MANIFEST } });
        assert.equal(head.status, 200);
        assert.equal(head.headers.get('content-length'), String(raw.length));
      }
      const index = Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: INDEX,
          manifests: [{ mediaType: MANIFEST, digest, size: raw.length }],
        }),
      );
      const put = await http.send('PUT', '/v2/models/app/manifests/multi', {
        body: index,
        headers: { 'Content-Type': INDEX },
      });
      assert.equal(put.status, 201, put.body.toString());
      const get = await http.send('GET', '/v2/models/app/manifests/multi', { headers: { Accept: INDEX } });
      assert.equal(get.headers.get('content-type'), INDEX);
      assert.deepEqual(get.body, index);
    });

    test('manifest errors: unknown manifest and blob, missing layer, invalid JSON', async () => {
      const missing = await http.send('GET', '/v2/models/app/manifests/nope', { headers: { Accept: MANIFEST } });
      assert.equal(missing.status, 404);
      assert.equal(errorCode(missing), 'MANIFEST_UNKNOWN');
      const blob = await http.send('GET', `/v2/models/app/blobs/${sha256(Buffer.from('never pushed'))}`);
      assert.equal(blob.status, 404);
      assert.equal(errorCode(blob), 'BLOB_UNKNOWN');
      const dangling = Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: MANIFEST,
          config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: sha256(EMPTY), size: 2 },
          layers: [{ mediaType: 'application/gzip', digest: sha256(Buffer.from('absent')), size: 6 }],
        }),
      );
      await http.pushBlob('models/app', EMPTY);
      const res = await http.send('PUT', '/v2/models/app/manifests/dangling', {
        body: dangling,
        headers: { 'Content-Type': MANIFEST },
      });
      assert.equal(res.status, 400);
      assert.equal(errorCode(res), 'MANIFEST_BLOB_UNKNOWN');
      const invalid = await http.send('PUT', '/v2/models/app/manifests/bad', {
        body: Buffer.from('not json'),
        headers: { 'Content-Type': MANIFEST },
      });
      assert.equal(invalid.status, 400);
      assert.equal(errorCode(invalid), 'MANIFEST_INVALID');
    });

    test('tags/list: every tag, n/last pagination with a Link header where supported, NAME_UNKNOWN', async () => {
      const tags = ['t0', 't1', 't2', 't3', 't4'];
      for (const tag of tags) await http.pushManifest('paged', tag, Buffer.from(tag));
      const all = JSON.parse((await http.send('GET', '/v2/paged/tags/list')).body.toString()) as {
        name: string;
        tags: string[];
      };
      assert.equal(all.name, 'paged');
      assert.deepEqual([...all.tags].sort(), tags);
      if (caps.tagPagination) {
        const seen: string[] = [];
        let next: string | undefined = '/v2/paged/tags/list?n=2';
        let pages = 0;
        while (next) {
          const page = await http.send('GET', next);
          seen.push(...(JSON.parse(page.body.toString()) as { tags: string[] }).tags);
          pages++;
          next = /<([^>]+)>;\s*rel="next"/.exec(page.headers.get('link') ?? '')?.[1];
        }
        assert.deepEqual(seen, tags);
        assert.equal(pages, 3);
        const afterLast = JSON.parse((await http.send('GET', '/v2/paged/tags/list?last=t2')).body.toString()) as {
          tags: string[];
        };
        assert.deepEqual(afterLast.tags, ['t3', 't4']);
      }
      const unknown = await http.send('GET', '/v2/no/such/repo/tags/list');
      assert.equal(unknown.status, 404);
      assert.equal(errorCode(unknown), 'NAME_UNKNOWN');
    });

    test('_catalog lists the repositories pushed to', async () => {
      const catalog = JSON.parse((await http.send('GET', '/v2/_catalog')).body.toString()) as {
        repositories: string[];
      };
      for (const repo of ['chunked', 'models/app', 'paged'])
        assert.ok(catalog.repositories.includes(repo), `${repo} in ${catalog.repositories.join(', ')}`);
    });

    test('delete: a manifest by digest (with its tags), not by tag; a blob; cross-repo mount', async () => {
      const { digest } = await http.pushManifest('deleting', 'gone', randomBytes(32));
      const byTag = await http.send('DELETE', '/v2/deleting/manifests/gone');
      assert.equal(byTag.status, 400);
      assert.equal(errorCode(byTag), 'DIGEST_INVALID');
      assert.equal((await http.send('DELETE', `/v2/deleting/manifests/${digest}`)).status, 202);
      assert.equal(
        (await http.send('GET', `/v2/deleting/manifests/${digest}`, { headers: { Accept: MANIFEST } })).status,
        404,
      );
      assert.equal(
        (await http.send('GET', '/v2/deleting/manifests/gone', { headers: { Accept: MANIFEST } })).status,
        404,
      );
      const blob = randomBytes(20);
      const blobDigest = await http.pushBlob('deleting', blob);
      const mounted = await http.send('POST', `/v2/mounted/blobs/uploads/?mount=${blobDigest}&from=deleting`);
      assert.equal(mounted.status, 201);
      assert.deepEqual((await http.send('GET', `/v2/mounted/blobs/${blobDigest}`)).body, blob);
      assert.equal((await http.send('DELETE', `/v2/deleting/blobs/${blobDigest}`)).status, 202);
      assert.equal((await http.send('HEAD', `/v2/deleting/blobs/${blobDigest}`)).status, 404);
      assert.equal(
        (await http.send('HEAD', `/v2/mounted/blobs/${blobDigest}`)).status,
        200,
        'deleting from one repository leaves the other',
      );
    });

    test('auth: push and delete need credentials (401, Basic challenge, UNAUTHORIZED); pull as the registry allows', async () => {
      const denied = await http.send('POST', '/v2/auth/blobs/uploads/', { auth: 'none' });
      assert.equal(denied.status, 401);
      assert.match(denied.headers.get('www-authenticate') ?? '', /^Basic realm="sandbox-registry"/);
      assert.equal(errorCode(denied), 'UNAUTHORIZED');
      assert.equal((await http.send('POST', '/v2/auth/blobs/uploads/', { auth: 'wrong' })).status, 401);
      const { digest } = await http.pushManifest('auth', 'v1', randomBytes(8));
      assert.equal((await http.send('DELETE', `/v2/auth/manifests/${digest}`, { auth: 'none' })).status, 401);
      const pull = await http.send('GET', '/v2/auth/manifests/v1', { auth: 'none', headers: { Accept: MANIFEST } });
      assert.equal(pull.status, caps.anonymousPull ? 200 : 401);
    });

    test(
      'referrers API lists manifests whose subject is a digest, filtered by artifactType',
      { skip: !caps.referrers && 'not implemented by this registry' },
      async () => {
        const subject = await http.pushManifest('refs', 'base', randomBytes(16));
        const size = subject.raw.length;
        const signature = await http.pushManifest('refs', 'sig', randomBytes(16), {
          artifactType: 'application/vnd.example.signature',
          subject: { mediaType: MANIFEST, digest: subject.digest, size },
        });
        await http.pushManifest('refs', 'sbom', randomBytes(16), {
          artifactType: 'application/vnd.example.sbom',
          subject: { mediaType: MANIFEST, digest: subject.digest, size },
        });
        const all = JSON.parse((await http.send('GET', `/v2/refs/referrers/${subject.digest}`)).body.toString()) as {
          manifests: Array<{ digest: string }>;
        };
        assert.equal(all.manifests.length, 2);
        const filtered = await http.send(
          'GET',
          `/v2/refs/referrers/${subject.digest}?artifactType=application/vnd.example.signature`,
        );
        assert.equal(filtered.headers.get('oci-filters-applied'), 'artifactType');
        assert.deepEqual(
          (JSON.parse(filtered.body.toString()) as { manifests: Array<{ digest: string }> }).manifests.map(
            (m) => m.digest,
          ),
          [signature.digest],
        );
      },
    );
  });
}

describe('embedded Registry: faults, token auth, persistence', () => {
  let root: string;
  let registry: Registry;
  let http: Http;
  const faults = new Faults();

  before(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'registry-faults-'));
    registry = new Registry({ root, user: USER, password: PASSWORD, faults });
    await registry.start();
    http = new Http(registry.url);
  });
  after(async () => {
    await registry?.stop();
    await rm(root, { recursive: true, force: true });
  });

  test('URL accessors throw before start; stop is idempotent', async () => {
    const idle = new Registry({ root, user: USER, password: PASSWORD });
    assert.throws(() => idle.url, /not started/);
    await idle.stop();
    await idle.stop();
  });

  test('registry-down answers 503 to every request until cleared', async () => {
    faults.set(parseFault('registry-down'));
    try {
      for (const [method, url] of [
        ['GET', '/v2/'],
        ['GET', '/v2/x/tags/list'],
        ['POST', '/v2/x/blobs/uploads/'],
      ] as const) {
        const res = await http.send(method, url);
        assert.equal(res.status, 503, `${method} ${url}`);
        assert.equal(errorCode(res), 'UNAVAILABLE');
      }
    } finally {
      faults.clear('registry-down');
    }
    assert.equal((await http.send('GET', '/v2/')).status, 200);
  });

  test('corrupt-artifact=<tag> serves that tag’s layers flipped (same length), other blobs intact', async () => {
    const layer = randomBytes(4096);
    await http.pushManifest('models', 'v9', layer);
    const layerUrl = `/v2/models/blobs/${sha256(layer)}`;
    faults.set(parseFault('corrupt-artifact=v9'));
    try {
      const corrupted = await http.send('GET', layerUrl);
      assert.equal(corrupted.status, 200);
      assert.equal(corrupted.body.length, layer.length);
      assert.notEqual(sha256(corrupted.body), sha256(layer));
      assert.equal(
        corrupted.headers.get('docker-content-digest'),
        sha256(layer),
        'the header still claims the real digest',
      );
      assert.deepEqual(
        (await http.send('GET', `/v2/models/blobs/${sha256(EMPTY)}`)).body,
        EMPTY,
        'the config is not a layer',
      );
    } finally {
      faults.clear('corrupt-artifact');
    }
    assert.deepEqual((await http.send('GET', layerUrl)).body, layer);
  });

  test('slow-download=<bytes/s> throttles blob bodies (roughly: within ×3 of size/rate)', async () => {
    const blob = randomBytes(300 * 1024);
    const digest = await http.pushBlob('slow', blob);
    const rate = 400 * 1024;
    const expectedMs = (blob.length / rate) * 1000;
    faults.set(parseFault(`slow-download=${rate}`));
    let elapsed: number;
    try {
      const started = performance.now();
      const res = await http.send('GET', `/v2/slow/blobs/${digest}`);
      elapsed = performance.now() - started;
      assert.deepEqual(res.body, blob, 'throttling must not change the bytes');
    } finally {
      faults.clear('slow-download');
    }
    assert.ok(elapsed >= expectedMs / 3, `took ${elapsed.toFixed(0)} ms, expected about ${expectedMs.toFixed(0)} ms`);
    assert.ok(elapsed <= expectedMs * 3, `took ${elapsed.toFixed(0)} ms, expected about ${expectedMs.toFixed(0)} ms`);
  });

  test('a manifest PUT for a new tag fires the oci-push trigger; re-pushing a known tag does not', async () => {
    await http.pushManifest('trigger', 'v1', randomBytes(64));
    faults.set(parseFault('registry-down@oci-push'));
    try {
      await http.pushManifest('trigger', 'v1', randomBytes(64));
      assert.equal(faults.active('registry-down'), undefined, 'v1 existed: nothing fires');
      const fired = new Promise<string>((resolve) => faults.once('armed', (f) => resolve(f.detail)));
      await http.pushManifest('trigger', 'v2', randomBytes(64));
      assert.equal(await fired, 'manifest PUT trigger:v2 (a new tag)');
      assert.equal((await http.send('GET', '/v2/')).status, 503, 'registry-down bites from then on');
    } finally {
      faults.clear('registry-down');
    }
  });

  test('storage survives a restart on the same root', async () => {
    const { digest, raw } = await http.pushManifest('persist', 'v1', randomBytes(128));
    const again = new Registry({ root, user: USER, password: PASSWORD });
    await again.start();
    try {
      const res = await new Http(again.url).send('GET', '/v2/persist/manifests/v1', { headers: { Accept: MANIFEST } });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('docker-content-digest'), digest);
      assert.deepEqual(res.body, raw);
    } finally {
      await again.stop();
    }
  });

  test('token auth: Bearer challenge with scope, anonymous pull token, push needs the user', async () => {
    const tokenRoot = await mkdtemp(path.join(tmpdir(), 'registry-token-'));
    const tokenRegistry = new Registry({ root: tokenRoot, user: USER, password: PASSWORD, auth: 'token' });
    await tokenRegistry.start();
    try {
      const raw = new Http(tokenRegistry.url);
      const challenged = await raw.send('POST', '/v2/tok/blobs/uploads/', { auth: 'none' });
      assert.equal(challenged.status, 401);
      const challenge = challenged.headers.get('www-authenticate') ?? '';
      assert.match(
        challenge,
        /^Bearer realm="http:\/\/127\.0\.0\.1:\d+\/token",service="sandbox-registry",scope="repository:tok:pull,push"$/,
      );
      const tokenFor = async (auth: 'valid' | 'none' | 'wrong') =>
        raw.send('GET', '/token?service=sandbox-registry&scope=repository:tok:pull,push', { auth });
      assert.equal((await tokenFor('wrong')).status, 401);
      const anonymous = (JSON.parse((await tokenFor('none')).body.toString()) as { token: string }).token;
      const bearer = (token: string) => ({ headers: { Authorization: `Bearer ${token}` }, auth: 'none' as const });
      const pushAnon = await raw.send('POST', '/v2/tok/blobs/uploads/', bearer(anonymous));
      assert.equal(pushAnon.status, 401);
      assert.match(pushAnon.headers.get('www-authenticate') ?? '', /error="insufficient_scope"/);
      assert.equal(
        (await raw.send('GET', '/v2/tok/tags/list', bearer(anonymous))).status,
        404,
        'pull is granted (the repository is just empty)',
      );
      const user = (JSON.parse((await tokenFor('valid')).body.toString()) as { token: string }).token;
      assert.equal((await raw.send('POST', '/v2/tok/blobs/uploads/', bearer(user))).status, 202);
      assert.equal(
        (
          await raw.send(
            'POST',
            '/v2/tok/blobs/uploads/',
            bearer(`${user.slice(0, -1)}${user.endsWith('A') ? 'B' : 'A'}`),
          )
        ).status,
        401,
        'a tampered token is refused',
      );
    } finally {
      await tokenRegistry.stop();
      await rm(tokenRoot, { recursive: true, force: true });
    }
  });
});
