import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatPath, getPath, parsePath } from './object-path.ts';

describe('object paths', () => {
  it('parses dots, indexes and bracketed keys', () => {
    assert.deepEqual(parsePath('spec.values.foundry.byo.tag'), ['spec', 'values', 'foundry', 'byo', 'tag']);
    assert.deepEqual(parsePath('status.history[0].version'), ['status', 'history', 0, 'version']);
    assert.deepEqual(parsePath('metadata.annotations["reconcile.fluxcd.io/requestedAt"]'), [
      'metadata',
      'annotations',
      'reconcile.fluxcd.io/requestedAt',
    ]);
    assert.deepEqual(parsePath("a['b.c'].d"), ['a', 'b.c', 'd']);
    assert.deepEqual(parsePath(['a', 0]), ['a', 0]);
  });

  it('rejects malformed paths', () => {
    for (const bad of ['', 'a..b', 'a.', 'a[x]', 'a[0', 'a]b']) {
      assert.throws(() => parsePath(bad), /malformed path/, bad);
    }
  });

  it('formats back to the message form', () => {
    assert.equal(formatPath('status.history[0].version'), 'status.history[0].version');
    assert.equal(formatPath(['metadata', 'annotations', 'a.b/c']), 'metadata.annotations["a.b/c"]');
  });

  it('reads values and reports missing steps as undefined', () => {
    const obj = { status: { history: [{ version: 2 }] } };
    assert.equal(getPath(obj, 'status.history[0].version'), 2);
    assert.equal(getPath(obj, 'status.history[1].version'), undefined);
    assert.equal(getPath(obj, 'spec.x'), undefined);
  });
});
