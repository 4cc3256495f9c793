/**
 * Phase 06 — rollback: git back to the from-tag the same way the upgrade went forward; Flux syncs it, Helm upgrades
 * to a new release (N+1, not a Helm rollback) with the from-tag values and the pod is recreated announcing the
 * from-tag. Then the registry loses the to-tag this run pushed, so the next run starts clean. Timings go to the
 * `rollback` scope of the timeline (reported, not budgeted).
 */
import { expect, test } from '../fixtures/index.ts';
import { fluxObjects } from '../fixtures/flux.ts';
import { CHECKPOINT } from '../helpers/budgets.ts';
import { fluxObjectSettled } from '../helpers/conditions.ts';
import { helmBaseline } from '../helpers/helm-upgrade.ts';
import { findTagLine } from '../helpers/pod-log.ts';
import { changeTagAndSync, followUpgrade, watchUpgrade } from './flow.ts';
import { Deadline, labelPhase } from './plan.ts';
import { staysTrueTest } from './stays-true.ts';

test('rollback: git back to the from-tag, a new Helm release, the pod recreated, the to-tag deleted', { tag: ['@phase6', '@rollback'] }, async ({ target, flux, k8s, journal, git, oras, safety, ledger, facts, timeline, evidence, pods, workload, runId, log }) => {
  await labelPhase('06 Rollback', `back to ${target.tags.from} through git`);
  test.skip(!target.rollback, 'rollback: false in the profile');
  const decision = safety.check('git push');
  test.skip(!decision.allowed, decision.reason);
  const { from, to } = target.tags;
  const refs = fluxObjects(target);
  const deadline = new Deadline(target.timeouts.rollback);
  const rollback = timeline.scoped('rollback');
  const ctx = { target, journal, flux, k8s, timeline: rollback, evidence, deadline };

  const hr = await flux.require(refs.helmRelease.kind, refs.helmRelease.namespace, refs.helmRelease.name);
  const baseline = helmBaseline(hr);
  facts.set('rollbackBaseline', baseline);
  const recorder = await pods.record('rollback');

  const synced = await changeTagAndSync({ ...ctx, git, ledger, runId }, { from: to, to: from, message: `Roll foundry BYO models back to ${from}`, reason: 'rollback' });
  facts.set('rollbackSha', synced.sha);
  facts.set('rollbackRevision', synced.revision);

  const watch = await watchUpgrade(ctx, synced.sha, baseline, rollback.get(CHECKPOINT.gitPushed)?.clientAt ?? Date.now());
  let newPod: string;
  try {
    const result = await followUpgrade(ctx, watch, { sha: synced.sha, baseline, tag: from, recorder, changeAt: rollback.get(CHECKPOINT.gitPushed)?.clientAt ?? Date.now() });
    newPod = result.newPod;
    facts.set('rolledBackRelease', result.release);
    facts.set('rollbackPod', newPod);
    log(`  ${newPod} runs ${from} again; Helm release v${result.release.version}`);
  } finally {
    watch.cancel();
  }

  await test.step(`pod log shows "${target.pod.logPattern.replace('{tag}', from)}"`, async () => {
    const { text, lines } = await workload.log(newPod);
    await evidence.text(`log of ${newPod}`, text);
    expect(findTagLine(lines, target.pod.logPattern, from), `log of ${newPod} announces ${from}`).toBeDefined();
  });

  await test.step(`registry: delete ${to} pushed by this run`, async () => {
    const pushedByRun = ledger.entries().some((e) => e.type === 'oci-push' && e.tag === to);
    // The ImagePolicy stays on the to-tag while the registry holds it, and ends on the from-tag once it is gone.
    facts.set('rollbackPolicyTag', to);
    if (!pushedByRun) return evidence.skipped(`delete ${to}`, 'this run did not push it');
    const digest = await oras.delete(to);
    ledger.record({ type: 'oci-delete', repository: target.registry.repository, tag: to, digest });
    const tags = await oras.tags();
    expect(tags, `${target.registry.repository} after deleting ${to}`).not.toContain(to);
    await evidence.parameter('registry tags', tags.join(', '));
    // Let the image objects see the deletion, so the cluster reads as the start state.
    const ir = refs.imageRepository;
    const requestedAt = await flux.requestReconcile(ir.kind, ir.namespace, ir.name);
    await flux.reach(ir, (obj) => fluxObjectSettled(obj, { requestedAt, revision: tags.length, revisionField: 'status.lastScanResult.tagCount' }), { timeoutMs: deadline.left(), what: `ImageRepository ${ir.namespace}/${ir.name} back to ${tags.length} tags` });
    const ip = refs.imagePolicy;
    const policyRequested = await flux.requestReconcile(ip.kind, ip.namespace, ip.name);
    await flux.reach(ip, (obj) => fluxObjectSettled(obj, { requestedAt: policyRequested, revision: from }), { timeoutMs: deadline.left(), what: `ImagePolicy ${ip.namespace}/${ip.name} back to ${from}` });
    facts.set('rollbackPolicyTag', from);
  });
});

// Its own test: after the rollback, too, nothing may move.
staysTrueTest('rollback', { feature: '06 Rollback', tag: '@phase6' });
