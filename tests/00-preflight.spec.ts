/**
 * Phase 00 — preflight: the run's mode, credentials set and accepted, the tools (the bootstrap's too) are there, the
 * cluster answers, Flux is installed and healthy, the registry holds the from-tag and not the to-tag, git has the
 * tag file at the from-tag — or the start state is restored, only for leftovers a gitops-e2e run provably made and
 * only when the profile allows mutations; otherwise the run stops, before any change, saying what to clean.
 */
import { execa } from 'execa';
import { expect, test } from '../fixtures/index.ts';
import { missingBootstrapTools } from '../fixtures/bootstrap.ts';
import { fluxObjects } from '../fixtures/flux.ts';
import {
  apiServerVersion,
  checkHelmReleaseInventory,
  checkRegistryAccess,
  runMode,
  toTagArchive,
  unsetCredentialVariables,
} from '../fixtures/preflight-checks.ts';
import { inspectStartState, leftoverActions, restoreRefusal, restoreStartState } from '../fixtures/start-state.ts';
import { readTag } from '../fixtures/tag-change.ts';
import { restartCounts } from '../helpers/controller-health.ts';
import { readControllerHealth } from '../fixtures/controller-health.ts';
import { checkIntervals, intervalTable, type IntervalObject } from '../helpers/flux-intervals.ts';
import { findOnPath } from '../lib/tools.ts';
import { fetchRateLimit } from '../fixtures/github.ts';
import { labelPhase } from '../fixtures/plan.ts';

test(
  'preflight: tools, cluster, Flux, registry and git are ready for the upgrade',
  { tag: '@phase0' },
  async ({ target, k8s, flux, kubectl, oras, git, safety, ledger, facts, evidence, runId, credentials, log }) => {
    await labelPhase('00 Preflight', 'The cluster and its GitOps sources are in the start state', 'blocker');
    const { tags, namespaces } = target;

    const mode = await test.step('run mode: mutations allowed on this context, or read-only', async () => {
      const m = runMode(
        target,
        safety.check('mutations (bootstrap, registry push/delete, git push, reconcile requests)'),
      );
      log(m.mode === 'mutating' ? `  ${m.line}` : m.line);
      test.info().annotations.push({ type: 'run mode', description: m.line });
      await evidence.parameter('run mode', m.line);
      expect(m.mode, m.line).not.toBe('refused');
      return m.mode;
    });
    const mutating = mode === 'mutating';

    await test.step('credential variables named by the profile are set', async () => {
      expect(unsetCredentialVariables(target, credentials), 'credential variables').toEqual([]);
    });

    await test.step("tools present: kubectl, git, and oras or the built-in OCI client; the bootstrap's on its PATH", async () => {
      const kubectlPath = kubectl.binary;
      const gitVersion = (await execa('git', ['--version'])).stdout.trim();
      await evidence.parameter('kubectl', kubectlPath);
      await evidence.parameter('git', gitVersion);
      await evidence.parameter('OCI client', oras.description);
      if (!(await findOnPath('oras')))
        await evidence.skipped('oras CLI', 'not on PATH; the built-in OCI client pushes the same manifest');
      if (!mutating) return evidence.skipped('bootstrap tools', 'the run does not bootstrap');
      expect(
        await missingBootstrapTools(target.bootstrap.env),
        `tools missing on the bootstrap's PATH (PATH plus the pinned kubectl/helm)`,
      ).toEqual([]);
    });

    await test.step('API reachable and server version', async () => {
      const version = await apiServerVersion(k8s);
      const viaKubectl = await kubectl.version();
      expect(viaKubectl.serverVersion?.gitVersion, 'kubectl and the client library see the same server').toBe(
        version.gitVersion,
      );
      facts.set('serverVersion', version.gitVersion);
      facts.set('context', k8s.context);
      await evidence.parameter('kube context', k8s.context);
      await evidence.parameter('server version', version.gitVersion);
    });

    await test.step('Flux CRDs present and API versions discovered', async () => {
      const kinds = [
        'GitRepository',
        'Kustomization',
        'HelmRelease',
        'ImageRepository',
        'ImagePolicy',
        ...(target.mode === 'automation' ? ['ImageUpdateAutomation'] : []),
      ];
      const found: Record<string, string> = {};
      const missing: string[] = [];
      for (const kind of kinds) {
        const served = await k8s.served(kind);
        if (served) found[kind] = `${served.apiVersion} (served: ${served.served.join(', ')})`;
        else missing.push(kind);
      }
      await evidence.json('Flux API versions (discovery)', found);
      expect(missing, `Flux kinds not served by the API server (CRDs missing?)`).toEqual([]);
      facts.set('apiVersions', Object.fromEntries(Object.entries(found).map(([k, v]) => [k, v.split(' ')[0]!])));
      for (const [kind, v] of Object.entries(found)) await evidence.parameter(`API ${kind}`, v.split(' ')[0]!);
    });

    await test.step(`Flux controllers healthy ${target.controllers.expected.length}/${target.controllers.expected.length}`, async () => {
      const report = await readControllerHealth(k8s, namespaces.flux, target.controllers.expected);
      log(`  Flux controllers ${report.summary}`);
      await evidence.json('Flux controllers', report.controllers);
      await evidence.parameter('Flux controllers', report.summary);
      expect(report.problems, `Flux controllers in ${namespaces.flux}: ${report.summary}`).toEqual([]);
      facts.set('controllerRestarts', restartCounts(report));
    });

    await test.step('Azure Arc agents', async () => {
      const arc = target.controllers.arc;
      if (!arc) return evidence.skipped('Arc agents', 'controllers.arc is not set in the profile');
      const report = await readControllerHealth(k8s, arc.namespace);
      await evidence.json('Arc agents', report.controllers);
      await evidence.parameter('Arc agents', report.controllers.length ? report.summary : `none in ${arc.namespace}`);
      if (arc.required) {
        expect(report.controllers.length, `Arc agents in ${arc.namespace}`).toBeGreaterThan(0);
        expect(report.problems, `Arc agents in ${arc.namespace}: ${report.summary}`).toEqual([]);
      }
    });

    await test.step('GitHub REST rate limit before the run', async () => {
      if (!target.github) return evidence.skipped('GitHub rate limit', 'github.tokenEnv is not set in the profile');
      if (!credentials.githubToken)
        return evidence.skipped('GitHub rate limit', `${target.github.tokenEnv} is not set`);
      const rate = await fetchRateLimit(credentials.githubToken, target.github.apiUrl).catch((err: Error) => err);
      if (rate instanceof Error)
        return evidence.skipped('GitHub rate limit', `GitHub API unreachable: ${rate.message}`);
      facts.set('githubRateBefore', rate);
      await evidence.parameter('GitHub core rate limit (before)', `${rate.remaining}/${rate.limit}`);
    });

    await test.step(
      mutating
        ? 'registry reachable, credentials accepted for a push (nothing stored)'
        : 'registry reachable, credentials accepted',
      async () => {
        await evidence.parameter('registry access', await checkRegistryAccess(target, credentials, { push: mutating }));
      },
    );

    const ws = await test.step(
      mutating ? 'git reachable, credentials accepted for a push (git push --dry-run)' : 'git reachable',
      async () => {
        const clone = await git.clone();
        if (mutating) await clone.pushDryRun();
        else await evidence.skipped('git push --dry-run', 'the run does not push');
        return clone;
      },
    );

    await test.step(`to-tag archive present for ${tags.to}`, async () => {
      if (!mutating) return evidence.skipped('to-tag archive', 'the run does not push');
      await evidence.parameter('to-tag archive', toTagArchive(target));
    });

    await test.step('profile objects named; HelmRelease among what the Kustomizations apply', async () => {
      const refs = fluxObjects(target);
      await evidence.json('Flux objects under test', refs);
      const inventory = await checkHelmReleaseInventory(k8s, target);
      if (inventory.checked) await evidence.parameter('HelmRelease in inventory', inventory.note);
      else await evidence.skipped('HelmRelease in inventory', `${inventory.note}; phase 01 checks once they have`);
    });

    const startState =
      await test.step(`registry has ${tags.from} and not ${tags.to}; git has ${target.git.file} at ${tags.from}`, async () => {
        const registryTags = await oras.tags();
        await evidence.parameter('registry tags', registryTags.join(', ') || '(none)');
        expect(registryTags, `${target.registry.host}/${target.registry.repository} must hold the from-tag`).toContain(
          tags.from,
        );
        const gitTag = await readTag(ws, target.git.file, target.git.yamlPath);
        await evidence.parameter('git commit', await ws.head());
        await evidence.parameter(`git ${target.git.yamlPath}`, gitTag ?? '(missing)');
        expect(gitTag, `${target.git.file} must have ${target.git.yamlPath}`).toBeDefined();
        // Reads only: whose each leftover is (run-id annotation, E2E-Run-Id trailer) is decided before anything changes.
        return inspectStartState({ target, ws, oras, registryTags, gitTag: gitTag! });
      });

    await test.step('cluster clean or start state restored (only what a gitops-e2e run made)', async () => {
      if (startState.dirty.length === 0) return evidence.parameter('start state', 'clean');
      const refusal = restoreRefusal(startState, safety.check('restoring the start state'), target);
      if (refusal) log(`  ${refusal}`);
      expect(refusal, 'start state').toBeUndefined();
      const restored = await restoreStartState(leftoverActions(startState, target), {
        target,
        clone: async () => ws,
        oras,
        ledger,
        flux,
        runId,
        by: 'preflight',
        log,
      });
      expect(restored.failures, 'start state restore').toEqual([]);
      await evidence.parameter('start state', `restored: ${restored.done.join('; ')}`);
    });

    await test.step('image automation not suspended (automation mode)', async () => {
      const iua = fluxObjects(target).imageUpdateAutomation;
      if (target.mode !== 'automation' || !iua) return evidence.skipped('image automation', 'mode manual');
      const obj = await flux.get(iua.kind, iua.namespace, iua.name);
      if (!obj)
        return evidence.skipped(
          'image automation',
          `${iua.kind} ${iua.namespace}/${iua.name} does not exist yet (the bootstrap creates it in phase 01)`,
        );
      // Never resumed here: whoever suspended it (an interrupted rollbackBy git run, or a team in an incident) decides.
      expect(
        obj.spec?.suspend === true
          ? `${iua.kind} ${iua.namespace}/${iua.name} is suspended (spec.suspend: true), so nothing would commit the to-tag: resume it (flux resume image update ${iua.name} -n ${iua.namespace}) if the run may go on`
          : undefined,
        'image automation',
      ).toBeUndefined();
      await evidence.parameter('image automation', `${iua.kind} ${iua.namespace}/${iua.name} active`);
    });

    await test.step('live sync intervals recorded', async () => {
      const refs = fluxObjects(target);
      // Before the bootstrap they may not exist yet; phase 01 asserts the intervals once they do.
      const objects = (
        await Promise.all(
          [refs.gitRepository, ...refs.kustomizations, refs.imageRepository, refs.helmRelease].map((r) =>
            flux.get(r.kind, r.namespace, r.name),
          ),
        )
      ).filter((o) => o !== undefined);
      if (objects.length === 0)
        return evidence.skipped(
          'sync intervals',
          'the Flux objects do not exist yet (the bootstrap creates them in phase 01)',
        );
      const report = checkIntervals(objects as IntervalObject[], target.intervals);
      await evidence.markdown('sync intervals before the run.md', intervalTable(report.rows));
      for (const line of report.problems) log(`  ⚠️ ${line} (asserted after the initial deploy)`);
    });
  },
);
