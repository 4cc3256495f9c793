import assert from 'node:assert/strict';
import { it } from 'node:test';
import { durationMs } from './duration.ts';

it('parses Go durations with a fallback', () => {
  assert.equal(durationMs('1m30s', 5), 90_000);
  assert.equal(durationMs(undefined, 5), 5);
  assert.equal(durationMs('ten minutes', 5), 5);
});
