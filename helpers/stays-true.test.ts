import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  describeEvent,
  eventConcerns,
  formatMovements,
  movedFrom,
  orderMovements,
  type EndState,
} from './stays-true.ts';

const SHA = 'a'.repeat(40);
const end: EndState = { commit: SHA, helmVersion: 2, imagePolicyTag: 'v0.2.0', pod: 'foundry-new' };
const known = { podRestarts: new Map([['foundry-new', 0]]), replicaSets: new Set(['foundry-rs2']) };
const meta = (name: string) => ({ name, namespace: 'foundry-system' });

describe('stays-true movements', () => {
  it('sees a new Helm release, a Kustomization on another commit and an ImagePolicy on another tag', () => {
    assert.equal(
      movedFrom(end, { kind: 'HelmRelease', metadata: meta('hr'), status: { history: [{ version: 2 }] } }, known),
      undefined,
    );
    assert.match(
      movedFrom(end, { kind: 'HelmRelease', metadata: meta('hr'), status: { history: [{ version: 3 }] } }, known)!,
      /new Helm release v3 \(the flow ended on v2\)/,
    );
    assert.equal(
      movedFrom(
        end,
        { kind: 'Kustomization', metadata: meta('k'), status: { lastAppliedRevision: `main@sha1:${SHA}` } },
        known,
      ),
      undefined,
    );
    assert.match(
      movedFrom(
        end,
        { kind: 'Kustomization', metadata: meta('k'), status: { lastAppliedRevision: `main@sha1:${'b'.repeat(40)}` } },
        known,
      )!,
      /lastAppliedRevision is main@sha1:b+/,
    );
    assert.equal(
      movedFrom(end, { kind: 'ImagePolicy', metadata: meta('ip'), status: { latestRef: { tag: 'v0.2.0' } } }, known),
      undefined,
    );
    assert.match(
      movedFrom(end, { kind: 'ImagePolicy', metadata: meta('ip'), status: { latestImage: 'r:5000/m:v0.3.0' } }, known)!,
      /selects v0\.3\.0, expected v0\.2\.0/,
    );
  });

  it("sees a restart of the flow's pod with its last state, a new pod and a new ReplicaSet", () => {
    const restarted = {
      kind: 'Pod',
      metadata: meta('foundry-new'),
      status: {
        containerStatuses: [
          {
            name: 'foundry',
            restartCount: 1,
            lastState: { terminated: { reason: 'Error', exitCode: 137, finishedAt: '2026-12-07T19:00:00Z' } },
          },
        ],
      },
    };
    assert.equal(
      movedFrom(end, restarted, known),
      'container foundry restarted (restartCount 1; last state Error, exit code 137 at 2026-12-07T19:00:00Z)',
    );
    assert.equal(
      movedFrom(
        end,
        {
          kind: 'Pod',
          metadata: meta('foundry-new'),
          status: { containerStatuses: [{ name: 'foundry', restartCount: 0 }] },
        },
        known,
      ),
      undefined,
    );
    assert.equal(movedFrom(end, { kind: 'Pod', metadata: meta('foundry-other') }, known), 'new pod');
    assert.equal(movedFrom(end, { kind: 'Pod', metadata: meta('foundry-new') }, known, true), 'deleted');
    assert.equal(movedFrom(end, { kind: 'ReplicaSet', metadata: meta('foundry-rs2') }, known), undefined);
    assert.match(
      movedFrom(
        end,
        {
          kind: 'ReplicaSet',
          metadata: { ...meta('foundry-rs3'), ownerReferences: [{ kind: 'Deployment', name: 'foundry' }] },
        },
        known,
      )!,
      /new ReplicaSet \(a second rollout of foundry\)/,
    );
  });

  it('ties events to the moved object or its owner, and words the verdict with when and why', () => {
    const event = {
      kind: 'Event',
      type: 'Warning',
      reason: 'BackOff',
      message: 'Back-off restarting failed container',
      metadata: meta('e1'),
      involvedObject: { kind: 'Pod', namespace: 'foundry-system', name: 'foundry-new' },
    };
    assert.equal(
      describeEvent(event),
      'Warning BackOff on Pod foundry-system/foundry-new: Back-off restarting failed container',
    );
    assert.equal(eventConcerns(event, { kind: 'Pod', metadata: meta('foundry-new') }), true);
    assert.equal(eventConcerns(event, { kind: 'Pod', metadata: meta('foundry-x') }), false);
    const rsEvent = { ...event, involvedObject: { kind: 'Deployment', namespace: 'foundry-system', name: 'foundry' } };
    assert.equal(
      eventConcerns(rsEvent, {
        kind: 'ReplicaSet',
        metadata: { ...meta('rs3'), ownerReferences: [{ kind: 'Deployment', name: 'foundry' }] },
      }),
      true,
    );
    const text = formatMovements(
      [
        {
          at: 4_200,
          subject: 'Pod foundry-system/foundry-new',
          what: 'container foundry restarted (restartCount 1)',
          why: [describeEvent(event)],
        },
      ],
      1_000,
      10_000,
    );
    assert.match(
      text,
      /^1 movement in the 10s stays-true window:\nat \+3\.2s: Pod foundry-system\/foundry-new container foundry restarted \(restartCount 1\) — why: Warning BackOff/,
    );
    assert.match(
      formatMovements([{ at: 0, subject: 'Branch git', what: 'points to b', why: [] }], 1_500, 10_000),
      /1\.5s before the window began: Branch git points to b — no event explains it/,
    );
  });

  it('lists state changes before the Warning events that accompany them', () => {
    const warning = { at: 1, subject: 'Pod p', what: 'Warning event Unhealthy: probe failed', why: [] };
    const restart = { at: 2, subject: 'Pod p', what: 'container foundry restarted (restartCount 1)', why: [] };
    const release = { at: 3, subject: 'HelmRelease h', what: 'new Helm release v3', why: [] };
    assert.deepEqual(
      orderMovements([warning, release, restart]).map((m) => m.at),
      [2, 3, 1],
    );
  });
});
