/**
 * The suite's vocabulary for Flux and core objects: the generated per-version types (flux-types.generated.ts, from
 * the vendored CRDs), one union per kind covering every version any vendored Flux line serves, and the few
 * accessors where versions differ. Which fields a version has is decided from the CRD schemas at generation time
 * (FLUX_SERVED_VERSIONS), never by hard-coded version checks.
 */
import { FLUX_KINDS, FLUX_SERVED_VERSIONS, type FluxCondition, type FluxTypesByKind } from './flux-types.generated.ts';

export * from './flux-types.generated.ts';
export * from './k8s-types.ts';

/** A Flux kind the vendored CRDs define ("GitRepository", "ImagePolicy", …). */
export type FluxKind = (typeof FLUX_KINDS)[number];

export type GitRepository = FluxTypesByKind['GitRepository'];
export type OCIRepository = FluxTypesByKind['OCIRepository'];
export type HelmRepository = FluxTypesByKind['HelmRepository'];
export type HelmChart = FluxTypesByKind['HelmChart'];
export type Kustomization = FluxTypesByKind['Kustomization'];
export type HelmRelease = FluxTypesByKind['HelmRelease'];
export type ImageRepository = FluxTypesByKind['ImageRepository'];
export type ImagePolicy = FluxTypesByKind['ImagePolicy'];
export type ImageUpdateAutomation = FluxTypesByKind['ImageUpdateAutomation'];

/** Any served version of any Flux kind. */
export type FluxObject = FluxTypesByKind[FluxKind];
/** The apiVersions served for a kind ("image.toolkit.fluxcd.io/v1" | …). */
export type FluxApiVersion<K extends FluxKind = FluxKind> = FluxTypesByKind[K]['apiVersion'];
/** The type of one kind at one apiVersion. */
export type FluxObjectOf<K extends FluxKind, A extends FluxApiVersion<K> = FluxApiVersion<K>> = Extract<
  FluxTypesByKind[K],
  { apiVersion: A }
>;

/** Schema fields the capability table records per (kind, apiVersion). */
export type FluxSchemaField = 'lastHandledReconcileAt' | 'interval' | 'retryInterval' | 'observedGeneration';

/** One (kind, apiVersion) as the vendored CRDs serve it. */
export interface FluxServedVersion extends Record<FluxSchemaField, boolean> {
  lines: readonly string[];
  storageIn: readonly string[];
  deprecated: boolean;
}

export function isFluxKind(kind: string): kind is FluxKind {
  return (FLUX_KINDS as readonly string[]).includes(kind);
}

/** The table row for (kind, apiVersion), or undefined when no vendored Flux line serves that pair. */
export function fluxServedVersion(kind: string, apiVersion: string): FluxServedVersion | undefined {
  if (!isFluxKind(kind)) return undefined;
  const byVersion: Partial<Record<string, FluxServedVersion>> = FLUX_SERVED_VERSIONS[kind];
  return byVersion[apiVersion];
}

/**
 * Whether the served (kind, apiVersion) has `field` in its schema, on every vendored line that serves it. Throws for
 * a pair no vendored line serves: guessing would make a wait watch a field that never comes.
 */
export function schemaHas(kind: string, apiVersion: string, field: FluxSchemaField): boolean {
  const row = fluxServedVersion(kind, apiVersion);
  if (!row) {
    throw new Error(
      `${kind} ${apiVersion} is not in the vendored Flux CRDs (sandbox/flux-crds): vendor that Flux line and run npm run generate:flux-types`,
    );
  }
  return row[field];
}

/** Whether a reconcile request on this (kind, apiVersion) is acknowledged in status.lastHandledReconcileAt. */
export function supportsLastHandledReconcileAt(kind: string, apiVersion: string): boolean {
  return schemaHas(kind, apiVersion, 'lastHandledReconcileAt');
}

/** True when `obj` looks like a Flux object of a vendored (kind, apiVersion); use it on watch events. */
export function isFluxObject(obj: unknown): obj is FluxObject {
  if (!obj || typeof obj !== 'object') return false;
  const { kind, apiVersion, metadata } = obj as Record<string, unknown>;
  return (
    typeof kind === 'string' &&
    typeof apiVersion === 'string' &&
    typeof metadata === 'object' &&
    fluxServedVersion(kind, apiVersion) !== undefined
  );
}

/** Narrows a union of versions to one apiVersion: `if (hasApiVersion(p, 'image.toolkit.fluxcd.io/v1')) p.status?.latestRef`. */
export function hasApiVersion<T extends FluxObject, A extends T['apiVersion']>(
  obj: T,
  apiVersion: A,
): obj is Extract<T, { apiVersion: A }> {
  return obj.apiVersion === apiVersion;
}

/** status.lastHandledReconcileAt where the version has it (undefined on ImagePolicy v1beta1/v1beta2). */
export function lastHandledReconcileAt(obj: FluxObject): string | undefined {
  const status = obj.status;
  return status && 'lastHandledReconcileAt' in status ? status.lastHandledReconcileAt : undefined;
}

/** spec.interval where the version has it (ImagePolicy v1beta1 has none: it follows its ImageRepository). */
export function fluxInterval(obj: FluxObject): string | undefined {
  const spec = obj.spec;
  return spec && 'interval' in spec ? spec.interval : undefined;
}

/** spec.retryInterval (Kustomization only among the vendored kinds). */
export function fluxRetryInterval(obj: FluxObject): string | undefined {
  const spec = obj.spec;
  return spec && 'retryInterval' in spec ? spec.retryInterval : undefined;
}

/** status.conditions of any Flux object (every served version has them). */
export function fluxConditions(obj: FluxObject): FluxCondition[] {
  return obj.status?.conditions ?? [];
}

/** The image an ImagePolicy selected, as name/tag/digest. */
export interface ImageRef {
  name: string;
  tag: string;
  digest?: string;
}

/**
 * The latest image an ImagePolicy resolved, on any line: `status.latestRef` (v1; v1beta2 from
 * image-reflector-controller v0.35) or the `name:tag[@digest]` string in `status.latestImage` (v1beta1, v1beta2).
 */
export function imagePolicyLatestRef(policy: ImagePolicy): ImageRef | undefined {
  const status = policy.status;
  if (!status) return undefined;
  if ('latestRef' in status && status.latestRef) return status.latestRef;
  if ('latestImage' in status && status.latestImage) return parseImageRef(status.latestImage);
  return undefined;
}

/** The tag an ImagePolicy resolved, on any line (see {@link imagePolicyLatestRef}). */
export function imagePolicyLatestTag(policy: ImagePolicy): string | undefined {
  return imagePolicyLatestRef(policy)?.tag;
}

/**
 * Splits `registry[:port]/path:tag[@digest]`; a colon only counts as the tag separator after the last slash, so a
 * registry port is not mistaken for a tag. Returns undefined when there is no tag (`name@digest` alone).
 */
export function parseImageRef(image: string): ImageRef | undefined {
  const at = image.indexOf('@');
  const named = at === -1 ? image : image.slice(0, at);
  const digest = at === -1 ? undefined : image.slice(at + 1);
  const colon = named.lastIndexOf(':');
  if (colon <= named.lastIndexOf('/')) return undefined;
  const ref: ImageRef = { name: named.slice(0, colon), tag: named.slice(colon + 1) };
  if (digest) ref.digest = digest;
  return ref;
}
