/**
 * The Deployment strategies (recreate.go, rolling.go, sync.go `scale`):
 * - Recreate scales every old ReplicaSet to 0, waits until no old pod exists in a non-terminal phase
 *   (terminating pods still count), and only then creates or scales up the new ReplicaSet.
 * - RollingUpdate grows the new ReplicaSet within maxSurge and shrinks old ones within maxUnavailable; with one
 *   replica and the 25%/25% defaults that is surge 1, unavailable 0: on a one-GPU node the new pod can never
 *   schedule and the old one is never removed, until the progress deadline reports the stall.
 * - Scaling events and paused Deployments scale proportionally without rolling.
 * Each returns the cluster milliseconds after which the Deployment wants another pass, if any.
 */
import type { KubeObject } from '../kube/types.ts';
import type { DeploymentSync } from './deployment-sync.ts';
import { ANNOTATIONS } from './deployment-sync.ts';
import {
  deploymentComplete,
  desiredReplicas,
  isSaturated,
  maxSurge,
  maxUnavailable,
  newReplicaSetReplicas,
  specReplicas,
  sumSpecReplicas,
} from './rollout-math.ts';
import { statusCounts } from './deployment-status.ts';

const active = (sets: KubeObject[]): KubeObject[] => sets.filter((rs) => specReplicas(rs) > 0);

/** `rolloutRecreate`. */
export function rolloutRecreate(s: DeploymentSync): number | undefined {
  let { newSet, oldSets } = s.replicaSets(false);
  let allSets = newSet ? [...oldSets, newSet] : oldSets;
  let scaledDown = false;
  for (const rs of active(oldSets)) if (s.scale(rs, 0)) scaledDown = true;
  if (scaledDown) return s.syncRolloutStatus(allSets, newSet);
  if (oldPodsRunning(s, newSet, oldSets)) return s.syncRolloutStatus(allSets, newSet);
  if (!newSet) {
    ({ newSet, oldSets } = s.replicaSets(true));
    allSets = [...oldSets, newSet!];
  }
  // scaleUpNewReplicaSetForRecreate
  s.scale(s.current(newSet)!, desiredReplicas(s.d));
  if (deploymentComplete(s.d, statusCounts(s.d.status))) s.cleanup(oldSets);
  return s.syncRolloutStatus(allSets, newSet);
}

/** `oldPodsRunning`: old ReplicaSets report replicas, or any old pod is not yet Succeeded/Failed. */
function oldPodsRunning(s: DeploymentSync, newSet: KubeObject | undefined, oldSets: KubeObject[]): boolean {
  if (oldSets.some((rs) => ((s.current(rs) ?? rs).status?.replicas ?? 0) > 0)) return true;
  for (const [uid, pods] of s.podsBySet) {
    if (newSet && newSet.metadata.uid === uid) continue;
    for (const pod of pods) {
      const phase = pod.status?.phase;
      if (phase !== 'Succeeded' && phase !== 'Failed') return true;
    }
  }
  return false;
}

/** `rolloutRolling`. */
export function rolloutRolling(s: DeploymentSync): number | undefined {
  const { newSet, oldSets } = s.replicaSets(true);
  const allSets = (): KubeObject[] => [...oldSets, newSet!].map((rs) => s.current(rs) ?? rs);
  if (reconcileNewReplicaSet(s, allSets(), s.current(newSet)!)) return s.syncRolloutStatus(allSets(), newSet);
  if (reconcileOldReplicaSets(s, allSets(), active(oldSets.map((rs) => s.current(rs) ?? rs)), s.current(newSet)!)) {
    return s.syncRolloutStatus(allSets(), newSet);
  }
  if (deploymentComplete(s.d, statusCounts(s.d.status))) s.cleanup(oldSets);
  return s.syncRolloutStatus(allSets(), newSet);
}

function reconcileNewReplicaSet(s: DeploymentSync, allSets: KubeObject[], newSet: KubeObject): boolean {
  const desired = desiredReplicas(s.d);
  if (specReplicas(newSet) === desired) return false;
  if (specReplicas(newSet) > desired) return s.scale(newSet, desired);
  return s.scale(newSet, newReplicaSetReplicas(s.d, allSets, newSet));
}

function reconcileOldReplicaSets(
  s: DeploymentSync,
  allSets: KubeObject[],
  oldSets: KubeObject[],
  newSet: KubeObject,
): boolean {
  const oldPods = sumSpecReplicas(oldSets);
  if (oldPods === 0) return false;
  const allPods = sumSpecReplicas(allSets);
  const minAvailable = desiredReplicas(s.d) - maxUnavailable(s.d);
  const newUnavailable = specReplicas(newSet) - (newSet.status?.availableReplicas ?? 0);
  const maxScaledDown = allPods - minAvailable - newUnavailable;
  if (maxScaledDown <= 0) return false;
  // cleanupUnhealthyReplicas: first take away pods that are not available anyway.
  let cleaned = 0;
  for (const rs of [...oldSets]) {
    if (cleaned >= maxScaledDown) break;
    const replicas = specReplicas(rs);
    const available = rs.status?.availableReplicas ?? 0;
    if (replicas === 0 || replicas === available) continue;
    const count = Math.min(maxScaledDown - cleaned, replicas - available);
    if (s.scale(rs, replicas - count)) cleaned += count;
  }
  // scaleDownOldReplicaSetsForRollingUpdate: then available ones, as long as availability allows.
  const current = (rs: KubeObject): KubeObject => s.current(rs) ?? rs;
  const availableNow = [...oldSets, newSet].reduce((n, rs) => n + (current(rs).status?.availableReplicas ?? 0), 0);
  let scaled = 0;
  if (availableNow > minAvailable) {
    const total = availableNow - minAvailable;
    for (const rs of oldSets.map(current)) {
      if (scaled >= total) break;
      const replicas = specReplicas(rs);
      if (replicas === 0) continue;
      const count = Math.min(replicas, total - scaled);
      if (s.scale(rs, replicas - count)) scaled += count;
    }
  }
  return cleaned + scaled > 0;
}

/** `isScalingEvent`: an active ReplicaSet's desired-replicas annotation differs from `spec.replicas`. */
export function isScalingEvent(s: DeploymentSync): boolean {
  const { newSet, oldSets } = s.replicaSets(false);
  const desired = desiredReplicas(s.d);
  return active(newSet ? [newSet, ...oldSets] : oldSets).some((rs) => {
    const annotated = rs.metadata.annotations?.[ANNOTATIONS.desiredReplicas];
    return annotated !== undefined && Number(annotated) !== desired;
  });
}

/** `sync`: for scaling events and paused Deployments — scale, clean up when paused, write counters. */
export function syncScaling(s: DeploymentSync): undefined {
  const { newSet, oldSets } = s.replicaSets(false);
  scale(s, newSet, oldSets);
  if (s.d.spec?.paused) s.cleanup(oldSets);
  s.syncStatus(newSet ? [...oldSets, newSet] : oldSets, newSet);
  return undefined;
}

/** `scale`: the one active (or latest) ReplicaSet takes all replicas; otherwise proportional scaling. */
function scale(s: DeploymentSync, newSet: KubeObject | undefined, oldSets: KubeObject[]): void {
  const desired = desiredReplicas(s.d);
  const activeSets = active(newSet ? [newSet, ...oldSets] : oldSets);
  const only =
    activeSets.length === 1 ? activeSets[0] : activeSets.length === 0 ? (newSet ?? latest(oldSets)) : undefined;
  if (only) {
    if (specReplicas(only) !== desired) s.scale(only, desired);
    return;
  }
  if (isSaturated(s.d, newSet)) {
    for (const rs of active(oldSets)) s.scale(rs, 0);
    return;
  }
  if (s.d.spec?.strategy?.type !== 'RollingUpdate') return;
  const allowed = desired + maxSurge(s.d);
  const toAdd = allowed - sumSpecReplicas(activeSets);
  if (toAdd === 0) return;
  // Bigger sets take (or give) first; newer ones first on ties, as upstream sorts.
  const ordered = [...activeSets].sort((a, b) =>
    toAdd > 0
      ? specReplicas(b) - specReplicas(a) ||
        (Date.parse(b.metadata.creationTimestamp ?? '') || 0) - (Date.parse(a.metadata.creationTimestamp ?? '') || 0)
      : specReplicas(b) - specReplicas(a) ||
        (Date.parse(a.metadata.creationTimestamp ?? '') || 0) - (Date.parse(b.metadata.creationTimestamp ?? '') || 0),
  );
  const before = sumSpecReplicas(activeSets);
  let added = 0;
  const sizes = new Map<KubeObject, number>();
  for (const rs of ordered) {
    const max = Number(rs.metadata.annotations?.[ANNOTATIONS.maxReplicas]) || before;
    const proportion = Math.trunc((specReplicas(rs) * allowed) / max) - specReplicas(rs);
    const bounded = toAdd > 0 ? Math.min(proportion, toAdd - added) : Math.max(proportion, toAdd - added);
    sizes.set(rs, specReplicas(rs) + bounded);
    added += bounded;
  }
  const first = ordered[0]!;
  sizes.set(first, Math.max(0, sizes.get(first)! + (toAdd - added)));
  for (const rs of ordered) s.scale(rs, Math.max(0, sizes.get(rs)!));
}

function latest(sets: KubeObject[]): KubeObject | undefined {
  return [...sets].sort(
    (a, b) =>
      (Date.parse(b.metadata.creationTimestamp ?? '') || 0) - (Date.parse(a.metadata.creationTimestamp ?? '') || 0),
  )[0];
}
