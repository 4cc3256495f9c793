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
  /** Last name suffix handed out: strictly increasing, so names sort in recording order as client-go's do. */
  #lastSuffix = 0n;

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
    // client-go names events `<object>.<hex UnixNano>`; two events in one millisecond must still sort in order
    // (lists are sorted by name), so the suffix never repeats or goes backwards.
    const nowNs = BigInt(this.#clock.now().getTime()) * 1_000_000n;
    this.#lastSuffix = nowNs > this.#lastSuffix ? nowNs : this.#lastSuffix + 1n;
    const name = `${object.metadata.name}.${this.#lastSuffix.toString(16)}`;
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
