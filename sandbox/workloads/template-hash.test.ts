import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  SAFE_ALPHABET,
  canonicalJson,
  computeTemplateHash,
  fnv32a,
  randomSuffix,
  safeEncode,
} from './template-hash.ts';

describe('pod template hash', () => {
  it('computes fnv-32a like hash/fnv', () => {
    assert.equal(fnv32a(''), 0x811c9dc5);
    assert.equal(fnv32a('a'), 0xe40c292c);
    assert.equal(fnv32a('foobar'), 0xbf9cf968);
  });

  it('encodes with the vowel-free alphabet', () => {
    const encoded = safeEncode('1234567890');
    assert.equal(encoded.length, 10);
    for (const ch of encoded) assert.ok(SAFE_ALPHABET.includes(ch), ch);
    for (const ch of randomSuffix()) assert.ok(SAFE_ALPHABET.includes(ch), ch);
    assert.equal(randomSuffix().length, 5);
  });

  it('ignores key order and empty values, but not content', () => {
    const a = {
      metadata: { labels: { app: 'x' }, creationTimestamp: null },
      spec: { containers: [{ name: 'c', image: 'i', env: [] }] },
    };
    const b = { spec: { containers: [{ image: 'i', name: 'c' }] }, metadata: { labels: { app: 'x' } } };
    assert.equal(canonicalJson(a), canonicalJson(b));
    assert.equal(computeTemplateHash(a), computeTemplateHash(b));
    const c = { ...b, spec: { containers: [{ image: 'j', name: 'c' }] } };
    assert.notEqual(computeTemplateHash(c), computeTemplateHash(b));
    assert.notEqual(computeTemplateHash(b, 1), computeTemplateHash(b));
    assert.match(computeTemplateHash(b), /^[bcdfghjklmnpqrstvwxz2456789]{6,10}$/);
  });
});
