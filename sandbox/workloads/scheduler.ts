/**
 * The sandbox's kube-scheduler: binds pending pods (no `spec.nodeName`, `schedulerName: default-scheduler`) to a
 * node they fit on — `nvidia.com/gpu` is whole and exclusive, and a pod keeps its GPU until it is gone. A pod
 * that fits nowhere gets `PodScheduled=False, reason Unschedulable` with the FitError message and a Warning
 * `FailedScheduling` event from `default-scheduler`; it waits in the unschedulable set until a cluster event
 * that may help it (a bound pod deleted or finished for a pod short of resources; a node's labels, taints,
 * allocatable or conditions changed for the plugins that read them — queueing hints) moves it back after its back-off
 * (1 s doubling to 10 s), or at the latest after 5 minutes — kube-scheduler's queue semantics.
 *
 * Like kube-scheduler's cache (pkg/scheduler/internal/cache, v1.32), the pods that hold room on a node are kept
 * from the pod watch, and a pod just bound is "assumed" there until its watch event arrives: a scheduling attempt
 * costs a look at the node's pods, never a list (and copy) of every pod in the cluster.
 */
import type { Clock } from '../kube/clock.ts';
import type { EventRecorder } from '../kube/events.ts';
import { isApiError, type Kube, type KubeObject, type WatchEvent } from '../kube/types.ts';
import { Controller, objectKey, splitKey } from '../controllers/manager.ts';
import { findNode, type FilterPlugin } from './node-fit.ts';
import { isPodTerminal, realToCluster } from './pod-state.ts';
import type { Json } from '../kube/json.ts';

const SOURCE = { component: 'default-scheduler' };
const INITIAL_BACKOFF_MS = 1000;
const MAX_BACKOFF_MS = 10_000;
const MAX_UNSCHEDULABLE_MS = 5 * 60_000;

export interface SchedulerOptions {
  kube: Kube;
  clock: Clock;
  events: EventRecorder;
  /** Pods naming another scheduler are left alone. Default `default-scheduler`. */
  schedulerName?: string;
  onError?: (key: string, error: unknown) => void;
}

/** One pod's stay in the unschedulable set. `lastAttempt` is real wall-clock ms. */
interface Parked {
  attempts: number;
  lastAttempt: number;
  /** The filter plugins that rejected it: only events that may change their minds requeue it. */
  plugins: FilterPlugin[];
}

/**
 * Which rejected pods an event may help, as kube-scheduler 1.32's queueing hints decide (each plugin's
 * EventsToRegister): a bound pod leaving frees resources (NodeResourcesFit); a node's change helps the plugins
 * that read what changed.
 */
const NODE_FIELD_PLUGINS: Record<string, FilterPlugin[]> = {
  unschedulable: ['NodeUnschedulable'],
  taints: ['TaintToleration'],
  labels: ['NodeAffinity'],
  allocatable: ['NodeResourcesFit'],
  // Node conditions become taints (node lifecycle) and may end a NotReady wait: wake everyone.
  conditions: ['NodeUnschedulable', 'TaintToleration', 'NodeAffinity', 'NodeResourcesFit'],
};

/** The scheduler. `start()` begins watching pods and nodes; `stop()` ends it. */
export class Scheduler {
  readonly #kube: Kube;
  readonly #clock: Clock;
  readonly #events: EventRecorder;
  readonly #name: string;
  readonly #parked = new Map<string, Parked>();
  /** Pods bound to a node and not finished, by key: what `findNode` counts against a node's room. */
  readonly #holding = new Map<string, KubeObject>();
  /** What of each node can change a scheduling decision, to tell a real change from a heartbeat. */
  readonly #nodeShapes = new Map<string, Record<string, unknown>>();
  readonly controller: Controller;
  #cancels: Array<() => void> = [];

  constructor(options: SchedulerOptions) {
    this.#kube = options.kube;
    this.#clock = options.clock;
    this.#events = options.events;
    this.#name = options.schedulerName ?? 'default-scheduler';
    this.controller = new Controller({
      name: 'default-scheduler',
      clock: options.clock,
      concurrency: 1,
      reconcile: async (key) => this.#schedule(key),
      backoff: { baseMs: INITIAL_BACKOFF_MS, maxMs: MAX_BACKOFF_MS },
      onError: options.onError,
    });
  }

  start(): void {
    // Filled before the first attempt (the watch's ADDED events arrive later), as kube-scheduler waits for its
    // informers to sync.
    for (const pod of this.#kube.list({ apiVersion: 'v1', kind: 'Pod' })) this.#track(objectKey(pod), pod);
    this.controller.start();
    this.#cancels.push(this.#kube.watch({ apiVersion: 'v1', kind: 'Pod' }, {}, (e) => this.#onPod(e)));
    this.#cancels.push(this.#kube.watch({ apiVersion: 'v1', kind: 'Node' }, {}, (e) => this.#onNode(e)));
  }

  async stop(): Promise<void> {
    for (const cancel of this.#cancels.splice(0)) cancel();
    await this.controller.stop();
  }

  #wants(pod: KubeObject): boolean {
    return (
      !pod.spec?.nodeName &&
      !pod.metadata.deletionTimestamp &&
      (pod.spec?.schedulerName ?? 'default-scheduler') === this.#name
    );
  }

  #onPod(event: WatchEvent): void {
    const pod = event.object;
    const key = objectKey(pod);
    if (event.type === 'DELETED') {
      this.#holding.delete(key);
      this.#parked.delete(key);
      this.controller.forget(key);
      if (pod.spec?.nodeName) this.#wake(['NodeResourcesFit']);
      return;
    }
    this.#track(key, pod);
    if (this.#wants(pod)) {
      // New pending pods go straight to the active queue; parked ones wait for a cluster event.
      if (!this.#parked.has(key)) this.controller.enqueue(key);
      return;
    }
    // A bound pod that finished no longer holds its resources.
    if (pod.spec?.nodeName && isPodTerminal(pod)) this.#wake(['NodeResourcesFit']);
  }

  /**
   * A node change wakes the parked pods only when it may make room or make a pod fit — spec.unschedulable, taints,
   * labels, allocatable, a condition's status — as kube-scheduler 1.32 sorts Node/Update events
   * (framework.UpdateNodeAllocatable|Label|Taint|Condition); a status heartbeat does not.
   */
  #onNode(event: WatchEvent): void {
    const name = event.object.metadata.name;
    const shape = event.type === 'DELETED' ? undefined : schedulingShape(event.object);
    const before = this.#nodeShapes.get(name);
    if (shape === undefined) this.#nodeShapes.delete(name);
    else this.#nodeShapes.set(name, shape);
    if (event.type === 'ADDED' || !before || !shape) return;
    const changed = Object.keys(NODE_FIELD_PLUGINS).filter(
      (field) => JSON.stringify(before[field]) !== JSON.stringify(shape[field]),
    );
    if (changed.length) this.#wake([...new Set(changed.flatMap((field) => NODE_FIELD_PLUGINS[field]!))]);
  }

  /**
   * Keeps `#holding` current. An event older than what the cache holds (the pod was assumed at bind time and the
   * watch has not caught up) is ignored, so an in-flight "still pending" event cannot free an assumed GPU.
   */
  #track(key: string, pod: KubeObject): void {
    const known = this.#holding.get(key);
    if (known && Number(pod.metadata.resourceVersion) < Number(known.metadata.resourceVersion)) return;
    if (pod.spec?.nodeName && !isPodTerminal(pod)) this.#holding.set(key, pod);
    else this.#holding.delete(key);
  }

  /** A cluster event that may help pods rejected by `plugins`: those retry once their back-off has passed. */
  #wake(plugins: FilterPlugin[]): void {
    const now = this.#clock.now().getTime();
    for (const [key, parked] of this.#parked) {
      // No plugin named (no nodes at all): any event may help.
      if (parked.plugins.length && !parked.plugins.some((p) => plugins.includes(p))) continue;
      const backoff = Math.min(INITIAL_BACKOFF_MS * 2 ** (parked.attempts - 1), MAX_BACKOFF_MS);
      const elapsed = realToCluster(this.#clock, now - parked.lastAttempt);
      this.controller.enqueueAfter(key, Math.max(0, backoff - elapsed));
    }
  }

  #schedule(key: string): { requeueAfterMs: number } | void {
    const { namespace, name } = splitKey(key);
    const pod = this.#kube.get({ apiVersion: 'v1', kind: 'Pod', namespace, name });
    if (!pod || !this.#wants(pod)) {
      this.#parked.delete(key);
      return;
    }
    const nodes = this.#kube.list({ apiVersion: 'v1', kind: 'Node' });
    const result = findNode(pod, nodes, [...this.#holding.values()]);
    if ('node' in result) {
      this.#bind(pod, result.node.metadata.name);
      this.#parked.delete(key);
      return;
    }
    const parked = this.#parked.get(key);
    this.#parked.set(key, {
      attempts: (parked?.attempts ?? 0) + 1,
      lastAttempt: this.#clock.now().getTime(),
      plugins: result.plugins,
    });
    this.#markUnschedulable(pod, result.message);
    this.#events.record(pod, 'Warning', 'FailedScheduling', result.message, SOURCE);
    return { requeueAfterMs: MAX_UNSCHEDULABLE_MS };
  }

  #bind(pod: KubeObject, nodeName: string): void {
    const ref = { apiVersion: 'v1', kind: 'Pod', namespace: pod.metadata.namespace, name: pod.metadata.name };
    // What the pods/binding subresource does: set spec.nodeName (the in-process client writes it directly).
    const bound = this.#kube.patch(ref, { spec: { nodeName } }, 'merge');
    this.#track(objectKey(bound), bound);
    this.#setScheduled(bound, { status: 'True' });
    this.#events.record(
      pod,
      'Normal',
      'Scheduled',
      `Successfully assigned ${pod.metadata.namespace}/${pod.metadata.name} to ${nodeName}`,
      SOURCE,
    );
  }

  #markUnschedulable(pod: KubeObject, message: string): void {
    this.#setScheduled(pod, { status: 'False', reason: 'Unschedulable', message });
  }

  /** Writes the PodScheduled condition, keeping lastTransitionTime when the status stays the same. */
  #setScheduled(pod: KubeObject, condition: { status: string; reason?: string; message?: string }): void {
    const conditions: Json[] = pod.status?.conditions ?? [];
    const current = conditions.find((c) => c.type === 'PodScheduled');
    if (
      current &&
      current.status === condition.status &&
      current.reason === condition.reason &&
      current.message === condition.message
    )
      return;
    const next = {
      type: 'PodScheduled',
      status: condition.status,
      lastProbeTime: null,
      lastTransitionTime: current?.status === condition.status ? current.lastTransitionTime : this.#clock.nowRfc3339(),
      ...(condition.reason ? { reason: condition.reason } : {}),
      ...(condition.message ? { message: condition.message } : {}),
    };
    const others = conditions.filter((c) => c.type !== 'PodScheduled');
    const status = { ...(pod.status ?? {}), phase: pod.status?.phase ?? 'Pending', conditions: [...others, next] };
    try {
      this.#kube.update({ ...pod, status }, { subresource: 'status' });
    } catch (error) {
      if (!isApiError(error, 404)) throw error;
    }
  }
}

/** The parts of a node a scheduling decision depends on, by the field names of NODE_FIELD_PLUGINS. */
function schedulingShape(node: KubeObject): Record<string, unknown> {
  return {
    unschedulable: node.spec?.unschedulable ?? false,
    taints: node.spec?.taints ?? [],
    labels: node.metadata.labels ?? {},
    allocatable: node.status?.allocatable ?? {},
    conditions: (node.status?.conditions ?? []).map((c: Json) => [c.type, c.status]),
  };
}
