import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatDuration, formatGoDuration, isGoDuration, parseDuration, parseDurationNs } from './durations.ts';

describe('parseDuration', () => {
  const accepted: Array<[string, number]> = [
    ['0', 0],
    ['-0', 0],
    ['+0', 0],
    ['1s', 1000],
    ['1m30s', 90_000],
    ['1.5h', 5_400_000],
    ['250ms', 250],
    ['.5s', 500],
    ['1.s', 1000],
    ['-1.5s', -1500],
    ['+2m', 120_000],
    ['1h1h', 7_200_000],
    ['1500us', 1.5],
    ['1500µs', 1.5],
    ['1500μs', 1.5],
    ['2000000ns', 2],
    ['0s', 0],
    ['10m0s', 600_000],
  ];
  for (const [text, ms] of accepted) {
    it(`accepts ${JSON.stringify(text)} as ${ms} ms`, () => {
      assert.equal(parseDuration(text), ms);
      assert.equal(isGoDuration(text), true);
    });
  }

  const rejected: Array<[string, RegExp]> = [
    ['', /invalid duration ""/],
    ['1', /missing unit in duration "1"/],
    ['90', /missing unit/],
    ['1d', /unknown unit "d" in duration "1d"/],
    ['1S', /unknown unit "S"/],
    ['1 s', /unknown unit " s"/],
    ['.s', /invalid duration/],
    ['-.s', /invalid duration/],
    ['s', /invalid duration/],
    ['1s ', /invalid duration|unknown unit/],
    ['--1s', /invalid duration/],
    ['1.2.3s', /missing unit|invalid/],
    ['P1D', /invalid duration/],
    ['3000000h', /invalid duration/],
  ];
  for (const [text, message] of rejected) {
    it(`rejects ${JSON.stringify(text)} like Go`, () => {
      assert.throws(() => parseDuration(text), message);
      assert.equal(isGoDuration(text), false);
    });
  }

  it('keeps nanosecond precision in parseDurationNs', () => {
    assert.equal(parseDurationNs('1.000000001s'), 1_000_000_001n);
    assert.equal(parseDurationNs('2562047h47m16.854775807s'), (1n << 63n) - 1n);
    assert.throws(() => parseDurationNs('2562047h47m16.854775808s'), /invalid duration/);
  });
});

describe('formatDuration', () => {
  const cases: Array<[number, string]> = [
    [0, '0s'],
    [850, '850ms'],
    [999.4, '999ms'],
    [999.6, '1s'],
    [7000, '7s'],
    [7240, '7.2s'],
    [8400, '8.4s'],
    [1400, '1.4s'],
    [59_960, '1m0s'],
    [90_000, '1m30s'],
    [92_400, '1m32s'],
    [600_000, '10m0s'],
    [3_723_000, '1h2m3s'],
    [-1400, '-1.4s'],
  ];
  for (const [ms, text] of cases) {
    it(`formats ${ms} ms as ${text}`, () => assert.equal(formatDuration(ms), text));
  }

  it('produces text Go parses back to the displayed value', () => {
    for (const ms of [850, 7240, 90_000, 3_723_000]) {
      const shown = formatDuration(ms);
      assert.equal(formatDuration(parseDuration(shown)), shown);
    }
  });
});

describe('formatGoDuration', () => {
  it('formats like Go time.Duration.String()', () => {
    const cases: Array<[number, string]> = [
      [300_000, '5m0s'],
      [600_000, '10m0s'],
      [3_600_000, '1h0m0s'],
      [30_000, '30s'],
      [1_500, '1.5s'],
      [1_234, '1.234s'],
      [250, '250ms'],
      [750, '750ms'],
      [80_000, '1m20s'],
      [0, '0s'],
      [90_061_000, '25h1m1s'],
      [-1_500, '-1.5s'],
      [0.5, '500µs'],
    ];
    for (const [ms, text] of cases) assert.equal(formatGoDuration(ms), text, `${ms} ms`);
  });
});
