/**
 * What `flux install` (or Azure Arc's `microsoft.flux` extension plus the Arc agents) puts in a cluster,
 * as data: the `flux-system` namespace, one ServiceAccount and Deployment per controller (labels, images,
 * args, ports and resources as upstream ships them), the source-controller and notification-controller
 * Services, and with the `arc` profile the fluxconfig agents and the `azure-arc` namespace's agents. The
 * workloads engineer's Deployment controller and kubelet turn these into Running pods.
 */
import type { KubeObject } from '../../kube/types.ts';
import type { FluxLine } from './apis.ts';

/** Component versions pinned by each Flux line (flux2 `manifests/bases`). */
const VERSIONS: Record<FluxLine, { flux: string; components: Record<string, string> }> = {
  '2.9': {
    flux: 'v2.9.4',
    components: {
      'source-controller': 'v1.9.4',
      'kustomize-controller': 'v1.9.4',
      'helm-controller': 'v1.6.3',
      'notification-controller': 'v1.9.2',
      'image-reflector-controller': 'v1.2.4',
      'image-automation-controller': 'v1.2.4',
    },
  },
  '2.6': {
    flux: 'v2.6.4',
    components: {
      'source-controller': 'v1.6.2',
      'kustomize-controller': 'v1.6.1',
      'helm-controller': 'v1.3.0',
      'notification-controller': 'v1.6.0',
      'image-reflector-controller': 'v0.35.2',
      'image-automation-controller': 'v0.41.2',
    },
  },
};

const CORE = ['source-controller', 'kustomize-controller', 'helm-controller', 'notification-controller'];
const IMAGE = ['image-reflector-controller', 'image-automation-controller'];
const ARC_AGENTS: Array<{ name: string; containers: string[] }> = [
  { name: 'clusteridentityoperator', containers: ['manager', 'fluent-bit'] },
  { name: 'config-agent', containers: ['config-agent', 'fluent-bit'] },
  { name: 'controller-manager', containers: ['manager', 'prom-mdm-converter'] },
  { name: 'metrics-agent', containers: ['metrics-agent'] },
  { name: 'cluster-metadata-operator', containers: ['cluster-metadata-operator', 'fluent-bit'] },
  { name: 'resource-sync-agent', containers: ['resource-sync-agent', 'fluent-bit'] },
  { name: 'flux-logs-agent', containers: ['flux-logs-agent'] },
  { name: 'extension-manager', containers: ['manager', 'fluent-bit'] },
  { name: 'kube-aad-proxy', containers: ['kube-aad-proxy', 'fluent-bit'] },
];
const ARC_AGENT_VERSION = '1.21.10';
const FLUXCONFIG_VERSION = '1.15.1';

export interface InstallOptions {
  line: FluxLine;
  profile: 'flux' | 'arc';
  imageAutomation: boolean;
  /** kustomize-controller `--requeue-dependency=<d>`; upstream's 30s default (no flag) when absent. */
  requeueDependency?: string;
}

/** The Flux controller Deployment names installed for the options. */
export function controllerNames(options: InstallOptions): string[] {
  return [...CORE, ...(options.imageAutomation ? IMAGE : [])];
}

const resources = (cpu: string, memory: string, limitCpu: string, limitMemory: string) => ({
  limits: { cpu: limitCpu, memory: limitMemory },
  requests: { cpu, memory },
});

function fluxController(name: string, options: InstallOptions): KubeObject[] {
  const { flux, components } = VERSIONS[options.line];
  const version = components[name]!;
  const registry = options.profile === 'arc' ? 'mcr.microsoft.com/oss/v2/fluxcd' : 'ghcr.io/fluxcd';
  const labels = {
    'app.kubernetes.io/component': name,
    'app.kubernetes.io/instance': 'flux-system',
    'app.kubernetes.io/part-of': 'flux',
    'app.kubernetes.io/version': flux,
    'control-plane': 'controller',
  };
  const ports = [
    ...(name === 'source-controller' || name === 'notification-controller'
      ? [{ containerPort: 9090, name: 'http', protocol: 'TCP' }]
      : []),
    ...(name === 'notification-controller' ? [{ containerPort: 9292, name: 'http-webhook', protocol: 'TCP' }] : []),
    { containerPort: 8080, name: 'http-prom', protocol: 'TCP' },
    { containerPort: 9440, name: 'healthz', protocol: 'TCP' },
  ];
  const args = [
    ...(name === 'notification-controller'
      ? []
      : ['--events-addr=http://notification-controller.flux-system.svc.cluster.local./']),
    '--watch-all-namespaces=true',
    '--log-level=info',
    '--log-encoding=json',
    '--enable-leader-election',
    ...(name === 'source-controller'
      ? ['--storage-path=/data', '--storage-adv-addr=source-controller.$(RUNTIME_NAMESPACE).svc.cluster.local.']
      : []),
    ...(name === 'kustomize-controller' && options.requeueDependency
      ? [`--requeue-dependency=${options.requeueDependency}`]
      : []),
  ];
  return [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace: 'flux-system', labels } },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace: 'flux-system', labels },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: name } },
        ...(name === 'source-controller' ? { strategy: { type: 'Recreate' } } : {}),
        template: {
          metadata: {
            annotations: { 'prometheus.io/port': '8080', 'prometheus.io/scrape': 'true' },
            labels: { app: name, ...labels },
          },
          spec: {
            containers: [
              {
                name: 'manager',
                image: `${registry}/${name}:${version}`,
                imagePullPolicy: 'IfNotPresent',
                args,
                env: [{ name: 'RUNTIME_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } }],
                ports,
                resources: resources(name === 'source-controller' ? '50m' : '100m', '64Mi', '1000m', '1Gi'),
                securityContext: {
                  allowPrivilegeEscalation: false,
                  capabilities: { drop: ['ALL'] },
                  readOnlyRootFilesystem: true,
                  runAsNonRoot: true,
                  seccompProfile: { type: 'RuntimeDefault' },
                },
              },
            ],
            nodeSelector: { 'kubernetes.io/os': 'linux' },
            serviceAccountName: name,
            terminationGracePeriodSeconds: name === 'source-controller' || name === 'kustomize-controller' ? 10 : 600,
          },
        },
      },
    },
  ];
}

function service(name: string, ports: Array<{ name: string; port: number; targetPort: string }>): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name,
      namespace: 'flux-system',
      labels: {
        'app.kubernetes.io/part-of': 'flux',
        'app.kubernetes.io/instance': 'flux-system',
        'control-plane': 'controller',
      },
    },
    spec: {
      type: 'ClusterIP',
      selector: { app: name === 'webhook-receiver' ? 'notification-controller' : name },
      ports: ports.map((p) => ({ ...p, protocol: 'TCP' })),
    },
  };
}

function agent(
  namespace: string,
  name: string,
  containers: Array<{ name: string; image: string }>,
  labels: Record<string, string>,
): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace, labels },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name, ...labels } },
        spec: {
          containers: containers.map((c, i) => ({
            name: c.name,
            image: c.image,
            imagePullPolicy: 'IfNotPresent',
            resources: i === 0 ? resources('10m', '32Mi', '100m', '256Mi') : resources('5m', '20Mi', '50m', '100Mi'),
          })),
          nodeSelector: { 'kubernetes.io/os': 'linux' },
          serviceAccountName: name,
        },
      },
    },
  };
}

function fluentBit(): { name: string; image: string } {
  return { name: 'fluent-bit', image: 'mcr.microsoft.com/azurearck8s/fluent-bit:3.1.9' };
}

/** Every object to install, namespaces first. */
export function installManifests(options: InstallOptions): KubeObject[] {
  const { flux } = VERSIONS[options.line];
  const out: KubeObject[] = [
    {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: 'flux-system',
        labels: {
          'app.kubernetes.io/instance': 'flux-system',
          'app.kubernetes.io/part-of': 'flux',
          'app.kubernetes.io/version': flux,
          'pod-security.kubernetes.io/warn': 'restricted',
          'pod-security.kubernetes.io/warn-version': 'latest',
        },
      },
    },
  ];
  for (const name of controllerNames(options)) out.push(...fluxController(name, options));
  out.push(
    service('source-controller', [{ name: 'http', port: 80, targetPort: 'http' }]),
    service('notification-controller', [{ name: 'http', port: 80, targetPort: 'http' }]),
    service('webhook-receiver', [{ name: 'http', port: 80, targetPort: 'http-webhook' }]),
  );
  if (options.profile !== 'arc') return out;
  const arcFlux = {
    'app.kubernetes.io/part-of': 'flux',
    'app.kubernetes.io/managed-by': 'Helm',
    'control-plane': 'controller',
  };
  for (const name of ['fluxconfig-agent', 'fluxconfig-controller']) {
    out.push({
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name, namespace: 'flux-system', labels: arcFlux },
    });
    out.push(
      agent(
        'flux-system',
        name,
        [
          {
            name: name === 'fluxconfig-agent' ? 'fluxconfig-agent' : 'manager',
            image: `mcr.microsoft.com/azurek8sflux/${name}:${FLUXCONFIG_VERSION}`,
          },
          fluentBit(),
        ],
        arcFlux,
      ),
    );
  }
  out.push({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: 'azure-arc', labels: { 'admission.policy.azure.com/ignore': 'true', 'control-plane': 'true' } },
  });
  for (const a of ARC_AGENTS) {
    const labels = {
      'app.kubernetes.io/component': a.name,
      'app.kubernetes.io/name': 'azure-arc-k8s',
      'app.kubernetes.io/managed-by': 'Helm',
    };
    out.push({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: a.name, namespace: 'azure-arc', labels } });
    out.push(
      agent(
        'azure-arc',
        a.name,
        a.containers.map((c) =>
          c === 'fluent-bit'
            ? fluentBit()
            : { name: c, image: `mcr.microsoft.com/azurearck8s/${a.name}:${ARC_AGENT_VERSION}` },
        ),
        labels,
      ),
    );
  }
  return out;
}
