/**
 * The scheduler on its own against the in-process API server and a one-GPU node: binding never double-books the
 * GPU while the pod watch lags behind a bind, and a scheduling attempt does not list the cluster's pods (200
 * other pods must not slow down the plan's pod).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ApiServer } from '../apiserver/server.ts';
import { LogStore } from '../apiserver/logs.ts';
import { SystemClock } from '../kube/clock.ts';
import { EventRecorder } from '../kube/events.ts';
import type { Kube, KubeObject } from '../kube/types.ts';
import { Scheduler } from './scheduler.ts';

const NODE: KubeObject = {
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name: 'gpu-node' },
  spec: {},
  status: { allocatable: { cpu: '8', memory: '32Gi', pods: '500', 'nvidia.com/gpu': '1' } },
};

function pod(name: string, gpu: boolean): KubeObject {
  const resources = gpu ? { limits: { 'nvidia.com/gpu': 1 } } : {};
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'work' },
    spec: { containers: [{ name: 'c', image: 'busybox', resources }] },
  };
}

/** The Kube with pod LISTs counted. */
function countingLists(kube: Kube, counter: { podLists: number }): Kube {
  return new Proxy(kube, {
    get(target, prop, receiver) {
      if (prop === 'list')
        return (ref: { kind: string }, options?: unknown) => {
          if (ref.kind === 'Pod') counter.podLists++;
          return target.list(ref as never, options as never);
        };
      const value = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

function settled(kube: Kube, predicate: () => boolean, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    if (predicate()) return resolve();
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`timed out waiting for ${what}`));
    }, 10_000);
    const stop = kube.watch({ apiVersion: 'v1', kind: 'Pod', namespace: 'work' }, {}, () => {
      if (!predicate()) return;
      clearTimeout(timer);
      queueMicrotask(stop);
      resolve();
    });
  });
}

describe('scheduler', () => {
  const clock = new SystemClock({ timeScale: 0.02 });
  let api: ApiServer;
  let scheduler: Scheduler;
  const counter = { podLists: 0 };

  before(() => {
    api = new ApiServer({ clock, logs: new LogStore() });
    api.kube.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'work' } });
    api.kube.create(NODE);
    const kube = countingLists(api.kube, counter);
    scheduler = new Scheduler({ kube, clock, events: new EventRecorder(kube, clock) });
    scheduler.start();
  });
  after(async () => {
    await scheduler?.stop();
  });

  it('binds one of two GPU pods created together, parks the other, and lists no pods while scheduling', async () => {
    for (let i = 0; i < 200; i++) api.kube.create(pod(`other-${i}`, false));
    const listsBefore = counter.podLists;
    api.kube.create(pod('gpu-a', true));
    api.kube.create(pod('gpu-b', true));
    const pods = () => api.kube.list({ apiVersion: 'v1', kind: 'Pod', namespace: 'work' });
    const scheduled = (p: KubeObject) =>
      (p.status?.conditions ?? []).some(
        (c: { type: string; status: string }) => c.type === 'PodScheduled' && c.status === 'True',
      );
    const unschedulable = (p: KubeObject) =>
      (p.status?.conditions ?? []).some((c: { reason?: string }) => c.reason === 'Unschedulable');
    await settled(
      api.kube,
      () =>
        pods()
          .filter((p) => p.metadata.name.startsWith('gpu-'))
          .every((p) => scheduled(p) || unschedulable(p)),
      'both GPU pods decided',
    );
    const gpu = pods().filter((p) => p.metadata.name.startsWith('gpu-'));
    assert.equal(gpu.filter((p) => p.spec.nodeName === 'gpu-node').length, 1, 'exactly one GPU pod is bound');
    assert.equal(gpu.filter(unschedulable).length, 1);
    assert.equal(pods().filter((p) => p.spec.nodeName === 'gpu-node').length, 201);
    assert.equal(counter.podLists - listsBefore, 0, 'no pod LIST per scheduling attempt');

    // Deleting the bound GPU pod frees the GPU for the parked one.
    const bound = gpu.find((p) => p.spec.nodeName)!;
    const parked = gpu.find((p) => !p.spec.nodeName)!;
    api.kube.delete(
      { apiVersion: 'v1', kind: 'Pod', namespace: 'work', name: bound.metadata.name },
      { gracePeriodSeconds: 0 },
    );
    await settled(
      api.kube,
      () =>
        Boolean(
          api.kube.get({ apiVersion: 'v1', kind: 'Pod', namespace: 'work', name: parked.metadata.name })?.spec.nodeName,
        ),
      'the parked pod bound',
    );
  });
});

describe('scheduler events as a series', () => {
  it('writes a repeated FailedScheduling twice, then only counts it (client-go tools/events)', async () => {
    const clock = new SystemClock({ timeScale: 0.02 });
    const api = new ApiServer({ clock, logs: new LogStore() });
    api.kube.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'work' } });
    const events = new EventRecorder(api.kube, clock, { series: true });
    const target = api.kube.create(pod('p', true));
    let writes = 0;
    const stop = api.kube.watch(
      { apiVersion: 'v1', kind: 'Event', namespace: 'work' },
      {},
      (e) => void (e.type !== 'DELETED' && writes++),
    );
    for (let i = 0; i < 10; i++)
      events.record(target, 'Warning', 'FailedScheduling', 'no room', { component: 'default-scheduler' });
    const [event] = api.kube.list({ apiVersion: 'v1', kind: 'Event', namespace: 'work' });
    assert.equal(event?.count, 2);
    await settled(api.kube, () => true, 'events delivered');
    stop();
    assert.ok(writes <= 2, `${writes} writes`);
  });
});

describe('scheduler queueing hints', () => {
  it('a bound pod leaving retries the pods short of resources, not those no node matches', async () => {
    const clock = new SystemClock({ timeScale: 0.02 });
    const api = new ApiServer({ clock, logs: new LogStore() });
    api.kube.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'work' } });
    api.kube.create(NODE);
    const gets = new Map<string, number>();
    const kube = new Proxy(api.kube, {
      get(target, prop) {
        if (prop === 'get')
          return (ref: { kind: string; name: string }) => {
            if (ref.kind === 'Pod') gets.set(ref.name, (gets.get(ref.name) ?? 0) + 1);
            return target.get(ref as never);
          };
        return (Reflect.get(target, prop) as (...args: unknown[]) => unknown).bind(target);
      },
    }) as Kube;
    const scheduler = new Scheduler({ kube, clock, events: new EventRecorder(kube, clock) });
    scheduler.start();
    try {
      const elsewhere = pod('elsewhere', false);
      elsewhere.spec.nodeSelector = { 'bench/absent': 'true' };
      api.kube.create(elsewhere);
      api.kube.create(pod('first', true));
      const bound = () =>
        api.kube.get({ apiVersion: 'v1', kind: 'Pod', namespace: 'work', name: 'first' })?.spec.nodeName;
      await settled(api.kube, () => Boolean(bound()), 'the first GPU pod bound');
      api.kube.create(pod('second', true));
      const reason = (name: string) =>
        api.kube.get({ apiVersion: 'v1', kind: 'Pod', namespace: 'work', name })?.status?.conditions?.[0]?.reason;
      await settled(
        api.kube,
        () => reason('second') === 'Unschedulable' && reason('elsewhere') === 'Unschedulable',
        'both parked',
      );
      const before = gets.get('elsewhere') ?? 0;
      api.kube.delete({ apiVersion: 'v1', kind: 'Pod', namespace: 'work', name: 'first' }, { gracePeriodSeconds: 0 });
      await settled(
        api.kube,
        () =>
          Boolean(api.kube.get({ apiVersion: 'v1', kind: 'Pod', namespace: 'work', name: 'second' })?.spec.nodeName),
        'the second GPU pod bound',
      );
      assert.equal(gets.get('elsewhere') ?? 0, before, 'the pod no node matches was not retried');
    } finally {
      await scheduler.stop();
    }
  });
});
