import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { isApiError, type KubeObject, type WatchEvent } from '../kube/types.ts';
import { ApiServer } from './server.ts';

const servers: ApiServer[] = [];
function fresh(options: ConstructorParameters<typeof ApiServer>[0] = {}): ApiServer {
  const api = new ApiServer(options);
  servers.push(api);
  return api;
}
after(async () => {
  for (const s of servers) await s.stop();
});

describe('in-process Kube', () => {
  it('is usable before start() and throws ApiError for unknown kinds', () => {
    const { kube } = fresh();
    assert.throws(
      () => kube.list({ apiVersion: 'example.com/v1', kind: 'Nope' }),
      (e) => isApiError(e, 404) && e.message === 'the server could not find the requested resource',
    );
    assert.equal(kube.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'default', name: 'none' }), undefined);
  });

  it('delivers objects in the apiVersion the caller asked for (conversion None)', async () => {
    const { kube } = fresh({ flux: '2.6' });
    kube.create({
      apiVersion: 'source.toolkit.fluxcd.io/v1',
      kind: 'GitRepository',
      metadata: { name: 'g', namespace: 'default' },
      spec: { url: 'https://h/r.git', interval: '1m' },
    });
    const event = await new Promise<WatchEvent>((resolve) => {
      const stop = kube.watch(
        { apiVersion: 'source.toolkit.fluxcd.io/v1beta2', kind: 'GitRepository', namespace: 'default' },
        {},
        (e) => {
          stop();
          resolve(e);
        },
      );
    });
    assert.equal(event.type, 'ADDED');
    assert.equal(event.object.apiVersion, 'source.toolkit.fluxcd.io/v1beta2');
    assert.equal(
      kube.list({ apiVersion: 'source.toolkit.fluxcd.io/v1beta1', kind: 'GitRepository', namespace: 'default' })[0]
        ?.apiVersion,
      'source.toolkit.fluxcd.io/v1beta1',
    );
  });

  it('writes status through the status subresource only', () => {
    const { kube } = fresh();
    const created = kube.create<KubeObject>({
      apiVersion: 'source.toolkit.fluxcd.io/v1',
      kind: 'GitRepository',
      metadata: { name: 'g', namespace: 'default' },
      spec: { url: 'https://h/r.git', interval: '1m' },
      status: { observedGeneration: 7 },
    });
    assert.equal(created.status.observedGeneration, -1, 'create drops status, then the schema default applies');
    const ignored = kube.update({ ...created, status: { observedGeneration: 3 } });
    assert.equal(ignored.status.observedGeneration, -1);
    const written = kube.update(
      { ...created, status: { observedGeneration: 1, conditions: [] } },
      { subresource: 'status' },
    );
    assert.equal(written.status.observedGeneration, 1);
    assert.equal(written.metadata.generation, 1);
  });

  it('runs admission hooks before validation, so a hook can force a Deployment strategy', () => {
    const api = fresh();
    const seen: string[] = [];
    api.admission.register((op, obj) => {
      seen.push(`${op} ${obj.kind}`);
      if (obj.kind === 'Deployment') obj.spec.strategy = { type: 'Recreate' };
    });
    const labels = { app: 'x' };
    const d = api.kube.create<KubeObject>({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'x', namespace: 'default' },
      spec: {
        selector: { matchLabels: labels },
        template: { metadata: { labels }, spec: { containers: [{ name: 'c', image: 'i' }] } },
      },
    });
    assert.deepEqual(d.spec.strategy, { type: 'Recreate' });
    api.kube.patch(
      { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'default', name: 'x' },
      { spec: { replicas: 2 } },
      'merge',
    );
    assert.deepEqual(seen, ['CREATE Deployment', 'UPDATE Deployment']);
  });

  it('appends the journal to a JSON-lines file', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'journal-'));
    try {
      const file = path.join(dir, 'journal.jsonl');
      const api = fresh({ journalFile: file });
      api.kube.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'j', namespace: 'default' } });
      const lines = (await readFile(file, 'utf8'))
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      assert.equal(lines.length, api.journal.entries().length);
      const entry = lines.find((l) => l.name === 'j');
      assert.deepEqual((({ type, kind, namespace, apiVersion }) => ({ type, kind, namespace, apiVersion }))(entry), {
        type: 'ADDED',
        kind: 'ConfigMap',
        namespace: 'default',
        apiVersion: 'v1',
      });
      assert.equal(typeof entry.ts, 'number');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
