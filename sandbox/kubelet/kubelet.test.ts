/**
 * The foundry workload through the whole stack: a chart-like Deployment (env from a ConfigMap, GPU limit,
 * startup probe on /v1/models) on the sandbox API server, the kubelet pulling the BYO artifact from the
 * sandbox registry, logs and files as `kubectl logs`/`kubectl exec` see them, the crash-on-tag fault and the
 * strategy fault. Time runs 50× faster; waits are watches bounded by reporting timeouts.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { OciClient } from '../../lib/oci/client.ts';
import { ApiServer } from '../apiserver/server.ts';
import { LogStore } from '../apiserver/logs.ts';
import { Faults, parseFault } from '../faults/faults.ts';
import { SystemClock } from '../kube/clock.ts';
import type { Kube, KubeObject } from '../kube/types.ts';
import { buildModelsTarGz, publishArtifact } from '../registry/artifacts.ts';
import { Registry } from '../registry/server.ts';
import { Workloads } from '../workloads/index.ts';
import { PodFiles } from './podfs.ts';

type Json = any;

const NS = 'foundry-system';
const REPO = 'foundry-local-olive-models';

function waitForPod(kube: Kube, what: string, predicate: (p: KubeObject) => boolean, timeoutMs = 20_000): Promise<KubeObject> {
  return new Promise((resolve, reject) => {
    let last: KubeObject | undefined;
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`timed out waiting for ${what}; last pod status: ${JSON.stringify(last?.status ?? null)}`));
    }, timeoutMs);
    const stop = kube.watch({ apiVersion: 'v1', kind: 'Pod', namespace: NS }, {}, (e) => {
      if (e.type === 'DELETED') return;
      last = e.object;
      if (!predicate(e.object)) return;
      clearTimeout(timer);
      queueMicrotask(stop);
      resolve(e.object);
    });
  });
}

function waitForObject(kube: Kube, ref: { apiVersion: string; kind: string; namespace: string; name: string }, what: string, predicate: (o: KubeObject) => boolean, timeoutMs = 20_000): Promise<KubeObject> {
  return new Promise((resolve, reject) => {
    let last: KubeObject | undefined;
    let stop: () => void = () => undefined;
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`timed out waiting for ${ref.kind} ${ref.name} ${what}; last status: ${JSON.stringify(last?.status ?? null)}`));
    }, timeoutMs);
    const check = (o: KubeObject | undefined) => {
      if (!o || o.metadata.name !== ref.name) return;
      last = o;
      if (!predicate(o)) return;
      clearTimeout(timer);
      queueMicrotask(() => stop());
      resolve(o);
    };
    stop = kube.watch({ apiVersion: ref.apiVersion, kind: ref.kind, namespace: ref.namespace }, {}, (e) => check(e.object));
  });
}

function waitNoPods(kube: Kube, timeoutMs = 20_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const empty = (): boolean => kube.list({ apiVersion: 'v1', kind: 'Pod', namespace: NS }).length === 0;
    if (empty()) return resolve();
    const timer = setTimeout(() => {
      stop();
      reject(new Error('timed out waiting for the foundry pods to be gone'));
    }, timeoutMs);
    const stop = kube.watch({ apiVersion: 'v1', kind: 'Pod', namespace: NS }, {}, () => {
      if (!empty()) return;
      clearTimeout(timer);
      queueMicrotask(stop);
      resolve();
    });
  });
}

function foundryDeployment(strategy: Json = { type: 'Recreate' }): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'foundry-gpu-oras', namespace: NS, labels: { 'app.kubernetes.io/component': 'foundry' } },
    spec: {
      replicas: 1,
      strategy,
      selector: { matchLabels: { 'app.kubernetes.io/component': 'foundry' } },
      template: {
        metadata: { labels: { 'app.kubernetes.io/component': 'foundry' } },
        spec: {
          containers: [
            {
              name: 'foundry',
              image: 'mcr.microsoft.com/foundry-local/foundry-local:latest-cuda',
              ports: [{ name: 'http', containerPort: 5000 }],
              envFrom: [{ configMapRef: { name: 'foundry-byo' } }],
              resources: { limits: { 'nvidia.com/gpu': 1 } },
              startupProbe: { httpGet: { path: '/v1/models', port: 'http' }, periodSeconds: 2, failureThreshold: 60 },
              livenessProbe: { httpGet: { path: '/v1/models', port: 'http' }, periodSeconds: 10 },
              volumeMounts: [{ name: 'cache', mountPath: '/home/foundry/.foundry/cache' }],
            },
          ],
          volumes: [{ name: 'cache', emptyDir: {} }],
        },
      },
    },
  };
}

describe('kubelet running the foundry workload', () => {
  let dir: string;
  let api: ApiServer;
  let registry: Registry;
  let workloads: Workloads;
  let kube: Kube;
  let files: PodFiles;
  const logs = new LogStore();
  const faults = new Faults();
  const clock = new SystemClock({ timeScale: 0.02 });
  const errors: string[] = [];

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'kubelet-test-'));
    registry = new Registry({ root: path.join(dir, 'registry'), user: 'u', password: 'p', faults });
    await registry.start();
    const client = new OciClient({ registry: registry.host, plainHttp: true, username: 'u', password: 'p' });
    for (const tag of ['v0.1.0', 'v0.2.0']) {
      const file = path.join(dir, tag, 'models.tar.gz');
      await buildModelsTarGz(tag, file);
      await publishArtifact(client, `${REPO}:${tag}`, file);
    }
    files = new PodFiles(path.join(dir, 'pods'));
    api = new ApiServer({ clock, logs, files });
    kube = api.kube;
    workloads = new Workloads({
      kube,
      clock,
      faults,
      logs,
      files,
      admission: api.admission,
      registryAliases: { 'myacr.azurecr.io': registry.host },
      onError: (component, error) => errors.push(`${component}: ${error instanceof Error ? error.stack : error}`),
    });
    await workloads.start();
    kube.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
  });

  after(async () => {
    await workloads.stop();
    await api.stop();
    await registry.stop();
    await rm(dir, { recursive: true, force: true });
    assert.deepEqual(errors, [], 'no background errors');
  });

  function configure(tag: string): void {
    const data = { FOUNDRY_BYO_REGISTRY: 'myacr.azurecr.io', FOUNDRY_BYO_REPO: REPO, FOUNDRY_BYO_TAG: tag, FOUNDRY_AUTO_DEPLOY_BYO_MODELS: 'true' };
    const ref = { apiVersion: 'v1', kind: 'ConfigMap', namespace: NS, name: 'foundry-byo' };
    if (kube.get(ref)) kube.patch(ref, { data }, 'merge');
    else kube.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'foundry-byo', namespace: NS }, data });
  }

  async function teardown(): Promise<void> {
    kube.delete({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: NS, name: 'foundry-gpu-oras' });
    await waitNoPods(kube);
  }

  it('pulls the BYO models, logs the tag and becomes Ready once the models are unpacked', async () => {
    configure('v0.2.0');
    kube.create(foundryDeployment());
    const ready = await waitForPod(kube, 'foundry Ready', (p) => p.status?.conditions?.some((c: Json) => c.type === 'Ready' && c.status === 'True'));
    const podRef = { namespace: NS, name: ready.metadata.name };
    const lines = logs.lines(podRef, 'foundry').map((l) => l.text);
    assert.ok(lines.includes('🏷️ Tag: v0.2.0'), lines.join('\n'));
    assert.ok(lines.some((l) => l.startsWith('⬇️ Downloading models... 100%')));
    assert.ok(lines.some((l) => l.startsWith('✅ Foundry Local is ready on port 5000')));
    const cache = files.resolve(ready, '/home/foundry/.foundry/cache/models/meta/llama-3.2-1b-instruct-generic-gpu/v1/genai_config.json');
    assert.ok(existsSync(cache));
    const cs = ready.status.containerStatuses[0];
    assert.equal(cs.started, true);
    assert.equal(cs.restartCount, 0);
    assert.equal(cs.image, 'mcr.microsoft.com/foundry-local/foundry-local:latest-cuda');
    assert.equal(ready.status.phase, 'Running');
    await teardown();
    assert.equal(existsSync(files.rootOf(ready)), false, 'the pod tree is removed with the pod');
  });

  it('goes into CrashLoopBackOff with growing restarts when crash-on-tag matches its tag', async () => {
    faults.set(parseFault('crash-on-tag=v0.2.0'));
    try {
      configure('v0.2.0');
      kube.create(foundryDeployment());
      const looping = await waitForPod(kube, 'CrashLoopBackOff after restarts', (p) => {
        const cs = p.status?.containerStatuses?.[0];
        return cs?.state?.waiting?.reason === 'CrashLoopBackOff' && cs.restartCount >= 2;
      });
      const cs = looping.status.containerStatuses[0];
      assert.equal(cs.lastState.terminated.exitCode, 1);
      assert.equal(cs.ready, false);
      const previous = logs.lines({ namespace: NS, name: looping.metadata.name }, 'foundry', { previous: true }).map((l) => l.text);
      assert.ok(previous.includes('🏷️ Tag: v0.2.0'));
      assert.ok(previous.some((l) => l.startsWith('Unhandled exception.')));
    } finally {
      faults.clear('crash-on-tag');
    }
    await teardown();
  });

  it('registry-down armed for a git push: the new pod\'s download fails visibly (Warning BackOff, CrashLoopBackOff) within seconds', async () => {
    faults.set(parseFault('registry-down@git-push'));
    try {
      configure('v0.2.0');
      faults.fire('git-push', 'test push');
      const started = Date.now();
      kube.create(foundryDeployment());
      const looping = await waitForPod(kube, 'CrashLoopBackOff after the failed download', (p) => p.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'CrashLoopBackOff', 10_000);
      assert.ok(Date.now() - started < 10_000);
      const cs = looping.status.containerStatuses[0];
      assert.equal(cs.lastState.terminated.exitCode, 1);
      assert.equal(cs.lastState.terminated.reason, 'Error');
      const events = kube.list({ apiVersion: 'v1', kind: 'Event', namespace: NS }).filter((e: Json) => e.involvedObject.name === looping.metadata.name);
      assert.ok(events.some((e: Json) => e.type === 'Warning' && e.reason === 'BackOff' && /Back-off restarting failed container foundry/.test(e.message)), JSON.stringify(events.map((e: Json) => e.reason)));
      const previous = logs.lines({ namespace: NS, name: looping.metadata.name }, 'foundry', { previous: true }).map((l) => l.text);
      assert.ok(previous.some((l) => l.startsWith('❌ Failed to deploy BYO models from myacr.azurecr.io/foundry-local-olive-models:v0.2.0') && /503/.test(l)), previous.join('\n'));
    } finally {
      faults.clear('registry-down');
    }
    await teardown();
  });

  it('arc-agent-down: the running config-agent crash-loops and its Deployment loses availability; clearing recovers', async () => {
    kube.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'azure-arc' } });
    const labels = { 'app.kubernetes.io/component': 'config-agent' };
    const ref = { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'azure-arc', name: 'config-agent' };
    kube.create({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'config-agent', namespace: 'azure-arc', labels },
      spec: {
        replicas: 1,
        selector: { matchLabels: labels },
        template: { metadata: { labels }, spec: { containers: [{ name: 'config-agent', image: 'mcr.microsoft.com/azurearck8s/config-agent:1.21.10' }, { name: 'fluent-bit', image: 'mcr.microsoft.com/oss/fluent/fluent-bit:3.0.7' }] } },
      },
    });
    const available = (status: 'True' | 'False') => (d: KubeObject) => d.status?.conditions?.some((c: Json) => c.type === 'Available' && c.status === status);
    await waitForObject(kube, ref, 'Available=True', available('True'));
    faults.set(parseFault('arc-agent-down'));
    try {
      const down = await waitForObject(kube, ref, 'Available=False', available('False'));
      assert.equal(down.status.conditions.find((c: Json) => c.type === 'Available').reason, 'MinimumReplicasUnavailable');
      const pod = kube.list({ apiVersion: 'v1', kind: 'Pod', namespace: 'azure-arc' })[0]!;
      const agent = pod.status.containerStatuses.find((c: Json) => c.name === 'config-agent');
      assert.ok(agent.restartCount >= 1 || agent.state.terminated || agent.state.waiting, JSON.stringify(agent));
      assert.equal(pod.status.containerStatuses.find((c: Json) => c.name === 'fluent-bit').ready, true, 'only the agent container fails');
    } finally {
      faults.clear('arc-agent-down');
    }
    await waitForObject(kube, ref, 'Available=True again', available('True'));
    kube.delete(ref);
  });

  it('forces the Deployment strategy while the strategy fault is on', async () => {
    faults.set(parseFault('strategy=RollingUpdate'));
    try {
      configure('v0.1.0');
      const created = kube.create(foundryDeployment({ type: 'Recreate' }));
      assert.deepEqual(created.spec.strategy, { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } });
    } finally {
      faults.clear('strategy');
    }
    await teardown();
  });
});
