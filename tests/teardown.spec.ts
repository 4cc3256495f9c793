/**
 * Teardown — runs after the phases whatever happened to them: undoes what the run ledger says this run changed
 * (git tag back to the from-tag, the to-tag it pushed deleted from the registry), checks the start state is back,
 * and writes the timing summary: the budget table and an SVG timeline, with the rollback's timings beside them.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '../fixtures/index.ts';
import { restoreStartState } from '../fixtures/start-state.ts';
import { readTag } from '../fixtures/tag-change.ts';
import { evaluateBudgets, planBudgets, type BudgetRow } from '../helpers/budgets.ts';
import { checkClocks } from '../helpers/clock-check.ts';
import { describeRestoreAction } from '../helpers/restore-plan.ts';
import { renderTimelineSvg } from '../helpers/timeline-svg.ts';
import { budgetTableHtml, budgetTableMarkdown } from '../helpers/timing-table.ts';
import { publishTimingSummary, timelineStages } from '../fixtures/timing-summary.ts';
import { labelPhase } from '../fixtures/plan.ts';

/** An error message on one line, for the "not restored" lines. */
function oneLine(message: string): string {
  return message.replace(/\s+/g, ' ').trim();
}

test(
  'teardown: git and the registry are back at the start state; timing summary',
  { tag: '@teardown' },
  async ({ target, flux, git, oras, ledger, timeline, evidence, runId, runDir, log }) => {
    await labelPhase('99 Teardown', 'Start state restored and timings summarised', 'normal');
    const { from, to } = target.tags;
    const actions = ledger.restorePlan(from);
    const failures: string[] = [];

    await test.step('timing summary: budgets table and timeline', async () => {
      const budgets = planBudgets(target.budgets, target.mode);
      const sections: Array<{ title: string; rows: BudgetRow[]; checkpoints: Record<string, number> }> = [
        {
          title: 'Upgrade',
          rows: evaluateBudgets(timeline.checkpoints(), budgets),
          checkpoints: timeline.checkpoints(),
        },
      ];
      const rollback = timeline.scoped('rollback').checkpoints();
      if (Object.keys(rollback).length > 0) {
        const rollbackBudgets = budgets
          .filter((b) => b.from in rollback && b.to in rollback)
          .map((b) => ({ ...b, mode: 'report' as const }));
        sections.push({
          title: 'Rollback (report only)',
          rows: evaluateBudgets(rollback, rollbackBudgets),
          checkpoints: rollback,
        });
      }
      const markdown = sections.map((s) => `### ${s.title}\n\n${budgetTableMarkdown(s.rows)}`).join('\n');
      log(`\nTiming summary (run ${runId})\n\n${markdown}`);
      writeFileSync(path.join(runDir, 'timing.md'), `# Timing summary — run ${runId}\n\n${markdown}`);
      await evidence.markdown('timing summary.md', markdown);
      await publishTimingSummary(runDir, runId, sections);
      for (const s of sections) {
        await evidence.html(`timing table — ${s.title}`, budgetTableHtml(s.rows, `Timing budgets — ${s.title}`));
        // The same stages as the report's global timeline (net of a subtracted download, where there is one).
        const stages = timelineStages(s);
        if (stages.length > 0)
          await evidence.svg(
            `timeline — ${s.title}.svg`,
            renderTimelineSvg(stages, { title: `GitOps ${s.title.toLowerCase()} timeline (run ${runId})` }),
          );
        await evidence.json(
          `checkpoints — ${s.title}`,
          timeline.scoped(s.title.startsWith('Rollback') ? 'rollback' : '').records(),
        );
        for (const r of s.rows)
          if (r.measuredMs !== undefined) await evidence.parameter(`${s.title}: ${r.name}`, r.message);
      }
      // Cross-check: live watch times against the controllers' own status times.
      const samples = ['', 'rollback'].flatMap((scope) =>
        Object.entries(timeline.scoped(scope).records())
          .filter(([, r]) => r.serverAt !== undefined && r.source === 'watch')
          .map(([name, r]) => ({
            name: scope ? `${scope}:${name}` : name,
            clientAt: r.clientAt,
            serverAt: r.serverAt!,
          })),
      );
      const clocks = checkClocks(samples);
      log(`  ${clocks.summary}`);
      await evidence.parameter('clock cross-check', clocks.summary);
      await evidence.json('clock cross-check', clocks.samples);
    });

    await test.step('restore from the run ledger', async () => {
      await evidence.json('run ledger', ledger.entries());
      if (actions.length === 0) return evidence.parameter('restore', 'nothing to undo');
      const restored = await restoreStartState(actions, {
        target,
        clone: () => git.clone(),
        oras,
        ledger,
        flux,
        runId,
        by: 'teardown',
        log,
      });
      failures.push(...restored.failures);
      await evidence.text('restore actions', actions.map(describeRestoreAction).join('\n'));
    });

    await test.step(`start state verified: git at ${from}, registry without a ${to} pushed by this run`, async () => {
      const touched = ledger.entries();
      // Each check that cannot reach its service says so in one line instead of failing on a raw client error.
      const unreachable = async (what: string, check: () => Promise<void>) => {
        try {
          await check();
        } catch (err) {
          if ((err as Error).name === 'AssertionError' || (err as { matcherResult?: unknown }).matcherResult) throw err;
          failures.push(`could not verify ${what}: ${oneLine((err as Error).message)}`);
        }
      };
      if (touched.some((e) => e.type === 'git-push')) {
        await unreachable(`${target.git.file} in ${target.git.remote}`, async () => {
          const ws = await git.clone();
          expect
            .soft(
              await readTag(ws, target.git.file, target.git.yamlPath),
              `${target.git.file} ${target.git.yamlPath} after the run`,
            )
            .toBe(from);
        });
      }
      if (touched.some((e) => e.type === 'oci-push' && e.tag === to)) {
        await unreachable(`${target.registry.host}/${target.registry.repository}`, async () => {
          expect.soft(await oras.tags(), `${target.registry.repository} tags after the run`).not.toContain(to);
        });
      }
      if (failures.length) log(`  start state NOT restored: ${failures.join('; ')}`);
      expect(failures, 'what the teardown could not restore or verify (restore it by hand)').toEqual([]);
    });
  },
);
