/**
 * A Clock for tests that moves only when told: `advance(ms)` moves wall time and fires the timers that fall
 * due, in order. Time scale 1, so cluster and real durations coincide. Use it to test timeouts and back-offs
 * without waiting.
 */
import type { Clock } from '../kube/clock.ts';

/** A hand-driven Clock. */
export class ManualClock implements Clock {
  #now: number;
  #timers: Array<{ due: number; seq: number; fn: () => void }> = [];
  #seq = 0;

  constructor(start = Date.parse('2026-11-26T08:00:00Z')) {
    this.#now = start;
  }

  now(): Date {
    return new Date(this.#now);
  }

  nowRfc3339(): string {
    return new Date(this.#now).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }

  nowMicro(): string {
    return new Date(this.#now).toISOString().replace(/Z$/, '000Z');
  }

  scale(ms: number): number {
    return Math.max(0, Math.round(ms));
  }

  after(ms: number, fn: () => void): () => void {
    const timer = { due: this.#now + Math.max(0, ms), seq: this.#seq++, fn };
    this.#timers.push(timer);
    return () => {
      this.#timers = this.#timers.filter((t) => t !== timer);
    };
  }

  /** Pending timers. */
  get pending(): number {
    return this.#timers.length;
  }

  /** Moves time forward by `ms`, running every timer that falls due (timers they add included). */
  advance(ms: number): void {
    const target = this.#now + ms;
    for (;;) {
      const next = [...this.#timers].sort((a, b) => a.due - b.due || a.seq - b.seq)[0];
      if (!next || next.due > target) break;
      this.#timers = this.#timers.filter((t) => t !== next);
      this.#now = Math.max(this.#now, next.due);
      next.fn();
    }
    this.#now = target;
  }
}
