/**
 * Choosing API versions from discovery instead of hard-coding them: Flux v2.9 serves `source.toolkit.fluxcd.io/v1`
 * and `image.toolkit.fluxcd.io/v1`, Flux v2.6 (Azure Arc's extension) also the deprecated betas and images only as
 * `v1beta2`. Given what the server lists, pick per kind the group's preferred version when it serves the kind,
 * else the most stable served version by Kubernetes' own version ordering.
 */

/** A resource as an APIResourceList lists it (subresources like `pods/log` excluded). */
export interface DiscoveredResource {
  group: string;
  version: string;
  kind: string;
  /** The plural name used in URLs (`gitrepositories`). */
  plural: string;
  namespaced: boolean;
}

/** A group from `/apis` (APIGroupList). */
export interface DiscoveredGroup {
  name: string;
  versions: string[];
  preferred?: string;
}

/** The version chosen for one kind. */
export interface ChosenResource extends DiscoveredResource {
  /** `group/version`, or `version` for the core group. */
  apiVersion: string;
  /** Every version serving the kind, most stable first. */
  served: string[];
}

/** The Flux kinds the suite touches, by API group. */
export const FLUX_KINDS: Readonly<Record<string, string>> = {
  GitRepository: 'source.toolkit.fluxcd.io',
  HelmChart: 'source.toolkit.fluxcd.io',
  Kustomization: 'kustomize.toolkit.fluxcd.io',
  HelmRelease: 'helm.toolkit.fluxcd.io',
  ImageRepository: 'image.toolkit.fluxcd.io',
  ImagePolicy: 'image.toolkit.fluxcd.io',
  ImageUpdateAutomation: 'image.toolkit.fluxcd.io',
};

const VERSION = /^v(\d+)(?:(alpha|beta)(\d+))?$/;
const STABILITY: Readonly<Record<string, number>> = { '': 2, beta: 1, alpha: 0 };

/**
 * Kubernetes version priority as a comparator for sorting most-preferred first: GA before beta before alpha,
 * then higher major, then higher minor (`v2 < v1 < v2beta2 < v1beta2 < v1alpha1` in sort order). Versions that
 * do not look like Kubernetes versions come last, alphabetically.
 */
export function compareKubeVersions(a: string, b: string): number {
  const ma = VERSION.exec(a);
  const mb = VERSION.exec(b);
  if (!ma || !mb) return ma ? -1 : mb ? 1 : a.localeCompare(b);
  const stability = STABILITY[mb[2] ?? '']! - STABILITY[ma[2] ?? '']!;
  if (stability !== 0) return stability;
  const major = Number(mb[1]) - Number(ma[1]);
  if (major !== 0) return major;
  return Number(mb[3] ?? 0) - Number(ma[3] ?? 0);
}

/** The version to use for `kind` in `group`, or undefined when the server does not serve it. */
export function chooseResource(
  resources: readonly DiscoveredResource[],
  groups: readonly DiscoveredGroup[],
  kind: string,
  group: string,
): ChosenResource | undefined {
  const candidates = resources.filter((r) => r.kind === kind && r.group === group);
  if (candidates.length === 0) return undefined;
  const served = [...new Set(candidates.map((r) => r.version))].sort(compareKubeVersions);
  const preferred = groups.find((g) => g.name === group)?.preferred;
  const version = preferred && served.includes(preferred) ? preferred : served[0]!;
  const chosen = candidates.find((r) => r.version === version)!;
  return { ...chosen, apiVersion: group ? `${group}/${version}` : version, served };
}

/** API versions of every Flux kind in {@link FLUX_KINDS}; kinds the server does not serve are listed in `missing`. */
export function fluxApiVersions(
  resources: readonly DiscoveredResource[],
  groups: readonly DiscoveredGroup[],
  kinds: readonly string[] = Object.keys(FLUX_KINDS),
): { found: Record<string, ChosenResource>; missing: string[] } {
  const found: Record<string, ChosenResource> = {};
  const missing: string[] = [];
  for (const kind of kinds) {
    const chosen = chooseResource(resources, groups, kind, FLUX_KINDS[kind] ?? '');
    if (chosen) found[kind] = chosen;
    else missing.push(kind);
  }
  return { found, missing };
}

/**
 * The Accept header of aggregated discovery (KEP-3352, `apidiscovery.k8s.io/v2`, v2beta1 for 1.26–1.29), as
 * client-go sends it: `/api` and `/apis` then list every group, version and resource in one answer each. A server
 * without it answers the plain APIVersions/APIGroupList, and discovery falls back to one request per group version.
 */
export const AGGREGATED_DISCOVERY_ACCEPT = [
  'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList',
  'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList',
  'application/json',
].join(',');

/** An APIGroupDiscoveryList as far as the suite reads it. */
interface AggregatedList {
  kind?: string;
  items?: Array<{
    metadata?: { name?: string };
    versions?: Array<{
      version: string;
      resources?: Array<{ resource: string; responseKind?: { kind?: string }; scope?: string }>;
    }>;
  }>;
}

/** Groups (versions in the server's preference order) and resources of an aggregated discovery answer, or undefined when it is not one. */
export function parseAggregatedDiscovery(
  body: unknown,
): { groups: DiscoveredGroup[]; resources: DiscoveredResource[] } | undefined {
  const list = body as AggregatedList;
  if (list?.kind !== 'APIGroupDiscoveryList' || !Array.isArray(list.items)) return undefined;
  const groups: DiscoveredGroup[] = [];
  const resources: DiscoveredResource[] = [];
  for (const item of list.items) {
    const name = item.metadata?.name ?? '';
    const versions = (item.versions ?? []).map((v) => v.version);
    // The list is ordered by preference: the first version is the one the server prefers.
    groups.push({ name, versions, preferred: versions[0] });
    for (const v of item.versions ?? []) {
      for (const r of v.resources ?? []) {
        if (!r.responseKind?.kind || r.resource.includes('/')) continue;
        resources.push({
          group: name,
          version: v.version,
          kind: r.responseKind.kind,
          plural: r.resource,
          namespaced: r.scope === 'Namespaced',
        });
      }
    }
  }
  return { groups, resources };
}

/**
 * Discovery as found once per run and shared through the run directory (`discovery.json`), so every worker
 * chooses the same versions without asking again. Written by the run observer, which rewrites it whenever a
 * CustomResourceDefinition changes (Flux's kinds are CRDs) or the server behind the URL is another one.
 */
export interface DiscoverySnapshot {
  /** The API server URL it was found on. */
  server: string;
  /** `GET /version` gitVersion of that server. */
  serverVersion: string;
  /** Client time it was found (epoch ms). */
  at: number;
  groups: DiscoveredGroup[];
  resources: DiscoveredResource[];
}

/**
 * Why a snapshot cannot be used for `server` (undefined when it can). `live` is what the caller already knows of
 * the server (its version, its groups): any difference means the snapshot is stale and must not choose a version.
 */
export function snapshotProblem(
  snapshot: DiscoverySnapshot | undefined,
  server: string,
  live: { serverVersion?: string; groups?: readonly DiscoveredGroup[] } = {},
): string | undefined {
  if (!snapshot) return 'no shared discovery';
  if (!Array.isArray(snapshot.groups) || !Array.isArray(snapshot.resources)) return 'shared discovery is malformed';
  if (snapshot.server !== server) return `shared discovery is of ${snapshot.server}, not ${server}`;
  if (live.serverVersion !== undefined && live.serverVersion !== snapshot.serverVersion)
    return `shared discovery is of server version ${snapshot.serverVersion}, the server is ${live.serverVersion}`;
  if (live.groups) {
    const key = (gs: readonly DiscoveredGroup[]) =>
      JSON.stringify([...gs].map((g) => [g.name, [...g.versions].sort(), g.preferred]).sort());
    if (key(live.groups) !== key(snapshot.groups))
      return 'shared discovery lists other groups or versions than the server now serves';
  }
  return undefined;
}

/** A CustomResourceDefinition as far as discovery depends on it. */
export interface CrdLike {
  spec?: { group?: string; names?: { kind?: string }; versions?: Array<{ name: string; served?: boolean }> };
}

/**
 * What discovery and the CRDs disagree on, in words (empty when they agree): a served version of a CRD that
 * discovery does not list, or a version discovery lists in a CRD's group for a kind no CRD serves. Discovery found
 * before the CRDs were listed is stale when this is not empty.
 */
export function discoveryVsCrds(resources: readonly DiscoveredResource[], crds: readonly CrdLike[]): string[] {
  const problems: string[] = [];
  const served = new Set<string>();
  for (const crd of crds) {
    const group = crd.spec?.group;
    const kind = crd.spec?.names?.kind;
    if (!group || !kind) continue;
    for (const v of crd.spec?.versions ?? []) {
      if (v.served === false) continue;
      served.add(`${group}/${v.name}/${kind}`);
      if (!resources.some((r) => r.group === group && r.version === v.name && r.kind === kind))
        problems.push(`${kind} ${group}/${v.name} is served but not in discovery`);
    }
  }
  const crdKinds = new Set(crds.map((c) => `${c.spec?.group}/${c.spec?.names?.kind}`));
  for (const r of resources) {
    if (crdKinds.has(`${r.group}/${r.kind}`) && !served.has(`${r.group}/${r.version}/${r.kind}`))
      problems.push(`${r.kind} ${r.group}/${r.version} is in discovery but no longer served`);
  }
  return problems;
}
