import assert from 'node:assert/strict';
import { it } from 'node:test';
import { adler32, TagDatabase } from './tag-database.ts';

it('computes Adler-32 like Go (Wikipedia example)', () => {
  assert.equal(adler32(Buffer.from('Wikipedia')), 0x11e60398);
});

it('stores tags per image and returns the checksum of their JSON', () => {
  const db = new TagDatabase();
  const sum = db.set('r/x', ['v0.2.0', 'v0.1.0']);
  assert.equal(sum, String(adler32(Buffer.from('["v0.2.0","v0.1.0"]'))));
  assert.deepEqual(db.tags('r/x'), ['v0.2.0', 'v0.1.0']);
  assert.deepEqual(db.tags('other'), []);
  assert.notEqual(db.set('r/x', ['v0.1.0']), sum);
});
