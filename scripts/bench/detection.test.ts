import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { detectionError } from './detection.ts';

const commit = (name: string, rv: string, ts: number) => ({
  kind: 'HelmRelease',
  namespace: 'app',
  name,
  resourceVersion: rv,
  ts,
});
const seen = (name: string, rv: string, at: number) => ({
  kind: 'HelmRelease',
  namespace: 'app',
  name,
  resourceVersion: rv,
  at,
});

describe('detectionError', () => {
  it('subtracts the commit time of the very version the wait saw, once per version', () => {
    const figures = detectionError(
      [seen('hr', '10', 1_004), seen('hr', '10', 1_004), seen('hr', '12', 2_030), seen('other', '9', 5_000)],
      [commit('hr', '10', 1_000), commit('hr', '11', 1_500), commit('hr', '12', 2_000)],
    );
    assert.deepEqual(figures, { count: 2, p50: 4, p95: 30, max: 30, min: 4, unmatched: 1 });
  });

  it('shows a detection before the commit as a negative error, and nothing when nothing matches', () => {
    assert.equal(detectionError([seen('hr', '10', 990)], [commit('hr', '10', 1_000)])?.min, -10);
    assert.equal(detectionError([seen('hr', '10', 990)], []), undefined);
  });
});
