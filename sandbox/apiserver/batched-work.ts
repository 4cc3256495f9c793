/**
 * Work that store-driven controllers (GC, CRD, namespace) run once after a batch of commits: scheduled with
 * setImmediate so it never runs inside the writer's call, coalesced while pending, and observable through
 * `whenIdle()` so tests await it instead of sleeping.
 */
export class BatchedWork {
  readonly #work: () => void;
  #scheduled?: NodeJS.Immediate;
  #idleWaiters: Array<() => void> = [];

  constructor(work: () => void) {
    this.#work = work;
  }

  /** Runs the work after the current batch of commits; a no-op while a run is already pending. */
  schedule(): void {
    this.#scheduled ??= setImmediate(() => this.#run());
  }

  /** Resolves once no run is pending. */
  whenIdle(): Promise<void> {
    if (!this.#scheduled) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** Drops a pending run and releases everyone waiting for idleness (used on stop). */
  cancel(): void {
    if (this.#scheduled) clearImmediate(this.#scheduled);
    this.#scheduled = undefined;
    this.#flushIdle();
  }

  #run(): void {
    this.#scheduled = undefined;
    try {
      this.#work();
    } finally {
      // Work that scheduled more work is not idle yet.
      if (!this.#scheduled) this.#flushIdle();
    }
  }

  #flushIdle(): void {
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const w of waiters) w();
  }
}
