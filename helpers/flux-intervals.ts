/**
 * Sync intervals as a criterion ("All sync intervals optimized"): read the live `spec.interval` (and the
 * Kustomizations' `spec.retryInterval`) of the objects under test, compare them with what the profile expects, and
 * name every budget that cannot hold given an interval — an observed flow can only be as fast as the controller's
 * schedule when nothing nudges it.
 *
 * Defaults follow upstream: a Kustomization without `retryInterval` retries at `interval`
 * (kustomize-controller api/v1 KustomizationSpec.RetryInterval: "When not specified, the controller uses the
 * KustomizationSpec.Interval value").
 */
import { formatDuration, parseDuration } from './durations.ts';

/** The live objects whose intervals matter, as read from the cluster (any API version). */
export interface IntervalObject {
  kind: string;
  metadata: { namespace?: string; name?: string };
  spec?: { interval?: string; retryInterval?: string } & Record<string, unknown>;
}

/** What the profile expects: upper limits in ms; undefined means "record only". */
export interface ExpectedIntervals {
  gitRepository?: number;
  kustomization?: number;
  kustomizationRetry?: number;
  imageRepository?: number;
  helmRelease?: number;
}

/** One measured interval. */
export interface IntervalRow {
  object: string;
  field: 'interval' | 'retryInterval';
  /** Live value in ms (undefined when the field is unset and has no default). */
  liveMs: number | undefined;
  /** As written on the object, or how it was derived. */
  live: string;
  expectedMs?: number;
  ok: boolean;
}

/** Budgets the intervals bear on, with their limits in ms. */
export interface IntervalBudgets {
  ociPushToDetection?: number;
  gitPushToSync?: number;
  gitopsFlow?: number;
}

/** The intervals, their verdicts and the budgets they make impossible, each in one line. */
export interface IntervalReport {
  rows: IntervalRow[];
  /** `GitRepository foundry-system/foundry-gitops spec.interval is 10m, expected at most 3s` */
  problems: string[];
  /** `budget git push → GitRepository sync 5s cannot hold: GitRepository … polls every 10m` */
  infeasible: string[];
}

const id = (o: IntervalObject) =>
  `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name ?? ''}`;

function ms(text: string | undefined): number | undefined {
  if (!text) return undefined;
  try {
    return parseDuration(text);
  } catch {
    return undefined;
  }
}

function row(
  o: IntervalObject,
  field: 'interval' | 'retryInterval',
  expectedMs: number | undefined,
  fallback?: { ms: number | undefined; label: string },
): IntervalRow {
  const written = o.spec?.[field];
  const liveMs = written ? ms(written) : fallback?.ms;
  const live =
    written ??
    (fallback ? `${fallback.ms === undefined ? 'unset' : formatDuration(fallback.ms)} (${fallback.label})` : 'unset');
  const ok = expectedMs === undefined || (liveMs !== undefined && liveMs <= expectedMs);
  return { object: id(o), field, liveMs, live, ...(expectedMs === undefined ? {} : { expectedMs }), ok };
}

/**
 * Compares live intervals with the expected ones and with the budgets. Pure. `objects` may hold any of the kinds;
 * missing kinds are simply not reported.
 */
export function checkIntervals(
  objects: readonly IntervalObject[],
  expected: ExpectedIntervals,
  budgets: IntervalBudgets = {},
): IntervalReport {
  const rows: IntervalRow[] = [];
  for (const o of objects) {
    if (o.kind === 'GitRepository') rows.push(row(o, 'interval', expected.gitRepository));
    else if (o.kind === 'ImageRepository') rows.push(row(o, 'interval', expected.imageRepository));
    else if (o.kind === 'HelmRelease') rows.push(row(o, 'interval', expected.helmRelease));
    else if (o.kind === 'Kustomization') {
      rows.push(row(o, 'interval', expected.kustomization));
      rows.push(
        row(o, 'retryInterval', expected.kustomizationRetry, {
          ms: ms(o.spec?.interval),
          label: 'defaults to spec.interval',
        }),
      );
    }
  }
  const problems = rows
    .filter((r) => !r.ok)
    .map((r) => `${r.object} spec.${r.field} is ${r.live}, expected at most ${formatDuration(r.expectedMs!)}`);

  const infeasible: string[] = [];
  const pollOf = (kind: string) => rows.find((r) => r.object.startsWith(`${kind} `) && r.field === 'interval');
  const cannotHold = (budget: string, limit: number | undefined, r: IntervalRow | undefined) => {
    if (limit === undefined || r?.liveMs === undefined || r.liveMs <= limit) return;
    infeasible.push(
      `budget ${budget} ${formatDuration(limit)} cannot hold: ${r.object} is scanned every ${formatDuration(r.liveMs)} (spec.interval) and nothing else triggers it`,
    );
  };
  cannotHold('OCI push → ImageRepository detection', budgets.ociPushToDetection, pollOf('ImageRepository'));
  cannotHold('git push → GitRepository sync', budgets.gitPushToSync, pollOf('GitRepository'));
  cannotHold('GitOps flow (git push → HelmRelease upgrade start)', budgets.gitopsFlow, pollOf('GitRepository'));
  return { rows, problems, infeasible };
}

/** The table for reports: one line per interval. */
export function intervalTable(rows: readonly IntervalRow[]): string {
  const lines = ['| object | field | live | expected | |', '|---|---|---|---|---|'];
  for (const r of rows)
    lines.push(
      `| ${r.object} | spec.${r.field} | ${r.live} | ${r.expectedMs === undefined ? '(record only)' : `≤ ${formatDuration(r.expectedMs)}`} | ${r.ok ? '✅' : '❌'} |`,
    );
  return lines.join('\n');
}
