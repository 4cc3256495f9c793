/**
 * Phase 03 — git update: move the tag in the GitOps repo to the to-tag (an exact one-line edit keeping the setter
 * marker, a commit with the run's trailer, a push that rebases when the branch moved) and see the GitRepository
 * reach exactly that commit. In `automation` mode the ImageUpdateAutomation makes the commit instead (read back from
 * git and checked; budget ImagePolicy → automation commit). The foundry
 * pods are recorded from here on, so the upgrade's pod replacement is seen from before it can start.
 * Budget: git push → GitRepository sync.
 */
import { test } from '../fixtures/index.ts';
import { fluxObjects } from '../fixtures/flux.ts';
import { CHECKPOINT } from '../helpers/budgets.ts';
import { helmBaseline } from '../helpers/helm-upgrade.ts';
import { automationCommitAndSync, changeTagAndSync, observeAutomationPush } from '../fixtures/flow.ts';
import { Deadline, labelPhase } from '../fixtures/plan.ts';

test(
  'git update: the tag moves to the to-tag in git and Flux syncs the commit',
  { tag: '@phase3' },
  async ({ target, flux, k8s, journal, git, safety, ledger, facts, timeline, evidence, budgets, pods, runId, log }) => {
    await labelPhase(
      '03 Git update',
      `${target.git.file}: ${target.git.yamlPath} ${target.tags.from} → ${target.tags.to}`,
    );
    const decision = safety.check('git push');
    test.skip(target.mode === 'manual' && !decision.allowed, decision.reason);
    const { from, to } = target.tags;
    const refs = fluxObjects(target);
    const deadline = new Deadline(target.timeouts.gitUpdate);

    await test.step('record the release and start watching the foundry pods', async () => {
      const hr = await flux.require(refs.helmRelease.kind, refs.helmRelease.namespace, refs.helmRelease.name);
      // Phase 02 recorded it before its push; in automation mode the upgrade may be under way by now.
      if (!facts.get('upgradeBaseline')) facts.set('upgradeBaseline', helmBaseline(hr));
      await pods.record('upgrade');
      log(`  ${flux.summary(hr)}`);
    });

    const synced = await (target.mode === 'manual'
      ? changeTagAndSync(
          { target, journal, flux, k8s, timeline, evidence, deadline, git, ledger, runId },
          { from, to, message: `Upgrade foundry BYO models to ${to}`, reason: 'upgrade' },
        )
      : automationCommitAndSync(
          { target, journal, flux, k8s, timeline, evidence, deadline, git, ledger },
          // The push that causes the commit was phase 02's: what happened since is replayed from the run journal.
          await observeAutomationPush(
            { target, journal, flux, k8s, timeline, evidence, deadline },
            {
              baselineCommit: facts.get('automationBaseline') ?? '',
              since: timeline.get(CHECKPOINT.ociPushed)?.clientAt ?? 0,
            },
          ),
          {
            from,
            to,
            reason: 'upgrade (image automation)',
            since: timeline.get(CHECKPOINT.ociPushed)?.clientAt ?? 0,
            budget: (id) => budgets.report(id),
          },
        ));

    facts.set('gitPushedSha', synced.sha);
    facts.set('gitRevision', synced.revision);

    await test.step('budget: git push → GitRepository sync', async () => {
      await budgets.report('gitPushToSync');
    });
  },
);
