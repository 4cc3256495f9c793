/**
 * Built-in objects for `get` tests, one builder per kind in a table: namespaces, nodes, pods, deployments,
 * configmaps, services and events, each labelled `app=<name>` so label and field selectors have something to
 * tell apart. Pods are made Running (status subresource) the way the kubelet would leave them.
 */
import type { Kube, KubeObject } from '../../kube/types.ts';

/** Creates one object of a kind in the cluster (and sets its status when the kind needs one). */
type Builder = (kube: Kube, namespace: string, name: string) => KubeObject;

const labels = (name: string) => ({ app: name });

/** Creates a pod on node `sandbox-node` and reports its one container `app` running (as the kubelet would). */
export function createRunningPod(
  kube: Kube,
  namespace: string,
  name: string,
  options: { container?: string; labels?: Record<string, string> } = {},
): KubeObject {
  const container = options.container ?? 'app';
  const created = kube.create({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, labels: options.labels ?? labels(name) },
    spec: { nodeName: 'sandbox-node', containers: [{ name: container, image: 'registry.example.com/app:1.0' }] },
  });
  const startedAt = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  return kube.update(
    {
      ...created,
      status: {
        phase: 'Running',
        podIP: '10.244.0.17',
        podIPs: [{ ip: '10.244.0.17' }],
        hostIP: '10.0.0.10',
        startTime: startedAt,
        conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: startedAt }],
        containerStatuses: [
          {
            name: container,
            ready: true,
            started: true,
            restartCount: 0,
            image: 'registry.example.com/app:1.0',
            imageID: '',
            state: { running: { startedAt } },
          },
        ],
      },
    },
    { subresource: 'status' },
  );
}

const BUILDERS: Record<string, Builder> = {
  namespaces: (kube, _namespace, name) =>
    kube.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: labels(name) } }),
  nodes: (kube, _namespace, name) =>
    kube.create({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: {
        name,
        labels: { ...labels(name), 'kubernetes.io/hostname': name, 'node-role.kubernetes.io/worker': '' },
      },
      status: {
        conditions: [
          { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' },
        ],
        addresses: [{ type: 'InternalIP', address: '10.0.0.10' }],
        nodeInfo: {
          kubeletVersion: 'v1.32.9',
          osImage: 'Debian GNU/Linux 12 (bookworm)',
          kernelVersion: '6.1.0',
          containerRuntimeVersion: 'containerd://1.7.24',
        },
      },
    }),
  pods: (kube, namespace, name) => createRunningPod(kube, namespace, name),
  deployments: (kube, namespace, name) =>
    kube.create({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace, labels: labels(name) },
      spec: {
        replicas: 1,
        selector: { matchLabels: labels(name) },
        template: {
          metadata: { labels: labels(name) },
          spec: { containers: [{ name: 'app', image: 'registry.example.com/app:1.0' }] },
        },
      },
    }),
  configmaps: (kube, namespace, name) =>
    kube.create({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name, namespace, labels: labels(name) },
      data: { key: name },
    }),
  services: (kube, namespace, name) =>
    kube.create({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, namespace, labels: labels(name) },
      spec: { selector: labels(name), ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }] },
    }),
  events: (kube, namespace, name) => {
    const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    return kube.create({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace, labels: labels(name) },
      // The pod of the same name, by uid too: `kubectl describe pod` selects its events by involvedObject.uid.
      involvedObject: {
        apiVersion: 'v1',
        kind: 'Pod',
        name,
        namespace,
        uid: kube.get({ apiVersion: 'v1', kind: 'Pod', namespace, name })?.metadata.uid,
      },
      reason: 'Started',
      // The default events table has no NAME column: the message carries the name so rows can be told apart.
      message: name,
      type: 'Normal',
      source: { component: 'kubelet' },
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
    });
  },
};

/** Creates an object of the built-in `resource` (plural) named `name`; `namespace` is ignored for cluster kinds. */
export function createBuiltin(kube: Kube, resource: string, namespace: string, name: string): KubeObject {
  const build = BUILDERS[resource];
  if (!build) throw new Error(`no builder for built-in ${resource}`);
  return build(kube, namespace, name);
}
