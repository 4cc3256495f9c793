/**
 * Questions controllers ask about pods and owners (pkg/api/v1/pod/util.go, pkg/controller/controller_utils.go):
 * is it ready, available for minReadySeconds, still active, who controls it, what does it request.
 * Durations are cluster durations: `minReadySeconds` is measured through the Clock, so `--time-scale` applies.
 */
import type { Clock } from '../kube/clock.ts';
import type { KubeObject, OwnerReference } from '../kube/types.ts';
import { parseQuantity } from './quantity.ts';
import type { Json } from '../kube/json.ts';

/** The pod's condition of `type`, if any. */
export function podCondition(pod: KubeObject, type: string): Json | undefined {
  return (pod.status?.conditions ?? []).find((c: Json) => c.type === type);
}

/** `IsPodReady`: the Ready condition is True. */
export function isPodReady(pod: KubeObject): boolean {
  return podCondition(pod, 'Ready')?.status === 'True';
}

/**
 * `IsPodAvailable`: ready, and ready for at least `minReadySeconds` (cluster seconds, scaled by the clock).
 * Returns the cluster milliseconds still to wait when it is ready but not yet available, so callers can requeue.
 */
export function podAvailability(
  pod: KubeObject,
  minReadySeconds: number,
  clock: Clock,
): { available: boolean; waitMs?: number } {
  if (!isPodReady(pod)) return { available: false };
  if (!minReadySeconds) return { available: true };
  const since = Date.parse(podCondition(pod, 'Ready')?.lastTransitionTime ?? '');
  if (Number.isNaN(since)) return { available: true };
  const elapsedReal = clock.now().getTime() - since;
  const neededReal = clock.scale(minReadySeconds * 1000);
  if (elapsedReal >= neededReal) return { available: true };
  return { available: false, waitMs: Math.max(1, minReadySeconds * 1000 - realToCluster(clock, elapsedReal)) };
}

/** Converts real milliseconds into cluster milliseconds (the inverse of `clock.scale`). */
export function realToCluster(clock: Clock, realMs: number): number {
  const ratio = clock.scale(1_000_000) / 1_000_000;
  return ratio > 0 ? realMs / ratio : Number.MAX_SAFE_INTEGER;
}

/** `IsPodActive`: not Succeeded/Failed and not being deleted. */
export function isPodActive(pod: KubeObject): boolean {
  const phase = pod.status?.phase;
  return phase !== 'Succeeded' && phase !== 'Failed' && !pod.metadata.deletionTimestamp;
}

/** True for pods whose phase is final (Succeeded or Failed). */
export function isPodTerminal(pod: KubeObject): boolean {
  const phase = pod.status?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

/** The ownerReference with `controller: true`, if any. */
export function controllerOf(obj: KubeObject): OwnerReference | undefined {
  return obj.metadata.ownerReferences?.find((o) => o.controller);
}

/** A controller ownerReference pointing at `owner` (what controllers stamp on what they create). */
export function controllerRef(owner: KubeObject): OwnerReference {
  return {
    apiVersion: owner.apiVersion,
    kind: owner.kind,
    name: owner.metadata.name,
    uid: owner.metadata.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

/**
 * What the pod asks of a node, per resource, like the scheduler's `computePodResourceRequest`: the sum over
 * containers, at least the largest init container, where a limit stands in for a missing request
 * (extended resources such as `nvidia.com/gpu` are usually given as limits only).
 */
export function podRequests(pod: KubeObject): Record<string, number> {
  const total: Record<string, number> = {};
  const containerRequests = (c: Json): Record<string, number> => {
    const out: Record<string, number> = {};
    const requests = c.resources?.requests ?? {};
    const limits = c.resources?.limits ?? {};
    for (const name of new Set([...Object.keys(requests), ...Object.keys(limits)])) {
      out[name] = parseQuantity(requests[name] ?? limits[name]);
    }
    return out;
  };
  for (const c of pod.spec?.containers ?? []) {
    for (const [name, v] of Object.entries(containerRequests(c))) total[name] = (total[name] ?? 0) + v;
  }
  for (const c of pod.spec?.initContainers ?? []) {
    for (const [name, v] of Object.entries(containerRequests(c))) total[name] = Math.max(total[name] ?? 0, v);
  }
  return total;
}
