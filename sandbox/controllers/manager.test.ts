import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Clock } from '../kube/clock.ts';
import type { CollectionRef, Kube, KubeObject, WatchEvent } from '../kube/types.ts';
import { anyOf, Controller, generationChanged, objectKey, reconcileRequested, splitKey } from './manager.ts';

/** Advances the clock by each step's ms, lets the controller settle, then checks how many reconciles ran. */
async function expectRuns(clock: ManualClock, c: Controller, runs: () => number, steps: Array<[number, number]>) {
  for (const [ms, expected] of steps) {
    clock.advance(ms);
    await c.idle();
    assert.equal(runs(), expected, `after advancing ${ms} ms`);
  }
}

/** A clock whose timers fire only when the test advances it. */
class ManualClock implements Clock {
  #now = 1_000_000;
  #timers: Array<{ at: number; fn: () => void; id: number }> = [];
  #next = 0;
  now(): Date {
    return new Date(this.#now);
  }
  nowRfc3339(): string {
    return this.now().toISOString();
  }
  nowMicro(): string {
    return this.now().toISOString();
  }
  scale(ms: number): number {
    return ms;
  }
  after(ms: number, fn: () => void): () => void {
    const id = this.#next++;
    this.#timers.push({ at: this.#now + ms, fn, id });
    return () => {
      this.#timers = this.#timers.filter((t) => t.id !== id);
    };
  }
  advance(ms: number): void {
    this.#now += ms;
    const due = this.#timers.filter((t) => t.at <= this.#now).sort((a, b) => a.at - b.at);
    this.#timers = this.#timers.filter((t) => t.at > this.#now);
    for (const t of due) t.fn();
  }
  get pending(): number {
    return this.#timers.length;
  }
}

/** A Kube that only supports watch, driven by the test. */
class WatchOnlyKube {
  listeners: Array<(e: WatchEvent) => void> = [];
  watch(_ref: CollectionRef, _o: unknown, fn: (e: WatchEvent) => void): () => void {
    this.listeners.push(fn);
    return () => {
      this.listeners = this.listeners.filter((l) => l !== fn);
    };
  }
  emit(type: WatchEvent['type'], object: KubeObject): void {
    for (const l of this.listeners) l({ type, object });
  }
}

function obj(name: string, generation: number, requestedAt?: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name,
      namespace: 'ns',
      generation,
      annotations: requestedAt ? { 'reconcile.fluxcd.io/requestedAt': requestedAt } : {},
    },
  };
}

describe('Controller', () => {
  it('de-duplicates keys and re-runs a key enqueued while it is being reconciled', async () => {
    const clock = new ManualClock();
    const seen: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const c = new Controller({
      name: 't',
      clock,
      concurrency: 1,
      reconcile: async (key) => {
        seen.push(key);
        if (seen.length === 1) await gate;
      },
    });
    c.enqueue('a');
    c.enqueue('b');
    c.enqueue('b');
    await Promise.resolve();
    await Promise.resolve();
    c.enqueue('a'); // while running: must run once more afterwards
    c.enqueue('a');
    release();
    await c.idle();
    assert.deepEqual(seen, ['a', 'b', 'a']);
  });

  it('requeues after the interval the pass returns, through the clock', async () => {
    const clock = new ManualClock();
    let runs = 0;
    const c = new Controller({
      name: 't',
      clock,
      reconcile: async () => {
        runs++;
        return { requeueAfterMs: 60_000 };
      },
    });
    c.enqueue('k');
    await c.idle();
    assert.equal(runs, 1);
    await expectRuns(clock, c, () => runs, [
      [59_999, 1],
      [1, 2],
    ]);
  });

  it('backs off exponentially on errors and resets after a success', async () => {
    const clock = new ManualClock();
    let runs = 0;
    const errors: unknown[] = [];
    const c = new Controller({
      name: 't',
      clock,
      backoff: { baseMs: 100, maxMs: 250 },
      onError: (_k, e) => errors.push(e),
      reconcile: async () => {
        runs++;
        if (runs <= 3) throw new Error(`boom ${runs}`);
      },
    });
    c.enqueue('k');
    await c.idle();
    assert.equal(c.failures('k'), 1);
    await expectRuns(clock, c, () => runs, [
      [99, 1],
      [1, 2],
      [200, 3], // second back-off is 200 ms
      [250, 4], // capped at 250 ms
    ]);
    assert.equal(c.failures('k'), 0);
    assert.equal(errors.length, 3);
  });

  it('holds work while paused and drains it when resumed', async () => {
    const clock = new ManualClock();
    const seen: string[] = [];
    const c = new Controller({ name: 't', clock, reconcile: async (k) => void seen.push(k) });
    c.paused = true;
    c.enqueue('a');
    c.enqueue('a');
    await c.idle();
    assert.deepEqual(seen, []);
    c.paused = false;
    await c.idle();
    assert.deepEqual(seen, ['a']);
  });

  it('enqueues from watch events that pass the predicate, and always on deletion', async () => {
    const clock = new ManualClock();
    const kube = new WatchOnlyKube();
    const seen: string[] = [];
    const c = new Controller({ name: 't', clock, reconcile: async (k) => void seen.push(k) });
    c.watch(
      kube as unknown as Kube,
      { apiVersion: 'v1', kind: 'ConfigMap' },
      { predicate: anyOf(generationChanged, reconcileRequested) },
    );
    c.start();
    kube.emit('ADDED', obj('x', 1));
    await c.idle();
    kube.emit('MODIFIED', obj('x', 1)); // status-only change: ignored
    await c.idle();
    kube.emit('MODIFIED', obj('x', 1, 't1')); // reconcile requested
    await c.idle();
    kube.emit('MODIFIED', obj('x', 2, 't1')); // new generation
    await c.idle();
    kube.emit('DELETED', obj('x', 2, 't1'));
    await c.idle();
    assert.deepEqual(seen, ['ns/x', 'ns/x', 'ns/x', 'ns/x']);
  });

  it('reset forgets timers and re-opens watches', async () => {
    const clock = new ManualClock();
    const kube = new WatchOnlyKube();
    let runs = 0;
    const c = new Controller({ name: 't', clock, reconcile: async () => (runs++, { requeueAfterMs: 1000 }) });
    c.watch(kube as unknown as Kube, { apiVersion: 'v1', kind: 'ConfigMap' });
    c.start();
    kube.emit('ADDED', obj('x', 1));
    await c.idle();
    assert.equal(clock.pending, 1);
    c.reset();
    assert.equal(clock.pending, 0);
    assert.equal(kube.listeners.length, 1, 'old watch closed, new one opened');
    await c.stop();
    assert.equal(kube.listeners.length, 0);
    c.enqueue('y');
    await c.idle();
    assert.equal(runs, 1, 'a stopped controller runs nothing');
  });

  it('splits and builds keys', () => {
    assert.equal(objectKey({ metadata: { name: 'a', namespace: 'b' } }), 'b/a');
    assert.deepEqual(splitKey('b/a'), { namespace: 'b', name: 'a' });
    assert.deepEqual(splitKey('cluster-scoped'), { name: 'cluster-scoped' });
  });
});
