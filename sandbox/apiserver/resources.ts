/**
 * The type registry: which kinds the API server serves, under which group, versions, plural and scope.
 * Built-in kinds come from builtins.ts at construction; CRDs add and remove theirs at run time (crds.ts).
 * Everything that routes a request or resolves an `apiVersion`/`kind` asks this registry.
 */
import { EventEmitter } from 'node:events';

/** One `additionalPrinterColumns` entry of a CRD version (used for Tables). */
export interface PrinterColumn {
  name: string;
  type: string;
  format?: string;
  description?: string;
  priority?: number;
  jsonPath: string;
}

/** Where the scale subresource reads and writes replicas (CRD `subresources.scale` spelling). */
export interface ScaleSpec {
  specReplicasPath: string;
  statusReplicasPath: string;
  labelSelectorPath?: string;
}

/** One served (or unserved) version of a kind. */
export interface VersionInfo {
  name: string;
  served: boolean;
  storage: boolean;
  deprecated?: boolean;
  deprecationWarning?: string;
  /** CRD openAPIV3Schema of this version; absent for built-ins. */
  schema?: Record<string, unknown>;
  printerColumns?: PrinterColumn[];
}

/** Converts objects between a served shape and the shape kept in storage (only for aliased kinds). */
export interface Codec {
  toStorage(obj: Record<string, unknown>): Record<string, unknown>;
  fromStorage(obj: Record<string, unknown>): Record<string, unknown>;
}

/** A kind as the server serves it. */
export interface ResourceType {
  group: string;
  kind: string;
  listKind: string;
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  /** Served and unserved versions, highest priority (preferred) first. */
  versions: VersionInfo[];
  verbs: string[];
  /** Has a `/status` subresource: the main endpoint ignores `.status`, `/status` ignores everything else. */
  status: boolean;
  scale?: ScaleSpec;
  /** Extra subresources listed in discovery (`log`, `exec`, `binding`, `finalize`). */
  extraSubresources: string[];
  /** Bumps `metadata.generation` on spec changes. */
  generation: boolean;
  /** PUT on a missing object creates it (Lease, Endpoints, Event). */
  createOnUpdate: boolean;
  /** Name of the CRD that defines this kind; absent for built-ins. */
  crd?: string;
  /** Kinds sharing storage with another kind (events.k8s.io Event → core Event) name it here. */
  storageOf?: { group: string; kind: string };
  codec?: Codec;
}

/** A type plus the version a request addressed. */
export interface Resolved {
  type: ResourceType;
  version: VersionInfo;
}

/** Splits `apps/v1` into `{group: 'apps', version: 'v1'}` and `v1` into `{group: '', version: 'v1'}`. */
export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.lastIndexOf('/');
  return slash < 0
    ? { group: '', version: apiVersion }
    : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

/** Joins a group and version into an `apiVersion` (`v1` for the core group). */
export function apiVersionOf(group: string, version: string): string {
  return group ? `${group}/${version}` : version;
}

/** The key objects of a type are stored under: its own group/kind, or the kind it aliases. */
export function storageKey(type: ResourceType): string {
  const target = type.storageOf ?? type;
  return `${target.group}/${target.kind}`;
}

/** `resource.group` (`pods` for the core group), as error messages name a resource. */
export function qualifiedResource(type: ResourceType): string {
  return type.group ? `${type.plural}.${type.group}` : type.plural;
}

const KUBE_VERSION = /^v(\d+)(?:(alpha|beta)(\d+))?$/;

/**
 * Kubernetes version priority (apimachinery's `CompareKubeAwareVersionStrings`): GA before beta before alpha,
 * higher numbers first, then non-Kubernetes-looking versions alphabetically. Negative when `a` sorts first.
 */
export function compareVersionPriority(a: string, b: string): number {
  const ma = KUBE_VERSION.exec(a);
  const mb = KUBE_VERSION.exec(b);
  if (!ma || !mb) {
    if (ma) return -1;
    if (mb) return 1;
    return a < b ? -1 : a > b ? 1 : 0;
  }
  const rank = (m: RegExpExecArray) => (m[2] === undefined ? 3 : m[2] === 'beta' ? 2 : 1);
  if (rank(ma) !== rank(mb)) return rank(mb) - rank(ma);
  if (Number(ma[1]) !== Number(mb[1])) return Number(mb[1]) - Number(ma[1]);
  return Number(mb[3] ?? 0) - Number(ma[3] ?? 0);
}

/**
 * All served kinds, indexed for routing. Emits `change` whenever a kind is added or removed so discovery and
 * OpenAPI documents can be rebuilt.
 */
export class ResourceRegistry extends EventEmitter {
  readonly #byGroupKind = new Map<string, ResourceType>();
  /** Order in which groups were first registered; built-ins keep the real server's order. */
  readonly #groupOrder: string[] = [];

  /** Adds or replaces a kind (replacing keeps stored objects: they are keyed by group/kind). */
  add(type: ResourceType): void {
    const sorted = { ...type, versions: [...type.versions].sort((a, b) => compareVersionPriority(a.name, b.name)) };
    this.#byGroupKind.set(`${type.group}/${type.kind}`, sorted);
    if (!this.#groupOrder.includes(type.group)) this.#groupOrder.push(type.group);
    this.emit('change');
  }

  remove(group: string, kind: string): void {
    if (this.#byGroupKind.delete(`${group}/${kind}`)) this.emit('change');
  }

  /** The kind, whatever its versions. */
  get(group: string, kind: string): ResourceType | undefined {
    return this.#byGroupKind.get(`${group}/${kind}`);
  }

  /** Resolves an object's `apiVersion` + `kind` to a served version, or undefined. */
  resolve(apiVersion: string, kind: string): Resolved | undefined {
    const { group, version } = splitApiVersion(apiVersion);
    const type = this.get(group, kind);
    const v = type?.versions.find((x) => x.name === version && x.served);
    return type && v ? { type, version: v } : undefined;
  }

  /** Resolves a URL's group, version and plural to a served version, or undefined. */
  byResource(group: string, version: string, plural: string): Resolved | undefined {
    for (const type of this.#byGroupKind.values()) {
      if (type.group !== group || type.plural !== plural) continue;
      const v = type.versions.find((x) => x.name === version && x.served);
      if (v) return { type, version: v };
    }
    return undefined;
  }

  /** Every kind, in registration order. */
  all(): ResourceType[] {
    return [...this.#byGroupKind.values()];
  }

  /** Kinds sharing the storage key (a kind and its aliases). */
  sharingStorage(key: string): ResourceType[] {
    return this.all().filter((t) => storageKey(t) === key);
  }

  /**
   * Served groups with their served versions (preferred first), core group first, then in registration
   * order, which puts built-in groups in the real server's order and CRD groups after them.
   */
  groups(): Array<{ group: string; versions: string[] }> {
    const out: Array<{ group: string; versions: string[] }> = [];
    for (const group of this.#groupOrder) {
      const versions = new Set<string>();
      const types = this.all().filter((t) => t.group === group);
      for (const t of types) for (const v of t.versions) if (v.served) versions.add(v.name);
      if (versions.size === 0) continue;
      out.push({ group, versions: [...versions].sort(compareVersionPriority) });
    }
    return out;
  }

  /** Kinds served in one group version. */
  inGroupVersion(group: string, version: string): Array<{ type: ResourceType; version: VersionInfo }> {
    const out: Array<{ type: ResourceType; version: VersionInfo }> = [];
    for (const type of this.all()) {
      if (type.group !== group) continue;
      const v = type.versions.find((x) => x.name === version && x.served);
      if (v) out.push({ type, version: v });
    }
    return out;
  }
}
