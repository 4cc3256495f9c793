import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compileJsonPath, evaluateJsonPath } from './jsonpath.ts';

const repo = {
  apiVersion: 'source.toolkit.fluxcd.io/v1',
  kind: 'GitRepository',
  metadata: {
    name: 'models',
    creationTimestamp: '2024-05-01T10:00:00Z',
    labels: { 'app.kubernetes.io/name': 'foundry', tier: 'gpu' },
  },
  spec: { url: 'http://git/models.git', ref: { branch: 'main' }, interval: '1m' },
  status: {
    observedGeneration: 2,
    conditions: [
      { type: 'Reconciling', status: 'False', reason: 'Succeeded' },
      { type: 'Ready', status: 'True', message: 'stored artifact for revision main@sha1:abc', priority: 3 },
    ],
    artifact: null,
  },
  list: [10, 20, 30, 40, 50],
};

const evalPath = (expr: string) => evaluateJsonPath(repo, expr);

describe('evaluateJsonPath', () => {
  it('follows dotted fields', () => {
    assert.deepEqual(evalPath('.spec.ref.branch'), ['main']);
    assert.deepEqual(evalPath('.metadata.creationTimestamp'), ['2024-05-01T10:00:00Z']);
    assert.deepEqual(evalPath('.status.observedGeneration'), [2]);
  });

  it('accepts $, braces and a missing leading dot', () => {
    assert.deepEqual(evalPath('$.spec.url'), ['http://git/models.git']);
    assert.deepEqual(evalPath('{.spec.url}'), ['http://git/models.git']);
    assert.deepEqual(evalPath('spec.url'), ['http://git/models.git']);
  });

  it('returns nothing for missing keys instead of throwing', () => {
    assert.deepEqual(evalPath('.spec.missing.deeper'), []);
    assert.deepEqual(evalPath('.status.conditions[?(@.type=="Stalled")].status'), []);
    assert.deepEqual(evaluateJsonPath({}, '.status.conditions[?(@.type=="Ready")].status'), []);
  });

  it('keeps explicit nulls as a match', () => {
    assert.deepEqual(evalPath('.status.artifact'), [null]);
  });

  it('filters lists by equality, as Flux printer columns do', () => {
    assert.deepEqual(evalPath('.status.conditions[?(@.type=="Ready")].status'), ['True']);
    assert.deepEqual(evalPath(".status.conditions[?(@.type=='Ready')].message"), [
      'stored artifact for revision main@sha1:abc',
    ]);
    assert.deepEqual(evalPath('.status.conditions[?(@.type!="Ready")].type'), ['Reconciling']);
  });

  it('filters with numeric comparisons and existence', () => {
    assert.deepEqual(evalPath('.status.conditions[?(@.priority>2)].type'), ['Ready']);
    assert.deepEqual(evalPath('.status.conditions[?(@.priority<=2)].type'), []);
    assert.deepEqual(evalPath('.status.conditions[?(@.message)].type'), ['Ready']);
    assert.deepEqual(evalPath('.status.conditions[?(@.reason == "Succeeded")].type'), ['Reconciling']);
  });

  it('indexes, slices and wildcards arrays', () => {
    assert.deepEqual(evalPath('.list[0]'), [10]);
    assert.deepEqual(evalPath('.list[-1]'), [50]);
    assert.deepEqual(evalPath('.list[1:3]'), [20, 30]);
    assert.deepEqual(evalPath('.list[::2]'), [10, 30, 50]);
    assert.deepEqual(evalPath('.list[-2:]'), [40, 50]);
    assert.deepEqual(evalPath('.list[0,2]'), [10, 30]);
    assert.deepEqual(evalPath('.list[9]'), []);
    assert.deepEqual(evalPath('.status.conditions[*].type'), ['Reconciling', 'Ready']);
    assert.deepEqual(evalPath('.spec.ref.*'), ['main']);
  });

  it('reads keys with dots through brackets or escapes', () => {
    assert.deepEqual(evalPath(".metadata.labels['app.kubernetes.io/name']"), ['foundry']);
    assert.deepEqual(evalPath('.metadata.labels.app\\.kubernetes\\.io/name'), ['foundry']);
    assert.deepEqual(evalPath(`.metadata.labels["tier","missing"]`), ['gpu']);
  });

  it('descends recursively', () => {
    assert.deepEqual(evalPath('..branch'), ['main']);
    assert.deepEqual(evalPath('.status..type'), ['Reconciling', 'Ready']);
  });

  it('returns the whole object for an empty path', () => {
    assert.deepEqual(evaluateJsonPath({ a: 1 }, ''), [{ a: 1 }]);
    assert.deepEqual(evaluateJsonPath({ a: 1 }, '.'), [{ a: 1 }]);
  });

  it('rejects malformed expressions', () => {
    assert.throws(() => evalPath('.list[abc]'), /invalid JSONPath/);
    assert.throws(() => evalPath('.list[0'), /unterminated/);
    assert.throws(() => evalPath('.status.conditions[?@.type=="Ready"]'), /filter must look like/);
    assert.throws(() => evalPath('.status.conditions[?(@.type==Ready)]'), /unrecognized filter operand/);
  });

  it('compiles once for repeated use', () => {
    const ready = compileJsonPath('.status.conditions[?(@.type=="Ready")].status');
    assert.deepEqual(ready(repo), ['True']);
    assert.deepEqual(ready({ status: { conditions: [{ type: 'Ready', status: 'False' }] } }), ['False']);
  });
});
