/**
 * Deployment conditions with upstream's rules (deployment_util.go `SetDeploymentCondition`): a condition with
 * the same status and reason is left alone; a status that does not change keeps its lastTransitionTime.
 * Reasons and messages are the ones kubectl and `kubectl rollout status` read.
 */

/** One `DeploymentCondition`. Times are RFC 3339 seconds, as metav1.Time serialises. */
export interface DeploymentCondition {
  type: 'Available' | 'Progressing' | 'ReplicaFailure';
  status: 'True' | 'False' | 'Unknown';
  lastUpdateTime: string;
  lastTransitionTime: string;
  reason: string;
  message: string;
}

/** Reasons, named as in deployment_util.go. */
export const REASONS = {
  newRSCreated: 'NewReplicaSetCreated',
  foundNewRS: 'FoundNewReplicaSet',
  rsUpdated: 'ReplicaSetUpdated',
  newRSAvailable: 'NewReplicaSetAvailable',
  timedOut: 'ProgressDeadlineExceeded',
  paused: 'DeploymentPaused',
  resumed: 'DeploymentResumed',
  failedRSCreate: 'ReplicaSetCreateError',
  minimumAvailable: 'MinimumReplicasAvailable',
  minimumUnavailable: 'MinimumReplicasUnavailable',
} as const;

/** `NewDeploymentCondition`: both times set to now. */
export function newCondition(
  type: DeploymentCondition['type'],
  status: DeploymentCondition['status'],
  reason: string,
  message: string,
  now: string,
): DeploymentCondition {
  return { type, status, lastUpdateTime: now, lastTransitionTime: now, reason, message };
}

/** The condition of `type` in a status' list. */
export function getCondition(
  conditions: DeploymentCondition[] | undefined,
  type: string,
): DeploymentCondition | undefined {
  return (conditions ?? []).find((c) => c.type === type);
}

/** `SetDeploymentCondition`: returns the new list (same array when nothing changes). */
export function setCondition(
  conditions: DeploymentCondition[] | undefined,
  condition: DeploymentCondition,
): DeploymentCondition[] {
  const list = conditions ?? [];
  const current = getCondition(list, condition.type);
  if (current && current.status === condition.status && current.reason === condition.reason) return list;
  const next = { ...condition };
  if (current && current.status === condition.status) next.lastTransitionTime = current.lastTransitionTime;
  return [...list.filter((c) => c.type !== condition.type), next];
}

/** `RemoveDeploymentCondition`. */
export function removeCondition(conditions: DeploymentCondition[] | undefined, type: string): DeploymentCondition[] {
  return (conditions ?? []).filter((c) => c.type !== type);
}
