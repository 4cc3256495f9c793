/**
 * OciClient against real registries: the sandbox's embedded Registry (Basic and token auth, faults) and CNCF
 * distribution 2.8 when `/usr/bin/docker-registry` is installed (skipped with a reason otherwise). Requests are
 * counted through an injected fetch (the small requests; blob bodies go over node:http), so "skips existing
 * blobs" and "caches tokens" are observed on the wire rather than assumed.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Faults, parseFault } from 'gitops-sandbox/faults';
import { DistributionRegistry } from 'gitops-sandbox/registry/distribution';
import { Registry } from 'gitops-sandbox/registry';
import { OciClient, type OciClientOptions } from './client.ts';
import { digestOf } from './digest.ts';
import { DigestMismatchError, OciError } from './errors.ts';
import { EMPTY_CONFIG, MEDIA_TYPES, type ImageManifest } from './manifest.ts';

const USER = 'pusher';
const PASSWORD = 'secret-token-value';

/** Records every request the client makes as "METHOD /path", and challenged ones (401) as "401 METHOD /path". */
function countingFetch(log: string[]): typeof fetch {
  return (async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(input instanceof Request ? input.url : input);
    const res = await fetch(input, init);
    log.push(`${res.status === 401 ? '401 ' : ''}${init?.method ?? 'GET'} ${url.pathname}`);
    return res;
  }) as typeof fetch;
}

interface Target {
  name: string;
  skip: Promise<string | false>;
  embedded: boolean;
  start(root: string, faults: Faults): Promise<{ host: string; stop(): Promise<void> }>;
}

const TARGETS: Target[] = [
  {
    name: 'embedded Registry',
    skip: Promise.resolve(false),
    embedded: true,
    async start(root, faults) {
      const registry = new Registry({ root, user: USER, password: PASSWORD, faults });
      await registry.start();
      return { host: registry.host, stop: () => registry.stop() };
    },
  },
  {
    name: 'DistributionRegistry',
    skip: DistributionRegistry.available().then((ok) => (ok ? false : '/usr/bin/docker-registry is not installed')),
    embedded: false,
    async start(root) {
      const registry = new DistributionRegistry({ root, user: USER, password: PASSWORD });
      await registry.start();
      return { host: registry.host, stop: () => registry.stop() };
    },
  },
];

for (const target of TARGETS) {
  describe(`OciClient against ${target.name}`, { skip: await target.skip }, () => {
    let root: string;
    let work: string;
    let server: { host: string; stop(): Promise<void> };
    const faults = new Faults();
    const client = (extra: Partial<OciClientOptions> = {}) =>
      new OciClient({ registry: server.host, plainHttp: true, username: USER, password: PASSWORD, ...extra });

    before(async () => {
      root = await mkdtemp(path.join(tmpdir(), 'oci-client-registry-'));
      work = await mkdtemp(path.join(tmpdir(), 'oci-client-work-'));
      server = await target.start(root, faults);
    });
    after(async () => {
      await server?.stop();
      await rm(root, { recursive: true, force: true });
      await rm(work, { recursive: true, force: true });
    });

    test('checkPushAccess opens an upload session and cancels it; wrong credentials are refused', async () => {
      const log: string[] = [];
      await client({ fetch: countingFetch(log) }).checkPushAccess('foundry/push-check');
      const calls = log.filter((l) => !l.startsWith('401 ') && !l.includes('/token'));
      assert.equal(calls[0], 'POST /v2/foundry/push-check/blobs/uploads/');
      assert.match(calls[1] ?? '', /^DELETE \/v2\/foundry\/push-check\/blobs\/uploads\/\S+/);
      assert.deepEqual(
        await client()
          .listTags('foundry/push-check')
          .catch(() => []),
        [],
        'nothing stored',
      );
      await assert.rejects(
        client({ password: 'wrong' }).checkPushAccess('foundry/push-check'),
        (err: unknown) => err instanceof OciError && err.status === 401,
      );
    });

    test('pushArtifact writes the manifest oras push writes and returns what --format json prints', async () => {
      const file = path.join(work, 'models.tar.gz');
      await writeFile(file, randomBytes(2048));
      const result = await client().pushArtifact('foundry/models', 'v0.1.0', {
        artifactType: 'foundry/models',
        files: [{ path: file, mediaType: 'application/gzip' }],
      });
      assert.equal(result.reference, `${server.host}/foundry/models@${result.digest}`);
      assert.deepEqual(result.referenceAsTags, [`${server.host}/foundry/models:v0.1.0`]);
      assert.equal(result.mediaType, MEDIA_TYPES.imageManifest);
      assert.equal(result.artifactType, 'foundry/models');
      assert.match(result.annotations['org.opencontainers.image.created']!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

      const fetched = await client().fetchManifest('foundry/models', 'v0.1.0');
      assert.equal(fetched.digest, result.digest);
      assert.equal(fetched.raw.length, result.size);
      assert.equal(fetched.mediaType, MEDIA_TYPES.imageManifest);
      const manifest = fetched.manifest as ImageManifest;
      assert.deepEqual(Object.keys(manifest), [
        'schemaVersion',
        'mediaType',
        'artifactType',
        'config',
        'layers',
        'annotations',
      ]);
      assert.deepEqual(manifest.config, { ...EMPTY_CONFIG });
      assert.deepEqual(manifest.layers, [
        {
          mediaType: 'application/gzip',
          digest: digestOf(await readFile(file)),
          size: 2048,
          annotations: { 'org.opencontainers.image.title': 'models.tar.gz' },
        },
      ]);
      assert.equal(await client().resolve('foundry/models', 'v0.1.0'), result.digest);
    });

    test('a fixed created annotation makes the push reproducible; bytes already there are not uploaded again', async () => {
      const file = path.join(work, 'repro.tar.gz');
      await writeFile(file, randomBytes(512));
      const spec = {
        artifactType: 'foundry/models',
        files: [{ path: file, mediaType: 'application/gzip' }],
        annotations: { 'org.opencontainers.image.created': '2020-01-01T00:00:00Z' },
      };
      const first = await client().pushArtifact('repro', 'a', spec);
      const requests: string[] = [];
      const second = await client({ fetch: countingFetch(requests) }).pushArtifact('repro', 'b', spec);
      assert.equal(second.digest, first.digest);
      // The config blob is in memory: checked with HEAD and skipped. The file is read once, so it goes up again
      // (one upload session) instead of being hashed in a pass of its own first.
      assert.ok(
        requests.some((r) => r.startsWith('HEAD /v2/repro/blobs/')),
        requests.join('\n'),
      );
      assert.equal(requests.filter((r) => r.startsWith('POST')).length, 1, requests.join('\n'));
    });

    test('a file goes up in one pass (streamed PATCH, digest in the closing PUT) with progress, and comes back intact', async () => {
      const bytes = randomBytes(3 * 1024 * 1024 + 17);
      const file = path.join(work, 'big.bin');
      await writeFile(file, bytes);
      const requests: string[] = [];
      const sent: number[] = [];
      const fromFile = await client({ fetch: countingFetch(requests) }).pushBlob('chunks', file, undefined, {
        onProgress: (done, total) => sent.push(done, total),
      });
      assert.equal(fromFile.digest, digestOf(bytes));
      assert.equal(fromFile.size, bytes.length);
      assert.ok(
        sent.length >= 4 && sent.at(-2) === bytes.length && sent.at(-1) === bytes.length,
        `progress ${sent.join(',')}`,
      );
      assert.deepEqual(
        requests.filter((r) => !r.startsWith('401')).map((r) => r.split(' ')[0]),
        ['POST', 'PUT'],
        'the PATCH goes over node:http',
      );
      const buffer = randomBytes(200 * 1024);
      const fromBuffer = await client().pushBlob('chunks', buffer);
      const progress: number[] = [];
      const out = path.join(work, 'out', 'big.bin');
      await client().pullBlob('chunks', fromFile, out, { onProgress: (received) => progress.push(received) });
      assert.deepEqual(await readFile(out), bytes);
      assert.equal(progress.at(-1), bytes.length);
      await client().pullBlob('chunks', fromBuffer, out);
      assert.deepEqual(await readFile(out), buffer);
      const wrong = new OciClient({ registry: server.host, plainHttp: true, username: USER, password: 'nope' });
      await assert.rejects(
        wrong.pushBlob('chunks', file),
        (err: unknown) => err instanceof OciError && err.status === 401,
      );
      await assert.rejects(
        wrong.pullBlob('chunks', fromFile, out),
        (err: unknown) => err instanceof OciError && err.status === 401,
      );
    });

    test('listTags follows Link pagination', async () => {
      const c = client();
      const file = path.join(work, 'paged.bin');
      await writeFile(file, randomBytes(100));
      const tags = ['p1', 'p2', 'p3', 'p4', 'p5'];
      for (const tag of tags)
        await c.pushArtifact('paged', tag, {
          artifactType: 'foundry/models',
          files: [{ path: file, mediaType: 'application/gzip' }],
        });
      const requests: string[] = [];
      const listed = await client({ fetch: countingFetch(requests) }).listTags('paged', { pageSize: 2 });
      assert.deepEqual([...listed].sort(), tags);
      const pages = requests.filter((r) => r === 'GET /v2/paged/tags/list').length;
      assert.equal(pages, target.embedded ? 3 : 1, 'distribution 2.8 ignores n and answers in one page');
    });

    test('pullArtifact writes each titled layer like oras pull; titles may not escape the directory', async () => {
      const dest = path.join(work, 'pulled');
      const pulled = await client().pullArtifact('foundry/models', 'v0.1.0', dest);
      assert.equal(pulled.artifactType, 'foundry/models');
      assert.deepEqual(await readdir(dest), ['models.tar.gz']);
      const c = client();
      const layer = await c.pushBlob('evil', randomBytes(10), 'application/gzip');
      const config = await c.pushBlob('evil', Buffer.from('{}'), EMPTY_CONFIG.mediaType);
      await c.pushManifest('evil', 'v1', {
        schemaVersion: 2,
        mediaType: MEDIA_TYPES.imageManifest,
        config: { ...config, data: 'e30=' },
        layers: [{ ...layer, annotations: { 'org.opencontainers.image.title': '../escaped' } }],
      });
      await assert.rejects(c.pullArtifact('evil', 'v1', path.join(work, 'evil')), /escapes the output directory/);
      assert.equal(existsSync(path.join(work, 'escaped')), false);
    });

    test('deleteManifest resolves a tag to its digest; errors carry status, code and URL but never the password', async () => {
      const c = client();
      const digest = await c.resolve('foundry/models', 'v0.1.0');
      assert.equal(await c.deleteManifest('foundry/models', 'v0.1.0'), digest);
      const err = await c.resolve('foundry/models', 'v0.1.0').then(
        () => undefined,
        (e: unknown) => e,
      );
      assert.ok(err instanceof OciError, String(err));
      assert.equal(err.status, 404);
      assert.match(err.message, /\/v2\/foundry\/models\/manifests\/v0\.1\.0/);
      const missing = await c.fetchManifest('foundry/models', 'v0.1.0').then(
        () => undefined,
        (e: unknown) => e,
      );
      assert.ok(missing instanceof OciError);
      assert.equal(missing.code, 'MANIFEST_UNKNOWN');
      const wrong = new OciClient({
        registry: server.host,
        plainHttp: true,
        username: USER,
        password: 'wrong-password-xyz',
      });
      const denied = await wrong.pushBlob('denied', randomBytes(4)).then(
        () => undefined,
        (e: unknown) => e,
      );
      assert.ok(denied instanceof OciError);
      assert.equal(denied.status, 401);
      assert.equal(denied.code, 'UNAUTHORIZED');
      assert.doesNotMatch(`${denied.message} ${JSON.stringify(denied)}`, /wrong-password-xyz|secret-token-value/);
    });

    test(
      'pullBlob verifies the digest: corrupt bytes fail with "digest mismatch" and leave no file',
      { skip: !target.embedded && 'faults are the embedded registry’s' },
      async () => {
        const file = path.join(work, 'corrupt.tar.gz');
        await writeFile(file, randomBytes(4096));
        const pushed = await client().pushArtifact('corrupt', 'bad', {
          artifactType: 'foundry/models',
          files: [{ path: file, mediaType: 'application/gzip' }],
        });
        const layer = ((await client().fetchManifest('corrupt', pushed.digest)).manifest as ImageManifest).layers[0]!;
        faults.set(parseFault('corrupt-artifact=bad'));
        const dest = path.join(work, 'corrupt', 'models.tar.gz');
        try {
          await assert.rejects(client().pullBlob('corrupt', layer, dest), (err: unknown) => {
            assert.ok(err instanceof DigestMismatchError);
            assert.match(
              err.message,
              new RegExp(`^digest mismatch: expected ${layer.digest}, got sha256:[0-9a-f]{64}$`),
            );
            return true;
          });
        } finally {
          faults.clear('corrupt-artifact');
        }
        assert.equal(existsSync(dest), false);
        assert.equal(existsSync(`${dest}.partial`), false);
        await client().pullBlob('corrupt', layer, dest);
        assert.equal(digestOf(await readFile(dest)), layer.digest);
      },
    );

    test(
      'pullBlob can be aborted mid-download',
      { skip: !target.embedded && 'uses the slow-download fault' },
      async () => {
        const bytes = randomBytes(256 * 1024);
        const descriptor = await client().pushBlob('abort', bytes);
        faults.set(parseFault('slow-download=65536'));
        const controller = new AbortController();
        const dest = path.join(work, 'abort', 'blob');
        try {
          const pulling = client().pullBlob('abort', descriptor, dest, {
            signal: controller.signal,
            onProgress: () => controller.abort(),
          });
          await assert.rejects(pulling, (err: Error) => err.name === 'AbortError');
        } finally {
          faults.clear('slow-download');
        }
        assert.equal(existsSync(dest), false);
        assert.equal(existsSync(`${dest}.partial`), false);
      },
    );
  });
}

describe('OciClient with the Docker token flow (embedded Registry, auth: token)', () => {
  let root: string;
  let registry: Registry;

  before(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'oci-client-token-'));
    registry = new Registry({ root, user: USER, password: PASSWORD, auth: 'token' });
    await registry.start();
  });
  after(async () => {
    await registry?.stop();
    await rm(root, { recursive: true, force: true });
  });

  test('gets a token from the realm, caches it per repository, and pulls anonymously', async () => {
    const requests: string[] = [];
    const c = new OciClient({
      registry: registry.host,
      plainHttp: true,
      username: USER,
      password: PASSWORD,
      fetch: countingFetch(requests),
    });
    const blob = await c.pushBlob('tok/repo', randomBytes(100));
    await c.pushManifest('tok/repo', 'v1', {
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.imageManifest,
      config: await c.pushBlob('tok/repo', Buffer.from('{}'), EMPTY_CONFIG.mediaType),
      layers: [blob],
    });
    assert.deepEqual(await c.listTags('tok/repo'), ['v1']);
    const tokenRequests = requests.filter((r) => r === 'GET /token').length;
    assert.ok(
      tokenRequests >= 1 && tokenRequests <= 2,
      `token fetched ${tokenRequests} times:\n${requests.join('\n')}`,
    );
    assert.ok(
      requests.filter((r) => r !== 'GET /token').length > 4 * tokenRequests,
      'the token is reused across requests',
    );

    const anonymous = new OciClient({ registry: registry.host, plainHttp: true });
    assert.deepEqual(await anonymous.listTags('tok/repo'), ['v1']);
    const denied = await anonymous.pushBlob('tok/repo', randomBytes(5)).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(denied instanceof OciError);
    assert.equal(denied.status, 401);
  });
});

test('plain HTTP is automatic only for localhost, as in oras', () => {
  assert.equal(new OciClient({ registry: 'localhost:5000' }).baseUrl, 'http://localhost:5000');
  assert.equal(new OciClient({ registry: 'myacr.azurecr.io' }).baseUrl, 'https://myacr.azurecr.io');
  assert.equal(new OciClient({ registry: '127.0.0.1:5000', plainHttp: true }).baseUrl, 'http://127.0.0.1:5000');
});
