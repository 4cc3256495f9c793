import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluateBudgets, planBudgets } from './budgets.ts';
import { budgetMetrics, budgetTrend, METRIC_PREFIX } from './budget-trend.ts';
import { renderBudgetTrendSvg } from './budget-trend-svg.ts';
import { timingRecord } from './timing-record.ts';

const T0 = Date.UTC(2026, 11, 7, 2, 0);
const checkpoints = {
  gitPushed: T0,
  gitRepositorySynced: T0 + 1200,
  kustomizationApplied: T0 + 2000,
  helmUpgradeStarted: T0 + 9000,
};
const record = timingRecord(
  'run-3',
  [{ title: 'Upgrade', rows: evaluateBudgets(checkpoints, planBudgets()), checkpoints }],
  new Date(T0 + 60_000),
);
const names = {
  gitPushToSync: 'git push → GitRepository sync',
  gitopsFlow: 'GitOps flow (git push → HelmRelease upgrade start)',
};

describe('budgetMetrics', () => {
  it('turns measured plan budgets into Allure performance metrics, with their limits', () => {
    const metrics = budgetMetrics(record);
    const byKey = Object.fromEntries(metrics.map((m) => [m.key, m.value]));
    assert.equal(byKey[`${METRIC_PREFIX}gitPushToSync`], 1200);
    assert.equal(byKey[`${METRIC_PREFIX}gitPushToSync.limit`], 5000);
    assert.equal(byKey[`${METRIC_PREFIX}gitopsFlow`], 9000);
    assert.equal(byKey[`${METRIC_PREFIX}ociPushToDetection`], undefined, 'never measured: no metric');
    for (const m of metrics) assert.ok(m.id && m.start === T0 && m.stop === T0 + 9000, JSON.stringify(m));
  });

  it("keys a fleet member's metrics by budget and member, and the trend names the member", () => {
    const metrics = budgetMetrics(record, 'edge-2');
    const byKey = Object.fromEntries(metrics.map((m) => [m.key, m.value]));
    assert.equal(byKey[`${METRIC_PREFIX}gitPushToSync@edge-2`], 1200);
    assert.equal(byKey[`${METRIC_PREFIX}gitPushToSync@edge-2.limit`], 5000);
    assert.equal(byKey[`${METRIC_PREFIX}gitPushToSync`], undefined);
    const line = JSON.stringify({
      timestamp: T0,
      metrics: Object.fromEntries([...budgetMetrics(record, 'edge-1'), ...metrics].map((m) => [m.key, m.value])),
    });
    const series = budgetTrend(line, names);
    assert.deepEqual(
      series.map((t) => t.name),
      [
        'git push → GitRepository sync (edge-1)',
        'git push → GitRepository sync (edge-2)',
        'GitOps flow (git push → HelmRelease upgrade start) (edge-1)',
        'GitOps flow (git push → HelmRelease upgrade start) (edge-2)',
        'syncToApply (edge-1)',
        'applyToUpgradeStart (edge-1)',
        'syncToApply (edge-2)',
        'applyToUpgradeStart (edge-2)',
      ],
    );
  });
});

describe('budgetTrend', () => {
  const history = [
    JSON.stringify({
      uuid: 'a',
      timestamp: T0 - 2 * 86_400_000,
      metrics: { [`${METRIC_PREFIX}gitopsFlow`]: 16_000, [`${METRIC_PREFIX}gitopsFlow.limit`]: 15_000 },
    }),
    'not json',
    JSON.stringify({ uuid: 'b', timestamp: T0 - 86_400_000, metrics: {} }),
    JSON.stringify({
      uuid: 'c',
      timestamp: T0 - 86_400_000 + 1,
      metrics: { [`${METRIC_PREFIX}gitopsFlow`]: 7000, 'other.metric': 3 },
    }),
  ].join('\n');

  it('reads one series per budget from the history, oldest first, plus the current run', () => {
    const series = budgetTrend(history, names, { at: T0, record });
    assert.deepEqual(
      series.map((s) => s.id),
      ['gitPushToSync', 'gitopsFlow', 'syncToApply', 'applyToUpgradeStart'],
    );
    const flow = series.find((s) => s.id === 'gitopsFlow')!;
    assert.equal(flow.name, names.gitopsFlow);
    assert.deepEqual(
      flow.points.map((p) => [p.measuredMs, p.limitMs]),
      [
        [16_000, 15_000],
        [7000, undefined],
        [9000, 15_000],
      ],
    );
  });

  it('draws a panel per budget with its limit line, over-limit runs red', () => {
    const svg = renderBudgetTrendSvg(budgetTrend(history, names, { at: T0, record }));
    const flow = svg.split('<g class="series"').find((g) => g.includes('data-budget="gitopsFlow"'))!;
    assert.match(flow, /GitOps flow \(git push → HelmRelease upgrade start\) — latest 9s, limit 15s \(3 runs\)/);
    assert.match(flow, /class="limit"/);
    assert.equal((flow.match(/<circle/g) ?? []).length, 3);
    assert.equal((flow.match(/fill="#c62828"/g) ?? []).length, 1, 'only the 16s run was over its 15s limit');
    assert.match(flow, /2026-12-05 02:00 UTC/);
    assert.doesNotMatch(svg, /<script|href=|url\(/);
  });

  it('says so when nothing was measured yet', () => {
    assert.match(renderBudgetTrendSvg(budgetTrend('', names)), /no budget measured in any run/);
  });
});
