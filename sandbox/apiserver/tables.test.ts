import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from '../kube/types.ts';
import type { Json } from '../kube/json.ts';
import { buildTable, goText, type PrinterColumn, type Table } from './tables.ts';

const NOW = new Date('2024-05-01T12:00:00Z');
const ago = (ms: number) => new Date(NOW.getTime() - ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const SEC = 1000;
const MIN = 60 * SEC;
const DAY = 24 * 60 * MIN;

function obj(apiVersion: string, kind: string, rest: Json = {}, meta: Json = {}): KubeObject {
  return {
    apiVersion,
    kind,
    metadata: { name: `${kind.toLowerCase()}-a`, namespace: 'apps', creationTimestamp: ago(5 * MIN), ...meta },
    ...rest,
  };
}

function table(
  group: string,
  kind: string,
  objects: KubeObject[],
  extra: Partial<Parameters<typeof buildTable>[0]> = {},
): Table {
  return buildTable({ group, kind, objects, resourceVersion: '42', now: NOW, ...extra });
}

function row(group: string, kind: string, o: KubeObject): Record<string, unknown> {
  const t = table(group, kind, [o]);
  assert.equal(t.rows[0].cells.length, t.columnDefinitions.length, `${kind}: one cell per column`);
  return Object.fromEntries(t.columnDefinitions.map((c, i) => [c.name, t.rows[0].cells[i]]));
}

/** The first row's cells (from..to, as `slice`) of `o` printed as a table. */
const cellsOf = (group: string, kind: string, o: KubeObject, from?: number, to?: number) =>
  table(group, kind, [o]).rows[0].cells.slice(from, to);
const header = (t: Table) => t.columnDefinitions.map((c) => (c.priority ? `(${c.name})` : c.name)).join(' ');

describe('buildTable: envelope', () => {
  const pod = obj('v1', 'Pod', { spec: { containers: [{ name: 'c' }] } }, { labels: { a: 'b' }, uid: 'u1' });

  it('has the Table shape and carries resourceVersion and continue', () => {
    const t = table('', 'Pod', [pod], { continueToken: 'next' });
    assert.equal(t.kind, 'Table');
    assert.equal(t.apiVersion, 'meta.k8s.io/v1');
    assert.deepEqual(t.metadata, { resourceVersion: '42', continue: 'next' });
    assert.deepEqual(table('', 'Pod', []).metadata, { resourceVersion: '42' });
    for (const c of t.columnDefinitions)
      assert.deepEqual(Object.keys(c).sort(), ['description', 'format', 'name', 'priority', 'type']);
    assert.deepEqual(t.columnDefinitions[0], {
      ...t.columnDefinitions[0],
      name: 'Name',
      type: 'string',
      format: 'name',
      priority: 0,
    });
  });

  it('attaches PartialObjectMetadata by default, the object on request, nothing for None', () => {
    assert.deepEqual(table('', 'Pod', [pod]).rows[0].object, {
      kind: 'PartialObjectMetadata',
      apiVersion: 'meta.k8s.io/v1',
      metadata: pod.metadata,
    });
    assert.equal(table('', 'Pod', [pod], { includeObject: 'Object' }).rows[0].object, pod);
    assert.equal('object' in table('', 'Pod', [pod], { includeObject: 'None' }).rows[0], false);
  });

  it('omits column definitions with noHeaders', () => {
    const t = table('', 'Pod', [pod], { noHeaders: true });
    assert.deepEqual(t.columnDefinitions, []);
    assert.equal(t.rows[0].cells.length, 9);
  });

  it('treats "core" as the core group', () => {
    assert.equal(header(table('core', 'Pod', [])), header(table('', 'Pod', [])));
  });

  it('shows Name and Age for kinds it does not know', () => {
    const t = table('example.com', 'Widget', [obj('example.com/v1', 'Widget')]);
    assert.equal(header(t), 'Name Age');
    assert.equal(t.columnDefinitions[1].type, 'date');
    assert.deepEqual(t.rows[0].cells, ['widget-a', '5m']);
  });
});

describe('buildTable: pods', () => {
  const base = (status: Json, spec: Json = {}, meta: Json = {}) =>
    obj('v1', 'Pod', { spec: { containers: [{ name: 'app' }], nodeName: 'gpu-node', ...spec }, status }, meta);
  const cells = (status: Json, spec?: Json, meta?: Json) => row('', 'Pod', base(status, spec, meta));
  const running = { running: { startedAt: ago(MIN) } };

  it('has the real columns in order, wide ones at priority 1', () => {
    assert.equal(
      header(table('', 'Pod', [])),
      'Name Ready Status Restarts Age (IP) (Node) (Nominated Node) (Readiness Gates)',
    );
  });

  it('shows Pending before the kubelet reports', () => {
    const r = cells({ phase: 'Pending' }, { nodeName: undefined });
    assert.deepEqual(
      [r.Ready, r.Status, r.Restarts, r.Age, r.IP, r.Node, r['Nominated Node'], r['Readiness Gates']],
      ['0/1', 'Pending', '0', '5m', '<none>', '<none>', '<none>', '<none>'],
    );
  });

  it('shows ContainerCreating, Running, Terminating', () => {
    assert.equal(
      cells({
        phase: 'Pending',
        containerStatuses: [
          { name: 'app', ready: false, restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } } },
        ],
      }).Status,
      'ContainerCreating',
    );
    const ok = cells({
      phase: 'Running',
      podIP: '10.1.0.7',
      containerStatuses: [{ name: 'app', ready: true, restartCount: 0, state: running }],
    });
    assert.deepEqual([ok.Ready, ok.Status, ok.IP, ok.Node], ['1/1', 'Running', '10.1.0.7', 'gpu-node']);
    const gone = cells(
      { phase: 'Running', containerStatuses: [{ name: 'app', ready: true, state: running }] },
      {},
      { deletionTimestamp: ago(SEC) },
    );
    assert.equal(gone.Status, 'Terminating');
  });

  it('shows Completed with a row condition, and Error/ExitCode/Signal for failures', () => {
    const done = base({
      phase: 'Succeeded',
      containerStatuses: [{ name: 'app', ready: false, state: { terminated: { exitCode: 0, reason: 'Completed' } } }],
    });
    const t = table('', 'Pod', [done]);
    assert.equal(t.rows[0].cells[2], 'Completed');
    assert.deepEqual(t.rows[0].conditions, [
      { type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' },
    ]);
    assert.equal('conditions' in table('', 'Pod', [base({ phase: 'Running' })]).rows[0], false);
    assert.equal(
      cells({ phase: 'Failed', containerStatuses: [{ state: { terminated: { exitCode: 1, reason: 'Error' } } }] })
        .Status,
      'Error',
    );
    assert.equal(
      cells({ phase: 'Running', containerStatuses: [{ state: { terminated: { exitCode: 2 } } }] }).Status,
      'ExitCode:2',
    );
    assert.equal(
      cells({ phase: 'Running', containerStatuses: [{ state: { terminated: { exitCode: 137, signal: 9 } } }] }).Status,
      'Signal:9',
    );
  });

  it('shows CrashLoopBackOff and restarts with the time since the last one', () => {
    const r = cells({
      phase: 'Running',
      containerStatuses: [
        {
          name: 'app',
          ready: false,
          restartCount: 2,
          state: { waiting: { reason: 'CrashLoopBackOff' } },
          lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: ago(5 * SEC) } },
        },
      ],
    });
    assert.deepEqual([r.Ready, r.Status, r.Restarts], ['0/1', 'CrashLoopBackOff', '2 (5s ago)']);
    const noTime = cells({ phase: 'Running', containerStatuses: [{ restartCount: 3, ready: true, state: running }] });
    assert.equal(noTime.Restarts, '3');
  });

  it('reports the first container in the spec when several are unhappy', () => {
    const r = cells(
      {
        phase: 'Pending',
        containerStatuses: [
          { name: 'a', state: { waiting: { reason: 'ImagePullBackOff' } } },
          { name: 'b', state: { waiting: { reason: 'ContainerCreating' } } },
        ],
      },
      { containers: [{ name: 'a' }, { name: 'b' }] },
    );
    assert.deepEqual([r.Ready, r.Status], ['0/2', 'ImagePullBackOff']);
  });

  it('shows init container progress', () => {
    const spec = { initContainers: [{ name: 'fetch' }, { name: 'warm' }] };
    const init = (statuses: Json[]) => cells({ phase: 'Pending', initContainerStatuses: statuses }, spec).Status;
    assert.equal(
      init([
        { name: 'fetch', state: running },
        { name: 'warm', state: { waiting: { reason: 'PodInitializing' } } },
      ]),
      'Init:0/2',
    );
    assert.equal(
      init([
        { name: 'fetch', state: { terminated: { exitCode: 0 } } },
        { name: 'warm', state: running },
      ]),
      'Init:1/2',
    );
    assert.equal(
      init([{ name: 'fetch', state: { waiting: { reason: 'CrashLoopBackOff' } } }]),
      'Init:CrashLoopBackOff',
    );
    assert.equal(init([{ name: 'fetch', state: { terminated: { exitCode: 1, reason: 'Error' } } }]), 'Init:Error');
    assert.equal(init([{ name: 'fetch', state: { terminated: { exitCode: 3 } } }]), 'Init:ExitCode:3');
    assert.equal(init([{ name: 'fetch', state: { terminated: { exitCode: 3, signal: 15 } } }]), 'Init:Signal:15');
  });

  it('counts started sidecars (restartable init containers) in READY', () => {
    const r = cells(
      {
        phase: 'Running',
        initContainerStatuses: [{ name: 'proxy', started: true, ready: true, restartCount: 1, state: running }],
        containerStatuses: [{ name: 'app', ready: true, restartCount: 0, state: running }],
        conditions: [{ type: 'Initialized', status: 'True' }],
      },
      { initContainers: [{ name: 'proxy', restartPolicy: 'Always' }] },
    );
    assert.deepEqual([r.Ready, r.Status, r.Restarts], ['2/2', 'Running', '1']);
  });

  it('keeps a pod whose other container still runs out of Completed', () => {
    const status = (ready: boolean) => ({
      phase: 'Running',
      conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
      containerStatuses: [
        { name: 'a', state: { terminated: { exitCode: 0, reason: 'Completed' } } },
        { name: 'b', ready: true, state: running },
      ],
    });
    const spec = { containers: [{ name: 'a' }, { name: 'b' }] };
    assert.equal(cells(status(true), spec).Status, 'Running');
    assert.equal(cells(status(false), spec).Status, 'NotReady');
  });

  it('shows SchedulingGated, Unknown for lost nodes, and readiness gates', () => {
    assert.equal(
      cells({ phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }] })
        .Status,
      'SchedulingGated',
    );
    assert.equal(
      cells({ phase: 'Running', reason: 'NodeLost' }, {}, { deletionTimestamp: ago(SEC) }).Status,
      'Unknown',
    );
    assert.equal(cells({ phase: 'Succeeded' }, {}, { deletionTimestamp: ago(SEC) }).Status, 'Succeeded');
    const gated = cells(
      {
        phase: 'Running',
        nominatedNodeName: 'n2',
        conditions: [
          { type: 'example.com/a', status: 'True' },
          { type: 'example.com/b', status: 'False' },
        ],
      },
      { readinessGates: [{ conditionType: 'example.com/a' }, { conditionType: 'example.com/b' }] },
    );
    assert.deepEqual([gated['Readiness Gates'], gated['Nominated Node']], ['1/2', 'n2']);
  });
});

describe('buildTable: workloads', () => {
  const template = {
    spec: {
      containers: [
        { name: 'app', image: 'foundry:1' },
        { name: 'side', image: 'proxy:2' },
      ],
    },
  };
  const selector = { matchLabels: { app: 'foundry' } };

  it('prints Deployments as READY x/y', () => {
    const d = obj('apps/v1', 'Deployment', {
      spec: { replicas: 3, selector, template },
      status: { readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 },
    });
    assert.equal(
      header(table('apps', 'Deployment', [])),
      'Name Ready Up-to-date Available Age (Containers) (Images) (Selector)',
    );
    assert.deepEqual(cellsOf('apps', 'Deployment', d), [
      'deployment-a',
      '2/3',
      3,
      2,
      '5m',
      'app,side',
      'foundry:1,proxy:2',
      'app=foundry',
    ]);
    assert.equal(row('apps', 'Deployment', obj('apps/v1', 'Deployment', { spec: { template } })).Ready, '0/1');
  });

  it('prints ReplicaSets, StatefulSets and DaemonSets', () => {
    const rs = obj('apps/v1', 'ReplicaSet', {
      spec: { replicas: 2, selector, template },
      status: { replicas: 2, readyReplicas: 1 },
    });
    assert.equal(
      header(table('apps', 'ReplicaSet', [])),
      'Name Desired Current Ready Age (Containers) (Images) (Selector)',
    );
    assert.deepEqual(cellsOf('apps', 'ReplicaSet', rs), [
      'replicaset-a',
      2,
      2,
      1,
      '5m',
      'app,side',
      'foundry:1,proxy:2',
      'app=foundry',
    ]);
    const sts = obj('apps/v1', 'StatefulSet', { spec: { replicas: 2, template }, status: { readyReplicas: 2 } });
    assert.equal(header(table('apps', 'StatefulSet', [])), 'Name Ready Age (Containers) (Images)');
    assert.deepEqual(row('apps', 'StatefulSet', sts).Ready, '2/2');
    const ds = obj('apps/v1', 'DaemonSet', {
      spec: { selector, template: { spec: { ...template.spec, nodeSelector: { gpu: 'true' } } } },
      status: {
        desiredNumberScheduled: 1,
        currentNumberScheduled: 1,
        numberReady: 1,
        updatedNumberScheduled: 1,
        numberAvailable: 1,
      },
    });
    assert.equal(
      header(table('apps', 'DaemonSet', [])),
      'Name Desired Current Ready Up-to-date Available Node Selector Age (Containers) (Images) (Selector)',
    );
    assert.deepEqual(cellsOf('apps', 'DaemonSet', ds, 0, 8), ['daemonset-a', 1, 1, 1, 1, 1, 'gpu=true', '5m']);
    assert.equal(row('apps', 'ReplicaSet', obj('apps/v1', 'ReplicaSet', { spec: { template } })).Selector, '<none>');
  });

  it('prints Jobs with status, completions and duration', () => {
    assert.equal(
      header(table('batch', 'Job', [])),
      'Name Status Completions Duration Age (Containers) (Images) (Selector)',
    );
    const running = obj('batch/v1', 'Job', {
      spec: { completions: 1, template },
      status: { startTime: ago(90 * SEC), active: 1 },
    });
    assert.deepEqual(cellsOf('batch', 'Job', running, 0, 5), ['job-a', 'Running', '0/1', '90s', '5m']);
    const done = obj('batch/v1', 'Job', {
      spec: { completions: 1, template },
      status: {
        startTime: ago(4 * MIN),
        completionTime: ago(MIN),
        succeeded: 1,
        conditions: [{ type: 'Complete', status: 'True' }],
      },
    });
    assert.deepEqual(cellsOf('batch', 'Job', done, 1, 4), ['Complete', '1/1', '3m']);
    const parallel = obj('batch/v1', 'Job', {
      spec: { parallelism: 3, template },
      status: { conditions: [{ type: 'Failed', status: 'True' }] },
    });
    assert.deepEqual(cellsOf('batch', 'Job', parallel, 1, 4), ['Failed', '0/1 of 3', '']);
  });

  it('prints CronJobs', () => {
    assert.equal(
      header(table('batch', 'CronJob', [])),
      'Name Schedule Timezone Suspend Active Last Schedule Age (Containers) (Images) (Selector)',
    );
    const cj = obj('batch/v1', 'CronJob', {
      spec: { schedule: '*/5 * * * *', suspend: false, jobTemplate: { spec: { template } } },
      status: { active: [{ name: 'j' }], lastScheduleTime: ago(2 * MIN) },
    });
    assert.deepEqual(cellsOf('batch', 'CronJob', cj, 0, 7), [
      'cronjob-a',
      '*/5 * * * *',
      '<none>',
      'False',
      1,
      '2m',
      '5m',
    ]);
  });

  it('prints HPAs and PDBs', () => {
    const hpa = obj('autoscaling/v2', 'HorizontalPodAutoscaler', {
      spec: {
        scaleTargetRef: { kind: 'Deployment', name: 'web' },
        minReplicas: 1,
        maxReplicas: 4,
        metrics: [
          { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } },
        ],
      },
      status: {
        currentReplicas: 2,
        currentMetrics: [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 35 } } }],
      },
    });
    assert.equal(
      header(table('autoscaling', 'HorizontalPodAutoscaler', [])),
      'Name Reference Targets MinPods MaxPods Replicas Age',
    );
    assert.deepEqual(cellsOf('autoscaling', 'HorizontalPodAutoscaler', hpa), [
      'horizontalpodautoscaler-a',
      'Deployment/web',
      'cpu: 35%/80%',
      '1',
      4,
      2,
      '5m',
    ]);
    const v1 = obj('autoscaling/v1', 'HorizontalPodAutoscaler', {
      spec: { scaleTargetRef: { kind: 'Deployment', name: 'w' }, maxReplicas: 2, targetCPUUtilizationPercentage: 50 },
    });
    assert.deepEqual(cellsOf('autoscaling', 'HorizontalPodAutoscaler', v1, 2, 4), ['cpu: <unknown>/50%', '<unset>']);
    const pdb = obj('policy/v1', 'PodDisruptionBudget', {
      spec: { minAvailable: '50%' },
      status: { disruptionsAllowed: 1 },
    });
    assert.equal(
      header(table('policy', 'PodDisruptionBudget', [])),
      'Name Min Available Max Unavailable Allowed Disruptions Age',
    );
    assert.deepEqual(cellsOf('policy', 'PodDisruptionBudget', pdb), ['poddisruptionbudget-a', '50%', 'N/A', 1, '5m']);
  });
});

describe('buildTable: other built-in kinds', () => {
  it('prints Services', () => {
    const svc = obj('v1', 'Service', {
      spec: {
        type: 'ClusterIP',
        clusterIPs: ['10.96.0.10'],
        ports: [
          { port: 80, protocol: 'TCP' },
          { port: 53, protocol: 'UDP' },
        ],
        selector: { app: 'dns' },
      },
    });
    assert.equal(header(table('', 'Service', [])), 'Name Type Cluster-IP External-IP Port(s) Age (Selector)');
    assert.deepEqual(cellsOf('', 'Service', svc), [
      'service-a',
      'ClusterIP',
      '10.96.0.10',
      '<none>',
      '80/TCP,53/UDP',
      '5m',
      'app=dns',
    ]);
    const lb = obj('v1', 'Service', {
      spec: { type: 'LoadBalancer', clusterIP: '10.96.0.2', ports: [{ port: 443, nodePort: 30443, protocol: 'TCP' }] },
    });
    assert.deepEqual(cellsOf('', 'Service', lb, 1, 5), ['LoadBalancer', '10.96.0.2', '<pending>', '443:30443/TCP']);
    const headless = obj('v1', 'Service', { spec: { clusterIPs: ['None'] } });
    assert.deepEqual(cellsOf('', 'Service', headless, 1, 7), ['ClusterIP', 'None', '<none>', '<none>', '5m', '<none>']);
  });

  it('prints ConfigMaps, Secrets, ServiceAccounts and Namespaces', () => {
    assert.deepEqual(
      table('', 'ConfigMap', [obj('v1', 'ConfigMap', { data: { a: '1', b: '2' }, binaryData: { c: 'AA==' } })]).rows[0]
        .cells,
      ['configmap-a', 3, '5m'],
    );
    assert.equal(header(table('', 'Secret', [])), 'Name Type Data Age');
    assert.deepEqual(
      table('', 'Secret', [obj('v1', 'Secret', { type: 'Opaque', data: { a: 'eA==' } })]).rows[0].cells,
      ['secret-a', 'Opaque', 1, '5m'],
    );
    assert.deepEqual(table('', 'ServiceAccount', [obj('v1', 'ServiceAccount')]).rows[0].cells, [
      'serviceaccount-a',
      0,
      '5m',
    ]);
    assert.equal(header(table('', 'Namespace', [])), 'Name Status Age');
    assert.deepEqual(
      table('', 'Namespace', [
        obj(
          'v1',
          'Namespace',
          { status: { phase: 'Active' } },
          { namespace: undefined, creationTimestamp: ago(3 * DAY) },
        ),
      ]).rows[0].cells,
      ['namespace-a', 'Active', '3d'],
    );
  });

  it('prints Nodes', () => {
    const node = obj(
      'v1',
      'Node',
      {
        spec: { unschedulable: true },
        status: {
          conditions: [{ type: 'Ready', status: 'True' }],
          addresses: [{ type: 'InternalIP', address: '192.0.2.10' }],
          nodeInfo: {
            kubeletVersion: 'v1.32.0-sandbox',
            osImage: 'Sandbox',
            kernelVersion: '6.1',
            containerRuntimeVersion: 'sandbox://1',
          },
        },
      },
      { labels: { 'node-role.kubernetes.io/control-plane': '', 'node-role.kubernetes.io/gpu': '' } },
    );
    assert.equal(
      header(table('', 'Node', [])),
      'Name Status Roles Age Version (Internal-IP) (External-IP) (OS-Image) (Kernel-Version) (Container-Runtime)',
    );
    assert.deepEqual(cellsOf('', 'Node', node), [
      'node-a',
      'Ready,SchedulingDisabled',
      'control-plane,gpu',
      '5m',
      'v1.32.0-sandbox',
      '192.0.2.10',
      '<none>',
      'Sandbox',
      '6.1',
      'sandbox://1',
    ]);
    assert.deepEqual(
      table('', 'Node', [
        obj('v1', 'Node', { status: { conditions: [{ type: 'Ready', status: 'False' }] } }),
      ]).rows[0].cells.slice(1, 3),
      ['NotReady', '<none>'],
    );
    assert.equal(table('', 'Node', [obj('v1', 'Node')]).rows[0].cells[1], 'Unknown');
  });

  it('prints Events as kubectl get events shows them', () => {
    const ev = obj('v1', 'Event', {
      involvedObject: { kind: 'Pod', name: 'web-0', fieldPath: 'spec.containers{app}' },
      reason: 'Pulled',
      type: 'Normal',
      message: ' Successfully pulled image \n',
      source: { component: 'kubelet', host: 'gpu-node' },
      firstTimestamp: ago(10 * MIN),
      lastTimestamp: ago(30 * SEC),
      count: 4,
    });
    assert.equal(
      header(table('', 'Event', [])),
      'Last Seen Type Reason Object (Subobject) (Source) Message (First Seen) (Count) (Name)',
    );
    assert.deepEqual(cellsOf('', 'Event', ev), [
      '30s',
      'Normal',
      'Pulled',
      'pod/web-0',
      'spec.containers{app}',
      'kubelet, gpu-node',
      'Successfully pulled image',
      '10m',
      4,
      'event-a',
    ]);
    const fresh = obj('v1', 'Event', {
      involvedObject: { kind: 'GitRepository' },
      eventTime: ago(2 * SEC),
      reportingComponent: 'source-controller',
      type: 'Warning',
      reason: 'Failed',
    });
    assert.deepEqual(cellsOf('', 'Event', fresh, 0, 9), [
      '2s',
      'Warning',
      'Failed',
      'gitrepository',
      '',
      'source-controller',
      '',
      '2s',
      1,
    ]);
    const v1 = obj('events.k8s.io/v1', 'Event', {
      regarding: { kind: 'Pod', name: 'p' },
      note: 'hi',
      reason: 'R',
      type: 'Normal',
      eventTime: ago(MIN),
      series: { count: 5, lastObservedTime: ago(3 * SEC) },
      reportingController: 'kubelet',
    });
    assert.deepEqual(cellsOf('events.k8s.io', 'Event', v1, 0, 9), [
      '3s',
      'Normal',
      'R',
      'pod/p',
      '',
      'kubelet',
      'hi',
      '60s',
      5,
    ]);
  });

  it('prints Ingresses, PVCs, Endpoints and Leases', () => {
    const ing = obj('networking.k8s.io/v1', 'Ingress', {
      spec: { ingressClassName: 'nginx', rules: [{ host: 'a.test' }, { host: 'b.test' }], tls: [{}] },
      status: { loadBalancer: { ingress: [{ ip: '192.0.2.5' }] } },
    });
    assert.equal(header(table('networking.k8s.io', 'Ingress', [])), 'Name Class Hosts Address Ports Age');
    assert.deepEqual(cellsOf('networking.k8s.io', 'Ingress', ing), [
      'ingress-a',
      'nginx',
      'a.test,b.test',
      '192.0.2.5',
      '80, 443',
      '5m',
    ]);
    const pvc = obj('v1', 'PersistentVolumeClaim', {
      spec: { volumeName: 'pv-1', storageClassName: 'local', accessModes: ['ReadWriteOnce'] },
      status: { phase: 'Bound', capacity: { storage: '10Gi' }, accessModes: ['ReadWriteMany', 'ReadWriteOnce'] },
    });
    assert.equal(
      header(table('', 'PersistentVolumeClaim', [])),
      'Name Status Volume Capacity Access Modes StorageClass VolumeAttributesClass Age (VolumeMode)',
    );
    assert.deepEqual(cellsOf('', 'PersistentVolumeClaim', pvc), [
      'persistentvolumeclaim-a',
      'Bound',
      'pv-1',
      '10Gi',
      'RWO,RWX',
      'local',
      '<unset>',
      '5m',
      '<unset>',
    ]);
    const ep = obj('v1', 'Endpoints', {
      subsets: [
        {
          addresses: [{ ip: '10.0.0.1' }, { ip: '10.0.0.2' }, { ip: 'fd00::1' }, { ip: '10.0.0.4' }],
          ports: [{ port: 80 }],
        },
      ],
    });
    assert.deepEqual(cellsOf('', 'Endpoints', ep), [
      'endpoints-a',
      '10.0.0.1:80,10.0.0.2:80,[fd00::1]:80 + 1 more...',
      '5m',
    ]);
    assert.deepEqual(table('', 'Endpoints', [obj('v1', 'Endpoints')]).rows[0].cells[1], '<none>');
    assert.deepEqual(
      table('coordination.k8s.io', 'Lease', [
        obj('coordination.k8s.io/v1', 'Lease', { spec: { holderIdentity: 'flux' } }),
      ]).rows[0].cells,
      ['lease-a', 'flux', '5m'],
    );
  });

  it('prints RBAC, CRDs, StorageClasses and PriorityClasses', () => {
    const rb = obj('rbac.authorization.k8s.io/v1', 'RoleBinding', {
      roleRef: { kind: 'ClusterRole', name: 'view' },
      subjects: [
        { kind: 'User', name: 'alice' },
        { kind: 'Group', name: 'devs' },
        { kind: 'ServiceAccount', namespace: 'flux', name: 'kc' },
        { kind: 'User', name: 'bob' },
      ],
    });
    assert.equal(
      header(table('rbac.authorization.k8s.io', 'RoleBinding', [])),
      'Name Role Age (Users) (Groups) (ServiceAccounts)',
    );
    assert.deepEqual(cellsOf('rbac.authorization.k8s.io', 'RoleBinding', rb), [
      'rolebinding-a',
      'ClusterRole/view',
      '5m',
      'alice, bob',
      'devs',
      'flux/kc',
    ]);
    for (const [group, kind] of [
      ['rbac.authorization.k8s.io', 'ClusterRole'],
      ['rbac.authorization.k8s.io', 'Role'],
      ['apiextensions.k8s.io', 'CustomResourceDefinition'],
    ]) {
      const t = table(group, kind, [obj(`${group}/v1`, kind, {}, { creationTimestamp: '2024-04-01T08:30:00Z' })]);
      assert.equal(header(t), 'Name Created At', kind);
      assert.equal(t.columnDefinitions[1].type, 'date');
      assert.deepEqual(t.rows[0].cells, [`${kind.toLowerCase()}-a`, '2024-04-01T08:30:00Z']);
    }
    const sc = obj(
      'storage.k8s.io/v1',
      'StorageClass',
      { provisioner: 'rancher.io/local-path', volumeBindingMode: 'WaitForFirstConsumer' },
      { annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
    );
    assert.equal(
      header(table('storage.k8s.io', 'StorageClass', [])),
      'Name Provisioner ReclaimPolicy VolumeBindingMode AllowVolumeExpansion Age',
    );
    assert.deepEqual(cellsOf('storage.k8s.io', 'StorageClass', sc), [
      'storageclass-a (default)',
      'rancher.io/local-path',
      'Delete',
      'WaitForFirstConsumer',
      false,
      '5m',
    ]);
    const pc = obj('scheduling.k8s.io/v1', 'PriorityClass', {
      value: 1000,
      globalDefault: false,
      preemptionPolicy: 'PreemptLowerPriority',
    });
    assert.equal(
      header(table('scheduling.k8s.io', 'PriorityClass', [])),
      'Name Value Global-Default Age PreemptionPolicy',
    );
    assert.deepEqual(cellsOf('scheduling.k8s.io', 'PriorityClass', pc), [
      'priorityclass-a',
      1000,
      false,
      '5m',
      'PreemptLowerPriority',
    ]);
  });
});

describe('buildTable: custom resources', () => {
  const columns: PrinterColumn[] = [
    { name: 'URL', type: 'string', jsonPath: '.spec.url' },
    { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
    { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
    { name: 'Gen', type: 'integer', jsonPath: '.status.observedGeneration', priority: 1 },
    { name: 'Suspended', type: 'boolean', jsonPath: '.spec.suspend', format: 'x' },
    { name: 'Raw', type: 'string', jsonPath: '.spec.ref' },
  ];
  const cr = obj('example.com/v1', 'Thing', {
    spec: { url: 'http://x', suspend: true, ref: { tag: 'v1', branch: 'main' } },
    status: { observedGeneration: 3.7, conditions: [{ type: 'Ready', status: 'True' }] },
  });

  it('uses Name then the printer columns, typed like the apiextensions convertor', () => {
    const t = table('example.com', 'Thing', [cr], { printerColumns: columns });
    assert.equal(header(t), 'Name URL Age Ready (Gen) Suspended Raw');
    assert.equal(
      t.columnDefinitions[1].description,
      'Custom resource definition column (in JSONPath format): .spec.url',
    );
    assert.equal(t.columnDefinitions[5].format, 'x');
    assert.deepEqual(t.rows[0].cells, ['thing-a', 'http://x', '5m', 'True', 3, true, '{"branch":"main","tag":"v1"}']);
  });

  it('leaves cells null when nothing matches or the type does not fit', () => {
    const bare = obj('example.com/v1', 'Thing', { spec: { suspend: 'yes' }, status: { observedGeneration: 'x' } });
    assert.deepEqual(table('example.com', 'Thing', [bare], { printerColumns: columns }).rows[0].cells, [
      'thing-a',
      null,
      '5m',
      null,
      null,
      null,
      null,
    ]);
  });

  it('adds only Age when the CRD declares no columns', () => {
    const t = table('example.com', 'Thing', [cr], { printerColumns: [] });
    assert.equal(header(t), 'Name Age');
    assert.deepEqual(t.rows[0].cells, ['thing-a', '5m']);
  });

  it('does not add Age when the CRD declares columns without it', () => {
    assert.equal(header(table('example.com', 'Thing', [cr], { printerColumns: [columns[0]] })), 'Name URL');
  });

  it('prints values the way client-go jsonpath does', () => {
    assert.equal(goText('s'), 's');
    assert.equal(goText(5), '5');
    assert.equal(goText(0.5), '0.5');
    assert.equal(goText(1234567.5), '1.2345675e+06');
    assert.equal(goText(0.00001), '1e-05');
    assert.equal(goText(true), 'true');
    assert.equal(goText(null), '<no value>');
    assert.equal(goText({ b: ['<x>'], a: 1 }), '{"a":1,"b":["\\u003cx\\u003e"]}');
  });
});

/** Reads every served version's printer columns from the vendored Flux CRDs. */
function fluxCrds(line: string): Array<{ group: string; kind: string; version: string; columns: PrinterColumn[] }> {
  const dir = join(import.meta.dirname, '..', 'flux-crds', line);
  const out: Array<{ group: string; kind: string; version: string; columns: PrinterColumn[] }> = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.yaml'))) {
    for (const doc of parseAllDocuments(readFileSync(join(dir, file), 'utf8'))) {
      const crd = doc.toJS() as Json;
      if (crd?.kind !== 'CustomResourceDefinition') continue;
      for (const v of crd.spec.versions) {
        if (v.served)
          out.push({
            group: crd.spec.group,
            kind: crd.spec.names.kind,
            version: v.name,
            columns: v.additionalPrinterColumns ?? [],
          });
      }
    }
  }
  return out;
}

describe('buildTable: every Flux kind from the vendored CRDs', () => {
  for (const line of ['v2.9', 'v2.6']) {
    const crds = fluxCrds(line);
    it(`${line}: finds all nine Flux kinds`, () => {
      assert.equal(new Set(crds.map((c) => c.kind)).size, 9);
    });
    for (const crd of crds) {
      it(`${line} ${crd.kind} ${crd.version}: Name, the CRD columns, Ready/Status from conditions`, () => {
        const ready = obj(`${crd.group}/${crd.version}`, crd.kind, {
          spec: {
            url: 'oci://registry/models',
            chart: 'foundry',
            version: '1.2.3',
            sourceRef: { kind: 'HelmRepository', name: 'charts' },
            image: 'registry/foundry',
          },
          status: {
            conditions: [
              { type: 'Reconciling', status: 'False', reason: 'Succeeded', message: 'done' },
              { type: 'Ready', status: 'True', reason: 'Succeeded', message: 'Applied revision: main@sha1:abc' },
            ],
            latestRef: { name: 'registry/foundry', tag: '1.2.3' },
            latestImage: 'registry/foundry:1.2.3',
            lastScanResult: { tagCount: 7, scanTime: ago(MIN) },
            lastAutomationRunTime: ago(MIN),
          },
        });
        const t = table(
          crd.group,
          crd.kind,
          [ready, obj(`${crd.group}/${crd.version}`, crd.kind, {}, { name: 'fresh' })],
          { printerColumns: crd.columns },
        );
        assert.deepEqual(
          t.columnDefinitions.map((c) => c.name),
          ['Name', ...crd.columns.map((c) => c.name)],
        );
        const cellsOf = (i: number) =>
          Object.fromEntries(t.columnDefinitions.map((c, j) => [c.name, t.rows[i].cells[j]]));
        const cells = cellsOf(0);
        assert.equal(cells.Name, `${crd.kind.toLowerCase()}-a`);
        // the server never adds Age to declared columns: older image CRDs (v2.6 v1beta2) declare none and show none
        if (crd.columns.some((c) => c.name === 'Age')) assert.equal(cells.Age, '5m');
        else assert.equal('Age' in cells, false);
        if ('Ready' in cells) {
          assert.equal(cells.Ready, 'True');
          assert.equal(cells.Status, 'Applied revision: main@sha1:abc');
        }
        if ('URL' in cells) assert.equal(cells.URL, 'oci://registry/models');
        if ('Tags' in cells) assert.equal(cells.Tags, '7');
        if ('Tag' in cells) assert.equal(cells.Tag, '1.2.3');
        if ('LatestImage' in cells) assert.equal(cells.LatestImage, 'registry/foundry:1.2.3');
        if ('Last scan' in cells) assert.equal(cells['Last scan'], ago(MIN), 'a string column shows the raw timestamp');
        if ('Source Kind' in cells) assert.equal(cells['Source Kind'], 'HelmRepository');
        const fresh = cellsOf(1);
        assert.equal(fresh.Name, 'fresh');
        if ('Ready' in fresh)
          assert.equal(fresh.Ready, null, 'no conditions yet: the cell is null and kubectl prints it empty');
      });
    }
  }
});
