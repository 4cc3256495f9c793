import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isApiError, type KubeObject } from '../kube/types.ts';
import { freshServers } from './test-servers.ts';

const fresh = freshServers();

function expectApiError(fn: () => unknown, code: number, reason?: string, message?: RegExp): void {
  try {
    fn();
  } catch (err) {
    assert.ok(isApiError(err, code), `expected ApiError ${code}, got ${String(err)}`);
    if (reason) assert.equal(err.reason, reason);
    if (message) assert.match(err.message, message);
    return;
  }
  assert.fail(`expected ApiError ${code}, nothing was thrown`);
}

const cm = (name: string, ns = 'default', extra: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: ns },
  data: { a: '1' },
  ...extra,
});

const deployment = (name: string, labels = { app: name }): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: 'default' },
  spec: {
    selector: { matchLabels: labels },
    template: { metadata: { labels }, spec: { containers: [{ name: 'c', image: 'img:1' }] } },
  },
});

describe('store: object rules', () => {
  it('starts with the system namespaces and the kubernetes service', () => {
    const { kube } = fresh();
    assert.deepEqual(
      kube
        .list({ apiVersion: 'v1', kind: 'Namespace' })
        .map((n) => n.metadata.name)
        .sort(),
      ['default', 'kube-node-lease', 'kube-public', 'kube-system'],
    );
    assert.equal(
      kube.get({ apiVersion: 'v1', kind: 'Service', namespace: 'default', name: 'kubernetes' })?.spec.clusterIP,
      '10.96.0.1',
    );
  });

  it('assigns uid, creationTimestamp and a global monotonic resourceVersion', () => {
    const { kube } = fresh();
    const a = kube.create(cm('a'));
    const b = kube.create(cm('b'));
    assert.match(a.metadata.uid!, /^[0-9a-f-]{36}$/);
    assert.match(a.metadata.creationTimestamp!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.ok(Number(b.metadata.resourceVersion) > Number(a.metadata.resourceVersion));
    const updated = kube.update({ ...a, data: { a: '2' } });
    assert.ok(Number(updated.metadata.resourceVersion) > Number(b.metadata.resourceVersion));
    assert.equal(updated.metadata.uid, a.metadata.uid);
  });

  it('answers AlreadyExists, NotFound and a missing namespace like the real server', () => {
    const { kube } = fresh();
    kube.create(cm('a'));
    expectApiError(() => kube.create(cm('a')), 409, 'AlreadyExists', /configmaps "a" already exists/);
    expectApiError(() => kube.update({ ...cm('zzz') }), 404, 'NotFound', /configmaps "zzz" not found/);
    expectApiError(() => kube.create(cm('a', 'nope')), 404, 'NotFound', /^namespaces "nope" not found$/);
    assert.equal(kube.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'default', name: 'zzz' }), undefined);
  });

  it('rejects a stale resourceVersion with 409 Conflict and accepts an unconditional update', () => {
    const { kube } = fresh();
    const a = kube.create(cm('a'));
    kube.update({ ...a, data: { a: '2' } });
    expectApiError(() => kube.update({ ...a, data: { a: '3' } }), 409, 'Conflict', /the object has been modified/);
    const { resourceVersion: _rv, ...meta } = a.metadata;
    assert.equal(kube.update({ ...a, metadata: meta, data: { a: '4' } }).data?.a, '4');
  });

  it('honours generateName', () => {
    const { kube } = fresh();
    const a = kube.create({ ...cm(''), metadata: { generateName: 'gen-', namespace: 'default', name: '' } });
    assert.match(a.metadata.name, /^gen-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  });

  it('bumps generation on spec changes only, and ignores .status on the main resource', () => {
    const { kube } = fresh();
    const d = kube.create(deployment('web'));
    assert.equal(d.metadata.generation, 1);
    assert.deepEqual(d.status, {});
    const labelled = kube.patch<KubeObject>(
      { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'default', name: 'web' },
      { metadata: { labels: { x: 'y' } }, status: { replicas: 9 } },
      'merge',
    );
    assert.equal(labelled.metadata.generation, 1);
    assert.deepEqual(labelled.status, {});
    const scaled = kube.patch<KubeObject>(
      { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'default', name: 'web' },
      { spec: { replicas: 4 } },
      'merge',
    );
    assert.equal(scaled.metadata.generation, 2);
    const status = kube.patch<KubeObject>(
      { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'default', name: 'web' },
      { spec: { replicas: 1 }, status: { replicas: 4 } },
      'merge',
      { subresource: 'status' },
    );
    assert.equal(status.status.replicas, 4);
    assert.equal(status.spec.replicas, 4, '/status ignores spec');
    assert.equal(status.metadata.generation, 2);
  });

  it('does not bump resourceVersion for a no-op update', () => {
    const { kube } = fresh();
    const a = kube.create(cm('a'));
    const same = kube.update(a);
    assert.equal(same.metadata.resourceVersion, a.metadata.resourceVersion);
  });

  it('applies built-in defaults and validations', () => {
    const { kube } = fresh();
    const d = kube.create(deployment('web'));
    assert.equal(d.spec.replicas, 1);
    assert.deepEqual(d.spec.strategy, {
      type: 'RollingUpdate',
      rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' },
    });
    assert.equal(d.spec.template.spec.containers[0].imagePullPolicy, 'IfNotPresent');
    assert.equal(d.spec.template.spec.restartPolicy, 'Always');
  });

  it('rejects a Deployment whose selector does not match its template, and a Pod without containers', () => {
    const { kube } = fresh();
    const bad = deployment('bad');
    bad.spec.template.metadata.labels = { app: 'other' };
    expectApiError(
      () => kube.create(bad),
      422,
      'Invalid',
      /Deployment\.apps "bad" is invalid: spec\.template\.metadata\.labels: Invalid value: .*`selector` does not match template `labels`/,
    );
    expectApiError(
      () =>
        kube.create({
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { name: 'p', namespace: 'default' },
          spec: { containers: [] },
        }),
      422,
      'Invalid',
      /Pod "p" is invalid: spec\.containers: Required value/,
    );
    expectApiError(
      () => kube.create(cm('Bad_Name')),
      422,
      'Invalid',
      /metadata\.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain/,
    );
  });

  it('paginates lists with limit/continue and filters by label and field selectors', () => {
    const { store } = fresh();
    const r = store.registry.resolve('v1', 'ConfigMap')!;
    for (const n of ['c', 'a', 'e', 'b', 'd'])
      store.create(r, 'default', { metadata: { name: n, labels: { idx: n, even: String('bd'.includes(n)) } } });
    const first = store.list(r, 'default', { limit: 2 });
    assert.deepEqual(
      first.items.map((o) => o.metadata.name),
      ['a', 'b'],
    );
    assert.equal(first.remainingItemCount, 3);
    const second = store.list(r, 'default', { limit: 2, continue: first.continue });
    assert.deepEqual(
      second.items.map((o) => o.metadata.name),
      ['c', 'd'],
    );
    const third = store.list(r, 'default', { limit: 2, continue: second.continue });
    assert.deepEqual(
      third.items.map((o) => o.metadata.name),
      ['e'],
    );
    assert.equal(third.continue, undefined);
    assert.deepEqual(
      store.list(r, 'default', { labelSelector: 'even=true' }).items.map((o) => o.metadata.name),
      ['b', 'd'],
    );
    assert.deepEqual(
      store.list(r, 'default', { labelSelector: 'idx in (a,e),even!=true' }).items.map((o) => o.metadata.name),
      ['a', 'e'],
    );
    assert.deepEqual(
      store.list(r, undefined, { fieldSelector: 'metadata.name=c' }).items.map((o) => o.metadata.name),
      ['c'],
    );
    expectApiError(() => store.list(r, 'default', { labelSelector: 'a in (' }), 400, 'BadRequest');
    expectApiError(() => store.list(r, 'default', { fieldSelector: 'spec.foo=x' }), 400, 'BadRequest', /spec\.foo/);
  });

  it('treats unknown fields per fieldValidation: Strict rejects, Warn warns and prunes, Ignore prunes', () => {
    const { store } = fresh();
    const r = store.registry.resolve('source.toolkit.fluxcd.io/v1', 'GitRepository')!;
    const body = (name: string) => ({ metadata: { name }, spec: { url: 'https://x/y.git', interval: '1m', bogus: 1 } });
    expectApiError(
      () => store.create(r, 'default', body('s'), { fieldValidation: 'Strict' }),
      400,
      'BadRequest',
      /GitRepository in version "v1" cannot be handled as a GitRepository: strict decoding error: unknown field "spec\.bogus"/,
    );
    const warnings: string[] = [];
    const w = store.create(r, 'default', body('w'), { fieldValidation: 'Warn', warnings });
    assert.deepEqual(warnings, ['unknown field "spec.bogus"']);
    assert.equal(w.spec.bogus, undefined);
    const quiet: string[] = [];
    const i = store.create(r, 'default', body('i'), { fieldValidation: 'Ignore', warnings: quiet });
    assert.deepEqual(quiet, []);
    assert.equal(i.spec.bogus, undefined);
  });

  it('supports dry-run without storing', () => {
    const { store } = fresh();
    const r = store.registry.resolve('v1', 'ConfigMap')!;
    const rv = store.currentRv;
    const out = store.create(r, 'default', { metadata: { name: 'dry' } }, { dryRun: true });
    assert.equal(out.metadata.name, 'dry');
    assert.equal(store.currentRv, rv);
    assert.equal(store.find(r, 'default', 'dry'), undefined);
  });

  it('keeps objects with finalizers until the last finalizer goes', () => {
    const { kube } = fresh();
    kube.create(cm('f', 'default', { metadata: { name: 'f', namespace: 'default', finalizers: ['example.com/x'] } }));
    const ref = { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'default', name: 'f' };
    const left = kube.delete(ref);
    assert.ok(left?.metadata.deletionTimestamp);
    expectApiError(
      () => kube.patch(ref, { metadata: { finalizers: ['example.com/x', 'example.com/y'] } }, 'merge'),
      422,
      'Invalid',
      /no new finalizers can be added if the object is being deleted/,
    );
    kube.patch(ref, { metadata: { finalizers: null } }, 'merge');
    assert.equal(kube.get(ref), undefined);
  });

  it('deletes unbound pods at once and keeps bound pods until the kubelet deletes them with grace 0', () => {
    const { kube } = fresh();
    const pod = (name: string, nodeName?: string): KubeObject => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: 'default' },
      spec: { ...(nodeName ? { nodeName } : {}), containers: [{ name: 'c', image: 'i' }] },
    });
    const created = kube.create(pod('unbound'));
    assert.equal(created.status.phase, 'Pending');
    assert.equal(created.spec.serviceAccountName, 'default');
    assert.equal(kube.delete({ apiVersion: 'v1', kind: 'Pod', namespace: 'default', name: 'unbound' }), undefined);
    kube.create(pod('bound', 'node-1'));
    const ref = { apiVersion: 'v1', kind: 'Pod', namespace: 'default', name: 'bound' };
    const left = kube.delete(ref);
    assert.equal(left?.metadata.deletionGracePeriodSeconds, 30);
    assert.ok(kube.get(ref)?.metadata.deletionTimestamp);
    assert.ok(kube.delete(ref), 'a second delete without grace keeps it');
    assert.equal(kube.delete(ref, { gracePeriodSeconds: 0 }), undefined);
    assert.equal(kube.get(ref), undefined);
  });

  it('journals every change with the pod phase', () => {
    const api = fresh();
    const since = api.store.currentRv;
    const seen: string[] = [];
    api.journal.on('entry', (e) => seen.push(`${e.type} ${e.kind} ${e.name}`));
    api.kube.create({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', namespace: 'default' },
      spec: { containers: [{ name: 'c', image: 'i' }] },
    });
    api.kube.delete({ apiVersion: 'v1', kind: 'Pod', namespace: 'default', name: 'p' });
    assert.deepEqual(seen, ['ADDED Pod p', 'DELETED Pod p']);
    const entries = api.journal.entries(since);
    assert.equal(entries[0]!.phase, 'Pending');
    assert.equal(entries[0]!.apiVersion, 'v1');
    assert.ok(entries[0]!.ts <= Date.now());
  });

  it('serves core Events as events.k8s.io/v1 Events with their renamed fields', () => {
    const { kube } = fresh();
    kube.create({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'e1', namespace: 'default' },
      involvedObject: { kind: 'Pod', name: 'p', namespace: 'default' },
      reason: 'Pulled',
      message: 'pulled image',
      type: 'Normal',
      count: 2,
    });
    const [ev] = kube.list({ apiVersion: 'events.k8s.io/v1', kind: 'Event', namespace: 'default' });
    assert.equal(ev?.apiVersion, 'events.k8s.io/v1');
    assert.deepEqual(ev?.regarding, { kind: 'Pod', name: 'p', namespace: 'default' });
    assert.equal(ev?.note, 'pulled image');
    assert.equal(ev?.deprecatedCount, 2);
    assert.equal(ev?.involvedObject, undefined);
    assert.deepEqual(
      kube
        .list(
          { apiVersion: 'v1', kind: 'Event', namespace: 'default' },
          { fieldSelector: 'involvedObject.name=p,reason=Pulled' },
        )
        .map((e) => e.metadata.name),
      ['e1'],
    );
  });
});
