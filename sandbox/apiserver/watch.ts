/**
 * The watch hub: every committed change goes into a bounded history ring keyed by the global resourceVersion
 * and out to live subscribers. Watchers starting at resourceVersion N replay the ring after N (or get
 * `Expired` when N fell out of it); selector transitions become ADDED/DELETED like the real watch cache.
 */
import type { KubeObject, WatchEventType } from '../kube/types.ts';

/** One committed change of one object, in storage form. */
export interface ChangeEvent {
  rv: number;
  type: WatchEventType;
  /** Storage key `group/kind`. */
  key: string;
  namespace?: string;
  /** The object after the change (for DELETED: its last state). */
  object: KubeObject;
  /** The object before the change (MODIFIED only). */
  old?: KubeObject;
}

/** What a watcher wants: a storage key, optionally one namespace, optionally a selector predicate. */
export interface WatchFilter {
  key: string;
  namespace?: string;
  match?: (obj: KubeObject) => boolean;
}

/** A change as one watcher sees it (selector transitions applied). */
export interface Delivery {
  type: WatchEventType;
  object: KubeObject;
  rv: number;
}

export interface WatchHubOptions {
  /** History ring size in events. Default 10 000. */
  capacity?: number;
}

interface Subscriber {
  filter: WatchFilter;
  fn: (d: Delivery) => void;
}

/** Applies a filter to a change: undefined when the watcher must not see it. */
export function filterChange(ev: ChangeEvent, filter: WatchFilter): Delivery | undefined {
  if (ev.key !== filter.key) return undefined;
  if (filter.namespace !== undefined && ev.namespace !== filter.namespace) return undefined;
  const match = filter.match;
  if (!match) return { type: ev.type, object: ev.object, rv: ev.rv };
  if (ev.type !== 'MODIFIED') return match(ev.object) ? { type: ev.type, object: ev.object, rv: ev.rv } : undefined;
  const now = match(ev.object);
  const before = ev.old ? match(ev.old) : false;
  if (now && before) return { type: 'MODIFIED', object: ev.object, rv: ev.rv };
  if (now) return { type: 'ADDED', object: ev.object, rv: ev.rv };
  if (before) return { type: 'DELETED', object: ev.object, rv: ev.rv };
  return undefined;
}

/** Thrown by `since()` when the requested resourceVersion is older than the ring keeps. */
export class ExpiredError extends Error {
  readonly oldest: number;
  constructor(requested: number, oldest: number) {
    super(`too old resource version: ${requested} (${oldest})`);
    this.oldest = oldest;
  }
}

/** History ring + live fan-out. Synchronous: the caller decides how to deliver (queue, socket). */
export class WatchHub {
  readonly #capacity: number;
  #ring: ChangeEvent[] = [];
  /** Highest resourceVersion dropped from the ring (0 while nothing was dropped). */
  #compactedRv = 0;
  readonly #subscribers = new Set<Subscriber>();

  constructor(options: WatchHubOptions = {}) {
    this.#capacity = options.capacity ?? 10_000;
  }

  /** Records a change and hands it to every live subscriber whose filter accepts it. */
  publish(ev: ChangeEvent): void {
    this.#ring.push(ev);
    if (this.#ring.length > this.#capacity + Math.max(1, Math.floor(this.#capacity / 10))) {
      const drop = this.#ring.length - this.#capacity;
      this.#compactedRv = this.#ring[drop - 1]!.rv;
      this.#ring = this.#ring.slice(drop);
    }
    for (const sub of [...this.#subscribers]) {
      const d = filterChange(ev, sub.filter);
      if (d) sub.fn(d);
    }
  }

  /** Changes after `rv` accepted by `filter`; throws ExpiredError when `rv` is older than the ring. */
  since(rv: number, filter: WatchFilter): Delivery[] {
    if (rv < this.#compactedRv) throw new ExpiredError(rv, this.#compactedRv + 1);
    const out: Delivery[] = [];
    // The ring is sorted by rv: binary search for the first event after rv.
    let lo = 0;
    let hi = this.#ring.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.#ring[mid]!.rv <= rv) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < this.#ring.length; i++) {
      const d = filterChange(this.#ring[i]!, filter);
      if (d) out.push(d);
    }
    return out;
  }

  /** Registers a live subscriber; returns the unsubscribe function (idempotent). */
  subscribe(filter: WatchFilter, fn: (d: Delivery) => void): () => void {
    const sub: Subscriber = { filter, fn };
    this.#subscribers.add(sub);
    return () => {
      this.#subscribers.delete(sub);
    };
  }

  /** Live subscribers (for tests and the memory bench). */
  get subscriberCount(): number {
    return this.#subscribers.size;
  }

  /** Events currently kept in the ring. */
  get historySize(): number {
    return this.#ring.length;
  }
}
