/**
 * The patch metadata strategic merge patch needs: which lists merge (and by which key) instead of being
 * replaced. Transcribed from the `patchStrategy`/`patchMergeKey` struct tags of k8s.io/api (core/v1, apps/v1,
 * batch/v1, …) for the kinds the sandbox serves; every list not named here is atomic (replaced whole), which is
 * also what the real server does for untagged lists such as tolerations, envFrom, args or rbac rules.
 */

/** Merge metadata of one field of a struct. */
export interface FieldMeta {
  /** The struct type of this field (for maps) or of its elements (for lists), by name in `TYPES`. */
  type?: string;
  /** `patchStrategy:"merge"`: the list merges instead of being replaced. */
  merge?: true;
  /** `patchMergeKey`: lists of objects merge elements with equal values of this key. Absent for primitive lists. */
  mergeKey?: string;
}

/** Merge metadata of a struct: fields without an entry are plain (maps merge, lists replace). */
export type StructMeta = Readonly<Record<string, FieldMeta>>;

const byType: FieldMeta = { merge: true, mergeKey: 'type' };

/** Named struct types; names follow k8s.io/api so they can be checked against the Go sources. */
export const TYPES: Readonly<Record<string, StructMeta>> = {
  ObjectMeta: {
    finalizers: { merge: true },
    ownerReferences: { merge: true, mergeKey: 'uid' },
  },
  PodTemplateSpec: { metadata: { type: 'ObjectMeta' }, spec: { type: 'PodSpec' } },
  PodSpec: {
    volumes: { merge: true, mergeKey: 'name' }, // merge,retainKeys: $retainKeys is honoured wherever it appears
    initContainers: { merge: true, mergeKey: 'name', type: 'Container' },
    containers: { merge: true, mergeKey: 'name', type: 'Container' },
    ephemeralContainers: { merge: true, mergeKey: 'name', type: 'Container' },
    imagePullSecrets: { merge: true, mergeKey: 'name' },
    hostAliases: { merge: true, mergeKey: 'ip' },
    topologySpreadConstraints: { merge: true, mergeKey: 'topologyKey' },
    resourceClaims: { merge: true, mergeKey: 'name' },
    schedulingGates: { merge: true, mergeKey: 'name' },
  },
  Container: {
    ports: { merge: true, mergeKey: 'containerPort' },
    env: { merge: true, mergeKey: 'name' },
    volumeMounts: { merge: true, mergeKey: 'mountPath' },
    volumeDevices: { merge: true, mergeKey: 'devicePath' },
  },
  PodStatus: {
    conditions: byType,
    podIPs: { merge: true, mergeKey: 'ip' },
    hostIPs: { merge: true, mergeKey: 'ip' },
  },
  ConditionedStatus: { conditions: byType },
  /** Deployment, ReplicaSet, StatefulSet, DaemonSet, ReplicationController: `spec.template` is a pod template. */
  TemplatedSpec: { template: { type: 'PodTemplateSpec' } },
  JobTemplateSpec: { metadata: { type: 'ObjectMeta' }, spec: { type: 'TemplatedSpec' } },
  CronJobSpec: { jobTemplate: { type: 'JobTemplateSpec' } },
  ServiceSpec: { ports: { merge: true, mergeKey: 'port' } },
  NodeSpec: { podCIDRs: { merge: true } },
  NodeStatus: { conditions: byType, addresses: byType },

  Pod: { metadata: { type: 'ObjectMeta' }, spec: { type: 'PodSpec' }, status: { type: 'PodStatus' } },
  Workload: {
    metadata: { type: 'ObjectMeta' },
    spec: { type: 'TemplatedSpec' },
    status: { type: 'ConditionedStatus' },
  },
  CronJob: { metadata: { type: 'ObjectMeta' }, spec: { type: 'CronJobSpec' } },
  PodTemplate: { metadata: { type: 'ObjectMeta' }, template: { type: 'PodTemplateSpec' } },
  Service: { metadata: { type: 'ObjectMeta' }, spec: { type: 'ServiceSpec' }, status: { type: 'ConditionedStatus' } },
  Node: { metadata: { type: 'ObjectMeta' }, spec: { type: 'NodeSpec' }, status: { type: 'NodeStatus' } },
  /** Namespace, PVC, HPA, PDB, ConfigMap, Secret and every kind without special lists. */
  Generic: { metadata: { type: 'ObjectMeta' }, status: { type: 'ConditionedStatus' } },
};

/** The root struct per `group/kind` ("" is the core group); kinds not listed use `Generic`. */
export const ROOTS: Readonly<Record<string, string>> = {
  '/Pod': 'Pod',
  '/PodTemplate': 'PodTemplate',
  '/ReplicationController': 'Workload',
  '/Service': 'Service',
  '/Node': 'Node',
  'apps/Deployment': 'Workload',
  'apps/ReplicaSet': 'Workload',
  'apps/StatefulSet': 'Workload',
  'apps/DaemonSet': 'Workload',
  'batch/Job': 'Workload',
  'batch/CronJob': 'CronJob',
};

/** The root metadata for a kind. */
export function rootMeta(group: string, kind: string): StructMeta {
  return TYPES[ROOTS[`${group === 'core' ? '' : group}/${kind}`] ?? 'Generic'];
}
