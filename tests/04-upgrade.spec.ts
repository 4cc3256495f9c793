/**
 * Phase 04 — upgrade (the plan's "sync/apply/upgrade with Recreate observed"): the Kustomization applies the pushed
 * commit, the HelmRelease upgrades to the next Helm release with the to-tag values, and the foundry pod is replaced
 * the Recreate way — never two GPU pods, no lasting FailedScheduling, no restarts. A new pod stuck Pending for want
 * of the GPU while the old one runs is the single-GPU RollingUpdate deadlock: the phase fails as soon as it is seen.
 * Budgets: sync → apply, apply → upgrade start; pod replacement is reported.
 */
import { test } from '../fixtures/index.ts';
import { CHECKPOINT } from '../helpers/budgets.ts';
import { followUpgrade, watchUpgrade } from '../fixtures/flow.ts';
import { Deadline, labelPhase } from '../fixtures/plan.ts';

test(
  'upgrade: the commit is applied, Helm upgrades the release and the pod is recreated',
  { tag: '@phase4' },
  async ({ target, flux, k8s, journal, facts, timeline, evidence, budgets, pods, log }) => {
    await labelPhase('04 Upgrade', `HelmRelease upgrade to ${target.tags.to} with Recreate on one GPU`, 'blocker');
    const sha = facts.get('gitPushedSha');
    test.skip(!sha, 'phase 03 pushed no change in this run');
    const baseline = facts.require('upgradeBaseline', 'phase 03');
    const changeAt = timeline.get(CHECKPOINT.gitPushed)?.clientAt ?? Date.now();
    const deadline = new Deadline(target.timeouts.upgrade);
    const ctx = { target, journal, flux, k8s, timeline, evidence, deadline };

    // Everything is watched before the first wait, so nothing that happens from here on is missed.
    const recorder = await pods.record('upgrade');
    const watch = await watchUpgrade(ctx, sha!, baseline, changeAt);
    try {
      const result = await followUpgrade(ctx, watch, {
        sha: sha!,
        baseline,
        tag: target.tags.to,
        recorder,
        changeAt,
        budget: (id) => budgets.report(id),
      });
      facts.set('upgradedRelease', result.release);
      facts.set('newPod', result.newPod);
      log(`  ${result.newPod} replaced the from-tag pod; Helm release v${result.release.version}`);
    } finally {
      watch.cancel();
    }
  },
);
