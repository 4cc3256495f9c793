import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluateBudgets, planBudgets } from './budgets.ts';
import {
  buildRunSummary,
  fluxLine,
  runSummaryMarkdown,
  SUMMARY_SCHEMA_VERSION,
  type SummaryInput,
} from './run-summary.ts';
import { timingRecord } from './timing-record.ts';

const T0 = Date.UTC(2026, 11, 7, 2, 0);
const checkpoints = { gitPushed: T0, gitRepositorySynced: T0 + 6200 };
const timing = timingRecord('run-9', [
  { title: 'Upgrade', rows: evaluateBudgets(checkpoints, planBudgets()), checkpoints },
]);
const environment = {
  'Run id': 'run-9',
  Target: 'sandbox (targets/sandbox.yaml)',
  'Flux controllers': 'source-controller v1.6.2, kustomize-controller v1.6.1',
  'Flux APIs': 'GitRepository v1, ImagePolicy v1beta2, ImageRepository v1beta2',
};
const base: SummaryInput = {
  status: 'failed',
  startedAt: new Date(T0),
  durationMs: 95_000,
  phases: ['00-preflight', '03-git-update', '04-upgrade', 'teardown'],
  tests: [
    { phase: '00-preflight', title: 'preflight', status: 'passed', durationMs: 2000 },
    {
      phase: '03-git-update',
      title: 'git update: the tag change reaches the cluster',
      status: 'failed',
      durationMs: 7000,
      criterion: 'GitRepository at the pushed SHA (< 5 s)',
      message: 'timing budget: git push → GitRepository sync took 6.2s, budget 5s (exceeded by 1.2s)',
    },
    { phase: '04-upgrade', title: 'upgrade', status: 'skipped', durationMs: 0 },
    { phase: 'teardown', title: 'teardown', status: 'passed', durationMs: 3000 },
  ],
  timing,
  environment,
  errors: [],
};

describe('buildRunSummary', () => {
  const summary = buildRunSummary(base);

  it('gives a verdict per phase and the first failure with its criterion', () => {
    assert.equal(summary.schemaVersion, SUMMARY_SCHEMA_VERSION);
    assert.equal(summary.verdict, 'failed');
    assert.deepEqual(
      summary.phases.map((p) => [p.name, p.verdict]),
      [
        ['00-preflight', 'passed'],
        ['03-git-update', 'failed'],
        ['04-upgrade', 'did not run'],
        ['teardown', 'passed'],
      ],
    );
    assert.deepEqual(summary.firstFailure, {
      phase: '03-git-update',
      test: base.tests[1]!.title,
      criterion: 'GitRepository at the pushed SHA (< 5 s)',
      message: base.tests[1]!.message,
    });
    assert.equal(summary.runId, 'run-9');
    assert.equal(summary.target, 'sandbox (targets/sandbox.yaml)');
    assert.equal(summary.fluxLine, '2.6 (source-controller v1.6, image APIs v1beta2)');
  });

  it('lists every budget with measured, limit and result', () => {
    const sync = summary.budgets.find((b) => b.id === 'gitPushToSync')!;
    assert.deepEqual([sync.measuredMs, sync.limitMs, sync.result], [6200, 5000, 'exceeded']);
    assert.equal(summary.budgets.find((b) => b.id === 'endToEnd')!.result, 'not measured');
    assert.equal(summary.budgets.length, 7);
  });

  it('passes only when Playwright passed and no phase failed', () => {
    const green = buildRunSummary({
      ...base,
      status: 'passed',
      tests: base.tests.filter((t) => t.status === 'passed'),
    });
    assert.equal(green.verdict, 'passed');
    assert.equal(green.firstFailure, undefined);
    assert.equal(
      buildRunSummary({ ...base, status: 'failed', tests: [] }).verdict,
      'failed',
      'a failed global setup has no test outcomes',
    );
  });

  it('renders Markdown with the verdict, facts, phases, first failure and budgets', () => {
    const md = runSummaryMarkdown(summary, timing);
    assert.match(md, /^## GitOps e2e — ❌ \*\*failed\*\*/);
    assert.match(md, /\*\*Flux line:\*\* 2\.6/);
    assert.match(md, /\| 03-git-update \| ❌ failed \| 1 \| 7s \|/);
    assert.match(md, /\| 04-upgrade \| ⏭️ did not run \| 1 \| 0s \|/);
    assert.match(md, /Criterion: GitRepository at the pushed SHA \(< 5 s\)/);
    assert.match(md, /\| git push → GitRepository sync \| 6\.2s \| 5s \| assert \| ❌ exceeded \|/);
    assert.match(
      runSummaryMarkdown(buildRunSummary({ ...base, timing: undefined, errors: ['no timing record'] })),
      /No timing record[\s\S]*- no timing record/,
    );
  });
});

describe('buildRunSummary for a fleet', () => {
  const member = (name: string, syncMs: number, flux: string) => {
    const cps = { gitPushed: T0, gitRepositorySynced: T0 + syncMs };
    return {
      name,
      timing: timingRecord('run-9', [
        { title: 'Upgrade', rows: evaluateBudgets(cps, planBudgets()), checkpoints: cps },
      ]),
      environment: {
        'Run id': 'run-9',
        Target: 'sandbox (targets/sandbox.yaml)',
        'Flux controllers': `source-controller v${flux}`,
      },
    };
  };
  const fleet: SummaryInput = {
    ...base,
    phases: ['edge-1:00-preflight', 'edge-1:teardown', 'edge-2:00-preflight', 'edge-2:teardown'],
    tests: [
      { phase: 'edge-1:00-preflight', title: 'preflight', status: 'passed', durationMs: 2000, startedAt: T0 },
      { phase: 'edge-1:teardown', title: 'teardown', status: 'passed', durationMs: 1000, startedAt: T0 + 2500 },
      {
        phase: 'edge-2:00-preflight',
        title: 'preflight',
        status: 'failed',
        durationMs: 1500,
        startedAt: T0 + 100,
        message: 'no Flux',
      },
      { phase: 'edge-2:teardown', title: 'teardown', status: 'passed', durationMs: 1000, startedAt: T0 + 2000 },
    ],
    members: [member('edge-1', 3100, '1.9.4'), member('edge-2', 6200, '1.6.2')],
  };
  const summary = buildRunSummary(fleet);

  it('keeps every member: its verdict, target, Flux line and budgets', () => {
    assert.deepEqual(
      summary.members?.map((m) => [m.name, m.verdict, m.fluxLine.slice(0, 3)]),
      [
        ['edge-1', 'passed', '2.9'],
        ['edge-2', 'failed', '2.6'],
      ],
    );
    assert.equal(summary.budgets.length, 14);
    assert.deepEqual(
      summary.budgets.filter((b) => b.id === 'gitPushToSync').map((b) => [b.member, b.measuredMs, b.result]),
      [
        ['edge-1', 3100, 'within budget'],
        ['edge-2', 6200, 'exceeded'],
      ],
    );
    assert.match(summary.target, /^edge-1: sandbox .*, edge-2: sandbox /);
  });

  it('dates every phase that ran: its first test start and its last test end', () => {
    const p = summary.phases.find((x) => x.name === 'edge-1:00-preflight')!;
    assert.deepEqual([p.startedAt, p.endedAt], [new Date(T0).toISOString(), new Date(T0 + 2000).toISOString()]);
    assert.equal(buildRunSummary(base).phases[0]!.startedAt, undefined, 'no start time, no date');
  });

  it('renders the budgets side by side, one column per member, each cell with its value and verdict', () => {
    const md = runSummaryMarkdown(summary);
    assert.match(md, /\| Member \| edge-1 \| edge-2 \|/);
    assert.match(md, /\| Verdict \| ✅ passed \| ❌ failed \|/);
    assert.match(md, /\| Budget \| Limit \| edge-1 \| edge-2 \|/);
    assert.match(md, /\| git push → GitRepository sync \| 5s \| 3\.1s ✅ \| 6\.2s ❌ \|/);
    assert.match(md, /- edge-2: git push → GitRepository sync took 6\.2s/);
    assert.doesNotMatch(md, /- edge-1: git push → GitRepository sync took/);
  });

  it("shows each member's own limit when their profiles differ", () => {
    const tight = member('edge-2', 6200, '1.6.2');
    const cps = { gitPushed: T0, gitRepositorySynced: T0 + 6200 };
    tight.timing = timingRecord('run-9', [
      {
        title: 'Upgrade',
        rows: evaluateBudgets(cps, planBudgets({ gitPushToSync: { limitMs: 10_000 } })),
        checkpoints: cps,
      },
    ]);
    const md = runSummaryMarkdown(buildRunSummary({ ...fleet, members: [fleet.members![0]!, tight] }));
    assert.match(md, /\| git push → GitRepository sync \| per member \| 3\.1s ✅ of 5s \| 6\.2s ✅ of 10s \|/);
  });

  it('names a member that left no timing record', () => {
    const md = runSummaryMarkdown(
      buildRunSummary({ ...fleet, members: [fleet.members![0]!, { name: 'edge-2', environment: {} }] }),
    );
    assert.match(md, /- edge-2: no timing record/);
    assert.match(md, /\| git push → GitRepository sync \| 5s \| 3\.1s ✅ \| · \|/);
  });
});

describe('fluxLine', () => {
  it('maps source-controller v1.N to Flux 2.N and falls back to what it was told', () => {
    assert.match(fluxLine({ 'Flux controllers': 'source-controller v1.9.4' }), /^2\.9 /);
    assert.equal(fluxLine({ 'Flux controllers': 'unavailable: no answer' }), 'unavailable: no answer');
    assert.equal(fluxLine({}), 'unknown');
  });
});
