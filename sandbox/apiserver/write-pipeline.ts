/**
 * The store's write path: what create, update (PUT), PATCH and server-side apply do before a change is
 * committed — decode checks, unknown-field handling, defaulting, admission, validation, generation,
 * managedFields and the status-subresource rules.
 */
import { randomUUID } from 'node:crypto';
import { ApiError, type KubeObject, type PatchType } from '../kube/types.ts';
import type { Admission } from './admission.ts';
import {
  builtinListKeys,
  recordUpdate,
  schemaListKeys,
  serverSideApply,
  type ListKeysFn,
  type ManagedFieldsEntry,
  type Scope,
} from './managed-fields.ts';
import { ObjectStorage, type StorageOptions } from './object-storage.ts';
import { finalizerCauses, pendingFinalizers, randomSuffix, specChanged, unchanged } from './object-rules.ts';
import { applyPatch } from './patch.ts';
import { apiVersionOf, qualifiedResource, storageKey, type Resolved, type ResourceType } from './resources.ts';
import { alreadyExists, badRequest, conflict, failure, invalid, notFound } from './status.ts';
import { STRATEGIES, validateMetadata, type Cause, type KindStrategy, type StrategyContext } from './strategies.ts';
import type { FieldValidation, SchemaValidator } from './validation.ts';
import type { JsonObject as Json } from '../kube/json.ts';

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

/** What the store is wired to: storage's needs plus schema validation and admission. */
export interface StoreOptions extends StorageOptions {
  validator: SchemaValidator;
  admission: Admission;
}

function isMap(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function clone<T>(v: T): T {
  return structuredClone(v);
}

/** Storage plus the write path. */
export class WritePipeline extends ObjectStorage {
  readonly admission: Admission;
  readonly #validator: SchemaValidator;
  #nextIp = 2;
  readonly #strategyContext: StrategyContext = {
    allocateClusterIp: () => {
      const n = this.#nextIp++;
      return `10.96.${Math.floor(n / 256) % 256}.${n % 256}`;
    },
  };

  constructor(options: StoreOptions) {
    super(options);
    this.admission = options.admission;
    this.#validator = options.validator;
  }

  #strategy(r: Resolved): KindStrategy {
    const st = this.storageType(r.type);
    return STRATEGIES[`${st.group}/${st.kind}`] ?? {};
  }

  #listKeys(r: Resolved): ListKeysFn {
    return r.type.crd ? schemaListKeys(r.version.schema) : builtinListKeys;
  }

  #tracksGeneration(type: ResourceType): boolean {
    return type.generation || type.crd !== undefined;
  }
  // ---- writes ----

  /** Creates an object from a request body in the version of `r`. */
  create(
    r: Resolved,
    namespace: string | undefined,
    body: unknown,
    ctx: WriteContext = {},
    managed?: ManagedFieldsEntry[],
  ): KubeObject {
    const type = r.type;
    const obj = this.#decodeFor(r, namespace, body);
    const meta = obj.metadata as Json;
    if (meta.resourceVersion) throw badRequest('resourceVersion should not be set on objects to be created');
    this.#handleUnknown(obj, r, ctx);
    if (!meta.name && meta.generateName) meta.name = `${meta.generateName}${randomSuffix()}`;
    if (!meta.name) {
      throw invalid(type.kind, type.group, '', [
        {
          field: 'metadata.name',
          message: 'Required value: name or generateName is required',
          reason: 'FieldValueRequired',
        },
      ]);
    }
    const stored = this.intake(obj, r);
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
    const causes = [
      ...validateMetadata(stored, type.group, type.kind, type.namespaced),
      ...(st.validate?.(stored) ?? []),
      ...this.#schemaCauses(stored, r),
    ];
    if (causes.length) throw invalid(type.kind, type.group, m.name, causes);
    const key = storageKey(type);
    if (this.rawGet(key, m.namespace, m.name)) {
      if (meta.generateName && !(body as { metadata?: Json }).metadata?.name) {
        return this.create(r, namespace, body, ctx, managed);
      }
      throw alreadyExists(type.plural, type.group, m.name);
    }
    this.#setManagedFields(stored, undefined, r, ctx, managed);
    if (ctx.dryRun) return this.serve(stored, r);
    this.commit('ADDED', key, stored);
    return this.serve(stored, r);
  }

  /** Replaces an object (PUT), honouring the status subresource rules and resourceVersion preconditions. */
  update(
    r: Resolved,
    namespace: string | undefined,
    name: string,
    body: unknown,
    ctx: WriteContext = {},
    managed?: ManagedFieldsEntry[],
  ): KubeObject {
    const type = r.type;
    const obj = this.#decodeFor(r, namespace, body, name);
    const key = storageKey(type);
    const old = this.rawGet(key, type.namespaced ? namespace : undefined, name);
    if (!old) {
      if (type.createOnUpdate && !ctx.subresource) return this.create(r, namespace, obj, ctx, managed);
      throw notFound(type.plural, type.group, name);
    }
    const resourceVersion = (obj.metadata as Json).resourceVersion;
    if (resourceVersion && resourceVersion !== old.metadata.resourceVersion) {
      throw conflict(
        type.plural,
        type.group,
        name,
        'the object has been modified; please apply your changes to the latest version and try again',
      );
    }
    this.#handleUnknown(obj, r, ctx);
    const incoming = this.intake(obj, r);
    // managedFields sent by the client replace the stored ones (kubectl's client-side → server-side apply upgrade).
    const sentManaged = incoming.metadata.managedFields;
    const base =
      !ctx.subresource && Array.isArray(sentManaged)
        ? { ...old, metadata: { ...old.metadata, managedFields: sentManaged } }
        : old;
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
    if (this.#tracksGeneration(type) && specChanged(next, old, type.status))
      next.metadata.generation = (old.metadata.generation ?? 0) + 1;
    this.#setManagedFields(next, base, r, ctx, managed);
    if (unchanged(next, old)) return this.serve(old, r);
    if (ctx.dryRun) return this.serve(next, r);
    if (
      next.metadata.deletionTimestamp &&
      pendingFinalizers(next).length === 0 &&
      !(next.metadata.deletionGracePeriodSeconds ?? 0)
    ) {
      this.commit('DELETED', key, next, old);
      return this.serve(next, r);
    }
    this.commit('MODIFIED', key, next, old);
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
    const patched = applyPatch(current as unknown as Json, patch, patchType, {
      group: r.type.group,
      kind: r.type.kind,
      custom: !!r.type.crd,
    });
    if (isMap(patched.metadata) && !patched.metadata.resourceVersion)
      patched.metadata.resourceVersion = current.metadata.resourceVersion;
    return { object: this.update(r, namespace, name, patched, ctx), created: false };
  }

  #apply(
    r: Resolved,
    namespace: string | undefined,
    name: string,
    config: unknown,
    current: KubeObject | undefined,
    ctx: WriteContext,
  ): { object: KubeObject; created: boolean } {
    if (!isMap(config)) throw badRequest('error decoding YAML: the apply configuration must be an object');
    const expected = apiVersionOf(r.type.group, r.version.name);
    if (config.apiVersion !== expected || config.kind !== r.type.kind) {
      throw badRequest(`invalid object type: ${String(config.apiVersion ?? '')}, Kind=${String(config.kind ?? '')}`);
    }
    const meta = isMap(config.metadata) ? config.metadata : {};
    if (meta.name !== undefined && meta.name !== name)
      throw badRequest(`the name of the object (${meta.name}) does not match the name on the URL (${name})`);
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
   * Decodes a create or update body: the kind and version checks, then (update) the name on the URL, then the
   * namespace rules.
   */
  #decodeFor(r: Resolved, namespace: string | undefined, body: unknown, name?: string): Json {
    const obj = this.#decode(body, r);
    const meta = obj.metadata as Json;
    if (name !== undefined) {
      if (meta.name && meta.name !== name)
        throw badRequest(`the name of the object (${meta.name}) does not match the name on the URL (${name})`);
      meta.name = name;
    }
    this.#checkNamespaceField(r.type, namespace, meta);
    return obj;
  }

  /**
   * Sets `obj`'s managedFields: the ones given (server-side apply computed them), else those of `old` with an
   * Update entry for this request's manager; none at all when that leaves the list empty.
   */
  #setManagedFields(
    obj: KubeObject,
    old: KubeObject | undefined,
    r: Resolved,
    ctx: WriteContext,
    managed: ManagedFieldsEntry[] | undefined,
  ): void {
    const fields =
      managed ??
      recordUpdate(
        old as unknown as Json | undefined,
        obj as unknown as Json,
        this.#manager(ctx),
        apiVersionOf(r.type.group, r.version.name),
        this.clock.nowRfc3339(),
        this.#scope(r, ctx),
        this.#listKeys(r),
      );
    obj.metadata.managedFields = fields as unknown[];
    if (!fields.length) delete obj.metadata.managedFields;
  }

  #decode(body: unknown, r: Resolved): Json {
    if (!isMap(body)) throw badRequest(`Object 'Kind' is missing in '${JSON.stringify(body)?.slice(0, 200)}'`);
    const obj = clone(body);
    const expected = apiVersionOf(r.type.group, r.version.name);
    if (obj.kind !== undefined && obj.kind !== r.type.kind) {
      throw badRequest(
        `${String(obj.kind)} in version "${r.version.name}" cannot be handled as a ${r.type.kind}: the kind in the data (${String(obj.kind)}) does not match the expected kind (${r.type.kind})`,
      );
    }
    if (obj.apiVersion !== undefined && obj.apiVersion !== expected) {
      throw badRequest(
        `the API version in the data (${String(obj.apiVersion)}) does not match the expected API version (${expected})`,
      );
    }
    obj.apiVersion = expected;
    obj.kind = r.type.kind;
    if (obj.metadata !== undefined && !isMap(obj.metadata)) {
      throw badRequest(
        `${r.type.kind} in version "${r.version.name}" cannot be handled as a ${r.type.kind}: json: cannot unmarshal into Go struct field .metadata of type v1.ObjectMeta`,
      );
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
        failure(
          403,
          'Forbidden',
          `${qualifiedResource(type)} "${name}" is forbidden: unable to create new content in namespace ${namespace} because it is being terminated`,
          {
            name,
            group: type.group || undefined,
            kind: type.plural,
            causes: [
              {
                reason: 'NamespaceTerminating',
                message: `namespace ${namespace} is being terminated`,
                field: 'metadata.namespace',
              },
            ],
          },
        ),
      );
    }
  }

  #handleUnknown(obj: Json, r: Resolved, ctx: WriteContext): void {
    const unknown =
      r.type.crd && r.version.schema
        ? this.#validator.pruneUnknown(obj, r.version.schema)
        : this.#validator.pruneBuiltin(obj, r.type.group, r.type.kind);
    if (!unknown.length) return;
    const mode = ctx.fieldValidation ?? 'Warn';
    const texts = unknown.map((f) => `unknown field "${f}"`);
    if (mode === 'Strict') {
      throw badRequest(
        `${r.type.kind} in version "${r.version.name}" cannot be handled as a ${r.type.kind}: strict decoding error: ${texts.join(', ')}`,
      );
    }
    if (mode === 'Warn') ctx.warnings?.push(...texts);
  }

  #schemaCauses(obj: KubeObject, r: Resolved): Cause[] {
    if (!r.type.crd || !r.version.schema) return [];
    return this.#validator.defaultAndValidate(obj as unknown as Json, r.version.schema);
  }

  #compose(
    incoming: KubeObject,
    old: KubeObject,
    type: ResourceType,
    subresource: WriteContext['subresource'],
  ): KubeObject {
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
    if (type.group === '' && type.kind === 'Namespace')
      next.spec = { ...(next.spec ?? {}), finalizers: old.spec?.finalizers ?? [] };
    return next;
  }

  #manager(ctx: WriteContext): string {
    return ctx.fieldManager || 'unknown';
  }

  #scope(r: Resolved, ctx: WriteContext): Scope {
    return { subresource: ctx.subresource === 'status' ? 'status' : undefined, statusSubresource: r.type.status };
  }
}
