/**
 * A reusable reconcile loop, the sandbox's small controller-runtime: a keyed work queue with de-duplication,
 * requeue-after through the Clock (so `--time-scale` shortens intervals), watch-triggered enqueue with
 * predicates, a per-controller `paused` flag, exponential error back-off, and a reset that drops all in-memory
 * state (what a crashed controller process loses).
 *
 * Semantics follow client-go's workqueue: a key is queued at most once; a key enqueued while it is being
 * reconciled is reconciled again once the running pass ends (never two passes of one key at a time).
 */
import type { Clock } from '../kube/clock.ts';
import type { CollectionRef, Kube, KubeObject, ListOptions, WatchEvent } from '../kube/types.ts';

/** What a reconcile pass asks for next. `requeueAfterMs` is in cluster milliseconds (scaled by the Clock). */
export interface ReconcileResult {
  requeueAfterMs?: number;
}

/** One reconcile pass for a key (`<namespace>/<name>` or `<name>`); throw to get an error back-off requeue. */
export type ReconcileFn = (key: string) => Promise<ReconcileResult | void>;

export interface ControllerOptions {
  /** Name used in logs and by the `pause` fault, e.g. `gitrepository`. */
  name: string;
  clock: Clock;
  reconcile: ReconcileFn;
  /** Passes that may run at once (different keys). Default 4. */
  concurrency?: number;
  /** Error back-off: first delay and cap, in cluster milliseconds. Defaults 1 s and 5 min. */
  backoff?: { baseMs: number; maxMs: number };
  /** Called with every error a pass throws (after scheduling the back-off). */
  onError?: (key: string, error: unknown) => void;
}

/** Decides from the previously seen and the new object whether a watch event should enqueue. */
export type WatchPredicate = (previous: KubeObject | undefined, next: KubeObject, type: WatchEvent['type']) => boolean;

export interface WatchOptions extends ListOptions {
  /** Default: every event enqueues. */
  predicate?: WatchPredicate;
  /** Maps the watched object to the keys to enqueue. Default: the object's own key. */
  map?: (object: KubeObject) => string[];
}

/** `<namespace>/<name>` for namespaced objects, `<name>` otherwise. */
export function objectKey(object: { metadata: { name: string; namespace?: string } }): string {
  return object.metadata.namespace ? `${object.metadata.namespace}/${object.metadata.name}` : object.metadata.name;
}

/** Splits a key made by `objectKey`. */
export function splitKey(key: string): { namespace?: string; name: string } {
  const slash = key.indexOf('/');
  return slash < 0 ? { name: key } : { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}

/** controller-runtime's GenerationChangedPredicate: spec changes (and creation) only, not status writes. */
export const generationChanged: WatchPredicate = (previous, next, type) =>
  type === 'ADDED' || previous === undefined || previous.metadata.generation !== next.metadata.generation;

/** Flux's ReconcileRequestedPredicate: the `reconcile.fluxcd.io/requestedAt` annotation changed. */
export const reconcileRequested: WatchPredicate = (previous, next) =>
  previous?.metadata.annotations?.['reconcile.fluxcd.io/requestedAt'] !==
  next.metadata.annotations?.['reconcile.fluxcd.io/requestedAt'];

/** True when any of the predicates is. */
export function anyOf(...predicates: WatchPredicate[]): WatchPredicate {
  return (previous, next, type) => predicates.some((p) => p(previous, next, type));
}

interface WatchEntry {
  kube: Kube;
  ref: CollectionRef;
  options: WatchOptions;
  cancel?: () => void;
  seen: Map<string, KubeObject>;
}

/** One reconcile loop for one kind. Construct, add watches, `start()`, `stop()`. */
export class Controller {
  readonly name: string;
  readonly #clock: Clock;
  readonly #reconcile: ReconcileFn;
  readonly #concurrency: number;
  readonly #backoff: { baseMs: number; maxMs: number };
  readonly #onError?: (key: string, error: unknown) => void;
  /** Keys waiting for a worker, in order; the Set mirrors it for de-duplication. */
  #queue: string[] = [];
  #queued = new Set<string>();
  /** Keys being reconciled now, and those enqueued again meanwhile. */
  #running = new Map<string, Promise<void>>();
  #dirty = new Set<string>();
  #timers = new Map<string, { due: number; cancel: () => void }>();
  #failures = new Map<string, number>();
  #watches: WatchEntry[] = [];
  #paused = false;
  #started = false;
  #stopped = false;
  #idleWaiters: Array<() => void> = [];

  constructor(options: ControllerOptions) {
    this.name = options.name;
    this.#clock = options.clock;
    this.#reconcile = options.reconcile;
    this.#concurrency = Math.max(1, options.concurrency ?? 4);
    this.#backoff = options.backoff ?? { baseMs: 1000, maxMs: 300_000 };
    this.#onError = options.onError;
  }

  /** While paused, keys pile up (de-duplicated) and timers still fire, but no pass starts. */
  get paused(): boolean {
    return this.#paused;
  }

  set paused(value: boolean) {
    this.#paused = value;
    if (!value) this.#pump();
  }

  /** Enqueues `key` for a pass as soon as a worker is free. */
  enqueue(key: string): void {
    if (this.#stopped) return;
    if (this.#running.has(key)) {
      this.#dirty.add(key);
      return;
    }
    if (this.#queued.has(key)) return;
    this.#queued.add(key);
    this.#queue.push(key);
    this.#pump();
  }

  /** Enqueues `key` after `ms` cluster milliseconds; an earlier pending timer for the key wins. */
  enqueueAfter(key: string, ms: number): void {
    if (this.#stopped) return;
    if (ms <= 0) {
      this.enqueue(key);
      return;
    }
    const due = this.#clock.now().getTime() + ms;
    const existing = this.#timers.get(key);
    if (existing && existing.due <= due) return;
    existing?.cancel();
    const cancel = this.#clock.after(ms, () => {
      this.#timers.delete(key);
      this.enqueue(key);
    });
    this.#timers.set(key, { due, cancel });
  }

  /** Drops the key's timers and back-off (the object is gone). */
  forget(key: string): void {
    this.#timers.get(key)?.cancel();
    this.#timers.delete(key);
    this.#failures.delete(key);
  }

  /**
   * Enqueues on watch events of a collection. Started with `start()` (or at once when already started).
   * The previous object per key is remembered so predicates can compare generations and annotations.
   */
  watch(kube: Kube, ref: CollectionRef, options: WatchOptions = {}): void {
    const entry: WatchEntry = { kube, ref, options, seen: new Map<string, KubeObject>() };
    this.#watches.push(entry);
    if (this.#started && !this.#stopped) this.#openWatch(entry);
  }

  /** Opens the watches; every existing object arrives as ADDED, so everything gets an initial pass. */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    for (const w of this.#watches) this.#openWatch(w);
  }

  /**
   * Forgets everything in memory, like a restarted process: queue, timers, back-off and watch caches, then
   * re-opens the watches (every object gets a fresh pass). Running passes finish on their own.
   */
  reset(): void {
    for (const t of this.#timers.values()) t.cancel();
    this.#timers.clear();
    this.#queue = [];
    this.#queued.clear();
    this.#dirty.clear();
    this.#failures.clear();
    for (const w of this.#watches) {
      w.cancel?.();
      w.cancel = undefined;
      w.seen.clear();
      if (this.#started && !this.#stopped) this.#openWatch(w);
    }
  }

  /** Stops watches and timers and waits for running passes. Idempotent. */
  async stop(): Promise<void> {
    this.#stopped = true;
    for (const w of this.#watches) w.cancel?.();
    for (const t of this.#timers.values()) t.cancel();
    this.#timers.clear();
    this.#queue = [];
    this.#queued.clear();
    this.#dirty.clear();
    await Promise.allSettled([...this.#running.values()]);
  }

  /** Resolves when nothing is queued or running (timers may still be pending). For tests and shutdown. */
  idle(): Promise<void> {
    if (this.#isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** Consecutive failures of a key (0 after a successful pass). */
  failures(key: string): number {
    return this.#failures.get(key) ?? 0;
  }

  #isIdle(): boolean {
    return this.#running.size === 0 && (this.#queue.length === 0 || this.#paused);
  }

  #openWatch(w: WatchEntry): void {
    const map = w.options.map ?? ((o: KubeObject) => [objectKey(o)]);
    const { predicate } = w.options;
    w.cancel = w.kube.watch(
      w.ref,
      { labelSelector: w.options.labelSelector, fieldSelector: w.options.fieldSelector },
      (event) => {
        const key = objectKey(event.object);
        const previous = w.seen.get(key);
        if (event.type === 'DELETED') w.seen.delete(key);
        else w.seen.set(key, event.object);
        // Deletions always enqueue: the pass sees the object gone and cleans up.
        if (event.type !== 'DELETED' && predicate && !predicate(previous, event.object, event.type)) return;
        for (const k of map(event.object)) this.enqueue(k);
      },
    );
  }

  #pump(): void {
    while (!this.#paused && !this.#stopped && this.#running.size < this.#concurrency && this.#queue.length > 0) {
      const key = this.#queue.shift()!;
      this.#queued.delete(key);
      this.#running.set(key, this.#run(key));
    }
    if (this.#isIdle()) this.#notifyIdle();
  }

  async #run(key: string): Promise<void> {
    // Let the caller's synchronous code (e.g. a burst of watch events) finish before the pass starts.
    await Promise.resolve();
    try {
      const result = await this.#reconcile(key);
      this.#failures.delete(key);
      if (result?.requeueAfterMs !== undefined && result.requeueAfterMs >= 0)
        this.#schedule(key, result.requeueAfterMs);
    } catch (error) {
      const n = (this.#failures.get(key) ?? 0) + 1;
      this.#failures.set(key, n);
      this.#schedule(key, Math.min(this.#backoff.maxMs, this.#backoff.baseMs * 2 ** (n - 1)));
      this.#onError?.(key, error);
    } finally {
      this.#running.delete(key);
      if (this.#dirty.delete(key)) this.enqueue(key);
      this.#pump();
    }
  }

  /** After a pass the result decides the next run: replace whatever timer was pending. */
  #schedule(key: string, ms: number): void {
    if (this.#stopped) return;
    this.#timers.get(key)?.cancel();
    this.#timers.delete(key);
    this.enqueueAfter(key, ms);
  }

  #notifyIdle(): void {
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const w of waiters) w();
  }
}

/** A set of controllers started, paused and stopped together (one per controller process in Flux terms). */
export class Manager {
  readonly #controllers = new Map<string, Controller>();

  add(controller: Controller): Controller {
    if (this.#controllers.has(controller.name)) throw new Error(`controller "${controller.name}" already added`);
    this.#controllers.set(controller.name, controller);
    return controller;
  }

  get(name: string): Controller | undefined {
    return this.#controllers.get(name);
  }

  list(): Controller[] {
    return [...this.#controllers.values()];
  }

  start(): void {
    for (const c of this.#controllers.values()) c.start();
  }

  async stop(): Promise<void> {
    await Promise.all([...this.#controllers.values()].map((c) => c.stop()));
  }
}
