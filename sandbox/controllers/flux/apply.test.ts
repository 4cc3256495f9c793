import assert from 'node:assert/strict';
import { it } from 'node:test';
import { applyOrder, changeSetMessage, inventoryEntry, refFromInventory, subjectOf } from './apply.ts';

it('builds and parses Flux inventory ids', () => {
  const e = inventoryEntry({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'foundry', namespace: 'foundry-system' },
  });
  assert.deepEqual(e, { id: 'foundry-system_foundry_apps_Deployment', v: 'v1' });
  assert.deepEqual(inventoryEntry({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x' } }), {
    id: '_x__Namespace',
    v: 'v1',
  });
  assert.deepEqual(refFromInventory(e), {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    name: 'foundry',
    namespace: 'foundry-system',
  });
  assert.deepEqual(refFromInventory({ id: '_x__Namespace', v: 'v1' }), {
    apiVersion: 'v1',
    kind: 'Namespace',
    name: 'x',
  });
});

it('orders namespaces and CRDs first, custom resources last', () => {
  const kinds = applyOrder([
    { kind: 'HelmRelease' },
    { kind: 'Deployment' },
    { kind: 'ConfigMap' },
    { kind: 'CustomResourceDefinition' },
    { kind: 'Namespace' },
  ]).map((o) => o.kind);
  assert.deepEqual(kinds, ['Namespace', 'CustomResourceDefinition', 'ConfigMap', 'Deployment', 'HelmRelease']);
});

it('words change sets like Flux', () => {
  const ref = { apiVersion: 'v1', kind: 'ConfigMap', name: 'a', namespace: 'n' };
  assert.equal(subjectOf(ref), 'ConfigMap/n/a');
  assert.equal(
    changeSetMessage([
      { id: '1', v: 'v1', subject: 'ConfigMap/n/a', action: 'created', ref },
      { id: '2', v: 'v1', subject: 'ConfigMap/n/b', action: 'unchanged', ref },
      { id: '3', v: 'v1', subject: 'Namespace/n', action: 'configured', ref },
    ]),
    'ConfigMap/n/a created\nNamespace/n configured',
  );
});
