/**
 * Work that store-driven controllers (GC, CRD, namespace) run once after a batch of commits: scheduled with
 * setImmediate so it never runs inside the writer's call, coalesced while pending, and observable through
 * `whenIdle()` so tests await it instead of sleeping.
 */
import type { Store } from './store.ts';
import type { ChangeEvent } from './watch.ts';

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

/**
 * The shape every after-commit controller (GC, CRDs, namespaces) shares: `start()` subscribes to the store's
 * commits, `stop()` unsubscribes and drops pending work, `whenIdle()` resolves once no run is pending. A
 * subclass says per commit whether a run is needed (`onCommit`, called inside the writer's call: cheap, notes
 * only) and does the work in `run`, once per batch of commits.
 */
export abstract class AfterCommitController {
  protected readonly store: Store;
  #unsubscribe?: () => void;
  readonly #batch = new BatchedWork(() => this.run());

  constructor(store: Store) {
    this.store = store;
  }

  start(): void {
    this.#unsubscribe ??= this.store.onCommit((ev) => {
      if (this.onCommit(ev)) this.#batch.schedule();
    });
  }

  stop(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    this.#batch.cancel();
  }

  /** Resolves once no run is pending (tests and the API server await it instead of sleeping). */
  whenIdle(): Promise<void> {
    return this.#batch.whenIdle();
  }

  /** Whether the commit calls for a run. */
  protected abstract onCommit(ev: ChangeEvent): boolean;

  /** The work, after the batch of commits that called for it. */
  protected abstract run(): void;
}
