import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { budgetCauses, type CauseInput } from './budget-causes.ts';

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

/** budgetCauses over `intervals` with the default --requeue-dependency (30s). */
const causesIn = (
  id: CauseInput['id'],
  from: number,
  to: number,
  observed: CauseInput['observed'],
  more: Partial<CauseInput> = {},
) => budgetCauses({ id, from, to, observed, intervals, requeueDependencyMs: 30_000, ...more });

describe('budgetCauses', () => {
  it('names the dependency requeue and the flag that controls it', () => {
    const causes = causesIn('syncToApply', 1_000, 31_000, [
      k(1_200, 'DependencyNotReady', "dependency 'ns/infra' revision is not up to date"),
    ]);
    assert.equal(causes.length, 1);
    assert.match(
      causes[0]!,
      /Kustomization ns\/apps waited for its dependency \(DependencyNotReady: dependency 'ns\/infra' revision is not up to date\); kustomize-controller checks again after --requeue-dependency \(30s/,
    );
  });

  it('ignores what happened outside the window', () => {
    assert.deepEqual(causesIn('syncToApply', 1_000, 2_000, [k(5_000, 'DependencyNotReady', 'm')]), []);
  });

  it('names a retry after a failure with spec.retryInterval', () => {
    const causes = causesIn('gitopsFlow', 0, 20_000, [k(100, 'BuildFailed', 'kustomize build failed')]);
    assert.ok(
      causes.some((c) =>
        /failed once \(BuildFailed: kustomize build failed\) and was retried after spec.retryInterval 3s/.test(c),
      ),
    );
    assert.ok(causes.some((c) => /GitRepository ns\/g polls git every 3s \(spec.interval\)/.test(c)));
  });

  it('names the scan interval for detection and the download for the pod swap', () => {
    assert.match(causesIn('ociPushToDetection', 0, 9_000, [])[0]!, /ImageRepository fs\/i scans the registry every 5s/);
    assert.match(
      causesIn('podReplacement', 0, 99_000, [], { downloadMs: 80_000 })[0]!,
      /downloaded its models for 1m20s/,
    );
  });
});
