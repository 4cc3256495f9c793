import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CHECKPOINT, PLAN_BUDGETS, evaluateBudgets, failedBudgets, planBudgets, type Budget } from './budgets.ts';

const T0 = Date.UTC(2025, 0, 1, 12, 0, 0);
/** A budget from checkpoint `from` to `to`. */
const budget = (name: string, from: string, to: string, limitMs: number, more: Partial<Budget> = {}): Budget => ({
  name,
  from,
  to,
  limitMs,
  mode: 'assert',
  ...more,
});
const detection = budget('OCI push → ImageRepository detection', 'ociPushed', 'imageRepositoryDetected', 7000);

describe('evaluateBudgets', () => {
  it('reports an exceeded budget with measured, limit and overrun', () => {
    const [row] = evaluateBudgets({ ociPushed: T0, imageRepositoryDetected: T0 + 8400 }, [detection]);
    assert.equal(row!.measuredMs, 8400);
    assert.equal(row!.ok, false);
    assert.equal(row!.message, 'OCI push → ImageRepository detection took 8.4s, budget 7s (exceeded by 1.4s)');
    assert.deepEqual(failedBudgets([row!]), [row]);
  });

  it('reports a budget within its limit with the margin', () => {
    const checkpoints = new Map([
      ['ociPushed', T0],
      ['imageRepositoryDetected', T0 + 3100],
    ]);
    const [row] = evaluateBudgets(checkpoints, [detection]);
    assert.equal(row!.ok, true);
    assert.equal(row!.message, 'OCI push → ImageRepository detection took 3.1s, budget 7s (3.9s to spare)');
    assert.deepEqual(failedBudgets([row!]), []);
  });

  it('names the checkpoints that were never reached', () => {
    const [one, both] = evaluateBudgets({ ociPushed: T0 }, [detection, { ...detection, from: 'a', to: 'b' }]);
    assert.equal(one!.ok, false);
    assert.equal(one!.measuredMs, undefined);
    assert.deepEqual(one!.missing, ['imageRepositoryDetected']);
    assert.equal(
      one!.message,
      'OCI push → ImageRepository detection: checkpoint "imageRepositoryDetected" was never reached',
    );
    assert.match(both!.message, /checkpoints "a" and "b" were never reached$/);
  });

  it('flags checkpoints recorded in the wrong order', () => {
    const [row] = evaluateBudgets({ ociPushed: T0 + 1000, imageRepositoryDetected: T0 }, [detection]);
    assert.equal(row!.ok, false);
    assert.match(
      row!.message,
      /checkpoint "imageRepositoryDetected" \(2025-01-01T12:00:00\.000Z\) is before "ociPushed"/,
    );
  });

  it('subtracts the part of an interval inside the window (end-to-end excluding model download)', () => {
    const e2e = budget('end-to-end excluding model download', 'start', 'end', 120_000, {
      subtract: { from: 'dlStart', to: 'dlEnd', label: 'model download' },
    });
    const [row] = evaluateBudgets({ start: T0, end: T0 + 100_000, dlStart: T0 + 50_000, dlEnd: T0 + 80_000 }, [e2e]);
    assert.equal(row!.measuredMs, 70_000);
    assert.equal(row!.subtractedMs, 30_000);
    assert.equal(
      row!.message,
      'end-to-end excluding model download took 1m10s (1m40s minus model download 30s), budget 2m0s (50s to spare)',
    );
    // An interval sticking out of the window only counts where it overlaps.
    const [clipped] = evaluateBudgets({ start: T0, end: T0 + 100_000, dlStart: T0 + 90_000, dlEnd: T0 + 150_000 }, [
      e2e,
    ]);
    assert.equal(clipped!.measuredMs, 90_000);
    const [missing] = evaluateBudgets({ start: T0, end: T0 + 100_000 }, [e2e]);
    assert.equal(missing!.ok, false);
    assert.match(
      missing!.message,
      /checkpoints "dlStart" and "dlEnd" were never reached \(needed to subtract model download\)$/,
    );
    const [optional] = evaluateBudgets({ start: T0, end: T0 + 100_000 }, [
      { ...e2e, subtract: { ...e2e.subtract!, optional: true } },
    ]);
    assert.equal(optional!.measuredMs, 100_000);
    assert.match(optional!.message, /\(model download not measured, nothing subtracted\)/);
  });

  it('marks report-only budgets without failing the run', () => {
    const replace = budget('old pod termination → new pod Running', 'a', 'b', 90_000, { mode: 'report' });
    const [row] = evaluateBudgets({ a: T0, b: T0 + 92_000 }, [replace]);
    assert.equal(row!.ok, false);
    assert.equal(
      row!.message,
      'old pod termination → new pod Running took 1m32s, budget 1m30s (exceeded by 2s, report only)',
    );
    assert.deepEqual(failedBudgets([row!]), []);
  });
});

describe('plan budgets', () => {
  it('has the seven budgets of the plan with their default limits', () => {
    const budgets = planBudgets();
    assert.equal(budgets.length, 7);
    assert.deepEqual(
      budgets.map((b) => [b.name, b.limitMs, b.mode]),
      [
        ['OCI push → ImageRepository detection', 7000, 'assert'],
        ['git push → GitRepository sync', 5000, 'assert'],
        ['GitRepository → Kustomization apply', 5000, 'assert'],
        ['Kustomization → HelmRelease upgrade start', 5000, 'assert'],
        ['old pod termination → new pod Ready with models', 90_000, 'assert'],
        ['end-to-end excluding model download', 120_000, 'assert'],
        ['GitOps flow (git push → HelmRelease upgrade start)', 15_000, 'assert'],
      ],
    );
    const names = new Set<string>(Object.values(CHECKPOINT));
    for (const b of PLAN_BUDGETS) for (const cp of [b.from, b.to]) assert.ok(names.has(cp), cp);
  });

  it('adds "ImagePolicy → automation commit" in automation mode only', () => {
    const automation = planBudgets({}, 'automation');
    assert.equal(automation.length, 8);
    assert.deepEqual(automation.at(-1), {
      name: 'ImagePolicy → automation commit',
      from: CHECKPOINT.imagePolicyResolved,
      to: CHECKPOINT.automationCommitted,
      limitMs: 10_000,
      mode: 'assert',
    });
    assert.ok(!planBudgets({}, 'manual').some((b) => b.to === CHECKPOINT.automationCommitted));
    assert.equal(planBudgets({ policyToAutomationCommit: { limitMs: 3_000 } }, 'automation').at(-1)!.limitMs, 3_000);
  });

  it('applies profile overrides', () => {
    const budgets = planBudgets({ ociPushToDetection: { limitMs: 30_000, mode: 'report' } });
    assert.equal(budgets[0]!.limitMs, 30_000);
    assert.equal(budgets[0]!.mode, 'report');
    assert.equal(budgets[1]!.limitMs, 5000);
  });
});
