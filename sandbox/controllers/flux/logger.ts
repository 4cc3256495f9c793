/**
 * Flux-style JSON log lines written into the controller's own pod log, so `kubectl logs -n flux-system
 * deploy/kustomize-controller` shows what real Flux prints. The pod is found by label `app=<controller>`
 * at write time (it changes when the pod is recreated); with no pod the line is dropped, as a controller
 * that is not running logs nothing. The pod found is remembered and checked with one GET per line; the pods are
 * listed again only when it is gone, terminating or not running (a LIST per line cost a copy of every pod).
 */
import type { Clock } from '../../kube/clock.ts';
import type { Kube } from '../../kube/types.ts';

/** Where pod logs go: structurally `LogStore` from `sandbox/apiserver/logs.ts`. */
export interface LogSink {
  append(pod: { namespace: string; name: string }, container: string, line: string): void;
}

/** Identifies the object a reconcile pass works on, as controller-runtime's logger fields do. */
export interface ReconcileFields {
  controller: string;
  controllerGroup: string;
  controllerKind: string;
  name: string;
  namespace: string;
  reconcileID: string;
}

/** Writes JSON lines for one controller Deployment in `flux-system`. */
export class ControllerLog {
  readonly deployment: string;
  readonly #kube: Kube;
  readonly #clock: Clock;
  readonly #sink?: LogSink;
  readonly #namespace: string;
  /** The pod lines went to last, with its first container. */
  #current?: { name: string; container: string };

  constructor(options: { kube: Kube; clock: Clock; sink?: LogSink; deployment: string; namespace?: string }) {
    this.deployment = options.deployment;
    this.#kube = options.kube;
    this.#clock = options.clock;
    this.#sink = options.sink;
    this.#namespace = options.namespace ?? 'flux-system';
  }

  info(msg: string, fields?: Partial<ReconcileFields>, extra?: Record<string, unknown>): void {
    this.#write({ level: 'info', ts: this.#clock.now().toISOString(), msg, ...fields, ...extra });
  }

  error(msg: string, error: string, fields?: Partial<ReconcileFields>): void {
    this.#write({ level: 'error', ts: this.#clock.now().toISOString(), msg, ...fields, error });
  }

  #write(entry: Record<string, unknown>): void {
    if (!this.#sink) return;
    const target = this.#target();
    if (target)
      this.#sink.append({ namespace: this.#namespace, name: target.name }, target.container, JSON.stringify(entry));
  }

  #target(): { name: string; container: string } | undefined {
    try {
      if (this.#current) {
        const pod = this.#kube.get({
          apiVersion: 'v1',
          kind: 'Pod',
          namespace: this.#namespace,
          name: this.#current.name,
        });
        if (pod && !pod.metadata.deletionTimestamp && pod.status?.phase === 'Running') return this.#current;
      }
      const pods = this.#kube.list(
        { apiVersion: 'v1', kind: 'Pod', namespace: this.#namespace },
        { labelSelector: `app=${this.deployment}` },
      );
      const pod =
        pods.find((p) => !p.metadata.deletionTimestamp && p.status?.phase === 'Running') ??
        pods.find((p) => !p.metadata.deletionTimestamp);
      this.#current = pod && {
        name: pod.metadata.name,
        container: (pod.spec?.containers?.[0]?.name as string | undefined) ?? 'manager',
      };
      return this.#current;
    } catch {
      return undefined;
    }
  }
}
