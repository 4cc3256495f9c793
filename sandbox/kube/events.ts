import type { Clock } from './clock.ts';
import type { Kube, KubeObject } from './types.ts';

/** Who reports an event: `{component: 'default-scheduler'}` or `{component: 'kubelet', host: 'sandbox-gpu-node'}`. */
export interface EventSource {
  component: string;
  host?: string;
}

/** Options of an EventRecorder. */
export interface EventRecorderOptions {
  /**
   * Repeats as an event series, as client-go's events.k8s.io broadcaster (tools/events, v0.32) records them for
   * kube-scheduler: the first repeat is written, later ones only counted, and the count written again once
   * `SERIES_REFRESH_MS` have passed since the last write. Without it every repeat is written (tools/record).
   */
  series?: boolean;
}

/** How often a series' count is written again (client-go tools/events refreshes series every 6 minutes). */
const SERIES_REFRESH_MS = 6 * 60_000;

/**
 * Records core/v1 Events the way client-go's recorder does: one Event per (object, reason, message), its
 * `count` and `lastTimestamp` bumped when the same event repeats, named `<object>.<hex>`.
 */
export class EventRecorder {
  readonly #kube: Kube;
  readonly #clock: Clock;
  readonly #series: boolean;
  readonly #seen = new Map<string, string>();
  /** Series mode: count and last write (cluster ms) per repeated event. */
  readonly #counts = new Map<string, { count: number; written: number }>();
  /** Last name suffix handed out: strictly increasing, so names sort in recording order as client-go's do. */
  #lastSuffix = 0n;

  constructor(kube: Kube, clock: Clock, options: EventRecorderOptions = {}) {
    this.#kube = kube;
    this.#clock = clock;
    this.#series = options.series ?? false;
  }

  record(object: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string, source: EventSource): void {
    const namespace = object.metadata.namespace ?? 'default';
    const key = `${object.metadata.uid}/${reason}/${message}`;
    const now = this.#clock.nowRfc3339();
    const existingName = this.#seen.get(key);
    if (existingName && this.#series) {
      const state = this.#counts.get(key) ?? { count: 1, written: 0 };
      state.count++;
      this.#counts.set(key, state);
      const at = this.#clock.now().getTime();
      if (state.count > 2 && at - state.written < SERIES_REFRESH_MS) return;
      state.written = at;
      try {
        this.#kube.patch(
          { apiVersion: 'v1', kind: 'Event', namespace, name: existingName },
          { count: state.count, lastTimestamp: now },
          'merge',
        );
        return;
      } catch {
        // the Event expired or was deleted: record it afresh below
        this.#counts.delete(key);
      }
    } else if (existingName) {
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
