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
import type { LogStore } from '../apiserver/logs.ts';
import { Faults } from '../faults/faults.ts';
import { withFault } from '../faults/with-fault.ts';
import type { Kube, KubeObject, ObjectRef } from '../kube/types.ts';
import type { Registry } from '../registry/server.ts';
import {
  MODELS_REPO as REPO,
  registryWithModels,
  startCluster,
  waitFor,
  waitGone,
  type TestCluster,
} from '../workloads/test-cluster.ts';
import type { PodFiles } from './podfs.ts';
import type { Json } from '../kube/json.ts';

const NS = 'foundry-system';

const PODS = { apiVersion: 'v1', kind: 'Pod', namespace: NS };
const waitForPod = (kube: Kube, what: string, predicate: (p: KubeObject) => boolean, timeoutMs?: number) =>
  waitFor(kube, PODS, what, predicate, timeoutMs);
const waitNoPods = (kube: Kube) => waitGone(kube, PODS, 'the foundry pods');

/** The first state of the named object that satisfies `predicate`. */
function waitForObject(
  kube: Kube,
  ref: ObjectRef & { namespace: string },
  what: string,
  predicate: (o: KubeObject) => boolean,
): Promise<KubeObject> {
  const { name, ...collection } = ref;
  return waitFor(kube, collection, `${ref.kind} ${name} ${what}`, (o) => o.metadata.name === name && predicate(o));
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
  let registry: Registry;
  let cluster: TestCluster;
  let kube: Kube;
  let files: PodFiles;
  let logs: LogStore;
  const faults = new Faults();

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'kubelet-test-'));
    registry = await registryWithModels(dir, faults);
    cluster = await startCluster({
      dir,
      faults,
      namespace: NS,
      registryAliases: { 'myacr.azurecr.io': registry.host },
    });
    ({ kube, files, logs } = cluster);
  });

  after(async () => {
    await cluster.stop();
    await registry.stop();
    await rm(dir, { recursive: true, force: true });
  });

  function configure(tag: string): void {
    const data = {
      FOUNDRY_BYO_REGISTRY: 'myacr.azurecr.io',
      FOUNDRY_BYO_REPO: REPO,
      FOUNDRY_BYO_TAG: tag,
      FOUNDRY_AUTO_DEPLOY_BYO_MODELS: 'true',
    };
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
    const ready = await waitForPod(kube, 'foundry Ready', (p) =>
      p.status?.conditions?.some((c: Json) => c.type === 'Ready' && c.status === 'True'),
    );
    const podRef = { namespace: NS, name: ready.metadata.name };
    const lines = logs.lines(podRef, 'foundry').map((l) => l.text);
    assert.ok(lines.includes('🏷️ Tag: v0.2.0'), lines.join('\n'));
    assert.ok(lines.some((l) => l.startsWith('⬇️ Downloading models... 100%')));
    assert.ok(lines.some((l) => l.startsWith('✅ Foundry Local is ready on port 5000')));
    const cache = files.resolve(
      ready,
      '/home/foundry/.foundry/cache/models/meta/llama-3.2-1b-instruct-generic-gpu/v1/genai_config.json',
    );
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
    await withFault(faults, 'crash-on-tag=v0.2.0', async () => {
      configure('v0.2.0');
      kube.create(foundryDeployment());
      const looping = await waitForPod(kube, 'CrashLoopBackOff after restarts', (p) => {
        const cs = p.status?.containerStatuses?.[0];
        return cs?.state?.waiting?.reason === 'CrashLoopBackOff' && cs.restartCount >= 2;
      });
      const cs = looping.status.containerStatuses[0];
      assert.equal(cs.lastState.terminated.exitCode, 1);
      assert.equal(cs.ready, false);
      const previous = logs
        .lines({ namespace: NS, name: looping.metadata.name }, 'foundry', { previous: true })
        .map((l) => l.text);
      assert.ok(previous.includes('🏷️ Tag: v0.2.0'));
      assert.ok(previous.some((l) => l.startsWith('Unhandled exception.')));
    });
    await teardown();
  });

  it("registry-down armed for a git push: the new pod's download fails visibly (Warning BackOff, CrashLoopBackOff) within seconds", async () => {
    await withFault(faults, 'registry-down@git-push', async () => {
      configure('v0.2.0');
      faults.fire('git-push', 'test push');
      const started = Date.now();
      kube.create(foundryDeployment());
      const looping = await waitForPod(
        kube,
        'CrashLoopBackOff after the failed download',
        (p) => p.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'CrashLoopBackOff',
        10_000,
      );
      assert.ok(Date.now() - started < 10_000);
      const cs = looping.status.containerStatuses[0];
      assert.equal(cs.lastState.terminated.exitCode, 1);
      assert.equal(cs.lastState.terminated.reason, 'Error');
      const events = kube
        .list({ apiVersion: 'v1', kind: 'Event', namespace: NS })
        .filter((e: Json) => e.involvedObject.name === looping.metadata.name);
      assert.ok(
        events.some(
          (e: Json) =>
            e.type === 'Warning' &&
            e.reason === 'BackOff' &&
            /Back-off restarting failed container foundry/.test(e.message),
        ),
        JSON.stringify(events.map((e: Json) => e.reason)),
      );
      const previous = logs
        .lines({ namespace: NS, name: looping.metadata.name }, 'foundry', { previous: true })
        .map((l) => l.text);
      assert.ok(
        previous.some(
          (l) =>
            l.startsWith('❌ Failed to deploy BYO models from myacr.azurecr.io/foundry-local-olive-models:v0.2.0') &&
            /503/.test(l),
        ),
        previous.join('\n'),
      );
    });
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
        template: {
          metadata: { labels },
          spec: {
            containers: [
              { name: 'config-agent', image: 'mcr.microsoft.com/azurearck8s/config-agent:1.21.10' },
              { name: 'fluent-bit', image: 'mcr.microsoft.com/oss/fluent/fluent-bit:3.0.7' },
            ],
          },
        },
      },
    });
    const available = (status: 'True' | 'False') => (d: KubeObject) =>
      d.status?.conditions?.some((c: Json) => c.type === 'Available' && c.status === status);
    await waitForObject(kube, ref, 'Available=True', available('True'));
    await withFault(faults, 'arc-agent-down', async () => {
      const down = await waitForObject(kube, ref, 'Available=False', available('False'));
      assert.equal(
        down.status.conditions.find((c: Json) => c.type === 'Available').reason,
        'MinimumReplicasUnavailable',
      );
      const pod = kube.list({ apiVersion: 'v1', kind: 'Pod', namespace: 'azure-arc' })[0]!;
      const agent = pod.status.containerStatuses.find((c: Json) => c.name === 'config-agent');
      assert.ok(agent.restartCount >= 1 || agent.state.terminated || agent.state.waiting, JSON.stringify(agent));
      assert.equal(
        pod.status.containerStatuses.find((c: Json) => c.name === 'fluent-bit').ready,
        true,
        'only the agent container fails',
      );
    });
    await waitForObject(kube, ref, 'Available=True again', available('True'));
    kube.delete(ref);
  });

  it('forces the Deployment strategy while the strategy fault is on', async () => {
    await withFault(faults, 'strategy=RollingUpdate', async () => {
      configure('v0.1.0');
      const created = kube.create(foundryDeployment({ type: 'Recreate' }));
      assert.deepEqual(created.spec.strategy, {
        type: 'RollingUpdate',
        rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' },
      });
    });
    await teardown();
  });
});
