/**
 * The controllers' own timestamps for the moments the timeline records (the cross-check of client-side watch
 * times, and the estimate when a moment passed before a watch began): when a GitRepository stored a revision,
 * when a Kustomization applied it, when an ImageRepository scanned, when a condition last changed.
 */
import { getCondition, type ConditionedObject } from './conditions.ts';
import { revisionCommit } from './git-revision.ts';

type Obj = ConditionedObject & {
  status?: {
    artifact?: { revision?: string; lastUpdateTime?: string };
    history?: Array<{ lastReconciled?: string; metadata?: { revision?: string }; revision?: string }>;
    lastScanResult?: { scanTime?: string };
  } | null;
};

/** `status.artifact.lastUpdateTime` of a source, when the artifact is that commit. */
export function artifactStoredAt(obj: Obj | undefined, sha?: string): number | undefined {
  const artifact = obj?.status?.artifact;
  if (!artifact?.lastUpdateTime) return undefined;
  if (sha && revisionCommit(artifact.revision) !== sha) return undefined;
  return parse(artifact.lastUpdateTime);
}

/**
 * When a Kustomization applied the commit: the Ready transition whose message names it (`Applied revision:
 * main@sha1:…`), else the newest history entry for that revision (`lastReconciled`).
 */
export function kustomizationAppliedAt(obj: Obj | undefined, sha: string): number | undefined {
  const ready = getCondition(obj, 'Ready');
  if (ready?.status === 'True' && ready.lastTransitionTime && ready.message?.includes(sha))
    return parse(ready.lastTransitionTime);
  const history: Array<{ lastReconciled?: string; metadata?: { revision?: string }; revision?: string }> =
    obj?.status?.history ?? [];
  const entry = history.find((h) => revisionCommit(h.metadata?.revision ?? h.revision) === sha);
  return entry?.lastReconciled ? parse(entry.lastReconciled) : undefined;
}

/** `status.lastScanResult.scanTime` of an ImageRepository. */
export function scannedAt(obj: Obj | undefined): number | undefined {
  return parse(obj?.status?.lastScanResult?.scanTime);
}

/** The last transition of a condition, when it has the given status. */
export function conditionChangedAt(obj: Obj | undefined, type: string, status = 'True'): number | undefined {
  const c = getCondition(obj, type);
  return c?.status === status ? parse(c.lastTransitionTime) : undefined;
}

function parse(text: unknown): number | undefined {
  if (typeof text !== 'string') return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}
