import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Condition } from './conditions.ts';
import { helmBaseline, helmReleaseVersion, helmUpgradeProgress } from './helm-upgrade.ts';

const T0 = '2025-11-26T08:30:00Z';
const T1 = '2025-11-26T08:30:05Z';
const T2 = '2025-11-26T08:30:20Z';

function hr(
  generation: number,
  observed: number,
  history: Array<{ version: number; status: string; lastDeployed: string }>,
  conditions: Condition[],
  extra: Record<string, unknown> = {},
) {
  return {
    kind: 'HelmRelease',
    metadata: { name: 'foundry-gpu-oras', namespace: 'foundry-system', generation },
    status: { observedGeneration: observed, history, conditions, ...extra },
  };
}
const installed = hr(
  1,
  1,
  [{ version: 1, status: 'deployed', lastDeployed: T0 }],
  [{ type: 'Ready', status: 'True', reason: 'InstallSucceeded', observedGeneration: 1, lastTransitionTime: T0 }],
);

/** Release 1 deployed at T0: the history before the upgrade. */
const v1Deployed = [{ version: 1, status: 'deployed', lastDeployed: T0 }];
/** Ready with a message for generation 2, changed at `at` when given. */
const ready2 = (status: Condition['status'], reason: string, message: string, at?: string): Condition => ({
  type: 'Ready',
  status,
  reason,
  message,
  observedGeneration: 2,
  ...(at === undefined ? {} : { lastTransitionTime: at }),
});

describe('helmUpgradeProgress', () => {
  const baseline = helmBaseline(installed);

  it('records the baseline', () => {
    assert.deepEqual(baseline, { generation: 1, version: 1 });
  });

  it('has not started while the generation is unchanged', () => {
    const p = helmUpgradeProgress(installed, baseline);
    assert.equal(p.started, false);
    assert.equal(p.succeeded, false);
    assert.match(p.reason, /history\[0\]\.version to be 2, is 1 \(generation 1 not newer than 1\)/);
  });

  it('starts when the controller reconciles the new generation, with the server time', () => {
    const p = helmUpgradeProgress(
      hr(2, 1, v1Deployed, [
        ready2('Unknown', 'Progressing', "Running 'upgrade' action with timeout of 5m0s", T1),
        { type: 'Reconciling', status: 'True', reason: 'Progressing', observedGeneration: 2, lastTransitionTime: T0 },
      ]),
      baseline,
    );
    assert.equal(p.started, true);
    assert.equal(p.succeeded, false);
    assert.equal(p.startedAtServer, Date.parse(T1));
    assert.match(
      p.reason,
      /HelmRelease foundry-system\/foundry-gpu-oras history\[0\]\.version to be 2, is 1 \(Ready=Unknown Progressing: Running 'upgrade'/,
    );
  });

  it('reconciling the new generation before running the action is not yet a start (a busy helm-controller)', () => {
    const p = helmUpgradeProgress(
      hr(
        2,
        1,
        v1Deployed,
        [
          { type: 'Ready', status: 'True', reason: 'InstallSucceeded', observedGeneration: 1 },
          { type: 'Reconciling', status: 'True', reason: 'Progressing', observedGeneration: 2, lastTransitionTime: T1 },
        ],
        { lastAttemptedGeneration: 1 },
      ),
      baseline,
    );
    assert.equal(p.started, false);
  });

  it('a new generation alone, not yet picked up, is not a start', () => {
    const p = helmUpgradeProgress(
      hr(2, 1, v1Deployed, [{ type: 'Ready', status: 'True', observedGeneration: 1 }]),
      baseline,
    );
    assert.equal(p.started, false);
  });

  it('succeeds with release 2 deployed and Ready for the generation', () => {
    const p = helmUpgradeProgress(
      hr(
        2,
        2,
        [
          { version: 2, status: 'deployed', lastDeployed: T1 },
          { version: 1, status: 'superseded', lastDeployed: T0 },
        ],
        [{ type: 'Ready', status: 'True', reason: 'UpgradeSucceeded', observedGeneration: 2, lastTransitionTime: T2 }],
      ),
      baseline,
    );
    assert.deepEqual([p.started, p.succeeded, p.failed, p.version], [true, true, false, 2]);
    assert.equal(p.startedAtServer, Date.parse(T1));
    assert.equal(p.succeededAtServer, Date.parse(T2));
  });

  it('fails on UpgradeFailed / RetriesExceeded for the current generation', () => {
    const p = helmUpgradeProgress(
      hr(
        2,
        2,
        [
          { version: 2, status: 'failed', lastDeployed: T1 },
          { version: 1, status: 'superseded', lastDeployed: T0 },
        ],
        [
          ready2('False', 'UpgradeFailed', 'context deadline exceeded'),
          { type: 'Stalled', status: 'True', reason: 'RetriesExceeded', observedGeneration: 2 },
        ],
      ),
      baseline,
    );
    assert.deepEqual([p.succeeded, p.failed], [false, true]);
    assert.match(p.reason, /UpgradeFailed: context deadline exceeded/);
  });

  it('does not give up on a failure Flux will retry', () => {
    const p = helmUpgradeProgress(
      hr(2, 2, v1Deployed, [
        ready2('False', 'ReconciliationFailed', 'TAR_BAD_ARCHIVE: Unrecognized archive format'),
        { type: 'Released', status: 'False', reason: 'UpgradeFailed', observedGeneration: 2 },
      ]),
      baseline,
    );
    assert.deepEqual([p.succeeded, p.failed], [false, false]);
    assert.match(p.reason, /Ready=False ReconciliationFailed: TAR_BAD_ARCHIVE/);
  });

  it('reads v2beta1 lastReleaseRevision', () => {
    const beta = { kind: 'HelmRelease', metadata: { generation: 3 }, status: { lastReleaseRevision: 4 } };
    assert.equal(helmReleaseVersion(beta), 4);
    assert.match(helmUpgradeProgress(beta, { generation: 2, version: 4 }).reason, /lastReleaseRevision to be 5, is 4/);
  });
});
