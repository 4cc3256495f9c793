/**
 * The store's storage: the objects (in storage form, by storage key and `namespace/name`), the global
 * resourceVersion, conversion between the served versions and storage, reads (get, list with selectors and
 * pagination), and the commit that hands every change to the watch hub, the journal and the commit listeners
 * (GC, namespace and CRD controllers). The write pipeline (`write-pipeline.ts`) and deletion (`store.ts`)
 * build on it.
 */
import type { Clock } from '../kube/clock.ts';
import type { KubeObject, WatchEventType } from '../kube/types.ts';
import type { Journal } from './journal.ts';
import { decodeContinue, encodeContinue } from './object-rules.ts';
import { apiVersionOf, storageKey, type Resolved, type ResourceRegistry, type ResourceType } from './resources.ts';
import { compileSelectors } from './selection.ts';
import { notFound } from './status.ts';
import type { ChangeEvent, WatchHub } from './watch.ts';
import type { JsonObject as Json } from '../kube/json.ts';

/** List parameters, as in the query string. */
export interface ListQuery {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
}

export interface ListResult {
  items: KubeObject[];
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}

/** What the storage is wired to. */
export interface StorageOptions {
  registry: ResourceRegistry;
  clock: Clock;
  hub: WatchHub;
  journal: Journal;
}

function objectKey(namespace: string | undefined, name: string): string {
  return `${namespace ?? ''}/${name}`;
}

function clone<T>(v: T): T {
  return structuredClone(v);
}

/** The objects, their resourceVersions and the commit fan-out. */
export class ObjectStorage {
  readonly registry: ResourceRegistry;
  readonly clock: Clock;
  readonly hub: WatchHub;
  readonly journal: Journal;
  readonly #objects = new Map<string, Map<string, KubeObject>>();
  readonly #listeners = new Set<(ev: ChangeEvent) => void>();
  #rv = 0;

  constructor(options: StorageOptions) {
    this.registry = options.registry;
    this.clock = options.clock;
    this.hub = options.hub;
    this.journal = options.journal;
  }

  /** The newest resourceVersion handed out. */
  get currentRv(): number {
    return this.#rv;
  }

  /** Registers a listener called synchronously after every commit (keep it cheap; defer work). */
  onCommit(fn: (ev: ChangeEvent) => void): () => void {
    this.#listeners.add(fn);
    return () => this.#listeners.delete(fn);
  }

  // ---- raw access for controllers (storage form, never mutate) ----

  /** Stored objects of a storage key, optionally in one namespace. Read-only references. */
  rawList(key: string, namespace?: string): KubeObject[] {
    const bucket = this.#objects.get(key);
    if (!bucket) return [];
    const all = [...bucket.values()];
    return namespace === undefined ? all : all.filter((o) => o.metadata.namespace === namespace);
  }

  rawGet(key: string, namespace: string | undefined, name: string): KubeObject | undefined {
    return this.#objects.get(key)?.get(objectKey(namespace, name));
  }

  /** Every stored object (all kinds), read-only references. */
  *rawAll(): Generator<{ key: string; object: KubeObject }> {
    for (const [key, bucket] of this.#objects) for (const object of bucket.values()) yield { key, object };
  }

  /** Drops every object of a storage key (a CRD was deleted): DELETED events for each. */
  purge(key: string): void {
    for (const obj of this.rawList(key)) this.commit('DELETED', key, clone(obj), obj);
    this.#objects.delete(key);
  }

  // ---- conversion between served versions and storage ----

  protected storageType(type: ResourceType): ResourceType {
    return type.storageOf ? (this.registry.get(type.storageOf.group, type.storageOf.kind) ?? type) : type;
  }

  #storageApiVersion(type: ResourceType): string {
    const st = this.storageType(type);
    const v = st.versions.find((x) => x.storage) ?? st.versions[0]!;
    return apiVersionOf(st.group, v.name);
  }

  /** A stored object as a client of `r` sees it (a fresh copy). */
  serve(obj: KubeObject, r: Resolved): KubeObject {
    let out = clone(obj) as Json;
    if (r.type.codec) out = r.type.codec.fromStorage(out);
    const { apiVersion: _a, kind: _k, ...rest } = out;
    return { apiVersion: apiVersionOf(r.type.group, r.version.name), kind: r.type.kind, ...rest } as KubeObject;
  }

  protected intake(obj: Json, r: Resolved): KubeObject {
    const out = r.type.codec ? r.type.codec.toStorage(obj) : obj;
    out.apiVersion = this.#storageApiVersion(r.type);
    out.kind = this.storageType(r.type).kind;
    return out as KubeObject;
  }

  // ---- reads ----

  /** The object in the version of `r`, or undefined. */
  find(r: Resolved, namespace: string | undefined, name: string): KubeObject | undefined {
    const obj = this.rawGet(storageKey(r.type), r.type.namespaced ? namespace : undefined, name);
    return obj ? this.serve(obj, r) : undefined;
  }

  /** The object in the version of `r`; throws 404 NotFound. */
  get(r: Resolved, namespace: string | undefined, name: string): KubeObject {
    const obj = this.find(r, namespace, name);
    if (!obj) throw notFound(r.type.plural, r.type.group, name);
    return obj;
  }

  /** Lists (sorted by namespace/name) with selectors and `limit`/`continue` pagination. */
  list(r: Resolved, namespace: string | undefined, query: ListQuery = {}): ListResult {
    const match = compileSelectors(r.type, query.labelSelector, query.fieldSelector);
    let start = '';
    if (query.continue) start = decodeContinue(query.continue);
    const keyed = [...(this.#objects.get(storageKey(r.type))?.entries() ?? [])]
      .filter(
        ([k, o]) =>
          k > start && (namespace === undefined || o.metadata.namespace === namespace) && (!match || match(o)),
      )
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const resourceVersion = String(this.#rv);
    const limit = query.limit && query.limit > 0 ? query.limit : undefined;
    if (!limit || keyed.length <= limit) return { items: keyed.map(([, o]) => this.serve(o, r)), resourceVersion };
    const page = keyed.slice(0, limit);
    return {
      items: page.map(([, o]) => this.serve(o, r)),
      resourceVersion,
      continue: encodeContinue(this.#rv, page[page.length - 1]![0]),
      remainingItemCount: keyed.length - limit,
    };
  }

  /** Stores a change under the next resourceVersion and hands it to the hub, the journal and the listeners. */
  protected commit(type: WatchEventType, key: string, obj: KubeObject, old?: KubeObject): void {
    const rv = ++this.#rv;
    obj.metadata.resourceVersion = String(rv);
    let bucket = this.#objects.get(key);
    if (!bucket) this.#objects.set(key, (bucket = new Map()));
    const k = objectKey(obj.metadata.namespace, obj.metadata.name);
    if (type === 'DELETED') bucket.delete(k);
    else bucket.set(k, obj);
    const ev: ChangeEvent = {
      rv,
      type,
      key,
      namespace: obj.metadata.namespace,
      object: obj,
      ...(old && type === 'MODIFIED' ? { old } : {}),
    };
    this.hub.publish(ev);
    this.journal.record(type, obj);
    for (const fn of [...this.#listeners]) {
      try {
        fn(ev);
      } catch {
        // A listener's failure must not undo or block a committed change.
      }
    }
  }
}
