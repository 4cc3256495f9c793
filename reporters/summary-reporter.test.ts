import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import type { FullConfig, FullResult, Suite, TestCase } from '@playwright/test/reporter';
import { evaluateBudgets, planBudgets } from '../helpers/budgets.ts';
import { timingRecord } from '../helpers/timing-record.ts';
import SummaryReporter from './summary-reporter.ts';

const T0 = Date.UTC(2026, 11, 7, 2, 0);
const dir = mkdtempSync(path.join(tmpdir(), 'summary-reporter-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** The parts of Playwright's TestCase the reporter reads: the phase is its spec file, the project its target. */
function testCase(
  spec: string,
  title: string,
  result: Record<string, unknown>,
  project = 'plan',
  declaredIn = `/suite/tests/${spec}.spec.ts`,
): TestCase {
  const file = { type: 'file', location: { file: `/suite/tests/${spec}.spec.ts` }, parent: { type: 'project' } };
  return {
    title,
    location: { file: declaredIn },
    parent: { type: 'describe', parent: file, project: () => ({ name: project }) },
    results: [{ duration: 1000, errors: [], steps: [], ...result }],
  } as unknown as TestCase;
}

function run(runDir: string, tests: TestCase[], status: FullResult['status']) {
  const options = { outputDir: path.join(runDir, 'out'), runDir, allureResults: path.join(runDir, 'allure') };
  mkdirSync(options.allureResults, { recursive: true });
  const reporter = new SummaryReporter(options);
  reporter.onBegin({ projects: [{ name: 'plan' }] } as FullConfig, { allTests: () => tests } as unknown as Suite);
  reporter.onEnd({ status, startTime: new Date(T0), duration: 5000 });
  const read = (f: string) => readFileSync(path.join(options.outputDir, f), 'utf8');
  return { json: JSON.parse(read('summary.json')), md: read('summary.md'), options };
}

describe('SummaryReporter', () => {
  it('writes summary.json/md from the outcomes, timing.json and environment.json, and the budget metrics', () => {
    const runDir = path.join(dir, 'a');
    mkdirSync(runDir);
    const cps = { gitPushed: T0, gitRepositorySynced: T0 + 6200 };
    writeFileSync(
      path.join(runDir, 'timing.json'),
      JSON.stringify(
        timingRecord('r1', [{ title: 'Upgrade', rows: evaluateBudgets(cps, planBudgets()), checkpoints: cps }]),
      ),
    );
    writeFileSync(
      path.join(runDir, 'environment.json'),
      JSON.stringify({
        'Run id': 'r1',
        Target: 'kind (targets/kind.yaml)',
        'Flux controllers': 'source-controller v1.9.4',
      }),
    );
    const failedStep = {
      title: 'GitRepository at the pushed SHA',
      category: 'test.step',
      error: { message: 'x' },
      steps: [],
    };
    const { json, md, options } = run(
      runDir,
      [
        testCase('00-preflight', 'preflight', {
          status: 'passed',
          startTime: new Date(T0),
          steps: [{ title: 'Before Hooks', category: 'hook', startTime: new Date(T0), duration: 250, steps: [] }],
        }),
        // Declared by a helper, run in (and part of) the phase whose spec calls it.
        testCase(
          '01-initial-deploy',
          'stays true',
          { status: 'skipped' },
          'plan',
          '/suite/fixtures/stays-true-test.ts',
        ),
        testCase('03-git-update', 'git update', {
          status: 'failed',
          errors: [{ message: '\u001b[31mExpected sync\u001b[39m\nline 2' }],
          steps: [{ title: 'outer', category: 'test.step', error: { message: 'x' }, steps: [failedStep] }],
        }),
        testCase('budgets', 'budget: GitOps flow', { status: 'passed' }),
        testCase('teardown', 'teardown', { status: 'passed' }),
      ],
      'failed',
    );
    assert.equal(json.verdict, 'failed');
    // Every phase in plan order, from the spec files; the ones without outcomes did not run.
    assert.deepEqual(
      json.phases.map((p: { name: string; verdict: string; tests: number }) => `${p.name} ${p.verdict} ${p.tests}`),
      [
        '00-preflight passed 1',
        '01-initial-deploy did not run 1',
        '02-oci-push did not run 0',
        '03-git-update failed 1',
        '04-upgrade did not run 0',
        '05-verify did not run 0',
        '06-rollback did not run 0',
        'teardown passed 2',
      ],
    );
    // The phase's own code began when its first test's fixtures were set up.
    assert.deepEqual(
      [json.phases[0].startedAt, json.phases[0].bodyStartedAt],
      [new Date(T0).toISOString(), new Date(T0 + 250).toISOString()],
    );
    assert.equal(json.target, 'kind (targets/kind.yaml)');
    assert.match(json.fluxLine, /^2\.9/);
    assert.deepEqual(json.firstFailure, {
      phase: '03-git-update',
      test: 'git update',
      criterion: 'GitRepository at the pushed SHA',
      message: 'Expected sync\nline 2',
    });
    assert.equal(json.budgets.find((b: { id?: string }) => b.id === 'gitPushToSync').result, 'exceeded');
    assert.match(md, /\| git push → GitRepository sync \| 6\.2s \| 5s \|/);
    const perf = JSON.parse(readFileSync(path.join(options.allureResults, 'gitops-budgets-perf.json'), 'utf8'));
    assert.deepEqual(
      perf
        .filter((m: { key: string }) => m.key === 'gitops.budget.gitPushToSync')
        .map((m: { value: number }) => m.value),
      [6200],
    );
  });

  it('still writes a summary when the teardown left no timing record, and says so', () => {
    const runDir = path.join(dir, 'b');
    mkdirSync(runDir);
    const { json, md } = run(runDir, [], 'failed');
    assert.equal(json.verdict, 'failed');
    assert.deepEqual(new Set(json.phases.map((p: { verdict: string }) => p.verdict)), new Set(['did not run']));
    assert.match(json.errors[0], /no timing record/);
    assert.match(md, /Errors outside tests/);
  });

  it("removes the previous run's summary when a run begins", () => {
    const runDir = path.join(dir, 'c');
    const out = path.join(runDir, 'out');
    mkdirSync(out, { recursive: true });
    writeFileSync(path.join(out, 'summary.json'), '{"verdict":"passed"}');
    const reporter = new SummaryReporter({ outputDir: out, runDir, allureResults: path.join(runDir, 'allure') });
    reporter.onBegin({ projects: [] } as unknown as FullConfig, { allTests: () => [] } as unknown as Suite);
    assert.throws(() => readFileSync(path.join(out, 'summary.json')), /ENOENT/);
  });

  it("reads every fleet member's timing record and shows the budgets side by side", () => {
    const root = path.join(dir, 'fleet');
    const runDirs = ['edge-1', 'edge-2'].map((m) => path.join(root, m, 'run'));
    runDirs.forEach((d, i) => {
      mkdirSync(d, { recursive: true });
      const cps = { gitPushed: T0, gitRepositorySynced: T0 + (i === 0 ? 3000 : 6200) };
      writeFileSync(
        path.join(d, 'timing.json'),
        JSON.stringify(
          timingRecord('r1', [{ title: 'Upgrade', rows: evaluateBudgets(cps, planBudgets()), checkpoints: cps }]),
        ),
      );
    });
    const out = path.join(root, 'out');
    const reporter = new SummaryReporter({
      outputDir: out,
      runDir: runDirs[0]!,
      allureResults: path.join(root, 'allure'),
      members: [
        { name: 'edge-1', runDir: runDirs[0]! },
        { name: 'edge-2', runDir: runDirs[1]! },
      ],
    });
    const tests = [
      testCase('00-preflight', 'preflight', { status: 'passed' }, 'edge-1'),
      testCase('00-preflight', 'preflight', { status: 'failed' }, 'edge-2'),
      testCase('teardown', 'teardown', { status: 'passed' }, 'edge-2'),
    ];
    reporter.onBegin(
      { projects: [{ name: 'edge-1' }, { name: 'edge-2' }] } as FullConfig,
      { allTests: () => tests } as unknown as Suite,
    );
    reporter.onEnd({ status: 'passed', startTime: new Date(T0), duration: 5000 });
    const json = JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8'));
    // Each member's phases named `<member>:<phase>`, in plan order, member after member.
    assert.equal(json.phases.length, 16);
    assert.deepEqual(
      [json.phases[0], json.phases[7], json.phases[8], json.phases[15]].map(
        (p: { name: string; verdict: string }) => `${p.name} ${p.verdict}`,
      ),
      [
        'edge-1:00-preflight passed',
        'edge-1:teardown did not run',
        'edge-2:00-preflight failed',
        'edge-2:teardown passed',
      ],
    );
    assert.deepEqual(
      json.members.map((m: { name: string; verdict: string }) => `${m.name} ${m.verdict}`),
      ['edge-1 passed', 'edge-2 failed'],
    );
    assert.deepEqual(
      json.budgets
        .filter((b: { id?: string }) => b.id === 'gitPushToSync')
        .map((b: { member: string; measuredMs: number }) => [b.member, b.measuredMs]),
      [
        ['edge-1', 3000],
        ['edge-2', 6200],
      ],
    );
    assert.match(
      readFileSync(path.join(out, 'summary.md'), 'utf8'),
      /\| git push → GitRepository sync \| 5s \| 3s ✅ \| 6\.2s ❌ \|/,
    );
  });

  it('refuses to start without its paths', () => {
    assert.throws(() => new SummaryReporter({} as never), /option outputDir is required/);
  });
});
