/**
 * The `strategy=<type>` fault as a mutating admission policy: while it is on, a Deployment that is created, or
 * whose spec a client changes, gets `spec.strategy` forced to that type — Recreate without rollingUpdate
 * parameters, RollingUpdate with its own parameters or the 25%/25% defaults. Writes that leave the spec alone
 * (a controller's annotation or status update) pass untouched, as a policy matching spec changes would.
 */
import type { FaultSetting, Faults } from '../faults/faults.ts';
import type { KubeObject } from '../kube/types.ts';
import { canonicalJson } from './template-hash.ts';

/** A mutating admission hook, as the API server's `admission.register` takes it. */
export type AdmissionHook = (op: 'CREATE' | 'UPDATE', obj: KubeObject, old?: KubeObject) => void;

type Json = any;

/** What each forced type makes of the strategy. */
const FORCED: Record<string, (current: Json) => Json> = {
  Recreate: () => ({ type: 'Recreate' }),
  RollingUpdate: (current) => ({
    type: 'RollingUpdate',
    rollingUpdate: {
      maxSurge: current?.rollingUpdate?.maxSurge ?? '25%',
      maxUnavailable: current?.rollingUpdate?.maxUnavailable ?? '25%',
    },
  }),
};

/** The admission hook; it asks `faults` on every request, so setting or clearing the fault applies at once. */
export function strategyPolicy(faults: Faults): AdmissionHook {
  return (op, obj, old) => {
    if (obj.kind !== 'Deployment') return;
    const setting: FaultSetting | undefined = faults.active('strategy');
    const force = typeof setting?.value === 'string' ? FORCED[setting.value] : undefined;
    if (!force) return;
    if (op === 'UPDATE' && old && canonicalJson(old.spec) === canonicalJson(obj.spec)) return;
    obj.spec ??= {};
    obj.spec.strategy = force(obj.spec.strategy);
  };
}
