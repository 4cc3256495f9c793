import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { budgetCauses } from './budget-causes.ts';

const intervals = [
  { object: 'GitRepository ns/g', field: 'interval' as const, liveMs: 3_000, live: '3s', ok: true },
  { object: 'ImageRepository fs/i', field: 'interval' as const, liveMs: 5_000, live: '5s', ok: true },
  { object: 'Kustomization ns/apps', field: 'retryInterval' as const, liveMs: 3_000, live: '3s', ok: true },
];
const k = (at: number, reason: string, message: string) => ({
  at,
  object: {
    kind: 'Kustomization',
    metadata: { namespace: 'ns', name: 'apps' },
    status: { conditions: [{ type: 'Ready', status: 'False', reason, message }] },
  },
});

describe('budgetCauses', () => {
  it('names the dependency requeue and the flag that controls it', () => {
    const causes = budgetCauses({
      id: 'syncToApply',
      from: 1_000,
      to: 31_000,
      observed: [k(1_200, 'DependencyNotReady', "dependency 'ns/infra' revision is not up to date")],
      intervals,
      requeueDependencyMs: 30_000,
    });
    assert.equal(causes.length, 1);
    assert.match(
      causes[0]!,
      /Kustomization ns\/apps waited for its dependency \(DependencyNotReady: dependency 'ns\/infra' revision is not up to date\); kustomize-controller checks again after --requeue-dependency \(30s/,
    );
  });

  it('ignores what happened outside the window', () => {
    assert.deepEqual(
      budgetCauses({
        id: 'syncToApply',
        from: 1_000,
        to: 2_000,
        observed: [k(5_000, 'DependencyNotReady', 'm')],
        intervals,
        requeueDependencyMs: 30_000,
      }),
      [],
    );
  });

  it('names a retry after a failure with spec.retryInterval', () => {
    const causes = budgetCauses({
      id: 'gitopsFlow',
      from: 0,
      to: 20_000,
      observed: [k(100, 'BuildFailed', 'kustomize build failed')],
      intervals,
      requeueDependencyMs: 30_000,
    });
    assert.ok(
      causes.some((c) =>
        /failed once \(BuildFailed: kustomize build failed\) and was retried after spec.retryInterval 3s/.test(c),
      ),
    );
    assert.ok(causes.some((c) => /GitRepository ns\/g polls git every 3s \(spec.interval\)/.test(c)));
  });

  it('names the scan interval for detection and the download for the pod swap', () => {
    assert.match(
      budgetCauses({
        id: 'ociPushToDetection',
        from: 0,
        to: 9_000,
        observed: [],
        intervals,
        requeueDependencyMs: 30_000,
      })[0]!,
      /ImageRepository fs\/i scans the registry every 5s/,
    );
    assert.match(
      budgetCauses({
        id: 'podReplacement',
        from: 0,
        to: 99_000,
        observed: [],
        intervals,
        requeueDependencyMs: 30_000,
        downloadMs: 80_000,
      })[0]!,
      /downloaded its models for 1m20s/,
    );
  });
});
