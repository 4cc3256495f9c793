/**
 * Phase 06 — rollback: git back to the from-tag the same way the upgrade went forward; Flux syncs it, Helm upgrades
 * to a new release (N+1, not a Helm rollback) with the from-tag values and the pod is recreated announcing the
 * from-tag. Then the registry loses the to-tag this run pushed, so the next run starts clean. Timings go to the
 * `rollback` scope of the timeline (reported, not budgeted).
 * With `rollbackBy: registry` (automation mode) the rollback is what a team using image automation does: delete the
 * to-tag from the registry and observe the ImagePolicy fall back and the automation commit the from-tag itself.
 * With `rollbackBy: git` in automation mode it is the incident procedure of Flux's image automation guide: suspend
 * the ImageUpdateAutomation (it commits whatever the ImagePolicy selects, so it would write the to-tag over the
 * from-tag push while the registry has it — fluxcd/flux2#4676), push the from-tag, delete the to-tag, resume, and
 * see the automation run and commit nothing (image-automation-controller release/v1.2.x and v0.41.2, the Flux 2.9
 * and 2.6 lines of sandbox/flux-crds: a suspended object is skipped; every run sets lastAutomationRunTime and
 * pushes only when a marker's value changes).
 */
import { expect, test } from '../fixtures/index.ts';
import { fluxObjects, fluxStall, lastScan } from '../fixtures/flux.ts';
import { CHECKPOINT } from '../helpers/budgets.ts';
import { fluxObjectSettled } from '../helpers/conditions.ts';
import { helmBaseline } from '../helpers/helm-upgrade.ts';
import { findTagLine } from '../helpers/pod-log.ts';
import {
  automationCommitAndSync,
  changeTagAndSync,
  followUpgrade,
  observeAutomationPush,
  watchUpgrade,
} from '../fixtures/flow.ts';
import { Deadline, labelPhase } from '../fixtures/plan.ts';
import { staysTrueTest } from '../fixtures/stays-true-test.ts';

test(
  'rollback: back to the from-tag through git (or the automation), a new Helm release, the pod recreated, the to-tag deleted',
  { tag: ['@phase6', '@rollback'] },
  async ({
    target,
    flux,
    k8s,
    journal,
    git,
    oras,
    safety,
    ledger,
    facts,
    timeline,
    evidence,
    pods,
    workload,
    runId,
    log,
  }) => {
    await labelPhase(
      '06 Rollback',
      `back to ${target.tags.from} through ${target.rollbackBy === 'registry' ? 'the registry and the automation' : 'git'}`,
    );
    test.skip(!target.rollback, 'rollback: false in the profile');
    const decision = safety.check(target.rollbackBy === 'registry' ? 'registry delete' : 'git push');
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

    /** rollbackBy registry: delete the to-tag; the ImagePolicy falls back and the automation commits the from-tag. */
    async function rollbackThroughRegistry(): Promise<{ sha: string; revision: string }> {
      const since = Date.now();
      const stall = (reactsWithinMs?: number) =>
        fluxStall({
          requeueDependencyMs: target.intervals.requeueDependency,
          ...(reactsWithinMs === undefined ? {} : { reactsWithinMs }),
        });
      // Everything the deletion sets off is watched before it.
      const pushed = await observeAutomationPush(ctx, { baselineCommit: facts.get('gitPushedSha') ?? '', since });
      const tagsBefore = await oras.tags();
      const expectedCount = tagsBefore.filter((t) => t !== to).length;
      const ir = refs.imageRepository;
      const rescanned = await flux.observe(
        ir,
        (obj) => {
          const scan = lastScan(obj);
          return {
            ok: scan?.tagCount === expectedCount,
            reason: `ImageRepository ${ir.namespace}/${ir.name} to find ${expectedCount} tags without ${to}, has ${scan?.tagCount ?? 'no scan'}`,
          };
        },
        { timeoutMs: deadline.left(), what: `ImageRepository ${ir.namespace}/${ir.name} without ${to}` },
      );
      const ip = refs.imagePolicy;
      const policyBack = await flux.observe(ip, (obj) => fluxObjectSettled(obj, { revision: from }), {
        timeoutMs: deadline.left(),
        what: `ImagePolicy ${ip.namespace}/${ip.name} back to ${from}`,
      });
      try {
        await test.step(`registry: delete ${to} pushed by this run`, async () => {
          const pushedByRun = ledger.entries().some((e) => e.type === 'oci-push' && e.tag === to);
          expect(pushedByRun, `${to} was pushed by this run (only what the run pushed is deleted)`).toBe(true);
          const digest = await oras.delete(to);
          ledger.record({ type: 'oci-delete', repository: target.registry.repository, tag: to, digest });
          rollback.mark(CHECKPOINT.ociPushed, {
            clientAt: Date.now(),
            source: 'client',
            note: `${to} deleted from the registry`,
          });
          await evidence.parameter('registry tags', (await oras.tags()).join(', '));
        });
        await test.step(`ImageRepository rescans without ${to}, ImagePolicy back to ${from}, both on their own`, async () => {
          rescanned.stallAfter(stall());
          const scan = await rescanned.result;
          rollback.mark(CHECKPOINT.imageRepositoryDetected, {
            clientAt: scan.at,
            alreadyTrue: scan.alreadyTrue,
            source: 'watch',
          });
          policyBack.stallAfter(stall(15_000));
          const policy = await policyBack.result;
          rollback.mark(CHECKPOINT.imagePolicyResolved, {
            clientAt: policy.at,
            alreadyTrue: policy.alreadyTrue,
            source: 'watch',
          });
          facts.set('rollbackPolicyTag', from);
        });
      } catch (err) {
        pushed.cancel();
        throw err;
      } finally {
        rescanned.cancel();
        policyBack.cancel();
      }
      return automationCommitAndSync({ ...ctx, git, ledger }, pushed, {
        from: to,
        to: from,
        reason: 'rollback (image automation)',
        since,
      });
    }

    // rollbackBy git in automation mode: the automation must not write the to-tag over the from-tag push.
    const iua = target.mode === 'automation' && target.rollbackBy === 'git' ? refs.imageUpdateAutomation : undefined;
    if (iua) {
      await test.step(`suspend ImageUpdateAutomation ${iua.namespace}/${iua.name} (flux suspend image update): it would commit ${to} over the from-tag push while the registry has it`, async () => {
        await flux.setSuspended(iua.kind, iua.namespace, iua.name, true);
        ledger.record({ type: 'suspend', kind: iua.kind, namespace: iua.namespace, name: iua.name });
      });
    }

    const synced =
      target.rollbackBy === 'registry'
        ? await rollbackThroughRegistry()
        : await changeTagAndSync(
            { ...ctx, git, ledger, runId },
            { from: to, to: from, message: `Roll foundry BYO models back to ${from}`, reason: 'rollback' },
          );
    facts.set('rollbackSha', synced.sha);
    facts.set('rollbackRevision', synced.revision);

    const watch = await watchUpgrade(
      ctx,
      synced.sha,
      baseline,
      rollback.get(CHECKPOINT.gitPushed)?.clientAt ?? Date.now(),
    );
    let newPod: string;
    try {
      const result = await followUpgrade(ctx, watch, {
        sha: synced.sha,
        baseline,
        tag: from,
        recorder,
        changeAt: rollback.get(CHECKPOINT.gitPushed)?.clientAt ?? Date.now(),
      });
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
      if (target.rollbackBy === 'registry')
        return evidence.skipped(`delete ${to}`, 'deleted at the start of the rollback (rollbackBy: registry)');
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
      await flux.reach(
        ir,
        (obj) =>
          fluxObjectSettled(obj, {
            requestedAt,
            revision: tags.length,
            revisionField: 'status.lastScanResult.tagCount',
          }),
        { timeoutMs: deadline.left(), what: `ImageRepository ${ir.namespace}/${ir.name} back to ${tags.length} tags` },
      );
      const ip = refs.imagePolicy;
      const policyRequested = await flux.requestReconcile(ip.kind, ip.namespace, ip.name);
      await flux.reach(ip, (obj) => fluxObjectSettled(obj, { requestedAt: policyRequested, revision: from }), {
        timeoutMs: deadline.left(),
        what: `ImagePolicy ${ip.namespace}/${ip.name} back to ${from}`,
      });
      facts.set('rollbackPolicyTag', from);
    });

    if (iua) {
      await test.step(`resume ImageUpdateAutomation ${iua.namespace}/${iua.name} (flux resume image update): it runs and commits nothing, git already has what the ImagePolicy selects`, async () => {
        const before = await flux.require(iua.kind, iua.namespace, iua.name);
        const ws = await git.clone();
        const head = await ws.remoteHead();
        await flux.setSuspended(iua.kind, iua.namespace, iua.name, false);
        ledger.record({ type: 'resume', kind: iua.kind, namespace: iua.namespace, name: iua.name });
        const ran = await flux.reach(
          iua,
          (obj) => {
            // The resume is a new generation: observed and Ready, then a run newer than the last one before the suspend.
            const settled = fluxObjectSettled(obj);
            if (!settled.ok) return settled;
            const runAt = obj?.status?.lastAutomationRunTime;
            return {
              ok: runAt !== before.status?.lastAutomationRunTime,
              reason: `ImageUpdateAutomation ${iua.namespace}/${iua.name} to run after the resume: lastAutomationRunTime ${runAt ?? 'unset'}`,
            };
          },
          {
            timeoutMs: deadline.left(),
            what: `ImageUpdateAutomation ${iua.namespace}/${iua.name} to run after the resume`,
          },
        );
        await evidence.parameter(
          'automation run after the resume',
          `${ran.object.status?.lastAutomationRunTime ?? '?'}: ${flux.summary(ran.object)}`,
        );
        expect(
          ran.object.status?.lastPushCommit,
          'the resumed automation pushed nothing (lastPushCommit unchanged)',
        ).toBe(before.status?.lastPushCommit);
        expect(await ws.remoteHead(), `${target.git.branch} after the resumed automation ran`).toBe(head);
      });
    }
  },
);

// Its own test: after the rollback, too, nothing may move.
staysTrueTest('rollback', { feature: '06 Rollback', tag: '@phase6' });
