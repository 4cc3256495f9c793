/**
 * The sandbox's start options: what `gitops-sandbox up` accepts and the daemon receives. One parser for both,
 * so a bad flag fails in `up` with one line before anything is started.
 */
import path from 'node:path';
import { parseFault, type FaultName, type FaultSetting } from './faults/faults.ts';

export type FluxLine = '2.9' | '2.6';
export type Profile = 'flux' | 'arc';
export type RegistryKind = 'embedded' | 'distribution';

export interface SandboxOptions {
  /** Directory holding everything the sandbox writes (state.json, kubeconfig, repos, blobs, pod trees). */
  stateDir: string;
  flux: FluxLine;
  profile: Profile;
  registry: RegistryKind;
  /** Registry host names that resolve to the sandbox registry (e.g. a user's `myacr.azurecr.io`). */
  registryAliases: string[];
  faults: FaultSetting[];
  /** Real milliseconds per cluster millisecond for intervals and back-offs (0.1 = ten times faster). */
  timeScale: number;
  /** Seed the GitOps repo from this existing git repository instead of the built-in template. */
  repo?: string;
  /** Extra artifacts to publish at start, as `REPO:TAG`. */
  publish: string[];
  /** Run the repo's bootstrap script (scripts/gitops-config.sh) once the sandbox is up. */
  bootstrap: boolean;
  /**
   * kustomize-controller's `--requeue-dependency` in the installed Flux (Go duration; default 1s, upstream's own
   * default is 30s): how long a Kustomization waits before re-checking a dependency that was not ready.
   */
  requeueDependency: string;
}

/** Raw flag values as commander hands them over. */
export interface RawSandboxFlags {
  stateDir?: string;
  flux?: string;
  profile?: string;
  registry?: string;
  registryAlias?: string[];
  fault?: string[];
  timeScale?: string;
  repo?: string;
  publish?: string[];
  bootstrap?: boolean;
  requeueDependency?: string;
}

const FLUX_LINES: readonly string[] = ['2.9', '2.6'];
const PROFILES: readonly string[] = ['flux', 'arc'];
const REGISTRIES: readonly string[] = ['embedded', 'distribution'];
/** The sandbox's kustomize-controller `--requeue-dependency` (see sandbox/README.md, "Dependency requeue"). */
export const DEFAULT_REQUEUE_DEPENDENCY = '1s';
const GO_DURATION = /^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$/;
const HOST = /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:\d{1,5})?$/i;
const PUBLISH = /^[a-z0-9]+([._/-][a-z0-9]+)*:[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;

/** Validates flags into options; throws an Error with one actionable line for the first bad flag. */
export function parseSandboxFlags(flags: RawSandboxFlags, cwd = process.cwd()): SandboxOptions {
  const flux = flags.flux ?? '2.9';
  if (!FLUX_LINES.includes(flux)) throw new Error(`--flux must be one of ${FLUX_LINES.join(', ')} (got "${flux}")`);
  const profile = flags.profile ?? 'flux';
  if (!PROFILES.includes(profile))
    throw new Error(`--profile must be one of ${PROFILES.join(', ')} (got "${profile}")`);
  const registry = flags.registry ?? 'embedded';
  if (!REGISTRIES.includes(registry))
    throw new Error(`--registry must be one of ${REGISTRIES.join(', ')} (got "${registry}")`);
  const timeScale = flags.timeScale === undefined ? 1 : Number(flags.timeScale);
  if (!Number.isFinite(timeScale) || timeScale <= 0 || timeScale > 10) {
    throw new Error(`--time-scale must be a number in (0, 10] such as 0.1 (got "${flags.timeScale}")`);
  }
  for (const alias of flags.registryAlias ?? []) {
    if (!HOST.test(alias))
      throw new Error(`--registry-alias must be a host name such as myregistry.azurecr.io (got "${alias}")`);
  }
  for (const ref of flags.publish ?? []) {
    if (!PUBLISH.test(ref))
      throw new Error(`--publish must be REPO:TAG such as foundry-local-olive-models:v0.3.0 (got "${ref}")`);
  }
  const requeueDependency = flags.requeueDependency ?? DEFAULT_REQUEUE_DEPENDENCY;
  if (!GO_DURATION.test(requeueDependency))
    throw new Error(`--requeue-dependency must be a Go duration such as 1s or 30s (got "${requeueDependency}")`);
  const faults = (flags.fault ?? []).map((spec) => parseFault(spec));
  assertFaultsSupported(registry as RegistryKind, faults, profile as Profile);
  return {
    stateDir: path.resolve(cwd, flags.stateDir ?? '.sandbox'),
    flux: flux as FluxLine,
    profile: profile as Profile,
    registry: registry as RegistryKind,
    registryAliases: flags.registryAlias ?? [],
    faults,
    timeScale,
    repo: flags.repo ? path.resolve(cwd, flags.repo) : undefined,
    publish: flags.publish ?? [],
    bootstrap: flags.bootstrap ?? false,
    requeueDependency,
  };
}

/** Faults only the embedded registry implements: Debian's docker-registry has no knobs to turn them on. */
const REGISTRY_ONLY_FAULTS: Record<RegistryKind, readonly FaultName[]> = {
  embedded: [],
  distribution: ['registry-down', 'slow-download', 'corrupt-artifact'],
};

/**
 * Throws one actionable line when a fault cannot bite with this registry kind; used by `up --fault` and by
 * `fault` against a running sandbox, so such a knob is refused instead of silently doing nothing.
 */
export function assertFaultsSupported(
  registry: RegistryKind,
  faults: readonly Pick<FaultSetting, 'name'>[],
  profile?: Profile,
): void {
  const refused = faults.find((f) => REGISTRY_ONLY_FAULTS[registry].includes(f.name));
  if (refused) {
    throw new Error(
      `fault ${refused.name} needs the embedded registry (this sandbox runs --registry ${registry}, which has no fault knobs)`,
    );
  }
  // Only the arc profile runs Azure Arc's agents; without them the knob could not bite.
  if (profile !== undefined && profile !== 'arc' && faults.some((f) => f.name === 'arc-agent-down')) {
    throw new Error(
      `fault arc-agent-down needs --profile arc (this sandbox runs --profile ${profile}, which has no Azure Arc agents)`,
    );
  }
}
