import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ProveCase } from './prove-cases.ts';
import { firstFailure, verdictOf } from './prove-verdict.ts';

const test = (title: string, phase: string, status: string, result: Record<string, unknown>) => ({
  title,
  file: `${phase === 'teardown' ? 'budgets' : phase}.spec.ts`,
  tests: [{ projectName: 'plan', status, results: [result] }],
});
const report = (...specs: unknown[]) => ({
  suites: [{ title: 'file', specs: [], suites: [{ title: 'inner', specs }] }],
});
const fault: ProveCase = {
  name: 'rolling-update',
  criterion: 'Recreate prevents the GPU deadlock',
  sandboxArgs: ['--fault', 'strategy=RollingUpdate'],
  expect: { test: 'upgrade:', message: /GPU deadlock/ },
};
const run = (r: unknown) => ({ exitCode: 1, report: r, wallMs: 1_000, firstFailure: firstFailure(r), consoleTail: '' });

describe('prove verdicts', () => {
  const upgradeFailed = test('upgrade: Helm upgrades the release', '04-upgrade', 'unexpected', {
    status: 'failed',
    startTime: '2026-12-07T10:00:10Z',
    duration: 900,
    errors: [{ message: '\u001b[31mError: GPU deadlock: new pod stayed Pending\u001b[39m\n\nstack' }],
  });
  const budgetFailed = test('budget: GitOps flow', 'teardown', 'unexpected', {
    status: 'failed',
    startTime: '2026-12-07T10:01:00Z',
    errors: [{ message: 'timing budget: exceeded' }],
  });

  it('takes the failing test that started first and strips colours', () => {
    const f = firstFailure(report(budgetFailed, upgradeFailed))!;
    assert.equal(f.title, 'upgrade: Helm upgrades the release');
    assert.equal(f.message, 'Error: GPU deadlock: new pod stayed Pending stack');
    assert.equal(f.timedOut, false);
  });

  it('is caught when the right test fails first in the right words', () => {
    const v = verdictOf(fault, run(report(upgradeFailed)));
    assert.equal(v.verdict, 'caught');
    // Named by its phase (the spec file), not by its project (the target).
    assert.equal(v.failedTest, '04-upgrade: upgrade: Helm upgrades the release');
    assert.equal(verdictOf(fault, run(report(budgetFailed))).failedTest, 'teardown: budget: GitOps flow');
    // A test a helper declares belongs to the spec file whose suite holds it.
    const staysTrue = {
      ...test('stays true after the upgrade: x', '05-verify', 'unexpected', { status: 'failed' }),
      file: '../fixtures/stays-true-test.ts',
    };
    const moved = verdictOf(
      fault,
      run({ suites: [{ title: '05-verify.spec.ts', file: '05-verify.spec.ts', specs: [staysTrue] }] }),
    );
    assert.equal(moved.failedTest, '05-verify: stays true after the upgrade: x');
  });

  it('is misnamed when another test fails first, late on a timeout, missed when all pass', () => {
    assert.equal(verdictOf(fault, run(report(budgetFailed))).verdict, 'misnamed');
    const late = test('upgrade: x', '04-upgrade', 'unexpected', {
      status: 'failed',
      startTime: '2026-12-07T10:00:10Z',
      errors: [{ message: 'Error: Timed out after 1m30s waiting for HelmRelease: GPU deadlock' }],
    });
    assert.equal(verdictOf(fault, run(report(late))).verdict, 'late');
    const passed = test('upgrade: x', '04-upgrade', 'expected', { status: 'passed' });
    const v = verdictOf(fault, { ...run(report(passed)), exitCode: 0 });
    assert.deepEqual([v.verdict, v.ok], ['missed', false]);
  });

  it('fails a healthy run that has a failing test, and one with no report', () => {
    const healthy: ProveCase = { name: 'healthy', criterion: 'the plan passes', sandboxArgs: [] };
    assert.equal(verdictOf(healthy, run(report(budgetFailed))).verdict, 'healthy run failed');
    assert.equal(verdictOf(healthy, { ...run(report()), exitCode: 0 }).verdict, 'healthy');
    assert.equal(verdictOf(healthy, { ...run(undefined), exitCode: 1 }).verdict, 'no report');
  });
});
