import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { artifactStoredAt, conditionChangedAt, kustomizationAppliedAt, scannedAt } from './flux-times.ts';

const SHA = '0123456789abcdef0123456789abcdef01234567';
const OTHER = 'f'.repeat(40);
const T = '2025-11-26T08:30:05Z';

describe('flux times', () => {
  it('reads the artifact time only for the expected commit', () => {
    const repo = { status: { artifact: { revision: `main@sha1:${SHA}`, lastUpdateTime: T } } };
    assert.equal(artifactStoredAt(repo, SHA), Date.parse(T));
    assert.equal(artifactStoredAt(repo), Date.parse(T));
    assert.equal(artifactStoredAt(repo, OTHER), undefined);
  });

  it('reads the Kustomization apply time from Ready, else from history', () => {
    const ready = {
      status: {
        conditions: [
          { type: 'Ready', status: 'True', message: `Applied revision: main@sha1:${SHA}`, lastTransitionTime: T },
        ],
      },
    };
    assert.equal(kustomizationAppliedAt(ready, SHA), Date.parse(T));
    assert.equal(kustomizationAppliedAt(ready, OTHER), undefined);
    const history = {
      status: {
        conditions: [],
        history: [{ metadata: { revision: `main@sha1:${SHA}` }, lastReconciled: '2025-11-26T08:30:06Z' }],
      },
    };
    assert.equal(kustomizationAppliedAt(history, SHA), Date.parse('2025-11-26T08:30:06Z'));
  });

  it('reads scan and condition times', () => {
    assert.equal(scannedAt({ status: { lastScanResult: { scanTime: T } } }), Date.parse(T));
    assert.equal(scannedAt({ status: {} }), undefined);
    const obj = { status: { conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: T }] } };
    assert.equal(conditionChangedAt(obj, 'Ready'), Date.parse(T));
    assert.equal(conditionChangedAt(obj, 'Ready', 'False'), undefined);
  });
});
