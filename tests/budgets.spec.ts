/**
 * The plan's timing budgets, one test each, evaluated after the flow from the checkpoints the phases recorded. A
 * phase never stops on a budget (the plan goes on); a miss fails exactly its budget's test, with the measured value,
 * the limit and — when a known Flux mechanism explains the time — the mechanism and the setting that controls it.
 * Part of the teardown phase (never gated: fixtures/phase-gate.ts), so it runs whatever happened to the phases; a budget whose checkpoints were never
 * reached (its phase failed or was skipped) is skipped with that reason, since the phase's failure is the verdict.
 */
import { expect, test } from '../fixtures/index.ts';
import { fluxObjects } from '../fixtures/flux.ts';
import { budgetCauses, type ObservedObject } from '../helpers/budget-causes.ts';
import { CHECKPOINT, evaluateBudgets, PLAN_BUDGETS, planBudgets } from '../helpers/budgets.ts';
import { labelPhase } from '../fixtures/plan.ts';

for (const plan of PLAN_BUDGETS) {
  test(
    `budget: ${plan.name}`,
    { tag: ['@budget', `@budget-${plan.id}`] },
    async ({ target, timeline, journal, facts, evidence }) => {
      await labelPhase('Timing budgets', plan.name, 'critical');
      test.skip(
        plan.onlyIn !== undefined && plan.onlyIn !== target.mode,
        `measured in ${plan.onlyIn} mode only; the profile's mode is ${target.mode}`,
      );
      const budget = planBudgets(target.budgets, target.mode).find((b) => b.name === plan.name)!;
      const checkpoints = timeline.checkpoints();
      const [row] = evaluateBudgets(checkpoints, [budget]);
      test.skip(
        row!.missing.length > 0 && row!.measuredMs === undefined,
        `not measured: ${row!.message} (the phase that records it did not get there)`,
      );
      await evidence.parameter('measured', row!.message);
      if (row!.mode === 'report') {
        test.info().annotations.push({ type: 'report only', description: row!.message });
        return;
      }
      if (row!.ok) return;

      const refs = fluxObjects(target);
      const observed: ObservedObject[] = [
        refs.gitRepository,
        ...refs.kustomizations,
        refs.helmRelease,
        refs.imageRepository,
      ].flatMap((r) =>
        journal
          .events({ kind: r.kind, namespace: r.namespace, name: r.name })
          .map((e) => ({ at: e.at, object: e.object })),
      );
      const download =
        checkpoints[CHECKPOINT.modelDownloadFinished] !== undefined &&
        checkpoints[CHECKPOINT.modelDownloadStarted] !== undefined
          ? checkpoints[CHECKPOINT.modelDownloadFinished]! - checkpoints[CHECKPOINT.modelDownloadStarted]!
          : undefined;
      const causes = budgetCauses({
        id: plan.id,
        from: checkpoints[plan.from]!,
        to: checkpoints[plan.to]!,
        observed,
        intervals: facts.get('intervals') ?? [],
        requeueDependencyMs: target.intervals.requeueDependency,
        ...(download === undefined ? {} : { downloadMs: download }),
      });
      if (causes.length) await evidence.text('known mechanisms in the window', causes.join('\n'));
      expect(row!.ok, `timing budget: ${row!.message}${causes.length ? ` — ${causes.join('; ')}` : ''}`).toBe(true);
    },
  );
}
