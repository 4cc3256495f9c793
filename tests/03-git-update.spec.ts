/**
 * Phase 03 — git update: move the tag in the GitOps repo to the to-tag (an exact one-line edit keeping the setter
 * marker, a commit with the run's trailer, a push that rebases when the branch moved) and see the GitRepository
 * reach exactly that commit. In `automation` mode the ImageUpdateAutomation makes the commit instead. The foundry
 * pods are recorded from here on, so the upgrade's pod replacement is seen from before it can start.
 * Budget: git push → GitRepository sync.
 */
import { expect, test } from '../fixtures/index.ts';
import { atCommit, fluxObjects, fluxStall } from '../fixtures/flux.ts';
import { readTag } from '../fixtures/tag-change.ts';
import { CHECKPOINT } from '../helpers/budgets.ts';
import { artifactStoredAt } from '../helpers/flux-times.ts';
import { helmBaseline } from '../helpers/helm-upgrade.ts';
import { changeTagAndSync } from './flow.ts';
import { Deadline, labelPhase } from './plan.ts';

test('git update: the tag moves to the to-tag in git and Flux syncs the commit', { tag: '@phase3' }, async ({ target, flux, k8s, journal, git, safety, ledger, facts, timeline, evidence, budgets, pods, runId, log }) => {
  await labelPhase('03 Git update', `${target.git.file}: ${target.git.yamlPath} ${target.tags.from} → ${target.tags.to}`);
  const decision = safety.check('git push');
  test.skip(target.mode === 'manual' && !decision.allowed, decision.reason);
  const { from, to } = target.tags;
  const refs = fluxObjects(target);
  const deadline = new Deadline(target.timeouts.gitUpdate);

  await test.step('record the release and start watching the foundry pods', async () => {
    const hr = await flux.require(refs.helmRelease.kind, refs.helmRelease.namespace, refs.helmRelease.name);
    facts.set('upgradeBaseline', helmBaseline(hr));
    await pods.record('upgrade');
    log(`  ${flux.summary(hr)}`);
  });

  const synced = await (target.mode === 'manual'
    ? changeTagAndSync({ target, journal, flux, k8s, timeline, evidence, deadline, git, ledger, runId }, { from, to, message: `Upgrade foundry BYO models to ${to}`, reason: 'upgrade' })
    : test.step('ImageUpdateAutomation commits the to-tag and the GitRepository syncs it', async () => {
        const iua = refs.imageUpdateAutomation!;
        const pushedAfter = timeline.get(CHECKPOINT.ociPushed)?.at ?? 0;
        const commit = await flux.reach(iua, (obj) => {
          const s = obj?.status ?? {};
          const fresh = s.lastPushCommit && Date.parse(s.lastPushTime ?? '') >= pushedAfter - 1_000;
          return { ok: Boolean(fresh), reason: `ImageUpdateAutomation ${iua.namespace}/${iua.name} lastPushCommit after the OCI push, is ${s.lastPushCommit ?? 'unset'} at ${s.lastPushTime ?? 'never'}` };
        }, { timeoutMs: deadline.left(), what: `ImageUpdateAutomation ${iua.namespace}/${iua.name} to push the ${to} commit` });
        const sha = commit.object.status?.lastPushCommit ?? '';
        timeline.mark(CHECKPOINT.gitPushed, { clientAt: commit.at, serverAt: Date.parse(commit.object.status?.lastPushTime ?? ''), alreadyTrue: true, source: 'watch' });
        const ws = await git.clone();
        expect(await ws.sync(), 'the automation\'s commit is the branch head').toBe(sha);
        expect(await readTag(ws, target.git.file, target.git.yamlPath), `${target.git.yamlPath} in the automation's commit`).toBe(to);
        // Observed, not requested: the automation's commit reaches Flux on the GitRepository's own schedule.
        const r = refs.gitRepository;
        const pending = await flux.observe(r, atCommit(sha, target.git.branch, 'status.artifact.revision'), { timeoutMs: deadline.left(), what: `GitRepository at ${sha}`, backlog: () => journal.events({ ...r, since: commit.at }) });
        pending.stallAfter(fluxStall({ requeueDependencyMs: target.intervals.requeueDependency }));
        const done = await pending.result;
        timeline.mark(CHECKPOINT.gitRepositorySynced, { clientAt: done.at, serverAt: artifactStoredAt(done.object, sha), alreadyTrue: done.alreadyTrue, source: 'watch' });
        return { sha, revision: String(done.object.status?.artifact?.revision) };
      }));

  facts.set('gitPushedSha', synced.sha);
  facts.set('gitRevision', synced.revision);

  await test.step('budget: git push → GitRepository sync', async () => {
    await budgets.report('gitPushToSync');
  });
});
