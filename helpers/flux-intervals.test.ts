import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkIntervals, intervalTable } from './flux-intervals.ts';

const o = (kind: string, name: string, spec: Record<string, string>) => ({
  kind,
  metadata: { namespace: 'ns', name },
  spec,
});
const expected = { gitRepository: 3_000, kustomization: 3_000, kustomizationRetry: 3_000, imageRepository: 5_000 };
const budgets = { ociPushToDetection: 7_000, gitPushToSync: 5_000, gitopsFlow: 15_000 };

describe('checkIntervals', () => {
  it("passes the plan's intervals, deriving retryInterval from interval as upstream does", () => {
    const r = checkIntervals(
      [
        o('GitRepository', 'g', { interval: '3s' }),
        o('Kustomization', 'k', { interval: '3s' }),
        o('ImageRepository', 'i', { interval: '5s' }),
        o('HelmRelease', 'h', { interval: '1m' }),
      ],
      expected,
      budgets,
    );
    assert.deepEqual(r.problems, []);
    assert.deepEqual(r.infeasible, []);
    const retry = r.rows.find((row) => row.field === 'retryInterval')!;
    assert.equal(retry.liveMs, 3_000);
    assert.equal(retry.live, '3s (defaults to spec.interval)');
    assert.equal(r.rows.find((row) => row.object === 'HelmRelease ns/h')!.ok, true, 'no expectation: recorded only');
  });

  it('names every slow interval and every budget it makes impossible', () => {
    const r = checkIntervals(
      [
        o('GitRepository', 'g', { interval: '10m' }),
        o('Kustomization', 'k', { interval: '10m', retryInterval: '1m' }),
        o('ImageRepository', 'i', { interval: '10m' }),
      ],
      expected,
      budgets,
    );
    assert.deepEqual(r.problems, [
      'GitRepository ns/g spec.interval is 10m, expected at most 3s',
      'Kustomization ns/k spec.interval is 10m, expected at most 3s',
      'Kustomization ns/k spec.retryInterval is 1m, expected at most 3s',
      'ImageRepository ns/i spec.interval is 10m, expected at most 5s',
    ]);
    assert.equal(r.infeasible.length, 3);
    assert.match(
      r.infeasible[0]!,
      /^budget OCI push → ImageRepository detection 7s cannot hold: ImageRepository ns\/i is scanned every 10m/,
    );
    assert.match(r.infeasible[1]!, /^budget git push → GitRepository sync 5s cannot hold/);
  });

  it('renders a table row per interval', () => {
    const table = intervalTable(checkIntervals([o('GitRepository', 'g', { interval: '10m' })], expected).rows);
    assert.match(table, /\| GitRepository ns\/g \| spec.interval \| 10m \| ≤ 3s \| ❌ \|/);
  });
});
