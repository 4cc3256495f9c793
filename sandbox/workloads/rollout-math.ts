/**
 * The arithmetic of a Deployment rollout, after pkg/controller/deployment/util/deployment_util.go: surge and
 * unavailability fenceposts (ints or percentages; surge rounds up, unavailability rounds down, never both 0),
 * how far the new ReplicaSet may grow, and the replica sums the status is made of. Pure functions, so the
 * RollingUpdate deadlock on a one-GPU node can be reasoned about (and tested) without a cluster.
 */
import type { KubeObject } from '../kube/types.ts';

/** `intstr.IntOrString`: a number, or a string such as `"25%"`. */
export type IntOrPercent = number | string | undefined | null;

/**
 * `intstr.GetScaledValueFromIntOrPercent`: ints pass through, `"N%"` is N% of `total` rounded up or down.
 * A string that is not a percentage is invalid, as upstream says.
 */
export function scaledValue(value: IntOrPercent, total: number, roundUp: boolean): number {
  if (value === undefined || value === null) return 0;
  if (typeof value === 'number') return value;
  const m = /^(\d+)%$/.exec(value.trim());
  if (!m) {
    if (/^\d+$/.test(value.trim())) return Number(value.trim());
    throw new Error(`invalid value for IntOrString: invalid type: string is not a percentage`);
  }
  const exact = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

/** The Deployment's strategy type, `RollingUpdate` when unset (the API default). */
export function strategyType(d: KubeObject): string {
  return d.spec?.strategy?.type ?? 'RollingUpdate';
}

/** `spec.replicas`, 1 when unset (the API default). */
export function desiredReplicas(d: KubeObject): number {
  return d.spec?.replicas ?? 1;
}

/** `ResolveFenceposts`: [maxSurge, maxUnavailable]; when both resolve to 0, unavailability becomes 1. */
export function resolveFenceposts(
  maxSurge: IntOrPercent,
  maxUnavailable: IntOrPercent,
  desired: number,
): [number, number] {
  const surge = scaledValue(maxSurge ?? '25%', desired, true);
  let unavailable = scaledValue(maxUnavailable ?? '25%', desired, false);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return [surge, unavailable];
}

/** `MaxSurge`: 0 unless RollingUpdate. */
export function maxSurge(d: KubeObject): number {
  if (strategyType(d) !== 'RollingUpdate') return 0;
  const ru = d.spec?.strategy?.rollingUpdate ?? {};
  return resolveFenceposts(ru.maxSurge, ru.maxUnavailable, desiredReplicas(d))[0];
}

/** `MaxUnavailable`: 0 unless RollingUpdate with replicas > 0; never more than the replicas. */
export function maxUnavailable(d: KubeObject): number {
  const desired = desiredReplicas(d);
  if (strategyType(d) !== 'RollingUpdate' || desired === 0) return 0;
  const ru = d.spec?.strategy?.rollingUpdate ?? {};
  return Math.min(resolveFenceposts(ru.maxSurge, ru.maxUnavailable, desired)[1], desired);
}

/** `spec.replicas` of a ReplicaSet (0 when unset on a scaled-down one, 1 being the API default). */
export function specReplicas(rs: KubeObject | undefined): number {
  return rs ? (rs.spec?.replicas ?? 1) : 0;
}

/** Σ spec.replicas (`GetReplicaCountForReplicaSets`). */
export function sumSpecReplicas(sets: Array<KubeObject | undefined>): number {
  return sets.reduce((n, rs) => n + specReplicas(rs), 0);
}

/** Σ of a status counter (`replicas`, `readyReplicas`, `availableReplicas`) over ReplicaSets. */
export function sumStatus(
  sets: Array<KubeObject | undefined>,
  field: 'replicas' | 'readyReplicas' | 'availableReplicas',
): number {
  return sets.reduce((n, rs) => n + ((rs?.status?.[field] as number | undefined) ?? 0), 0);
}

/**
 * `NewRSNewReplicas`: how many replicas the new ReplicaSet should have now. RollingUpdate grows it only
 * within `replicas + maxSurge` of all pods together; Recreate jumps straight to `replicas`.
 */
export function newReplicaSetReplicas(d: KubeObject, allSets: KubeObject[], newSet: KubeObject): number {
  const desired = desiredReplicas(d);
  if (strategyType(d) !== 'RollingUpdate') return desired;
  const current = sumSpecReplicas(allSets);
  const maxTotal = desired + maxSurge(d);
  if (current >= maxTotal) return specReplicas(newSet);
  const scaleUp = Math.min(maxTotal - current, desired - specReplicas(newSet));
  return specReplicas(newSet) + scaleUp;
}

/** `IsSaturated`: the new ReplicaSet has all desired replicas, created and available. */
export function isSaturated(d: KubeObject, rs: KubeObject | undefined): boolean {
  if (!rs) return false;
  const desiredAnno = Number(rs.metadata.annotations?.['deployment.kubernetes.io/desired-replicas']);
  const desired = desiredReplicas(d);
  return specReplicas(rs) === desired && desiredAnno === desired && (rs.status?.availableReplicas ?? 0) === desired;
}

/** `DeploymentComplete`: every desired replica is updated, available, and no old ones remain. */
export function deploymentComplete(d: KubeObject, status: DeploymentStatusCounts): boolean {
  const desired = desiredReplicas(d);
  return (
    status.updatedReplicas === desired &&
    status.replicas === desired &&
    status.availableReplicas === desired &&
    status.observedGeneration >= (d.metadata.generation ?? 0)
  );
}

/** `DeploymentProgressing`: more updated/ready/available replicas, or fewer old ones, than last time. */
export function deploymentProgressing(old: Partial<DeploymentStatusCounts>, next: DeploymentStatusCounts): boolean {
  const oldOld = (old.replicas ?? 0) - (old.updatedReplicas ?? 0);
  const newOld = next.replicas - next.updatedReplicas;
  return (
    next.updatedReplicas > (old.updatedReplicas ?? 0) ||
    newOld < oldOld ||
    next.readyReplicas > (old.readyReplicas ?? 0) ||
    next.availableReplicas > (old.availableReplicas ?? 0)
  );
}

/** The numeric part of a DeploymentStatus. */
export interface DeploymentStatusCounts {
  observedGeneration: number;
  replicas: number;
  updatedReplicas: number;
  readyReplicas: number;
  availableReplicas: number;
  unavailableReplicas: number;
}
