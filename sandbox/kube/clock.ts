/**
 * The sandbox's one seam for time. Controllers, the kubelet and the API server read the time and schedule
 * their timers only through a Clock, so the `clock-skew` fault and `--time-scale` each touch one place.
 */
export interface Clock {
  /** Wall-clock time as the cluster sees it (skew included). */
  now(): Date;
  /** RFC 3339 timestamp with second precision, as Kubernetes writes metav1.Time. */
  nowRfc3339(): string;
  /** RFC 3339 timestamp with microseconds, as Kubernetes writes metav1.MicroTime. */
  nowMicro(): string;
  /** Converts a cluster duration (e.g. a Flux `interval`) into real milliseconds to wait. */
  scale(ms: number): number;
  /** setTimeout on the scaled duration; returns a cancel function. */
  after(ms: number, fn: () => void): () => void;
}

export interface ClockOptions {
  /** Real milliseconds per cluster millisecond for intervals: 0.1 makes a 1m interval last 6 s. Default 1. */
  timeScale?: number;
  /** Milliseconds added to every timestamp the cluster writes (the `clock-skew` fault). May change at run time. */
  skewMs?: number;
}

/** The real clock, optionally skewed and scaled. `skewMs` is mutable so a fault can change it while running. */
export class SystemClock implements Clock {
  timeScale: number;
  skewMs: number;

  constructor(options: ClockOptions = {}) {
    this.timeScale = options.timeScale ?? 1;
    this.skewMs = options.skewMs ?? 0;
  }

  now(): Date {
    return new Date(Date.now() + this.skewMs);
  }

  nowRfc3339(): string {
    return this.now()
      .toISOString()
      .replace(/\.\d{3}Z$/, 'Z');
  }

  nowMicro(): string {
    return this.now().toISOString().replace(/Z$/, '000Z');
  }

  scale(ms: number): number {
    return Math.max(0, Math.round(ms * this.timeScale));
  }

  after(ms: number, fn: () => void): () => void {
    const timer = setTimeout(fn, this.scale(ms));
    timer.unref?.();
    return () => clearTimeout(timer);
  }
}
