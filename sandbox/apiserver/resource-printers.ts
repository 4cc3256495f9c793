/**
 * Table printers for the non-workload kinds the sandbox serves: Service, Endpoints, Ingress, ConfigMap, Secret,
 * ServiceAccount, Namespace, Node, Event (core/v1 and events.k8s.io/v1), PVC, RBAC, Lease, StorageClass,
 * PriorityClass, and the registry default (`Name`, `Created At`) that Roles, ClusterRoles and CRDs use.
 * Columns and cell formats follow k8s.io/kubernetes/pkg/printers/internalversion/printers.go and
 * k8s.io/apiserver/pkg/registry/rest/table.go.
 */
import { parseTimestamp, timestampAge } from './human-duration.ts';
import { AGE_COLUMN, AGE_DESCRIPTION, NAME_COLUMN, column, formatLabels, int, str, type Loose, type Printer } from './printer.ts';

const name = (o: Loose) => str(o.metadata?.name);
const age = (o: Loose, now: Date) => timestampAge(o.metadata?.creationTimestamp, now);
const size = (map: unknown) => (map && typeof map === 'object' ? Object.keys(map).length : 0);

/** Sorted, de-duplicated IPs/hostnames of a load balancer status (the server renders wide, so no truncation). */
function loadBalancerAddresses(status: Loose): string {
  const addresses = new Set<string>();
  for (const ingress of status?.ingress ?? []) {
    if (ingress?.ip) addresses.add(ingress.ip);
    else if (ingress?.hostname) addresses.add(ingress.hostname);
  }
  return [...addresses].sort().join(',');
}

const SERVICE_EXTERNAL_IP: Record<string, (svc: Loose) => string> = {
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

function servicePorts(ports: Loose[] | undefined): string {
  const text = (ports ?? [])
    .map((p) => {
      const protocol = str(p?.protocol) || 'TCP';
      return int(p?.nodePort) > 0 ? `${int(p.port)}:${int(p.nodePort)}/${protocol}` : `${int(p?.port)}/${protocol}`;
    })
    .join(',');
  return text || '<none>';
}

const SERVICE: Printer = {
  columns: [
    NAME_COLUMN,
    column('Type', 'string', 'type determines how the Service is exposed.'),
    column('Cluster-IP', 'string', 'clusterIP is the IP address of the service and is usually assigned randomly.'),
    column('External-IP', 'string', 'externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.'),
    column('Port(s)', 'string', 'The list of ports that are exposed by this service.'),
    AGE_COLUMN,
    column('Selector', 'string', 'Route service traffic to pods with label keys and values matching this selector.', { priority: 1 }),
  ],
  cells: (o: Loose, now) => {
    const type = str(o.spec?.type) || 'ClusterIP'; // the real server defaults spec.type before anything prints
    return [
      name(o),
      type,
      str(o.spec?.clusterIPs?.[0] ?? o.spec?.clusterIP) || '<none>',
      SERVICE_EXTERNAL_IP[type]?.(o) ?? '<unknown>',
      servicePorts(o.spec?.ports),
      age(o, now),
      formatLabels(o.spec?.selector),
    ];
  },
};

/** `host:port` with IPv6 hosts bracketed, like net.JoinHostPort. */
const joinHostPort = (host: string, port: number) => (host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`);

function formatEndpoints(subsets: Loose[] | undefined): string {
  if (!subsets?.length) return '<none>';
  const max = 3;
  const list: string[] = [];
  let count = 0;
  for (const subset of subsets) {
    const addresses: Loose[] = subset?.addresses ?? [];
    const ports: Loose[] = subset?.ports ?? [];
    // headless services may publish addresses without ports
    const entries = ports.length === 0 ? addresses.map((a) => str(a?.ip)) : ports.flatMap((p) => addresses.map((a) => joinHostPort(str(a?.ip), int(p?.port))));
    count += entries.length;
    list.push(...entries.slice(0, Math.max(0, max - list.length)));
  }
  return count > max ? `${list.join(',')} + ${count - max} more...` : list.join(',');
}

/** `formatHosts`: up to three hosts, `*` when none, then `+ N more...` counted over all rules. */
function ingressHosts(rules: Loose[] | undefined): string {
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
    if (key.startsWith(NODE_ROLE_PREFIX) && key.length > NODE_ROLE_PREFIX.length) roles.add(key.slice(NODE_ROLE_PREFIX.length));
    else if (key === 'kubernetes.io/role' && value) roles.add(value);
  }
  return [...roles].sort().join(',') || '<none>';
}

function nodeStatus(o: Loose): string {
  const ready = (o.status?.conditions ?? []).find((c: Loose) => c?.type === 'Ready');
  const status = [ready ? (ready.status === 'True' ? 'Ready' : 'NotReady') : 'Unknown'];
  if (o.spec?.unschedulable) status.push('SchedulingDisabled');
  return status.join(',');
}

const nodeAddress = (o: Loose, type: string) => str((o.status?.addresses ?? []).find((a: Loose) => a?.type === type)?.address) || '<none>';
const unknownIfEmpty = (value: unknown) => str(value) || '<unknown>';

const NODE: Printer = {
  columns: [
    NAME_COLUMN,
    column('Status', 'string', 'The status of the node'),
    column('Roles', 'string', 'The roles of the node'),
    AGE_COLUMN,
    column('Version', 'string', 'Kubelet Version reported by the node.'),
    column('Internal-IP', 'string', 'List of addresses reachable to the node.', { priority: 1 }),
    column('External-IP', 'string', 'List of addresses reachable to the node.', { priority: 1 }),
    column('OS-Image', 'string', 'OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).', { priority: 1 }),
    column('Kernel-Version', 'string', "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).", { priority: 1 }),
    column('Container-Runtime', 'string', 'ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).', { priority: 1 }),
  ],
  cells: (o: Loose, now) => [
    name(o),
    nodeStatus(o),
    nodeRoles(o.metadata?.labels),
    age(o, now),
    str(o.status?.nodeInfo?.kubeletVersion),
    nodeAddress(o, 'InternalIP'),
    nodeAddress(o, 'ExternalIP'),
    unknownIfEmpty(o.status?.nodeInfo?.osImage),
    unknownIfEmpty(o.status?.nodeInfo?.kernelVersion),
    unknownIfEmpty(o.status?.nodeInfo?.containerRuntimeVersion),
  ],
};

/** Reads an events.k8s.io/v1 Event through the core/v1 field names the printer uses. */
function asCoreEvent(o: Loose): Loose {
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

function eventCells(e: Loose, now: Date): unknown[] {
  const first = parseTimestamp(e.firstTimestamp) ? timestampAge(e.firstTimestamp, now) : timestampAge(e.eventTime, now);
  let last = parseTimestamp(e.lastTimestamp) ? timestampAge(e.lastTimestamp, now) : first;
  let count = int(e.count);
  if (e.series) {
    last = timestampAge(e.series.lastObservedTime, now);
    count = int(e.series.count);
  } else if (count === 0) {
    count = 1; // singleton events of the new API carry no count
  }
  const kind = str(e.involvedObject?.kind).toLowerCase();
  const target = e.involvedObject?.name ? `${kind}/${e.involvedObject.name}` : kind;
  const component = str(e.source?.component) || str(e.reportingComponent);
  const instance = str(e.source?.host) || str(e.reportingInstance);
  return [
    last,
    str(e.type),
    str(e.reason),
    target,
    str(e.involvedObject?.fieldPath),
    instance ? `${component}, ${instance}` : component,
    str(e.message).trim(),
    first,
    count,
    name(e),
  ];
}

const EVENT_COLUMNS = [
  column('Last Seen', 'string', 'The time at which the most recent occurrence of this event was recorded.'),
  column('Type', 'string', 'Type of this event (Normal, Warning), new types could be added in the future'),
  column('Reason', 'string', "This should be a short, machine understandable string that gives the reason for the transition into the object's current status."),
  column('Object', 'string', 'The object that this event is about.'),
  column('Subobject', 'string', 'If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement.', { priority: 1 }),
  column('Source', 'string', 'The component reporting this event. Should be a short machine understandable string.', { priority: 1 }),
  column('Message', 'string', 'A human-readable description of the status of this operation.'),
  column('First Seen', 'string', 'The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)', { priority: 1 }),
  column('Count', 'string', 'The number of times this event has occurred.', { priority: 1 }),
  { ...NAME_COLUMN, priority: 1 },
];

const EVENT: Printer = { columns: EVENT_COLUMNS, cells: (o: Loose, now) => eventCells(o, now) };
const EVENTS_API_EVENT: Printer = { columns: EVENT_COLUMNS, cells: (o: Loose, now) => eventCells(asCoreEvent(o), now) };

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

const PVC: Printer = {
  columns: [
    NAME_COLUMN,
    column('Status', 'string', 'phase represents the current phase of PersistentVolumeClaim.'),
    column('Volume', 'string', 'volumeName is the binding reference to the PersistentVolume backing this claim.'),
    column('Capacity', 'string', 'capacity represents the actual resources of the underlying volume.'),
    column('Access Modes', 'string', 'accessModes contains the actual access modes the volume backing the PVC has.'),
    column('StorageClass', 'string', 'StorageClass of the pvc'),
    column('VolumeAttributesClass', 'string', 'VolumeAttributesClass of the pvc'),
    AGE_COLUMN,
    column('VolumeMode', 'string', 'volumeMode defines what type of volume is required by the claim.', { priority: 1 }),
  ],
  cells: (o: Loose, now) => {
    const bound = Boolean(o.spec?.volumeName);
    return [
      name(o),
      o.metadata?.deletionTimestamp ? 'Terminating' : str(o.status?.phase),
      str(o.spec?.volumeName),
      bound ? str(o.status?.capacity?.storage) : '',
      bound ? accessModes(o.status?.accessModes) : '',
      str(o.metadata?.annotations?.['volume.beta.kubernetes.io/storage-class'] ?? o.spec?.storageClassName),
      typeof o.spec?.volumeAttributesClassName === 'string' ? o.spec.volumeAttributesClassName : '<unset>',
      age(o, now),
      typeof o.spec?.volumeMode === 'string' ? o.spec.volumeMode : '<unset>',
    ];
  },
};

/** `rbac.SubjectsStrings`: users, groups and `namespace/name` service accounts, each joined with ", ". */
function subjects(o: Loose): [string, string, string] {
  const of = (kind: string, fmt: (s: Loose) => string) =>
    (o.subjects ?? [])
      .filter((s: Loose) => s?.kind === kind)
      .map(fmt)
      .join(', ');
  return [of('User', (s) => str(s.name)), of('Group', (s) => str(s.name)), of('ServiceAccount', (s) => `${str(s.namespace)}/${str(s.name)}`)];
}

const bindingPrinter = (what: string): Printer => ({
  columns: [
    NAME_COLUMN,
    column('Role', 'string', 'RoleRef can only reference a ClusterRole in the global namespace.'),
    AGE_COLUMN,
    column('Users', 'string', `Users in the ${what}`, { priority: 1 }),
    column('Groups', 'string', `Groups in the ${what}`, { priority: 1 }),
    column('ServiceAccounts', 'string', `ServiceAccounts in the ${what}`, { priority: 1 }),
  ],
  cells: (o: Loose, now) => [name(o), `${str(o.roleRef?.kind)}/${str(o.roleRef?.name)}`, age(o, now), ...subjects(o)],
});

/** The generic registry table: kinds without a printer of their own (Role, ClusterRole, CRD) show this. */
export const DEFAULT_PRINTER: Printer = {
  columns: [NAME_COLUMN, column('Created At', 'date', AGE_DESCRIPTION)],
  cells: (o: Loose) => {
    const created = parseTimestamp(o.metadata?.creationTimestamp);
    return [name(o), (created ?? new Date('0001-01-01T00:00:00Z')).toISOString().replace(/\.\d{3}Z$/, 'Z')];
  },
};

const isDefaultClass = (o: Loose) =>
  o.metadata?.annotations?.['storageclass.kubernetes.io/is-default-class'] === 'true' ||
  o.metadata?.annotations?.['storageclass.beta.kubernetes.io/is-default-class'] === 'true';

const STORAGE_CLASS: Printer = {
  columns: [
    NAME_COLUMN,
    column('Provisioner', 'string', 'provisioner indicates the type of the provisioner.'),
    column('ReclaimPolicy', 'string', 'reclaimPolicy controls the reclaimPolicy for dynamically provisioned PersistentVolumes of this storage class.'),
    column('VolumeBindingMode', 'string', 'volumeBindingMode indicates how PersistentVolumeClaims should be provisioned and bound.'),
    column('AllowVolumeExpansion', 'string', 'allowVolumeExpansion shows whether the storage class allow volume expand.'),
    AGE_COLUMN,
  ],
  cells: (o: Loose, now) => [
    isDefaultClass(o) ? `${name(o)} (default)` : name(o),
    str(o.provisioner),
    str(o.reclaimPolicy) || 'Delete',
    str(o.volumeBindingMode) || 'Immediate',
    o.allowVolumeExpansion === true,
    age(o, now),
  ],
};

const PRIORITY_CLASS: Printer = {
  columns: [
    NAME_COLUMN,
    column('Value', 'integer', 'value represents the integer value of this priority class.'),
    column('Global-Default', 'boolean', 'globalDefault specifies whether this PriorityClass should be considered as the default priority for pods that do not have any priority class.'),
    AGE_COLUMN,
    column('PreemptionPolicy', 'string', 'preemptionPolicy is the Policy for preempting pods with lower priority.'),
  ],
  cells: (o: Loose, now) => [name(o), int(o.value), o.globalDefault === true, age(o, now), str(o.preemptionPolicy)],
};

const simple = (columnName: string, description: string, cell: (o: Loose) => unknown): Printer => ({
  columns: [NAME_COLUMN, column(columnName, 'string', description), AGE_COLUMN],
  cells: (o: Loose, now) => [name(o), cell(o), age(o, now)],
});

/** Non-workload printers by `group/kind`. */
export const RESOURCE_PRINTERS: Readonly<Record<string, Printer>> = {
  '/Service': SERVICE,
  '/Endpoints': simple('Endpoints', 'The set of all endpoints is the union of all subsets.', (o) => formatEndpoints(o.subsets)),
  '/ConfigMap': simple('Data', 'Data contains the configuration data.', (o) => size(o.data) + size(o.binaryData)),
  '/Secret': {
    columns: [
      NAME_COLUMN,
      column('Type', 'string', 'Used to facilitate programmatic handling of secret data.'),
      column('Data', 'string', 'Data contains the secret data.'),
      AGE_COLUMN,
    ],
    cells: (o: Loose, now) => [name(o), str(o.type), size(o.data), age(o, now)],
  },
  '/ServiceAccount': simple('Secrets', 'Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use.', (o) => (o.secrets ?? []).length),
  '/Namespace': simple('Status', 'The status of the namespace', (o) => str(o.status?.phase)),
  '/Node': NODE,
  '/Event': EVENT,
  'events.k8s.io/Event': EVENTS_API_EVENT,
  '/PersistentVolumeClaim': PVC,
  'networking.k8s.io/Ingress': {
    columns: [
      NAME_COLUMN,
      column('Class', 'string', 'The name of the IngressClass resource that should be used for additional configuration'),
      column('Hosts', 'string', 'Hosts that incoming requests are matched against before the ingress rule'),
      column('Address', 'string', 'Address is a list containing ingress points for the load-balancer'),
      column('Ports', 'string', 'Ports of TLS configurations that open'),
      AGE_COLUMN,
    ],
    cells: (o: Loose, now) => [
      name(o),
      str(o.spec?.ingressClassName) || '<none>',
      ingressHosts(o.spec?.rules),
      loadBalancerAddresses(o.status?.loadBalancer),
      o.spec?.tls?.length ? '80, 443' : '80',
      age(o, now),
    ],
  },
  'rbac.authorization.k8s.io/Role': DEFAULT_PRINTER,
  'rbac.authorization.k8s.io/ClusterRole': DEFAULT_PRINTER,
  'rbac.authorization.k8s.io/RoleBinding': bindingPrinter('roleBinding'),
  'rbac.authorization.k8s.io/ClusterRoleBinding': bindingPrinter('clusterRoleBinding'),
  'apiextensions.k8s.io/CustomResourceDefinition': DEFAULT_PRINTER,
  'coordination.k8s.io/Lease': simple('Holder', 'holderIdentity contains the identity of the holder of a current lease.', (o) => str(o.spec?.holderIdentity)),
  'storage.k8s.io/StorageClass': STORAGE_CLASS,
  'scheduling.k8s.io/PriorityClass': PRIORITY_CLASS,
};
