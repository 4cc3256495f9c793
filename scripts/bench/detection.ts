/**
 * The detection error of the suite's waits: for every status change a wait saw happen live (the run directory's
 * detections.jsonl, fixtures/k8s.ts `Detection`), the client time it arrived minus the time the API server
 * committed that very version of the object (the sandbox's journal, matched by kind, namespace, name and
 * resourceVersion). Negative would mean the suite claimed a change before it happened.
 */

/** A line of detections.jsonl, as far as the figure needs it. */
export interface DetectionLine {
  kind: string;
  namespace?: string;
  name: string;
  resourceVersion: string;
  at: number;
}

/** A line of the sandbox's journal.jsonl (sandbox/apiserver/journal.ts), as far as the figure needs it. */
export interface CommitLine {
  ts: number;
  kind: string;
  namespace?: string;
  name: string;
  resourceVersion: string;
}

/** Percentiles of the errors (ms) and what could not be matched. */
export interface DetectionFigures {
  count: number;
  p50: number;
  p95: number;
  max: number;
  min: number;
  /** Detections whose version is not in the journal (e.g. the journal was cut short). */
  unmatched: number;
}

const key = (e: { kind: string; namespace?: string; name: string; resourceVersion: string }) =>
  `${e.kind}/${e.namespace ?? ''}/${e.name}@${e.resourceVersion}`;

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** Matches detections with commits; undefined when none matched. Each object version counts once (its first detection). */
export function detectionError(
  detections: readonly DetectionLine[],
  commits: readonly CommitLine[],
): DetectionFigures | undefined {
  const committed = new Map<string, number>();
  for (const c of commits) if (!committed.has(key(c))) committed.set(key(c), c.ts);
  const errors: number[] = [];
  const seen = new Set<string>();
  let unmatched = 0;
  for (const d of detections) {
    const k = key(d);
    if (seen.has(k)) continue;
    seen.add(k);
    const ts = committed.get(k);
    if (ts === undefined) unmatched++;
    else errors.push(d.at - ts);
  }
  if (errors.length === 0) return undefined;
  errors.sort((a, b) => a - b);
  return {
    count: errors.length,
    p50: percentile(errors, 50),
    p95: percentile(errors, 95),
    max: errors.at(-1)!,
    min: errors[0]!,
    unmatched,
  };
}
