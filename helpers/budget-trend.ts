/**
 * Budgets across runs. Each run's measured budgets go into the Allure results as performance metrics
 * (`<id>-perf.json`: Allure 3 stores a run's metrics in its history point, `reports/allure-history.jsonl`), so the
 * history Allure keeps anyway is the trend's data: no second history file to carry across nightlies. This file turns
 * a timing record into those metrics and the history back into one series per budget.
 */
import type { TimingRecord } from './timing-record.ts';

/**
 * Metric key prefix: `gitops.budget.<planBudgetId>` (measured ms) and `….limit` (the limit that run had); a fleet
 * member's are `gitops.budget.<planBudgetId>@<member>`, one series per member and budget.
 */
export const METRIC_PREFIX = 'gitops.budget.';

/** One Allure performance result, as `*-perf.json` holds them (allure 3.18, @allurereport/core-api metrics.d.ts). */
export interface PerfMetric {
  id: string;
  key: string;
  value: number;
  start: number;
  stop: number;
}

/**
 * The first section's (the upgrade's) measured plan budgets as metrics; unmeasured rows have no value to plot.
 * `member` names the fleet member the record is of (its keys and ids carry it).
 */
export function budgetMetrics(record: TimingRecord, member?: string): PerfMetric[] {
  const section = record.sections[0];
  if (!section) return [];
  const times = Object.values(section.checkpoints);
  const start = times.length > 0 ? Math.min(...times) : Date.parse(record.writtenAt);
  const stop = times.length > 0 ? Math.max(...times) : start;
  return section.rows.flatMap((row) => {
    if (!row.id || row.measuredMs === undefined) return [];
    const id = member ? `${row.id}@${member}` : row.id;
    const key = `${METRIC_PREFIX}${id}`;
    return [
      { id: `${record.runId}:${id}`, key, value: row.measuredMs, start, stop },
      { id: `${record.runId}:${id}:limit`, key: `${key}.limit`, value: row.limitMs, start, stop },
    ];
  });
}

export interface TrendPoint {
  /** Epoch ms of the run (the history point's timestamp). */
  at: number;
  measuredMs: number;
  limitMs?: number;
}

export interface TrendSeries {
  id: string;
  name: string;
  points: TrendPoint[];
}

/**
 * One series per budget, oldest run first, from the lines of allure-history.jsonl plus (optionally) the current
 * run's record, which the history does not hold yet while its report is being generated. Malformed lines are
 * skipped: a damaged history must not cost the report.
 */
export function budgetTrend(
  historyJsonl: string,
  names: Readonly<Record<string, string>>,
  current?: { at: number; record: TimingRecord },
): TrendSeries[] {
  const runs: Array<{ at: number; metrics: Record<string, number> }> = [];
  for (const line of historyJsonl.split('\n')) {
    if (!line.trim()) continue;
    try {
      const point = JSON.parse(line) as { timestamp?: unknown; metrics?: unknown };
      if (typeof point.timestamp === 'number' && point.metrics && typeof point.metrics === 'object') {
        runs.push({ at: point.timestamp, metrics: point.metrics as Record<string, number> });
      }
    } catch {
      // skipped: see the doc comment
    }
  }
  if (current)
    runs.push({
      at: current.at,
      metrics: Object.fromEntries(budgetMetrics(current.record).map((m) => [m.key, m.value])),
    });
  runs.sort((a, b) => a.at - b.at);
  const series = new Map<string, TrendSeries>();
  for (const run of runs) {
    for (const [key, value] of Object.entries(run.metrics)) {
      if (!key.startsWith(METRIC_PREFIX) || key.endsWith('.limit') || !Number.isFinite(value)) continue;
      const id = key.slice(METRIC_PREFIX.length);
      const [budget = id, member] = id.split('@');
      const name = names[budget] ?? budget;
      const s = series.get(id) ?? { id, name: member ? `${name} (${member})` : name, points: [] };
      const limit = run.metrics[`${key}.limit`];
      s.points.push({ at: run.at, measuredMs: value, ...(Number.isFinite(limit) ? { limitMs: limit } : {}) });
      series.set(id, s);
    }
  }
  const order = Object.keys(names);
  return [...series.values()].sort((a, b) => rank(order, a.id) - rank(order, b.id));
}

function rank(order: string[], id: string): number {
  const i = order.indexOf(id.split('@')[0]!);
  return i === -1 ? order.length : i;
}
