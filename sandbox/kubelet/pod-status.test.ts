import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../kube/types.ts';
import { buildPodStatus, podPhase, type PodStatusInput } from './pod-status.ts';

const pod: KubeObject = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', namespace: 'n' },
  spec: { restartPolicy: 'Always', containers: [{ name: 'foundry' }] },
  status: {
    phase: 'Pending',
    qosClass: 'BestEffort',
    conditions: [
      { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: '2026-11-26T07:00:00Z' },
    ],
  },
};

function input(
  containerStatuses: PodStatusInput['containerStatuses'],
  extra: Partial<PodStatusInput> = {},
): PodStatusInput {
  return {
    pod,
    now: '2026-11-26T08:00:00Z',
    hostIP: '10.224.0.4',
    podIP: '10.244.0.5',
    startTime: '2026-11-26T07:59:00Z',
    sandboxReady: true,
    initStatuses: [],
    initialized: true,
    containerStatuses,
    ...extra,
  };
}

const waiting = { name: 'foundry', ready: false, state: { waiting: { reason: 'ContainerCreating' } }, lastState: {} };
const running = { name: 'foundry', ready: true, state: { running: { startedAt: 'x' } }, lastState: {} };
const crashLooping = {
  name: 'foundry',
  ready: false,
  state: { waiting: { reason: 'CrashLoopBackOff' } },
  lastState: { terminated: { exitCode: 1 } },
};

describe('pod status', () => {
  it('derives the phase like getPhase', () => {
    assert.equal(podPhase(input([waiting])), 'Pending');
    assert.equal(podPhase(input([running])), 'Running');
    assert.equal(podPhase(input([crashLooping])), 'Running');
    assert.equal(podPhase(input([running], { initialized: false })), 'Pending');
    assert.equal(podPhase(input([running], { terminalPhase: 'Succeeded' })), 'Succeeded');
  });

  it('reports unready containers in Ready and ContainersReady, keeps PodScheduled', () => {
    const status = buildPodStatus(input([waiting]));
    const byType = Object.fromEntries(status.conditions.map((c: { type: string }) => [c.type, c]));
    assert.deepEqual(Object.keys(byType), [
      'PodReadyToStartContainers',
      'Initialized',
      'Ready',
      'ContainersReady',
      'PodScheduled',
    ]);
    assert.equal(byType.Ready.status, 'False');
    assert.equal(byType.Ready.reason, 'ContainersNotReady');
    assert.equal(byType.Ready.message, 'containers with unready status: [foundry]');
    assert.equal(byType.PodScheduled.lastTransitionTime, '2026-11-26T07:00:00Z');
    assert.equal(status.podIP, '10.244.0.5');
    assert.deepEqual(status.hostIPs, [{ ip: '10.224.0.4' }]);
    const ready = buildPodStatus(input([running]));
    assert.equal(ready.conditions.find((c: { type: string }) => c.type === 'Ready').status, 'True');
    assert.equal(ready.phase, 'Running');
  });
});
