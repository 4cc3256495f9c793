import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Condition } from './conditions.ts';
import { fluxFailure, waitingForDependency } from './flux-failure.ts';

const obj = (kind: string, generation: number, conditions: Condition[]) => ({
  kind,
  metadata: { name: 'x', namespace: 'ns', generation },
  status: { observedGeneration: generation, conditions },
});

/** Ready=False with a reason and message. */
const notReady = (reason: string, message: string) => ({ type: 'Ready', status: 'False' as const, reason, message });

describe('fluxFailure', () => {
  it('is undefined while Ready=True or still progressing', () => {
    assert.equal(
      fluxFailure(obj('GitRepository', 1, [{ type: 'Ready', status: 'True', reason: 'Succeeded' }])),
      undefined,
    );
    assert.equal(
      fluxFailure(
        obj('HelmRelease', 2, [{ type: 'Ready', status: 'Unknown', reason: 'Progressing', observedGeneration: 2 }]),
      ),
      undefined,
    );
  });

  it('does not treat a dependency wait or a moving source artifact as a failure', () => {
    const waits = [
      notReady('DependencyNotReady', "dependency 'ns/infra' revision is not up to date"),
      notReady('ArtifactFailed', 'Source artifact not found, retrying in 30s'),
    ];
    for (const wait of waits) assert.equal(fluxFailure(obj('Kustomization', 1, [wait])), undefined, wait.reason);
  });

  it('quotes a failed fetch of a GitRepository', () => {
    const f = fluxFailure(
      obj('GitRepository', 1, [
        notReady('GitOperationFailed', 'failed to checkout: 429 Too Many Requests'),
        { type: 'FetchFailed', status: 'True', reason: 'GitOperationFailed', message: 'x' },
      ]),
    );
    assert.equal(
      f?.text,
      'GitRepository ns/x Ready=False (GitOperationFailed: failed to checkout: 429 Too Many Requests)',
    );
  });

  it('fails a HelmRelease on Released=False UpgradeFailed of its current generation, not of an older one', () => {
    const released = {
      type: 'Released',
      status: 'False',
      reason: 'UpgradeFailed',
      message: 'Helm upgrade failed: timed out',
      observedGeneration: 2,
    };
    assert.match(
      fluxFailure(obj('HelmRelease', 2, [{ type: 'Ready', status: 'Unknown', reason: 'Progressing' }, released]))!.text,
      /Released=False \(UpgradeFailed: Helm upgrade failed: timed out\)/,
    );
    assert.equal(fluxFailure(obj('HelmRelease', 3, [released])), undefined);
  });

  it('fails on Stalled and RetriesExceeded', () => {
    assert.match(
      fluxFailure(
        obj('HelmRelease', 1, [
          {
            type: 'Stalled',
            status: 'True',
            reason: 'RetriesExceeded',
            message: 'Failed to upgrade after 4 attempt(s)',
          },
        ]),
      )!.text,
      /Stalled=True \(RetriesExceeded/,
    );
    assert.match(
      fluxFailure(obj('HelmRelease', 1, [{ type: 'Ready', status: 'False', reason: 'RetriesExceeded', message: 'm' }]))!
        .text,
      /RetriesExceeded/,
    );
  });
});

describe('waitingForDependency', () => {
  it('returns the DependencyNotReady condition only', () => {
    assert.equal(
      waitingForDependency(
        obj('Kustomization', 1, [{ type: 'Ready', status: 'False', reason: 'DependencyNotReady', message: 'm' }]),
      )?.message,
      'm',
    );
    assert.equal(
      waitingForDependency(obj('Kustomization', 1, [{ type: 'Ready', status: 'False', reason: 'BuildFailed' }])),
      undefined,
    );
  });
});
