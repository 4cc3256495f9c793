/**
 * The in-process Kubernetes contract shared by the sandbox's API server, its controllers and its kubelet.
 *
 * The API server's HTTP handlers and the in-process client (`sandbox/apiserver/inprocess.ts`) both sit on the
 * same object store, so a controller writing through `Kube` gets exactly the semantics a client writing over
 * HTTPS gets: resourceVersion, generation, defaults, validation, finalizers, watch events, the journal.
 */

/** Object metadata, as much of `metav1.ObjectMeta` as the sandbox honours. */
export interface ObjectMeta {
  name: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
  managedFields?: unknown[];
}

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

/** Any Kubernetes object. `spec`/`status` stay loosely typed: kinds are data here, not classes. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  spec?: any;
  status?: any;
  [field: string]: unknown;
}

/** Identifies one object. `apiVersion` may be any served version of the kind (conversion is `None`). */
export interface ObjectRef {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
}

/** Identifies a collection: a kind, optionally limited to one namespace. */
export interface CollectionRef {
  apiVersion: string;
  kind: string;
  namespace?: string;
}

export interface ListOptions {
  /** Kubernetes label selector syntax, e.g. `app=foundry,tier in (gpu)`. */
  labelSelector?: string;
  /** Kubernetes field selector syntax, e.g. `metadata.name=x,status.phase!=Running`. */
  fieldSelector?: string;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface WatchEvent<T extends KubeObject = KubeObject> {
  type: WatchEventType;
  object: T;
}

export type PatchType = 'merge' | 'json' | 'strategic' | 'apply';

export interface WriteOptions {
  /** `status` writes only `.status`; the main resource ignores `.status` when the kind has a status subresource. */
  subresource?: 'status';
  fieldManager?: string;
  /** Server-side apply only. */
  force?: boolean;
}

export interface DeleteOptions {
  propagationPolicy?: 'Background' | 'Foreground' | 'Orphan';
  /** Pods only: 0 removes a pod at once; otherwise the kubelet finishes the deletion after the containers stop. */
  gracePeriodSeconds?: number;
}

/** The `Status` object Kubernetes answers errors with. */
export interface StatusBody {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message: string;
  reason: string;
  code: number;
  details?: {
    name?: string;
    group?: string;
    kind?: string;
    causes?: Array<{ reason?: string; message?: string; field?: string }>;
    retryAfterSeconds?: number;
  };
}

/**
 * Thrown by every `Kube` method on failure, carrying the same `Status` the HTTP API would answer with
 * (NotFound 404, AlreadyExists 409, Conflict 409, Invalid 422, BadRequest 400, Forbidden 403, …).
 */
export class ApiError extends Error {
  readonly status: StatusBody;
  constructor(status: StatusBody) {
    super(status.message);
    this.name = 'ApiError';
    this.status = status;
  }
  get code(): number {
    return this.status.code;
  }
  get reason(): string {
    return this.status.reason;
  }
}

/** True when `err` is an ApiError with the given HTTP code (e.g. `isApiError(e, 404)`). */
export function isApiError(err: unknown, code?: number): err is ApiError {
  return err instanceof ApiError && (code === undefined || err.code === code);
}

/**
 * What controllers and the kubelet use to talk to the sandbox's API, in process.
 * Synchronous on purpose: the store is in memory; watch callbacks are delivered asynchronously, in order.
 */
export interface Kube {
  /** The object, or undefined when it does not exist. */
  get<T extends KubeObject = KubeObject>(ref: ObjectRef): T | undefined;
  list<T extends KubeObject = KubeObject>(ref: CollectionRef, options?: ListOptions): T[];
  /** Creates the object (honours `generateName`), applying defaults and validation. Throws ApiError. */
  create<T extends KubeObject = KubeObject>(obj: T, options?: WriteOptions): T;
  /** Replaces the object; a set `metadata.resourceVersion` must match (409 Conflict otherwise). */
  update<T extends KubeObject = KubeObject>(obj: T, options?: WriteOptions): T;
  patch<T extends KubeObject = KubeObject>(ref: ObjectRef, patch: unknown, type: PatchType, options?: WriteOptions): T;
  /** Starts deletion; returns the object as left (with deletionTimestamp) or undefined when it is gone. */
  delete(ref: ObjectRef, options?: DeleteOptions): KubeObject | undefined;
  /**
   * Delivers ADDED for every current matching object, then every later change, until the returned
   * function is called. Objects are delivered in the `apiVersion` of `ref`.
   */
  watch<T extends KubeObject = KubeObject>(
    ref: CollectionRef,
    options: ListOptions,
    onEvent: (event: WatchEvent<T>) => void,
  ): () => void;
}
