import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { suiteTiming } from './suite-timing.ts';

const T0 = Date.UTC(2026, 11, 7, 21, 0);
const at = (ms: number) => new Date(T0 + ms).toISOString();
const phase = 'gitops-e2e/0.1.0 (phase)';
const observer = 'gitops-e2e/0.1.0 (run-observer)';

describe('suiteTiming', () => {
  const timeline = [
    { ts: T0 + 500, agent: 'helm/v4.0.0', call: 'list secrets' },
    { ts: T0 + 2400, agent: phase, call: 'get /version' },
    { ts: T0 + 2600, agent: observer, call: 'watch pods' },
    { ts: T0 + 3100, agent: phase, call: 'get discovery' },
    // phase 00 ends at +5000; its worker still closes, the observer re-watches and helm lists in the gap: not the next phase
    { ts: T0 + 5010, agent: phase, call: 'get kustomizations.kustomize.toolkit.fluxcd.io' },
    { ts: T0 + 5200, agent: observer, call: 'watch pods' },
    { ts: T0 + 5300, agent: 'helm/v4.0.0', call: 'list secrets' },
    { ts: T0 + 6100, agent: 'kubectl/v1.35.2 (linux/amd64) kubernetes/abc', call: 'get discovery' },
    // phase 02 makes no request: timed to its first test start
  ];
  const phases = [
    { name: '00-preflight', startedAt: at(3000), endedAt: at(5000) },
    { name: '01-initial-deploy', startedAt: at(5900), endedAt: at(9000) },
    { name: '02-oci-push', startedAt: at(10_200), endedAt: at(11_000) },
    { name: '03-git-update' },
  ];

  it("times start-up to the suite's first request and each phase from the previous end to its first own request", () => {
    const t = suiteTiming(T0, timeline, phases);
    assert.equal(t.startupMs, 2400);
    assert.deepEqual(t.gaps, [
      { between: '00-preflight → 01-initial-deploy', ms: 1100, workerMs: 900, toRequestMs: 1100 },
      { between: '01-initial-deploy → 02-oci-push', ms: 1200, workerMs: 1200, toRequestMs: 1200 },
    ]);
    assert.equal(t.overheadMs, 2300);
  });

  it("ends a phase change where the phase's own code begins, when summary.json dates it", () => {
    const dated = phases.map((p) => (p.name === '01-initial-deploy' ? { ...p, bodyStartedAt: at(5950) } : p));
    const t = suiteTiming(T0, timeline, dated);
    assert.deepEqual(t.gaps[0], {
      between: '00-preflight → 01-initial-deploy',
      ms: 950,
      workerMs: 900,
      toRequestMs: 1100,
    });
    assert.equal(t.overheadMs, 2150);
  });

  it('has no start-up figure when the suite made no request after the spawn', () => {
    const t = suiteTiming(T0 + 60_000, timeline, []);
    assert.equal(t.startupMs, undefined);
    assert.deepEqual([t.gaps, t.overheadMs], [[], 0]);
  });
});
