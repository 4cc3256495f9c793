/**
 * The sandbox cluster's workload machinery in one piece: the Deployment and ReplicaSet controllers, the GPU
 * scheduler, and the node's kubelet (with the Foundry Local container emulation), plus two admission hooks —
 * Kubernetes defaulting for workloads and the `strategy` fault policy. Construct with the API server's
 * in-process client and hooks, `start()` once the API is up, `stop()` on shutdown.
 */
import type { Clock } from '../kube/clock.ts';
import { EventRecorder } from '../kube/events.ts';
import type { Faults } from '../faults/faults.ts';
import { isApiError, type Kube } from '../kube/types.ts';
import type { ContainerLogSink } from '../kubelet/container-runner.ts';
import { Kubelet } from '../kubelet/kubelet.ts';
import type { PodFiles } from '../kubelet/podfs.ts';
import { applyDefaults } from './defaults.ts';
import { DeploymentController } from './deployment.ts';
import { ReplicaSetController } from './replicaset.ts';
import { Scheduler } from './scheduler.ts';
import { strategyPolicy, type AdmissionHook } from './strategy-policy.ts';

export interface WorkloadsOptions {
  kube: Kube;
  clock: Clock;
  faults: Faults;
  /** The API server's LogStore (container logs for `kubectl logs`). */
  logs: ContainerLogSink;
  /** Per-pod file trees (what `kubectl exec` sees). */
  files: PodFiles;
  /** The API server's admission chain. */
  admission: { register(hook: AdmissionHook): () => void };
  /** Registry host aliases for the foundry container: `myacr.azurecr.io` → `127.0.0.1:PORT`. */
  registryAliases?: Record<string, string>;
  nodeName?: string;
  gpus?: number;
  /** Background errors (a failed reconcile pass); default: one line on stderr. Conflicts are retried silently. */
  onError?: (component: string, error: unknown) => void;
}

/** Controllers, scheduler and kubelet of the sandbox cluster. */
export class Workloads {
  readonly kubelet: Kubelet;
  readonly scheduler: Scheduler;
  readonly deployments: DeploymentController;
  readonly replicaSets: ReplicaSetController;
  readonly #opts: WorkloadsOptions;
  #unregister: Array<() => void> = [];
  #started = false;
  #stopped = false;

  constructor(options: WorkloadsOptions) {
    this.#opts = options;
    const events = new EventRecorder(options.kube, options.clock);
    const report = (component: string) => (key: string | unknown, error?: unknown) => {
      const err = error === undefined ? key : error;
      if (isApiError(err, 409)) return;
      (options.onError ?? defaultOnError)(component, err);
    };
    const common = { kube: options.kube, clock: options.clock, events };
    this.deployments = new DeploymentController({ ...common, onError: report('deployment-controller') });
    this.replicaSets = new ReplicaSetController({ ...common, onError: report('replicaset-controller') });
    // kube-scheduler records through the events.k8s.io broadcaster: repeats of FailedScheduling become a series
    // (200 pending pods retried on every cluster event would otherwise write 200 Events each time).
    const schedulerEvents = new EventRecorder(options.kube, options.clock, { series: true });
    this.scheduler = new Scheduler({ ...common, events: schedulerEvents, onError: report('default-scheduler') });
    this.kubelet = new Kubelet({
      ...common,
      faults: options.faults,
      logs: options.logs,
      files: options.files,
      registryAliases: options.registryAliases,
      nodeName: options.nodeName ?? 'sandbox-gpu-node',
      gpus: options.gpus ?? 1,
      onError: report('kubelet'),
    });
  }

  /** Registers the admission hooks, the node, and starts every loop. */
  async start(): Promise<void> {
    if (this.#started) return;
    this.#started = true;
    this.#unregister.push(this.#opts.admission.register((op, obj) => applyDefaults(op, obj)));
    this.#unregister.push(this.#opts.admission.register(strategyPolicy(this.#opts.faults)));
    this.kubelet.start();
    this.scheduler.start();
    this.replicaSets.start();
    this.deployments.start();
  }

  /** Stops the loops and every container process; idempotent. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    for (const unregister of this.#unregister.splice(0)) unregister();
    await Promise.all([this.deployments.stop(), this.replicaSets.stop(), this.scheduler.stop()]);
    this.kubelet.stop();
  }

  /** Kills one container's process so the kubelet restarts it (the `controller-restart` fault). */
  restartContainer(namespace: string, podName: string, container: string): boolean {
    return this.kubelet.restartContainer(namespace, podName, container);
  }
}

function defaultOnError(component: string, error: unknown): void {
  process.stderr.write(`[sandbox ${component}] ${error instanceof Error ? error.message : String(error)}\n`);
}
