/**
 * Whether the foundry pod has been replaced after a change: every pod that existed before it is gone (or
 * finished) and a pod created after it is Ready — in words when not yet, for waits and timeouts.
 */
import type { PodLifecycle } from './pod-lifecycle.ts';

/** Old and new pods after a change, and whether the replacement is complete. */
export interface ReplacementState {
  done: boolean;
  oldPods: string[];
  newPods: string[];
  /** The Ready replacement, when there is one. */
  readyPod?: string;
  reason: string;
}

/** Pods first seen before `changeAt` (client time of the push) are old; later ones are new. */
export function replacementState(lifecycle: PodLifecycle, changeAt: number): ReplacementState {
  const oldPods = lifecycle.pods.filter((p) => p.firstSeenAt < changeAt);
  const newPods = lifecycle.pods.filter((p) => p.firstSeenAt >= changeAt);
  const remaining = oldPods.filter((p) => p.goneAt === undefined && p.finishedAt === undefined);
  const ready = newPods.filter((p) => p.readyAt !== undefined && p.goneAt === undefined && p.finishedAt === undefined);
  const state = (p: PodLifecycle['pods'][number]) =>
    p.terminatingAt !== undefined ? 'Terminating' : (p.phase ?? 'Pending');
  const parts = [
    remaining.length
      ? `old pod${remaining.length > 1 ? 's' : ''} ${remaining.map((p) => `${p.name} ${state(p)}`).join(', ')} still present`
      : '',
    ready.length
      ? ''
      : newPods.length
        ? `new pod ${newPods.map((p) => `${p.name} ${state(p)}`).join(', ')} not Ready`
        : 'no new pod yet',
  ].filter(Boolean);
  return {
    done: remaining.length === 0 && ready.length > 0,
    oldPods: oldPods.map((p) => p.name),
    newPods: newPods.map((p) => p.name),
    ...(ready.length ? { readyPod: ready[ready.length - 1]!.name } : {}),
    reason: parts.length
      ? `pod replacement: ${parts.join('; ')}`
      : `pod replacement done: ${ready[ready.length - 1]!.name} Ready`,
  };
}
