/**
 * The kubelet's work for one pod bound to this node (pod_workers.go): set up the sandbox (pod IP, file tree),
 * run init containers in order and then the app containers, keep `status` current, and on deletion stop the
 * containers gracefully, write the final status and remove the pod from the API with grace period 0 —
 * status and removal in one synchronous step, so controllers never act on a stopped-but-present pod.
 */
import type { EventRecorder } from '../kube/events.ts';
import { isApiError, type KubeObject } from '../kube/types.ts';
import { canonicalJson } from '../workloads/template-hash.ts';
import { ContainerRunner, type RunnerDeps } from './container-runner.ts';
import { buildPodStatus } from './pod-status.ts';
import type { PodNetwork } from './pod-network.ts';
import type { Json } from '../kube/json.ts';

/** Cluster ms to create the pod sandbox (network namespace, pause container). */
const SANDBOX_MS = 300;

/** What a worker shares with its kubelet. */
export interface PodWorkerDeps extends Omit<RunnerDeps, 'pod' | 'podIP' | 'event' | 'changed'> {
  events: EventRecorder;
  network: PodNetwork;
  nodeName: string;
  hostIP: string;
  /** The worker is finished (pod removed); the kubelet drops it. */
  onDone(uid: string): void;
  onError(error: unknown): void;
}

/** Drives one pod from binding to removal. */
export class PodWorker {
  readonly uid: string;
  readonly #deps: PodWorkerDeps;
  #pod: KubeObject;
  #podIP?: string;
  #sandboxReady = false;
  #startTime = '';
  #initialized: boolean;
  readonly #init: ContainerRunner[];
  readonly #containers: ContainerRunner[];
  #terminating = false;
  #done = false;
  #dirty = false;
  #terminalPhase?: 'Succeeded' | 'Failed';
  #cancelSandbox?: () => void;

  constructor(deps: PodWorkerDeps, pod: KubeObject) {
    this.#deps = deps;
    this.#pod = pod;
    this.uid = pod.metadata.uid ?? '';
    const runnerDeps: RunnerDeps = {
      ...deps,
      pod: () => this.#pod,
      podIP: () => this.#podIP ?? '',
      event: (type, reason, message) => this.#event(type, reason, message),
      changed: () => this.#changed(),
    };
    this.#init = (pod.spec?.initContainers ?? []).map((c: Json) => new ContainerRunner(c, runnerDeps, { init: true }));
    this.#containers = (pod.spec?.containers ?? []).map((c: Json) => new ContainerRunner(c, runnerDeps));
    this.#initialized = this.#init.length === 0;
  }

  /** The pod as last seen. */
  get pod(): KubeObject {
    return this.#pod;
  }

  /** Starts the pod: sandbox, then init containers one by one, then all app containers. */
  start(): void {
    this.#startTime = this.#deps.clock.nowRfc3339();
    this.#sync();
    this.#cancelSandbox = this.#deps.clock.after(SANDBOX_MS, () => void this.#createSandbox());
  }

  /** A newer version of the pod arrived: a deletionTimestamp starts termination. */
  update(pod: KubeObject): void {
    this.#pod = pod;
    if (pod.metadata.deletionTimestamp && !this.#terminating) void this.#terminate();
  }

  /** The container's process dies (the `controller-restart` fault). */
  crash(container: string, exitCode = 1): boolean {
    return [...this.#init, ...this.#containers].find((r) => r.name === container)?.crash(exitCode) ?? false;
  }

  /** The pod object is gone from the API (force-deleted): stop everything, write nothing. */
  vanish(): void {
    if (this.#done) return;
    this.#cancelSandbox?.();
    for (const r of [...this.#init, ...this.#containers]) r.abandon();
    void this.#cleanup();
  }

  /** The kubelet stops: processes end, the API is left as it is. */
  shutdown(): void {
    this.#done = true;
    this.#cancelSandbox?.();
    for (const r of [...this.#init, ...this.#containers]) r.abandon();
  }

  async #createSandbox(): Promise<void> {
    if (this.#terminating || this.#done) return;
    try {
      this.#podIP = this.#deps.network.allocate(this.uid);
      await this.#deps.files.ensure({ ...this.#pod, status: { ...(this.#pod.status ?? {}), podIP: this.#podIP } });
    } catch (error) {
      this.#deps.onError(error);
      this.#event(
        'Warning',
        'FailedCreatePodSandBox',
        `Failed to create pod sandbox: ${error instanceof Error ? error.message : error}`,
      );
      return;
    }
    if (this.#terminating || this.#done) return;
    this.#sandboxReady = true;
    this.#changed();
    if (this.#init.length === 0) {
      for (const r of this.#containers) r.begin();
      return;
    }
    for (const r of this.#containers) r.hold('PodInitializing');
    this.#runInit(0);
  }

  #runInit(index: number): void {
    const runner = this.#init[index];
    if (!runner) {
      this.#initialized = true;
      this.#changed();
      for (const r of this.#containers) r.begin();
      return;
    }
    runner.onCompleted = () => this.#runInit(index + 1);
    runner.begin();
  }

  async #terminate(): Promise<void> {
    this.#terminating = true;
    this.#cancelSandbox?.();
    const seconds =
      this.#pod.metadata.deletionGracePeriodSeconds ?? this.#pod.spec?.terminationGracePeriodSeconds ?? 30;
    await Promise.all([...this.#init, ...this.#containers].map((r) => r.stop(seconds * 1000)));
    if (this.#done) return;
    const statuses = this.#containers.map((r) => r.status());
    const allSucceeded = statuses.every((s) => s.state?.terminated?.exitCode === 0);
    // Like the kubelet's `canBeDeleted`: volumes (the pod tree) are cleaned up before the API object goes.
    await this.#deps.files.remove(this.#pod).catch((error) => this.#deps.onError(error));
    if (this.#done) return;
    this.#terminalPhase = allSucceeded ? 'Succeeded' : 'Failed';
    // Final status and removal together: nobody sees a stopped pod that still looks present.
    this.#sync();
    try {
      this.#deps.kube.delete(
        { apiVersion: 'v1', kind: 'Pod', namespace: this.#pod.metadata.namespace, name: this.#pod.metadata.name },
        { gracePeriodSeconds: 0 },
      );
    } catch (error) {
      if (!isApiError(error, 404)) this.#deps.onError(error);
    }
    await this.#cleanup();
  }

  async #cleanup(): Promise<void> {
    if (this.#done) return;
    this.#done = true;
    this.#deps.network.release(this.uid);
    const ref = { namespace: this.#pod.metadata.namespace ?? 'default', name: this.#pod.metadata.name };
    for (const r of [...this.#init, ...this.#containers]) this.#deps.logs.end(ref, r.name);
    this.#deps.logs.remove(ref);
    this.#deps.onDone(this.uid);
    await this.#deps.files.remove(this.#pod).catch((error) => this.#deps.onError(error));
  }

  #event(type: 'Normal' | 'Warning', reason: string, message: string): void {
    try {
      this.#deps.events.record(this.#pod, type, reason, message, { component: 'kubelet', host: this.#deps.nodeName });
    } catch (error) {
      this.#deps.onError(error);
    }
  }

  /** Coalesces the changes of one tick into one status write. */
  #changed(): void {
    if (this.#dirty || this.#done) return;
    this.#dirty = true;
    queueMicrotask(() => {
      this.#dirty = false;
      this.#sync();
    });
  }

  #sync(): void {
    if (this.#done) return;
    const ref = {
      apiVersion: 'v1',
      kind: 'Pod',
      namespace: this.#pod.metadata.namespace,
      name: this.#pod.metadata.name,
    };
    const fresh = this.#deps.kube.get(ref);
    if (!fresh || fresh.metadata.uid !== this.uid) return;
    this.#pod = fresh;
    const status = buildPodStatus({
      pod: fresh,
      now: this.#deps.clock.nowRfc3339(),
      hostIP: this.#deps.hostIP,
      podIP: this.#podIP,
      startTime: this.#startTime,
      sandboxReady: this.#sandboxReady,
      initStatuses: this.#init.map((r) => r.status()),
      initialized: this.#initialized,
      containerStatuses: this.#containers.map((r) => r.status()),
      terminalPhase: this.#terminalPhase,
    });
    if (canonicalJson(fresh.status ?? {}) === canonicalJson(status)) return;
    try {
      this.#pod = this.#deps.kube.update({ ...fresh, status }, { subresource: 'status' });
    } catch (error) {
      if (!isApiError(error, 404)) this.#deps.onError(error);
    }
  }
}
