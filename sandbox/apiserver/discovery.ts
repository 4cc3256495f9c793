/**
 * API discovery, both shapes client-go understands: aggregated (`apidiscovery.k8s.io/v2`, or v2beta1, one
 * request for everything) when the Accept header asks for it, else the legacy `/api`, `/apis`, `/api/v1`,
 * `/apis/G`, `/apis/G/V` documents. Both are rebuilt from the registry, so CRDs created at run time appear.
 */
import { apiVersionOf, type ResourceRegistry, type ResourceType, type VersionInfo } from './resources.ts';
import type { JsonObject as Json } from '../kube/json.ts';

/** A subresource as discovery lists it. */
interface SubresourceInfo {
  name: string;
  kind: string;
  group?: string;
  version?: string;
  verbs: string[];
}

const SUBRESOURCES: Record<string, (type: ResourceType) => SubresourceInfo> = {
  status: (t) => ({ name: 'status', kind: t.kind, verbs: ['get', 'patch', 'update'] }),
  scale: () => ({
    name: 'scale',
    kind: 'Scale',
    group: 'autoscaling',
    version: 'v1',
    verbs: ['get', 'patch', 'update'],
  }),
  log: () => ({ name: 'log', kind: 'Pod', verbs: ['get'] }),
  exec: () => ({ name: 'exec', kind: 'PodExecOptions', verbs: ['create', 'get'] }),
  binding: () => ({ name: 'binding', kind: 'Binding', verbs: ['create'] }),
  finalize: (t) => ({ name: 'finalize', kind: t.kind, verbs: ['update'] }),
};

function subresourcesOf(type: ResourceType): SubresourceInfo[] {
  const names = [
    ...(type.status ? ['status'] : []),
    ...(type.scale ? ['scale'] : []),
    ...type.extraSubresources,
  ].sort();
  return names.map((n) => SUBRESOURCES[n]!(type));
}

/** True when the Accept header asks for aggregated discovery; returns the version asked (v2 or v2beta1). */
export function aggregatedVersion(accept: string | undefined): 'v2' | 'v2beta1' | undefined {
  if (!accept || !accept.includes('as=APIGroupDiscoveryList')) return undefined;
  for (const part of accept.split(',')) {
    if (!part.includes('as=APIGroupDiscoveryList') || !part.includes('g=apidiscovery.k8s.io')) continue;
    if (/v=v2beta1/.test(part)) return 'v2beta1';
    if (/v=v2(;|$)/.test(part.replace(/\s/g, ''))) return 'v2';
  }
  return undefined;
}

/** Builds discovery documents from a registry. Cheap enough to rebuild per request. */
export class Discovery {
  readonly #registry: ResourceRegistry;

  constructor(registry: ResourceRegistry) {
    this.#registry = registry;
  }

  /** `GET /api` (legacy). */
  coreVersions(serverAddress: string): Json {
    return {
      kind: 'APIVersions',
      versions: ['v1'],
      serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
    };
  }

  /** `GET /apis` (legacy). */
  groupList(): Json {
    return {
      kind: 'APIGroupList',
      apiVersion: 'v1',
      groups: this.#registry
        .groups()
        .filter((g) => g.group !== '')
        .map((g) => this.#group(g.group, g.versions)),
    };
  }

  /** `GET /apis/G` (legacy), or undefined for an unknown group. */
  group(name: string): Json | undefined {
    const g = this.#registry.groups().find((x) => x.group === name && name !== '');
    return g ? { kind: 'APIGroup', apiVersion: 'v1', ...this.#group(g.group, g.versions) } : undefined;
  }

  #group(name: string, versions: string[]): Json {
    const gvs = versions.map((v) => ({ groupVersion: `${name}/${v}`, version: v }));
    return { name, versions: gvs, preferredVersion: gvs[0] };
  }

  /** `GET /api/v1` or `/apis/G/V`: the APIResourceList, or undefined when the group version is not served. */
  resourceList(group: string, version: string): Json | undefined {
    const entries = this.#registry.inGroupVersion(group, version);
    if (!entries.length) return undefined;
    const resources: Json[] = [];
    for (const { type } of entries.sort((a, b) => (a.type.plural < b.type.plural ? -1 : 1))) {
      resources.push({
        name: type.plural,
        singularName: type.singular,
        namespaced: type.namespaced,
        kind: type.kind,
        verbs: type.verbs,
        ...(type.shortNames.length ? { shortNames: type.shortNames } : {}),
        ...(type.categories.length ? { categories: type.categories } : {}),
      });
      for (const sub of subresourcesOf(type)) {
        resources.push({
          name: `${type.plural}/${sub.name}`,
          singularName: '',
          namespaced: type.namespaced,
          ...(sub.group !== undefined ? { group: sub.group, version: sub.version } : {}),
          kind: sub.kind,
          verbs: sub.verbs,
        });
      }
    }
    return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: apiVersionOf(group, version), resources };
  }

  /** Aggregated discovery for `/api` (core only) or `/apis` (every other group). */
  aggregated(which: 'api' | 'apis', version: 'v2' | 'v2beta1'): Json {
    const groups = this.#registry.groups().filter((g) => (which === 'api' ? g.group === '' : g.group !== ''));
    return {
      kind: 'APIGroupDiscoveryList',
      apiVersion: `apidiscovery.k8s.io/${version}`,
      metadata: {},
      items: groups.map((g) => ({
        metadata: { name: g.group, creationTimestamp: null },
        versions: g.versions.map((v) => ({
          version: v,
          resources: this.#registry
            .inGroupVersion(g.group, v)
            .sort((a, b) => (a.type.plural < b.type.plural ? -1 : 1))
            .map(({ type, version: vi }) => this.#aggregatedResource(type, vi)),
          freshness: 'Current',
        })),
      })),
    };
  }

  #aggregatedResource(type: ResourceType, version: VersionInfo): Json {
    return {
      resource: type.plural,
      responseKind: { group: type.group, version: version.name, kind: type.kind },
      scope: type.namespaced ? 'Namespaced' : 'Cluster',
      singularResource: type.singular,
      verbs: type.verbs,
      ...(type.shortNames.length ? { shortNames: type.shortNames } : {}),
      ...(type.categories.length ? { categories: type.categories } : {}),
      ...(subresourcesOf(type).length
        ? {
            subresources: subresourcesOf(type).map((s) => ({
              subresource: s.name,
              responseKind: { group: s.group ?? type.group, version: s.version ?? version.name, kind: s.kind },
              verbs: s.verbs,
            })),
          }
        : {}),
    };
  }
}
