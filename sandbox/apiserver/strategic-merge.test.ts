import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { strategicMergePatch } from './strategic-merge.ts';

const POD = { group: '', kind: 'Pod' };
const DEPLOYMENT = { group: 'apps', kind: 'Deployment' };

const smp = (original: object, patch: object, gk = POD): any => strategicMergePatch(original, patch, gk);

const pod = () => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: 'web',
    labels: { app: 'web', tier: 'a' },
    finalizers: ['a', 'b'],
    ownerReferences: [{ uid: 'u1', kind: 'ReplicaSet', name: 'rs' }],
  },
  spec: {
    containers: [
      {
        name: 'web',
        image: 'nginx:1',
        args: ['--a', '--b'],
        env: [
          { name: 'A', value: '1' },
          { name: 'B', value: '2' },
        ],
        ports: [{ containerPort: 80, protocol: 'TCP' }],
        volumeMounts: [{ name: 'data', mountPath: '/data' }],
      },
      { name: 'sidecar', image: 'busybox' },
    ],
    volumes: [{ name: 'data', emptyDir: {} }],
    tolerations: [{ key: 'gpu', operator: 'Exists' }],
  },
  status: {
    phase: 'Running',
    conditions: [
      { type: 'Ready', status: 'False' },
      { type: 'Initialized', status: 'True' },
    ],
  },
});

describe('strategicMergePatch: maps', () => {
  it('merges maps recursively and deletes keys set to null', () => {
    const out = smp(pod(), {
      metadata: { labels: { tier: null, new: 'x' }, annotations: { a: 'b' } },
      status: { phase: 'Succeeded' },
    });
    assert.deepEqual(out.metadata.labels, { app: 'web', new: 'x' });
    assert.deepEqual(out.metadata.annotations, { a: 'b' });
    assert.equal(out.status.phase, 'Succeeded');
    assert.equal(out.spec.containers.length, 2);
  });

  it('ignores nulls for keys the original lacks and strips them from new maps', () => {
    const out = smp({ a: 1 }, { b: null, c: { d: null, e: 1 } }, { group: '', kind: 'ConfigMap' });
    assert.deepEqual(out, { a: 1, c: { e: 1 } });
  });

  it('merges ConfigMap data like a plain map', () => {
    const out = smp({ data: { a: '1', b: '2' } }, { data: { b: null, c: '3' } }, { group: '', kind: 'ConfigMap' });
    assert.deepEqual(out.data, { a: '1', c: '3' });
  });

  it('does not modify its inputs', () => {
    const original = pod();
    const patch = { spec: { containers: [{ name: 'web', image: 'nginx:2' }] } };
    const before = structuredClone(original);
    const patchBefore = structuredClone(patch);
    smp(original, patch);
    assert.deepEqual(original, before);
    assert.deepEqual(patch, patchBefore);
  });

  it('honours $patch: replace and $patch: delete on maps', () => {
    const replaced = smp(pod(), { metadata: { labels: { $patch: 'replace', only: 'this' } } });
    assert.deepEqual(replaced.metadata.labels, { only: 'this' });
    const deleted = smp(pod(), { metadata: { labels: { $patch: 'delete' } } });
    assert.deepEqual(deleted.metadata.labels, {});
    const merged = smp(pod(), { metadata: { labels: { $patch: 'merge', more: 'y' } } });
    assert.deepEqual(merged.metadata.labels, { app: 'web', tier: 'a', more: 'y' });
  });

  it('replaces a value whose type changes', () => {
    assert.deepEqual(smp({ a: { b: 1 } }, { a: 'text' }, { group: '', kind: 'ConfigMap' }), { a: 'text' });
    assert.deepEqual(smp({ a: [1] }, { a: { b: 1 } }, { group: '', kind: 'ConfigMap' }), { a: { b: 1 } });
  });
});

describe('strategicMergePatch: lists with merge keys', () => {
  it('merges containers by name, env by name, ports by containerPort, mounts by mountPath', () => {
    const out = smp(pod(), {
      spec: {
        containers: [
          {
            name: 'web',
            image: 'nginx:2',
            env: [
              { name: 'B', value: '20' },
              { name: 'C', value: '3' },
            ],
            ports: [{ containerPort: 80, name: 'http' }, { containerPort: 443 }],
            volumeMounts: [{ mountPath: '/data', readOnly: true }],
          },
          { name: 'new', image: 'alpine' },
        ],
      },
    });
    const [web, sidecar, added] = out.spec.containers;
    assert.equal(web.image, 'nginx:2');
    assert.deepEqual(web.env, [
      { name: 'A', value: '1' },
      { name: 'B', value: '20' },
      { name: 'C', value: '3' },
    ]);
    assert.deepEqual(web.ports, [{ containerPort: 80, protocol: 'TCP', name: 'http' }, { containerPort: 443 }]);
    assert.deepEqual(web.volumeMounts, [{ name: 'data', mountPath: '/data', readOnly: true }]);
    assert.deepEqual(web.args, ['--a', '--b']);
    assert.deepEqual(sidecar, { name: 'sidecar', image: 'busybox' });
    assert.deepEqual(added, { name: 'new', image: 'alpine' });
  });

  it('replaces lists without a patch strategy (args, tolerations)', () => {
    const out = smp(pod(), {
      spec: { containers: [{ name: 'web', args: ['--c'] }], tolerations: [{ key: 'other', operator: 'Exists' }] },
    });
    assert.deepEqual(out.spec.containers[0].args, ['--c']);
    assert.deepEqual(out.spec.tolerations, [{ key: 'other', operator: 'Exists' }]);
  });

  it('deletes elements with $patch: delete and replaces lists with $patch: replace', () => {
    const deleted = smp(pod(), { spec: { containers: [{ name: 'sidecar', $patch: 'delete' }] } });
    assert.deepEqual(
      deleted.spec.containers.map((c: { name: string }) => c.name),
      ['web'],
    );
    const replaced = smp(pod(), { spec: { containers: [{ $patch: 'replace' }, { name: 'only', image: 'x' }] } });
    assert.deepEqual(replaced.spec.containers, [{ name: 'only', image: 'x' }]);
  });

  it('drops $patch: delete elements for lists the original lacks', () => {
    const out = smp(
      { spec: {} },
      {
        spec: {
          initContainers: [
            { name: 'x', $patch: 'delete' },
            { name: 'y', image: 'i' },
          ],
        },
      },
    );
    assert.deepEqual(out.spec.initContainers, [{ name: 'y', image: 'i' }]);
  });

  it('merges ownerReferences by uid and conditions by type', () => {
    const out = smp(pod(), {
      metadata: {
        ownerReferences: [
          { uid: 'u1', controller: true },
          { uid: 'u2', kind: 'X', name: 'x' },
        ],
      },
      status: {
        conditions: [
          { type: 'Ready', status: 'True' },
          { type: 'ContainersReady', status: 'True' },
        ],
      },
    });
    assert.deepEqual(out.metadata.ownerReferences, [
      { uid: 'u1', kind: 'ReplicaSet', name: 'rs', controller: true },
      { uid: 'u2', kind: 'X', name: 'x' },
    ]);
    assert.deepEqual(out.status.conditions, [
      { type: 'Ready', status: 'True' },
      { type: 'Initialized', status: 'True' },
      { type: 'ContainersReady', status: 'True' },
    ]);
  });

  it('merges finalizers as a set and deletes with $deleteFromPrimitiveList', () => {
    assert.deepEqual(smp(pod(), { metadata: { finalizers: ['b', 'c'] } }).metadata.finalizers, ['a', 'b', 'c']);
    const out = smp(pod(), { metadata: { '$deleteFromPrimitiveList/finalizers': ['a'], finalizers: ['z'] } });
    assert.deepEqual(out.metadata.finalizers, ['b', 'z']);
  });

  it('reorders with $setElementOrder, keeping server-only elements in place', () => {
    const original = { spec: { containers: [{ name: 'a' }, { name: 'b' }, { name: 'c' }] } };
    const out = smp(original, {
      spec: { '$setElementOrder/containers': [{ name: 'c' }, { name: 'a' }], containers: [{ name: 'c', image: 'x' }] },
    });
    // b was between a and c on the server; mergeSortedSlice puts it before c, the first patch item it compares with
    assert.deepEqual(
      out.spec.containers.map((c: { name: string }) => c.name),
      ['b', 'c', 'a'],
    );
    assert.equal(out.spec.containers[1].image, 'x');
    const noServerOnly = smp(
      { spec: { containers: [{ name: 'a' }, { name: 'b' }] } },
      { spec: { '$setElementOrder/containers': [{ name: 'b' }, { name: 'a' }] } },
    );
    assert.deepEqual(
      noServerOnly.spec.containers.map((c: { name: string }) => c.name),
      ['b', 'a'],
    );
    const withNew = smp(original, {
      spec: {
        '$setElementOrder/containers': [{ name: 'a' }, { name: 'd' }, { name: 'b' }, { name: 'c' }],
        containers: [{ name: 'd' }],
      },
    });
    assert.deepEqual(
      withNew.spec.containers.map((c: { name: string }) => c.name),
      ['a', 'd', 'b', 'c'],
    );
    const finalizers = smp(
      { metadata: { finalizers: ['x', 'y'] } },
      { metadata: { '$setElementOrder/finalizers': ['y', 'x'] } },
    );
    assert.deepEqual(finalizers.metadata.finalizers, ['y', 'x']);
  });

  it('honours $retainKeys on volumes and on a Deployment strategy', () => {
    const vol = smp(pod(), {
      spec: { volumes: [{ name: 'data', $retainKeys: ['name', 'configMap'], configMap: { name: 'cm' } }] },
    });
    assert.deepEqual(vol.spec.volumes, [{ name: 'data', configMap: { name: 'cm' } }]);
    const deploy = { spec: { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } } } };
    const out = smp(
      deploy,
      { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate', rollingUpdate: null } } },
      DEPLOYMENT,
    );
    assert.deepEqual(out.spec.strategy, { type: 'Recreate' });
  });
});

describe('strategicMergePatch: per-kind paths', () => {
  const template = (containers: object[]) => ({
    spec: { template: { metadata: { labels: { app: 'x' } }, spec: { containers } } },
  });
  const workloads = [
    { group: 'apps', kind: 'Deployment' },
    { group: 'apps', kind: 'ReplicaSet' },
    { group: 'apps', kind: 'StatefulSet' },
    { group: 'apps', kind: 'DaemonSet' },
    { group: 'batch', kind: 'Job' },
    { group: '', kind: 'ReplicationController' },
  ];
  for (const gk of workloads) {
    it(`merges ${gk.kind} pod template containers by name`, () => {
      const out = smp(
        template([
          { name: 'a', image: '1' },
          { name: 'b', image: '1' },
        ]),
        template([{ name: 'b', image: '2' }]),
        gk,
      );
      assert.deepEqual(out.spec.template.spec.containers, [
        { name: 'a', image: '1' },
        { name: 'b', image: '2' },
      ]);
      assert.deepEqual(out.spec.template.metadata.labels, { app: 'x' });
    });
  }

  it('merges CronJob jobTemplate containers by name', () => {
    const cron = (containers: object[]) => ({
      spec: { jobTemplate: { spec: { template: { spec: { containers } } } } },
    });
    const out = smp(cron([{ name: 'a', image: '1' }, { name: 'b' }]), cron([{ name: 'a', image: '2' }]), {
      group: 'batch',
      kind: 'CronJob',
    });
    assert.deepEqual(out.spec.jobTemplate.spec.template.spec.containers, [{ name: 'a', image: '2' }, { name: 'b' }]);
  });

  it('merges Service ports by port', () => {
    const svc = { spec: { ports: [{ port: 80, targetPort: 8080 }, { port: 443 }], selector: { app: 'a' } } };
    const out = smp(
      svc,
      { spec: { ports: [{ port: 80, targetPort: 9090 }], selector: { tier: 'b' } } },
      { group: '', kind: 'Service' },
    );
    assert.deepEqual(out.spec.ports, [{ port: 80, targetPort: 9090 }, { port: 443 }]);
    assert.deepEqual(out.spec.selector, { app: 'a', tier: 'b' });
  });

  it('merges Node conditions and addresses by type, podCIDRs as a set', () => {
    const node = {
      spec: { podCIDRs: ['10.0.0.0/24'] },
      status: { conditions: [{ type: 'Ready', status: 'False' }], addresses: [{ type: 'InternalIP', address: '1' }] },
    };
    const out = smp(
      node,
      {
        spec: { podCIDRs: ['fd00::/64'] },
        status: { conditions: [{ type: 'Ready', status: 'True' }], addresses: [{ type: 'Hostname', address: 'h' }] },
      },
      { group: '', kind: 'Node' },
    );
    assert.deepEqual(out.spec.podCIDRs, ['10.0.0.0/24', 'fd00::/64']);
    assert.deepEqual(out.status.conditions, [{ type: 'Ready', status: 'True' }]);
    assert.deepEqual(out.status.addresses, [
      { type: 'InternalIP', address: '1' },
      { type: 'Hostname', address: 'h' },
    ]);
  });

  it('merges Namespace and Deployment status conditions by type', () => {
    for (const gk of [{ group: '', kind: 'Namespace' }, DEPLOYMENT]) {
      const out = smp(
        { status: { conditions: [{ type: 'A', status: 'True' }] } },
        { status: { conditions: [{ type: 'B', status: 'True' }] } },
        gk,
      );
      assert.equal(out.status.conditions.length, 2, gk.kind);
    }
  });

  it('replaces lists of kinds it knows nothing about, except metadata and status conditions', () => {
    const out = smp(
      { spec: { items: [{ name: 'a' }] } },
      { spec: { items: [{ name: 'b' }] } },
      { group: 'example.com', kind: 'Widget' },
    );
    assert.deepEqual(out.spec.items, [{ name: 'b' }]);
  });
});

describe('strategicMergePatch: invalid patches', () => {
  it('rejects an unknown $patch directive', () => {
    assert.throws(
      () => smp(pod(), { metadata: { labels: { $patch: 'frobnicate' } } }),
      /^Error: unknown patch type: frobnicate in map: map\[\$patch:frobnicate\]$/,
    );
    assert.throws(
      () => smp(pod(), { spec: { containers: [{ name: 'web', $patch: 'frobnicate' }] } }),
      /unknown patch type: frobnicate/,
    );
    assert.throws(
      () => smp(pod(), { spec: { containers: [{ $patch: 'merge' }] } }),
      /merging lists cannot yet be specified in the patch/,
    );
  });

  it('rejects merge-list elements without their merge key', () => {
    assert.throws(() => smp(pod(), { spec: { containers: [{ image: 'x' }] } }), {
      message: 'map: map[image:x] does not contain declared merge key: name',
    });
    assert.throws(() => smp(pod(), { spec: { containers: [{ $patch: 'delete' }] } }), {
      message: 'delete patch type with no merge key defined',
    });
  });

  it('rejects malformed directives', () => {
    assert.throws(() => smp(pod(), { spec: { $retainKeys: 'containers' } }), /invalid patch format of retainKeys/);
    assert.throws(
      () => smp(pod(), { spec: { $retainKeys: ['volumes'], containers: [] } }),
      /invalid patch format of retainKeys/,
    );
    assert.throws(
      () => smp(pod(), { metadata: { '$deleteFromPrimitiveList/finalizers': 'a' } }),
      /invalid patch format of primitive list/,
    );
    assert.throws(
      () => smp(pod(), { spec: { '$setElementOrder/containers': 'web' } }),
      /invalid patch format of setElementOrder list/,
    );
  });

  it('rejects mixed lists and non-object patches', () => {
    assert.throws(() => smp(pod(), { metadata: { ownerReferences: ['x'] } }), /both maps and non-maps/);
    assert.throws(() => smp(pod(), [1, 2]), /cannot unmarshal array into Go value of type map/);
  });
});
