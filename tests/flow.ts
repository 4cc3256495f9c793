/**
 * The plan's flow, step by step, shared by the upgrade (phases 03–04) and the rollback (phase 06): a tag change
 * in git synced by the GitRepository, then Kustomization apply, Helm upgrade and the Recreate pod replacement.
 * Every wait is watch-driven and established before the action it observes; every moment is a checkpoint.
 */
import { expect, test } from '../fixtures/index.ts';
import { CHECKPOINT } from '../helpers/budgets.ts';
import { artifactStoredAt, kustomizationAppliedAt } from '../helpers/flux-times.ts';
import { gitRevision } from '../helpers/git-revision.ts';
import { helmUpgradeProgress, type HelmBaseline } from '../helpers/helm-upgrade.ts';
import { getPath } from '../helpers/object-path.ts';
import { replacementState } from '../helpers/pod-replacement.ts';
import type { PodLifecycle } from '../helpers/pod-lifecycle.ts';
import type { Evidence } from '../fixtures/evidence.ts';
import { atCommit, fluxObjects, fluxStall, type Flux } from '../fixtures/flux.ts';
import { automationCommitProblems, signatureMismatches } from '../helpers/automation-commit.ts';
import type { ImageUpdateAutomation } from '../helpers/flux-types.ts';
import type { GitClones } from '../fixtures/index.ts';
import type { ClusterClient, K8sObject, PendingWait } from '../fixtures/k8s.ts';
import type { Ledger } from '../fixtures/ledger.ts';
import type { PodRecorder } from '../fixtures/pods.ts';
import type { RunJournal } from '../fixtures/run-journal.ts';
import { commitTagChange, pushTagChange, readTag } from '../fixtures/tag-change.ts';
import type { Timeline } from '../fixtures/timeline.ts';
import type { LoadedTarget } from '../targets/load.ts';
import type { Deadline } from './plan.ts';

/** The fixtures a flow step uses, plus the phase's deadline. */
export interface FlowContext {
  target: LoadedTarget;
  journal: RunJournal;
  flux: Flux;
  k8s: ClusterClient;
  timeline: Timeline;
  evidence: Evidence;
  deadline: Deadline;
}

/**
 * Rejects as soon as the pods make the goal impossible — the GPU deadlock, or a new pod that crashed, restarted or
 * cannot pull — quoting what the cluster said; otherwise the promise's outcome.
 */
export function orPodFailure<T>(promise: Promise<T>, recorder: PodRecorder): Promise<T> {
  return Promise.race([promise, recorder.deadlock, recorder.failure]);
}

/**
 * Phase 03 / rollback: edit the tag in a fresh clone, push it with the run trailer and observe — never nudge — the
 * GitRepository reaching exactly the pushed commit on its own schedule. Checkpoints gitPushed and
 * gitRepositorySynced. Fails at once on a fetch failure, or when source-controller stops reconciling.
 */
export async function changeTagAndSync(
  ctx: FlowContext & { git: GitClones; ledger: Ledger; runId: string },
  change: { from: string; to: string; message: string; reason: string },
): Promise<{ sha: string; revision: string }> {
  const { target, flux, timeline, evidence, deadline } = ctx;
  const { gitRepository } = fluxObjects(target);
  const spec = { file: target.git.file, yamlPath: target.git.yamlPath, branch: target.git.branch, runId: ctx.runId, ...change };

  const ws = await test.step(`clone ${target.git.remote} and read ${target.git.yamlPath}`, async () => {
    const clone = await ctx.git.clone();
    expect(await readTag(clone, spec.file, spec.yamlPath), `${spec.file} ${spec.yamlPath} before the change`).toBe(change.from);
    return clone;
  });

  const committed = await test.step(`edit the tag ${change.from} → ${change.to} with yaml-edit (comments and setter marker kept)`, async () => {
    const c = await commitTagChange(ws, spec);
    await evidence.text(`git diff ${spec.file}`, c.diff);
    expect(c.changes, 'the diff is exactly one line').toHaveLength(1);
    const before = c.changes[0]!.before ?? '';
    if (before.includes('$imagepolicy')) expect(c.changes[0]!.after, 'the setter marker is kept').toContain(before.slice(before.indexOf('#')));
    return c;
  });

  return test.step(`push with trailer E2E-Run-Id; observe GitRepository ${gitRepository.namespace}/${gitRepository.name} reach the commit on its own`, async () => {
    const field = 'status.artifact.revision';
    const what = (sha: string) => `GitRepository ${gitRepository.namespace}/${gitRepository.name} at ${gitRevision(spec.branch, sha)}`;
    // Observed from before the push, so the moment Flux stores the commit cannot slip by.
    let pending: PendingWait = await flux.observe(gitRepository, atCommit(committed.sha, spec.branch, field), { timeoutMs: deadline.left(), what: what(committed.sha) });
    let pushed: Awaited<ReturnType<typeof pushTagChange>>;
    try {
      pushed = await pushTagChange(ws, ctx.ledger, spec, committed);
    } catch (err) {
      pending.cancel();
      throw err;
    }
    timeline.mark(CHECKPOINT.gitPushed, { clientAt: pushed.pushedAt, source: 'client' });
    if (pushed.sha !== committed.sha) {
      // Rebased onto a newer remote: the commit Flux must reach is the rebased one (replayed from the push on).
      pending.cancel();
      const since = pushed.pushedAt;
      pending = await flux.observe(gitRepository, atCommit(pushed.sha, spec.branch, field), { timeoutMs: deadline.left(), what: what(pushed.sha), backlog: () => ctx.journal.events({ ...gitRepository, since }) });
    }
    pending.stallAfter(fluxStall({ requeueDependencyMs: target.intervals.requeueDependency }));
    await evidence.parameter('pushed commit', pushed.sha);
    if (pushed.retries) await evidence.parameter('push retries after rebase', pushed.retries);
    const synced = await pending.result;
    timeline.mark(CHECKPOINT.gitRepositorySynced, { clientAt: synced.at, serverAt: artifactStoredAt(synced.object, pushed.sha), alreadyTrue: synced.alreadyTrue, source: 'watch' });
    const revision = String(getPath(synced.object, field));
    await evidence.parameter('GitRepository revision', revision);
    return { sha: pushed.sha, revision };
  });
}

/** How long helm-controller may take to act on a HelmRelease whose spec changed before it counts as not reconciling. */
const HELM_REACTS_WITHIN_MS = 15_000;

/** Waits established at the start of an upgrade window, before the changes they observe can happen. */
export interface UpgradeWatch {
  kustomizations: PendingWait[];
  /** The HelmRelease's spec changed (generation above the baseline): the moment the Kustomization applied it. */
  applied: PendingWait;
  started: PendingWait;
  succeeded: PendingWait;
  cancel(): void;
}

/**
 * Starts watching the Kustomizations and the HelmRelease for the commit's upgrade. What the run observer saw since
 * `changeAt` (the push) is replayed first, so a moment that passed between phases keeps its real time.
 */
export async function watchUpgrade(ctx: FlowContext, sha: string, baseline: HelmBaseline, changeAt: number): Promise<UpgradeWatch> {
  const { target, flux, deadline, journal } = ctx;
  const refs = fluxObjects(target);
  const hr = refs.helmRelease;
  const backlog = (r: { kind: string; namespace: string; name: string }) => () => journal.events({ ...r, since: changeAt });
  const kustomizations = await Promise.all(
    refs.kustomizations.map((k) =>
      flux.observe(k, atCommit(sha, target.git.branch, 'status.lastAppliedRevision'), {
        timeoutMs: deadline.left(),
        what: `Kustomization ${k.namespace}/${k.name} lastAppliedRevision ${gitRevision(target.git.branch, sha)}`,
        backlog: backlog(k),
      }),
    ),
  );
  const progress = (obj: K8sObject | undefined) => helmUpgradeProgress(obj, baseline);
  const applied = await flux.observe(hr, (obj) => {
    const generation = obj?.metadata.generation ?? 0;
    return { ok: generation > baseline.generation, reason: `HelmRelease ${hr.namespace}/${hr.name} generation to be above ${baseline.generation}, is ${generation}` };
  }, { timeoutMs: deadline.left(), what: `HelmRelease ${hr.namespace}/${hr.name} spec to change`, backlog: backlog(hr) });
  const started = await flux.observe(hr, (obj) => {
    const p = progress(obj);
    return { ok: p.started, reason: p.reason, terminal: p.failed };
  }, { timeoutMs: deadline.left(), what: `HelmRelease ${hr.namespace}/${hr.name} upgrade to start`, backlog: backlog(hr) });
  const succeeded = await flux.observe(hr, (obj) => {
    const p = progress(obj);
    return { ok: p.succeeded, reason: p.reason, terminal: p.failed };
  }, { timeoutMs: deadline.left(), what: `HelmRelease ${hr.namespace}/${hr.name} upgrade to succeed`, backlog: backlog(hr) });
  return {
    kustomizations,
    applied,
    started,
    succeeded,
    cancel: () => [...kustomizations, applied, started, succeeded].forEach((w) => w.cancel()),
  };
}

/**
 * Phase 04 / rollback: Kustomization applies the commit, the HelmRelease upgrades to release N+1 with the new tag,
 * and the pod is replaced with Recreate. Checkpoints kustomizationApplied, helmUpgradeStarted, helmUpgradeSucceeded
 * and the pod replacement's. Any wait fails at once on a GPU deadlock.
 */
export async function followUpgrade(
  ctx: FlowContext,
  watch: UpgradeWatch,
  args: { sha: string; baseline: HelmBaseline; tag: string; recorder: PodRecorder; changeAt: number; budget?: (id: 'syncToApply' | 'applyToUpgradeStart' | 'podReplacement') => Promise<unknown> },
): Promise<{ release: HelmBaseline; lifecycle: PodLifecycle; newPod: string }> {
  const { target, timeline, evidence, deadline } = ctx;
  const { recorder, sha, baseline } = args;
  const hr = fluxObjects(target).helmRelease;

  // The GitRepository holds the commit: from now on kustomize-controller must act (on the source event, or after a
  // dependency requeue); a Kustomization that stops changing means it does not.
  const stall = fluxStall({ requeueDependencyMs: target.intervals.requeueDependency });
  for (const k of watch.kustomizations) k.stallAfter(stall);

  await test.step(`Kustomization lastAppliedRevision = ${gitRevision(target.git.branch, sha)}`, async () => {
    const [applied, specChanged] = await orPodFailure(Promise.all([Promise.all(watch.kustomizations.map((k) => k.result)), watch.applied.result]), recorder);
    const last = applied[applied.length - 1]!;
    // The Kustomization writes "Applied revision" after applying everything, so the HelmRelease can react first:
    // the apply happened when the HelmRelease's spec changed, if that was seen earlier.
    const first = specChanged.at < last.at ? specChanged : last;
    timeline.mark(CHECKPOINT.kustomizationApplied, {
      clientAt: first.at,
      serverAt: kustomizationAppliedAt(last.object, sha),
      alreadyTrue: first.alreadyTrue,
      source: 'watch',
      ...(first === specChanged ? { note: `HelmRelease generation ${specChanged.object.metadata.generation} seen before the Kustomization reported the revision` } : {}),
    });
    await args.budget?.('syncToApply');
  });

  // helm-controller reacts to the new generation at once (a watch, not its interval).
  watch.started.stallAfter(fluxStall({ requeueDependencyMs: target.intervals.requeueDependency, reactsWithinMs: HELM_REACTS_WITHIN_MS }));

  await test.step(`HelmRelease ${hr.namespace}/${hr.name} upgrade starts`, async () => {
    const started = await orPodFailure(watch.started.result, recorder);
    timeline.mark(CHECKPOINT.helmUpgradeStarted, { clientAt: started.at, serverAt: helmUpgradeProgress(started.object, baseline).startedAtServer, alreadyTrue: started.alreadyTrue, source: 'watch' });
    await args.budget?.('applyToUpgradeStart');
  });

  const release = await test.step(`HelmRelease upgrade succeeds with history[0].version ${(baseline.version ?? 0) + 1} and tag ${args.tag}`, async () => {
    const done = await orPodFailure(watch.succeeded.result, recorder);
    const p = helmUpgradeProgress(done.object, baseline);
    timeline.mark(CHECKPOINT.helmUpgradeSucceeded, { clientAt: done.at, serverAt: p.succeededAtServer, alreadyTrue: done.alreadyTrue, source: 'watch' });
    expect(p.version, `HelmRelease ${hr.namespace}/${hr.name} release number`).toBe((baseline.version ?? 0) + 1);
    const valuesPath = target.git.yamlPath;
    expect(String(getPath(done.object, valuesPath)), `HelmRelease ${valuesPath}`).toBe(args.tag);
    await evidence.parameter('Helm release', `v${p.version} (was v${baseline.version ?? '-'})`);
    return { generation: done.object.metadata.generation as number, version: p.version };
  });

  return test.step('pod replaced with Recreate: old pod gone before the new one is created, one GPU pod at a time', async () => {
    const lifecycle = await recorder.waitFor(
      (l) => {
        const s = replacementState(l, args.changeAt);
        return { ok: s.done, reason: s.reason };
      },
      { timeoutMs: deadline.left(), what: 'the new foundry pod to be Ready and the old one gone' },
    );
    const state = replacementState(lifecycle, args.changeAt);
    for (const [name, at] of Object.entries(lifecycle.replacement.checkpoints)) timeline.mark(name, { clientAt: at, source: 'watch' });
    await evidence.json('pod lifecycle', { strategy: recorder.strategy, ...lifecycle });
    await evidence.parameter('Deployment strategy', recorder.strategy ?? 'unknown');
    await evidence.parameter('max GPU pods at once', lifecycle.maxConcurrentGpuPods.count);
    expect(lifecycle.overlaps, 'Recreate: no new pod while an old one exists').toEqual([]);
    expect(lifecycle.maxConcurrentGpuPods.count, `GPU pods at once (${lifecycle.maxConcurrentGpuPods.pods.join(', ')})`).toBeLessThanOrEqual(1);
    expect(lifecycle.verdict.messages, 'pod lifecycle problems (FailedScheduling, restarts, overlaps)').toEqual([]);
    await args.budget?.('podReplacement');
    return { release, lifecycle, newPod: state.readyPod! };
  });
}

/**
 * Automation mode: waits for the ImageUpdateAutomation to push a commit other than `baselineCommit`, replaying
 * what the run observer saw since `since` (the change that causes it may be long past: the OCI push of phase 02).
 * Established before the action in the rollback, so the push cannot slip by.
 */
export async function observeAutomationPush(ctx: FlowContext, args: { baselineCommit: string; since: number }): Promise<PendingWait<ImageUpdateAutomation>> {
  const { target, flux, journal, deadline } = ctx;
  const iua = fluxObjects(target).imageUpdateAutomation;
  if (!iua) throw new Error('mode automation needs objects.imageUpdateAutomation in the profile');
  return flux.observe(
    iua,
    (obj) => {
      const s = obj?.status;
      const commit = s?.lastPushCommit;
      return { ok: Boolean(commit && commit !== args.baselineCommit), reason: `ImageUpdateAutomation ${iua.namespace}/${iua.name} to push a new commit: lastPushCommit ${commit ?? 'unset'}${args.baselineCommit ? ` (was ${args.baselineCommit.slice(0, 12)})` : ''}, lastPushTime ${s?.lastPushTime ?? 'never'}` };
    },
    { timeoutMs: deadline.left(), what: `ImageUpdateAutomation ${iua.namespace}/${iua.name} to push`, backlog: () => journal.events({ ...iua, since: args.since }) },
  );
}

/**
 * Automation mode, phase 03 / rollback by registry: the ImageUpdateAutomation — not the suite — commits the tag
 * change and pushes; the commit is read back from git and checked (one line, setter marker kept, author and message
 * as the automation is configured), recorded in the ledger so the teardown can undo it, and the GitRepository is
 * observed reaching it. Checkpoints automationCommitted, gitPushed and gitRepositorySynced.
 */
export async function automationCommitAndSync(
  ctx: FlowContext & { git: GitClones; ledger: Ledger },
  pending: PendingWait<ImageUpdateAutomation>,
  change: { from: string; to: string; reason: string; since: number; budget?: (id: 'policyToAutomationCommit') => Promise<unknown> },
): Promise<{ sha: string; revision: string }> {
  const { target, flux, timeline, evidence, deadline, journal } = ctx;
  const refs = fluxObjects(target);
  const iua = refs.imageUpdateAutomation!;
  pending.stallAfter(fluxStall({ requeueDependencyMs: target.intervals.requeueDependency }));

  const pushed = await test.step(`ImageUpdateAutomation ${iua.namespace}/${iua.name} pushes the ${change.to} commit`, async () => {
    const seen = await pending.result;
    const sha = seen.object.status?.lastPushCommit ?? '';
    const serverAt = Date.parse(seen.object.status?.lastPushTime ?? '');
    const mark = { clientAt: seen.at, ...(Number.isFinite(serverAt) ? { serverAt } : {}), alreadyTrue: seen.alreadyTrue, source: 'watch' as const };
    timeline.mark(CHECKPOINT.automationCommitted, mark);
    timeline.mark(CHECKPOINT.gitPushed, { ...mark, note: 'the automation\'s push' });
    await evidence.parameter('automation commit', sha);
    await change.budget?.('policyToAutomationCommit');
    return { sha, at: seen.at };
  });

  await test.step('the automation\'s commit, read from git: one line, setter marker kept, author and message as configured', async () => {
    const automation = await flux.require(iua.kind, iua.namespace, iua.name);
    const commitSpec = automation.spec?.git?.commit ?? {};
    const ws = await ctx.git.clone();
    const details = await ws.commitDetails(pushed.sha, target.git.file);
    // In the ledger at once: from here on the teardown knows git moved, whatever fails next.
    ctx.ledger.record({ type: 'git-push', branch: target.git.branch, file: target.git.file, sha: pushed.sha, ...(details.parent ? { previousSha: details.parent } : {}), fromValue: change.from, toValue: change.to, reason: change.reason });
    const { problems, diff } = automationCommitProblems(details, {
      file: target.git.file,
      yamlPath: target.git.yamlPath,
      from: change.from,
      to: change.to,
      spec: { authorName: commitSpec.author?.name, authorEmail: commitSpec.author?.email, messageTemplate: commitSpec.messageTemplate },
    });
    await evidence.text(`automation commit ${pushed.sha.slice(0, 12)}`, `${details.authorName} <${details.authorEmail}>\n${details.message}\n\n${diff}`);
    expect(problems, `the automation's commit ${pushed.sha} in ${target.git.remote}`).toEqual([]);
    // The profile's automationCommit is how a later preflight recognises this commit after a crash: it must agree.
    const live = { authorName: commitSpec.author?.name, authorEmail: commitSpec.author?.email, messageTemplate: commitSpec.messageTemplate };
    if (target.automationCommit) expect(signatureMismatches(target.automationCommit, live, target.file), 'the profile\'s automationCommit against the live ImageUpdateAutomation').toEqual([]);
  });

  return test.step(`GitRepository ${refs.gitRepository.namespace}/${refs.gitRepository.name} reaches the automation's commit on its own`, async () => {
    const r = refs.gitRepository;
    const field = 'status.artifact.revision';
    const wait = await flux.observe(r, atCommit(pushed.sha, target.git.branch, field), { timeoutMs: deadline.left(), what: `GitRepository at ${gitRevision(target.git.branch, pushed.sha)}`, backlog: () => journal.events({ ...r, since: change.since }) });
    wait.stallAfter(fluxStall({ requeueDependencyMs: target.intervals.requeueDependency }));
    const done = await wait.result;
    timeline.mark(CHECKPOINT.gitRepositorySynced, { clientAt: done.at, serverAt: artifactStoredAt(done.object, pushed.sha), alreadyTrue: done.alreadyTrue, source: 'watch' });
    const revision = String(getPath(done.object, field));
    await evidence.parameter('GitRepository revision', revision);
    return { sha: pushed.sha, revision };
  });
}
