import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CrashBackoff } from './crash-backoff.ts';
import { formatGoDuration as goDuration } from '../../helpers/durations.ts';

describe('crash-loop back-off', () => {
  it('restarts at once the first time, then waits 10s, 20s, 40s … up to 5m', () => {
    const b = new CrashBackoff();
    let now = 1_000_000;
    assert.equal(b.remaining(now, now), 0);
    b.next(now);
    const waits: number[] = [];
    for (let i = 0; i < 8; i++) {
      now += 500; // the container crashes half a second after each start
      const wait = b.remaining(now, now);
      waits.push(wait);
      now += wait;
      b.next(now);
    }
    assert.deepEqual(waits, [10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000, 300_000]);
  });

  it('starts over after running longer than twice the cap', () => {
    const b = new CrashBackoff();
    b.next(0);
    b.next(1);
    assert.equal(b.currentMs, 20_000);
    assert.equal(b.remaining(700_000, 700_000), 0);
    b.next(700_000);
    assert.equal(b.currentMs, 10_000);
  });

  it('formats durations like Go', () => {
    assert.equal(goDuration(10_000), '10s');
    assert.equal(goDuration(80_000), '1m20s');
    assert.equal(goDuration(300_000), '5m0s');
    assert.equal(goDuration(1234), '1.234s');
    assert.equal(goDuration(750), '750ms');
    assert.equal(goDuration(3_600_000), '1h0m0s');
    assert.equal(goDuration(0), '0s');
  });
});
