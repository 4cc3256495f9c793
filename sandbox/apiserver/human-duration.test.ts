import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { dateCell, humanDuration, parseTimestamp, timestampAge } from './human-duration.ts';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

describe('humanDuration (duration.HumanDuration semantics)', () => {
  const cases: Array<[number, string]> = [
    [-3 * S, '<invalid>'],
    [-2 * S, '<invalid>'],
    [-1999, '0s'],
    [-1 * S, '0s'],
    [0, '0s'],
    [999, '0s'],
    [5 * S, '5s'],
    [119 * S, '119s'],
    [2 * M, '2m'],
    [3 * M + 2 * S, '3m2s'],
    [9 * M + 59 * S, '9m59s'],
    [10 * M + 30 * S, '10m'],
    [179 * M, '179m'],
    [3 * H, '3h'],
    [3 * H + 5 * M, '3h5m'],
    [7 * H + 59 * M, '7h59m'],
    [8 * H + 30 * M, '8h'],
    [47 * H, '47h'],
    [2 * D, '2d'],
    [2 * D + 5 * H, '2d5h'],
    [7 * D + 23 * H, '7d23h'],
    [8 * D + 5 * H, '8d'],
    [729 * D, '729d'],
    [730 * D, '2y'],
    [365 * 3 * D + 12 * D, '3y12d'],
    [365 * 8 * D + 100 * D, '8y'],
  ];
  for (const [ms, expected] of cases) {
    it(`${ms} ms → ${expected}`, () => assert.equal(humanDuration(ms), expected));
  }
});

describe('timestamps', () => {
  const now = new Date('2024-05-01T10:05:00Z');

  it('ages RFC 3339 timestamps', () => {
    assert.equal(timestampAge('2024-05-01T10:00:00Z', now), '5m');
    assert.equal(timestampAge('2024-05-01T12:04:58+02:00', now), '2s');
    assert.equal(timestampAge('2024-05-01T10:04:59.123456Z', now), '0s');
    assert.equal(timestampAge(undefined, now), '<unknown>');
    assert.equal(timestampAge('', now), '<unknown>');
  });

  it('parses only RFC 3339', () => {
    assert.ok(parseTimestamp('2024-05-01T10:00:00Z'));
    assert.equal(parseTimestamp('May 1 2024'), undefined);
    assert.equal(parseTimestamp(42), undefined);
  });

  it('renders CRD date columns like the apiextensions table convertor', () => {
    assert.equal(dateCell('2024-05-01T10:00:00Z', now), '5m');
    assert.equal(dateCell('yesterday', now), '<invalid>');
    assert.equal(dateCell('', now), '<unknown>');
    assert.equal(dateCell(12, now), null);
    assert.equal(dateCell(undefined, now), null);
  });
});
