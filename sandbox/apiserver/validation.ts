/**
 * Structural-schema handling for custom resources, as the real apiextensions server does it: unknown fields
 * are found and pruned (the caller decides Strict / Warn / Ignore), schema defaults are applied, and the
 * object is validated against the CRD version's openAPIV3Schema (ajv; CEL rules are skipped). Also checks
 * the top-level fields of built-in kinds so `fieldValidation=Strict` catches typos like `spce:`.
 */
import AjvModule, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { Cause } from './strategies.ts';
import type { JsonObject as Json } from '../kube/json.ts';

// ajv and ajv-formats are CommonJS; under NodeNext their default export is the module object.
const Ajv: any = (AjvModule as any).default ?? AjvModule;
const addFormats: any = (addFormatsModule as any).default ?? addFormatsModule;

type Schema = Record<string, unknown>;

/** How unknown fields are treated (`fieldValidation` query parameter). */
export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

export const OBJECT_META_FIELDS: ReadonlySet<string> = new Set([
  'name',
  'generateName',
  'namespace',
  'selfLink',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'labels',
  'annotations',
  'ownerReferences',
  'finalizers',
  'managedFields',
]);

const GO_DURATION = /^[-+]?((\d+(\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h))+$|^0$/;

/** Top-level fields of built-in kinds that are not `spec`/`status` shaped. */
const TOP_LEVEL_FIELDS: Record<string, string[]> = {
  '/ConfigMap': ['data', 'binaryData', 'immutable'],
  '/Secret': ['data', 'stringData', 'type', 'immutable'],
  '/ServiceAccount': ['secrets', 'imagePullSecrets', 'automountServiceAccountToken'],
  '/Event': [
    'involvedObject',
    'reason',
    'message',
    'source',
    'firstTimestamp',
    'lastTimestamp',
    'count',
    'type',
    'eventTime',
    'series',
    'action',
    'related',
    'reportingComponent',
    'reportingInstance',
  ],
  'events.k8s.io/Event': [
    'eventTime',
    'series',
    'reportingController',
    'reportingInstance',
    'action',
    'reason',
    'regarding',
    'related',
    'note',
    'type',
    'deprecatedSource',
    'deprecatedFirstTimestamp',
    'deprecatedLastTimestamp',
    'deprecatedCount',
  ],
  '/Endpoints': ['subsets'],
  '/Binding': ['target'],
  'rbac.authorization.k8s.io/Role': ['rules'],
  'rbac.authorization.k8s.io/ClusterRole': ['rules', 'aggregationRule'],
  'rbac.authorization.k8s.io/RoleBinding': ['subjects', 'roleRef'],
  'rbac.authorization.k8s.io/ClusterRoleBinding': ['subjects', 'roleRef'],
  'storage.k8s.io/StorageClass': [
    'provisioner',
    'parameters',
    'reclaimPolicy',
    'mountOptions',
    'allowVolumeExpansion',
    'volumeBindingMode',
    'allowedTopologies',
  ],
  'scheduling.k8s.io/PriorityClass': ['value', 'globalDefault', 'description', 'preemptionPolicy'],
  'admissionregistration.k8s.io/MutatingWebhookConfiguration': ['webhooks'],
  'admissionregistration.k8s.io/ValidatingWebhookConfiguration': ['webhooks'],
  'apps/ControllerRevision': ['data', 'revision'],
};

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `/spec/containers/0/name` → `spec.containers[0].name`. */
export function fieldPath(instancePath: string): string {
  let out = '';
  for (const raw of instancePath.split('/').slice(1)) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    out += /^\d+$/.test(seg) ? `[${seg}]` : out ? `.${seg}` : seg;
  }
  return out;
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

/** Unknown metadata fields (Strict decoding of ObjectMeta); pruned in place. */
function pruneMetadata(obj: Json, unknown: string[]): void {
  const meta = obj.metadata;
  if (!isObject(meta)) return;
  for (const key of Object.keys(meta)) {
    if (!OBJECT_META_FIELDS.has(key)) {
      unknown.push(`metadata.${key}`);
      delete meta[key];
    }
  }
}

/**
 * Walks `value` along a structural schema, deleting fields the schema does not allow and recording their paths.
 * `x-kubernetes-preserve-unknown-fields` keeps unknown fields; embedded resources keep apiVersion/kind/metadata.
 */
function prune(value: unknown, schema: Schema | undefined, path: string, unknown: string[]): void {
  if (!schema) return;
  if (Array.isArray(value)) {
    const items = schema.items as Schema | undefined;
    value.forEach((item, i) => prune(item, items, `${path}[${i}]`, unknown));
    return;
  }
  if (!isObject(value)) return;
  const properties = schema.properties as Record<string, Schema> | undefined;
  const additional = schema.additionalProperties;
  const preserve = schema['x-kubernetes-preserve-unknown-fields'] === true;
  const embedded = schema['x-kubernetes-embedded-resource'] === true;
  for (const key of Object.keys(value)) {
    const child = join(path, key);
    if (properties && Object.hasOwn(properties, key)) prune(value[key], properties[key], child, unknown);
    else if (isObject(additional)) prune(value[key], additional as Schema, child, unknown);
    else if (additional === true || preserve) continue;
    else if (embedded && (key === 'apiVersion' || key === 'kind' || key === 'metadata')) continue;
    else {
      unknown.push(child);
      delete value[key];
    }
  }
}

/** Rewrites a CRD schema for ajv: root identity fields loosened, keywords ajv does not know made harmless. */
function prepareSchema(schema: Schema): Schema {
  const copy = structuredClone(schema);
  const props = (copy.properties ??= {}) as Record<string, Schema>;
  props.apiVersion = { type: 'string' };
  props.kind = { type: 'string' };
  props.metadata = { type: 'object' };
  return copy;
}

function ajvMessage(err: ErrorObject, data: Json): Cause {
  const path = fieldPath(err.instancePath);
  const value = valueAt(data, err.instancePath);
  const shown = typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value ?? null);
  const params = err.params as Record<string, unknown>;
  const rules: Record<string, () => Cause> = {
    required: () => ({
      field: join(path, String(params.missingProperty)),
      message: 'Required value',
      reason: 'FieldValueRequired',
    }),
    type: () => {
      const actual = Array.isArray(value)
        ? 'array'
        : value === null
          ? 'null'
          : Number.isInteger(value)
            ? 'integer'
            : typeof value;
      return {
        field: path,
        message: `Invalid value: "${actual}": ${path} in body must be of type ${params.type}: "${actual}"`,
        reason: 'FieldValueInvalid',
      };
    },
    enum: () => ({
      field: path,
      message: `Unsupported value: ${shown}: supported values: ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`,
      reason: 'FieldValueNotSupported',
    }),
    pattern: () => ({
      field: path,
      message: `Invalid value: ${shown}: ${path} in body should match '${params.pattern}'`,
      reason: 'FieldValueInvalid',
    }),
    format: () => ({
      field: path,
      message: `Invalid value: ${shown}: ${path} in body must be of type ${params.format}: ${shown}`,
      reason: 'FieldValueInvalid',
    }),
    minimum: () => ({
      field: path,
      message: `Invalid value: ${shown}: ${path} in body should be greater than or equal to ${params.limit}`,
      reason: 'FieldValueInvalid',
    }),
    maximum: () => ({
      field: path,
      message: `Invalid value: ${shown}: ${path} in body should be less than or equal to ${params.limit}`,
      reason: 'FieldValueInvalid',
    }),
    minLength: () => ({
      field: path,
      message: `Invalid value: ${shown}: ${path} in body should be at least ${params.limit} chars long`,
      reason: 'FieldValueInvalid',
    }),
    maxLength: () => ({
      field: path,
      message: `Too long: may not be more than ${params.limit} bytes`,
      reason: 'FieldValueInvalid',
    }),
    minItems: () => ({
      field: path,
      message: `Invalid value: ${Array.isArray(value) ? value.length : 0}: ${path} in body should have at least ${params.limit} items`,
      reason: 'FieldValueInvalid',
    }),
    maxItems: () => ({
      field: path,
      message: `Too many: ${Array.isArray(value) ? value.length : 0}: must have at most ${params.limit} items`,
      reason: 'FieldValueInvalid',
    }),
  };
  return (
    rules[err.keyword]?.() ?? {
      field: path,
      message: `Invalid value: ${shown}: ${err.message ?? err.keyword}`,
      reason: 'FieldValueInvalid',
    }
  );
}

function valueAt(data: unknown, instancePath: string): unknown {
  let cur = data;
  for (const raw of instancePath.split('/').slice(1)) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    cur = (cur as Record<string, unknown> | undefined)?.[seg];
  }
  return cur;
}

/**
 * Prunes, defaults and validates custom resources against CRD schemas; also checks built-in top-level fields.
 * One instance per API server (it caches compiled schemas).
 */
export class SchemaValidator {
  readonly #ajv: any;
  readonly #compiled = new WeakMap<Schema, ValidateFunction>();

  constructor() {
    const ajv = new Ajv({
      allErrors: true,
      useDefaults: true,
      strict: false,
      strictTypes: false,
      allowUnionTypes: true,
      logger: false,
    });
    addFormats(ajv);
    ajv.addFormat('int32', {
      type: 'number',
      validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31,
    });
    ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isInteger(n) });
    ajv.addFormat('float', { type: 'number', validate: () => true });
    ajv.addFormat('double', { type: 'number', validate: () => true });
    ajv.addFormat('byte', /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/);
    ajv.addFormat('password', () => true);
    ajv.addFormat('duration', (s: string) => GO_DURATION.test(s));
    for (const keyword of [
      'x-kubernetes-preserve-unknown-fields',
      'x-kubernetes-embedded-resource',
      'x-kubernetes-list-type',
      'x-kubernetes-list-map-keys',
      'x-kubernetes-map-type',
      'x-kubernetes-validations',
    ]) {
      ajv.addKeyword({ keyword });
    }
    ajv.addKeyword({
      keyword: 'x-kubernetes-int-or-string',
      validate: (enabled: boolean, data: unknown) => !enabled || typeof data === 'string' || Number.isInteger(data),
      errors: false,
    });
    this.#ajv = ajv;
  }

  /**
   * Removes fields neither the schema nor ObjectMeta knows, in place, and returns their paths
   * (`spec.foo`, `metadata.bar`) so the caller can fail (Strict), warn (Warn) or stay silent (Ignore).
   */
  pruneUnknown(obj: Json, schema: Schema): string[] {
    const unknown: string[] = [];
    pruneMetadata(obj, unknown);
    const rest = { ...obj };
    delete rest.apiVersion;
    delete rest.kind;
    delete rest.metadata;
    prune(rest, { ...schema, properties: { ...((schema.properties as object) ?? {}) } }, '', unknown);
    for (const key of Object.keys(obj)) {
      if (key !== 'apiVersion' && key !== 'kind' && key !== 'metadata' && !(key in rest)) delete obj[key];
    }
    return unknown;
  }

  /** Unknown top-level (and metadata) fields of a built-in kind, pruned in place. */
  pruneBuiltin(obj: Json, group: string, kind: string): string[] {
    const unknown: string[] = [];
    pruneMetadata(obj, unknown);
    const allowed = new Set([
      'apiVersion',
      'kind',
      'metadata',
      ...(TOP_LEVEL_FIELDS[`${group}/${kind}`] ?? ['spec', 'status']),
    ]);
    for (const key of Object.keys(obj)) {
      if (!allowed.has(key)) {
        unknown.push(key);
        delete obj[key];
      }
    }
    return unknown;
  }

  /** Applies the schema's defaults in place and returns the validation causes (empty when valid). */
  defaultAndValidate(obj: Json, schema: Schema): Cause[] {
    let validate = this.#compiled.get(schema);
    if (!validate) {
      validate = this.#ajv.compile(prepareSchema(schema)) as ValidateFunction;
      this.#compiled.set(schema, validate);
    }
    if (validate(obj)) return [];
    const causes = (validate.errors ?? [])
      .filter((e) => e.keyword !== 'anyOf' && e.keyword !== 'if')
      .map((e) => ajvMessage(e, obj));
    const seen = new Set<string>();
    return causes.filter((c) => {
      const key = `${c.field}|${c.message}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  }
}
