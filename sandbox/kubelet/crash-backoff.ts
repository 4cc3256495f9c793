/**
 * The kubelet's container restart back-off (client-go flowcontrol.Backoff as kubelet uses it): the first
 * restart of a container is immediate, then each exit within the current back-off window waits 10 s, 20 s,
 * 40 s … capped at 5 minutes; an entry older than twice the cap starts over. That is what makes a crashing
 * container show `CrashLoopBackOff` with a growing delay. Times are cluster milliseconds from the Clock.
 */

/** Upstream defaults: initial 10 s, cap 300 s. */
export const CRASH_BACKOFF = { initialMs: 10_000, maxMs: 300_000 } as const;

/** Back-off state of one container (`getStableKey(pod, container)` in the kubelet). */
export class CrashBackoff {
  #backoffMs = 0;
  #lastUpdate = 0;
  readonly #initialMs: number;
  readonly #maxMs: number;

  constructor(initialMs: number = CRASH_BACKOFF.initialMs, maxMs: number = CRASH_BACKOFF.maxMs) {
    this.#initialMs = initialMs;
    this.#maxMs = maxMs;
  }

  /** The current back-off window (0 before the first restart). */
  get currentMs(): number {
    return this.#backoffMs;
  }

  /**
   * `IsInBackOffSince(key, finishedAt)`: how long a restart must still wait, in the same unit as `now`
   * (0 = restart now). `finishedAt` is when the container last exited.
   */
  remaining(finishedAt: number, now: number): number {
    if (this.#backoffMs === 0 || this.#expired(now)) return 0;
    return Math.max(0, finishedAt + this.#backoffMs - now);
  }

  /** `Next(key, finishedAt)`: a restart happens now; the next exit waits twice as long (up to the cap). */
  next(now: number): void {
    this.#backoffMs =
      this.#backoffMs === 0 || this.#expired(now) ? this.#initialMs : Math.min(this.#backoffMs * 2, this.#maxMs);
    this.#lastUpdate = now;
  }

  #expired(now: number): boolean {
    return now - this.#lastUpdate > 2 * this.#maxMs;
  }
}
