/**
 * kustomize-controller's Kustomization reconciler: wait for `dependsOn`, take the source artifact, build
 * with the real kustomize, substitute, server-side apply in order with the owner labels, prune what left
 * the inventory, optionally wait for health, and report `Applied revision: <rev>` with the inventory,
 * `lastAppliedRevision`/`lastAttemptedRevision` and (2.7+ lines) `history`.
 *
 * Dependencies, as kustomize-controller v1.6.1 (Flux 2.6) and v1.9.4 (Flux 2.9) do it
 * (internal/controller/kustomization_controller.go, Reconcile and checkDependencies; the manager's
 * SetupWithManager in both lines watches the Kustomization's own kind and its sources, not its dependencies):
 * a source revision enqueues every Kustomization of the source at once (sorted by dependency but reconciled
 * concurrently, `--concurrent`), so a dependant usually checks its dependency before the dependency applied the
 * new revision. The check fails with Ready=False `DependencyNotReady` and `dependency '<ns>/<name>' is not ready`
 * or `dependency '<ns>/<name>' revision is not up to date`, logs and records a Normal event
 * `Dependencies do not meet ready condition, retrying in <d>` and requeues after `<d>` = the controller's
 * `--requeue-dependency` flag (default 30s; not `spec.retryInterval`). Nothing enqueues the dependant when the
 * dependency turns Ready (an upstream PR for that, #1412, was not merged in either line). The twin reads the
 * flag from the kustomize-controller Deployment's container args, where users set it (a kustomize patch in
 * flux-system, or `kubectl patch`, which restarts the controller with the new flag).
 */
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { delayOn } from '../../faults/faults.ts';
import type { KubeObject } from '../../kube/types.ts';
import type { Controller, ReconcileResult } from '../manager.ts';
import { Applier, changeSetMessage, type ChangeSetEntry } from './apply.ts';
import type { FluxContext } from './context.ts';
import { durationMs, formatGoDuration } from './duration.ts';
import {
  applyCommonMetadata,
  kustomizeBuild,
  prepareKustomization,
  substitute,
  substitutionVariables,
} from './kustomize-build.ts';
import { FluxReconciler, watchReferrers, type Pass } from './reconciler.ts';
import { RolloutWaiter } from './rollout.ts';

const NAME_LABEL = 'kustomize.toolkit.fluxcd.io/name';
const NAMESPACE_LABEL = 'kustomize.toolkit.fluxcd.io/namespace';
const HISTORY_MAX = 5;

/** A failed step: Ready=False with Flux's reason, retried after `retryInterval`. */
class StepFailure extends Error {
  constructor(
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

/** A wait kustomize-controller retries after `--requeue-dependency`, reported as a Normal event `note`. */
class Requeue extends StepFailure {
  constructor(
    reason: string,
    message: string,
    readonly note: string,
    readonly afterMs: number,
  ) {
    super(reason, message);
  }
}

/** kustomize-controller's `--requeue-dependency` default. */
export const DEFAULT_REQUEUE_DEPENDENCY_MS = 30_000;

/**
 * The `--requeue-dependency=<duration>` flag of the kustomize-controller Deployment in `flux-system` (the
 * last one wins, as with Go's flag package), else the 30s default.
 */
export function requeueDependencyMs(kube: FluxContext['kube']): number {
  let deployment: KubeObject | undefined;
  try {
    deployment = kube.get({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      namespace: 'flux-system',
      name: 'kustomize-controller',
    });
  } catch {
    deployment = undefined;
  }
  const containers = (deployment?.spec?.template?.spec?.containers ?? []) as Array<{ name: string; args?: string[] }>;
  const args = (containers.find((c) => c.name === 'manager') ?? containers[0])?.args ?? [];
  let value: string | undefined;
  for (const [i, arg] of args.entries()) {
    if (arg.startsWith('--requeue-dependency=')) value = arg.slice('--requeue-dependency='.length);
    else if (arg === '--requeue-dependency') value = args[i + 1];
  }
  return durationMs(value, DEFAULT_REQUEUE_DEPENDENCY_MS);
}

/** Reconciles Kustomization objects. */
export class KustomizationReconciler extends FluxReconciler {
  readonly #applier: Applier;
  readonly #waiter: RolloutWaiter;
  /** The last successful build per Kustomization (`namespace/name`): its inputs and `kubectl kustomize`'s objects. */
  readonly #builds = new Map<string, { inputs: string; objects: KubeObject[] }>();
  #abort = new AbortController();

  constructor(ctx: FluxContext) {
    super(ctx, 'Kustomization', 'kustomize-controller');
    this.#applier = new Applier(ctx.kube);
    this.#waiter = new RolloutWaiter(ctx.kube, ctx.clock);
  }

  /** Ends health-check waits early (controller stopping or restarting). */
  abort(): void {
    this.#abort.abort();
    this.#abort = new AbortController();
  }

  watches(controller: Controller): void {
    watchReferrers(
      controller,
      this.ctx,
      'Kustomization',
      'GitRepository',
      (prev, next) => prev?.status?.artifact?.revision !== next.status?.artifact?.revision,
      (k, repo) =>
        k.spec?.sourceRef?.kind === 'GitRepository' &&
        k.spec?.sourceRef?.name === repo.metadata.name &&
        (k.spec?.sourceRef?.namespace ?? k.metadata.namespace) === repo.metadata.namespace,
    );
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
      if (err instanceof Requeue) {
        pass.log(err.note, { err: err.message });
        pass.event('Normal', err.reason, err.note);
        return { requeueAfterMs: err.afterMs };
      }
      pass.event('Warning', err.reason, err.message);
      pass.logError('Reconciliation failed', err.message);
      return { requeueAfterMs: retry };
    }
  }

  async #reconcile(pass: Pass, interval: number): Promise<ReconcileResult> {
    const { spec, status, conditions } = pass;
    const timeout = durationMs(spec.timeout, interval);
    const source = this.#source(pass);
    const revision: string = source.status.artifact.revision;
    this.#checkDependencies(pass, source);
    // Ready goes Unknown only for new work, so periodic passes keep Ready's lastTransitionTime stable.
    const newWork = pass.newGeneration || status.lastAppliedRevision !== revision || !pass.conditions.isTrue('Ready');
    pass.progressing(
      `Fetching manifests for revision ${revision} with a timeout of ${formatGoDuration(timeout)}`,
      newWork ? 'Reconciliation in progress' : undefined,
    );
    status.lastAttemptedRevision = revision;

    const built = await this.#build(pass, source.status.artifact, timeout, revision);
    let objects: KubeObject[];
    try {
      objects = applyCommonMetadata(structuredClone(built), spec.commonMetadata);
      if (spec.postBuild)
        objects = substitute(objects, substitutionVariables(this.ctx.kube, pass.namespace, spec.postBuild));
    } catch (err) {
      throw new StepFailure('BuildFailed', `kustomize build failed: ${(err as Error).message}`);
    }

    const owner = { [NAME_LABEL]: pass.name, [NAMESPACE_LABEL]: pass.namespace };
    const prepared = this.#applier.prepare(objects, {
      namespace: spec.targetNamespace,
      forceNamespace: Boolean(spec.targetNamespace),
      labels: owner,
    });
    // `apply-delay=<d>`: a slow apply (a loaded API server, many objects), on the cluster clock.
    await delayOn(this.ctx.clock, Number(this.ctx.faults.active('apply-delay')?.value ?? 0));
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
      pass.log('server-side apply completed', {
        output: Object.fromEntries(changes.map((c) => [c.subject, c.action])),
        revision,
      });
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

  /**
   * `kubectl kustomize` over the artifact's `spec.path`, with the spec's kustomize fields folded in. The output
   * depends only on the artifact and those fields, so it is kept per Kustomization and built again only when they
   * change: the periodic passes (every `interval`, 3s in the seeded repo, for each Kustomization) and a
   * `reconcile.fluxcd.io/requestedAt` request then cost no tar extraction and no kubectl process, so the
   * controller's reaction does not wait on a busy machine's process start-up. (Remote bases in a kustomization
   * file are fetched again only with a new artifact.) The status messages are those of a real build.
   */
  async #build(
    pass: Pass,
    artifact: { path: string; revision: string; digest?: string },
    timeout: number,
    revision: string,
  ): Promise<KubeObject[]> {
    const { spec } = pass;
    const inputs = JSON.stringify([
      artifact.path,
      artifact.revision,
      artifact.digest,
      spec.path,
      spec.targetNamespace,
      spec.namePrefix,
      spec.nameSuffix,
      spec.patches,
      spec.images,
      spec.components,
    ]);
    const key = `${pass.namespace}/${pass.name}`;
    const building = `Building manifests for revision ${revision} with a timeout of ${formatGoDuration(timeout)}`;
    const cached = this.#builds.get(key);
    if (cached?.inputs === inputs) {
      pass.progressing(building);
      return cached.objects;
    }
    await mkdir(path.join(this.ctx.stateDir, 'tmp'), { recursive: true });
    const tmp = await mkdtemp(path.join(this.ctx.stateDir, 'tmp', 'kustomization-'));
    try {
      await this.ctx.storage.extract(artifact.path, tmp);
      const dir = path.resolve(tmp, spec.path ?? './');
      if (
        !dir.startsWith(tmp) ||
        !(await stat(dir).then(
          (s) => s.isDirectory(),
          () => false,
        ))
      ) {
        throw new StepFailure('ArtifactFailed', `kustomization path not found: stat ${dir}: no such file or directory`);
      }
      pass.progressing(building);
      let objects: KubeObject[];
      try {
        await prepareKustomization(dir, spec);
        objects = await kustomizeBuild(this.ctx.tools.kubectl, dir, timeout);
      } catch (err) {
        throw new StepFailure('BuildFailed', `kustomize build failed: ${(err as Error).message}`);
      }
      this.#builds.set(key, { inputs, objects });
      return objects;
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  }

  async finalize(pass: Pass): Promise<void> {
    this.#builds.delete(`${pass.namespace}/${pass.name}`);
    if (!pass.spec.prune || pass.spec.suspend) return;
    const entries = (pass.status.inventory?.entries ?? []) as Array<{ id: string; v: string }>;
    const deleted = this.#applier.prune(entries, [], { [NAME_LABEL]: pass.name, [NAMESPACE_LABEL]: pass.namespace });
    if (deleted.length)
      pass.log('garbage collection completed', { output: deleted.map((d) => `${d.subject} deleted`) });
  }

  #source(pass: Pass): KubeObject {
    const ref = pass.spec.sourceRef ?? {};
    const namespace = ref.namespace ?? pass.namespace;
    const name = `${ref.kind}/${namespace}/${ref.name}`;
    const source =
      ref.kind === 'GitRepository'
        ? this.ctx.kube.get(this.ctx.apis.ref('GitRepository', namespace, ref.name))
        : undefined;
    if (!source) throw new StepFailure('ArtifactFailed', `Source '${name}' not found`);
    if (!source.status?.artifact) {
      const after = requeueDependencyMs(this.ctx.kube);
      const message = `Source artifact not found, retrying in ${formatGoDuration(after)}`;
      throw new Requeue('ArtifactFailed', message, message, after);
    }
    return source;
  }

  /** checkDependencies: the first dependency that is missing, not Ready, or behind the shared source's revision. */
  #checkDependencies(pass: Pass, source: KubeObject): void {
    const deps = (pass.spec.dependsOn ?? []) as Array<{ name: string; namespace?: string }>;
    if (deps.length === 0) return;
    const after = requeueDependencyMs(this.ctx.kube);
    const wait = (message: string) =>
      new Requeue(
        'DependencyNotReady',
        message,
        `Dependencies do not meet ready condition, retrying in ${formatGoDuration(after)}`,
        after,
      );
    const ownRef = pass.spec.sourceRef ?? {};
    for (const dep of deps) {
      const namespace = dep.namespace ?? pass.namespace;
      const id = `${namespace}/${dep.name}`;
      const obj = this.ctx.kube.get(this.ctx.apis.ref('Kustomization', namespace, dep.name));
      if (!obj)
        throw wait(`dependency '${id}' not found: kustomizations.kustomize.toolkit.fluxcd.io "${dep.name}" not found`);
      const conditions = (obj.status?.conditions ?? []) as Array<{ type: string; status: string }>;
      if (conditions.length === 0 || obj.status?.observedGeneration !== obj.metadata.generation)
        throw wait(`dependency '${id}' is not ready`);
      if (!conditions.some((c) => c.type === 'Ready' && c.status === 'True'))
        throw wait(`dependency '${id}' is not ready`);
      const depRef = obj.spec?.sourceRef ?? {};
      const sameSource =
        depRef.kind === ownRef.kind &&
        depRef.name === ownRef.name &&
        (depRef.namespace ?? namespace) === (ownRef.namespace ?? pass.namespace);
      if (sameSource && obj.status?.lastAppliedRevision !== source.status.artifact.revision)
        throw wait(`dependency '${id}' revision is not up to date`);
    }
    pass.log('All dependencies are ready, proceeding with reconciliation');
  }

  async #checkHealth(pass: Pass, objects: KubeObject[], timeout: number): Promise<void> {
    const { spec, conditions } = pass;
    const targets = spec.wait
      ? objects.map((o) => ({
          apiVersion: o.apiVersion,
          kind: o.kind,
          name: o.metadata.name,
          namespace: o.metadata.namespace,
        }))
      : (
          (spec.healthChecks ?? []) as Array<{ apiVersion?: string; kind: string; name: string; namespace?: string }>
        ).map((h) => ({
          apiVersion: h.apiVersion ?? 'apps/v1',
          kind: h.kind,
          name: h.name,
          namespace: h.namespace ?? pass.namespace,
        }));
    if (targets.length === 0) {
      conditions.delete('Healthy');
      return;
    }
    const started = this.ctx.clock.now().getTime();
    pass.progressing(
      `Running health checks for revision ${pass.status.lastAttemptedRevision} with a timeout of ${formatGoDuration(timeout)}`,
    );
    const result = await this.#waiter.wait(targets, timeout, this.#abort.signal);
    if (!result.ready) {
      const message = `health check failed after ${formatGoDuration(this.ctx.clock.now().getTime() - started)}: timeout waiting for: [${result.pending.join(', ')}]`;
      conditions.markFalse('Healthy', 'HealthCheckFailed', message);
      throw new StepFailure('HealthCheckFailed', message);
    }
    conditions.markTrue(
      'Healthy',
      'Succeeded',
      `Health check passed in ${formatGoDuration(this.ctx.clock.now().getTime() - started)}`,
    );
  }

  #recordHistory(pass: Pass, digest: string, status: string, revision: string): void {
    if (!this.ctx.apis.hasStatusField('Kustomization', 'history')) return;
    const now = this.ctx.clock.nowRfc3339();
    const duration = formatGoDuration(this.#elapsed(pass));
    const history = [...((pass.status.history ?? []) as Array<Record<string, any>>)];
    const i = history.findIndex((h) => h.digest === digest && h.lastReconciledStatus === status);
    if (i >= 0) {
      const [entry] = history.splice(i, 1);
      history.unshift({
        ...entry,
        lastReconciled: now,
        lastReconciledDuration: duration,
        totalReconciliations: (entry!.totalReconciliations ?? 0) + 1,
        metadata: { revision },
      });
    } else {
      history.unshift({
        digest,
        firstReconciled: now,
        lastReconciled: now,
        lastReconciledDuration: duration,
        lastReconciledStatus: status,
        metadata: { revision },
        totalReconciliations: 1,
      });
    }
    pass.status.history = history.slice(0, HISTORY_MAX);
  }

  #elapsed(pass: Pass): number {
    return Math.round(this.ctx.clock.now().getTime() - pass.started);
  }
}

/** sha256 over the applied objects (what Flux's history snapshot digest identifies). */
function digestOf(objects: KubeObject[]): string {
  return `sha256:${createHash('sha256').update(JSON.stringify(objects)).digest('hex')}`;
}
