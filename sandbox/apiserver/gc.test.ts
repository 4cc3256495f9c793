import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject, OwnerReference } from '../kube/types.ts';
import { ApiServer } from './server.ts';
import { freshServers } from './test-servers.ts';

const fresh = freshServers();

function ownerRef(obj: KubeObject): OwnerReference {
  return {
    apiVersion: obj.apiVersion,
    kind: obj.kind,
    name: obj.metadata.name,
    uid: obj.metadata.uid!,
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** Deployment → ReplicaSet → two Pods (one bound to a node), linked by ownerReferences as the controllers link them. */
function chain(api: ApiServer, ns = 'default'): { deploy: KubeObject; rs: KubeObject; pods: KubeObject[] } {
  const labels = { app: 'web' };
  const template = { metadata: { labels }, spec: { containers: [{ name: 'c', image: 'i' }] } };
  const deploy = api.kube.create({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: ns },
    spec: { selector: { matchLabels: labels }, template },
  });
  const rs = api.kube.create({
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name: 'web-abc', namespace: ns, ownerReferences: [ownerRef(deploy)] },
    spec: { selector: { matchLabels: labels }, template },
  });
  const pods = ['web-abc-1', 'web-abc-2'].map((name, i) =>
    api.kube.create({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: ns, labels, ownerReferences: [ownerRef(rs)] },
      spec: { ...(i === 1 ? { nodeName: 'node-1' } : {}), containers: [{ name: 'c', image: 'i' }] },
    }),
  );
  return { deploy, rs, pods };
}

const names = (api: ApiServer, apiVersion: string, kind: string) =>
  api.kube
    .list({ apiVersion, kind, namespace: 'default' })
    .map((o) => o.metadata.name)
    .sort();

/** Runs GC sweeps until nothing is pending (the GC itself schedules follow-up sweeps). */
async function settle(api: ApiServer): Promise<void> {
  for (let i = 0; i < 10; i++) await api.whenIdle();
}

describe('garbage collection', () => {
  it('Background: deleting a Deployment cascades to its ReplicaSet and Pods; bound pods terminate gracefully', async () => {
    const api = fresh();
    chain(api);
    assert.equal(
      api.kube.delete(
        { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'default', name: 'web' },
        { propagationPolicy: 'Background' },
      ),
      undefined,
    );
    await settle(api);
    assert.deepEqual(names(api, 'apps/v1', 'ReplicaSet'), []);
    assert.deepEqual(names(api, 'v1', 'Pod'), ['web-abc-2'], 'the bound pod waits for its kubelet');
    const bound = api.kube.get({ apiVersion: 'v1', kind: 'Pod', namespace: 'default', name: 'web-abc-2' });
    assert.ok(bound?.metadata.deletionTimestamp);
    api.kube.delete(
      { apiVersion: 'v1', kind: 'Pod', namespace: 'default', name: 'web-abc-2' },
      { gracePeriodSeconds: 0 },
    );
    assert.deepEqual(names(api, 'v1', 'Pod'), []);
  });

  it('Foreground: the owner stays (foregroundDeletion finalizer) until its dependents are gone', async () => {
    const api = fresh();
    chain(api);
    const left = api.kube.delete(
      { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'default', name: 'web' },
      { propagationPolicy: 'Foreground' },
    );
    assert.deepEqual(left?.metadata.finalizers, ['foregroundDeletion']);
    await settle(api);
    // The ReplicaSet waits (foreground too) for the bound pod, so the Deployment waits as well.
    assert.deepEqual(names(api, 'apps/v1', 'Deployment'), ['web']);
    assert.deepEqual(names(api, 'apps/v1', 'ReplicaSet'), ['web-abc']);
    api.kube.delete(
      { apiVersion: 'v1', kind: 'Pod', namespace: 'default', name: 'web-abc-2' },
      { gracePeriodSeconds: 0 },
    );
    await settle(api);
    assert.deepEqual(names(api, 'apps/v1', 'ReplicaSet'), []);
    assert.deepEqual(names(api, 'apps/v1', 'Deployment'), []);
  });

  it('Orphan: dependents lose their ownerReference and stay', async () => {
    const api = fresh();
    chain(api);
    api.kube.delete(
      { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'default', name: 'web' },
      { propagationPolicy: 'Orphan' },
    );
    await settle(api);
    assert.deepEqual(names(api, 'apps/v1', 'Deployment'), []);
    const rs = api.kube.get({ apiVersion: 'apps/v1', kind: 'ReplicaSet', namespace: 'default', name: 'web-abc' });
    assert.ok(rs);
    assert.equal(rs.metadata.ownerReferences, undefined);
    assert.deepEqual(names(api, 'v1', 'Pod'), ['web-abc-1', 'web-abc-2']);
  });

  it('deleting a namespace marks it Terminating, deletes its content, then removes it', async () => {
    const api = fresh();
    api.kube.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } });
    await settle(api);
    assert.ok(
      api.kube.get({ apiVersion: 'v1', kind: 'ServiceAccount', namespace: 'team', name: 'default' }),
      'the service-account controller ran',
    );
    api.kube.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'team' } });
    const left = api.kube.delete({ apiVersion: 'v1', kind: 'Namespace', name: 'team' });
    assert.equal(left?.status.phase, 'Terminating');
    assert.throws(
      () => api.kube.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'd', namespace: 'team' } }),
      (e: { code?: number; message?: string }) =>
        e.code === 403 && /because it is being terminated/.test(e.message ?? ''),
    );
    await settle(api);
    assert.equal(api.kube.get({ apiVersion: 'v1', kind: 'Namespace', name: 'team' }), undefined);
    assert.deepEqual(api.kube.list({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'team' }), []);
  });

  it('deleting a CRD deletes its instances and stops serving the kind', async () => {
    const api = fresh();
    api.kube.create({
      apiVersion: 'source.toolkit.fluxcd.io/v1',
      kind: 'GitRepository',
      metadata: { name: 'g', namespace: 'default' },
      spec: { url: 'https://h/r.git', interval: '1m' },
    });
    await settle(api);
    api.kube.delete({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      name: 'gitrepositories.source.toolkit.fluxcd.io',
    });
    await settle(api);
    assert.equal(api.registry.get('source.toolkit.fluxcd.io', 'GitRepository'), undefined);
    assert.deepEqual(api.store.rawList('source.toolkit.fluxcd.io/GitRepository'), []);
  });
});
