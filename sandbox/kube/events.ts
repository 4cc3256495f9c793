import type { Clock } from './clock.ts';
import type { Kube, KubeObject } from './types.ts';

/** Who reports an event: `{component: 'default-scheduler'}` or `{component: 'kubelet', host: 'sandbox-gpu-node'}`. */
export interface EventSource {
  component: string;
  host?: string;
}

/**
 * Records core/v1 Events the way client-go's recorder does: one Event per (object, reason, message), its
 * `count` and `lastTimestamp` bumped when the same event repeats, named `<object>.<hex>`.
 */
export class EventRecorder {
  readonly #kube: Kube;
  readonly #clock: Clock;
  readonly #seen = new Map<string, string>();

  constructor(kube: Kube, clock: Clock) {
    this.#kube = kube;
    this.#clock = clock;
  }

  record(object: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string, source: EventSource): void {
    const namespace = object.metadata.namespace ?? 'default';
    const key = `${object.metadata.uid}/${reason}/${message}`;
    const now = this.#clock.nowRfc3339();
    const existingName = this.#seen.get(key);
    if (existingName) {
      const existing = this.#kube.get({ apiVersion: 'v1', kind: 'Event', namespace, name: existingName });
      if (existing) {
        this.#kube.patch(
          { apiVersion: 'v1', kind: 'Event', namespace, name: existingName },
          { count: ((existing.count as number) ?? 1) + 1, lastTimestamp: now },
          'merge',
        );
        return;
      }
    }
    const name = `${object.metadata.name}.${(this.#clock.now().getTime() * 1000 + Math.floor(Math.random() * 1000)).toString(16)}`;
    this.#kube.create({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace },
      involvedObject: {
        apiVersion: object.apiVersion,
        kind: object.kind,
        name: object.metadata.name,
        namespace: object.metadata.namespace,
        uid: object.metadata.uid,
        resourceVersion: object.metadata.resourceVersion,
      },
      reason,
      message,
      type,
      source,
      count: 1,
      firstTimestamp: now,
      lastTimestamp: now,
      reportingComponent: source.component,
      reportingInstance: source.host ?? '',
    });
    this.#seen.set(key, name);
  }
}
