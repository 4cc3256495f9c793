/**
 * The in-process `Kube` client controllers and the kubelet use: the same Store (and so the same rules) the
 * HTTP handlers use, minus HTTP. Watch callbacks run asynchronously, in commit order, one watcher at a time.
 */
import {
  ApiError,
  type CollectionRef,
  type DeleteOptions,
  type Kube,
  type KubeObject,
  type ListOptions,
  type ObjectRef,
  type PatchType,
  type WatchEvent,
  type WriteOptions,
} from '../kube/types.ts';
import { storageKey, type Resolved } from './resources.ts';
import { failure } from './status.ts';
import { compileSelectors, type Store, type WriteContext } from './store.ts';
import type { Delivery } from './watch.ts';

export interface InProcessKubeOptions {
  /** managedFields manager for writes without `fieldManager`. Default `sandbox`. */
  fieldManager?: string;
  /** Called when a watch callback throws (the watch keeps going). Default: console.error. */
  onWatchError?: (err: unknown) => void;
}

/** `Kube` over a Store. */
export class InProcessKube implements Kube {
  readonly #store: Store;
  readonly #fieldManager: string;
  readonly #onWatchError: (err: unknown) => void;

  constructor(store: Store, options: InProcessKubeOptions = {}) {
    this.#store = store;
    this.#fieldManager = options.fieldManager ?? 'sandbox';
    // A controller bug must not take the whole sandbox down: report it and keep delivering.
    this.#onWatchError = options.onWatchError ?? ((err) => console.error('sandbox: watch callback failed:', err));
  }

  #resolve(apiVersion: string, kind: string): Resolved {
    const r = this.#store.registry.resolve(apiVersion, kind);
    if (!r) throw new ApiError(failure(404, 'NotFound', 'the server could not find the requested resource', { kind }));
    return r;
  }

  #ctx(options?: WriteOptions): WriteContext {
    return {
      fieldManager: options?.fieldManager ?? this.#fieldManager,
      force: options?.force,
      subresource: options?.subresource,
      fieldValidation: 'Warn',
      warnings: [],
    };
  }

  get<T extends KubeObject = KubeObject>(ref: ObjectRef): T | undefined {
    return this.#store.find(this.#resolve(ref.apiVersion, ref.kind), ref.namespace, ref.name) as T | undefined;
  }

  list<T extends KubeObject = KubeObject>(ref: CollectionRef, options: ListOptions = {}): T[] {
    const r = this.#resolve(ref.apiVersion, ref.kind);
    return this.#store.list(r, r.type.namespaced ? ref.namespace : undefined, options).items as T[];
  }

  create<T extends KubeObject = KubeObject>(obj: T, options?: WriteOptions): T {
    const r = this.#resolve(obj.apiVersion, obj.kind);
    return this.#store.create(r, obj.metadata?.namespace, obj, this.#ctx(options)) as T;
  }

  update<T extends KubeObject = KubeObject>(obj: T, options?: WriteOptions): T {
    const r = this.#resolve(obj.apiVersion, obj.kind);
    return this.#store.update(r, obj.metadata?.namespace, obj.metadata?.name, obj, this.#ctx(options)) as T;
  }

  patch<T extends KubeObject = KubeObject>(ref: ObjectRef, patch: unknown, type: PatchType, options?: WriteOptions): T {
    const r = this.#resolve(ref.apiVersion, ref.kind);
    return this.#store.patch(r, ref.namespace, ref.name, patch, type, this.#ctx(options)).object as T;
  }

  delete(ref: ObjectRef, options: DeleteOptions = {}): KubeObject | undefined {
    const r = this.#resolve(ref.apiVersion, ref.kind);
    const { object, gone } = this.#store.delete(r, ref.namespace, ref.name, options);
    return gone ? undefined : object;
  }

  watch<T extends KubeObject = KubeObject>(
    ref: CollectionRef,
    options: ListOptions,
    onEvent: (event: WatchEvent<T>) => void,
  ): () => void {
    const r = this.#resolve(ref.apiVersion, ref.kind);
    const namespace = r.type.namespaced ? ref.namespace : undefined;
    const match = compileSelectors(r.type, options?.labelSelector, options?.fieldSelector);
    const queue: Delivery[] = [];
    let stopped = false;
    let scheduled = false;
    const drain = () => {
      scheduled = false;
      // Deliver what is queued now; events queued by the callbacks wait for the next turn, in order.
      let n = queue.length;
      while (n-- > 0 && !stopped) {
        const d = queue.shift()!;
        try {
          onEvent({ type: d.type, object: this.#store.serve(d.object, r) as T });
        } catch (err) {
          this.#onWatchError(err);
        }
      }
      if (queue.length && !stopped && !scheduled) {
        scheduled = true;
        setImmediate(drain);
      }
    };
    const push = (d: Delivery) => {
      if (stopped) return;
      queue.push(d);
      if (!scheduled) {
        scheduled = true;
        setImmediate(drain);
      }
    };
    // Snapshot and subscription in the same tick: nothing can commit in between.
    const rv = this.#store.currentRv;
    for (const obj of this.#store.rawList(storageKey(r.type), namespace)) {
      if (!match || match(obj)) push({ type: 'ADDED', object: obj, rv });
    }
    const unsubscribe = this.#store.hub.subscribe({ key: storageKey(r.type), namespace, match }, push);
    return () => {
      stopped = true;
      queue.length = 0;
      unsubscribe();
    };
  }
}
