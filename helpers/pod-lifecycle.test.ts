import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  analyzePodLifecycle,
  podSnapshot,
  type PodEvent,
  type PodObservation,
  type PodSnapshot,
} from './pod-lifecycle.ts';

const T0 = Date.UTC(2025, 0, 1, 12, 0, 0);
const s = (seconds: number) => T0 + seconds * 1000;
const iso = (ms: number) => new Date(ms).toISOString();

const OLD = 'foundry-gpu-oras-7d9f-old';
const NEW = 'foundry-gpu-oras-5c4b-new';

function pod(
  name: string,
  created: number,
  fields: Partial<PodSnapshot> & { ready?: boolean; unschedulable?: string } = {},
): PodSnapshot {
  const { ready, unschedulable, ...rest } = fields;
  const conditions = [
    ...(unschedulable
      ? [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: unschedulable }]
      : []),
    ...(rest.nodeName ? [{ type: 'PodScheduled', status: 'True' }] : []),
    ...(ready === undefined ? [] : [{ type: 'Ready', status: ready ? 'True' : 'False' }]),
  ];
  return { name, uid: `uid-${name}`, gpu: 1, phase: 'Pending', creationTimestamp: iso(created), conditions, ...rest };
}

const running = (name: string, created: number, extra: Partial<PodSnapshot> = {}) =>
  pod(name, created, { phase: 'Running', nodeName: 'gpu-node', ready: true, ...extra });

const INSUFFICIENT = '0/1 nodes are available: 1 Insufficient nvidia.com/gpu.';

describe('analyzePodLifecycle: Recreate', () => {
  const observations: PodObservation[] = [
    { at: s(0), type: 'ADDED', pod: running(OLD, s(-600)) },
    { at: s(10), type: 'MODIFIED', pod: running(OLD, s(-600), { deletionTimestamp: iso(s(10)) }) },
    { at: s(40), type: 'DELETED', pod: running(OLD, s(-600), { deletionTimestamp: iso(s(10)), phase: 'Running' }) },
    { at: s(41), type: 'ADDED', pod: pod(NEW, s(41)) },
    { at: s(41.2), type: 'MODIFIED', pod: pod(NEW, s(41), { nodeName: 'gpu-node' }) },
    { at: s(45), type: 'MODIFIED', pod: pod(NEW, s(41), { nodeName: 'gpu-node', phase: 'Running', ready: false }) },
    { at: s(130), type: 'MODIFIED', pod: running(NEW, s(41)) },
  ];
  const result = analyzePodLifecycle(observations, [], { strategy: 'Recreate' });

  it('computes per-pod intervals', () => {
    const [old, fresh] = result.pods;
    assert.equal(old!.name, OLD);
    assert.equal(old!.terminatingAt, s(10));
    assert.equal(old!.goneAt, s(40));
    assert.equal(fresh!.name, NEW);
    assert.deepEqual(
      [fresh!.firstSeenAt, fresh!.scheduledAt, fresh!.runningAt, fresh!.readyAt, fresh!.goneAt],
      [s(41), s(41.2), s(45), s(130), undefined],
    );
  });

  it('finds no overlap, one GPU pod at a time, and a clean verdict', () => {
    assert.deepEqual(result.overlaps, []);
    assert.equal(result.maxConcurrentGpuPods.count, 1);
    assert.deepEqual(result.failedSchedulingSpans, []);
    assert.deepEqual(result.verdict, { ok: true, deadlock: false, messages: [] });
  });

  it('yields the replacement checkpoints for the budgets', () => {
    assert.deepEqual(result.replacement, {
      oldPod: OLD,
      newPod: NEW,
      checkpoints: {
        oldPodTerminating: s(10),
        oldPodGone: s(40),
        newPodCreated: s(41),
        newPodRunning: s(45),
        newPodReady: s(130),
      },
    });
  });
});

describe('analyzePodLifecycle: RollingUpdate on one GPU', () => {
  const observations: PodObservation[] = [
    { at: s(0), type: 'ADDED', pod: running(OLD, s(-600)) },
    { at: s(5), type: 'ADDED', pod: pod(NEW, s(5)) },
    { at: s(5.1), type: 'MODIFIED', pod: pod(NEW, s(5), { unschedulable: INSUFFICIENT }) },
  ];
  const events: PodEvent[] = [{ at: s(5.1), reason: 'FailedScheduling', podName: NEW, message: INSUFFICIENT }];

  it('reports the GPU deadlock once the grace period has passed', () => {
    const result = analyzePodLifecycle(observations, events, { strategy: 'RollingUpdate', now: s(605.1) });
    assert.equal(result.verdict.deadlock, true);
    assert.equal(result.verdict.ok, false);
    assert.equal(
      result.verdict.messages[0],
      `GPU deadlock: new pod ${NEW} stayed Pending (Insufficient nvidia.com/gpu) for 10m0s while old pod ${OLD} kept running; the Deployment uses RollingUpdate — use Recreate on a single-GPU node`,
    );
    assert.deepEqual(result.failedSchedulingSpans, [
      {
        pod: NEW,
        from: s(5.1),
        to: s(605.1),
        ms: 600_000,
        ongoing: true,
        reason: 'Insufficient nvidia.com/gpu',
        message: INSUFFICIENT,
      },
    ]);
    assert.equal(result.maxConcurrentGpuPods.count, 2);
    assert.deepEqual(result.maxConcurrentGpuPods.pods, [OLD, NEW]);
    assert.deepEqual(result.overlaps, [{ oldPod: OLD, newPod: NEW, oldState: 'running', from: s(5), ms: 600_100 }]);
    assert.ok(
      result.verdict.messages.some((m) =>
        m.startsWith(`Recreate not observed: new pod ${NEW} was created while old pod ${OLD} was still running`),
      ),
    );
    assert.ok(result.verdict.messages.some((m) => m.startsWith(`2 GPU pods were active at once (${OLD}, ${NEW})`)));
  });

  it('does not call it a deadlock before the grace period, and gives advice without a known strategy', () => {
    const early = analyzePodLifecycle(observations, events, { now: s(15), deadlockGraceMs: 20_000 });
    assert.equal(early.verdict.deadlock, false);
    const later = analyzePodLifecycle(observations, events, { now: s(30), deadlockGraceMs: 20_000 });
    assert.equal(later.verdict.deadlock, true);
    assert.match(
      later.verdict.messages[0]!,
      /for 24\.9s while old pod .*; check the Deployment strategy — a single-GPU node needs Recreate$/,
    );
  });

  it('detects the deadlock from the pod condition alone when no event was recorded', () => {
    const result = analyzePodLifecycle(observations, [], { now: s(100), strategy: 'RollingUpdate' });
    assert.equal(result.verdict.deadlock, true);
  });
});

describe('analyzePodLifecycle: other findings', () => {
  it('tolerates a short FailedScheduling and reports a long one', () => {
    const obs: PodObservation[] = [
      {
        at: s(0),
        type: 'ADDED',
        pod: pod(NEW, s(0), { unschedulable: '0/1 nodes are available: 1 node(s) had untolerated taint {x: y}.' }),
      },
      { at: s(3), type: 'MODIFIED', pod: pod(NEW, s(0), { nodeName: 'gpu-node' }) },
    ];
    const short = analyzePodLifecycle(obs);
    assert.equal(short.failedSchedulingSpans[0]!.ms, 3000);
    assert.equal(short.failedSchedulingSpans[0]!.reason, '1 node(s) had untolerated taint {x: y}');
    assert.equal(short.verdict.ok, true);
    const long = analyzePodLifecycle(obs, [], { failedSchedulingGraceMs: 2000 });
    assert.deepEqual(long.verdict.messages, [
      `pod ${NEW} stayed unschedulable for 3s (1 node(s) had untolerated taint {x: y})`,
    ]);
  });

  it('counts restarts that happen while observed', () => {
    const container = (restartCount: number, reason?: string) => [
      { name: 'foundry', restartCount, ...(reason ? { lastState: { terminated: { reason } } } : {}) },
    ];
    const obs: PodObservation[] = [
      { at: s(0), type: 'ADDED', pod: running(NEW, s(0), { containerStatuses: container(1, 'Error') }) },
      { at: s(50), type: 'MODIFIED', pod: running(NEW, s(0), { containerStatuses: container(3, 'OOMKilled') }) },
    ];
    const result = analyzePodLifecycle(obs);
    assert.deepEqual(result.restarts, [
      { pod: NEW, container: 'foundry', count: 2, total: 3, lastReason: 'OOMKilled' },
    ]);
    assert.deepEqual(result.verdict.messages, [`container foundry of pod ${NEW} restarted 2 times (last: OOMKilled)`]);
    assert.equal(analyzePodLifecycle(obs, [], { allowRestarts: true }).verdict.ok, true);
  });

  it('orders pods listed together by creation time, not by listing order', () => {
    const obs: PodObservation[] = [
      { at: s(0), type: 'ADDED', pod: pod(NEW, s(-5)) },
      { at: s(0), type: 'ADDED', pod: running(OLD, s(-600)) },
    ];
    const result = analyzePodLifecycle(obs, [], { now: s(1) });
    assert.deepEqual(
      result.overlaps.map((o) => [o.oldPod, o.newPod]),
      [[OLD, NEW]],
    );
  });

  it('does not count a finished (evicted) pod as an overlap', () => {
    const obs: PodObservation[] = [
      { at: s(0), type: 'ADDED', pod: running(OLD, s(-600)) },
      { at: s(1), type: 'MODIFIED', pod: pod(OLD, s(-600), { phase: 'Failed', nodeName: 'gpu-node' }) },
      { at: s(2), type: 'ADDED', pod: pod(NEW, s(2)) },
    ];
    const result = analyzePodLifecycle(obs);
    assert.deepEqual(result.overlaps, []);
    assert.equal(result.maxConcurrentGpuPods.count, 1);
  });
});

describe('podSnapshot', () => {
  it('extracts the fields from a Pod object and sums GPU limits', () => {
    const snap = podSnapshot({
      metadata: { name: 'p', uid: 'u1', creationTimestamp: new Date(T0), deletionTimestamp: undefined },
      spec: {
        nodeName: 'gpu-node',
        containers: [{ resources: { limits: { 'nvidia.com/gpu': '1', memory: '1Gi' } } }, { resources: {} }],
      },
      status: {
        phase: 'Running',
        conditions: [{ type: 'Ready', status: 'True' }],
        containerStatuses: [{ name: 'foundry', restartCount: 0 }],
      },
    });
    assert.deepEqual(snap, {
      name: 'p',
      uid: 'u1',
      phase: 'Running',
      nodeName: 'gpu-node',
      creationTimestamp: iso(T0),
      deletionTimestamp: undefined,
      gpu: 1,
      conditions: [{ type: 'Ready', status: 'True' }],
      containerStatuses: [{ name: 'foundry', restartCount: 0 }],
    });
    assert.equal(podSnapshot({ metadata: { name: 'x' }, spec: { containers: [] } }).gpu, 0);
  });
});
