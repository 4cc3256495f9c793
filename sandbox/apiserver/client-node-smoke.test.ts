import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import { ApiServer } from './server.ts';

describe('client-node against the sandbox API server', () => {
  const api = new ApiServer();
  const kc = new k8s.KubeConfig();
  before(async () => {
    await api.start();
    kc.loadFromString(api.kubeconfig());
  });
  after(() => api.stop());

  it('lists namespaces and creates, reads and patches core objects', async () => {
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const namespaces = await core.listNamespace();
    assert.ok(namespaces.items.some((n) => n.metadata?.name === 'kube-system'));
    await core.createNamespacedConfigMap({
      namespace: 'default',
      body: { metadata: { name: 'cn' }, data: { a: '1' } },
    });
    const patched = await core.patchNamespacedConfigMap(
      { namespace: 'default', name: 'cn', body: { data: { b: '2' } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    assert.deepEqual(patched.data, { a: '1', b: '2' });
    await assert.rejects(
      core.readNamespacedConfigMap({ namespace: 'default', name: 'missing' }),
      (e: { code?: number }) => e.code === 404,
    );
  });

  it('creates, lists and merge-patches custom objects', async () => {
    const custom = kc.makeApiClient(k8s.CustomObjectsApi);
    const target = {
      group: 'source.toolkit.fluxcd.io',
      version: 'v1',
      namespace: 'default',
      plural: 'gitrepositories',
    };
    await custom.createNamespacedCustomObject({
      ...target,
      body: {
        apiVersion: 'source.toolkit.fluxcd.io/v1',
        kind: 'GitRepository',
        metadata: { name: 'repo' },
        spec: { url: 'https://h/r.git', interval: '1m' },
      },
    });
    const list = (await custom.listNamespacedCustomObject(target)) as {
      items: Array<{ metadata: { name: string }; status: { observedGeneration: number } }>;
    };
    assert.deepEqual(
      list.items.map((i) => i.metadata.name),
      ['repo'],
    );
    assert.equal(list.items[0]!.status.observedGeneration, -1);
    const patched = (await custom.patchNamespacedCustomObject(
      { ...target, name: 'repo', body: { spec: { interval: '5m' } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    )) as { spec: { interval: string }; metadata: { generation: number } };
    assert.equal(patched.spec.interval, '5m');
    assert.equal(patched.metadata.generation, 2);
  });

  it('watches with Watch and keeps an informer in sync', async () => {
    const seen: string[] = [];
    let resolveSeen!: () => void;
    const gotDeleted = new Promise<void>((r) => (resolveSeen = r));
    const watch = new k8s.Watch(kc);
    const controller = await watch.watch(
      '/api/v1/namespaces/default/configmaps',
      { labelSelector: 'watched=yes' },
      (type, obj: k8s.V1ConfigMap) => {
        seen.push(`${type} ${obj.metadata?.name}`);
        if (type === 'DELETED') resolveSeen();
      },
      () => undefined,
    );
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const informer = k8s.makeInformer(kc, '/api/v1/namespaces/default/configmaps', () =>
      core.listNamespacedConfigMap({ namespace: 'default' }),
    );
    const informerAdded = new Promise<void>((resolve) =>
      informer.on('add', (obj: k8s.V1ConfigMap) => {
        if (obj.metadata?.name === 'w') resolve();
      }),
    );
    await informer.start();
    await core.createNamespacedConfigMap({
      namespace: 'default',
      body: { metadata: { name: 'w', labels: { watched: 'yes' } } },
    });
    await informerAdded;
    assert.ok(informer.list('default').some((o) => o.metadata?.name === 'w'));
    await core.deleteNamespacedConfigMap({ namespace: 'default', name: 'w' });
    await gotDeleted;
    controller.abort();
    await informer.stop();
    assert.deepEqual(seen, ['ADDED w', 'DELETED w']);
    assert.ok(
      Object.keys(api.requestCounts()).some((ua) => ua.startsWith('kubernetes-client-javascript')),
      JSON.stringify(api.requestCounts()),
    );
  });
});
