/**
 * Admission hooks: in-process stand-ins for mutating webhooks. A hook sees every create and update after
 * defaulting and before validation, and may mutate the object (the `strategy` fault forces a Deployment
 * strategy this way) or throw an ApiError to reject the request.
 */
import type { KubeObject } from '../kube/types.ts';

/** A mutating admission hook. `obj` is in its storage version; `old` is set on UPDATE. */
export type AdmissionHook = (op: 'CREATE' | 'UPDATE', obj: KubeObject, old?: KubeObject) => void;

/** The registered hooks, run in registration order. */
export class Admission {
  readonly #hooks: AdmissionHook[] = [];

  /** Adds a hook; returns a function that removes it. */
  register(hook: AdmissionHook): () => void {
    this.#hooks.push(hook);
    return () => {
      const i = this.#hooks.indexOf(hook);
      if (i >= 0) this.#hooks.splice(i, 1);
    };
  }

  run(op: 'CREATE' | 'UPDATE', obj: KubeObject, old?: KubeObject): void {
    for (const hook of this.#hooks) hook(op, obj, old);
  }
}
