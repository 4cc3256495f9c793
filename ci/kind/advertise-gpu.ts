#!/usr/bin/env node
/**
 * Advertises a fake `nvidia.com/gpu` on a node of a cluster without GPUs (the kind lane): a JSON patch of the node's
 * status capacity and allocatable, as Kubernetes documents for extended resources
 * ("Advertise Extended Resources for a Node", kubernetes.io/docs/tasks/administer-cluster/extended-resource-node/).
 * The scheduler then places exactly one GPU pod on it, which is what the plan's Recreate-vs-RollingUpdate check
 * needs. No device plugin: the pod runs without a device, which the foundry stand-in does not need.
 *
 * Usage: node ci/kind/advertise-gpu.ts [--node NAME] [--count N]   (KUBECONFIG selects the cluster)
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as k8s from '@kubernetes/client-node';

export const GPU = 'nvidia.com/gpu';

/** Sets `nvidia.com/gpu` capacity and allocatable of one node (the only node when no name is given). */
export async function advertiseGpu(
  kc: k8s.KubeConfig,
  options: { node?: string; count: number },
): Promise<{ node: string; capacity: string; allocatable: string }> {
  if (!Number.isInteger(options.count) || options.count < 0)
    throw new Error(`--count must be a non-negative integer (got ${options.count})`);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  let name = options.node;
  if (!name) {
    const nodes = (await core.listNode()).items.map((n) => n.metadata!.name!);
    if (nodes.length !== 1)
      throw new Error(`advertise-gpu: ${nodes.length} nodes (${nodes.join(', ') || 'none'}): name one with --node`);
    name = nodes[0]!;
  }
  const key = GPU.replace('/', '~1');
  const value = String(options.count);
  const patch = [
    { op: 'add', path: `/status/capacity/${key}`, value },
    { op: 'add', path: `/status/allocatable/${key}`, value },
  ];
  const node = await core.patchNodeStatus(
    { name, body: patch },
    k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.JsonPatch),
  );
  return {
    node: name,
    capacity: node.status?.capacity?.[GPU] ?? '',
    allocatable: node.status?.allocatable?.[GPU] ?? '',
  };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const flag = (name: string) => {
    const i = args.indexOf(name);
    return i === -1 ? undefined : args[i + 1];
  };
  const kc = new k8s.KubeConfig();
  kc.loadFromDefault();
  const node = flag('--node');
  const result = await advertiseGpu(kc, { ...(node ? { node } : {}), count: Number(flag('--count') ?? 1) });
  console.log(
    `advertise-gpu: node ${result.node} capacity ${GPU}=${result.capacity}, allocatable ${result.allocatable}`,
  );
}
