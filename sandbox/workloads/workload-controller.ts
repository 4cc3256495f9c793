/**
 * What the Deployment and ReplicaSet controllers share: their options, one work queue (`controller`) with the
 * same backoff, `start()`/`stop()`, and claiming their children. Each subclass opens its own watches and
 * reconciles one key.
 */
import type { Clock } from '../kube/clock.ts';
import type { EventRecorder } from '../kube/events.ts';
import { isApiError, type Kube, type KubeObject } from '../kube/types.ts';
import { labelSelectorFromMatch, matchLabelSelector } from '../apiserver/selectors.ts';
import { Controller, objectKey, type ReconcileResult } from '../controllers/manager.ts';
import { controllerOf, controllerRef } from './pod-state.ts';

export interface WorkloadControllerOptions {
  kube: Kube;
  clock: Clock;
  events: EventRecorder;
  onError?: (key: string, error: unknown) => void;
}

/** A built-in workload controller. `start()` opens its watches; `stop()` ends them. */
export abstract class WorkloadController {
  protected readonly kube: Kube;
  protected readonly clock: Clock;
  protected readonly events: EventRecorder;
  readonly controller: Controller;

  /** `name` names the work queue in logs and for the `pause` fault. */
  constructor(name: string, options: WorkloadControllerOptions) {
    this.kube = options.kube;
    this.clock = options.clock;
    this.events = options.events;
    this.controller = new Controller({
      name,
      clock: options.clock,
      reconcile: (key) => this.reconcile(key),
      backoff: { baseMs: 50, maxMs: 10_000 },
      onError: options.onError,
    });
  }

  start(): void {
    this.controller.start();
  }

  async stop(): Promise<void> {
    await this.controller.stop();
  }

  /** Watches the controller's own kind, and `child` objects mapped to the owners that control or may adopt them. */
  protected watchOwned(own: { apiVersion: string; kind: string }, child: { apiVersion: string; kind: string }): void {
    this.controller.watch(this.kube, own);
    this.controller.watch(this.kube, child, { map: (obj) => controllerKeys(this.kube, obj, own) });
  }

  /**
   * The children of kind `child` that `owner` controls; orphans its selector matches are adopted by adding its
   * controller ownerReference (`ClaimPods`, `ClaimReplicaSets` in pkg/controller/controller_ref_manager.go).
   */
  protected claim(owner: KubeObject, child: { apiVersion: string; kind: string }): KubeObject[] {
    const claimed: KubeObject[] = [];
    for (const obj of this.kube.list({ ...child, namespace: owner.metadata.namespace })) {
      const controller = controllerOf(obj);
      if (controller) {
        if (controller.uid === owner.metadata.uid) claimed.push(obj);
        continue;
      }
      if (owner.metadata.deletionTimestamp || obj.metadata.deletionTimestamp || !selects(owner, obj)) continue;
      try {
        const refs = [...(obj.metadata.ownerReferences ?? []), controllerRef(owner)];
        const target = { ...child, namespace: obj.metadata.namespace, name: obj.metadata.name };
        claimed.push(this.kube.patch(target, { metadata: { ownerReferences: refs } }, 'merge'));
      } catch (error) {
        if (!isApiError(error, 404)) throw error;
      }
    }
    return claimed;
  }

  /** One pass over the object named by `key` (`namespace/name`). */
  protected abstract reconcile(key: string): Promise<ReconcileResult | void>;
}

/** True when the owner's selector (a ReplicaSet's, a Deployment's) matches the child (same namespace assumed). */
export function selects(owner: KubeObject, pod: KubeObject): boolean {
  try {
    return matchLabelSelector(labelSelectorFromMatch(owner.spec?.selector), pod.metadata.labels);
  } catch {
    return false;
  }
}

/**
 * The keys a change of `child` enqueues at its controller's kind `owner`: its controlling owner when it has one of
 * that kind (none when another kind controls it), else every one in its namespace that selects it and could adopt
 * it (an orphan), as the ReplicaSet controller maps pods and the Deployment controller maps ReplicaSets.
 */
export function controllerKeys(kube: Kube, child: KubeObject, owner: { apiVersion: string; kind: string }): string[] {
  const ref = controllerOf(child);
  const namespace = child.metadata.namespace!;
  if (ref) return ref.kind === owner.kind ? [`${namespace}/${ref.name}`] : [];
  return kube
    .list({ ...owner, namespace })
    .filter((candidate) => selects(candidate, child))
    .map(objectKey);
}
