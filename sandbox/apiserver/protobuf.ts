/**
 * Request bodies in Kubernetes protobuf (`application/vnd.kubernetes.protobuf`), which client-go's typed
 * clients send: helm's release storage (Secrets), `kubectl create namespace|configmap|secret|serviceaccount`,
 * `kubectl create deployment` and `kubectl create service` (`kubectl run` and `kubectl expose` send JSON).
 * Decodes the `k8s\0` + runtime.Unknown envelope and the few messages those clients send into the JSON shape
 * the rest of the server uses. Field numbers follow the upstream generated.proto files. Kinds outside the
 * tables (here and in protobuf-workloads.ts) and bodies that do not parse are refused with 415; fields a
 * table does not list are stepped over by wire type (as any protobuf reader does), so list every field a
 * client is expected to set.
 */
import { ApiError } from '../kube/types.ts';
import { WORKLOAD_MESSAGES } from './protobuf-workloads.ts';
import { failure } from './status.ts';
import type { JsonObject as Json } from '../kube/json.ts';

/** How one field is read: its JSON name, its type, and whether it repeats. */
type FieldType =
  | 'string'
  | 'bytes'
  | 'int32'
  | 'int64'
  | 'bool'
  | 'time'
  | 'fieldsV1'
  | 'mapString'
  | 'mapBytes'
  | 'mapQuantity'
  | 'intOrString'
  | { message: string };
/**
 * `repeated` for lists; `omitzero` for non-pointer Go fields tagged `omitempty` (gogo writes them even when
 * zero, JSON leaves them out). Pointer fields (replicas, terminationGracePeriodSeconds…) keep their zero.
 */
type Mode = 'repeated' | 'omitzero';
type Field = [name: string, type: FieldType, mode?: Mode];

/** A table of messages by name: field number → field. Used to add kinds in sibling files. */
export type MessageTable = Record<string, Record<number, Field>>;

const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

/** Messages by name: field number → field. */
const CORE_MESSAGES: MessageTable = {
  Unknown: {
    1: ['typeMeta', { message: 'TypeMeta' }],
    2: ['raw', 'bytes'],
    3: ['contentEncoding', 'string'],
    4: ['contentType', 'string'],
  },
  TypeMeta: { 1: ['apiVersion', 'string'], 2: ['kind', 'string'] },
  ObjectMeta: {
    1: ['name', 'string'],
    2: ['generateName', 'string'],
    3: ['namespace', 'string'],
    4: ['selfLink', 'string'],
    5: ['uid', 'string'],
    6: ['resourceVersion', 'string'],
    7: ['generation', 'int64', 'omitzero'],
    8: ['creationTimestamp', 'time'],
    9: ['deletionTimestamp', 'time'],
    10: ['deletionGracePeriodSeconds', 'int64'],
    11: ['labels', 'mapString'],
    12: ['annotations', 'mapString'],
    13: ['ownerReferences', { message: 'OwnerReference' }, 'repeated'],
    14: ['finalizers', 'string', 'repeated'],
    17: ['managedFields', { message: 'ManagedFieldsEntry' }, 'repeated'],
  },
  OwnerReference: {
    1: ['kind', 'string'],
    3: ['name', 'string'],
    4: ['uid', 'string'],
    5: ['apiVersion', 'string'],
    6: ['controller', 'bool'],
    7: ['blockOwnerDeletion', 'bool'],
  },
  ManagedFieldsEntry: {
    1: ['manager', 'string'],
    2: ['operation', 'string'],
    3: ['apiVersion', 'string'],
    4: ['time', 'time'],
    6: ['fieldsType', 'string'],
    7: ['fieldsV1', 'fieldsV1'],
    8: ['subresource', 'string'],
  },
  DeleteOptions: {
    1: ['gracePeriodSeconds', 'int64'],
    2: ['preconditions', { message: 'Preconditions' }],
    3: ['orphanDependents', 'bool'],
    4: ['propagationPolicy', 'string'],
    5: ['dryRun', 'string', 'repeated'],
  },
  Preconditions: { 1: ['uid', 'string'], 2: ['resourceVersion', 'string'] },
  Namespace: {
    1: ['metadata', { message: 'ObjectMeta' }],
    2: ['spec', { message: 'NamespaceSpec' }],
    3: ['status', { message: 'NamespaceStatus' }],
  },
  NamespaceSpec: { 1: ['finalizers', 'string', 'repeated'] },
  NamespaceStatus: { 1: ['phase', 'string'] },
  ConfigMap: {
    1: ['metadata', { message: 'ObjectMeta' }],
    2: ['data', 'mapString'],
    3: ['binaryData', 'mapBytes'],
    4: ['immutable', 'bool'],
  },
  Secret: {
    1: ['metadata', { message: 'ObjectMeta' }],
    2: ['data', 'mapBytes'],
    3: ['type', 'string'],
    4: ['stringData', 'mapString'],
    5: ['immutable', 'bool'],
  },
  ServiceAccount: {
    1: ['metadata', { message: 'ObjectMeta' }],
    2: ['secrets', { message: 'ObjectReference' }, 'repeated'],
    3: ['imagePullSecrets', { message: 'LocalObjectReference' }, 'repeated'],
    4: ['automountServiceAccountToken', 'bool'],
  },
  ObjectReference: {
    1: ['kind', 'string'],
    2: ['namespace', 'string'],
    3: ['name', 'string'],
    4: ['uid', 'string'],
    5: ['apiVersion', 'string'],
    6: ['resourceVersion', 'string'],
    7: ['fieldPath', 'string'],
  },
  LocalObjectReference: { 1: ['name', 'string'] },
  Time: { 1: ['seconds', 'int64'], 2: ['nanos', 'int32'] },
  Quantity: { 1: ['string', 'string'] },
};

const MESSAGES: MessageTable = { ...CORE_MESSAGES, ...WORKLOAD_MESSAGES };

/** Top-level kinds accepted in protobuf, by `apiVersion/kind`. */
const TOP_LEVEL: Record<string, string> = {
  'v1/Namespace': 'Namespace',
  'v1/ConfigMap': 'ConfigMap',
  'v1/Secret': 'Secret',
  'v1/ServiceAccount': 'ServiceAccount',
  'v1/Pod': 'Pod',
  'v1/Service': 'Service',
  'apps/v1/Deployment': 'Deployment',
  'v1/DeleteOptions': 'DeleteOptions',
  'meta.k8s.io/v1/DeleteOptions': 'DeleteOptions',
};

function unsupported(what: string): ApiError {
  return new ApiError(
    failure(
      415,
      'UnsupportedMediaType',
      `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml (the sandbox decodes application/vnd.kubernetes.protobuf only for Namespace, ConfigMap, Secret, ServiceAccount, Pod, Service, apps/v1 Deployment and DeleteOptions; ${what})`,
    ),
  );
}

/** A cursor over protobuf wire data. */
class Reader {
  readonly #buf: Buffer;
  #pos: number;
  readonly #end: number;

  constructor(buf: Buffer, start = 0, end = buf.length) {
    this.#buf = buf;
    this.#pos = start;
    this.#end = end;
  }

  get done(): boolean {
    return this.#pos >= this.#end;
  }

  varint(): bigint {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (this.#pos >= this.#end) throw unsupported('truncated varint');
      const byte = this.#buf[this.#pos++]!;
      result |= BigInt(byte & 0x7f) << shift;
      if (!(byte & 0x80)) return result;
      shift += 7n;
      if (shift > 63n) throw unsupported('varint too long');
    }
  }

  bytes(): Buffer {
    const len = Number(this.varint());
    if (this.#pos + len > this.#end) throw unsupported('truncated field');
    const out = this.#buf.subarray(this.#pos, this.#pos + len);
    this.#pos += len;
    return out;
  }

  #advance(n: number): void {
    if (this.#pos + n > this.#end) throw unsupported('truncated field');
    this.#pos += n;
  }

  skip(wireType: number): void {
    const skips: Record<number, () => void> = {
      0: () => void this.varint(),
      1: () => this.#advance(8),
      2: () => void this.bytes(),
      5: () => this.#advance(4),
    };
    const skipper = skips[wireType];
    if (!skipper) throw unsupported(`wire type ${wireType}`);
    skipper();
  }
}

/** Go's zero time.Time (0001-01-01T00:00:00Z) in Unix seconds: gogo encodes it for unset non-pointer times. */
const GO_ZERO_TIME_SECONDS = -62135596800;

function timeOf(msg: Json): string | undefined {
  if (msg.seconds === undefined || Number(msg.seconds) <= GO_ZERO_TIME_SECONDS) return undefined;
  return new Date(Number(msg.seconds) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** How a map value is turned into its JSON string: UTF-8, base64, or a Quantity message's string. */
const MAP_VALUES: Record<'string' | 'bytes' | 'quantity', (data: Buffer) => string> = {
  string: (data) => data.toString('utf8'),
  bytes: (data) => data.toString('base64'),
  quantity: (data) => String(decodeMessage(data, 'Quantity').string ?? ''),
};

function mapEntry(raw: Buffer, valueType: keyof typeof MAP_VALUES): [string, string] {
  const r = new Reader(raw);
  let key = '';
  let value = '';
  while (!r.done) {
    const tag = Number(r.varint());
    const [num, wire] = [tag >>> 3, tag & 7];
    if (wire !== 2) {
      r.skip(wire);
      continue;
    }
    const data = r.bytes();
    if (num === 1) key = data.toString('utf8');
    else if (num === 2) value = MAP_VALUES[valueType](data);
  }
  return [key, value];
}

/** Field types carried as varints (wire type 0); every other type is length-delimited (wire type 2). */
const VARINT_TYPES: ReadonlySet<FieldType> = new Set<FieldType>(['int32', 'int64', 'bool']);

/** Reads one value of a field given its wire type. */
function readValue(r: Reader, wire: number, type: FieldType, message: string, name: string): unknown {
  if (wire !== (VARINT_TYPES.has(type) ? 0 : 2)) throw unsupported(`${message}.${name}: unexpected wire type ${wire}`);
  if (typeof type === 'object') return decodeMessage(r.bytes(), type.message);
  const readers: Record<Exclude<FieldType, { message: string }>, () => unknown> = {
    string: () => r.bytes().toString('utf8'),
    bytes: () => r.bytes().toString('base64'),
    int32: () => Number(BigInt.asIntN(32, r.varint())),
    int64: () => Number(BigInt.asIntN(64, r.varint())),
    bool: () => r.varint() !== 0n,
    time: () => timeOf(decodeMessage(r.bytes(), 'Time')),
    fieldsV1: () => {
      const inner = decodeRawFields(r.bytes());
      return inner ? JSON.parse(inner) : {};
    },
    mapString: () => mapEntry(r.bytes(), 'string'),
    mapBytes: () => mapEntry(r.bytes(), 'bytes'),
    mapQuantity: () => mapEntry(r.bytes(), 'quantity'),
    intOrString: () => intOrString(decodeMessage(r.bytes(), 'IntOrString')),
  };
  return readers[type]();
}

/** IntOrString is {type, intVal, strVal}; JSON writes it as a bare number or string. Type 1 is string. */
function intOrString(msg: Json): number | string {
  return msg.type === 1 ? String(msg.strVal ?? '') : Number(msg.intVal ?? 0);
}

/** Values JSON's omitempty leaves out of non-pointer fields. */
function isZero(value: unknown): boolean {
  return value === 0 || value === false || value === '';
}

/** FieldsV1 is a message with one bytes field (1) holding JSON. */
function decodeRawFields(buf: Buffer): string | undefined {
  const r = new Reader(buf);
  while (!r.done) {
    const tag = Number(r.varint());
    if (tag >>> 3 === 1 && (tag & 7) === 2) return r.bytes().toString('utf8');
    r.skip(tag & 7);
  }
  return undefined;
}

/** Decodes a message into JSON with the table above. */
export function decodeMessage(buf: Buffer, message: string): Json {
  const fields = MESSAGES[message];
  if (!fields) throw unsupported(`message ${message}`);
  const out: Json = {};
  const r = new Reader(buf);
  while (!r.done) {
    const tag = Number(r.varint());
    const [num, wire] = [tag >>> 3, tag & 7];
    const field = fields[num];
    if (!field) {
      // A field newer than (or outside) this table: step over it by wire type, as protobuf readers do.
      r.skip(wire);
      continue;
    }
    const [name, type, mode] = field;
    const repeated = mode === 'repeated';
    const value = readValue(r, wire, type, message, name);
    // gogo writes non-pointer fields even when empty; JSON's omitempty would leave them out.
    if (!repeated && (value === '' || value === undefined)) continue;
    if (mode === 'omitzero' && isZero(value)) continue;
    if (type === 'mapString' || type === 'mapBytes' || type === 'mapQuantity') {
      const [k, v] = value as [string, string];
      out[name] = { ...((out[name] as Json | undefined) ?? {}), [k]: v };
    } else if (repeated) {
      out[name] = [...((out[name] as unknown[] | undefined) ?? []), value];
    } else {
      out[name] = value;
    }
  }
  return out;
}

/** True for a Content-Type naming Kubernetes protobuf. */
export function isProtobuf(mediaType: string): boolean {
  return mediaType === 'application/vnd.kubernetes.protobuf';
}

/** Decodes a `k8s\0`-framed object into its JSON form (with apiVersion and kind). */
export function decodeProtobufObject(body: Buffer): Json {
  if (body.length < MAGIC.length || !body.subarray(0, MAGIC.length).equals(MAGIC))
    throw unsupported('missing k8s protobuf prefix');
  const envelope = decodeMessage(body.subarray(MAGIC.length), 'Unknown');
  const typeMeta = (envelope.typeMeta as Json | undefined) ?? {};
  const apiVersion = String(typeMeta.apiVersion ?? '');
  const kind = String(typeMeta.kind ?? '');
  const message = TOP_LEVEL[`${apiVersion}/${kind}`];
  if (!message) throw unsupported(`got ${apiVersion || '?'}/${kind || '?'}`);
  const raw = Buffer.from(String(envelope.raw ?? ''), 'base64');
  return { apiVersion, kind, ...decodeMessage(raw, message) };
}
