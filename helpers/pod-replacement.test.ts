import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzePodLifecycle, type PodObservation, type PodSnapshot } from './pod-lifecycle.ts';
import { replacementState } from './pod-replacement.ts';

const pod = (name: string, phase: string, ready: boolean, extra: Partial<PodSnapshot> = {}): PodSnapshot => ({
  name,
  uid: name,
  phase,
  gpu: 1,
  nodeName: phase === 'Pending' ? undefined : 'gpu-node',
  conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
  ...extra,
});

describe('replacementState', () => {
  const push = 1_000;
  const base: PodObservation[] = [{ at: 500, type: 'ADDED', pod: pod('old', 'Running', true) }];

  it('is not done while the old pod runs and no new pod exists', () => {
    const s = replacementState(analyzePodLifecycle(base), push);
    assert.equal(s.done, false);
    assert.equal(s.reason, 'pod replacement: old pod old Running still present; no new pod yet');
  });

  it('is not done while the new pod is not Ready', () => {
    const obs = [
      ...base,
      { at: 1_500, type: 'DELETED' as const, pod: pod('old', 'Running', false) },
      { at: 1_600, type: 'ADDED' as const, pod: pod('new', 'Pending', false) },
    ];
    const s = replacementState(analyzePodLifecycle(obs), push);
    assert.equal(s.done, false);
    assert.match(s.reason, /new pod new Pending not Ready/);
  });

  it('is done when the old pod is gone and a new one is Ready', () => {
    const obs = [
      ...base,
      {
        at: 1_200,
        type: 'MODIFIED' as const,
        pod: pod('old', 'Running', false, { deletionTimestamp: '2025-01-01T00:00:01Z' }),
      },
      { at: 1_500, type: 'DELETED' as const, pod: pod('old', 'Running', false) },
      { at: 1_600, type: 'ADDED' as const, pod: pod('new', 'Pending', false) },
      { at: 2_600, type: 'MODIFIED' as const, pod: pod('new', 'Running', true) },
    ];
    const s = replacementState(analyzePodLifecycle(obs), push);
    assert.deepEqual([s.done, s.oldPods, s.newPods, s.readyPod], [true, ['old'], ['new'], 'new']);
  });

  it('is not done when a new pod is Ready but the old one still runs (RollingUpdate with spare GPUs)', () => {
    const obs = [...base, { at: 1_600, type: 'ADDED' as const, pod: pod('new', 'Running', true) }];
    assert.equal(replacementState(analyzePodLifecycle(obs), push).done, false);
  });
});
