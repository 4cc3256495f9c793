/**
 * Server-side apply of rendered manifests, shared by kustomize-controller and helm-controller: stable
 * apply order (Namespaces and CRDs first, like fluxcd/pkg/ssa and Helm's install order), namespace
 * defaulting for namespaced kinds only, owner labels, a change set in Flux's words
 * (`Deployment/ns/name configured`), inventory ids (`<ns>_<name>_<group>_<kind>`) and pruning.
 */
import { isApiError, type Kube, type KubeObject, type ObjectRef } from '../../kube/types.ts';

/** Kinds that are not namespaced among the built-ins; custom kinds are looked up in their CRD. */
const CLUSTER_SCOPED = new Set([
  'Namespace',
  'Node',
  'PersistentVolume',
  'StorageClass',
  'CustomResourceDefinition',
  'ClusterRole',
  'ClusterRoleBinding',
  'PriorityClass',
  'IngressClass',
  'RuntimeClass',
  'CSIDriver',
  'CSINode',
  'VolumeAttachment',
  'APIService',
  'MutatingWebhookConfiguration',
  'ValidatingWebhookConfiguration',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding',
  'PodSecurityPolicy',
  'ComponentStatus',
  'CertificateSigningRequest',
]);

/** Helm's InstallOrder (a superset of kustomize's legacy order); unknown kinds (custom resources) go last. */
const ORDER = [
  'Namespace',
  'CustomResourceDefinition',
  'NetworkPolicy',
  'ResourceQuota',
  'LimitRange',
  'PodSecurityPolicy',
  'PodDisruptionBudget',
  'ServiceAccount',
  'Secret',
  'SecretList',
  'ConfigMap',
  'StorageClass',
  'PersistentVolume',
  'PersistentVolumeClaim',
  'ClusterRole',
  'ClusterRoleList',
  'ClusterRoleBinding',
  'ClusterRoleBindingList',
  'Role',
  'RoleList',
  'RoleBinding',
  'RoleBindingList',
  'Service',
  'DaemonSet',
  'Pod',
  'ReplicationController',
  'ReplicaSet',
  'Deployment',
  'HorizontalPodAutoscaler',
  'StatefulSet',
  'Job',
  'CronJob',
  'IngressClass',
  'Ingress',
  'APIService',
  'MutatingWebhookConfiguration',
  'ValidatingWebhookConfiguration',
];
const RANK = new Map(ORDER.map((k, i) => [k, i]));

/** One applied object: its inventory id and version, and what the apply did. */
export interface ChangeSetEntry {
  id: string;
  v: string;
  subject: string;
  action: 'created' | 'configured' | 'unchanged' | 'deleted';
  ref: ObjectRef;
}

/** `<ns>_<name>_<group>_<kind>` and the version, as Flux's inventory stores them. */
export function inventoryEntry(obj: {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
}): { id: string; v: string } {
  const [group, version] = obj.apiVersion.includes('/') ? obj.apiVersion.split('/') : ['', obj.apiVersion];
  return { id: `${obj.metadata.namespace ?? ''}_${obj.metadata.name}_${group}_${obj.kind}`, v: version! };
}

/** Parses an inventory entry back into an object reference. */
export function refFromInventory(entry: { id: string; v: string }): ObjectRef {
  const [namespace, name, group, kind] = entry.id.split('_');
  return {
    apiVersion: group ? `${group}/${entry.v}` : entry.v,
    kind: kind!,
    name: name!,
    ...(namespace ? { namespace } : {}),
  };
}

/** Flux's subject for change sets and messages: `Kind/namespace/name` or `Kind/name`. */
export function subjectOf(ref: { kind: string; namespace?: string; name: string }): string {
  return ref.namespace ? `${ref.kind}/${ref.namespace}/${ref.name}` : `${ref.kind}/${ref.name}`;
}

/** Sorts objects into apply order (stable within a kind). */
export function applyOrder<T extends { kind: string }>(objects: T[]): T[] {
  return objects
    .map((o, i) => ({ o, i }))
    .sort((a, b) => (RANK.get(a.o.kind) ?? ORDER.length) - (RANK.get(b.o.kind) ?? ORDER.length) || a.i - b.i)
    .map((x) => x.o);
}

/** Fields that change without the object changing; ignored when deciding configured vs unchanged. */
function comparable(obj: KubeObject | undefined): string {
  if (!obj) return '';
  const { resourceVersion: _r, managedFields: _m, generation: _g, ...metadata } = obj.metadata;
  const { status: _s, ...rest } = obj;
  return JSON.stringify({ ...rest, metadata });
}

/** Applies and prunes objects for one owner (a Kustomization or a Helm release). */
export class Applier {
  readonly #kube: Kube;

  constructor(kube: Kube) {
    this.#kube = kube;
  }

  /** Whether the kind is namespaced (built-in table, then the CRD's `spec.scope`). */
  namespaced(apiVersion: string, kind: string): boolean {
    const group = apiVersion.includes('/') ? apiVersion.split('/')[0]! : '';
    const builtIn = !group.includes('.') || group.endsWith('.k8s.io');
    if (builtIn) return !CLUSTER_SCOPED.has(kind);
    try {
      const crds = this.#kube.list({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition' });
      const crd = crds.find((c) => c.spec?.group === group && c.spec?.names?.kind === kind);
      if (crd) return crd.spec.scope !== 'Cluster';
    } catch {
      // no CRD API: assume namespaced
    }
    return true;
  }

  /**
   * Prepares objects: namespace defaulted (or forced, for kustomize's targetNamespace) on namespaced kinds,
   * cluster-scoped ones stripped of a namespace, labels and annotations merged in.
   */
  prepare(
    objects: KubeObject[],
    options: {
      namespace?: string;
      forceNamespace?: boolean;
      labels?: Record<string, string>;
      annotations?: Record<string, string>;
    },
  ): KubeObject[] {
    return objects.map((input) => {
      const obj = structuredClone(input);
      const metadata = obj.metadata ?? ({ name: '' } as KubeObject['metadata']);
      obj.metadata = metadata;
      if (this.namespaced(obj.apiVersion, obj.kind)) {
        if (options.namespace && (options.forceNamespace || !metadata.namespace))
          metadata.namespace = options.namespace;
      } else {
        delete metadata.namespace;
      }
      if (options.labels) metadata.labels = { ...metadata.labels, ...options.labels };
      if (options.annotations) metadata.annotations = { ...metadata.annotations, ...options.annotations };
      return obj;
    });
  }

  /** Server-side applies every object in order; stops at the first error, which names the object. */
  apply(objects: KubeObject[], fieldManager: string): ChangeSetEntry[] {
    const out: ChangeSetEntry[] = [];
    for (const obj of applyOrder(objects)) {
      const ref: ObjectRef = {
        apiVersion: obj.apiVersion,
        kind: obj.kind,
        name: obj.metadata.name,
        ...(obj.metadata.namespace ? { namespace: obj.metadata.namespace } : {}),
      };
      const subject = subjectOf(ref);
      let before: KubeObject | undefined;
      let after: KubeObject;
      try {
        before = this.#kube.get(ref);
        after = this.#kube.patch(ref, obj, 'apply', { fieldManager, force: true });
      } catch (err) {
        const reason = isApiError(err) ? ` (${err.reason})` : '';
        throw new Error(`${subject} dry-run failed${reason}: ${(err as Error).message}`);
      }
      const action = !before ? 'created' : comparable(before) === comparable(after) ? 'unchanged' : 'configured';
      out.push({ ...inventoryEntry(obj), subject, action, ref });
    }
    return out;
  }

  /**
   * Deletes objects of `previous` that are not in `current`, newest kinds first, skipping objects that opt
   * out (`kustomize.toolkit.fluxcd.io/prune: disabled`) or that another owner took over (`ownerLabels`).
   */
  prune(
    previous: Array<{ id: string; v: string }>,
    current: Array<{ id: string }>,
    ownerLabels?: Record<string, string>,
  ): ChangeSetEntry[] {
    const keep = new Set(current.map((e) => e.id));
    const stale = previous.filter((e) => !keep.has(e.id)).map((e) => ({ entry: e, ref: refFromInventory(e) }));
    const out: ChangeSetEntry[] = [];
    for (const { entry, ref } of applyOrder(stale.map((s) => ({ ...s, kind: s.ref.kind }))).reverse()) {
      const live = this.#kube.get(ref);
      if (!live || live.metadata.deletionTimestamp) continue;
      if (live.metadata.annotations?.['kustomize.toolkit.fluxcd.io/prune'] === 'disabled') continue;
      if (ownerLabels && Object.entries(ownerLabels).some(([k, v]) => live.metadata.labels?.[k] !== v)) continue;
      try {
        this.#kube.delete(ref, { propagationPolicy: 'Background' });
      } catch (err) {
        if (!isApiError(err, 404)) throw err;
      }
      out.push({ ...entry, subject: subjectOf(ref), action: 'deleted', ref });
    }
    return out;
  }
}

/** Flux's change-set text: one `<subject> <action>` line per entry that did something. */
export function changeSetMessage(entries: ChangeSetEntry[]): string {
  return entries
    .filter((e) => e.action !== 'unchanged')
    .map((e) => `${e.subject} ${e.action}`)
    .join('\n');
}
