import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../kube/types.ts';
import { ProgressStamps, calculateStatus, rolloutStatus } from './deployment-status.ts';
import { ManualClock } from './manual-clock.ts';

function deployment(status: KubeObject['status']): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'foundry', namespace: 'foundry-system', uid: 'd1', generation: 2 },
    spec: {
      replicas: 1,
      progressDeadlineSeconds: 30,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
    },
    status,
  };
}

function rs(name: string, replicas: number, status: Record<string, number>): KubeObject {
  return { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name }, spec: { replicas }, status };
}

describe('deployment status', () => {
  it('counts replicas and sets Available with the upstream wording', () => {
    const d = deployment({});
    const old = rs('foundry-old', 1, { replicas: 1, readyReplicas: 1, availableReplicas: 1 });
    const fresh = rs('foundry-new', 1, { replicas: 1 });
    const status = calculateStatus(d, [old, fresh], fresh, '2026-11-26T08:00:00Z');
    assert.equal(status.replicas, 2);
    assert.equal(status.updatedReplicas, 1);
    assert.equal(status.availableReplicas, 1);
    assert.equal(status.unavailableReplicas, 1);
    assert.equal(status.observedGeneration, 2);
    assert.deepEqual(
      status.conditions.map((c: { type: string; status: string; reason: string; message: string }) => [
        c.type,
        c.status,
        c.reason,
        c.message,
      ]),
      [['Available', 'True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.']],
    );
  });

  it('reports ProgressDeadlineExceeded only once the deadline passed without progress', () => {
    const clock = new ManualClock();
    const stamps = new ProgressStamps();
    const old = rs('foundry-old', 1, { replicas: 1, readyReplicas: 1, availableReplicas: 1 });
    const fresh = rs('foundry-new', 1, { replicas: 1 });
    const start = clock.nowRfc3339();
    const progressing = {
      type: 'Progressing',
      status: 'True',
      reason: 'ReplicaSetUpdated',
      message: 'ReplicaSet "foundry-new" is progressing.',
      lastUpdateTime: start,
      lastTransitionTime: start,
    };
    stamps.note('d1', start, clock.now().getTime());
    const counters = {
      observedGeneration: 2,
      replicas: 2,
      updatedReplicas: 1,
      readyReplicas: 1,
      availableReplicas: 1,
      unavailableReplicas: 1,
    };
    const d = deployment({ ...counters, conditions: [progressing] });

    clock.advance(29_000);
    const early = rolloutStatus(d, [old, fresh], fresh, clock, stamps);
    assert.equal(
      early.status.conditions.find((c: { type: string }) => c.type === 'Progressing').reason,
      'ReplicaSetUpdated',
    );
    assert.ok(
      early.requeueAfterMs !== undefined && early.requeueAfterMs > 900 && early.requeueAfterMs < 1100,
      String(early.requeueAfterMs),
    );

    clock.advance(1_000);
    const late = rolloutStatus(d, [old, fresh], fresh, clock, stamps);
    const cond = late.status.conditions.find((c: { type: string }) => c.type === 'Progressing');
    assert.equal(cond.status, 'False');
    assert.equal(cond.reason, 'ProgressDeadlineExceeded');
    assert.equal(cond.message, 'ReplicaSet "foundry-new" has timed out progressing.');
    assert.equal(late.requeueAfterMs, undefined);
  });

  it('marks a finished rollout NewReplicaSetAvailable', () => {
    const clock = new ManualClock();
    const fresh = rs('foundry-new', 1, { replicas: 1, readyReplicas: 1, availableReplicas: 1 });
    const d = deployment({ observedGeneration: 1, replicas: 1, updatedReplicas: 1 });
    const { status } = rolloutStatus(d, [fresh], fresh, clock, new ProgressStamps());
    const cond = status.conditions.find((c: { type: string }) => c.type === 'Progressing');
    assert.equal(cond.reason, 'NewReplicaSetAvailable');
    assert.equal(cond.message, 'ReplicaSet "foundry-new" has successfully progressed.');
  });
});
