import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../kube/types.ts';
import { findNode } from './node-fit.ts';

const node: KubeObject = {
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name: 'sandbox-gpu-node', labels: { 'nvidia.com/gpu.present': 'true' } },
  status: { allocatable: { cpu: '7820m', memory: '52130740Ki', pods: '110', 'nvidia.com/gpu': '1' } },
};

function pod(
  name: string,
  extra: Partial<KubeObject['spec']> = {},
  status: KubeObject['status'] = { phase: 'Pending' },
  meta: Partial<KubeObject['metadata']> = {},
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'foundry-system', uid: `uid-${name}`, ...meta },
    spec: { containers: [{ name: 'c', image: 'i', resources: { limits: { 'nvidia.com/gpu': '1' } } }], ...extra },
    status,
  };
}

const GPU_FULL =
  '0/1 nodes are available: 1 Insufficient nvidia.com/gpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod..';

describe('node fit', () => {
  it('places a GPU pod on a free node', () => {
    const result = findNode(pod('new'), [node], []);
    assert.ok('node' in result);
    assert.equal(result.node.metadata.name, 'sandbox-gpu-node');
  });

  it('refuses a second GPU pod with kube-scheduler 1.32 wording', () => {
    const running = pod('old', { nodeName: 'sandbox-gpu-node' }, { phase: 'Running' });
    assert.deepEqual(findNode(pod('new'), [node], [running]), { message: GPU_FULL, plugins: ['NodeResourcesFit'] });
  });

  it('counts a terminating pod until it is gone, but not a finished one', () => {
    const terminating = pod(
      'old',
      { nodeName: 'sandbox-gpu-node' },
      { phase: 'Running' },
      { deletionTimestamp: '2026-11-26T08:00:00Z' },
    );
    assert.deepEqual(findNode(pod('new'), [node], [terminating]), { message: GPU_FULL, plugins: ['NodeResourcesFit'] });
    const finished = pod('old', { nodeName: 'sandbox-gpu-node' }, { phase: 'Succeeded' });
    assert.ok('node' in findNode(pod('new'), [node], [finished]));
  });

  it('lists several insufficient resources sorted, and node-level mismatches as not helped by preemption', () => {
    const hungry = pod('big', {
      containers: [
        {
          name: 'c',
          image: 'i',
          resources: { requests: { cpu: '8', memory: '1Gi' }, limits: { 'nvidia.com/gpu': 2 } },
        },
      ],
    });
    assert.deepEqual(findNode(hungry, [node], []), {
      message:
        '0/1 nodes are available: 1 Insufficient cpu, 1 Insufficient nvidia.com/gpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod..',
      plugins: ['NodeResourcesFit'],
    });
    const elsewhere = pod('sel', { nodeSelector: { 'kubernetes.io/hostname': 'other' } });
    assert.deepEqual(findNode(elsewhere, [node], []), {
      message:
        "0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling..",
      plugins: ['NodeAffinity'],
    });
  });

  it('checks taints against tolerations', () => {
    const tainted = { ...node, spec: { taints: [{ key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' }] } };
    const plain = pod('p');
    assert.match(
      (findNode(plain, [tainted], []) as { message: string }).message,
      /1 node\(s\) had untolerated taint \{nvidia.com\/gpu: present\}/,
    );
    const tolerant = pod('t', { tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }] });
    assert.ok('node' in findNode(tolerant, [tainted], []));
  });
});
