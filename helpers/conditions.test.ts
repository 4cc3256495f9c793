import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  describeConditions,
  describeReady,
  fluxObjectSettled,
  getCondition,
  isReady,
  readRevision,
  type ConditionedObject,
} from './conditions.ts';

function helmRelease(
  overrides: {
    generation?: number;
    observedGeneration?: number;
    version?: number;
    ready?: Partial<{ status: string; reason: string; message: string; observedGeneration: number }>;
    lastHandled?: string;
    stalled?: boolean;
  } = {},
): ConditionedObject {
  const generation = overrides.generation ?? 2;
  return {
    kind: 'HelmRelease',
    metadata: { name: 'foundry-gpu-oras', namespace: 'foundry-system', generation },
    status: {
      observedGeneration: overrides.observedGeneration ?? generation,
      lastHandledReconcileAt: overrides.lastHandled,
      history: [{ version: overrides.version ?? 2, status: 'deployed' }],
      conditions: [
        {
          type: 'Released',
          status: 'True',
          reason: 'UpgradeSucceeded',
          message: 'Helm upgrade succeeded',
        },
        {
          type: 'Ready',
          status: 'True',
          reason: 'UpgradeSucceeded',
          message: 'Helm upgrade succeeded for release foundry-system/foundry-gpu-oras.v2 with chart foundry@0.1.0',
          observedGeneration: generation,
          ...overrides.ready,
        },
        ...(overrides.stalled
          ? [
              {
                type: 'Stalled',
                status: 'True',
                reason: 'RetriesExceeded',
                message: 'Failed to upgrade after 1 attempt(s)',
              },
            ]
          : []),
      ],
    },
  };
}

describe('condition readers', () => {
  it('finds conditions and checks readiness against the generation', () => {
    assert.equal(getCondition(helmRelease(), 'Released')?.reason, 'UpgradeSucceeded');
    assert.equal(getCondition(helmRelease(), 'Nope'), undefined);
    assert.equal(isReady(helmRelease()), true);
    assert.equal(isReady(helmRelease({ observedGeneration: 1 })), false, 'status.observedGeneration behind');
    assert.equal(isReady(helmRelease({ ready: { observedGeneration: 1 } })), false, 'Ready condition stale');
    assert.equal(isReady(helmRelease({ ready: { status: 'False' } })), false);
    assert.equal(isReady({ kind: 'X', metadata: { name: 'x' } }), false);
    assert.equal(isReady(undefined), false);
  });

  it('describes conditions on one line, Ready first', () => {
    const obj = helmRelease({
      ready: { status: 'False', reason: 'UpgradeFailed', message: 'Helm upgrade failed:\n  timed out waiting' },
    });
    assert.equal(
      describeConditions(obj),
      'Ready=False (UpgradeFailed: Helm upgrade failed: timed out waiting); Released=True (UpgradeSucceeded: Helm upgrade succeeded)',
    );
    assert.equal(describeReady(obj), 'Ready=False UpgradeFailed: Helm upgrade failed: timed out waiting');
    assert.equal(describeConditions({ status: {} }), 'no conditions');
    const long = describeConditions(helmRelease({ ready: { message: 'x'.repeat(1000) } }));
    assert.ok(long.length < 400 && long.includes('…'));
  });
});

describe('fluxObjectSettled', () => {
  it('is ok when request, generation, revision and Ready all line up', () => {
    const res = fluxObjectSettled(helmRelease({ lastHandled: 't2' }), { requestedAt: 't2', revision: 2 });
    assert.equal(res.ok, true);
    assert.match(
      res.reason,
      /^HelmRelease foundry-system\/foundry-gpu-oras is Ready at history\[0\]\.version 2 \(Ready=True UpgradeSucceeded: /,
    );
  });

  it('explains a revision not reached yet in the expected/actual style', () => {
    const obj = helmRelease({ version: 1, ready: { status: 'False', reason: 'UpgradeFailed', message: 'boom' } });
    assert.deepEqual(fluxObjectSettled(obj, { revision: 2 }), {
      ok: false,
      terminal: false,
      reason:
        'HelmRelease foundry-system/foundry-gpu-oras history[0].version to be 2, is 1 (Ready=False UpgradeFailed: boom)',
    });
  });

  it('waits for the reconcile request to be handled and the generation to be observed', () => {
    assert.match(
      fluxObjectSettled(helmRelease({ lastHandled: 'old' }), { requestedAt: 'new' }).reason,
      /lastHandledReconcileAt to be "new", is "old"/,
    );
    assert.match(
      fluxObjectSettled(helmRelease({ generation: 3, observedGeneration: 2 })).reason,
      /observedGeneration to be 3, is 2/,
    );
    assert.match(
      fluxObjectSettled(helmRelease({ ready: { observedGeneration: 1 } })).reason,
      /Ready condition to describe generation 2, describes 1/,
    );
    assert.match(
      fluxObjectSettled(helmRelease({ ready: { status: 'Unknown', reason: 'Progressing' } })).reason,
      /Ready to be True, is Unknown \(Ready=Unknown Progressing/,
    );
  });

  it('does not accept Ready=True of the previous revision', () => {
    const git = {
      kind: 'GitRepository',
      metadata: { name: 'foundry-gitops', namespace: 'flux-system', generation: 1 },
      status: {
        observedGeneration: 1,
        artifact: { revision: 'main@sha1:1111111111111111111111111111111111111111' },
        conditions: [
          { type: 'Ready', status: 'True', reason: 'Succeeded', message: 'stored artifact', observedGeneration: 1 },
        ],
      },
    };
    const res = fluxObjectSettled(git, { revision: 'main@sha1:2222222222222222222222222222222222222222' });
    assert.equal(res.ok, false);
    assert.equal(
      res.reason,
      'GitRepository flux-system/foundry-gitops artifact.revision to be main@sha1:2222222222222222222222222222222222222222, is main@sha1:1111111111111111111111111111111111111111 (Ready=True Succeeded: stored artifact)',
    );
  });

  it('flags Stalled as terminal and handles missing objects and status', () => {
    const stalled = fluxObjectSettled(helmRelease({ stalled: true }), { revision: 2 });
    assert.equal(stalled.terminal, true);
    assert.match(stalled.reason, /is stalled \(RetriesExceeded: Failed to upgrade after 1 attempt\(s\)\)/);
    assert.equal(fluxObjectSettled(undefined).reason, 'object not found');
    assert.equal(
      fluxObjectSettled({ kind: 'Kustomization', metadata: { name: 'k', namespace: 'flux-system' } }).reason,
      'Kustomization flux-system/k has no status yet',
    );
  });

  it('reads revisions per kind and API version, or from an explicit field', () => {
    assert.deepEqual(readRevision({ kind: 'ImagePolicy', status: { latestRef: { name: 'r', tag: 'v0.2.0' } } }), {
      path: 'latestRef.tag',
      value: 'v0.2.0',
    });
    assert.deepEqual(
      readRevision({
        kind: 'ImagePolicy',
        status: { latestImage: 'localhost:5000/foundry-local-olive-models:v0.2.0' },
      }),
      {
        path: 'latestImage',
        value: 'v0.2.0',
      },
    );
    assert.deepEqual(readRevision({ kind: 'HelmRelease', status: { lastReleaseRevision: 3 } }), {
      path: 'lastReleaseRevision',
      value: 3,
    });
    assert.deepEqual(
      readRevision({ kind: 'Kustomization', status: { lastAttemptedRevision: 'x' } }, 'status.lastAttemptedRevision'),
      {
        path: 'lastAttemptedRevision',
        value: 'x',
      },
    );
    assert.throws(
      () => readRevision({ kind: 'ConfigMap', status: {} }),
      /no default revision field for kind ConfigMap/,
    );
  });
});
