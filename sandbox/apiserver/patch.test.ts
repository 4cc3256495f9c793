import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isApiError, type KubeObject } from '../kube/types.ts';
import { fieldsOf, fromFieldsV1, builtinListKeys, toFieldsV1 } from './managed-fields.ts';
import { mergePatch } from './patch.ts';
import { ApiServer } from './server.ts';
import { appDeployment } from '../test/support/objects.ts';
import { freshServers } from './test-servers.ts';

const fresh = freshServers();

const DEP = { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'default', name: 'web' };
const GIT = { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', namespace: 'default', name: 'repo' };

function seed(api: ApiServer): void {
  api.kube.create(
    appDeployment('web', 'default', [
      { name: 'a', image: 'a:1' },
      { name: 'b', image: 'b:1' },
    ]),
  );
  api.kube.create({
    apiVersion: 'source.toolkit.fluxcd.io/v1',
    kind: 'GitRepository',
    metadata: { name: 'repo', namespace: 'default' },
    spec: { url: 'https://h/r.git', interval: '1m' },
  });
}

describe('patches', () => {
  it('merge patch follows RFC 7386', () => {
    assert.deepEqual(mergePatch({ a: 1, b: { c: 2, d: 3 }, e: [1] }, { b: { c: null, x: 1 }, e: [2], f: 'n' }), {
      a: 1,
      b: { d: 3, x: 1 },
      e: [2],
      f: 'n',
    });
  });

  it('applies JSON patches and answers 422 when a test operation fails', () => {
    const api = fresh();
    seed(api);
    const out = api.kube.patch<KubeObject>(
      GIT,
      [
        { op: 'replace', path: '/spec/interval', value: '2m' },
        { op: 'add', path: '/metadata/labels', value: { a: 'b' } },
      ],
      'json',
    );
    assert.equal(out.spec.interval, '2m');
    assert.deepEqual(out.metadata.labels, { a: 'b' });
    assert.throws(
      () => api.kube.patch(GIT, [{ op: 'test', path: '/spec/interval', value: 'nope' }], 'json'),
      (e) => isApiError(e, 422),
    );
  });

  it('strategic merge patches merge containers by name for built-ins and are refused with 415 for custom resources', () => {
    const api = fresh();
    seed(api);
    const out = api.kube.patch<KubeObject>(
      DEP,
      { spec: { template: { spec: { containers: [{ name: 'b', image: 'b:2' }] } } } },
      'strategic',
    );
    assert.deepEqual(
      out.spec.template.spec.containers.map((c: { name: string; image: string }) => `${c.name}=${c.image}`),
      ['a=a:1', 'b=b:2'],
    );
    assert.throws(
      () => api.kube.patch(GIT, { spec: { interval: '3m' } }, 'strategic'),
      (e) =>
        isApiError(e, 415) && e.reason === 'UnsupportedMediaType' && /application\/merge-patch\+json/.test(e.message),
    );
  });

  it('server-side apply creates, then owns exactly its fields and drops fields it stops applying', () => {
    const api = fresh();
    const ref = { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'default', name: 'cfg' };
    const created = api.kube.patch<KubeObject>(
      ref,
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg' }, data: { a: '1', b: '2' } },
      'apply',
      { fieldManager: 'mgr' },
    );
    assert.deepEqual(created.data, { a: '1', b: '2' });
    const entry = (
      created.metadata.managedFields as Array<{ manager: string; operation: string; fieldsV1: object }>
    )[0]!;
    assert.equal(entry.manager, 'mgr');
    assert.equal(entry.operation, 'Apply');
    assert.deepEqual(entry.fieldsV1, { 'f:data': { 'f:a': {}, 'f:b': {} } });
    api.kube.patch(ref, { data: { c: '3' } }, 'merge', { fieldManager: 'other' });
    const reapplied = api.kube.patch<KubeObject>(
      ref,
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg' }, data: { a: '1' } },
      'apply',
      { fieldManager: 'mgr' },
    );
    assert.deepEqual(reapplied.data, { a: '1', c: '3' }, 'b dropped (only mgr owned it), c kept (other owns it)');
  });

  it('server-side apply reports conflicts with other managers (409) unless forced', () => {
    const api = fresh();
    seed(api);
    api.kube.patch(GIT, { spec: { interval: '2m' } }, 'merge', { fieldManager: 'editor' });
    const config = {
      apiVersion: 'source.toolkit.fluxcd.io/v1',
      kind: 'GitRepository',
      metadata: { name: 'repo', namespace: 'default' },
      spec: { url: 'https://h/r.git', interval: '5m' },
    };
    assert.throws(
      () => api.kube.patch(GIT, config, 'apply', { fieldManager: 'applier' }),
      (e) =>
        isApiError(e, 409) &&
        e.reason === 'Conflict' &&
        /^Apply failed with 1 conflict: conflict with "editor" using source\.toolkit\.fluxcd\.io\/v1: \.spec\.interval$/.test(
          e.message,
        ) &&
        e.status.details?.causes?.[0]?.field === '.spec.interval',
    );
    const forced = api.kube.patch<KubeObject>(GIT, config, 'apply', { fieldManager: 'applier', force: true });
    assert.equal(forced.spec.interval, '5m');
    const editor = (forced.metadata.managedFields as Array<{ manager: string; fieldsV1: object }>).find(
      (m) => m.manager === 'editor',
    );
    assert.ok(!editor || !JSON.stringify(editor.fieldsV1).includes('f:interval'), 'ownership moved to the applier');
  });

  it('server-side apply merges keyed lists (containers by name)', () => {
    const api = fresh();
    seed(api);
    // an apply that only says container b's image
    const applyImage = (image: string, options: { fieldManager: string; force?: boolean }) =>
      api.kube.patch<KubeObject>(
        DEP,
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'web' },
          spec: { template: { spec: { containers: [{ name: 'b', image }] } } },
        },
        'apply',
        options,
      );
    const out = applyImage('b:3', { fieldManager: 'ssa', force: true });
    assert.deepEqual(
      out.spec.template.spec.containers.map((c: { name: string; image: string }) => `${c.name}=${c.image}`),
      ['a=a:1', 'b=b:3'],
    );
    assert.throws(
      () => applyImage('b:4', { fieldManager: 'second' }),
      (e) =>
        isApiError(e, 409) &&
        /conflict with "ssa": \.spec\.template\.spec\.containers\[name="b"\]\.image$/.test(e.message),
    );
  });

  it('encodes and decodes FieldsV1 with keyed list items', () => {
    const set = fieldsOf(
      { spec: { containers: [{ name: 'a', image: 'x' }] }, metadata: { labels: { k: 'v' }, finalizers: ['f'] } },
      builtinListKeys,
    );
    const v1 = toFieldsV1(set);
    assert.deepEqual(v1, {
      'f:metadata': { 'f:finalizers': { 'v:"f"': {} }, 'f:labels': { 'f:k': {} } },
      'f:spec': { 'f:containers': { 'k:{"name":"a"}': { '.': {}, 'f:image': {}, 'f:name': {} } } },
    });
    assert.deepEqual([...fromFieldsV1(v1)].sort(), [...set].sort());
  });

  it('honours the scale subresource through the store', async () => {
    const api = fresh();
    seed(api);
    const { writeScale, getScale } = await import('./scale.ts');
    const r = api.registry.resolve('apps/v1', 'Deployment')!;
    assert.equal((getScale(api.store, r, 'default', 'web').spec as { replicas: number }).replicas, 1);
    const scale = writeScale(api.store, r, 'default', 'web', { spec: { replicas: 5 } }, 'merge', {});
    assert.equal((scale.spec as { replicas: number }).replicas, 5);
    assert.equal((scale.status as { selector: string }).selector, 'app=web');
    assert.equal(api.kube.get(DEP)?.spec.replicas, 5);
  });
});
