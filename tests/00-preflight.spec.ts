/**
 * Phase 00 — preflight: the tools are there, the cluster answers, Flux is installed and healthy, the registry holds
 * the from-tag and not the to-tag, git has the tag file at the from-tag — or the start state is restored when the
 * profile allows mutations, and otherwise the run stops saying what to clean.
 */
import { execa } from 'execa';
import { expect, test } from '../fixtures/index.ts';
import { fluxObjects } from '../fixtures/flux.ts';
import { checkIntervals, intervalTable, type IntervalObject } from '../helpers/flux-intervals.ts';
import { commitTagChange, pushTagChange, readTag } from '../fixtures/tag-change.ts';
import { controllerHealth, type DeploymentLike, type PodLike, restartCounts } from '../helpers/controller-health.ts';
import { findOnPath, resolveTool } from '../lib/tools.ts';
import { fetchRateLimit } from './github.ts';
import { labelPhase } from './plan.ts';

test('preflight: tools, cluster, Flux, registry and git are ready for the upgrade', { tag: '@phase0' }, async ({ target, k8s, flux, kubectl, oras, git, safety, ledger, facts, evidence, runId, credentials, log }) => {
  await labelPhase('00 Preflight', 'The cluster and its GitOps sources are in the start state', 'blocker');
  const { tags, namespaces } = target;

  await test.step('tools present: kubectl, git, and oras or the built-in OCI client', async () => {
    const kubectlPath = await resolveTool('kubectl');
    const gitVersion = (await execa('git', ['--version'])).stdout.trim();
    await evidence.parameter('kubectl', kubectlPath);
    await evidence.parameter('git', gitVersion);
    await evidence.parameter('OCI client', oras.description);
    if (!(await findOnPath('oras'))) await evidence.skipped('oras CLI', 'not on PATH; the built-in OCI client pushes the same manifest');
  });

  await test.step('API reachable and server version', async () => {
    const version = await k8s.version();
    const viaKubectl = await kubectl.version();
    expect(viaKubectl.serverVersion?.gitVersion, 'kubectl and the client library see the same server').toBe(version.gitVersion);
    facts.set('serverVersion', version.gitVersion);
    facts.set('context', k8s.context);
    await evidence.parameter('kube context', k8s.context);
    await evidence.parameter('server version', version.gitVersion);
  });

  await test.step('Flux CRDs present and API versions discovered', async () => {
    const kinds = ['GitRepository', 'Kustomization', 'HelmRelease', 'ImageRepository', 'ImagePolicy', ...(target.mode === 'automation' ? ['ImageUpdateAutomation'] : [])];
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
    const [{ items: deployments }, { items: pods }] = await Promise.all([k8s.list<DeploymentLike>('Deployment', namespaces.flux), k8s.list<PodLike>('Pod', namespaces.flux)]);
    const report = controllerHealth(deployments, pods, target.controllers.expected);
    log(`  Flux controllers ${report.summary}`);
    await evidence.json('Flux controllers', report.controllers);
    await evidence.parameter('Flux controllers', report.summary);
    expect(report.problems, `Flux controllers in ${namespaces.flux}: ${report.summary}`).toEqual([]);
    facts.set('controllerRestarts', restartCounts(report));
  });

  await test.step('Azure Arc agents', async () => {
    const arc = target.controllers.arc;
    if (!arc) return evidence.skipped('Arc agents', 'controllers.arc is not set in the profile');
    const [{ items: deployments }, { items: pods }] = await Promise.all([k8s.list<DeploymentLike>('Deployment', arc.namespace), k8s.list<PodLike>('Pod', arc.namespace)]);
    const report = controllerHealth(deployments, pods);
    await evidence.json('Arc agents', report.controllers);
    await evidence.parameter('Arc agents', report.controllers.length ? report.summary : `none in ${arc.namespace}`);
    if (arc.required) {
      expect(report.controllers.length, `Arc agents in ${arc.namespace}`).toBeGreaterThan(0);
      expect(report.problems, `Arc agents in ${arc.namespace}: ${report.summary}`).toEqual([]);
    }
  });

  await test.step('GitHub REST rate limit before the run', async () => {
    if (!target.github) return evidence.skipped('GitHub rate limit', 'github.tokenEnv is not set in the profile');
    if (!credentials.githubToken) return evidence.skipped('GitHub rate limit', `${target.github.tokenEnv} is not set`);
    const rate = await fetchRateLimit(credentials.githubToken).catch((err: Error) => err);
    if (rate instanceof Error) return evidence.skipped('GitHub rate limit', `GitHub API unreachable: ${rate.message}`);
    facts.set('githubRateBefore', rate);
    await evidence.parameter('GitHub core rate limit (before)', `${rate.remaining}/${rate.limit}`);
  });

  const startState = await test.step(`registry has ${tags.from} and not ${tags.to}; git has ${target.git.file} at ${tags.from}`, async () => {
    const registryTags = await oras.tags();
    await evidence.parameter('registry tags', registryTags.join(', ') || '(none)');
    expect(registryTags, `${target.registry.host}/${target.registry.repository} must hold the from-tag`).toContain(tags.from);
    const ws = await git.clone();
    const gitTag = await readTag(ws, target.git.file, target.git.yamlPath);
    await evidence.parameter('git commit', await ws.head());
    await evidence.parameter(`git ${target.git.yamlPath}`, gitTag ?? '(missing)');
    expect(gitTag, `${target.git.file} must have ${target.git.yamlPath}`).toBeDefined();
    return { toTagPresent: registryTags.includes(tags.to), gitTag: gitTag!, ws };
  });

  await test.step('cluster clean or start state restored', async () => {
    const dirty = [
      ...(startState.toTagPresent ? [`the registry still has ${tags.to} (${target.registry.host}/${target.registry.repository}:${tags.to})`] : []),
      ...(startState.gitTag !== tags.from ? [`${target.git.file} has ${target.git.yamlPath}: ${startState.gitTag}, not ${tags.from}`] : []),
    ];
    if (dirty.length === 0) return evidence.parameter('start state', 'clean');
    const decision = safety.check('restoring the start state');
    expect(
      decision.allowed,
      `start state is not clean (a crashed run?): ${dirty.join('; ')}. Clean it by hand — set ${target.git.yamlPath} in ${target.git.file} back to ${tags.from} on ${target.git.branch} and delete ${tags.to} from the registry — or allow mutations. ${decision.reason}`,
    ).toBe(true);
    if (startState.gitTag !== tags.from) {
      const spec = { file: target.git.file, yamlPath: target.git.yamlPath, branch: target.git.branch, from: startState.gitTag, to: tags.from, runId, message: `Restore foundry BYO models tag to ${tags.from} (gitops-e2e preflight)`, reason: 'preflight restore' };
      const committed = await commitTagChange(startState.ws, spec);
      await pushTagChange(startState.ws, ledger, spec, committed);
      log(`  restored ${target.git.file} to ${tags.from}`);
    }
    if (startState.toTagPresent) {
      const digest = await oras.delete(tags.to);
      ledger.record({ type: 'oci-delete', repository: target.registry.repository, tag: tags.to, digest });
      log(`  deleted ${tags.to} (${digest}) left by an earlier run`);
    }
    await evidence.parameter('start state', `restored: ${dirty.join('; ')}`);
  });

  await test.step('profile objects named; their live sync intervals recorded', async () => {
    const refs = fluxObjects(target);
    await evidence.json('Flux objects under test', refs);
    // Before the bootstrap they may not exist yet; phase 01 asserts the intervals once they do.
    const objects = (await Promise.all([refs.gitRepository, ...refs.kustomizations, refs.imageRepository, refs.helmRelease].map((r) => flux.get(r.kind, r.namespace, r.name)))).filter((o) => o !== undefined);
    if (objects.length === 0) return evidence.skipped('sync intervals', 'the Flux objects do not exist yet (the bootstrap creates them in phase 01)');
    const report = checkIntervals(objects as IntervalObject[], target.intervals);
    await evidence.markdown('sync intervals before the run.md', intervalTable(report.rows));
    for (const line of report.problems) log(`  ⚠️ ${line} (asserted after the initial deploy)`);
  });
});
