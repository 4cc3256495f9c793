/**
 * Phase 05 — verify: the new pod announces the to-tag, holds the to-tag's models (the new ones among them), the
 * Flux controllers are still healthy with unchanged restart counts, and the end-to-end time (without the model
 * download, measured from the pod's log timestamps) and the GitOps flow meet their budgets. Also records resource
 * use where the cluster offers it.
 */
import { expect, test } from '../fixtures/index.ts';
import { CHECKPOINT } from '../helpers/budgets.ts';
import { controllerUsage, type PodMetricsLike } from '../helpers/controller-usage.ts';
import { restartChanges, restartCounts } from '../helpers/controller-health.ts';
import { readControllerHealth } from '../fixtures/controller-health.ts';
import { missingModels, newModels, parseModelListing } from '../helpers/model-listing.ts';
import { announcedTags, logClockOffset, modelDownloadWindow } from '../helpers/pod-log.ts';
import { fetchRateLimit } from '../fixtures/github.ts';
import { Deadline, labelPhase } from '../fixtures/plan.ts';
import { staysTrueTest } from '../fixtures/stays-true-test.ts';

test(
  'verify: the to-tag serves its models and the budgets hold',
  { tag: '@phase5' },
  async ({ target, k8s, facts, timeline, evidence, budgets, workload, credentials, log }) => {
    await labelPhase('05 Verify', `${target.tags.to} is live with its new models`);
    test.skip(!facts.get('newPod'), 'phase 04 replaced no pod in this run');
    const { to } = target.tags;
    const deadline = new Deadline(target.timeouts.verify);
    const pod = (await workload.readyPod({ timeoutMs: deadline.left() })).metadata.name;
    expect(pod, 'the Ready pod is the one phase 04 saw replace the old one').toBe(facts.get('newPod'));
    const { text: logText, lines } = await workload.log(pod);

    await test.step(`log shows "${target.pod.logPattern.replace('{tag}', to)}"`, async () => {
      await evidence.text(`log of ${pod}`, logText);
      const announced = announcedTags(lines, target.pod.logPattern);
      expect(announced, `log of ${pod}: the BYO tag it announces (${target.pod.logPattern}); deployed ${to}`).toContain(
        to,
      );
      expect(
        announced.filter((t) => t !== to),
        `log of ${pod} announces a tag other than the deployed ${to}`,
      ).toEqual([]);
    });

    await test.step(`models of ${to} present; new models ${target.pod.expectedNewModels.join(', ')} appeared`, async () => {
      const { text, listing } = await workload.models(pod);
      await evidence.text(`models in ${pod}`, text);
      const before = parseModelListing(facts.require('fromListing', 'phase 01'), target.pod.modelCacheDir);
      const added = newModels(before, listing);
      await evidence.parameter('models (to-tag)', listing.models.join(', '));
      await evidence.parameter('new models', added.join(', ') || '(none)');
      expect(
        missingModels(listing.models, target.pod.expectedNewModels),
        `expected new models missing from ${target.pod.modelCacheDir}`,
      ).toEqual([]);
      expect(
        missingModels(added, target.pod.expectedNewModels),
        'expected models are new compared with the from-tag listing',
      ).toEqual([]);
    });

    await test.step('Flux controllers still healthy, restart counts unchanged', async () => {
      const report = await readControllerHealth(k8s, target.namespaces.flux, target.controllers.expected);
      await evidence.parameter('Flux controllers (after)', report.summary);
      expect(report.problems, `Flux controllers: ${report.summary}`).toEqual([]);
      expect(
        restartChanges(facts.require('controllerRestarts', 'phase 00'), restartCounts(report)),
        'controller restarts since preflight',
      ).toEqual([]);
    });

    await test.step('Azure Arc agents still connected', async () => {
      const arc = target.controllers.arc;
      if (!arc) return evidence.skipped('Arc agents', 'controllers.arc is not set in the profile');
      const report = await readControllerHealth(k8s, arc.namespace);
      await evidence.parameter(
        'Arc agents (after)',
        report.controllers.length ? report.summary : `none in ${arc.namespace}`,
      );
      if (arc.required) expect(report.controllers.length, `Arc agents in ${arc.namespace}`).toBeGreaterThan(0);
      expect(
        report.problems,
        `Arc agents in ${arc.namespace} (the cluster's connection to Azure): ${report.summary}`,
      ).toEqual([]);
    });

    await test.step('end-to-end excluding the model download, and the GitOps flow', async () => {
      const download = modelDownloadWindow(lines);
      // Log times are the node's clock: place them on the suite's clock through the moment the container started.
      const offset = logClockOffset(lines, timeline.get(CHECKPOINT.newPodRunning)?.clientAt);
      if (offset === undefined)
        await evidence.skipped(
          'log clock offset',
          "the new pod's Running moment or log timestamps are unknown; log times used as they are",
        );
      else await evidence.parameter('pod log clock − suite clock', `${offset} ms`);
      const onSuiteClock = (at: number) => at - (offset ?? 0);
      const logged = [
        [CHECKPOINT.modelDownloadStarted, download.startedAt, download.startLine],
        [CHECKPOINT.modelDownloadFinished, download.finishedAt, download.finishLine],
      ] as const;
      for (const [checkpoint, at, note] of logged)
        if (at !== undefined)
          timeline.mark(checkpoint, { clientAt: onSuiteClock(at), serverAt: at, source: 'pod log', note });
      if (download.startedAt === undefined)
        await evidence.skipped('model download window', `no download lines in the log of ${pod}; nothing subtracted`);
      await budgets.report('endToEnd');
      await budgets.report('gitopsFlow');
    });

    await test.step('resource monitoring: controller CPU/memory, GitHub rate limit, download bandwidth', async () => {
      // Found through discovery, as kubectl top finds metrics-server's aggregated API.
      const served = await k8s.served('PodMetrics').catch(() => undefined);
      if (!served) await evidence.skipped('controller CPU/memory', 'metrics.k8s.io is not served (no metrics-server)');
      else {
        const metrics = await k8s.list<PodMetricsLike>('PodMetrics', target.namespaces.flux);
        const usage = controllerUsage(metrics.items, target.controllers.expected);
        await evidence.text(`Flux controller CPU/memory (${served.apiVersion})`, usage.lines.join('\n'));
        log(usage.lines.map((r) => `  ${r}`).join('\n'));
        expect(usage.missing, `${served.apiVersion} has no usage for these Flux controllers`).toEqual([]);
      }

      const before = facts.get('githubRateBefore');
      if (!target.github || !credentials.githubToken) {
        await evidence.skipped(
          'GitHub rate limit',
          !target.github ? 'github.tokenEnv is not set in the profile' : `${target.github.tokenEnv} is not set`,
        );
      } else {
        const after = await fetchRateLimit(credentials.githubToken, target.github.apiUrl).catch((err: Error) => err);
        if (after instanceof Error)
          await evidence.skipped('GitHub rate limit', `GitHub API unreachable: ${after.message}`);
        else {
          const row = `${before ? `${before.remaining} → ` : ''}${after.remaining} of ${after.limit}${before ? ` (used ${before.remaining - after.remaining} during the run)` : ''}, resets ${new Date(after.reset * 1000).toISOString()}`;
          await evidence.parameter('GitHub core rate limit', row);
          log(`  GitHub core rate limit (${target.github.apiUrl}): ${row}`);
          // The plan's "no rate limiting": a spent budget means the run's API calls (or the next run's) are refused.
          expect(
            after.remaining,
            `GitHub core rate limit at ${target.github.apiUrl}: ${after.remaining} of ${after.limit} left until ${new Date(after.reset * 1000).toISOString()} — rate limited`,
          ).toBeGreaterThan(0);
        }
      }

      const download = modelDownloadWindow(lines);
      if (download.bytesPerSecond === undefined)
        await evidence.skipped('download bandwidth', `the log of ${pod} states no download size or rate`);
      else {
        const row = `${(download.bytesPerSecond / 1e6).toFixed(2)} MB/s${download.bytes === undefined ? '' : ` (${download.bytes} bytes)`}`;
        await evidence.parameter('model download bandwidth', row);
        log(`  model download bandwidth (pod log): ${row}`);
      }
    });
  },
);

// Its own test, after the verdicts above: a movement once the flow is green fails exactly this one.
staysTrueTest('upgrade', { feature: '05 Verify', tag: '@phase5' });
