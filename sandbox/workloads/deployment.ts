/**
 * The Deployment controller (pkg/controller/deployment/deployment_controller.go `syncDeployment`): claims the
 * Deployment's ReplicaSets, then per pass either only writes status (being deleted), scales (paused or a
 * scaling event), or rolls out with the Recreate or RollingUpdate strategy. Watches Deployments, their
 * ReplicaSets and pod deletions (Recreate waits for old pods to be gone).
 */
import type { KubeObject } from '../kube/types.ts';
import { splitKey, type ReconcileResult } from '../controllers/manager.ts';
import { selects, WorkloadController, type WorkloadControllerOptions } from './workload-controller.ts';
import { ProgressStamps } from './deployment-status.ts';
import { isScalingEvent, rolloutRecreate, rolloutRolling, syncScaling } from './deployment-strategies.ts';
import { DeploymentSync } from './deployment-sync.ts';
import { controllerOf } from './pod-state.ts';

const SOURCE = { component: 'deployment-controller' };

/** Rollout by strategy type; anything unknown is left alone as upstream does (validation rejects it). */
const STRATEGIES: Record<string, (s: DeploymentSync) => number | undefined> = {
  Recreate: rolloutRecreate,
  RollingUpdate: rolloutRolling,
};

export type DeploymentControllerOptions = WorkloadControllerOptions;

/** The Deployment controller. `start()` opens its watches; `stop()` ends them. */
export class DeploymentController extends WorkloadController {
  readonly #stamps = new ProgressStamps();

  constructor(options: DeploymentControllerOptions) {
    super('deployment-controller', options);
    this.watchOwned({ apiVersion: 'apps/v1', kind: 'Deployment' }, { apiVersion: 'apps/v1', kind: 'ReplicaSet' });
    this.controller.watch(
      this.kube,
      { apiVersion: 'v1', kind: 'Pod' },
      { predicate: () => false, map: (pod) => this.#deploymentOfPod(pod) },
    );
  }

  protected async reconcile(key: string): Promise<ReconcileResult | void> {
    const after = this.#sync(key);
    return after === undefined ? undefined : { requeueAfterMs: after };
  }

  #deploymentOfPod(pod: KubeObject): string[] {
    const owner = controllerOf(pod);
    if (owner?.kind !== 'ReplicaSet') return [];
    const rs = this.kube.get({
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      namespace: pod.metadata.namespace,
      name: owner.name,
    });
    const deployment = rs && controllerOf(rs);
    return deployment?.kind === 'Deployment' ? [`${pod.metadata.namespace}/${deployment.name}`] : [];
  }

  #sync(key: string): number | undefined {
    const { namespace, name } = splitKey(key);
    const d = this.kube.get({ apiVersion: 'apps/v1', kind: 'Deployment', namespace, name });
    if (!d) return undefined;
    const selector = d.spec?.selector ?? {};
    if (!Object.keys(selector.matchLabels ?? {}).length && !(selector.matchExpressions ?? []).length) {
      this.events.record(
        d,
        'Warning',
        'SelectingAll',
        'This deployment is selecting all pods. A non-empty selector is required.',
        SOURCE,
      );
      return undefined;
    }
    const sets = this.claim(d, { apiVersion: 'apps/v1', kind: 'ReplicaSet' });
    const uids = new Set(sets.map((rs) => rs.metadata.uid));
    const podsBySet = new Map<string, KubeObject[]>();
    for (const pod of this.kube.list({ apiVersion: 'v1', kind: 'Pod', namespace })) {
      const owner = controllerOf(pod);
      if (!owner || !uids.has(owner.uid) || !selects(d, pod)) continue;
      podsBySet.set(owner.uid, [...(podsBySet.get(owner.uid) ?? []), pod]);
    }
    const s = new DeploymentSync(
      { kube: this.kube, clock: this.clock, events: this.events, stamps: this.#stamps },
      d,
      sets,
      podsBySet,
    );
    if (d.metadata.deletionTimestamp) {
      const { newSet, oldSets } = s.replicaSets(false);
      s.syncStatus(newSet ? [...oldSets, newSet] : oldSets, newSet);
      return undefined;
    }
    s.checkPaused();
    if (s.d.spec?.paused) return syncScaling(s);
    if (isScalingEvent(s)) return syncScaling(s);
    return STRATEGIES[s.d.spec?.strategy?.type ?? 'RollingUpdate']?.(s);
  }
}
