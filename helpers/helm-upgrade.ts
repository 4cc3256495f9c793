/**
 * Where a HelmRelease upgrade stands compared with the release seen before it (phase 04 and the rollback): has the
 * helm-controller started acting on the new generation, did it produce release N+1 and deploy it, or did it fail.
 * Works for `helm.toolkit.fluxcd.io/v2` (`status.history[]`) and v2beta1/v2beta2 (`status.lastReleaseRevision`).
 */
import { describeReady, getCondition, type ConditionedObject } from './conditions.ts';

/** What the release looked like before the change. */
export interface HelmBaseline {
  generation: number;
  /** Helm release number (history[0].version); undefined before the first install. */
  version: number | undefined;
}

/** Where the upgrade stands, with server times and a self-explaining reason. */
export interface UpgradeProgress {
  /** The controller is working on (or finished) a generation newer than the baseline. */
  started: boolean;
  /** A newer release is deployed and Ready describes the current generation. */
  succeeded: boolean;
  /** The controller gave up on the current generation (Stalled, RetriesExceeded): waiting longer cannot help. */
  failed: boolean;
  /** Current Helm release number. */
  version: number | undefined;
  /** Server time (epoch ms) the upgrade started: history[0].lastDeployed of the new release, else Reconciling's transition. */
  startedAtServer?: number;
  /** Server time the release became Ready. */
  succeededAtServer?: number;
  /** One line: what is expected and what is. */
  reason: string;
}

type HelmReleaseLike = ConditionedObject & {
  metadata?: { name?: string; namespace?: string; generation?: number };
  status?: ConditionedObject['status'] & {
    history?: Array<{ version?: number; status?: string; lastDeployed?: string }>;
    lastReleaseRevision?: number;
    lastAttemptedGeneration?: number;
    upgradeFailures?: number;
  };
};

/** The current Helm release number of a HelmRelease (v2 history, or v2beta lastReleaseRevision). */
export function helmReleaseVersion(hr: HelmReleaseLike | undefined): number | undefined {
  return hr?.status?.history?.[0]?.version ?? hr?.status?.lastReleaseRevision;
}

/** Baseline of a HelmRelease as it is now. */
export function helmBaseline(hr: HelmReleaseLike): HelmBaseline {
  return { generation: hr.metadata?.generation ?? 0, version: helmReleaseVersion(hr) };
}

/** Compares the HelmRelease with its baseline. Pure. */
export function helmUpgradeProgress(hr: HelmReleaseLike | undefined, baseline: HelmBaseline): UpgradeProgress {
  const id = `HelmRelease ${hr?.metadata?.namespace ?? ''}/${hr?.metadata?.name ?? ''}`;
  if (!hr) return { started: false, succeeded: false, failed: false, version: undefined, reason: `${id} not found` };
  const generation = hr.metadata?.generation ?? 0;
  const status = hr.status ?? {};
  const version = helmReleaseVersion(hr);
  const expected = (baseline.version ?? 0) + 1;
  const newRelease = version !== undefined && version >= expected;
  const newGeneration = generation > baseline.generation;
  const reconciling = getCondition(hr, 'Reconciling');
  const ready = getCondition(hr, 'Ready');
  const stalled = getCondition(hr, 'Stalled');
  const attempted = (status.lastAttemptedGeneration ?? 0) >= generation && newGeneration;
  // The upgrade starts when helm-controller runs the action ("Running 'upgrade' action with timeout of …",
  // helm-controller v2 `internal/reconcile/atomic_release.go`), not when it merely begins reconciling the new
  // generation (Reconciling=True comes first; a busy or dependency-blocked controller can sit there).
  const running =
    ready?.status === 'Unknown' &&
    /Running '\w+' action/.test(ready.message ?? '') &&
    (ready.observedGeneration ?? generation) >= generation;
  // v2beta1 has neither lastAttemptedGeneration nor that message: there, Reconciling on the new generation is all we see.
  const legacy =
    status.lastAttemptedGeneration === undefined && status.history === undefined && reconciling?.status === 'True';
  const started = newRelease || (newGeneration && (attempted || running || legacy));
  const observed = status.observedGeneration === generation;
  const readyNow =
    ready?.status === 'True' && (ready.observedGeneration === undefined || ready.observedGeneration >= generation);
  const deployed = (status.history?.[0]?.status ?? 'deployed') === 'deployed';
  const succeeded = newRelease && observed && readyNow && deployed;
  // Only a stalled release is final: Flux retries failed reconciles and upgrades until remediation gives up.
  const gaveUp = [stalled, ready].find((c) =>
    c === stalled ? c?.status === 'True' : c?.status === 'False' && c?.reason === 'RetriesExceeded',
  );
  const failed =
    !succeeded && newGeneration && gaveUp !== undefined && (gaveUp.observedGeneration ?? generation) >= generation;
  const progress: UpgradeProgress = { started, succeeded, failed, version, reason: '' };
  const newest = status.history?.[0];
  const deployedAt = newRelease && newest?.lastDeployed ? Date.parse(newest.lastDeployed) : undefined;
  const startedCondition = running ? ready : reconciling;
  const reconcilingAt =
    started && startedCondition?.lastTransitionTime ? Date.parse(startedCondition.lastTransitionTime) : undefined;
  if (deployedAt !== undefined || reconcilingAt !== undefined) progress.startedAtServer = deployedAt ?? reconcilingAt;
  if (succeeded && ready?.lastTransitionTime) progress.succeededAtServer = Date.parse(ready.lastTransitionTime);
  const where = status.history ? 'history[0].version' : 'lastReleaseRevision';
  progress.reason = succeeded
    ? `${id} ${where} is ${version} (${describeReady(hr)})`
    : `${id} ${where} to be ${expected}, is ${version ?? 'unset'}${newGeneration ? '' : ` (generation ${generation} not newer than ${baseline.generation})`} (${describeReady(hr)})`;
  return progress;
}
