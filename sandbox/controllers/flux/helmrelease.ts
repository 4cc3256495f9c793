/**
 * helm-controller's HelmRelease reconciler (v2 semantics, also for v2beta1/v2beta2 objects): ensure the
 * HelmChart `<ns>-<name>` in the source namespace, wait for its artifact, compose values, then run
 * helm-controller's atomic release loop — determine the release state, pick the next action (install,
 * upgrade, rollback/uninstall remediation, unlock), run each kind of action at most once per pass, stall
 * with `RetriesExceeded` when remediation retries are used up — and summarise Released/Remediated into Ready.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { delayOn } from '../../faults/faults.ts';
import type { Controller, ReconcileResult } from '../manager.ts';
import type { FluxContext } from './context.ts';
import { durationMs, formatGoDuration } from './duration.ts';
import { ReleaseActions, loadChart, type ReleaseRequest, type Snapshot } from './helm-actions.ts';
import { composeValues, valuesDigest } from './helm-values.ts';
import { FluxError, FluxReconciler, watchReferrers, type Pass } from './reconciler.ts';
import type { Condition } from './conditions.ts';

type State = 'InSync' | 'Locked' | 'Absent' | 'Unmanaged' | 'OutOfSync' | 'Failed';

interface Action {
  name: 'install' | 'upgrade' | 'rollback' | 'uninstall' | 'unlock';
  type: 'release' | 'remediate' | 'unlock';
  run(): Promise<void>;
}

/** The remediation settings of the last attempted action, with Flux's defaults. */
interface Remediation {
  retries: number;
  failures: number;
  remediateLastFailure: boolean;
  strategy: 'rollback' | 'uninstall';
}

class RetriesExceeded extends Error {}

/** Reconciles HelmRelease objects. */
export class HelmReleaseReconciler extends FluxReconciler {
  readonly actions: ReleaseActions;

  constructor(ctx: FluxContext) {
    super(ctx, 'HelmRelease', 'helm-controller');
    this.actions = new ReleaseActions(ctx);
  }

  /** Cuts running helm waits short when helm-controller stops or "crashes" (FluxControllers calls it). */
  abort(): void {
    this.actions.abort();
  }

  watches(controller: Controller): void {
    watchReferrers(
      controller,
      this.ctx,
      'HelmRelease',
      'HelmChart',
      (prev, next) =>
        prev?.status?.artifact?.digest !== next.status?.artifact?.digest ||
        prev?.status?.observedGeneration !== next.status?.observedGeneration ||
        readyOf(prev) !== readyOf(next),
      (hr, chart) => chartKey(hr) === `${chart.metadata.namespace}/${chart.metadata.name}`,
    );
  }

  async reconcile(pass: Pass): Promise<ReconcileResult> {
    const { spec, status, conditions } = pass;
    const interval = durationMs(spec.interval, 600_000);
    if (pass.newGeneration) pass.progressing('Fulfilling prerequisites');
    const blocked = this.#dependencyNotReady(pass);
    if (blocked) {
      conditions.markFalse('Ready', 'DependencyNotReady', blocked);
      pass.log(`Dependencies do not meet ready condition (${blocked}), retrying in 30s`);
      return { requeueAfterMs: durationMs(spec.retryInterval, 30_000) };
    }
    const chart = this.#ensureChart(pass);
    status.helmChart = `${chart.metadata.namespace}/${chart.metadata.name}`;
    const chartReady =
      readyOf(chart) === 'True' &&
      chart.status?.observedGeneration === chart.metadata.generation &&
      chart.status?.artifact;
    if (!chartReady) {
      const why =
        (chart.status?.conditions ?? []).find((c: Condition) => c.type === 'Ready')?.message ?? 'artifact not found';
      conditions.markFalse('Ready', 'ArtifactFailed', `HelmChart '${status.helmChart}' is not ready: ${why}`);
      return { requeueAfterMs: interval };
    }

    await mkdir(path.join(this.ctx.stateDir, 'tmp'), { recursive: true });
    const scratch = await mkdtemp(path.join(this.ctx.stateDir, 'tmp', 'helmrelease-'));
    try {
      const loaded = await loadChart(this.ctx.storage.localPath(chart.status.artifact.path), scratch);
      loaded.metadata.version = chart.status.artifact.revision;
      const values = composeValues(this.ctx.kube, pass.namespace, spec);
      const configDigest = valuesDigest(values);
      this.#handleAnnotations(pass, loaded.metadata.version, configDigest);
      status.lastAttemptedRevision = loaded.metadata.version;
      status.lastAttemptedConfigDigest = configDigest;
      status.lastAttemptedGeneration = pass.generation;
      const releaseNamespace = spec.targetNamespace ?? pass.namespace;
      const req: ReleaseRequest = {
        pass,
        chart: loaded,
        values,
        configDigest,
        releaseName: releaseName(pass),
        releaseNamespace,
        storageNamespace: spec.storageNamespace ?? releaseNamespace,
        timeoutMs: durationMs(spec.timeout, 300_000),
        wait: true,
        maxHistory: spec.maxHistory ?? 5,
        scratch,
      };
      status.storageNamespace = req.storageNamespace;
      const result = await this.#atomicRelease(req, interval);
      if (this.ctx.apis.hasStatusField('HelmRelease', 'inventory'))
        status.inventory = { entries: this.actions.inventory(req) };
      return result;
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  }

  async finalize(pass: Pass): Promise<void> {
    if (pass.spec.suspend) return;
    const releaseNamespace = pass.spec.targetNamespace ?? pass.namespace;
    await this.actions.uninstall(
      {
        pass,
        releaseName: releaseName(pass),
        releaseNamespace,
        storageNamespace: pass.spec.storageNamespace ?? releaseNamespace,
        timeoutMs: 0,
        wait: false,
        maxHistory: 0,
        scratch: '',
      },
      false,
    );
    const key = chartKey(pass.obj);
    if (key) {
      const [namespace, name] = key.split('/');
      try {
        this.ctx.kube.delete(this.ctx.apis.ref('HelmChart', namespace, name!));
      } catch {
        // already gone
      }
    }
  }

  async #atomicRelease(req: ReleaseRequest, interval: number): Promise<ReconcileResult> {
    const { pass } = req;
    const done = new Set<Action['type']>();
    for (;;) {
      let next: Action | undefined;
      try {
        next = this.#nextAction(req, this.#state(req));
      } catch (err) {
        if (!(err instanceof RetriesExceeded)) throw err;
        pass.conditions.markStalled(
          'RetriesExceeded',
          `Failed to ${pass.status.lastAttemptedReleaseAction} after ${this.#remediation(pass).failures} attempt(s)`,
        );
        summarize(pass);
        return {};
      }
      if (!next) {
        pass.conditions.delete('Reconciling');
        summarize(pass);
        return { requeueAfterMs: interval };
      }
      if (done.has(next.type)) return this.#retryLater(pass);
      // Per-action settings (`spec.install.timeout`, `spec.upgrade.disableWait`, …) override the release-wide ones.
      const actionSpec = pass.spec[next.name] ?? {};
      req.timeoutMs = durationMs(actionSpec.timeout, durationMs(pass.spec.timeout, 300_000));
      req.wait = actionSpec.disableWait !== true;
      // `helm-delay=<d>`: helm-controller gets to the install/upgrade this much later (a busy controller).
      if (next.type === 'release')
        await delayOn(this.ctx.clock, Number(this.ctx.faults.active('helm-delay')?.value ?? 0));
      const message = `Running '${next.name}' action with timeout of ${formatGoDuration(req.timeoutMs)}`;
      pass.conditions.markReconciling('Progressing', message);
      if (next.type === 'release') pass.conditions.markUnknown('Ready', 'Progressing', message);
      pass.persist();
      pass.log(`running '${next.name}' action with timeout of ${formatGoDuration(req.timeoutMs)}`);
      await next.run();
      summarize(pass);
      if (next.type === 'remediate') {
        const remediation = this.#remediation(pass);
        if (!exhausted(remediation)) return this.#retryLater(pass);
        pass.conditions.markStalled(
          'RetriesExceeded',
          `Failed to ${pass.status.lastAttemptedReleaseAction} after ${remediation.failures} attempt(s)`,
        );
        return {};
      }
      done.add(next.type);
      pass.persist();
    }
  }

  /** helm-controller's ErrMustRequeue: keep Reconciling (with retry) and come back soon. */
  #retryLater(pass: Pass): ReconcileResult {
    pass.conditions.markReconciling('ProgressingWithRetry', pass.conditions.get('Ready')?.message ?? 'retrying');
    return { requeueAfterMs: 1_000 };
  }

  #state(req: ReleaseRequest): State {
    const latest = this.actions.storage.latest(req.storageNamespace, req.releaseName);
    if (!latest || latest.info.status === 'uninstalled') return 'Absent';
    if (latest.info.status.startsWith('pending-')) return 'Locked';
    const history = (req.pass.status.history ?? []) as Snapshot[];
    const head = history[0];
    if (!head || head.version !== latest.version || head.name !== latest.name) return 'Unmanaged';
    if (latest.info.status === 'failed') return 'Failed';
    if (
      latest.chart.metadata.name !== req.chart.metadata.name ||
      latest.chart.metadata.version !== req.chart.metadata.version
    )
      return 'OutOfSync';
    if (head.configDigest !== req.configDigest) return 'OutOfSync';
    return 'InSync';
  }

  #nextAction(req: ReleaseRequest, state: State): Action | undefined {
    const { pass } = req;
    const force = pass.obj.metadata.annotations?.['reconcile.fluxcd.io/forceAt'];
    const forceRequested =
      force !== undefined && force !== pass.status.lastHandledForceAt && force === pass.requestedAt;
    const upgrade: Action = { name: 'upgrade', type: 'release', run: () => this.actions.upgrade(req) };
    const install: Action = { name: 'install', type: 'release', run: () => this.actions.install(req) };
    if (forceRequested) pass.status.lastHandledForceAt = force;
    const dispatch: Record<State, () => Action | undefined> = {
      InSync: () => {
        truncateHistory(pass);
        pass.status.lastReleaseRevision = ((pass.status.history ?? []) as Snapshot[])[0]?.version;
        if (forceRequested) return upgrade;
        const remediated = pass.conditions.get('Remediated');
        if (remediated?.status === 'True') {
          const head = (pass.status.history as Snapshot[])[0]!;
          pass.conditions.delete('Remediated');
          pass.conditions.markTrue(
            'Released',
            'UpgradeSucceeded',
            `Helm upgrade succeeded for release ${head.namespace}/${head.name}.v${head.version} with chart ${head.chartName}@${head.chartVersion}`,
          );
        }
        return undefined;
      },
      Locked: () => ({ name: 'unlock', type: 'unlock', run: async () => this.actions.unlock(req) }),
      Absent: () => {
        if (!forceRequested && exhausted(this.#remediation(pass, 'install'))) throw new RetriesExceeded();
        return install;
      },
      Unmanaged: () => {
        pass.status.history = [];
        return upgrade;
      },
      OutOfSync: () => {
        if (!forceRequested && exhausted(this.#remediation(pass, 'upgrade'))) throw new RetriesExceeded();
        return upgrade;
      },
      Failed: () => {
        if (!pass.status.lastAttemptedReleaseAction) return upgrade;
        const remediation = this.#remediation(pass);
        if (remediation.failures <= 0 || forceRequested) return upgrade;
        if (exhausted(remediation) && !remediation.remediateLastFailure) throw new RetriesExceeded();
        truncateHistory(pass);
        if (remediation.strategy === 'uninstall')
          return { name: 'uninstall', type: 'remediate', run: () => this.actions.uninstall(req) };
        const previous = ((pass.status.history ?? []) as Snapshot[])
          .slice(1)
          .find((s) => s.status === 'deployed' || s.status === 'superseded');
        if (!previous) {
          pass.conditions.markStalled(
            'MissingRollbackTarget',
            'Failed to perform remediation: missing target release for rollback: cannot remediate failed release',
          );
          throw new FluxError(
            'MissingRollbackTarget',
            'missing target release for rollback: cannot remediate failed release',
          );
        }
        return { name: 'rollback', type: 'remediate', run: () => this.actions.rollback(req, previous.version) };
      },
    };
    return dispatch[state]();
  }

  /** Remediation config of the last attempted (or the given) action, with Flux's defaults. */
  #remediation(pass: Pass, action = pass.status.lastAttemptedReleaseAction as string | undefined): Remediation {
    const isInstall = action === 'install';
    const cfg = (isInstall ? pass.spec.install?.remediation : pass.spec.upgrade?.remediation) ?? {};
    const retries = cfg.retries ?? 0;
    return {
      retries,
      failures: (isInstall ? pass.status.installFailures : pass.status.upgradeFailures) ?? 0,
      remediateLastFailure: cfg.remediateLastFailure ?? (isInstall ? false : retries > 0),
      strategy: isInstall ? 'uninstall' : (cfg.strategy ?? 'rollback'),
    };
  }

  /** Failure counters reset when what is being released changes (or on `reconcile.fluxcd.io/resetAt`). */
  #handleAnnotations(pass: Pass, chartVersion: string, configDigest: string): void {
    const { status } = pass;
    const reset = pass.obj.metadata.annotations?.['reconcile.fluxcd.io/resetAt'];
    const resetRequested = reset !== undefined && reset !== status.lastHandledResetAt && reset === pass.requestedAt;
    const changed =
      status.lastAttemptedGeneration !== pass.generation ||
      status.lastAttemptedRevision !== chartVersion ||
      status.lastAttemptedConfigDigest !== configDigest;
    if (resetRequested) status.lastHandledResetAt = reset;
    if (changed || resetRequested) {
      delete status.failures;
      delete status.installFailures;
      delete status.upgradeFailures;
      pass.conditions.delete('Stalled');
    }
  }

  #dependencyNotReady(pass: Pass): string | undefined {
    for (const dep of (pass.spec.dependsOn ?? []) as Array<{ name: string; namespace?: string }>) {
      const namespace = dep.namespace ?? pass.namespace;
      const obj = this.ctx.kube.get(this.ctx.apis.ref('HelmRelease', namespace, dep.name));
      if (!obj || obj.status?.observedGeneration !== obj.metadata.generation || readyOf(obj) !== 'True') {
        return `dependency '${namespace}/${dep.name}' is not ready`;
      }
    }
    return undefined;
  }

  /** Creates or updates the HelmChart `<ns>-<name>` for `spec.chart` (or resolves `spec.chartRef`). */
  #ensureChart(pass: Pass) {
    const { kube, apis } = this.ctx;
    const apiVersion = apis.apiVersion('HelmChart');
    if (pass.spec.chartRef) {
      const ref = pass.spec.chartRef;
      if (ref.kind !== 'HelmChart')
        throw new FluxError(
          'InvalidChartReference',
          `unsupported chartRef kind '${ref.kind}' in the sandbox (use HelmChart or spec.chart)`,
        );
      const chart = kube.get({
        apiVersion,
        kind: 'HelmChart',
        namespace: ref.namespace ?? pass.namespace,
        name: ref.name,
      });
      if (!chart)
        throw new FluxError(
          'ArtifactFailed',
          `could not get HelmChart object: helmcharts.source.toolkit.fluxcd.io "${ref.name}" not found`,
        );
      return chart;
    }
    const template = pass.spec.chart?.spec;
    if (!template) throw new FluxError('InvalidChartReference', 'one of spec.chart or spec.chartRef must be set');
    const namespace = template.sourceRef?.namespace ?? pass.namespace;
    const name = `${pass.namespace}-${pass.name}`;
    const desired = {
      apiVersion,
      kind: 'HelmChart',
      metadata: {
        name,
        namespace,
        labels: { 'helm.toolkit.fluxcd.io/name': pass.name, 'helm.toolkit.fluxcd.io/namespace': pass.namespace },
      },
      spec: {
        chart: template.chart,
        version: template.version ?? '*',
        sourceRef: { kind: template.sourceRef?.kind, name: template.sourceRef?.name },
        interval: template.interval ?? pass.spec.interval ?? '10m',
        reconcileStrategy: template.reconcileStrategy ?? 'ChartVersion',
        ...(template.valuesFiles ? { valuesFiles: template.valuesFiles } : {}),
      },
    };
    return kube.patch({ apiVersion, kind: 'HelmChart', namespace, name }, desired, 'apply', {
      fieldManager: 'helm-controller',
      force: true,
    });
  }
}

function releaseName(pass: Pass): string {
  if (pass.spec.releaseName) return pass.spec.releaseName;
  return pass.spec.targetNamespace ? `${pass.spec.targetNamespace}-${pass.name}` : pass.name;
}

function chartKey(hr: {
  metadata: { name: string; namespace?: string };
  spec?: any;
  status?: any;
}): string | undefined {
  if (hr.spec?.chartRef?.kind === 'HelmChart')
    return `${hr.spec.chartRef.namespace ?? hr.metadata.namespace}/${hr.spec.chartRef.name}`;
  if (!hr.spec?.chart?.spec) return hr.status?.helmChart;
  return `${hr.spec.chart.spec.sourceRef?.namespace ?? hr.metadata.namespace}/${hr.metadata.namespace}-${hr.metadata.name}`;
}

function readyOf(obj: { status?: any } | undefined): string | undefined {
  return (obj?.status?.conditions ?? []).find((c: Condition) => c.type === 'Ready')?.status;
}

function exhausted(r: Remediation): boolean {
  return r.retries >= 0 && r.failures > r.retries;
}

/** Keeps history up to the previous successful release (helm-controller's Snapshots.Truncate). */
function truncateHistory(pass: Pass): void {
  const history = (pass.status.history ?? []) as Snapshot[];
  const previous = history.findIndex((s, i) => i > 0 && (s.status === 'deployed' || s.status === 'superseded'));
  if (previous > 0) pass.status.history = history.slice(0, previous + 1);
}

/**
 * Ready from Remediated/Released: the condition of the newest generation wins, Remediated before Released;
 * any remediation shows as Ready=False. Ready=True clears Stalled.
 */
function summarize(pass: Pass): void {
  const { conditions } = pass;
  const candidates = ['Remediated', 'Released']
    .map((type, priority) => ({ c: conditions.get(type), priority }))
    .filter((x): x is { c: Condition; priority: number } => x.c !== undefined)
    .sort((a, b) => (b.c.observedGeneration ?? 0) - (a.c.observedGeneration ?? 0) || a.priority - b.priority);
  const top = candidates[0]?.c;
  if (!top) return;
  const status = top.type === 'Remediated' ? 'False' : top.status;
  conditions.set('Ready', status, top.reason, top.message);
  if (status === 'True') conditions.delete('Stalled');
}
