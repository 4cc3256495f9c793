/**
 * The sandbox's emulated Flux: `install()` puts the controller Deployments (and, for the `arc` profile,
 * Azure Arc's agents) into the cluster; `start()` runs one reconcile loop per Flux kind, grouped by the
 * controller Deployment that owns it, honouring the `pause=<controller>` and `controller-restart=<controller>`
 * faults; `stop()` ends them. Real tools do the real work (git, kubectl kustomize, helm).
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { pinnedTool } from '../../../lib/tools.ts';
import type { Clock } from '../../kube/clock.ts';
import { EventRecorder } from '../../kube/events.ts';
import type { Kube, KubeObject } from '../../kube/types.ts';
import type { Faults, FaultSetting } from '../../faults/faults.ts';
import { anyOf, Controller, generationChanged, Manager, reconcileRequested, type WatchPredicate } from '../manager.ts';
import { FluxApis, type FluxLine } from './apis.ts';
import { ArtifactStorage } from './artifacts.ts';
import type { FluxContext, FluxDeployment, FluxTools } from './context.ts';
import { GitRepositoryReconciler } from './gitrepository.ts';
import { HelmChartReconciler } from './helmchart.ts';
import { HelmReleaseReconciler } from './helmrelease.ts';
import { ImagePolicyReconciler } from './imagepolicy.ts';
import { ImageRepositoryReconciler } from './imagerepository.ts';
import { ImageUpdateAutomationReconciler } from './imageupdateautomation.ts';
import { installManifests } from './install.ts';
import { KustomizationReconciler } from './kustomization.ts';
import { ControllerLog, type LogSink } from './logger.ts';
import { runPass, watchesReconcileRequests, type KindReconciler } from './reconciler.ts';
import { TagDatabase } from './tag-database.ts';

export type { LogSink } from './logger.ts';

export interface FluxControllersOptions {
  kube: Kube;
  clock: Clock;
  faults: Faults;
  /** Pod log store (`LogStore`); controllers write their JSON log lines into their own pod's log. */
  logs?: LogSink;
  /** Where artifacts, git mirrors and scratch space live. */
  stateDir: string;
  flux: FluxLine;
  profile: 'flux' | 'arc';
  /** Image host → `host:port` of the registry actually serving it. */
  registryAliases?: Record<string, string>;
  /** kustomize-controller's `--requeue-dependency` written into its Deployment; upstream's 30s when absent. */
  requeueDependency?: string;
  /** Install and run the image reflector/automation controllers. Default true. */
  imageAutomation?: boolean;
  /** Called when `controller-restart=<name>` fires: restart that controller pod's container. */
  onControllerRestart?: (name: string) => void;
  /** Tool overrides (tests); default the pinned kubectl and helm. */
  tools?: Partial<Pick<FluxTools, 'kubectl' | 'helm'>>;
}

/** A reconciler with the in-memory state a crash loses. */
interface Resettable {
  reset?(): void;
  abort?(): void;
}

/** The emulated Flux controllers of one sandbox. */
export class FluxControllers {
  readonly #options: FluxControllersOptions;
  readonly #manager = new Manager();
  readonly #byDeployment = new Map<
    FluxDeployment,
    Array<{ controller: Controller; reconciler: KindReconciler & Resettable }>
  >();
  readonly #logs = new Map<string, ControllerLog>();
  #onFaults?: (list: FaultSetting[]) => void;
  #lastRestart?: FaultSetting;
  #restartTimers: Array<() => void> = [];
  #started = false;
  #stopped = false;

  constructor(options: FluxControllersOptions) {
    this.#options = options;
  }

  /** Creates `flux-system` (and with `arc` `azure-arc`) with the controller Deployments; idempotent. */
  async install(): Promise<void> {
    const { kube, flux, profile } = this.#options;
    for (const obj of installManifests({
      line: flux,
      profile,
      imageAutomation: this.#imageAutomation,
      requeueDependency: this.#options.requeueDependency,
    })) {
      const ref = {
        apiVersion: obj.apiVersion,
        kind: obj.kind,
        name: obj.metadata.name,
        ...(obj.metadata.namespace ? { namespace: obj.metadata.namespace } : {}),
      };
      kube.patch(ref, obj, 'apply', { fieldManager: 'flux', force: true });
    }
  }

  /** Starts every reconcile loop (existing objects get a first pass at once). */
  async start(): Promise<void> {
    if (this.#started) return;
    this.#started = true;
    const { kube, clock, faults, stateDir } = this.#options;
    await Promise.all(
      ['artifacts', 'git', 'tmp', 'helm', 'home'].map((d) => mkdir(path.join(stateDir, d), { recursive: true })),
    );
    const ctx: FluxContext = {
      kube,
      clock,
      faults,
      events: new EventRecorder(kube, clock),
      apis: new FluxApis(kube, this.#options.flux),
      storage: new ArtifactStorage(path.join(stateDir, 'artifacts')),
      tools: await this.#tools(),
      stateDir,
      registryAliases: this.#options.registryAliases ?? {},
      log: (deployment) => this.#log(deployment),
    };
    const tags = new TagDatabase();
    const reconcilers: Array<KindReconciler & Resettable> = [
      new GitRepositoryReconciler(ctx),
      new HelmChartReconciler(ctx),
      new KustomizationReconciler(ctx),
      new HelmReleaseReconciler(ctx),
      ...(this.#imageAutomation
        ? [
            new ImageRepositoryReconciler(ctx, tags),
            new ImagePolicyReconciler(ctx, tags),
            new ImageUpdateAutomationReconciler(ctx),
          ]
        : []),
    ];
    const deleting: WatchPredicate = (prev, next) =>
      Boolean(next.metadata.deletionTimestamp) && !prev?.metadata.deletionTimestamp;
    for (const reconciler of reconcilers) {
      const log = this.#log(reconciler.deployment);
      const controller = new Controller({
        name: reconciler.controller,
        clock,
        reconcile: (key) => runPass(ctx, reconciler, key),
        onError: (key, error) =>
          log.error('Reconciler error', error instanceof Error ? error.message : String(error), {
            controller: reconciler.controller,
            name: key,
          }),
      });
      const own = watchesReconcileRequests(ctx.apis, reconciler.kind)
        ? anyOf(generationChanged, reconcileRequested, deleting)
        : anyOf(generationChanged, deleting);
      controller.watch(
        kube,
        { apiVersion: ctx.apis.apiVersion(reconciler.kind), kind: reconciler.kind },
        { predicate: own },
      );
      reconciler.watches?.(controller);
      this.#manager.add(controller);
      const group = this.#byDeployment.get(reconciler.deployment) ?? [];
      group.push({ controller, reconciler });
      this.#byDeployment.set(reconciler.deployment, group);
    }
    this.#onFaults = (list) => this.#applyFaults(list);
    faults.on('change', this.#onFaults);
    this.#applyFaults(faults.list());
    for (const c of this.#manager.list()) {
      this.#log(this.#deploymentOf(c.name)).info('Starting Controller', { controller: c.name });
    }
    this.#manager.start();
  }

  /** Stops every loop, cutting health/rollout waits short; idempotent. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    if (this.#onFaults) this.#options.faults.off('change', this.#onFaults);
    for (const cancel of this.#restartTimers) cancel();
    for (const group of this.#byDeployment.values()) for (const { reconciler } of group) reconciler.abort?.();
    await this.#manager.stop();
  }

  /** The loop for a controller name (`gitrepository`, `kustomization`, …), e.g. to await `idle()` in tests. */
  controller(name: string): Controller | undefined {
    return this.#manager.get(name);
  }

  get #imageAutomation(): boolean {
    return this.#options.imageAutomation ?? true;
  }

  #log(deployment: string): ControllerLog {
    let log = this.#logs.get(deployment);
    if (!log) {
      log = new ControllerLog({
        kube: this.#options.kube,
        clock: this.#options.clock,
        sink: this.#options.logs,
        deployment,
      });
      this.#logs.set(deployment, log);
    }
    return log;
  }

  #deploymentOf(controllerName: string): FluxDeployment {
    for (const [deployment, group] of this.#byDeployment)
      if (group.some((g) => g.controller.name === controllerName)) return deployment;
    return 'source-controller';
  }

  async #tools(): Promise<FluxTools> {
    const { stateDir } = this.#options;
    const kubectl = this.#options.tools?.kubectl ?? (await pinnedTool('kubectl'));
    const helm = this.#options.tools?.helm ?? (await pinnedTool('helm'));
    const helmEnv = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: path.join(stateDir, 'home'),
      HELM_CACHE_HOME: path.join(stateDir, 'helm', 'cache'),
      HELM_CONFIG_HOME: path.join(stateDir, 'helm', 'config'),
      HELM_DATA_HOME: path.join(stateDir, 'helm', 'data'),
      KUBECONFIG: '/dev/null',
    };
    return { kubectl, helm, helmEnv };
  }

  /** `pause=<controller>` pauses that Deployment's loops (or one loop by name); `controller-restart` fires once per setting. */
  #applyFaults(list: FaultSetting[]): void {
    const pause = list.find((f) => f.name === 'pause')?.value;
    for (const [deployment, group] of this.#byDeployment) {
      for (const { controller } of group) controller.paused = pause === deployment || pause === controller.name;
    }
    const restart = list.find((f) => f.name === 'controller-restart');
    if (restart && restart !== this.#lastRestart) {
      this.#lastRestart = restart;
      this.#restart(String(restart.value));
    }
  }

  /**
   * A controller "crash": its loops stop and forget everything in memory, the pod's container is restarted
   * through the hook, and the loops resume (re-listing every object) once the container is ready again.
   */
  #restart(name: string): void {
    const { kube, clock } = this.#options;
    const group = this.#byDeployment.get(name as FluxDeployment) ?? [];
    const before = restartCount(kube, name);
    for (const { controller, reconciler } of group) {
      controller.paused = true;
      reconciler.abort?.();
      reconciler.reset?.();
    }
    this.#log(name).info('Stopping and waiting for non leader election runnables');
    this.#options.onControllerRestart?.(name);
    if (group.length === 0) return;
    let resumed = false;
    const cancels: Array<() => void> = [];
    const resume = () => {
      if (resumed || this.#stopped) return;
      resumed = true;
      for (const c of cancels) c();
      const pause = this.#options.faults.active('pause')?.value;
      for (const { controller } of group) {
        controller.reset();
        controller.paused = pause === name || pause === controller.name;
      }
      this.#log(name).info('Starting Controller', { controller: group.map((g) => g.controller.name).join(',') });
    };
    const check = () => {
      const pods = podsOf(kube, name);
      if (pods.length === 0 || pods.some((p) => podReady(p) && podRestarts(p) > before)) resume();
    };
    cancels.push(
      kube.watch({ apiVersion: 'v1', kind: 'Pod', namespace: 'flux-system' }, { labelSelector: `app=${name}` }, check),
    );
    // A kubelet that never restarts the container must not freeze the controller for good.
    cancels.push(clock.after(30_000, resume));
    this.#restartTimers.push(() => cancels.forEach((c) => c()));
  }
}

function podsOf(kube: Kube, name: string): KubeObject[] {
  try {
    return kube.list({ apiVersion: 'v1', kind: 'Pod', namespace: 'flux-system' }, { labelSelector: `app=${name}` });
  } catch {
    return [];
  }
}

function podRestarts(pod: KubeObject): number {
  return ((pod.status?.containerStatuses ?? []) as Array<{ restartCount?: number }>).reduce(
    (n, c) => n + (c.restartCount ?? 0),
    0,
  );
}

function podReady(pod: KubeObject): boolean {
  return ((pod.status?.conditions ?? []) as Array<{ type: string; status: string }>).some(
    (c) => c.type === 'Ready' && c.status === 'True',
  );
}

function restartCount(kube: Kube, name: string): number {
  return Math.max(-1, ...podsOf(kube, name).map(podRestarts));
}
