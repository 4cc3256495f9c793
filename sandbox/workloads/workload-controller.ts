/**
 * What the Deployment and ReplicaSet controllers share: their options, one work queue (`controller`) with the
 * same backoff, and `start()`/`stop()`. Each subclass opens its own watches and reconciles one key.
 */
import type { Clock } from '../kube/clock.ts';
import type { EventRecorder } from '../kube/events.ts';
import type { Kube } from '../kube/types.ts';
import { Controller, type ReconcileResult } from '../controllers/manager.ts';

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

  /** One pass over the object named by `key` (`namespace/name`). */
  protected abstract reconcile(key: string): Promise<ReconcileResult | void>;
}
