/**
 * Table printers for the non-workload kinds the sandbox serves: Service, Endpoints, Ingress, ConfigMap, Secret,
 * ServiceAccount, Namespace, Node, Event (core/v1 and events.k8s.io/v1), PVC, RBAC, Lease, StorageClass,
 * PriorityClass, and the registry default (`Name`, `Created At`) that Roles, ClusterRoles and CRDs use.
 * Columns and cell formats follow k8s.io/kubernetes/pkg/printers/internalversion/printers.go and
 * k8s.io/apiserver/pkg/registry/rest/table.go.
 */
import type { Json } from '../kube/json.ts';
import { parseTimestamp, timestampAge } from './human-duration.ts';
import {
  AGE,
  AGE_DESCRIPTION,
  NAME,
  at,
  col,
  formatLabels,
  int,
  intAt,
  printer,
  str,
  strAt,
  type Printer,
} from './printer.ts';

const name = (o: Json) => str(o.metadata?.name);
const size = (map: unknown) => (map && typeof map === 'object' ? Object.keys(map).length : 0);
/** A string cell that reads `fallback` when the field is empty. */
const strOr = (path: string, fallback: string) => (o: Json) => strAt(path)(o) || fallback;

/** Sorted, de-duplicated IPs/hostnames of a load balancer status (the server renders wide, so no truncation). */
function loadBalancerAddresses(status: Json): string {
  const addresses = new Set<string>();
  for (const ingress of status?.ingress ?? []) {
    if (ingress?.ip) addresses.add(ingress.ip);
    else if (ingress?.hostname) addresses.add(ingress.hostname);
  }
  return [...addresses].sort().join(',');
}

const SERVICE_EXTERNAL_IP: Record<string, (svc: Json) => string> = {
  ClusterIP: (svc) => (svc.spec?.externalIPs?.length ? svc.spec.externalIPs.join(',') : '<none>'),
  NodePort: (svc) => (svc.spec?.externalIPs?.length ? svc.spec.externalIPs.join(',') : '<none>'),
  LoadBalancer: (svc) => {
    const lb = loadBalancerAddresses(svc.status?.loadBalancer);
    const external: string[] = svc.spec?.externalIPs ?? [];
    if (external.length) return [...(lb ? lb.split(',') : []), ...external].join(',');
    return lb || '<pending>';
  },
  ExternalName: (svc) => str(svc.spec?.externalName),
};

function servicePorts(ports: Json[] | undefined): string {
  const text = (ports ?? [])
    .map((p) => {
      const protocol = str(p?.protocol) || 'TCP';
      return int(p?.nodePort) > 0 ? `${int(p.port)}:${int(p.nodePort)}/${protocol}` : `${int(p?.port)}/${protocol}`;
    })
    .join(',');
  return text || '<none>';
}

/** The real server defaults spec.type before anything prints. */
const serviceType = (o: Json) => str(o.spec?.type) || 'ClusterIP';

const SERVICE = printer([
  NAME,
  col('Type', 'string', 'type determines how the Service is exposed.', serviceType),
  col(
    'Cluster-IP',
    'string',
    'clusterIP is the IP address of the service and is usually assigned randomly.',
    (o) => str(o.spec?.clusterIPs?.[0] ?? o.spec?.clusterIP) || '<none>',
  ),
  col(
    'External-IP',
    'string',
    'externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.',
    (o) => SERVICE_EXTERNAL_IP[serviceType(o)]?.(o) ?? '<unknown>',
  ),
  col('Port(s)', 'string', 'The list of ports that are exposed by this service.', (o) => servicePorts(o.spec?.ports)),
  AGE,
  col(
    'Selector',
    'string',
    'Route service traffic to pods with label keys and values matching this selector.',
    (o) => formatLabels(o.spec?.selector),
    { priority: 1 },
  ),
]);

/** `host:port` with IPv6 hosts bracketed, like net.JoinHostPort. */
const joinHostPort = (host: string, port: number) => (host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`);

function formatEndpoints(subsets: Json[] | undefined): string {
  if (!subsets?.length) return '<none>';
  const max = 3;
  const list: string[] = [];
  let count = 0;
  for (const subset of subsets) {
    const addresses: Json[] = subset?.addresses ?? [];
    const ports: Json[] = subset?.ports ?? [];
    // headless services may publish addresses without ports
    const entries =
      ports.length === 0
        ? addresses.map((a) => str(a?.ip))
        : ports.flatMap((p) => addresses.map((a) => joinHostPort(str(a?.ip), int(p?.port))));
    count += entries.length;
    list.push(...entries.slice(0, Math.max(0, max - list.length)));
  }
  return count > max ? `${list.join(',')} + ${count - max} more...` : list.join(',');
}

/** `formatHosts`: up to three hosts, `*` when none, then `+ N more...` counted over all rules. */
function ingressHosts(rules: Json[] | undefined): string {
  const max = 3;
  const list: string[] = [];
  let more = false;
  for (const rule of rules ?? []) {
    if (list.length === max) more = true;
    if (!more && rule?.host) list.push(str(rule.host));
  }
  if (list.length === 0) return '*';
  return more ? `${list.join(',')} + ${(rules ?? []).length - max} more...` : list.join(',');
}

const NODE_ROLE_PREFIX = 'node-role.kubernetes.io/';

function nodeRoles(labels: Record<string, string> | undefined): string {
  const roles = new Set<string>();
  for (const [key, value] of Object.entries(labels ?? {})) {
    if (key.startsWith(NODE_ROLE_PREFIX) && key.length > NODE_ROLE_PREFIX.length)
      roles.add(key.slice(NODE_ROLE_PREFIX.length));
    else if (key === 'kubernetes.io/role' && value) roles.add(value);
  }
  return [...roles].sort().join(',') || '<none>';
}

function nodeStatus(o: Json): string {
  const ready = (o.status?.conditions ?? []).find((c: Json) => c?.type === 'Ready');
  const status = [ready ? (ready.status === 'True' ? 'Ready' : 'NotReady') : 'Unknown'];
  if (o.spec?.unschedulable) status.push('SchedulingDisabled');
  return status.join(',');
}

const nodeAddress = (type: string) => (o: Json) =>
  str((o.status?.addresses ?? []).find((a: Json) => a?.type === type)?.address) || '<none>';

const NODE = printer([
  NAME,
  col('Status', 'string', 'The status of the node', nodeStatus),
  col('Roles', 'string', 'The roles of the node', (o) => nodeRoles(o.metadata?.labels)),
  AGE,
  col('Version', 'string', 'Kubelet Version reported by the node.', strAt('status.nodeInfo.kubeletVersion')),
  col('Internal-IP', 'string', 'List of addresses reachable to the node.', nodeAddress('InternalIP'), { priority: 1 }),
  col('External-IP', 'string', 'List of addresses reachable to the node.', nodeAddress('ExternalIP'), { priority: 1 }),
  col(
    'OS-Image',
    'string',
    'OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).',
    strOr('status.nodeInfo.osImage', '<unknown>'),
    { priority: 1 },
  ),
  col(
    'Kernel-Version',
    'string',
    "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).",
    strOr('status.nodeInfo.kernelVersion', '<unknown>'),
    {
      priority: 1,
    },
  ),
  col(
    'Container-Runtime',
    'string',
    'ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).',
    strOr('status.nodeInfo.containerRuntimeVersion', '<unknown>'),
    { priority: 1 },
  ),
]);

/** Reads an events.k8s.io/v1 Event through the core/v1 field names the printer uses. */
function asCoreEvent(o: Json): Json {
  return {
    metadata: o.metadata,
    involvedObject: o.regarding,
    reason: o.reason,
    message: o.note,
    type: o.type,
    source: o.deprecatedSource,
    firstTimestamp: o.deprecatedFirstTimestamp,
    lastTimestamp: o.deprecatedLastTimestamp,
    count: o.deprecatedCount,
    eventTime: o.eventTime,
    series: o.series,
    reportingComponent: o.reportingController,
    reportingInstance: o.reportingInstance,
  };
}

/** FIRST SEEN: the first timestamp, else the event time (events of the new API). */
const eventFirst = (e: Json, now: Date) =>
  parseTimestamp(e.firstTimestamp) ? timestampAge(e.firstTimestamp, now) : timestampAge(e.eventTime, now);

/** LAST SEEN: the series' last observation, else the last timestamp, else FIRST SEEN. */
function eventLast(e: Json, now: Date): string {
  if (e.series) return timestampAge(e.series.lastObservedTime, now);
  return parseTimestamp(e.lastTimestamp) ? timestampAge(e.lastTimestamp, now) : eventFirst(e, now);
}

/** COUNT: the series' count, else the count; singleton events of the new API carry none and count 1. */
const eventCount = (e: Json) => (e.series ? int(e.series.count) : int(e.count) || 1);

function eventObject(e: Json): string {
  const kind = str(e.involvedObject?.kind).toLowerCase();
  return e.involvedObject?.name ? `${kind}/${e.involvedObject.name}` : kind;
}

function eventSource(e: Json): string {
  const component = str(e.source?.component) || str(e.reportingComponent);
  const instance = str(e.source?.host) || str(e.reportingInstance);
  return instance ? `${component}, ${instance}` : component;
}

const EVENT_COLUMNS = [
  col('Last Seen', 'string', 'The time at which the most recent occurrence of this event was recorded.', eventLast),
  col('Type', 'string', 'Type of this event (Normal, Warning), new types could be added in the future', strAt('type')),
  col(
    'Reason',
    'string',
    "This should be a short, machine understandable string that gives the reason for the transition into the object's current status.",
    strAt('reason'),
  ),
  col('Object', 'string', 'The object that this event is about.', eventObject),
  col(
    'Subobject',
    'string',
    'If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement.',
    strAt('involvedObject.fieldPath'),
    {
      priority: 1,
    },
  ),
  col(
    'Source',
    'string',
    'The component reporting this event. Should be a short machine understandable string.',
    eventSource,
    { priority: 1 },
  ),
  col('Message', 'string', 'A human-readable description of the status of this operation.', (e) =>
    str(e.message).trim(),
  ),
  col(
    'First Seen',
    'string',
    'The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)',
    eventFirst,
    { priority: 1 },
  ),
  col('Count', 'string', 'The number of times this event has occurred.', eventCount, { priority: 1 }),
  { ...NAME, priority: 1 },
];

const EVENT = printer(EVENT_COLUMNS);
const EVENTS_API_EVENT = printer(EVENT_COLUMNS, { view: asCoreEvent });

/** Access modes in the fixed order `GetAccessModesAsString` uses. */
function accessModes(modes: unknown): string {
  const list = Array.isArray(modes) ? modes : [];
  const names: Array<[string, string]> = [
    ['ReadWriteOnce', 'RWO'],
    ['ReadOnlyMany', 'ROX'],
    ['ReadWriteMany', 'RWX'],
    ['ReadWriteOncePod', 'RWOP'],
  ];
  return names
    .filter(([mode]) => list.includes(mode))
    .map(([, short]) => short)
    .join(',');
}

/** Capacity and access modes show only once the claim is bound to a volume. */
const ifBound = (cell: (o: Json) => string) => (o: Json) => (o.spec?.volumeName ? cell(o) : '');
const unsetIfAbsent = (path: string) => (o: Json) => (typeof at(o, path) === 'string' ? at(o, path) : '<unset>');

const PVC = printer([
  NAME,
  col('Status', 'string', 'phase represents the current phase of PersistentVolumeClaim.', (o) =>
    o.metadata?.deletionTimestamp ? 'Terminating' : str(o.status?.phase),
  ),
  col(
    'Volume',
    'string',
    'volumeName is the binding reference to the PersistentVolume backing this claim.',
    strAt('spec.volumeName'),
  ),
  col(
    'Capacity',
    'string',
    'capacity represents the actual resources of the underlying volume.',
    ifBound(strAt('status.capacity.storage')),
  ),
  col(
    'Access Modes',
    'string',
    'accessModes contains the actual access modes the volume backing the PVC has.',
    ifBound((o) => accessModes(o.status?.accessModes)),
  ),
  col('StorageClass', 'string', 'StorageClass of the pvc', (o) =>
    str(o.metadata?.annotations?.['volume.beta.kubernetes.io/storage-class'] ?? o.spec?.storageClassName),
  ),
  col(
    'VolumeAttributesClass',
    'string',
    'VolumeAttributesClass of the pvc',
    unsetIfAbsent('spec.volumeAttributesClassName'),
  ),
  AGE,
  col(
    'VolumeMode',
    'string',
    'volumeMode defines what type of volume is required by the claim.',
    unsetIfAbsent('spec.volumeMode'),
    { priority: 1 },
  ),
]);

/** `rbac.SubjectsStrings`: users, groups and `namespace/name` service accounts, each joined with ", ". */
function subjects(o: Json): [string, string, string] {
  const of = (kind: string, fmt: (s: Json) => string) =>
    (o.subjects ?? [])
      .filter((s: Json) => s?.kind === kind)
      .map(fmt)
      .join(', ');
  return [
    of('User', (s) => str(s.name)),
    of('Group', (s) => str(s.name)),
    of('ServiceAccount', (s) => `${str(s.namespace)}/${str(s.name)}`),
  ];
}

const bindingPrinter = (what: string): Printer =>
  printer([
    NAME,
    col(
      'Role',
      'string',
      'RoleRef can only reference a ClusterRole in the global namespace.',
      (o) => `${str(o.roleRef?.kind)}/${str(o.roleRef?.name)}`,
    ),
    AGE,
    ...(['Users', 'Groups', 'ServiceAccounts'] as const).map((title, i) =>
      col(title, 'string', `${title} in the ${what}`, (o) => subjects(o)[i], { priority: 1 }),
    ),
  ]);

/** The generic registry table: kinds without a printer of their own (Role, ClusterRole, CRD) show this. */
export const DEFAULT_PRINTER = printer([
  NAME,
  col('Created At', 'date', AGE_DESCRIPTION, (o) => {
    const created = parseTimestamp(o.metadata?.creationTimestamp);
    return (created ?? new Date('0001-01-01T00:00:00Z')).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }),
]);

const isDefaultClass = (o: Json) =>
  o.metadata?.annotations?.['storageclass.kubernetes.io/is-default-class'] === 'true' ||
  o.metadata?.annotations?.['storageclass.beta.kubernetes.io/is-default-class'] === 'true';

const STORAGE_CLASS = printer([
  { ...NAME, cell: (o) => (isDefaultClass(o) ? `${name(o)} (default)` : name(o)) },
  col('Provisioner', 'string', 'provisioner indicates the type of the provisioner.', strAt('provisioner')),
  col(
    'ReclaimPolicy',
    'string',
    'reclaimPolicy controls the reclaimPolicy for dynamically provisioned PersistentVolumes of this storage class.',
    strOr('reclaimPolicy', 'Delete'),
  ),
  col(
    'VolumeBindingMode',
    'string',
    'volumeBindingMode indicates how PersistentVolumeClaims should be provisioned and bound.',
    strOr('volumeBindingMode', 'Immediate'),
  ),
  col(
    'AllowVolumeExpansion',
    'string',
    'allowVolumeExpansion shows whether the storage class allow volume expand.',
    (o) => o.allowVolumeExpansion === true,
  ),
  AGE,
]);

const PRIORITY_CLASS = printer([
  NAME,
  col('Value', 'integer', 'value represents the integer value of this priority class.', intAt('value')),
  col(
    'Global-Default',
    'boolean',
    'globalDefault specifies whether this PriorityClass should be considered as the default priority for pods that do not have any priority class.',
    (o) => o.globalDefault === true,
  ),
  AGE,
  col(
    'PreemptionPolicy',
    'string',
    'preemptionPolicy is the Policy for preempting pods with lower priority.',
    strAt('preemptionPolicy'),
  ),
]);

/** Name, one string column, Age: the shape of most small kinds. */
const simple = (columnName: string, description: string, cell: (o: Json) => unknown): Printer =>
  printer([NAME, col(columnName, 'string', description, cell), AGE]);

/** Non-workload printers by `group/kind`. */
export const RESOURCE_PRINTERS: Readonly<Record<string, Printer>> = {
  '/Service': SERVICE,
  '/Endpoints': simple('Endpoints', 'The set of all endpoints is the union of all subsets.', (o) =>
    formatEndpoints(o.subsets),
  ),
  '/ConfigMap': simple('Data', 'Data contains the configuration data.', (o) => size(o.data) + size(o.binaryData)),
  '/Secret': printer([
    NAME,
    col('Type', 'string', 'Used to facilitate programmatic handling of secret data.', strAt('type')),
    col('Data', 'string', 'Data contains the secret data.', (o) => size(o.data)),
    AGE,
  ]),
  '/ServiceAccount': simple(
    'Secrets',
    'Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use.',
    (o) => (o.secrets ?? []).length,
  ),
  '/Namespace': simple('Status', 'The status of the namespace', (o) => str(o.status?.phase)),
  '/Node': NODE,
  '/Event': EVENT,
  'events.k8s.io/Event': EVENTS_API_EVENT,
  '/PersistentVolumeClaim': PVC,
  'networking.k8s.io/Ingress': printer([
    NAME,
    col(
      'Class',
      'string',
      'The name of the IngressClass resource that should be used for additional configuration',
      strOr('spec.ingressClassName', '<none>'),
    ),
    col('Hosts', 'string', 'Hosts that incoming requests are matched against before the ingress rule', (o) =>
      ingressHosts(o.spec?.rules),
    ),
    col('Address', 'string', 'Address is a list containing ingress points for the load-balancer', (o) =>
      loadBalancerAddresses(o.status?.loadBalancer),
    ),
    col('Ports', 'string', 'Ports of TLS configurations that open', (o) => (o.spec?.tls?.length ? '80, 443' : '80')),
    AGE,
  ]),
  'rbac.authorization.k8s.io/Role': DEFAULT_PRINTER,
  'rbac.authorization.k8s.io/ClusterRole': DEFAULT_PRINTER,
  'rbac.authorization.k8s.io/RoleBinding': bindingPrinter('roleBinding'),
  'rbac.authorization.k8s.io/ClusterRoleBinding': bindingPrinter('clusterRoleBinding'),
  'apiextensions.k8s.io/CustomResourceDefinition': DEFAULT_PRINTER,
  'coordination.k8s.io/Lease': simple(
    'Holder',
    'holderIdentity contains the identity of the holder of a current lease.',
    (o) => str(o.spec?.holderIdentity),
  ),
  'storage.k8s.io/StorageClass': STORAGE_CLASS,
  'scheduling.k8s.io/PriorityClass': PRIORITY_CLASS,
};
