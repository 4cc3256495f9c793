/**
 * The ReplicaSet controller (pkg/controller/replicaset): keeps `spec.replicas` active pods made from the
 * template, named `<replicaset>-<5 safe chars>` with a controller ownerReference; deletes the extra ones
 * unscheduled/pending/not-ready first; reports replicas/fullyLabeled/ready/available/observedGeneration;
 * records `SuccessfulCreate`/`SuccessfulDelete` events like the real controller.
 */
import { isApiError, type KubeObject } from '../kube/types.ts';
import { splitKey, type ReconcileResult } from '../controllers/manager.ts';
import { WorkloadController, type WorkloadControllerOptions } from './workload-controller.ts';
import { controllerOf, controllerRef, isPodActive, isPodReady, podAvailability, podCondition } from './pod-state.ts';
import { canonicalJson, randomSuffix } from './template-hash.ts';
import type { Json } from '../kube/json.ts';

const SOURCE = { component: 'replicaset-controller' };
/** Upstream's burstReplicas: at most this many creations/deletions per pass. */
const BURST = 500;

export type ReplicaSetControllerOptions = WorkloadControllerOptions;

/** The ReplicaSet controller. `start()` opens its watches; `stop()` ends them. */
export class ReplicaSetController extends WorkloadController {
  constructor(options: ReplicaSetControllerOptions) {
    super('replicaset-controller', options);
    this.watchOwned({ apiVersion: 'apps/v1', kind: 'ReplicaSet' }, { apiVersion: 'v1', kind: 'Pod' });
  }

  protected async reconcile(key: string): Promise<ReconcileResult | void> {
    return this.#sync(key);
  }

  #sync(key: string): { requeueAfterMs?: number } | void {
    const { namespace, name } = splitKey(key);
    const rs = this.kube.get({ apiVersion: 'apps/v1', kind: 'ReplicaSet', namespace, name });
    if (!rs) return;
    const pods = this.claim(rs, { apiVersion: 'v1', kind: 'Pod' });
    const active = pods.filter(isPodActive);
    let failure: { reason: string; message: string } | undefined;
    if (!rs.metadata.deletionTimestamp) failure = this.#manageReplicas(rs, active);
    const current = this.kube
      .list({ apiVersion: 'v1', kind: 'Pod', namespace })
      .filter((p) => controllerOf(p)?.uid === rs.metadata.uid);
    const { status, waitMs } = this.#calculateStatus(rs, current.filter(isPodActive), failure);
    this.#writeStatus(rs, status);
    if (failure) throw new Error(failure.message);
    return waitMs !== undefined ? { requeueAfterMs: waitMs } : undefined;
  }

  /** Creates or deletes pods towards `spec.replicas`; returns a ReplicaFailure when the API refused. */
  #manageReplicas(rs: KubeObject, active: KubeObject[]): { reason: string; message: string } | undefined {
    const desired = rs.spec?.replicas ?? 1;
    const diff = active.length - desired;
    if (diff < 0) {
      for (let i = 0; i < Math.min(-diff, BURST); i++) {
        try {
          const pod = this.#createPod(rs);
          this.events.record(rs, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`, SOURCE);
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          this.events.record(rs, 'Warning', 'FailedCreate', `Error creating: ${message}`, SOURCE);
          return { reason: 'FailedCreate', message };
        }
      }
    } else if (diff > 0) {
      for (const pod of podsToDelete(active, Math.min(diff, BURST))) {
        try {
          this.kube.delete(ref(pod), { propagationPolicy: 'Background' });
          this.events.record(rs, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`, SOURCE);
        } catch (error) {
          if (isApiError(error, 404)) continue;
          const message = error instanceof Error ? error.message : String(error);
          this.events.record(rs, 'Warning', 'FailedDelete', `Error deleting: ${message}`, SOURCE);
          return { reason: 'FailedDelete', message };
        }
      }
    }
    return undefined;
  }

  /** `GetPodFromTemplate`: labels, annotations, finalizers and spec from the template, owned by the ReplicaSet. */
  #createPod(rs: KubeObject): KubeObject {
    const template = rs.spec?.template ?? {};
    const base = rs.metadata.name;
    for (let attempt = 0; ; attempt++) {
      const pod: KubeObject = {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name: `${base}-${randomSuffix(5)}`,
          generateName: `${base}-`,
          namespace: rs.metadata.namespace,
          labels: { ...(template.metadata?.labels ?? {}) },
          ...(template.metadata?.annotations ? { annotations: { ...template.metadata.annotations } } : {}),
          ...(template.metadata?.finalizers ? { finalizers: [...template.metadata.finalizers] } : {}),
          ownerReferences: [controllerRef(rs)],
        },
        spec: structuredClone(template.spec ?? {}),
      };
      try {
        return this.kube.create(pod);
      } catch (error) {
        // A taken random name is retried, as the API server does for generateName.
        if (!isApiError(error, 409) || attempt >= 3) throw error;
      }
    }
  }

  #calculateStatus(
    rs: KubeObject,
    active: KubeObject[],
    failure: { reason: string; message: string } | undefined,
  ): { status: Json; waitMs?: number } {
    const templateLabels = rs.spec?.template?.metadata?.labels ?? {};
    const minReady = rs.spec?.minReadySeconds ?? 0;
    let fullyLabeled = 0;
    let ready = 0;
    let available = 0;
    let waitMs: number | undefined;
    for (const pod of active) {
      const labels = pod.metadata.labels ?? {};
      if (Object.entries(templateLabels).every(([k, v]) => labels[k] === v)) fullyLabeled++;
      if (!isPodReady(pod)) continue;
      ready++;
      const a = podAvailability(pod, minReady, this.clock);
      if (a.available) available++;
      else if (a.waitMs !== undefined) waitMs = Math.min(waitMs ?? Infinity, a.waitMs);
    }
    let conditions: Json[] = (rs.status?.conditions ?? []).filter((c: Json) => c.type !== 'ReplicaFailure');
    const previousFailure = (rs.status?.conditions ?? []).find((c: Json) => c.type === 'ReplicaFailure');
    if (failure) {
      conditions = [
        ...conditions,
        previousFailure ?? {
          type: 'ReplicaFailure',
          status: 'True',
          lastTransitionTime: this.clock.nowRfc3339(),
          reason: failure.reason,
          message: failure.message,
        },
      ];
    }
    // Go's omitempty: zero counters are left out, `replicas` always present.
    const status: Json = { replicas: active.length };
    if (fullyLabeled) status.fullyLabeledReplicas = fullyLabeled;
    if (ready) status.readyReplicas = ready;
    if (available) status.availableReplicas = available;
    if (rs.metadata.generation) status.observedGeneration = rs.metadata.generation;
    if (conditions.length) status.conditions = conditions;
    return { status, waitMs };
  }

  #writeStatus(rs: KubeObject, status: Json): void {
    const fresh = this.kube.get(ref(rs));
    if (!fresh || canonicalJson(fresh.status ?? {}) === canonicalJson(status)) return;
    this.kube.update({ ...fresh, status }, { subresource: 'status' });
  }
}

function ref(obj: KubeObject): { apiVersion: string; kind: string; namespace?: string; name: string } {
  return { apiVersion: obj.apiVersion, kind: obj.kind, namespace: obj.metadata.namespace, name: obj.metadata.name };
}

/** Pod phases in deletion order (`ActivePods` ranking): Pending before Unknown before Running. */
const PHASE_RANK: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

/**
 * `getPodsToDelete` with upstream's `ActivePods` ordering: unscheduled before scheduled, Pending before
 * Running, not ready before ready, recently ready before long ready, more restarts first, newest first.
 */
export function podsToDelete(pods: KubeObject[], count: number): KubeObject[] {
  const readySince = (p: KubeObject): number => Date.parse(podCondition(p, 'Ready')?.lastTransitionTime ?? '') || 0;
  const restarts = (p: KubeObject): number =>
    Math.max(0, ...((p.status?.containerStatuses ?? []) as Json[]).map((s) => s.restartCount ?? 0));
  const created = (p: KubeObject): number => Date.parse(p.metadata.creationTimestamp ?? '') || 0;
  const keys = (p: KubeObject): number[] => [
    p.spec?.nodeName ? 1 : 0,
    PHASE_RANK[p.status?.phase ?? 'Pending'] ?? 0,
    isPodReady(p) ? 1 : 0,
    isPodReady(p) ? -readySince(p) : 0,
    -restarts(p),
    -created(p),
  ];
  return [...pods]
    .sort((a, b) => {
      const ka = keys(a);
      const kb = keys(b);
      for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return ka[i]! - kb[i]!;
      return 0;
    })
    .slice(0, count);
}
