/**
 * kustomize-controller's Kustomization reconciler: wait for `dependsOn`, take the source artifact, build
 * with the real kustomize, substitute, server-side apply in order with the owner labels, prune what left
 * the inventory, optionally wait for health, and report `Applied revision: <rev>` with the inventory,
 * `lastAppliedRevision`/`lastAttemptedRevision` and (2.7+ lines) `history`.
 */
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { KubeObject } from '../../kube/types.ts';
import type { Controller, ReconcileResult } from '../manager.ts';
import { Applier, changeSetMessage, type ChangeSetEntry } from './apply.ts';
import type { FluxContext } from './context.ts';
import { durationMs, formatGoDuration } from './duration.ts';
import { applyCommonMetadata, kustomizeBuild, prepareKustomization, substitute, substitutionVariables } from './kustomize-build.ts';
import type { KindReconciler, Pass } from './reconciler.ts';
import { RolloutWaiter } from './rollout.ts';

const NAME_LABEL = 'kustomize.toolkit.fluxcd.io/name';
const NAMESPACE_LABEL = 'kustomize.toolkit.fluxcd.io/namespace';
const HISTORY_MAX = 5;

/** A failed step: Ready=False with Flux's reason, retried after `retryInterval`. */
class StepFailure extends Error {
  constructor(readonly reason: string, message: string) {
    super(message);
  }
}

/** Reconciles Kustomization objects. */
export class KustomizationReconciler implements KindReconciler {
  readonly kind = 'Kustomization' as const;
  readonly controller = 'kustomization';
  readonly deployment = 'kustomize-controller' as const;
  readonly #ctx: FluxContext;
  readonly #applier: Applier;
  readonly #waiter: RolloutWaiter;
  #abort = new AbortController();

  constructor(ctx: FluxContext) {
    this.#ctx = ctx;
    this.#applier = new Applier(ctx.kube);
    this.#waiter = new RolloutWaiter(ctx.kube, ctx.clock);
  }

  /** Ends health-check waits early (controller stopping or restarting). */
  abort(): void {
    this.#abort.abort();
    this.#abort = new AbortController();
  }

  watches(controller: Controller): void {
    const { kube, apis } = this.#ctx;
    controller.watch(kube, { apiVersion: apis.apiVersion('GitRepository'), kind: 'GitRepository' }, {
      predicate: (prev, next) => prev?.status?.artifact?.revision !== next.status?.artifact?.revision,
      map: (repo) =>
        kube
          .list({ apiVersion: apis.apiVersion('Kustomization'), kind: 'Kustomization' })
          .filter((k) => k.spec?.sourceRef?.kind === 'GitRepository' && k.spec?.sourceRef?.name === repo.metadata.name && (k.spec?.sourceRef?.namespace ?? k.metadata.namespace) === repo.metadata.namespace)
          .map((k) => `${k.metadata.namespace}/${k.metadata.name}`),
    });
  }

  async reconcile(pass: Pass): Promise<ReconcileResult> {
    const { spec } = pass;
    const interval = durationMs(spec.interval, 600_000);
    const retry = durationMs(spec.retryInterval, interval);
    try {
      return await this.#reconcile(pass, interval);
    } catch (err) {
      if (!(err instanceof StepFailure)) throw err;
      pass.conditions.markFalse('Ready', err.reason, err.message);
      pass.event('Warning', err.reason, err.message);
      pass.logError('Reconciliation failed', err.message);
      return { requeueAfterMs: err.reason === 'DependencyNotReady' ? durationMs(spec.retryInterval, 30_000) : retry };
    }
  }

  async #reconcile(pass: Pass, interval: number): Promise<ReconcileResult> {
    const { spec, status, conditions } = pass;
    const timeout = durationMs(spec.timeout, interval);
    const source = this.#source(pass);
    this.#checkDependencies(pass);
    const revision: string = source.status.artifact.revision;
    // Ready goes Unknown only for new work, so periodic passes keep Ready's lastTransitionTime stable.
    const newWork = pass.newGeneration || status.lastAppliedRevision !== revision || !pass.conditions.isTrue('Ready');
    pass.progressing(`Fetching manifests for revision ${revision} with a timeout of ${formatGoDuration(timeout)}`, newWork ? 'Reconciliation in progress' : undefined);
    status.lastAttemptedRevision = revision;

    await mkdir(path.join(this.#ctx.stateDir, 'tmp'), { recursive: true });
    const tmp = await mkdtemp(path.join(this.#ctx.stateDir, 'tmp', 'kustomization-'));
    let objects: KubeObject[];
    try {
      await this.#ctx.storage.extract(source.status.artifact.path, tmp);
      const dir = path.resolve(tmp, spec.path ?? './');
      if (!dir.startsWith(tmp) || !(await stat(dir).then((s) => s.isDirectory(), () => false))) {
        throw new StepFailure('ArtifactFailed', `kustomization path not found: stat ${dir}: no such file or directory`);
      }
      pass.progressing(`Building manifests for revision ${revision} with a timeout of ${formatGoDuration(timeout)}`);
      try {
        await prepareKustomization(dir, spec);
        objects = await kustomizeBuild(this.#ctx.tools.kubectl, dir, timeout);
        objects = applyCommonMetadata(objects, spec.commonMetadata);
        if (spec.postBuild) objects = substitute(objects, substitutionVariables(this.#ctx.kube, pass.namespace, spec.postBuild));
      } catch (err) {
        throw new StepFailure('BuildFailed', `kustomize build failed: ${(err as Error).message}`);
      }
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }

    const owner = { [NAME_LABEL]: pass.name, [NAMESPACE_LABEL]: pass.namespace };
    const prepared = this.#applier.prepare(objects, { namespace: spec.targetNamespace, forceNamespace: Boolean(spec.targetNamespace), labels: owner });
    let changes: ChangeSetEntry[];
    try {
      changes = this.#applier.apply(prepared, this.deployment);
    } catch (err) {
      this.#recordHistory(pass, digestOf(prepared), 'ReconciliationFailed', revision);
      throw new StepFailure('ReconciliationFailed', (err as Error).message);
    }
    const entries = changes.map(({ id, v }) => ({ id, v })).sort((a, b) => a.id.localeCompare(b.id));
    const previous = (status.inventory?.entries ?? []) as Array<{ id: string; v: string }>;
    if (spec.prune) changes.push(...this.#applier.prune(previous, entries, owner));
    status.inventory = { entries };
    const changeSet = changeSetMessage(changes);
    if (changeSet) {
      pass.event('Normal', 'Progressing', changeSet);
      pass.log('server-side apply completed', { output: Object.fromEntries(changes.map((c) => [c.subject, c.action])), revision });
    }

    await this.#checkHealth(pass, prepared, timeout);
    const revisionChanged = status.lastAppliedRevision !== revision;
    status.lastAppliedRevision = revision;
    const message = `Applied revision: ${revision}`;
    conditions.markTrue('Ready', 'ReconciliationSucceeded', message);
    this.#recordHistory(pass, digestOf(prepared), 'ReconciliationSucceeded', revision);
    const finished = `Reconciliation finished in ${formatGoDuration(this.#elapsed(pass))}, next run in ${formatGoDuration(interval)}`;
    if (changeSet || revisionChanged) pass.event('Normal', 'ReconciliationSucceeded', finished);
    pass.log(finished, { revision });
    return { requeueAfterMs: interval };
  }

  async finalize(pass: Pass): Promise<void> {
    if (!pass.spec.prune || pass.spec.suspend) return;
    const entries = (pass.status.inventory?.entries ?? []) as Array<{ id: string; v: string }>;
    const deleted = this.#applier.prune(entries, [], { [NAME_LABEL]: pass.name, [NAMESPACE_LABEL]: pass.namespace });
    if (deleted.length) pass.log('garbage collection completed', { output: deleted.map((d) => `${d.subject} deleted`) });
  }

  #source(pass: Pass): KubeObject {
    const ref = pass.spec.sourceRef ?? {};
    const namespace = ref.namespace ?? pass.namespace;
    const name = `${ref.kind}/${namespace}/${ref.name}`;
    const source =
      ref.kind === 'GitRepository'
        ? this.#ctx.kube.get({ apiVersion: this.#ctx.apis.apiVersion('GitRepository'), kind: 'GitRepository', namespace, name: ref.name })
        : undefined;
    if (!source) throw new StepFailure('ArtifactFailed', `Source '${name}' not found`);
    if (!source.status?.artifact) throw new StepFailure('ArtifactFailed', `Source '${name}' is not ready, artifact not found`);
    return source;
  }

  #checkDependencies(pass: Pass): void {
    for (const dep of (pass.spec.dependsOn ?? []) as Array<{ name: string; namespace?: string }>) {
      const namespace = dep.namespace ?? pass.namespace;
      const obj = this.#ctx.kube.get({ apiVersion: this.#ctx.apis.apiVersion('Kustomization'), kind: 'Kustomization', namespace, name: dep.name });
      const ready =
        obj !== undefined &&
        obj.status?.observedGeneration === obj.metadata.generation &&
        (obj.status?.conditions ?? []).some((c: { type: string; status: string }) => c.type === 'Ready' && c.status === 'True');
      if (!ready) {
        pass.log('Dependencies do not meet ready condition, retrying in ' + formatGoDuration(durationMs(pass.spec.retryInterval, 30_000)));
        throw new StepFailure('DependencyNotReady', `dependency '${namespace}/${dep.name}' is not ready`);
      }
    }
  }

  async #checkHealth(pass: Pass, objects: KubeObject[], timeout: number): Promise<void> {
    const { spec, conditions } = pass;
    const targets = spec.wait
      ? objects.map((o) => ({ apiVersion: o.apiVersion, kind: o.kind, name: o.metadata.name, namespace: o.metadata.namespace }))
      : ((spec.healthChecks ?? []) as Array<{ apiVersion?: string; kind: string; name: string; namespace?: string }>).map((h) => ({
          apiVersion: h.apiVersion ?? 'apps/v1',
          kind: h.kind,
          name: h.name,
          namespace: h.namespace ?? pass.namespace,
        }));
    if (targets.length === 0) {
      conditions.delete('Healthy');
      return;
    }
    const started = this.#ctx.clock.now().getTime();
    pass.progressing(`Running health checks for revision ${pass.status.lastAttemptedRevision} with a timeout of ${formatGoDuration(timeout)}`);
    const result = await this.#waiter.wait(targets, timeout, this.#abort.signal);
    if (!result.ready) {
      const message = `health check failed after ${formatGoDuration(this.#ctx.clock.now().getTime() - started)}: timeout waiting for: [${result.pending.join(', ')}]`;
      conditions.markFalse('Healthy', 'HealthCheckFailed', message);
      throw new StepFailure('HealthCheckFailed', message);
    }
    conditions.markTrue('Healthy', 'Succeeded', `Health check passed in ${formatGoDuration(this.#ctx.clock.now().getTime() - started)}`);
  }

  #recordHistory(pass: Pass, digest: string, status: string, revision: string): void {
    if (!this.#ctx.apis.hasStatusField('Kustomization', 'history')) return;
    const now = this.#ctx.clock.nowRfc3339();
    const duration = formatGoDuration(this.#elapsed(pass));
    const history = [...((pass.status.history ?? []) as Array<Record<string, any>>)];
    const i = history.findIndex((h) => h.digest === digest && h.lastReconciledStatus === status);
    if (i >= 0) {
      const [entry] = history.splice(i, 1);
      history.unshift({ ...entry, lastReconciled: now, lastReconciledDuration: duration, totalReconciliations: (entry!.totalReconciliations ?? 0) + 1, metadata: { revision } });
    } else {
      history.unshift({ digest, firstReconciled: now, lastReconciled: now, lastReconciledDuration: duration, lastReconciledStatus: status, metadata: { revision }, totalReconciliations: 1 });
    }
    pass.status.history = history.slice(0, HISTORY_MAX);
  }

  #elapsed(pass: Pass): number {
    return Math.round(this.#ctx.clock.now().getTime() - pass.started);
  }
}

/** sha256 over the applied objects (what Flux's history snapshot digest identifies). */
function digestOf(objects: KubeObject[]): string {
  return `sha256:${createHash('sha256').update(JSON.stringify(objects)).digest('hex')}`;
}

