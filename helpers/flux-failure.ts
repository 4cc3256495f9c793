/**
 * What makes a wait on a Flux object hopeless: the controller reported a failure (Ready=False for a reason that is
 * not "waiting for something else"), gave up (Stalled=True, RetriesExceeded) or failed a Helm action (Released=False
 * UpgradeFailed). A wait that sees one of these fails at once quoting it, instead of timing out later with a
 * misleading "revision to be X, is Y".
 *
 * Reasons follow upstream: fluxcd/pkg `apis/meta` (ProgressingReason, DependencyNotReadyReason…),
 * kustomize-controller `api/v1/condition_types.go`, helm-controller `api/v2/condition_types.go`,
 * source-controller `api/v1/condition_types.go`.
 */
import { getCondition, type Condition, type ConditionedObject } from './conditions.ts';

/** Ready=False reasons that mean "not yet", not "failed": the controller will retry on its own schedule. */
// ArtifactFailed ("source artifact not found, retrying") is transient while a source moves to a new revision.
const WAITING_REASONS = new Set([
  'Progressing',
  'ProgressingWithRetry',
  'DependencyNotReady',
  'Reconciling',
  'NewRevision',
  'ArtifactFailed',
]);

/** Helm actions that failed (helm-controller's Released / Remediated / Ready reasons). */
const HELM_FAILURE_REASONS = new Set([
  'InstallFailed',
  'UpgradeFailed',
  'TestFailed',
  'RollbackFailed',
  'UninstallFailed',
  'RetriesExceeded',
  'InitFailed',
  'GetLastReleaseFailed',
]);

/** A failure the object reports, in one quotable line. */
export interface FluxFailure {
  /** The condition that says so, e.g. `Released=False`. */
  condition: string;
  reason: string;
  message: string;
  /** `HelmRelease foundry-system/foundry-gpu-oras Released=False (UpgradeFailed: Helm upgrade failed …)` */
  text: string;
}

/**
 * The failure the object reports now, or undefined when it is fine or still working. A condition stale for the
 * current generation (observedGeneration below it) does not count: it describes a spec that is gone.
 */
export function fluxFailure(obj: ConditionedObject | undefined): FluxFailure | undefined {
  if (!obj?.status) return undefined;
  const generation = obj.metadata?.generation;
  const current = (c: Condition | undefined): c is Condition =>
    c !== undefined &&
    (generation === undefined || c.observedGeneration === undefined || c.observedGeneration >= generation);

  const stalled = getCondition(obj, 'Stalled');
  if (current(stalled) && stalled.status === 'True') return failure(obj, stalled);
  const released = getCondition(obj, 'Released');
  if (current(released) && released.status === 'False' && HELM_FAILURE_REASONS.has(released.reason ?? ''))
    return failure(obj, released);
  const ready = getCondition(obj, 'Ready');
  if (current(ready) && ready.status === 'False') {
    const reason = ready.reason ?? '';
    if (HELM_FAILURE_REASONS.has(reason) || !WAITING_REASONS.has(reason)) return failure(obj, ready);
  }
  for (const type of ['FetchFailed', 'BuildFailed', 'StorageOperationFailed', 'IncludeUnavailable']) {
    const c = getCondition(obj, type);
    if (current(c) && c.status === 'True') return failure(obj, c);
  }
  return undefined;
}

/** The Ready=False DependencyNotReady condition, when the object waits for a dependency (kustomize/helm dependsOn). */
export function waitingForDependency(obj: ConditionedObject | undefined): Condition | undefined {
  const ready = getCondition(obj, 'Ready');
  return ready?.status === 'False' && ready.reason === 'DependencyNotReady' ? ready : undefined;
}

function failure(obj: ConditionedObject, c: Condition): FluxFailure {
  const id = `${obj.kind ?? 'object'} ${obj.metadata?.namespace ? `${obj.metadata.namespace}/` : ''}${obj.metadata?.name ?? ''}`;
  const message = (c.message ?? '').replace(/\s+/g, ' ').trim();
  const short = message.length > 300 ? `${message.slice(0, 299)}…` : message;
  return {
    condition: `${c.type}=${c.status}`,
    reason: c.reason ?? '',
    message,
    text: `${id} ${c.type}=${c.status} (${[c.reason, short].filter(Boolean).join(': ')})`,
  };
}
