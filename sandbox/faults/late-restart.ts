/**
 * The `late-restart=<delay>` fault: a flow that ended green goes wrong a little later. Once a foundry pod that
 * replaced an earlier one (the new pod of a rollout, not the first deploy) becomes Ready, its container is made to
 * die `delay` later (cluster time); the restart policy brings it back with restartCount 1. Fires once per setting,
 * so a rollback's pod is left alone. What the suite sees is the kubelet's real behaviour: a terminated container,
 * a restart, a Ready flap.
 */
import type { Clock } from '../kube/clock.ts';
import type { Kube, KubeObject } from '../kube/types.ts';
import type { Faults, FaultSetting } from './faults.ts';

/** The pods whose container the fault restarts (the seeded chart's foundry pods). */
export const LATE_RESTART_SELECTOR = 'app.kubernetes.io/component=foundry';

export interface LateRestartOptions {
  kube: Pick<Kube, 'watch'>;
  clock: Pick<Clock, 'after'>;
  faults: Faults;
  /** Makes the named pod's container die; false when it is not running. */
  restart: (namespace: string, pod: string, container: string) => boolean;
  /** One line per firing, for the sandbox's log. */
  log?: (line: string) => void;
}

/** Watches foundry pods and fires the `late-restart` fault at most once per setting. */
export class LateRestart {
  readonly #opts: LateRestartOptions;
  /** Pods that were Ready at some point, by uid: a later first-Ready pod is a rollout's new pod. */
  readonly #everReady = new Set<string>();
  #armedFor?: FaultSetting;
  #fired?: FaultSetting;
  #cancelTimer?: () => void;
  #cancelWatch?: () => void;

  constructor(options: LateRestartOptions) {
    this.#opts = options;
  }

  start(): void {
    this.#cancelWatch = this.#opts.kube.watch(
      { apiVersion: 'v1', kind: 'Pod' },
      { labelSelector: LATE_RESTART_SELECTOR },
      (e) => {
        if (e.type !== 'DELETED') this.#onPod(e.object);
      },
    );
  }

  stop(): void {
    this.#cancelWatch?.();
    this.#cancelTimer?.();
  }

  #onPod(pod: KubeObject): void {
    const uid = pod.metadata.uid ?? pod.metadata.name;
    if (!ready(pod) || this.#everReady.has(uid)) return;
    const replacedAnother = this.#everReady.size > 0;
    this.#everReady.add(uid);
    const setting = this.#opts.faults.active('late-restart');
    if (!replacedAnother || !setting || setting === this.#fired || setting === this.#armedFor) return;
    this.#armedFor = setting;
    const namespace = pod.metadata.namespace ?? 'default';
    const name = pod.metadata.name;
    const container = (pod.spec?.containers?.[0]?.name as string | undefined) ?? 'foundry';
    this.#cancelTimer = this.#opts.clock.after(Number(setting.value), () => {
      // Switched off (or changed) meanwhile: do nothing.
      if (this.#opts.faults.active('late-restart') !== setting) return;
      this.#fired = setting;
      const done = this.#opts.restart(namespace, name, container);
      this.#opts.log?.(
        `late-restart: container ${container} of ${namespace}/${name} ${done ? 'killed' : 'not running, nothing to restart'} ${setting.raw} after it became Ready`,
      );
    });
  }
}

function ready(pod: KubeObject): boolean {
  return ((pod.status?.conditions ?? []) as Array<{ type: string; status: string }>).some(
    (c) => c.type === 'Ready' && c.status === 'True',
  );
}
