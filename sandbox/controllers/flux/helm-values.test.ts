import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { it } from 'node:test';
import { mergeValues, setAtPath, valuesDigest } from './helm-values.ts';

it('merges maps deeply and replaces everything else', () => {
  assert.deepEqual(mergeValues({ a: { b: 1, c: [1] }, d: 1 }, { a: { c: [2], e: 3 }, d: { x: 1 } }), {
    a: { b: 1, c: [2], e: 3 },
    d: { x: 1 },
  });
});

it('sets values at dotted target paths', () => {
  assert.deepEqual(setAtPath({ a: 1 }, 'foundry.byo.tag', 'v1'), { a: 1, foundry: { byo: { tag: 'v1' } } });
  assert.deepEqual(setAtPath({}, 'a\\.b.c', 2), { 'a.b': { c: 2 } });
});

it('digests values independently of key order; empty values digest the empty document', () => {
  assert.equal(valuesDigest({ b: 1, a: { d: 2, c: 3 } }), valuesDigest({ a: { c: 3, d: 2 }, b: 1 }));
  assert.notEqual(valuesDigest({ a: 1 }), valuesDigest({ a: 2 }));
  assert.equal(valuesDigest({}), `sha256:${createHash('sha256').update('').digest('hex')}`);
});
