/**
 * The object store and its rules: everything below the HTTP layer that both the REST handlers and the
 * in-process `Kube` use. It owns the objects (in storage form), the global resourceVersion, and the write
 * path: decode checks, unknown-field handling, defaulting, admission, validation, generation, managedFields,
 * status-subresource rules, finalizers and graceful deletion. Every committed change goes to the watch hub,
 * the journal and the commit listeners (GC, namespace and CRD controllers).
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../kube/clock.ts';
import { ApiError, type KubeObject, type PatchType, type WatchEventType } from '../kube/types.ts';
import type { Admission } from './admission.ts';
import type { Journal } from './journal.ts';
import { builtinListKeys, recordUpdate, schemaListKeys, serverSideApply, type ListKeysFn, type ManagedFieldsEntry, type Scope } from './managed-fields.ts';
import { applyPatch } from './patch.ts';
import { apiVersionOf, qualifiedResource, storageKey, type Resolved, type ResourceRegistry, type ResourceType } from './resources.ts';
import { alreadyExists, badRequest, conflict, failure, invalid, notFound } from './status.ts';
import { decodeContinue, encodeContinue, finalizerCauses, pendingFinalizers, podGrace, randomSuffix, specChanged, unchanged } from './object-rules.ts';
import { compileSelectors } from './selection.ts';
import { STRATEGIES, validateMetadata, type Cause, type KindStrategy, type StrategyContext } from './strategies.ts';
import type { FieldValidation, SchemaValidator } from './validation.ts';
import type { JsonObject as Json } from '../kube/json.ts';

export { compileSelectors } from './selection.ts';
export { pendingFinalizers } from './object-rules.ts';
import type { ChangeEvent, WatchHub } from './watch.ts';

/** Per-request options of a write. */
export interface WriteContext {
  fieldManager?: string;
  /** Unknown fields: Strict rejects (400), Warn prunes and warns, Ignore prunes. Default Warn. */
  fieldValidation?: FieldValidation;
  dryRun?: boolean;
  force?: boolean;
  subresource?: 'status' | 'finalize';
  /** Collects `Warning` header texts. */
  warnings?: string[];
}

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

/** DeleteOptions as the body or query of a DELETE carries them. */
export interface DeleteParams {
  propagationPolicy?: 'Background' | 'Foreground' | 'Orphan';
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: boolean;
}

export interface StoreOptions {
  registry: ResourceRegistry;
  clock: Clock;
  hub: WatchHub;
  journal: Journal;
  validator: SchemaValidator;
  admission: Admission;
}

function objectKey(namespace: string | undefined, name: string): string {
  return `${namespace ?? ''}/${name}`;
}

function isMap(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function clone<T>(v: T): T {
  return structuredClone(v);
}

/** The objects and the write path. */
export class Store {
  readonly registry: ResourceRegistry;
  readonly clock: Clock;
  readonly hub: WatchHub;
  readonly journal: Journal;
  readonly admission: Admission;
  readonly #validator: SchemaValidator;
  readonly #objects = new Map<string, Map<string, KubeObject>>();
  readonly #listeners = new Set<(ev: ChangeEvent) => void>();
  #rv = 0;
  #nextIp = 2;
  readonly #strategyContext: StrategyContext = {
    allocateClusterIp: () => {
      const n = this.#nextIp++;
      return `10.96.${Math.floor(n / 256) % 256}.${n % 256}`;
    },
  };

  constructor(options: StoreOptions) {
    this.registry = options.registry;
    this.clock = options.clock;
    this.hub = options.hub;
    this.journal = options.journal;
    this.admission = options.admission;
    this.#validator = options.validator;
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
    for (const obj of this.rawList(key)) this.#commit('DELETED', key, clone(obj), obj);
    this.#objects.delete(key);
  }

  // ---- conversion between served versions and storage ----

  #storageType(type: ResourceType): ResourceType {
    return type.storageOf ? (this.registry.get(type.storageOf.group, type.storageOf.kind) ?? type) : type;
  }

  #storageApiVersion(type: ResourceType): string {
    const st = this.#storageType(type);
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

  #intake(obj: Json, r: Resolved): KubeObject {
    const out = r.type.codec ? r.type.codec.toStorage(obj) : obj;
    out.apiVersion = this.#storageApiVersion(r.type);
    out.kind = this.#storageType(r.type).kind;
    return out as KubeObject;
  }

  #strategy(r: Resolved): KindStrategy {
    const st = this.#storageType(r.type);
    return STRATEGIES[`${st.group}/${st.kind}`] ?? {};
  }

  #listKeys(r: Resolved): ListKeysFn {
    return r.type.crd ? schemaListKeys(r.version.schema) : builtinListKeys;
  }

  #tracksGeneration(type: ResourceType): boolean {
    return type.generation || type.crd !== undefined;
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
      .filter(([k, o]) => k > start && (namespace === undefined || o.metadata.namespace === namespace) && (!match || match(o)))
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

  // ---- writes ----

  /** Creates an object from a request body in the version of `r`. */
  create(r: Resolved, namespace: string | undefined, body: unknown, ctx: WriteContext = {}, managed?: ManagedFieldsEntry[]): KubeObject {
    const type = r.type;
    const obj = this.#decode(body, r);
    const meta = obj.metadata as Json;
    this.#checkNamespaceField(type, namespace, meta);
    if (meta.resourceVersion) throw badRequest('resourceVersion should not be set on objects to be created');
    this.#handleUnknown(obj, r, ctx);
    if (!meta.name && meta.generateName) meta.name = `${meta.generateName}${randomSuffix()}`;
    if (!meta.name) {
      throw invalid(type.kind, type.group, '', [{ field: 'metadata.name', message: 'Required value: name or generateName is required', reason: 'FieldValueRequired' }]);
    }
    const stored = this.#intake(obj, r);
    const st = this.#strategy(r);
    const m = stored.metadata;
    delete m.deletionTimestamp;
    delete m.deletionGracePeriodSeconds;
    m.uid = randomUUID();
    m.creationTimestamp = this.clock.nowRfc3339();
    if (this.#tracksGeneration(type)) m.generation = 1;
    else delete m.generation;
    if (type.status && !st.keepStatusOnCreate) {
      if (type.crd) delete stored.status;
      else stored.status = {};
    }
    st.defaults?.(stored);
    st.prepareForCreate?.(stored, this.#strategyContext);
    this.#checkNamespaceExists(type, m.namespace, m.name);
    this.admission.run('CREATE', stored);
    const causes = [...validateMetadata(stored, type.group, type.kind, type.namespaced), ...(st.validate?.(stored) ?? []), ...this.#schemaCauses(stored, r)];
    if (causes.length) throw invalid(type.kind, type.group, m.name, causes);
    const key = storageKey(type);
    if (this.rawGet(key, m.namespace, m.name)) {
      if (meta.generateName && !(body as { metadata?: Json }).metadata?.name) {
        return this.create(r, namespace, body, ctx, managed);
      }
      throw alreadyExists(type.plural, type.group, m.name);
    }
    m.managedFields = (managed ??
      recordUpdate(undefined, stored as unknown as Json, this.#manager(ctx), apiVersionOf(type.group, r.version.name), this.clock.nowRfc3339(), this.#scope(r, ctx), this.#listKeys(r))) as unknown[];
    if (!m.managedFields.length) delete m.managedFields;
    if (ctx.dryRun) return this.serve(stored, r);
    this.#commit('ADDED', key, stored);
    return this.serve(stored, r);
  }

  /** Replaces an object (PUT), honouring the status subresource rules and resourceVersion preconditions. */
  update(r: Resolved, namespace: string | undefined, name: string, body: unknown, ctx: WriteContext = {}, managed?: ManagedFieldsEntry[]): KubeObject {
    const type = r.type;
    const obj = this.#decode(body, r);
    const meta = obj.metadata as Json;
    if (meta.name && meta.name !== name) throw badRequest(`the name of the object (${meta.name}) does not match the name on the URL (${name})`);
    meta.name = name;
    this.#checkNamespaceField(type, namespace, meta);
    const key = storageKey(type);
    const old = this.rawGet(key, type.namespaced ? namespace : undefined, name);
    if (!old) {
      if (type.createOnUpdate && !ctx.subresource) return this.create(r, namespace, obj, ctx, managed);
      throw notFound(type.plural, type.group, name);
    }
    if (meta.resourceVersion && meta.resourceVersion !== old.metadata.resourceVersion) {
      throw conflict(type.plural, type.group, name, 'the object has been modified; please apply your changes to the latest version and try again');
    }
    this.#handleUnknown(obj, r, ctx);
    const incoming = this.#intake(obj, r);
    // managedFields sent by the client replace the stored ones (kubectl's client-side → server-side apply upgrade).
    const sentManaged = incoming.metadata.managedFields;
    const base = !ctx.subresource && Array.isArray(sentManaged) ? { ...old, metadata: { ...old.metadata, managedFields: sentManaged } } : old;
    const next = this.#compose(incoming, old, type, ctx.subresource);
    const st = this.#strategy(r);
    if (!ctx.subresource) {
      st.defaults?.(next);
      st.prepareForUpdate?.(next, old);
    }
    this.admission.run('UPDATE', next, old);
    const causes = [
      ...validateMetadata(next, type.group, type.kind, type.namespaced),
      ...(st.validate?.(next, old) ?? []),
      ...this.#schemaCauses(next, r),
      ...finalizerCauses(next, old),
    ];
    if (causes.length) throw invalid(type.kind, type.group, name, causes);
    if (this.#tracksGeneration(type) && specChanged(next, old, type.status)) next.metadata.generation = (old.metadata.generation ?? 0) + 1;
    next.metadata.managedFields = (managed ??
      recordUpdate(base as unknown as Json, next as unknown as Json, this.#manager(ctx), apiVersionOf(type.group, r.version.name), this.clock.nowRfc3339(), this.#scope(r, ctx), this.#listKeys(r))) as unknown[];
    if (!next.metadata.managedFields.length) delete next.metadata.managedFields;
    if (unchanged(next, old)) return this.serve(old, r);
    if (ctx.dryRun) return this.serve(next, r);
    if (next.metadata.deletionTimestamp && pendingFinalizers(next).length === 0 && !(next.metadata.deletionGracePeriodSeconds ?? 0)) {
      this.#commit('DELETED', key, next, old);
      return this.serve(next, r);
    }
    this.#commit('MODIFIED', key, next, old);
    return this.serve(next, r);
  }

  /**
   * PATCH: merge / json / strategic patches are applied to the current object and stored like an update;
   * apply (server-side apply) creates the object when missing. `created` tells the HTTP layer to answer 201.
   */
  patch(
    r: Resolved,
    namespace: string | undefined,
    name: string,
    patch: unknown,
    patchType: PatchType,
    ctx: WriteContext = {},
  ): { object: KubeObject; created: boolean } {
    const current = this.find(r, namespace, name);
    if (patchType === 'apply') return this.#apply(r, namespace, name, patch, current, ctx);
    if (!current) throw notFound(r.type.plural, r.type.group, name);
    const patched = applyPatch(current as unknown as Json, patch, patchType, { group: r.type.group, kind: r.type.kind, custom: !!r.type.crd });
    if (isMap(patched.metadata) && !patched.metadata.resourceVersion) patched.metadata.resourceVersion = current.metadata.resourceVersion;
    return { object: this.update(r, namespace, name, patched, ctx), created: false };
  }

  #apply(r: Resolved, namespace: string | undefined, name: string, config: unknown, current: KubeObject | undefined, ctx: WriteContext): { object: KubeObject; created: boolean } {
    if (!isMap(config)) throw badRequest('error decoding YAML: the apply configuration must be an object');
    const expected = apiVersionOf(r.type.group, r.version.name);
    if (config.apiVersion !== expected || config.kind !== r.type.kind) {
      throw badRequest(`invalid object type: ${String(config.apiVersion ?? '')}, Kind=${String(config.kind ?? '')}`);
    }
    const meta = isMap(config.metadata) ? config.metadata : {};
    if (meta.name !== undefined && meta.name !== name) throw badRequest(`the name of the object (${meta.name}) does not match the name on the URL (${name})`);
    if (!ctx.fieldManager) throw badRequest('PATCH, application/apply-patch+yaml requires fieldManager to be set');
    const applyConfig = { ...config, metadata: { ...meta, name } };
    if (r.type.namespaced) (applyConfig.metadata as Json).namespace = namespace;
    const scope = this.#scope(r, ctx);
    const result = serverSideApply(
      current as unknown as Json | undefined,
      applyConfig,
      ctx.fieldManager,
      !!ctx.force,
      expected,
      this.clock.nowRfc3339(),
      scope,
      this.#listKeys(r),
    );
    const managed = (result.object.metadata as Json).managedFields as ManagedFieldsEntry[];
    if (!current) {
      if (ctx.subresource) throw notFound(r.type.plural, r.type.group, name);
      const created = { ...result.object, metadata: { ...(result.object.metadata as Json) } };
      delete (created.metadata as Json).managedFields;
      return { object: this.create(r, namespace, created, ctx, managed), created: true };
    }
    return { object: this.update(r, namespace, name, result.object, ctx, managed), created: false };
  }

  /**
   * Starts (or finishes) deletion. Returns the object as left and whether it is gone. Finalizers and
   * graceful pod deletion leave the object with a deletionTimestamp; Foreground/Orphan add their finalizer.
   */
  delete(r: Resolved, namespace: string | undefined, name: string, params: DeleteParams = {}): { object: KubeObject; gone: boolean } {
    const key = storageKey(r.type);
    const old = this.rawGet(key, r.type.namespaced ? namespace : undefined, name);
    if (!old) throw notFound(r.type.plural, r.type.group, name);
    const pre = params.preconditions ?? {};
    if (pre.uid && pre.uid !== old.metadata.uid) {
      throw conflict(r.type.plural, r.type.group, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${old.metadata.uid}`);
    }
    if (pre.resourceVersion && pre.resourceVersion !== old.metadata.resourceVersion) {
      throw conflict(
        r.type.plural,
        r.type.group,
        name,
        `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${old.metadata.resourceVersion}`,
      );
    }
    if (params.dryRun) return { object: this.serve(old, r), gone: !pendingFinalizers(old).length };
    const result = this.deleteStored(key, old, params);
    return { object: this.serve(result.object, r), gone: result.gone };
  }

  /** Deletion on a stored object (GC and the namespace controller use it directly). */
  deleteStored(key: string, old: KubeObject, params: DeleteParams = {}): { object: KubeObject; gone: boolean } {
    const isPod = key === '/Pod';
    const grace = isPod ? podGrace(old, params.gracePeriodSeconds) : 0;
    const deleting = !!old.metadata.deletionTimestamp;
    const finalizers = [...(old.metadata.finalizers ?? [])];
    if (!deleting) {
      const policyFinalizer = { Foreground: 'foregroundDeletion', Orphan: 'orphan', Background: undefined }[params.propagationPolicy ?? 'Background'];
      if (policyFinalizer && !finalizers.includes(policyFinalizer)) finalizers.push(policyFinalizer);
    }
    const next = clone(old);
    next.metadata.finalizers = finalizers.length ? finalizers : undefined;
    if (!next.metadata.finalizers) delete next.metadata.finalizers;
    if (pendingFinalizers(next).length === 0 && grace === 0) {
      this.#commit('DELETED', key, next, old);
      return { object: next, gone: true };
    }
    const currentGrace = old.metadata.deletionGracePeriodSeconds ?? 0;
    if (deleting && !(isPod && grace < currentGrace) && JSON.stringify(finalizers) === JSON.stringify(old.metadata.finalizers ?? [])) {
      return { object: old, gone: false };
    }
    if (!deleting || (isPod && grace < currentGrace)) {
      next.metadata.deletionTimestamp = new Date(this.clock.now().getTime() + grace * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
      next.metadata.deletionGracePeriodSeconds = grace;
      if (next.metadata.generation !== undefined && !deleting) next.metadata.generation += 1;
    }
    if (key === '/Namespace') next.status = { ...(next.status ?? {}), phase: 'Terminating' };
    this.#commit('MODIFIED', key, next, old);
    return { object: next, gone: false };
  }

  /** Deletes every object matching the selectors; returns them as left. */
  deleteCollection(r: Resolved, namespace: string | undefined, query: ListQuery, params: DeleteParams = {}): KubeObject[] {
    const { items } = this.list(r, namespace, { labelSelector: query.labelSelector, fieldSelector: query.fieldSelector });
    const out: KubeObject[] = [];
    for (const item of items) {
      try {
        out.push(this.delete(r, item.metadata.namespace, item.metadata.name, params).object);
      } catch (err) {
        if (!(err instanceof ApiError && err.code === 404)) throw err;
      }
    }
    return out;
  }

  /**
   * Commits a controller's change to a stored object (GC dropping ownerReferences or a finalizer, the
   * namespace controller finalizing): the object goes away when its deletion is complete.
   */
  writeStored(key: string, next: KubeObject, old: KubeObject): void {
    const done = next.metadata.deletionTimestamp && pendingFinalizers(next).length === 0 && !(next.metadata.deletionGracePeriodSeconds ?? 0);
    this.#commit(done ? 'DELETED' : 'MODIFIED', key, next, old);
  }

  // ---- helpers ----

  #commit(type: WatchEventType, key: string, obj: KubeObject, old?: KubeObject): void {
    const rv = ++this.#rv;
    obj.metadata.resourceVersion = String(rv);
    let bucket = this.#objects.get(key);
    if (!bucket) this.#objects.set(key, (bucket = new Map()));
    const k = objectKey(obj.metadata.namespace, obj.metadata.name);
    if (type === 'DELETED') bucket.delete(k);
    else bucket.set(k, obj);
    const ev: ChangeEvent = { rv, type, key, namespace: obj.metadata.namespace, object: obj, ...(old && type === 'MODIFIED' ? { old } : {}) };
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

  #decode(body: unknown, r: Resolved): Json {
    if (!isMap(body)) throw badRequest(`Object 'Kind' is missing in '${JSON.stringify(body)?.slice(0, 200)}'`);
    const obj = clone(body);
    const expected = apiVersionOf(r.type.group, r.version.name);
    if (obj.kind !== undefined && obj.kind !== r.type.kind) {
      throw badRequest(`${String(obj.kind)} in version "${r.version.name}" cannot be handled as a ${r.type.kind}: the kind in the data (${String(obj.kind)}) does not match the expected kind (${r.type.kind})`);
    }
    if (obj.apiVersion !== undefined && obj.apiVersion !== expected) {
      throw badRequest(`the API version in the data (${String(obj.apiVersion)}) does not match the expected API version (${expected})`);
    }
    obj.apiVersion = expected;
    obj.kind = r.type.kind;
    if (obj.metadata !== undefined && !isMap(obj.metadata)) {
      throw badRequest(`${r.type.kind} in version "${r.version.name}" cannot be handled as a ${r.type.kind}: json: cannot unmarshal into Go struct field .metadata of type v1.ObjectMeta`);
    }
    obj.metadata = isMap(obj.metadata) ? obj.metadata : {};
    return obj;
  }

  #checkNamespaceField(type: ResourceType, namespace: string | undefined, meta: Json): void {
    if (!type.namespaced) {
      delete meta.namespace;
      return;
    }
    if (meta.namespace && namespace && meta.namespace !== namespace) {
      throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    meta.namespace = namespace ?? meta.namespace;
  }

  #checkNamespaceExists(type: ResourceType, namespace: string | undefined, name: string): void {
    if (!type.namespaced || !namespace) return;
    const ns = this.rawGet('/Namespace', undefined, namespace);
    if (!ns) throw notFound('namespaces', '', namespace);
    if (ns.metadata.deletionTimestamp) {
      throw new ApiError(
        failure(403, 'Forbidden', `${qualifiedResource(type)} "${name}" is forbidden: unable to create new content in namespace ${namespace} because it is being terminated`, {
          name,
          group: type.group || undefined,
          kind: type.plural,
          causes: [{ reason: 'NamespaceTerminating', message: `namespace ${namespace} is being terminated`, field: 'metadata.namespace' }],
        }),
      );
    }
  }

  #handleUnknown(obj: Json, r: Resolved, ctx: WriteContext): void {
    const unknown = r.type.crd && r.version.schema ? this.#validator.pruneUnknown(obj, r.version.schema) : this.#validator.pruneBuiltin(obj, r.type.group, r.type.kind);
    if (!unknown.length) return;
    const mode = ctx.fieldValidation ?? 'Warn';
    const texts = unknown.map((f) => `unknown field "${f}"`);
    if (mode === 'Strict') {
      throw badRequest(`${r.type.kind} in version "${r.version.name}" cannot be handled as a ${r.type.kind}: strict decoding error: ${texts.join(', ')}`);
    }
    if (mode === 'Warn') ctx.warnings?.push(...texts);
  }

  #schemaCauses(obj: KubeObject, r: Resolved): Cause[] {
    if (!r.type.crd || !r.version.schema) return [];
    return this.#validator.defaultAndValidate(obj as unknown as Json, r.version.schema);
  }

  #compose(incoming: KubeObject, old: KubeObject, type: ResourceType, subresource: WriteContext['subresource']): KubeObject {
    if (subresource === 'status') {
      const next = clone(old);
      next.status = incoming.status;
      if (next.status === undefined) delete next.status;
      return next;
    }
    if (subresource === 'finalize') {
      const next = clone(old);
      next.spec = { ...(next.spec ?? {}), finalizers: incoming.spec?.finalizers ?? [] };
      return next;
    }
    const next = incoming;
    const m = next.metadata;
    const o = old.metadata;
    m.uid = o.uid;
    m.creationTimestamp = o.creationTimestamp;
    m.namespace = o.namespace;
    m.resourceVersion = o.resourceVersion;
    if (o.generation !== undefined) m.generation = o.generation;
    else delete m.generation;
    if (o.deletionTimestamp) {
      m.deletionTimestamp = o.deletionTimestamp;
      m.deletionGracePeriodSeconds = o.deletionGracePeriodSeconds;
    } else {
      delete m.deletionTimestamp;
      delete m.deletionGracePeriodSeconds;
    }
    if (type.status) {
      if (old.status === undefined) delete next.status;
      else next.status = clone(old.status);
    }
    if (type.group === '' && type.kind === 'Namespace') next.spec = { ...(next.spec ?? {}), finalizers: old.spec?.finalizers ?? [] };
    return next;
  }

  #manager(ctx: WriteContext): string {
    return ctx.fieldManager || 'unknown';
  }

  #scope(r: Resolved, ctx: WriteContext): Scope {
    return { subresource: ctx.subresource === 'status' ? 'status' : undefined, statusSubresource: r.type.status };
  }
}
