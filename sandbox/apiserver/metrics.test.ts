import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../kube/types.ts';
import { Discovery } from './discovery.ts';
import { MetricsApi, METRICS_WINDOW_MS, registerMetricsTypes, runningPods, USAGE_MODEL } from './metrics.ts';
import { ResourceRegistry } from './resources.ts';

const pod = (name: string, app: string, phase = 'Running'): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'flux-system', labels: { app } },
  spec: { nodeName: 'node-1', containers: [{ name: 'manager' }] },
  status: { phase },
});

function setup() {
  let now = 1_000_000;
  let objects = 3;
  const pods = [pod('helm-controller-abc', 'helm-controller'), pod('source-controller-abc', 'source-controller')];
  const api = new MetricsApi({
    pods: (ns) => pods.filter((p) => !ns || p.metadata.namespace === ns),
    nodes: () => [{ apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-1' } }],
    countKinds: () => objects,
    now: () => now,
  });
  return { api, tick: (ms: number) => (now += ms), setObjects: (n: number) => (objects = n), now: () => now };
}

const cpuOf = (body: Record<string, any>, container = 0) =>
  Number(String(body.containers[container].usage.cpu).replace(/n$/, ''));
const memOf = (body: Record<string, any>) => Number(String(body.containers[0].usage.memory).replace(/Ki$/, ''));

describe('metrics.k8s.io', () => {
  it('is listed by discovery like an aggregated API: get/list of pods and nodes in v1beta1', () => {
    const registry = new ResourceRegistry();
    registerMetricsTypes(registry);
    const discovery = new Discovery(registry);
    const list = discovery.resourceList('metrics.k8s.io', 'v1beta1') as {
      resources: Array<{ name: string; kind: string; namespaced: boolean; verbs: string[] }>;
    };
    assert.deepEqual(
      list.resources.map((r) => [r.name, r.kind, r.namespaced, r.verbs.join(',')]),
      [
        ['nodes', 'NodeMetrics', false, 'get,list'],
        ['pods', 'PodMetrics', true, 'get,list'],
      ],
    );
    const aggregated = discovery.aggregated('apis', 'v2') as { items: Array<{ metadata: { name: string } }> };
    assert.ok(aggregated.items.some((g) => g.metadata.name === 'metrics.k8s.io'));
  });

  it("CPU follows the controller's reconcile work within the window; memory its cached objects", () => {
    const { api, tick, setObjects } = setup();
    const idle = api.handle(['namespaces', 'flux-system', 'pods', 'helm-controller-abc'], new URLSearchParams());
    assert.equal(idle.code, 200);
    assert.equal(idle.body.kind, 'PodMetrics');
    assert.equal(idle.body.window, '15s');
    assert.equal(cpuOf(idle.body), USAGE_MODEL.baseCpuNanocores);
    for (let i = 0; i < 5; i++) api.observe({ ts: 1_000_000 + i, kind: 'HelmRelease' });
    api.observe({ ts: 1_000_000, kind: 'GitRepository' });
    const busy = api.handle(['namespaces', 'flux-system', 'pods', 'helm-controller-abc'], new URLSearchParams()).body;
    assert.equal(cpuOf(busy), USAGE_MODEL.baseCpuNanocores + 5 * USAGE_MODEL.cpuNanocoresPerChange);
    const before = memOf(busy);
    setObjects(10);
    assert.ok(
      memOf(api.handle(['namespaces', 'flux-system', 'pods', 'helm-controller-abc'], new URLSearchParams()).body) >
        before,
      'memory grows with objects',
    );
    tick(METRICS_WINDOW_MS + 10);
    assert.equal(
      cpuOf(api.handle(['namespaces', 'flux-system', 'pods', 'helm-controller-abc'], new URLSearchParams()).body),
      USAGE_MODEL.baseCpuNanocores,
      'the work left the window',
    );
  });

  it('lists pods per namespace and cluster-wide, nodes with the system plus their pods, and answers 404 as a Status', () => {
    const { api } = setup();
    const list = api.handle(['namespaces', 'flux-system', 'pods'], new URLSearchParams()).body as {
      kind: string;
      items: unknown[];
    };
    assert.equal(list.kind, 'PodMetricsList');
    assert.equal(list.items.length, 2);
    assert.equal((api.handle(['pods'], new URLSearchParams()).body.items as unknown[]).length, 2);
    const node = api.handle(['nodes', 'node-1'], new URLSearchParams()).body as { usage: { cpu: string } };
    assert.equal(
      Number(node.usage.cpu.replace(/n$/, '')),
      USAGE_MODEL.systemCpuNanocores + 2 * USAGE_MODEL.baseCpuNanocores,
    );
    assert.equal(api.handle(['nodes', 'nope'], new URLSearchParams()).code, 404);
    assert.equal(
      api.handle(['namespaces', 'flux-system', 'pods', 'nope'], new URLSearchParams()).body.reason,
      'NotFound',
    );
    assert.deepEqual(
      runningPods([pod('a', 'x', 'Pending'), pod('b', 'x')]).map((p) => p.metadata.name),
      ['b'],
    );
  });
});
