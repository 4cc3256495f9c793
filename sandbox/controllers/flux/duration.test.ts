import assert from 'node:assert/strict';
import { it } from 'node:test';
import { durationMs, formatGoDuration } from './duration.ts';

it('formats durations like Go', () => {
  assert.equal(formatGoDuration(300_000), '5m0s');
  assert.equal(formatGoDuration(600_000), '10m0s');
  assert.equal(formatGoDuration(3_600_000), '1h0m0s');
  assert.equal(formatGoDuration(30_000), '30s');
  assert.equal(formatGoDuration(1_500), '1.5s');
  assert.equal(formatGoDuration(250), '250ms');
  assert.equal(formatGoDuration(0), '0s');
  assert.equal(formatGoDuration(90_061_000), '25h1m1s');
});

it('parses Go durations with a fallback', () => {
  assert.equal(durationMs('1m30s', 5), 90_000);
  assert.equal(durationMs(undefined, 5), 5);
  assert.equal(durationMs('ten minutes', 5), 5);
});
