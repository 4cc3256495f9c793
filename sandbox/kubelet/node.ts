/**
 * The sandbox's one node as its kubelet registers and maintains it: a GPU node (`nvidia.com/gpu: "1"`, NVIDIA
 * and accelerator labels), capacity/allocatable, addresses, nodeInfo (kubelet v1.32, containerd), conditions
 * with heartbeats — the node status every 5 minutes and the `kube-node-lease` Lease every 10 seconds, as the
 * kubelet does — and the `Starting`/`NodeReady`/`RegisteredNode` events.
 */
import { createHash } from 'node:crypto';
import type { Clock } from '../kube/clock.ts';
import type { EventRecorder } from '../kube/events.ts';
import { isApiError, type Kube, type KubeObject } from '../kube/types.ts';
import type { Json } from '../kube/json.ts';

/** Cluster ms between node status heartbeats and lease renewals (nodeStatusReportFrequency, lease renew). */
const STATUS_HEARTBEAT_MS = 5 * 60_000;
const LEASE_RENEW_MS = 10_000;
const LEASE_DURATION_SECONDS = 40;

export interface NodeAgentOptions {
  kube: Kube;
  clock: Clock;
  events: EventRecorder;
  name: string;
  gpus: number;
  /** The node's InternalIP. */
  address: string;
  /** The node's podCIDR. */
  podCIDR: string;
}

/** The node object's desired labels. */
function nodeLabels(name: string, gpus: number): Record<string, string> {
  return {
    'beta.kubernetes.io/arch': 'amd64',
    'beta.kubernetes.io/instance-type': 'Standard_NC8as_T4_v3',
    'beta.kubernetes.io/os': 'linux',
    'kubernetes.io/arch': 'amd64',
    'kubernetes.io/hostname': name,
    'kubernetes.io/os': 'linux',
    'node.kubernetes.io/instance-type': 'Standard_NC8as_T4_v3',
    'topology.kubernetes.io/region': 'local',
    'topology.kubernetes.io/zone': '0',
    accelerator: 'nvidia',
    'kubernetes.azure.com/accelerator': 'nvidia',
    'nvidia.com/gpu.present': gpus > 0 ? 'true' : 'false',
    'nvidia.com/gpu.count': String(gpus),
    'nvidia.com/gpu.product': 'Tesla-T4',
    'nvidia.com/gpu.memory': '15360',
    'nvidia.com/cuda.driver.major': '550',
  };
}

/** Registers the node and keeps its heartbeats going. */
export class NodeAgent {
  readonly name: string;
  readonly address: string;
  readonly #opts: NodeAgentOptions;
  #timers: Array<() => void> = [];
  #stopped = false;

  constructor(options: NodeAgentOptions) {
    this.#opts = options;
    this.name = options.name;
    this.address = options.address;
  }

  /** Creates (or refreshes) the Node and its Lease, records the start events, begins the heartbeats. */
  register(): KubeObject {
    const { kube, events } = this.#opts;
    const existing = kube.get({ apiVersion: 'v1', kind: 'Node', name: this.name });
    const node = existing ? this.#refresh(existing) : kube.create(this.#desired());
    events.record(node, 'Normal', 'Starting', 'Starting kubelet.', { component: 'kubelet', host: this.name });
    events.record(node, 'Normal', 'NodeReady', `Node ${this.name} status is now: NodeReady`, {
      component: 'kubelet',
      host: this.name,
    });
    events.record(
      node,
      'Normal',
      'RegisteredNode',
      `Node ${this.name} event: Registered Node ${this.name} in Controller`,
      { component: 'node-controller' },
    );
    this.#renewLease();
    this.#every(LEASE_RENEW_MS, () => this.#renewLease());
    this.#every(STATUS_HEARTBEAT_MS, () => this.#heartbeat());
    return node;
  }

  stop(): void {
    this.#stopped = true;
    for (const cancel of this.#timers.splice(0)) cancel();
  }

  #every(ms: number, fn: () => void): void {
    const tick = (): void => {
      if (this.#stopped) return;
      try {
        fn();
      } catch {
        // A heartbeat that fails (API stopping) is retried at the next tick, as the kubelet does.
      }
      this.#timers.push(this.#opts.clock.after(ms, tick));
    };
    this.#timers.push(this.#opts.clock.after(ms, tick));
  }

  #desired(): KubeObject {
    const { gpus, podCIDR } = this.#opts;
    const now = this.#opts.clock.nowRfc3339();
    const machine = createHash('sha256').update(this.name).digest('hex');
    const resources = (memory: string, cpu: string, storage: string): Record<string, string> => ({
      cpu,
      'ephemeral-storage': storage,
      'hugepages-1Gi': '0',
      'hugepages-2Mi': '0',
      memory,
      'nvidia.com/gpu': String(gpus),
      pods: '110',
    });
    return {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: {
        name: this.name,
        labels: nodeLabels(this.name, gpus),
        annotations: {
          'node.alpha.kubernetes.io/ttl': '0',
          'volumes.kubernetes.io/controller-managed-attach-detach': 'true',
        },
      },
      spec: { podCIDR, podCIDRs: [podCIDR], providerID: `sandbox:///${this.name}` },
      status: {
        capacity: resources('57687476Ki', '8', '129886128Ki'),
        allocatable: resources('52130740Ki', '7820m', '119703055367'),
        conditions: [
          this.#condition(
            'MemoryPressure',
            'False',
            'KubeletHasSufficientMemory',
            'kubelet has sufficient memory available',
            now,
          ),
          this.#condition('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure', now),
          this.#condition(
            'PIDPressure',
            'False',
            'KubeletHasSufficientPID',
            'kubelet has sufficient PID available',
            now,
          ),
          this.#condition('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status', now),
        ],
        addresses: [
          { type: 'InternalIP', address: this.address },
          { type: 'Hostname', address: this.name },
        ],
        daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
        nodeInfo: {
          architecture: 'amd64',
          bootID: `${machine.slice(0, 8)}-${machine.slice(8, 12)}-${machine.slice(12, 16)}-${machine.slice(16, 20)}-${machine.slice(20, 32)}`,
          containerRuntimeVersion: 'containerd://1.7.27-1',
          kernelVersion: '5.15.0-1079-azure',
          kubeProxyVersion: 'v1.32.9',
          kubeletVersion: 'v1.32.9',
          machineID: machine.slice(0, 32),
          operatingSystem: 'linux',
          osImage: 'Ubuntu 22.04.5 LTS',
          systemUUID: machine.slice(32, 64),
        },
      },
    };
  }

  #condition(type: string, status: string, reason: string, message: string, now: string): Json {
    return { type, status, lastHeartbeatTime: now, lastTransitionTime: now, reason, message };
  }

  /** An existing Node (a restarted sandbox): labels, capacity and Ready brought back to what this kubelet has. */
  #refresh(existing: KubeObject): KubeObject {
    const desired = this.#desired();
    const merged = {
      ...existing,
      metadata: { ...existing.metadata, labels: { ...(existing.metadata.labels ?? {}), ...desired.metadata.labels } },
      status: desired.status,
    };
    const updated = this.#opts.kube.update({ ...merged, spec: { ...desired.spec, ...(existing.spec ?? {}) } });
    return this.#opts.kube.update({ ...updated, status: desired.status }, { subresource: 'status' });
  }

  #heartbeat(): void {
    const { kube, clock } = this.#opts;
    const node = kube.get({ apiVersion: 'v1', kind: 'Node', name: this.name });
    if (!node) return;
    const now = clock.nowRfc3339();
    const conditions = (node.status?.conditions ?? []).map((c: Json) => ({ ...c, lastHeartbeatTime: now }));
    kube.update({ ...node, status: { ...node.status, conditions } }, { subresource: 'status' });
  }

  #renewLease(): void {
    const { kube, clock } = this.#opts;
    const ref = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', namespace: 'kube-node-lease', name: this.name };
    const node = kube.get({ apiVersion: 'v1', kind: 'Node', name: this.name });
    const spec = {
      holderIdentity: this.name,
      leaseDurationSeconds: LEASE_DURATION_SECONDS,
      renewTime: clock.nowMicro(),
    };
    try {
      const lease = kube.get(ref);
      if (lease) {
        kube.update({ ...lease, spec: { ...lease.spec, ...spec } });
        return;
      }
      kube.create({
        ...ref,
        metadata: {
          name: this.name,
          namespace: 'kube-node-lease',
          ...(node
            ? { ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: this.name, uid: node.metadata.uid ?? '' }] }
            : {}),
        },
        spec,
      });
    } catch (error) {
      // Leases are optional on a server without coordination.k8s.io; the node still works.
      if (!isApiError(error)) throw error;
    }
  }
}
