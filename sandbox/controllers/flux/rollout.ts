/**
 * Waiting for workloads to roll out, as Helm's `--wait` (kstatus in Helm 4) and kustomize-controller's
 * `wait`/`healthChecks` do: a Deployment is ready when its controller observed the latest generation, every
 * replica is updated, ready and available, and no old replica is left. Driven by watch events, bounded by a
 * Clock timer (so `--time-scale` shortens the 5m default too). Other kinds count as ready at once.
 */
import type { Clock } from '../../kube/clock.ts';
import type { Kube, KubeObject, ObjectRef } from '../../kube/types.ts';
import { subjectOf } from './apply.ts';

/** The outcome of a wait: ready, or the objects still in progress when the time ran out. */
export interface WaitResult {
  ready: boolean;
  /** `Deployment/ns/name status: 'InProgress'` per pending object (kustomize-controller's wording). */
  pending: string[];
}

/** kstatus' "Current" for a Deployment. */
export function deploymentReady(d: KubeObject | undefined): boolean {
  if (!d) return false;
  const s = d.status ?? {};
  const replicas = d.spec?.replicas ?? 1;
  if ((s.observedGeneration ?? 0) < (d.metadata.generation ?? 0)) return false;
  if ((s.updatedReplicas ?? 0) < replicas) return false;
  if ((s.replicas ?? 0) > replicas) return false;
  if ((s.readyReplicas ?? 0) < replicas) return false;
  if ((s.availableReplicas ?? 0) < replicas) return false;
  return true;
}

const isDeployment = (ref: ObjectRef) => ref.kind === 'Deployment' && /^(apps\/|extensions\/)/.test(ref.apiVersion);

/** Waits for a set of objects to become ready. */
export class RolloutWaiter {
  constructor(
    private readonly kube: Kube,
    private readonly clock: Clock,
  ) {}

  /** Resolves when every Deployment among `targets` is ready, or with the pending ones after `timeoutMs`. */
  wait(targets: ObjectRef[], timeoutMs: number, signal?: AbortSignal): Promise<WaitResult> {
    const deployments = targets.filter(isDeployment).map((t) => ({ ...t, apiVersion: 'apps/v1' }));
    const pending = () => deployments.filter((d) => !deploymentReady(this.kube.get(d)));
    if (pending().length === 0) return Promise.resolve({ ready: true, pending: [] });
    return new Promise((resolve) => {
      const cancels: Array<() => void> = [];
      let done = false;
      const finish = (result: WaitResult) => {
        if (done) return;
        done = true;
        for (const c of cancels) c();
        signal?.removeEventListener('abort', onAbort);
        resolve(result);
      };
      const check = () => {
        if (!done && pending().length === 0) finish({ ready: true, pending: [] });
      };
      const describe = () => pending().map((d) => `${subjectOf(d)} status: 'InProgress'`);
      const onAbort = () => finish({ ready: false, pending: describe() });
      signal?.addEventListener('abort', onAbort);
      for (const namespace of new Set(deployments.map((d) => d.namespace))) {
        cancels.push(this.kube.watch({ apiVersion: 'apps/v1', kind: 'Deployment', namespace }, {}, check));
      }
      cancels.push(this.clock.after(timeoutMs, () => finish({ ready: false, pending: describe() })));
      check();
    });
  }
}
