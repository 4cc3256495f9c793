import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Faults, parseFault } from '../faults/faults.ts';
import type { KubeObject } from '../kube/types.ts';
import { strategyPolicy } from './strategy-policy.ts';

function deployment(strategy: unknown, image = 'i:1'): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'd' },
    spec: { strategy, template: { spec: { containers: [{ name: 'c', image }] } } },
  };
}

describe('strategy fault policy', () => {
  it('does nothing while the fault is off', () => {
    const hook = strategyPolicy(new Faults());
    const d = deployment({ type: 'Recreate' });
    hook('CREATE', d);
    assert.deepEqual(d.spec.strategy, { type: 'Recreate' });
  });

  it('forces RollingUpdate with 25%/25% and Recreate without parameters', () => {
    const faults = new Faults([parseFault('strategy=RollingUpdate')]);
    const hook = strategyPolicy(faults);
    const d = deployment({ type: 'Recreate' });
    hook('CREATE', d);
    assert.deepEqual(d.spec.strategy, {
      type: 'RollingUpdate',
      rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' },
    });
    faults.set(parseFault('strategy=Recreate'));
    const r = deployment({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } });
    hook('CREATE', r);
    assert.deepEqual(r.spec.strategy, { type: 'Recreate' });
  });

  it('applies on spec changes, not on metadata-only updates', () => {
    const hook = strategyPolicy(new Faults([parseFault('strategy=RollingUpdate')]));
    const old = deployment({ type: 'Recreate' });
    const annotated = { ...deployment({ type: 'Recreate' }), metadata: { name: 'd', annotations: { a: 'b' } } };
    hook('UPDATE', annotated, old);
    assert.deepEqual(annotated.spec.strategy, { type: 'Recreate' });
    const upgraded = deployment({ type: 'Recreate' }, 'i:2');
    hook('UPDATE', upgraded, old);
    assert.equal(upgraded.spec.strategy.type, 'RollingUpdate');
  });
});
