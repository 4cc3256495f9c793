/**
 * A Deployment's status from its ReplicaSets (sync.go `calculateStatus`, progress.go `syncRolloutStatus`):
 * counters, Available from `replicas - maxUnavailable`, and the Progressing condition that advances on every
 * sign of progress and turns into `ProgressDeadlineExceeded` once `progressDeadlineSeconds` pass without any.
 * Deadlines are cluster durations measured through the Clock (so `--time-scale` shortens them).
 */
import type { Clock } from '../kube/clock.ts';
import type { KubeObject } from '../kube/types.ts';
import {
  REASONS,
  getCondition,
  newCondition,
  removeCondition,
  setCondition,
  type DeploymentCondition,
} from './deployment-conditions.ts';
import { realToCluster } from './pod-state.ts';
import {
  deploymentComplete,
  deploymentProgressing,
  desiredReplicas,
  maxUnavailable,
  sumSpecReplicas,
  sumStatus,
  type DeploymentStatusCounts,
} from './rollout-math.ts';
import type { Json } from '../kube/json.ts';

/** `HasProgressDeadline`: set and not MaxInt32. */
export function hasProgressDeadline(d: KubeObject): boolean {
  const s = d.spec?.progressDeadlineSeconds;
  return typeof s === 'number' && s !== 2147483647;
}

/** The counters of a status (absent counters are 0, as Go's omitempty leaves them out). */
export function statusCounts(status: Json): DeploymentStatusCounts {
  return {
    observedGeneration: status?.observedGeneration ?? 0,
    replicas: status?.replicas ?? 0,
    updatedReplicas: status?.updatedReplicas ?? 0,
    readyReplicas: status?.readyReplicas ?? 0,
    availableReplicas: status?.availableReplicas ?? 0,
    unavailableReplicas: status?.unavailableReplicas ?? 0,
  };
}

/** `calculateStatus`: counters plus the Available condition; other conditions carried over. */
export function calculateStatus(
  d: KubeObject,
  allSets: KubeObject[],
  newSet: KubeObject | undefined,
  now: string,
): Json {
  const available = sumStatus(allSets, 'availableReplicas');
  const total = sumSpecReplicas(allSets);
  const counts: DeploymentStatusCounts = {
    observedGeneration: d.metadata.generation ?? 0,
    replicas: sumStatus(allSets, 'replicas'),
    updatedReplicas: sumStatus([newSet], 'replicas'),
    readyReplicas: sumStatus(allSets, 'readyReplicas'),
    availableReplicas: available,
    unavailableReplicas: Math.max(0, total - available),
  };
  let conditions: DeploymentCondition[] = [...(d.status?.conditions ?? [])];
  conditions =
    available >= desiredReplicas(d) - maxUnavailable(d)
      ? setCondition(
          conditions,
          newCondition('Available', 'True', REASONS.minimumAvailable, 'Deployment has minimum availability.', now),
        )
      : setCondition(
          conditions,
          newCondition(
            'Available',
            'False',
            REASONS.minimumUnavailable,
            'Deployment does not have minimum availability.',
            now,
          ),
        );
  return toStatus(counts, conditions, d.status?.collisionCount);
}

/** A status object with Go's omitempty applied to the counters. */
export function toStatus(
  counts: DeploymentStatusCounts,
  conditions: DeploymentCondition[],
  collisionCount?: number,
): Json {
  const status: Json = {};
  for (const [key, value] of Object.entries(counts)) if (value) status[key] = value;
  if (conditions.length) status.conditions = conditions;
  if (collisionCount) status.collisionCount = collisionCount;
  return status;
}

/** Remembers the exact moment a Progressing condition was stamped, since metav1.Time keeps only seconds. */
export class ProgressStamps {
  readonly #stamps = new Map<string, { stamp: string; ms: number }>();

  /** Records `stamp` (the condition's lastUpdateTime) as written at `ms`. */
  note(uid: string, stamp: string, ms: number): void {
    this.#stamps.set(uid, { stamp, ms });
  }

  /** The precise time of `stamp` when this process wrote it, else the parsed (second precision) time. */
  resolve(uid: string, stamp: string): number {
    const known = this.#stamps.get(uid);
    return known && known.stamp === stamp ? known.ms : Date.parse(stamp);
  }

  forget(uid: string): void {
    this.#stamps.delete(uid);
  }
}

/** What `syncRolloutStatus` decided: the status to write, and when to look again for a timeout. */
export interface RolloutStatusResult {
  status: Json;
  /** Cluster milliseconds until the progress deadline would pass, when a requeue is needed. */
  requeueAfterMs?: number;
}

/**
 * `syncRolloutStatus` without the write: Progressing becomes NewReplicaSetAvailable when complete,
 * ReplicaSetUpdated on progress (keeping lastTransitionTime), ProgressDeadlineExceeded once the deadline
 * passed since its lastUpdateTime; ReplicaFailure mirrors the ReplicaSets'.
 */
export function rolloutStatus(
  d: KubeObject,
  allSets: KubeObject[],
  newSet: KubeObject | undefined,
  clock: Clock,
  stamps: ProgressStamps,
): RolloutStatusResult {
  const now = clock.nowRfc3339();
  const uid = d.metadata.uid ?? '';
  const status = calculateStatus(d, allSets, newSet, now);
  let conditions: DeploymentCondition[] = status.conditions ?? [];
  if (!hasProgressDeadline(d)) conditions = removeCondition(conditions, 'Progressing');
  const current = getCondition(d.status?.conditions, 'Progressing');
  const counts = statusCounts(status);
  const isComplete = counts.replicas === counts.updatedReplicas && current?.reason === REASONS.newRSAvailable;
  const what = newSet ? `ReplicaSet "${newSet.metadata.name}"` : `Deployment "${d.metadata.name}"`;
  if (hasProgressDeadline(d) && !isComplete) {
    if (deploymentComplete(d, counts)) {
      conditions = setCondition(
        conditions,
        newCondition('Progressing', 'True', REASONS.newRSAvailable, `${what} has successfully progressed.`, now),
      );
      stamps.note(uid, now, clock.now().getTime());
    } else if (deploymentProgressing(statusCounts(d.status), counts)) {
      const condition = newCondition('Progressing', 'True', REASONS.rsUpdated, `${what} is progressing.`, now);
      if (current?.status === 'True') condition.lastTransitionTime = current.lastTransitionTime;
      conditions = [...removeCondition(conditions, 'Progressing'), condition];
      stamps.note(uid, now, clock.now().getTime());
    } else if (timedOut(d, conditions, clock, stamps)) {
      conditions = setCondition(
        conditions,
        newCondition('Progressing', 'False', REASONS.timedOut, `${what} has timed out progressing.`, now),
      );
    }
  }
  const failure = replicaFailure(newSet, allSets);
  conditions = failure ? setCondition(conditions, failure) : removeCondition(conditions, 'ReplicaFailure');
  const result = toStatus(counts, conditions, status.collisionCount);
  return { status: result, requeueAfterMs: requeueForDeadline(d, result, clock, stamps) };
}

/** `DeploymentTimedOut`: the Progressing condition's lastUpdateTime is older than the deadline. */
function timedOut(d: KubeObject, conditions: DeploymentCondition[], clock: Clock, stamps: ProgressStamps): boolean {
  const cond = getCondition(conditions, 'Progressing');
  if (!cond || cond.reason === REASONS.newRSAvailable) return false;
  if (cond.reason === REASONS.timedOut) return true;
  const from = stamps.resolve(d.metadata.uid ?? '', cond.lastUpdateTime);
  return from + clock.scale(d.spec.progressDeadlineSeconds * 1000) <= clock.now().getTime();
}

/** `requeueStuckDeployment`: cluster ms until the deadline, when a rollout is under way and not timed out. */
function requeueForDeadline(d: KubeObject, status: Json, clock: Clock, stamps: ProgressStamps): number | undefined {
  const cond = getCondition(status.conditions, 'Progressing');
  if (!hasProgressDeadline(d) || !cond) return undefined;
  if (deploymentComplete(d, statusCounts(status)) || cond.reason === REASONS.timedOut) return undefined;
  if (cond.reason === REASONS.paused) return undefined;
  const from = stamps.resolve(d.metadata.uid ?? '', cond.lastUpdateTime);
  const remainingReal = from + clock.scale(d.spec.progressDeadlineSeconds * 1000) - clock.now().getTime();
  // A few milliseconds of slack so the timer never fires just before the deadline it waits for.
  return Math.max(0, realToCluster(clock, remainingReal)) + realToCluster(clock, 5);
}

/** `getReplicaFailures`: the new ReplicaSet's ReplicaFailure first, else an old one's. */
function replicaFailure(newSet: KubeObject | undefined, allSets: KubeObject[]): DeploymentCondition | undefined {
  for (const rs of [newSet, ...allSets.filter((s) => s !== newSet)]) {
    const c = (rs?.status?.conditions ?? []).find((x: Json) => x.type === 'ReplicaFailure');
    if (c) {
      return {
        type: 'ReplicaFailure',
        status: c.status,
        reason: c.reason,
        message: c.message,
        lastUpdateTime: c.lastTransitionTime,
        lastTransitionTime: c.lastTransitionTime,
      };
    }
  }
  return undefined;
}
