/**
 * Kubernetes' defaulting for the workload kinds (pkg/apis/apps/v1/defaults.go, pkg/apis/core/v1/defaults.go and
 * the admission plugins that fill pods: ServiceAccount, DefaultTolerationSeconds, Priority). The sandbox API
 * server may store objects as sent, so the workloads register these as a mutating admission hook and the
 * controllers read specs through them too: a Deployment rolled out here looks like one on a real cluster.
 * Every function only fills what is missing, so applying it twice (or after the server did) changes nothing.
 */
import type { KubeObject } from '../kube/types.ts';

/** `kubectl`'s view of an unset field: `undefined` and `null` both mean "not given". */
function missing(value: unknown): boolean {
  return value === undefined || value === null;
}

/** IfNotPresent unless the image has no tag or the `latest` tag (core/v1 SetDefaults_Container). */
export function defaultPullPolicy(image: string | undefined): string {
  if (!image) return 'Always';
  if (image.includes('@')) return 'IfNotPresent';
  const lastSegment = image.slice(image.lastIndexOf('/') + 1);
  const colon = lastSegment.lastIndexOf(':');
  const tag = colon < 0 ? '' : lastSegment.slice(colon + 1);
  return tag === '' || tag === 'latest' ? 'Always' : 'IfNotPresent';
}

type Json = any;

function defaultProbe(probe: Json): void {
  if (!probe || typeof probe !== 'object') return;
  probe.timeoutSeconds ??= 1;
  probe.periodSeconds ??= 10;
  probe.successThreshold ??= 1;
  probe.failureThreshold ??= 3;
  if (probe.httpGet) probe.httpGet.scheme ??= 'HTTP';
}

function defaultContainer(container: Json): void {
  container.terminationMessagePath ??= '/dev/termination-log';
  container.terminationMessagePolicy ??= 'File';
  container.imagePullPolicy ??= defaultPullPolicy(container.image);
  for (const port of container.ports ?? []) port.protocol ??= 'TCP';
  for (const env of container.env ?? []) {
    if (env.valueFrom?.fieldRef) env.valueFrom.fieldRef.apiVersion ??= 'v1';
  }
  if (missing(container.resources)) container.resources = {};
  defaultProbe(container.livenessProbe);
  defaultProbe(container.readinessProbe);
  defaultProbe(container.startupProbe);
}

function defaultVolume(volume: Json): void {
  for (const source of ['configMap', 'secret'] as const) {
    if (volume[source]) volume[source].defaultMode ??= 420;
  }
  if (volume.projected) volume.projected.defaultMode ??= 420;
}

/** Defaults of a PodSpec, as stored in pod templates and pods (core/v1 SetDefaults_PodSpec + containers). */
export function defaultPodSpec(spec: Json): void {
  if (!spec || typeof spec !== 'object') return;
  spec.restartPolicy ??= 'Always';
  spec.terminationGracePeriodSeconds ??= 30;
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.schedulerName ??= 'default-scheduler';
  spec.securityContext ??= {};
  for (const c of spec.initContainers ?? []) defaultContainer(c);
  for (const c of spec.containers ?? []) defaultContainer(c);
  for (const v of spec.volumes ?? []) defaultVolume(v);
}

/** What only pods get (SetDefaults_Pod and admission): requests from limits, service account, tolerations, priority. */
export function defaultPod(pod: KubeObject): void {
  const spec = pod.spec;
  if (!spec) return;
  defaultPodSpec(spec);
  for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
    const limits = c.resources?.limits;
    if (!limits) continue;
    c.resources.requests ??= {};
    for (const [name, value] of Object.entries(limits)) c.resources.requests[name] ??= value;
  }
  spec.serviceAccountName ??= spec.serviceAccount ?? 'default';
  spec.serviceAccount ??= spec.serviceAccountName;
  spec.enableServiceLinks ??= true;
  spec.priority ??= 0;
  spec.preemptionPolicy ??= 'PreemptLowerPriority';
  spec.tolerations ??= [];
  for (const key of ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable']) {
    if (!spec.tolerations.some((t: Json) => t.key === key && t.effect === 'NoExecute')) {
      spec.tolerations.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 });
    }
  }
  pod.status ??= {};
  pod.status.phase ??= 'Pending';
  pod.status.qosClass ??= qosClass(spec);
}

/** The pod's QoS class from its cpu/memory requests and limits (pkg/apis/core/helper/qos). */
export function qosClass(spec: Json): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  const containers: Json[] = [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])];
  const tracked = ['cpu', 'memory'];
  let any = false;
  let guaranteed = containers.length > 0;
  for (const c of containers) {
    const requests = c.resources?.requests ?? {};
    const limits = c.resources?.limits ?? {};
    for (const r of tracked) {
      if (requests[r] !== undefined || limits[r] !== undefined) any = true;
      const request = requests[r] ?? limits[r];
      if (limits[r] === undefined || String(request) !== String(limits[r])) guaranteed = false;
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

/** apps/v1 SetDefaults_Deployment. */
export function defaultDeployment(d: KubeObject): void {
  const spec = (d.spec ??= {});
  spec.replicas ??= 1;
  spec.strategy ??= {};
  spec.strategy.type ??= 'RollingUpdate';
  if (spec.strategy.type === 'RollingUpdate') {
    spec.strategy.rollingUpdate ??= {};
    spec.strategy.rollingUpdate.maxUnavailable ??= '25%';
    spec.strategy.rollingUpdate.maxSurge ??= '25%';
  }
  spec.revisionHistoryLimit ??= 10;
  spec.progressDeadlineSeconds ??= 600;
  defaultPodSpec(spec.template?.spec);
}

/** apps/v1 SetDefaults_ReplicaSet. */
export function defaultReplicaSet(rs: KubeObject): void {
  const spec = (rs.spec ??= {});
  spec.replicas ??= 1;
  defaultPodSpec(spec.template?.spec);
}

/** Which defaulter each kind gets, keyed by `apiVersion/kind`. */
const DEFAULTERS: Record<string, (obj: KubeObject) => void> = {
  'apps/v1/Deployment': defaultDeployment,
  'apps/v1/ReplicaSet': defaultReplicaSet,
  'v1/Pod': defaultPod,
};

/** Applies the kind's defaults in place; other kinds pass untouched. Pods are defaulted on create only. */
export function applyDefaults(op: 'CREATE' | 'UPDATE', obj: KubeObject): void {
  if (obj.kind === 'Pod' && op !== 'CREATE') return;
  DEFAULTERS[`${obj.apiVersion}/${obj.kind}`]?.(obj);
}
