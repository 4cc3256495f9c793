/**
 * Reading a pod's state the way `kubectl get pods` summarises it: ready, restarts, why a container waits,
 * and whether any two pods of a set ever existed at once (from the API server's journal).
 */
import type { JournalEntry, K8sObject } from './cluster-watch.ts';
import { condition } from './cluster-watch.ts';

interface ContainerStatus {
  restartCount?: number;
  state?: { waiting?: { reason?: string }; running?: unknown; terminated?: { reason?: string; exitCode?: number } };
}

function containers(pod: K8sObject): ContainerStatus[] {
  return (pod.status?.containerStatuses as ContainerStatus[] | undefined) ?? [];
}

/** Ready=True and not being deleted. */
export function isReady(pod: K8sObject): boolean {
  return condition(pod, 'Ready')?.status === 'True' && !pod.metadata.deletionTimestamp;
}

/** Sum of the containers' restart counts (kubectl's RESTARTS column). */
export function restarts(pod: K8sObject): number {
  return containers(pod).reduce((n, c) => n + (c.restartCount ?? 0), 0);
}

/** The first container's waiting reason (CrashLoopBackOff, ContainerCreating…), if it waits. */
export function waitingReason(pod: K8sObject): string | undefined {
  return containers(pod).find((c) => c.state?.waiting)?.state?.waiting?.reason;
}

/** Pods of the set, newest first, ignoring those being deleted. */
export function livePods(objects: ReadonlyMap<string, K8sObject>): K8sObject[] {
  return [...objects.values()]
    .filter((p) => !p.metadata.deletionTimestamp)
    .sort((a, b) => Number(b.metadata.resourceVersion ?? 0) - Number(a.metadata.resourceVersion ?? 0));
}

/**
 * The largest number of pods (matching `belongs`) that existed at the same moment, replaying the journal in
 * resourceVersion order: a pod exists from its ADDED entry until its DELETED entry, terminating or not,
 * because a terminating pod still holds its GPU.
 */
export function maxCoexisting(entries: JournalEntry[], belongs: (e: JournalEntry) => boolean): number {
  const alive = new Set<string>();
  let max = 0;
  const ordered = entries
    .filter((e) => e.kind === 'Pod' && belongs(e))
    .sort((a, b) => Number(a.resourceVersion) - Number(b.resourceVersion));
  for (const e of ordered) {
    if (e.type === 'DELETED') alive.delete(e.uid);
    else alive.add(e.uid);
    max = Math.max(max, alive.size);
  }
  return max;
}
