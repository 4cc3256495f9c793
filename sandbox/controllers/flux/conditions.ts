/**
 * Status conditions the way fluxcd/pkg/runtime/conditions handles them: one condition per type, each
 * carrying the object's generation as `observedGeneration`; `lastTransitionTime` changes only when status,
 * reason or message change; Ready goes first, the others follow sorted by type (what kubectl shows).
 */
import type { Clock } from '../../kube/clock.ts';

/** A `metav1.Condition`. */
export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  observedGeneration?: number;
  lastTransitionTime: string;
  reason: string;
  message: string;
}

/** Mutable view of a status' conditions for one reconcile pass. */
export class Conditions {
  readonly #clock: Clock;
  readonly #generation: number;
  list: Condition[];

  constructor(existing: Condition[] | undefined, generation: number, clock: Clock) {
    this.list = (existing ?? []).map((c) => ({ ...c }));
    this.#generation = generation;
    this.#clock = clock;
  }

  get(type: string): Condition | undefined {
    return this.list.find((c) => c.type === type);
  }

  isTrue(type: string): boolean {
    return this.get(type)?.status === 'True';
  }

  isFalse(type: string): boolean {
    return this.get(type)?.status === 'False';
  }

  /** Sets a condition; keeps lastTransitionTime when status, reason and message are unchanged. */
  set(type: string, status: Condition['status'], reason: string, message: string): void {
    // The CRDs cap messages at 32768 characters.
    const text = message.length > 32768 ? `${message.slice(0, 32765)}...` : message;
    const existing = this.get(type);
    const unchanged = existing && existing.status === status && existing.reason === reason && existing.message === text;
    const next: Condition = {
      type,
      status,
      observedGeneration: this.#generation,
      lastTransitionTime: unchanged ? existing.lastTransitionTime : this.#clock.nowRfc3339(),
      reason,
      message: text,
    };
    this.list = this.list.filter((c) => c.type !== type);
    this.list.push(next);
    this.#sort();
  }

  markTrue(type: string, reason: string, message: string): void {
    this.set(type, 'True', reason, message);
  }

  markFalse(type: string, reason: string, message: string): void {
    this.set(type, 'False', reason, message);
  }

  markUnknown(type: string, reason: string, message: string): void {
    this.set(type, 'Unknown', reason, message);
  }

  /** Reconciling=True: the object is being worked on (kstatus "InProgress"). */
  markReconciling(reason: string, message: string): void {
    this.set('Reconciling', 'True', reason, message);
  }

  /** Stalled=True: the controller gives up until the spec changes; Reconciling goes away. */
  markStalled(reason: string, message: string): void {
    this.delete('Reconciling');
    this.set('Stalled', 'True', reason, message);
  }

  delete(...types: string[]): void {
    this.list = this.list.filter((c) => !types.includes(c.type));
  }

  #sort(): void {
    this.list.sort((a, b) => (a.type === 'Ready' ? -1 : b.type === 'Ready' ? 1 : a.type.localeCompare(b.type)));
  }
}
