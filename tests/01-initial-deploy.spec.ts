/**
 * Phase 01 — initial deploy: bootstrap the GitOps configuration from a fresh clone (when mutations are allowed),
 * then see Flux bring the from-tag up: sources and Kustomizations Ready at the current commit, the ImageRepository
 * scanned, the ImagePolicy at the from-tag, the HelmRelease installed with the from-tag values, and the foundry pod
 * Ready, announcing the tag and holding its models.
 */
import { expect, test } from '../fixtures/index.ts';
import { runBootstrap } from '../fixtures/bootstrap.ts';
import { checkHelmReleaseInventory } from '../fixtures/preflight-checks.ts';
import { atCommit, fluxObjects, lastScan } from '../fixtures/flux.ts';
import { fluxObjectSettled } from '../helpers/conditions.ts';
import { checkIntervals, intervalTable, type IntervalObject } from '../helpers/flux-intervals.ts';
import { formatDuration } from '../helpers/durations.ts';
import { helmBaseline, helmReleaseVersion } from '../helpers/helm-upgrade.ts';
import { getPath } from '../helpers/object-path.ts';
import { findTagLine } from '../helpers/pod-log.ts';
import { Deadline, labelPhase } from '../fixtures/plan.ts';

test(
  'initial deploy: the from-tag is running with its models',
  { tag: '@phase1' },
  async ({
    target,
    flux,
    k8s,
    kubectl,
    oras,
    git,
    safety,
    ledger,
    facts,
    evidence,
    workload,
    redact,
    bootstrapSources,
    log,
  }) => {
    await labelPhase('01 Initial deploy', `Flux deploys ${target.tags.from} from git`);
    const refs = fluxObjects(target);
    const { from } = target.tags;
    const existedBefore =
      (await flux.get(refs.helmRelease.kind, refs.helmRelease.namespace, refs.helmRelease.name)) !== undefined;
    const ws = await git.clone();
    const head = await ws.head();

    await test.step(`bootstrap the GitOps configuration (${target.bootstrap.command}) from a fresh clone`, async () => {
      const decision = safety.check('bootstrap');
      if (!decision.allowed) {
        // Deployed = the bootstrap's GitRepository exists (its HelmRelease may still be on its way).
        const r = refs.gitRepository;
        const configured = (await flux.get(r.kind, r.namespace, r.name)) !== undefined;
        expect(
          configured,
          `the GitOps configuration is not deployed (no ${r.kind} ${r.namespace}/${r.name}) and ${decision.reason}`,
        ).toBe(true);
        return evidence.skipped('bootstrap', `${decision.reason}; the existing deployment is verified instead`);
      }
      const run = await runBootstrap({
        command: target.bootstrap.command,
        cwd: ws.dir,
        timeoutMs: target.bootstrap.timeout,
        pass: target.bootstrap.env,
        mapping: { from: target.bootstrap.envFrom, values: target.bootstrap.envValues },
        sources: bootstrapSources,
        kubectl,
        context: k8s.context,
        log,
      });
      await evidence.text('bootstrap output', run.output);
      expect(run.timedOut, `bootstrap did not finish within ${formatDuration(target.bootstrap.timeout)}`).toBe(false);
      expect(
        run.exitCode,
        `bootstrap exit code; last output: ${redact(run.output.trim().split('\n').slice(-5).join(' | '))}`,
      ).toBe(0);
      ledger.record({ type: 'bootstrap', command: target.bootstrap.command });
      await evidence.parameter('bootstrap duration', formatDuration(run.durationMs));
    });

    const deadline = new Deadline(target.timeouts.initialDeploy);

    await test.step(`GitRepository ${refs.gitRepository.name} Ready at the current revision ${head.slice(0, 12)}`, async () => {
      const r = refs.gitRepository;
      const requestedAt = await flux.requestReconcile(r.kind, r.namespace, r.name);
      const done = await flux.reach(r, atCommit(head, target.git.branch, 'status.artifact.revision', requestedAt), {
        timeoutMs: deadline.left(),
        what: `GitRepository ${r.namespace}/${r.name} at ${head}`,
      });
      await evidence.parameter('GitRepository revision', done.object.status?.artifact?.revision ?? '(none)');
    });

    await test.step(`Kustomizations ${target.objects.kustomizations.join(', ')} Ready at the current revision`, async () => {
      // In dependency order: requesting a dependant before its dependency is Ready only earns a retry delay.
      for (const r of refs.kustomizations) {
        const requestedAt = await flux.requestReconcile(r.kind, r.namespace, r.name);
        const done = await flux.reach(r, atCommit(head, target.git.branch, 'status.lastAppliedRevision', requestedAt), {
          timeoutMs: deadline.left(),
          what: `Kustomization ${r.namespace}/${r.name} applied at ${head}`,
        });
        log(`  ${flux.summary(done.object)}`);
      }
    });

    await test.step(`HelmRelease ${refs.helmRelease.name} among what the Kustomizations applied`, async () => {
      // Seconds, not the phase's limit: a HelmRelease no Kustomization applies will never appear.
      await evidence.parameter('HelmRelease in inventory', (await checkHelmReleaseInventory(k8s, target)).note);
    });

    await test.step("ImageRepository scanned with the registry's tags", async () => {
      const count = (await oras.tags()).length;
      const r = refs.imageRepository;
      const requestedAt = await flux.requestReconcile(r.kind, r.namespace, r.name);
      const done = await flux.reach(
        r,
        (obj) =>
          fluxObjectSettled(obj, { requestedAt, revision: count, revisionField: 'status.lastScanResult.tagCount' }),
        {
          timeoutMs: deadline.left(),
          what: `ImageRepository ${r.namespace}/${r.name} to find ${count} tag${count === 1 ? '' : 's'}`,
        },
      );
      const scan = lastScan(done.object);
      await evidence.parameter('ImageRepository tags', `${scan?.tagCount} (${scan?.latestTags.join(', ')})`);
    });

    await test.step(`ImagePolicy latest = ${from}`, async () => {
      const r = refs.imagePolicy;
      const requestedAt = await flux.requestReconcile(r.kind, r.namespace, r.name);
      await flux.reach(r, (obj) => fluxObjectSettled(obj, { requestedAt, revision: from }), {
        timeoutMs: deadline.left(),
        what: `ImagePolicy ${r.namespace}/${r.name} latest ${from}`,
      });
    });

    await test.step(`HelmRelease ${refs.helmRelease.name} installed with ${target.git.yamlPath} = ${from}`, async () => {
      const r = refs.helmRelease;
      const done = await flux.reach(
        r,
        (obj) => {
          const settled = fluxObjectSettled(obj);
          if (!settled.ok) return settled;
          const tag = String(getPath(obj, target.git.yamlPath));
          return tag === from
            ? settled
            : {
                ok: false,
                reason: `HelmRelease ${r.namespace}/${r.name} ${target.git.yamlPath} to be ${from}, is ${tag}`,
              };
        },
        { timeoutMs: deadline.left(), what: `HelmRelease ${r.namespace}/${r.name} Ready with ${from}` },
      );
      const version = helmReleaseVersion(done.object);
      if (existedBefore) await evidence.parameter('Helm release (existing deployment, baseline)', `v${version}`);
      else expect(version, `HelmRelease ${r.namespace}/${r.name} history[0].version of a fresh install`).toBe(1);
      facts.set('initialRelease', helmBaseline(done.object));
      await evidence.parameter('Helm release', `v${version}`);
    });

    const pod = await test.step('foundry pod Running and Ready', async () => {
      const p = await workload.readyPod({ timeoutMs: deadline.left() });
      facts.set('fromPod', p.metadata.name);
      await evidence.parameter('foundry pod', p.metadata.name);
      return p.metadata.name;
    });

    await test.step(`pod log shows "${target.pod.logPattern.replace('{tag}', from)}"`, async () => {
      const { text, lines } = await workload.log(pod);
      await evidence.text(`log of ${pod}`, text);
      expect(findTagLine(lines, target.pod.logPattern, from), `log of ${pod} announces ${from}`).toBeDefined();
    });

    await test.step(`BYO models present in ${target.pod.modelCacheDir} (kubectl exec -- ls -laR)`, async () => {
      const { text, listing } = await workload.models(pod);
      await evidence.text(`models in ${pod}`, text);
      expect(
        listing.models.length,
        `model folders (genai_config.json + inference_model.json) under ${target.pod.modelCacheDir}`,
      ).toBeGreaterThan(0);
      facts.set('fromModels', listing.models);
      facts.set('fromListing', text);
      await evidence.parameter('models (from-tag)', listing.models.join(', '));
    });
  },
);

test(
  'sync intervals optimized: the live intervals meet the profile and every budget can hold',
  { tag: ['@phase1', '@intervals'] },
  async ({ target, flux, facts, evidence, log }) => {
    await labelPhase(
      '01 Initial deploy',
      'All sync intervals optimized (GitRepository, Kustomization interval/retry, ImageRepository)',
    );
    const refs = fluxObjects(target);
    const objects = await Promise.all(
      [refs.gitRepository, ...refs.kustomizations, refs.imageRepository, refs.helmRelease].map((r) =>
        flux.require(r.kind, r.namespace, r.name),
      ),
    );
    const report = checkIntervals(objects as IntervalObject[], target.intervals, {
      ociPushToDetection: target.budgets.ociPushToDetection.limitMs,
      gitPushToSync: target.budgets.gitPushToSync.limitMs,
      gitopsFlow: target.budgets.gitopsFlow.limitMs,
    });
    facts.set('intervals', report.rows);
    await evidence.markdown('sync intervals.md', intervalTable(report.rows));
    for (const r of report.rows) await evidence.parameter(`${r.object} spec.${r.field}`, r.live);
    for (const line of [...report.problems, ...report.infeasible]) log(`  ❌ ${line}`);
    // One line for everything, so the first failure already names every interval and budget at stake.
    expect(
      [...report.problems, ...report.infeasible],
      `sync intervals: ${[...report.problems, ...report.infeasible].join('; ')}`,
    ).toEqual([]);
  },
);
