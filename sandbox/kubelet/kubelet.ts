/**
 * The sandbox's kubelet: registers its node, watches the pods bound to it and runs one PodWorker per pod
 * (sandbox, containers, probes, restarts, graceful termination, status). Container behaviour is chosen per
 * container from a table — the Foundry Local emulation for `FOUNDRY_BYO_*` containers, a generic process
 * for everything else. `restartContainer()` makes one container's process die, for the `controller-restart` fault.
 */
import type { Clock } from '../kube/clock.ts';
import type { EventRecorder } from '../kube/events.ts';
import type { Faults } from '../faults/faults.ts';
import { isApiError, type Kube, type KubeObject, type WatchEvent } from '../kube/types.ts';
import type { ContainerLogSink } from './container-runner.ts';
import { FOUNDRY_PROCESS } from './foundry.ts';
import { GENERIC_PROCESS } from './generic-process.ts';
import { ImageCache } from './images.ts';
import { NodeAgent } from './node.ts';
import { PodNetwork } from './pod-network.ts';
import { PodWorker } from './pod-worker.ts';
import type { PodFiles } from './podfs.ts';
import type { ProcessKind } from './process.ts';

/** Container behaviours, most specific first; the generic one matches everything. */
export const DEFAULT_PROCESS_KINDS: readonly ProcessKind[] = [FOUNDRY_PROCESS, GENERIC_PROCESS];

export interface KubeletOptions {
  kube: Kube;
  clock: Clock;
  events: EventRecorder;
  faults: Faults;
  logs: ContainerLogSink;
  files: PodFiles;
  registryAliases?: Record<string, string>;
  nodeName?: string;
  gpus?: number;
  kinds?: readonly ProcessKind[];
  onError?: (error: unknown) => void;
}

/** One node's kubelet. `start()` registers the node and begins running pods; `stop()` ends all processes. */
export class Kubelet {
  readonly node: NodeAgent;
  readonly #opts: KubeletOptions;
  readonly #nodeName: string;
  readonly #workers = new Map<string, PodWorker>();
  readonly #network = new PodNetwork('10.244.0');
  readonly #images = new ImageCache();
  #cancelWatch?: () => void;

  constructor(options: KubeletOptions) {
    this.#opts = options;
    this.#nodeName = options.nodeName ?? 'sandbox-gpu-node';
    this.node = new NodeAgent({
      kube: options.kube,
      clock: options.clock,
      events: options.events,
      name: this.#nodeName,
      gpus: options.gpus ?? 1,
      address: '10.224.0.4',
      podCIDR: '10.244.0.0/24',
    });
  }

  start(): void {
    this.node.register();
    this.#cancelWatch = this.#opts.kube.watch({ apiVersion: 'v1', kind: 'Pod' }, {}, (e) => this.#onPod(e));
  }

  /** Stops watching and ends every container process; pods stay in the API as they are. */
  stop(): void {
    this.#cancelWatch?.();
    this.#cancelWatch = undefined;
    this.node.stop();
    for (const w of this.#workers.values()) w.shutdown();
    this.#workers.clear();
  }

  /** Kills the named container of a pod on this node; the restart policy restarts it. False when not running. */
  restartContainer(namespace: string, podName: string, container: string): boolean {
    for (const w of this.#workers.values()) {
      if (w.pod.metadata.namespace === namespace && w.pod.metadata.name === podName) return w.crash(container);
    }
    return false;
  }

  #onPod(event: WatchEvent): void {
    const pod = event.object;
    if (pod.spec?.nodeName !== this.#nodeName) return;
    const uid = pod.metadata.uid ?? '';
    const worker = this.#workers.get(uid);
    if (event.type === 'DELETED') {
      worker?.vanish();
      this.#workers.delete(uid);
      return;
    }
    if (worker) {
      worker.update(pod);
      return;
    }
    const phase = pod.status?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') {
      if (pod.metadata.deletionTimestamp) this.#remove(pod);
      return;
    }
    if (pod.metadata.deletionTimestamp) {
      // Deleted before it ever started here: nothing to stop.
      this.#remove(pod);
      return;
    }
    const created = new PodWorker(
      {
        kube: this.#opts.kube,
        clock: this.#opts.clock,
        files: this.#opts.files,
        faults: this.#opts.faults,
        registryAliases: this.#opts.registryAliases ?? {},
        logs: this.#opts.logs,
        images: this.#images,
        kinds: [...(this.#opts.kinds ?? DEFAULT_PROCESS_KINDS)],
        events: this.#opts.events,
        network: this.#network,
        nodeName: this.#nodeName,
        hostIP: this.node.address,
        onDone: (doneUid) => this.#workers.delete(doneUid),
        onError: (error) => this.#opts.onError?.(error),
      },
      pod,
    );
    this.#workers.set(uid, created);
    created.start();
  }

  #remove(pod: KubeObject): void {
    try {
      this.#opts.kube.delete(
        { apiVersion: 'v1', kind: 'Pod', namespace: pod.metadata.namespace, name: pod.metadata.name },
        { gracePeriodSeconds: 0 },
      );
    } catch (error) {
      if (!isApiError(error, 404)) this.#opts.onError?.(error);
    }
  }
}
