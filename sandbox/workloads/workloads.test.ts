/**
 * The workloads against the real in-process API server: Deployment rollouts with both strategies on the
 * one-GPU node, scheduler messages, kubelet lifecycle, restarts and graceful termination. Time runs 50×
 * faster (time scale 0.02); every wait is a watch on the API, bounded by a timeout that only reports.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { LogStore } from '../apiserver/logs.ts';
import type { Kube, KubeObject, WatchEvent } from '../kube/types.ts';
import type { Workloads } from './index.ts';
import { startCluster, waitFor, waitGone, waitUntil, type TestCluster } from './test-cluster.ts';
import type { Json } from '../kube/json.ts';

const GPU_FULL =
  '0/1 nodes are available: 1 Insufficient nvidia.com/gpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod..';

function recordPods(kube: Kube, namespace: string): { events: Array<WatchEvent>; stop: () => void } {
  const events: WatchEvent[] = [];
  const stop = kube.watch({ apiVersion: 'v1', kind: 'Pod', namespace }, {}, (e) =>
    events.push({ type: e.type, object: structuredClone(e.object) }),
  );
  return { events, stop };
}

function condition(obj: KubeObject, type: string): Json {
  return (obj.status?.conditions ?? []).find((c: Json) => c.type === type);
}

function eventsFor(kube: Kube, namespace: string, name: string): Json[] {
  return kube.list({ apiVersion: 'v1', kind: 'Event', namespace }).filter((e: Json) => e.involvedObject?.name === name);
}

function gpuDeployment(name: string, strategy: Json, extra: Json = {}): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'work' },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: name } },
      strategy,
      progressDeadlineSeconds: extra.progressDeadlineSeconds ?? 600,
      template: {
        metadata: { labels: { app: name } },
        spec: {
          terminationGracePeriodSeconds: 5,
          containers: [{ name: 'main', image: 'busybox:1.36', resources: { limits: { 'nvidia.com/gpu': 1 } } }],
        },
      },
    },
  };
}

/** The Deployment finished rolling out its current generation. */
/** Changes Deployment `name`'s pod template (annotation `rev`), which starts a new rollout. */
function newTemplate(kube: Kube, name: string, rev: string, type: 'merge' | 'strategic'): void {
  const ref = { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'work', name };
  kube.patch(ref, { spec: { template: { metadata: { annotations: { rev } } } } }, type);
}

/** The Deployment `name` in `work` once `test` holds for it (`what` names the wait in a timeout). */
function rollout(kube: Kube, name: string, what: string, test: (d: KubeObject) => boolean): Promise<KubeObject> {
  const deployments = { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'work' };
  return waitFor(kube, deployments, what, (o) => o.metadata.name === name && test(o));
}

function rolledOut(d: KubeObject): boolean {
  const s = d.status ?? {};
  return (
    s.observedGeneration === d.metadata.generation &&
    s.updatedReplicas === d.spec.replicas &&
    s.availableReplicas === d.spec.replicas &&
    (s.replicas ?? 0) === d.spec.replicas &&
    condition(d, 'Progressing')?.reason === 'NewReplicaSetAvailable'
  );
}

describe('workloads on the sandbox API server', () => {
  let dir: string;
  let cluster: TestCluster;
  let workloads: Workloads;
  let kube: Kube;
  let logs: LogStore;

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'workloads-test-'));
    cluster = await startCluster({ dir, namespace: 'work' });
    ({ kube, workloads, logs } = cluster);
  });

  after(async () => {
    await cluster.stop();
    await rm(dir, { recursive: true, force: true });
  });

  async function cleanup(name: string): Promise<void> {
    kube.delete(
      { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'work', name },
      { propagationPolicy: 'Background' },
    );
    await waitGone(kube, { apiVersion: 'v1', kind: 'Pod', namespace: 'work' }, `pods of ${name}`);
  }

  it('registers a one-GPU node with kubelet 1.32 and containerd', () => {
    const node = kube.get({ apiVersion: 'v1', kind: 'Node', name: 'sandbox-gpu-node' });
    assert.ok(node);
    assert.equal(node.status.capacity['nvidia.com/gpu'], '1');
    assert.equal(node.status.allocatable['nvidia.com/gpu'], '1');
    assert.equal(node.metadata.labels?.['nvidia.com/gpu.present'], 'true');
    assert.equal(node.metadata.labels?.['kubernetes.io/hostname'], 'sandbox-gpu-node');
    assert.match(node.status.nodeInfo.kubeletVersion, /^v1\.32\.\d+$/);
    assert.match(node.status.nodeInfo.containerRuntimeVersion, /^containerd:\/\//);
    assert.equal(condition(node, 'Ready').status, 'True');
  });

  it('Recreate replaces the GPU pod without overlap, with named and owned ReplicaSets and pods', async () => {
    const d = kube.create(gpuDeployment('recreate', { type: 'Recreate' }));
    const first = await rollout(kube, 'recreate', 'first rollout', rolledOut);
    assert.equal(first.metadata.annotations?.['deployment.kubernetes.io/revision'], '1');
    const pods = recordPods(kube, 'work');
    newTemplate(kube, 'recreate', '2', 'strategic');
    const done = await rollout(kube, 'recreate', 'second rollout', (o) => o.metadata.generation === 2 && rolledOut(o));
    pods.stop();
    assert.equal(done.metadata.annotations?.['deployment.kubernetes.io/revision'], '2');

    // Never two pods at once: the new pod is added only after the old one was deleted.
    const live = new Set<string>();
    let maxLive = 0;
    for (const e of pods.events) {
      if (e.type === 'DELETED') live.delete(e.object.metadata.name);
      else live.add(e.object.metadata.name);
      maxLive = Math.max(maxLive, live.size);
    }
    assert.equal(maxLive, 1, pods.events.map((e) => `${e.type} ${e.object.metadata.name}`).join('\n'));
    const deletedAt = pods.events.findIndex((e) => e.type === 'DELETED');
    const names = [...new Set(pods.events.map((e) => e.object.metadata.name))];
    assert.equal(names.length, 2);
    const addedAt = pods.events.findIndex((e) => e.type === 'ADDED' && e.object.metadata.name === names[1]);
    assert.ok(deletedAt >= 0 && deletedAt < addedAt);
    // The old pod stopped gracefully: its container terminated Completed/0 before the pod was removed.
    const final = pods.events.filter((e) => e.object.metadata.name === names[0] && e.type === 'MODIFIED').at(-1)!;
    assert.equal(final.object.status.containerStatuses[0].state.terminated?.reason, 'Completed');
    assert.equal(final.object.status.containerStatuses[0].state.terminated?.exitCode, 0);

    const sets = kube
      .list({ apiVersion: 'apps/v1', kind: 'ReplicaSet', namespace: 'work' })
      .filter((rs) => rs.metadata.name.startsWith('recreate-'));
    assert.equal(sets.length, 2);
    const current = sets.find((rs) => rs.spec.replicas === 1)!;
    const hash = current.metadata.labels?.['pod-template-hash'];
    assert.match(hash ?? '', /^[bcdfghjklmnpqrstvwxz2456789]+$/);
    assert.equal(current.metadata.name, `recreate-${hash}`);
    assert.equal(current.spec.selector.matchLabels['pod-template-hash'], hash);
    assert.deepEqual(
      current.metadata.ownerReferences?.map((o) => [o.kind, o.name, o.uid, o.controller]),
      [['Deployment', 'recreate', d.metadata.uid, true]],
    );
    assert.equal(current.metadata.annotations?.['deployment.kubernetes.io/revision'], '2');
    assert.equal(current.metadata.annotations?.['deployment.kubernetes.io/desired-replicas'], '1');
    assert.equal(current.metadata.annotations?.['deployment.kubernetes.io/max-replicas'], '1');
    const pod = kube.list({ apiVersion: 'v1', kind: 'Pod', namespace: 'work' })[0]!;
    assert.match(pod.metadata.name, new RegExp(`^${current.metadata.name}-[bcdfghjklmnpqrstvwxz2456789]{5}$`));
    assert.equal(pod.metadata.ownerReferences?.[0]?.name, current.metadata.name);
    assert.equal(pod.metadata.labels?.['pod-template-hash'], hash);

    const messages = eventsFor(kube, 'work', 'recreate').map((e) => `${e.reason}: ${e.message}`);
    const old = sets.find((rs) => rs !== current)!.metadata.name;
    assert.ok(messages.includes(`ScalingReplicaSet: Scaled up replica set ${old} from 0 to 1`), messages.join('\n'));
    assert.ok(messages.includes(`ScalingReplicaSet: Scaled down replica set ${old} from 1 to 0`), messages.join('\n'));
    assert.ok(
      messages.includes(`ScalingReplicaSet: Scaled up replica set ${current.metadata.name} from 0 to 1`),
      messages.join('\n'),
    );
    const rsEvents = eventsFor(kube, 'work', current.metadata.name).map((e) => `${e.reason}: ${e.message}`);
    assert.ok(rsEvents.includes(`SuccessfulCreate: Created pod: ${pod.metadata.name}`), rsEvents.join('\n'));
    assert.equal(eventsFor(kube, 'work', pod.metadata.name).filter((e) => e.reason === 'FailedScheduling').length, 0);
    await cleanup('recreate');
  });

  it('RollingUpdate on one GPU deadlocks: Pending with FailedScheduling, then ProgressDeadlineExceeded; Recreate frees it', async () => {
    kube.create(gpuDeployment('rolling', { type: 'RollingUpdate' }, { progressDeadlineSeconds: 30 }));
    await rollout(kube, 'rolling', 'first rollout', rolledOut);
    const [oldPod] = kube.list({ apiVersion: 'v1', kind: 'Pod', namespace: 'work' });
    newTemplate(kube, 'rolling', '2', 'merge');

    const pending = await waitFor(
      kube,
      { apiVersion: 'v1', kind: 'Pod', namespace: 'work' },
      'an unschedulable pod',
      (p) => condition(p, 'PodScheduled')?.reason === 'Unschedulable',
    );
    assert.equal(pending.status.phase, 'Pending');
    assert.equal(condition(pending, 'PodScheduled').status, 'False');
    assert.equal(condition(pending, 'PodScheduled').message, GPU_FULL);
    const failed = eventsFor(kube, 'work', pending.metadata.name).find((e) => e.reason === 'FailedScheduling');
    assert.equal(failed?.type, 'Warning');
    assert.equal(failed?.message, GPU_FULL);
    assert.equal(failed?.source?.component, 'default-scheduler');

    const stuck = await rollout(
      kube,
      'rolling',
      'ProgressDeadlineExceeded',
      (o) => condition(o, 'Progressing')?.reason === 'ProgressDeadlineExceeded',
    );
    assert.equal(condition(stuck, 'Progressing').status, 'False');
    assert.match(
      condition(stuck, 'Progressing').message,
      /^ReplicaSet "rolling-[a-z0-9]+" has timed out progressing\.$/,
    );
    assert.equal(condition(stuck, 'Available').status, 'True');
    assert.equal(stuck.status.replicas, 2);
    assert.equal(stuck.status.updatedReplicas, 1);
    assert.equal(stuck.status.availableReplicas, 1);
    assert.equal(stuck.status.unavailableReplicas, 1);
    const stillThere = kube.get({ apiVersion: 'v1', kind: 'Pod', namespace: 'work', name: oldPod!.metadata.name });
    assert.equal(stillThere?.status.phase, 'Running', 'the old pod is never removed');

    // Switching to Recreate removes the old pod; the pending pod then schedules and the rollout completes.
    kube.patch(
      { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'work', name: 'rolling' },
      { spec: { strategy: { type: 'Recreate', rollingUpdate: null } } },
      'merge',
    );
    const scheduled = await waitFor(
      kube,
      { apiVersion: 'v1', kind: 'Pod', namespace: 'work' },
      'the pending pod scheduled',
      (p) => p.metadata.name === pending.metadata.name && condition(p, 'PodScheduled')?.status === 'True',
    );
    assert.equal(scheduled.spec.nodeName, 'sandbox-gpu-node');
    assert.equal(
      kube.get({ apiVersion: 'v1', kind: 'Pod', namespace: 'work', name: oldPod!.metadata.name }),
      undefined,
    );
    const scheduledEvent = eventsFor(kube, 'work', pending.metadata.name).find((e) => e.reason === 'Scheduled');
    assert.equal(scheduledEvent?.message, `Successfully assigned work/${pending.metadata.name} to sandbox-gpu-node`);
    await rollout(kube, 'rolling', 'rollout after the switch', rolledOut);
    await cleanup('rolling');
  });

  it('runs a pod through the kubelet lifecycle with events, statuses and graceful termination', async () => {
    kube.create({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'plain', namespace: 'work' },
      spec: {
        containers: [
          {
            name: 'web',
            image: 'nginx:1.27',
            ports: [{ containerPort: 80 }],
            readinessProbe: { httpGet: { path: '/', port: 80 }, initialDelaySeconds: 2, periodSeconds: 1 },
          },
        ],
      },
    });
    const running = await waitFor(
      kube,
      { apiVersion: 'v1', kind: 'Pod', namespace: 'work' },
      'plain Ready',
      (p) => p.metadata.name === 'plain' && condition(p, 'Ready')?.status === 'True',
    );
    assert.equal(running.status.phase, 'Running');
    assert.match(running.status.podIP, /^10\.244\.0\.\d+$/);
    assert.equal(running.status.hostIP, '10.224.0.4');
    const cs = running.status.containerStatuses[0];
    assert.match(cs.containerID, /^containerd:\/\/[0-9a-f]{64}$/);
    assert.equal(cs.image, 'docker.io/library/nginx:1.27');
    assert.match(cs.imageID, /^docker\.io\/library\/nginx@sha256:[0-9a-f]{64}$/);
    assert.equal(cs.started, true);
    assert.equal(cs.ready, true);
    assert.equal(cs.restartCount, 0);
    assert.ok(cs.state.running.startedAt);
    for (const type of ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled']) {
      assert.equal(condition(running, type)?.status, 'True', type);
    }
    const reasons = eventsFor(kube, 'work', 'plain').map((e) => e.reason);
    assert.deepEqual(
      reasons.filter((r) => ['Scheduled', 'Pulling', 'Pulled', 'Created', 'Started'].includes(r)),
      ['Scheduled', 'Pulling', 'Pulled', 'Created', 'Started'],
    );
    const pulled = eventsFor(kube, 'work', 'plain').find((e) => e.reason === 'Pulled');
    assert.match(
      pulled.message,
      /^Successfully pulled image "nginx:1\.27" in [\d.]+m?s \([\d.]+m?s including waiting\)\. Image size: \d+ bytes\.$/,
    );

    const pods = recordPods(kube, 'work');
    kube.delete({ apiVersion: 'v1', kind: 'Pod', namespace: 'work', name: 'plain' });
    await waitGone(kube, { apiVersion: 'v1', kind: 'Pod', namespace: 'work' }, 'plain');
    pods.stop();
    const terminating = pods.events.find((e) => e.type === 'MODIFIED' && e.object.metadata.deletionTimestamp);
    assert.ok(terminating, 'the pod was Terminating first');
    const last = pods.events.filter((e) => e.type === 'MODIFIED').at(-1)!;
    assert.equal(last.object.status.containerStatuses[0].state.terminated?.reason, 'Completed');
    assert.equal(pods.events.at(-1)?.type, 'DELETED');
    const killing = kube
      .list({ apiVersion: 'v1', kind: 'Event', namespace: 'work' })
      .find((e: Json) => e.involvedObject.name === 'plain' && e.reason === 'Killing');
    assert.equal(killing?.message, 'Stopping container web');
  });

  it('restarts a crashing container with CrashLoopBackOff, restartCount and lastState', async () => {
    kube.create({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'crasher', namespace: 'work' },
      spec: { containers: [{ name: 'app', image: 'busybox:1.36', command: ['sh', '-c', 'echo boom; exit 3'] }] },
    });
    const looping = await waitFor(
      kube,
      { apiVersion: 'v1', kind: 'Pod', namespace: 'work' },
      'CrashLoopBackOff',
      (p) =>
        p.metadata.name === 'crasher' &&
        p.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'CrashLoopBackOff',
    );
    const cs = looping.status.containerStatuses[0];
    assert.ok(cs.restartCount >= 1);
    assert.equal(cs.lastState.terminated.exitCode, 3);
    assert.equal(cs.lastState.terminated.reason, 'Error');
    assert.match(
      cs.state.waiting.message,
      new RegExp(`^back-off 10s restarting failed container=app pod=crasher_work\\(${looping.metadata.uid}\\)$`),
    );
    assert.equal(looping.status.phase, 'Running');
    const backoff = eventsFor(kube, 'work', 'crasher').find((e) => e.reason === 'BackOff');
    assert.equal(backoff?.type, 'Warning');
    assert.equal(
      backoff?.message,
      `Back-off restarting failed container app in pod crasher_work(${looping.metadata.uid})`,
    );
    const later = await waitFor(
      kube,
      { apiVersion: 'v1', kind: 'Pod', namespace: 'work' },
      'a second back-off',
      (p) =>
        p.metadata.name === 'crasher' &&
        /^back-off 20s/.test(p.status?.containerStatuses?.[0]?.state?.waiting?.message ?? ''),
    );
    assert.ok(later.status.containerStatuses[0].restartCount >= 2);
    assert.deepEqual(
      logs.lines({ namespace: 'work', name: 'crasher' }, 'app', { previous: true }).map((l) => l.text),
      ['boom'],
    );
    kube.delete({ apiVersion: 'v1', kind: 'Pod', namespace: 'work', name: 'crasher' });
    await waitGone(kube, { apiVersion: 'v1', kind: 'Pod', namespace: 'work' }, 'crasher');
  });

  it('keeps only revisionHistoryLimit old ReplicaSets and numbers revisions', async () => {
    const ref = { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'work', name: 'history' };
    kube.create({
      ...ref,
      metadata: { name: 'history', namespace: 'work' },
      spec: {
        replicas: 1,
        revisionHistoryLimit: 1,
        minReadySeconds: 1,
        selector: { matchLabels: { app: 'history' } },
        template: {
          metadata: { labels: { app: 'history' } },
          spec: { containers: [{ name: 'c', image: 'busybox:1.36' }] },
        },
      },
    });
    for (let rev = 1; rev <= 3; rev++) {
      if (rev > 1)
        kube.patch(ref, { spec: { template: { metadata: { annotations: { rev: String(rev) } } } } }, 'merge');
      const done = await rollout(
        kube,
        'history',
        `revision ${rev}`,
        (o) => o.metadata.generation === rev && rolledOut(o),
      );
      assert.equal(done.metadata.annotations?.['deployment.kubernetes.io/revision'], String(rev));
    }
    const revisions = (): string[] =>
      kube
        .list({ apiVersion: 'apps/v1', kind: 'ReplicaSet', namespace: 'work' })
        .filter((r) => r.metadata.name.startsWith('history-'))
        .map((r) => r.metadata.annotations?.['deployment.kubernetes.io/revision'] ?? '?')
        .sort();
    // The cleanup runs once the rollout is complete; the first ReplicaSet goes in the next pass.
    await waitUntil(
      kube,
      { apiVersion: 'apps/v1', kind: 'ReplicaSet', namespace: 'work' },
      'history trimmed to 2',
      () => revisions().length === 2,
    );
    assert.deepEqual(revisions(), ['2', '3']);
    await cleanup('history');
  });

  it('restarts a container on request (controller-restart) and scales ReplicaSets down not-ready first', async () => {
    kube.create({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'work' },
      spec: {
        replicas: 3,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: { containers: [{ name: 'manager', image: 'ghcr.io/fluxcd/source-controller:v1.4.1' }] },
        },
      },
    });
    await rollout(kube, 'web', 'web rolled out', rolledOut);
    const [victim] = kube.list({ apiVersion: 'v1', kind: 'Pod', namespace: 'work' });
    assert.equal(workloads.restartContainer('work', victim!.metadata.name, 'manager'), true);
    const restarted = await waitFor(
      kube,
      { apiVersion: 'v1', kind: 'Pod', namespace: 'work' },
      'a restarted container',
      (p) =>
        p.metadata.name === victim!.metadata.name &&
        p.status?.containerStatuses?.[0]?.restartCount === 1 &&
        p.status.containerStatuses[0].ready,
    );
    assert.equal(restarted.status.containerStatuses[0].lastState.terminated.exitCode, 1);

    kube.patch(
      { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'work', name: 'web' },
      { spec: { replicas: 1 } },
      'merge',
    );
    const scaled = await rollout(kube, 'web', 'web scaled to 1', (o) => o.metadata.generation === 2 && rolledOut(o));
    assert.equal(scaled.status.replicas, 1);
    const rs = kube
      .list({ apiVersion: 'apps/v1', kind: 'ReplicaSet', namespace: 'work' })
      .find((r) => r.metadata.name.startsWith('web-'))!;
    assert.equal(rs.status.replicas, 1);
    assert.equal(eventsFor(kube, 'work', rs.metadata.name).filter((e) => e.reason === 'SuccessfulDelete').length, 2);
    assert.ok(
      eventsFor(kube, 'work', 'web').some(
        (e) => e.message === `Scaled down replica set ${rs.metadata.name} from 3 to 1`,
      ),
    );
    await cleanup('web');
  });
});
