import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../kube/types.ts';
import {
  deploymentComplete,
  deploymentProgressing,
  maxSurge,
  maxUnavailable,
  newReplicaSetReplicas,
  resolveFenceposts,
  scaledValue,
} from './rollout-math.ts';

function deployment(replicas: number, strategy: KubeObject['spec']['strategy']): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'd', generation: 2 },
    spec: { replicas, strategy },
  };
}

function rs(replicas: number): KubeObject {
  return { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: `rs-${replicas}` }, spec: { replicas } };
}

describe('rollout arithmetic', () => {
  it('rounds surge up and unavailability down', () => {
    assert.equal(scaledValue('25%', 1, true), 1);
    assert.equal(scaledValue('25%', 1, false), 0);
    assert.equal(scaledValue('25%', 10, true), 3);
    assert.equal(scaledValue('25%', 10, false), 2);
    assert.equal(scaledValue(2, 10, false), 2);
    assert.throws(() => scaledValue('abc', 10, true), /not a percentage/);
  });

  it('never lets both fenceposts be zero', () => {
    assert.deepEqual(resolveFenceposts(0, 0, 1), [0, 1]);
    assert.deepEqual(resolveFenceposts('0%', '0%', 4), [0, 1]);
  });

  it('gives one GPU replica with 25%/25% a surge of 1 and no unavailability: the deadlock', () => {
    const d = deployment(1, { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } });
    assert.equal(maxSurge(d), 1);
    assert.equal(maxUnavailable(d), 0);
    const old = rs(1);
    const fresh = rs(0);
    // The new ReplicaSet may grow to 1 while the old keeps its 1 …
    assert.equal(newReplicaSetReplicas(d, [old, fresh], fresh), 1);
    // … and then nothing more moves: 2 pods is the ceiling.
    assert.equal(newReplicaSetReplicas(d, [old, rs(1)], rs(1)), 1);
  });

  it('has no surge and no unavailability budget under Recreate', () => {
    const d = deployment(3, { type: 'Recreate' });
    assert.equal(maxSurge(d), 0);
    assert.equal(maxUnavailable(d), 0);
    assert.equal(newReplicaSetReplicas(d, [rs(3), rs(0)], rs(0)), 3);
  });

  it('judges completeness and progress like upstream', () => {
    const d = deployment(1, { type: 'Recreate' });
    const done = {
      observedGeneration: 2,
      replicas: 1,
      updatedReplicas: 1,
      readyReplicas: 1,
      availableReplicas: 1,
      unavailableReplicas: 0,
    };
    assert.equal(deploymentComplete(d, done), true);
    assert.equal(deploymentComplete(d, { ...done, observedGeneration: 1 }), false);
    assert.equal(deploymentComplete(d, { ...done, replicas: 2 }), false);
    const before = { replicas: 2, updatedReplicas: 1, readyReplicas: 1, availableReplicas: 1 };
    assert.equal(deploymentProgressing(before, { ...done, replicas: 2, updatedReplicas: 1 }), false);
    assert.equal(deploymentProgressing(before, { ...done, replicas: 1, updatedReplicas: 1 }), true);
  });
});
