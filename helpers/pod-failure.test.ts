import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describePodFailure, podFailure } from './pod-failure.ts';
import type { PodContainerStatus } from './pod-lifecycle.ts';

// Raw API statuses: `running` is a state the snapshot type leaves out.
const pod = (statuses: object[]) => ({
  name: 'foundry-abc',
  uid: 'u',
  gpu: 1,
  containerStatuses: statuses as PodContainerStatus[],
});

describe('podFailure', () => {
  it('is undefined for a starting or running container', () => {
    assert.equal(
      podFailure(pod([{ name: 'foundry', restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } } }])),
      undefined,
    );
    assert.equal(podFailure(pod([{ name: 'foundry', restartCount: 0, state: { running: {} } }])), undefined);
  });

  it('reports CrashLoopBackOff with the last exit', () => {
    const f = podFailure(
      pod([
        {
          name: 'foundry',
          restartCount: 2,
          state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 20s restarting failed container' } },
          lastState: { terminated: { exitCode: 1, reason: 'Error' } },
        },
      ]),
    )!;
    assert.equal(f.what, 'CrashLoopBackOff; last exit 1 (Error)');
    assert.equal(
      describePodFailure(f, ['❌ Failed to deploy BYO models: digest mismatch']),
      'new pod foundry-abc: container foundry CrashLoopBackOff; last exit 1 (Error) — back-off 20s restarting failed container — log: ❌ Failed to deploy BYO models: digest mismatch',
    );
  });

  it('reports an image pull failure and a first crash before any back-off', () => {
    assert.equal(
      podFailure(pod([{ name: 'foundry', state: { waiting: { reason: 'ImagePullBackOff' } } }]))?.what,
      'ImagePullBackOff',
    );
    assert.equal(
      podFailure(pod([{ name: 'foundry', restartCount: 0, state: { terminated: { exitCode: 1, reason: 'Error' } } }]))
        ?.what,
      'exited 1 (Error)',
    );
    assert.equal(podFailure(pod([{ name: 'foundry', restartCount: 1, state: { running: {} } }]))?.what, 'restarted 1×');
  });

  it('does not count a clean exit', () => {
    assert.equal(
      podFailure(
        pod([{ name: 'foundry', restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } }]),
      ),
      undefined,
    );
  });
});
