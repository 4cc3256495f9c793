/**
 * The built-in kinds the sandbox serves, as one table in the real server's group order, with the short names,
 * categories, verbs and subresources real discovery reports for them.
 */
import type { Codec, ResourceRegistry, ResourceType, ScaleSpec } from './resources.ts';

const STANDARD_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const REPLICAS_SCALE: ScaleSpec = {
  specReplicasPath: '.spec.replicas',
  statusReplicasPath: '.status.replicas',
  labelSelectorPath: '.status.selector',
};

interface Row {
  group: string;
  versions: string[];
  kind: string;
  plural: string;
  namespaced: boolean;
  shortNames?: string[];
  categories?: string[];
  status?: boolean;
  scale?: ScaleSpec;
  extra?: string[];
  generation?: boolean;
  createOnUpdate?: boolean;
  verbs?: string[];
  storageOf?: { group: string; kind: string };
  codec?: Codec;
}

/** core/v1 Event; events.k8s.io/v1 Event is the same resource stored as this one. */
const CORE_EVENT: Row = {
  group: '',
  versions: ['v1'],
  kind: 'Event',
  plural: 'events',
  namespaced: true,
  shortNames: ['ev'],
  createOnUpdate: true,
};

/** An apps/v1 workload with a scale subresource (Deployment, ReplicaSet, StatefulSet): they differ only by name. */
function scalableWorkload(kind: string, plural: string, shortName: string): Row {
  return {
    group: 'apps',
    versions: ['v1'],
    kind,
    plural,
    namespaced: true,
    shortNames: [shortName],
    categories: ['all'],
    status: true,
    scale: REPLICAS_SCALE,
    generation: true,
  };
}

/** Field renames between core/v1 Event (storage) and events.k8s.io/v1 Event. */
const EVENT_RENAMES: Array<[core: string, events: string]> = [
  ['involvedObject', 'regarding'],
  ['message', 'note'],
  ['firstTimestamp', 'deprecatedFirstTimestamp'],
  ['lastTimestamp', 'deprecatedLastTimestamp'],
  ['count', 'deprecatedCount'],
  ['source', 'deprecatedSource'],
  ['reportingComponent', 'reportingController'],
];

function renameFields(obj: Record<string, unknown>, pairs: Array<[string, string]>): Record<string, unknown> {
  const out = { ...obj };
  for (const [from, to] of pairs) {
    if (from in out) {
      out[to] = out[from];
      delete out[from];
    }
  }
  return out;
}

/** events.k8s.io/v1 Events are core Events with renamed fields, as the real server converts them. */
const EVENTS_V1_CODEC: Codec = {
  toStorage: (obj) =>
    renameFields(
      obj,
      EVENT_RENAMES.map(([c, e]) => [e, c]),
    ),
  fromStorage: (obj) => renameFields(obj, EVENT_RENAMES),
};

/** Every built-in kind, in the order real discovery lists groups. */
export const BUILTIN_KINDS: readonly Row[] = [
  { group: '', versions: ['v1'], kind: 'Binding', plural: 'bindings', namespaced: true, verbs: ['create'] },
  { group: '', versions: ['v1'], kind: 'ConfigMap', plural: 'configmaps', namespaced: true, shortNames: ['cm'] },
  {
    group: '',
    versions: ['v1'],
    kind: 'Endpoints',
    plural: 'endpoints',
    namespaced: true,
    shortNames: ['ep'],
    createOnUpdate: true,
  },
  CORE_EVENT,
  { group: '', versions: ['v1'], kind: 'LimitRange', plural: 'limitranges', namespaced: true, shortNames: ['limits'] },
  {
    group: '',
    versions: ['v1'],
    kind: 'Namespace',
    plural: 'namespaces',
    namespaced: false,
    shortNames: ['ns'],
    status: true,
    extra: ['finalize'],
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
  },
  { group: '', versions: ['v1'], kind: 'Node', plural: 'nodes', namespaced: false, shortNames: ['no'], status: true },
  {
    group: '',
    versions: ['v1'],
    kind: 'PersistentVolumeClaim',
    plural: 'persistentvolumeclaims',
    namespaced: true,
    shortNames: ['pvc'],
    status: true,
  },
  {
    group: '',
    versions: ['v1'],
    kind: 'PersistentVolume',
    plural: 'persistentvolumes',
    namespaced: false,
    shortNames: ['pv'],
    status: true,
  },
  {
    group: '',
    versions: ['v1'],
    kind: 'Pod',
    plural: 'pods',
    namespaced: true,
    shortNames: ['po'],
    categories: ['all'],
    status: true,
    extra: ['binding', 'exec', 'log'],
  },
  {
    group: '',
    versions: ['v1'],
    kind: 'ResourceQuota',
    plural: 'resourcequotas',
    namespaced: true,
    shortNames: ['quota'],
    status: true,
  },
  { group: '', versions: ['v1'], kind: 'Secret', plural: 'secrets', namespaced: true },
  {
    group: '',
    versions: ['v1'],
    kind: 'ServiceAccount',
    plural: 'serviceaccounts',
    namespaced: true,
    shortNames: ['sa'],
  },
  {
    group: '',
    versions: ['v1'],
    kind: 'Service',
    plural: 'services',
    namespaced: true,
    shortNames: ['svc'],
    categories: ['all'],
    status: true,
  },
  {
    group: 'apps',
    versions: ['v1'],
    kind: 'DaemonSet',
    plural: 'daemonsets',
    namespaced: true,
    shortNames: ['ds'],
    categories: ['all'],
    status: true,
    generation: true,
  },
  scalableWorkload('Deployment', 'deployments', 'deploy'),
  scalableWorkload('ReplicaSet', 'replicasets', 'rs'),
  scalableWorkload('StatefulSet', 'statefulsets', 'sts'),
  { group: 'apps', versions: ['v1'], kind: 'ControllerRevision', plural: 'controllerrevisions', namespaced: true },
  { ...CORE_EVENT, group: 'events.k8s.io', storageOf: { group: '', kind: 'Event' }, codec: EVENTS_V1_CODEC },
  {
    group: 'autoscaling',
    versions: ['v2', 'v1'],
    kind: 'HorizontalPodAutoscaler',
    plural: 'horizontalpodautoscalers',
    namespaced: true,
    shortNames: ['hpa'],
    categories: ['all'],
    status: true,
    generation: true,
  },
  {
    group: 'batch',
    versions: ['v1'],
    kind: 'CronJob',
    plural: 'cronjobs',
    namespaced: true,
    shortNames: ['cj'],
    categories: ['all'],
    status: true,
    generation: true,
  },
  {
    group: 'batch',
    versions: ['v1'],
    kind: 'Job',
    plural: 'jobs',
    namespaced: true,
    categories: ['all'],
    status: true,
    generation: true,
  },
  {
    group: 'networking.k8s.io',
    versions: ['v1'],
    kind: 'IngressClass',
    plural: 'ingressclasses',
    namespaced: false,
    generation: true,
  },
  {
    group: 'networking.k8s.io',
    versions: ['v1'],
    kind: 'Ingress',
    plural: 'ingresses',
    namespaced: true,
    shortNames: ['ing'],
    status: true,
    generation: true,
  },
  {
    group: 'networking.k8s.io',
    versions: ['v1'],
    kind: 'NetworkPolicy',
    plural: 'networkpolicies',
    namespaced: true,
    shortNames: ['netpol'],
    generation: true,
  },
  {
    group: 'policy',
    versions: ['v1'],
    kind: 'PodDisruptionBudget',
    plural: 'poddisruptionbudgets',
    namespaced: true,
    shortNames: ['pdb'],
    status: true,
    generation: true,
  },
  {
    group: 'rbac.authorization.k8s.io',
    versions: ['v1'],
    kind: 'ClusterRoleBinding',
    plural: 'clusterrolebindings',
    namespaced: false,
  },
  {
    group: 'rbac.authorization.k8s.io',
    versions: ['v1'],
    kind: 'ClusterRole',
    plural: 'clusterroles',
    namespaced: false,
  },
  {
    group: 'rbac.authorization.k8s.io',
    versions: ['v1'],
    kind: 'RoleBinding',
    plural: 'rolebindings',
    namespaced: true,
  },
  { group: 'rbac.authorization.k8s.io', versions: ['v1'], kind: 'Role', plural: 'roles', namespaced: true },
  {
    group: 'storage.k8s.io',
    versions: ['v1'],
    kind: 'StorageClass',
    plural: 'storageclasses',
    namespaced: false,
    shortNames: ['sc'],
  },
  {
    group: 'admissionregistration.k8s.io',
    versions: ['v1'],
    kind: 'MutatingWebhookConfiguration',
    plural: 'mutatingwebhookconfigurations',
    namespaced: false,
    categories: ['api-extensions'],
    generation: true,
  },
  {
    group: 'admissionregistration.k8s.io',
    versions: ['v1'],
    kind: 'ValidatingWebhookConfiguration',
    plural: 'validatingwebhookconfigurations',
    namespaced: false,
    categories: ['api-extensions'],
    generation: true,
  },
  {
    group: 'apiextensions.k8s.io',
    versions: ['v1'],
    kind: 'CustomResourceDefinition',
    plural: 'customresourcedefinitions',
    namespaced: false,
    shortNames: ['crd', 'crds'],
    categories: ['api-extensions'],
    status: true,
    generation: true,
  },
  {
    group: 'scheduling.k8s.io',
    versions: ['v1'],
    kind: 'PriorityClass',
    plural: 'priorityclasses',
    namespaced: false,
    shortNames: ['pc'],
  },
  {
    group: 'coordination.k8s.io',
    versions: ['v1'],
    kind: 'Lease',
    plural: 'leases',
    namespaced: true,
    createOnUpdate: true,
  },
];

/** Turns a table row into a ResourceType. */
function typeOf(row: Row): ResourceType {
  return {
    group: row.group,
    kind: row.kind,
    listKind: `${row.kind}List`,
    plural: row.plural,
    singular: row.kind.toLowerCase(),
    namespaced: row.namespaced,
    shortNames: row.shortNames ?? [],
    categories: row.categories ?? [],
    versions: row.versions.map((name, i) => ({ name, served: true, storage: i === 0 })),
    verbs: row.verbs ?? STANDARD_VERBS,
    status: row.status ?? false,
    scale: row.scale,
    extraSubresources: row.extra ?? [],
    generation: row.generation ?? false,
    createOnUpdate: row.createOnUpdate ?? false,
    storageOf: row.storageOf,
    codec: row.codec,
  };
}

/** Registers every built-in kind. */
export function registerBuiltins(registry: ResourceRegistry): void {
  for (const row of BUILTIN_KINDS) registry.add(typeOf(row));
}
