/**
 * Which API version each Flux kind is read and written in. Discovered from the CRDs the API server serves
 * (the storage version), with the vendored Flux lines as fallback: the 2.6 line serves the image APIs as
 * `v1beta2` only, 2.9 as `v1`. Kinds are data here: one table, no per-kind branches elsewhere.
 */
import type { Kube, KubeObject, ObjectRef } from '../../kube/types.ts';

/** The Flux kinds the sandbox reconciles. */
export type FluxKind =
  | 'GitRepository'
  | 'HelmChart'
  | 'Kustomization'
  | 'HelmRelease'
  | 'ImageRepository'
  | 'ImagePolicy'
  | 'ImageUpdateAutomation';

export type FluxLine = '2.9' | '2.6';

interface KindInfo {
  group: string;
  plural: string;
  fallback: Record<FluxLine, string>;
}

const KINDS: Record<FluxKind, KindInfo> = {
  GitRepository: {
    group: 'source.toolkit.fluxcd.io',
    plural: 'gitrepositories',
    fallback: { '2.9': 'v1', '2.6': 'v1' },
  },
  HelmChart: { group: 'source.toolkit.fluxcd.io', plural: 'helmcharts', fallback: { '2.9': 'v1', '2.6': 'v1' } },
  Kustomization: {
    group: 'kustomize.toolkit.fluxcd.io',
    plural: 'kustomizations',
    fallback: { '2.9': 'v1', '2.6': 'v1' },
  },
  HelmRelease: { group: 'helm.toolkit.fluxcd.io', plural: 'helmreleases', fallback: { '2.9': 'v2', '2.6': 'v2' } },
  ImageRepository: {
    group: 'image.toolkit.fluxcd.io',
    plural: 'imagerepositories',
    fallback: { '2.9': 'v1', '2.6': 'v1beta2' },
  },
  ImagePolicy: {
    group: 'image.toolkit.fluxcd.io',
    plural: 'imagepolicies',
    fallback: { '2.9': 'v1', '2.6': 'v1beta2' },
  },
  ImageUpdateAutomation: {
    group: 'image.toolkit.fluxcd.io',
    plural: 'imageupdateautomations',
    fallback: { '2.9': 'v1', '2.6': 'v1beta2' },
  },
};

/** Resolved API versions of the Flux kinds, plus which status fields the served schema has. */
export class FluxApis {
  readonly line: FluxLine;
  readonly #versions = new Map<FluxKind, string>();
  readonly #statusSchemas = new Map<FluxKind, Record<string, any>>();

  constructor(kube: Kube, line: FluxLine) {
    this.line = line;
    for (const [kind, info] of Object.entries(KINDS) as Array<[FluxKind, KindInfo]>) {
      const crd = safeGet(kube, `${info.plural}.${info.group}`);
      const versions = (crd?.spec?.versions ?? []) as Array<{ name: string; storage?: boolean; schema?: any }>;
      const storage = versions.find((v) => v.storage) ?? versions.find((v) => v.name === info.fallback[line]);
      this.#versions.set(kind, storage?.name ?? info.fallback[line]);
      const status = storage?.schema?.openAPIV3Schema?.properties?.status;
      if (status?.properties) this.#statusSchemas.set(kind, status);
    }
  }

  /** `group/version` to read and write the kind in. */
  apiVersion(kind: FluxKind): string {
    return `${KINDS[kind].group}/${this.version(kind)}`;
  }

  /** The reference to one object of the kind, in the version it is read and written in. */
  ref(kind: FluxKind, namespace: string | undefined, name: string): ObjectRef {
    return { apiVersion: this.apiVersion(kind), kind, namespace, name };
  }

  version(kind: FluxKind): string {
    return this.#versions.get(kind) ?? KINDS[kind].fallback[this.line];
  }

  group(kind: FluxKind): string {
    return KINDS[kind].group;
  }

  /**
   * Whether the served status schema has the (dotted) field, e.g. Kustomization `history` (2.7+ lines) or
   * ImageRepository `lastScanResult.revision` (image-reflector v1). Without a schema the line decides.
   */
  hasStatusField(kind: FluxKind, field: string): boolean {
    let node: Record<string, any> | undefined = this.#statusSchemas.get(kind);
    if (!node) return this.line === '2.9';
    for (const part of field.split('.')) {
      node = node?.properties?.[part];
      if (!node) return false;
    }
    return true;
  }
}

function safeGet(kube: Kube, name: string): KubeObject | undefined {
  try {
    return kube.get({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', name });
  } catch {
    return undefined;
  }
}
