/**
 * Table printers for workload controllers and their autoscaling/disruption companions: Deployment, ReplicaSet,
 * StatefulSet, DaemonSet, ReplicationController, Job, CronJob, HorizontalPodAutoscaler, PodDisruptionBudget.
 * Columns and cell formats follow k8s.io/kubernetes/pkg/printers/internalversion/printers.go.
 */
import { humanDuration, parseTimestamp, timestampAge } from './human-duration.ts';
import {
  AGE_COLUMN,
  CONTAINERS_COLUMN,
  IMAGES_COLUMN,
  NAME_COLUMN,
  column,
  containerCells,
  formatLabelSelectorCell,
  formatLabels,
  goBool,
  int,
  intOrString,
  selectorString,
  str,
  type Loose,
  type Printer,
} from './printer.ts';

const selectorColumn = (description: string) => column('Selector', 'string', description, { priority: 1 });
const name = (o: Loose) => str(o.metadata?.name);
const age = (o: Loose, now: Date) => timestampAge(o.metadata?.creationTimestamp, now);
/** `spec.replicas` is defaulted to 1 by the real API server; the same default keeps unstored objects printable. */
const replicas = (o: Loose) => (typeof o.spec?.replicas === 'number' ? int(o.spec.replicas) : 1);

const DEPLOYMENT: Printer = {
  columns: [
    NAME_COLUMN,
    column('Ready', 'string', 'Number of the pod with ready state'),
    column('Up-to-date', 'string', 'Total number of non-terminated pods targeted by this deployment that have the desired template spec.'),
    column('Available', 'string', 'Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.'),
    AGE_COLUMN,
    CONTAINERS_COLUMN,
    IMAGES_COLUMN,
    selectorColumn('Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment.'),
  ],
  cells: (o: Loose, now) => [
    name(o),
    `${int(o.status?.readyReplicas)}/${replicas(o)}`,
    int(o.status?.updatedReplicas),
    int(o.status?.availableReplicas),
    age(o, now),
    ...containerCells(o.spec?.template?.spec?.containers),
    selectorString(o.spec?.selector),
  ],
};

const REPLICA_SET: Printer = {
  columns: [
    NAME_COLUMN,
    column('Desired', 'integer', 'Replicas is the number of desired replicas.'),
    column('Current', 'integer', 'Replicas is the most recently observed number of replicas.'),
    column('Ready', 'integer', 'The number of ready replicas for this replica set.'),
    AGE_COLUMN,
    CONTAINERS_COLUMN,
    IMAGES_COLUMN,
    selectorColumn('Selector is a label query over pods that should match the replica count.'),
  ],
  cells: (o: Loose, now) => [
    name(o),
    replicas(o),
    int(o.status?.replicas),
    int(o.status?.readyReplicas),
    age(o, now),
    ...containerCells(o.spec?.template?.spec?.containers),
    formatLabelSelectorCell(o.spec?.selector),
  ],
};

const REPLICATION_CONTROLLER: Printer = {
  columns: REPLICA_SET.columns,
  cells: (o: Loose, now) => [
    name(o),
    replicas(o),
    int(o.status?.replicas),
    int(o.status?.readyReplicas),
    age(o, now),
    ...containerCells(o.spec?.template?.spec?.containers),
    formatLabels(o.spec?.selector),
  ],
};

const STATEFUL_SET: Printer = {
  columns: [NAME_COLUMN, column('Ready', 'string', 'Number of the pod with ready state'), AGE_COLUMN, CONTAINERS_COLUMN, IMAGES_COLUMN],
  cells: (o: Loose, now) => [name(o), `${int(o.status?.readyReplicas)}/${replicas(o)}`, age(o, now), ...containerCells(o.spec?.template?.spec?.containers)],
};

const DAEMON_SET: Printer = {
  columns: [
    NAME_COLUMN,
    column('Desired', 'integer', 'The total number of nodes that should be running the daemon pod.'),
    column('Current', 'integer', 'The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod.'),
    column('Ready', 'integer', 'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and ready.'),
    column('Up-to-date', 'integer', 'The total number of nodes that are running updated daemon pod'),
    column('Available', 'integer', 'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available.'),
    column('Node Selector', 'string', 'NodeSelector is a selector which must be true for the pod to fit on a node.'),
    AGE_COLUMN,
    CONTAINERS_COLUMN,
    IMAGES_COLUMN,
    selectorColumn('A label query over pods that are managed by the daemon set.'),
  ],
  cells: (o: Loose, now) => [
    name(o),
    int(o.status?.desiredNumberScheduled),
    int(o.status?.currentNumberScheduled),
    int(o.status?.numberReady),
    int(o.status?.updatedNumberScheduled),
    int(o.status?.numberAvailable),
    formatLabels(o.spec?.template?.spec?.nodeSelector),
    age(o, now),
    ...containerCells(o.spec?.template?.spec?.containers),
    formatLabelSelectorCell(o.spec?.selector),
  ],
};

/** True when the job's first condition of that type is True (`hasJobCondition`). */
function jobCondition(o: Loose, type: string): boolean {
  return (o.status?.conditions ?? []).find((c: Loose) => c?.type === type)?.status === 'True';
}

const JOB_STATUS: Array<[string, (o: Loose) => boolean]> = [
  ['Complete', (o) => jobCondition(o, 'Complete')],
  ['Failed', (o) => jobCondition(o, 'Failed')],
  ['Terminating', (o) => Boolean(o.metadata?.deletionTimestamp)],
  ['Suspended', (o) => jobCondition(o, 'Suspended')],
  ['FailureTarget', (o) => jobCondition(o, 'FailureTarget')],
];

function jobCompletions(o: Loose): string {
  const succeeded = int(o.status?.succeeded);
  if (typeof o.spec?.completions === 'number') return `${succeeded}/${int(o.spec.completions)}`;
  const parallelism = int(o.spec?.parallelism);
  return parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
}

function jobDuration(o: Loose, now: Date): string {
  const start = parseTimestamp(o.status?.startTime);
  if (!start) return '';
  const end = parseTimestamp(o.status?.completionTime) ?? now;
  return humanDuration(end.getTime() - start.getTime());
}

const JOB: Printer = {
  columns: [
    NAME_COLUMN,
    column('Status', 'string', 'Status of the job.'),
    column('Completions', 'string', 'The number of pods which reached phase Succeeded.'),
    column('Duration', 'string', 'Time required to complete the job.'),
    AGE_COLUMN,
    CONTAINERS_COLUMN,
    IMAGES_COLUMN,
    selectorColumn('A label query over pods that should match the pod count.'),
  ],
  cells: (o: Loose, now) => [
    name(o),
    JOB_STATUS.find(([, applies]) => applies(o))?.[0] ?? 'Running',
    jobCompletions(o),
    jobDuration(o, now),
    age(o, now),
    ...containerCells(o.spec?.template?.spec?.containers),
    formatLabelSelectorCell(o.spec?.selector),
  ],
};

const CRON_JOB: Printer = {
  columns: [
    NAME_COLUMN,
    column('Schedule', 'string', 'The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron.'),
    column('Timezone', 'string', 'The time zone name for the given schedule, see https://en.wikipedia.org/wiki/List_of_tz_database_time_zones.'),
    column('Suspend', 'boolean', 'This flag tells the controller to suspend subsequent executions, it does not apply to already started executions.'),
    column('Active', 'integer', 'A list of pointers to currently running jobs.'),
    column('Last Schedule', 'string', 'Information when was the last time the job was successfully scheduled.'),
    AGE_COLUMN,
    CONTAINERS_COLUMN,
    IMAGES_COLUMN,
    selectorColumn('A label query over pods that should match the pod count.'),
  ],
  cells: (o: Loose, now) => [
    name(o),
    str(o.spec?.schedule),
    typeof o.spec?.timeZone === 'string' ? o.spec.timeZone : '<none>',
    typeof o.spec?.suspend === 'boolean' ? goBool(o.spec.suspend) : '<unset>',
    (o.status?.active ?? []).length,
    o.status?.lastScheduleTime ? timestampAge(o.status.lastScheduleTime, now) : '<none>',
    age(o, now),
    ...containerCells(o.spec?.jobTemplate?.spec?.template?.spec?.containers),
    formatLabelSelectorCell(o.spec?.jobTemplate?.spec?.selector),
  ],
};

/** One HPA metric as `formatHPAMetrics` writes it, for autoscaling/v2 metric specs. */
const HPA_METRIC: Record<string, (spec: Loose, status: Loose) => string> = {
  Resource: (spec, status) => resourceMetric(spec.resource, status?.resource),
  ContainerResource: (spec, status) => resourceMetric(spec.containerResource, status?.containerResource),
  Pods: (spec, status) => `${str(status?.pods?.current?.averageValue) || '<unknown>'}/${str(spec.pods?.target?.averageValue)}`,
  Object: (spec, status) => valueMetric(spec.object?.target, status?.object?.current),
  External: (spec, status) => valueMetric(spec.external?.target, status?.external?.current),
};

function valueMetric(target: Loose, current: Loose): string {
  if (target?.averageValue !== undefined) return `${str(current?.averageValue) || '<unknown>'}/${str(target.averageValue)} (avg)`;
  return `${current ? str(current.value) : '<unknown>'}/${str(target?.value)}`;
}

function resourceMetric(spec: Loose, status: Loose): string {
  const resource = str(spec?.name);
  if (spec?.target?.averageValue !== undefined) {
    return `${resource}: ${status ? str(status.current?.averageValue) : '<unknown>'}/${str(spec.target.averageValue)}`;
  }
  const current = typeof status?.current?.averageUtilization === 'number' ? `${status.current.averageUtilization}%` : '<unknown>';
  const target = typeof spec?.target?.averageUtilization === 'number' ? `${spec.target.averageUtilization}%` : '<auto>';
  return `${resource}: ${current}/${target}`;
}

/** autoscaling/v1 objects carry one CPU target; they print as the v2 Resource metric they convert to. */
function hpaMetrics(o: Loose): { specs: Loose[]; statuses: Loose[] } {
  if (Array.isArray(o.spec?.metrics)) return { specs: o.spec.metrics, statuses: o.status?.currentMetrics ?? [] };
  if (typeof o.spec?.targetCPUUtilizationPercentage !== 'number') return { specs: [], statuses: [] };
  const spec = { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: o.spec.targetCPUUtilizationPercentage } } };
  const current = o.status?.currentCPUUtilizationPercentage;
  const statuses = typeof current === 'number' ? [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: current } } }] : [];
  return { specs: [spec], statuses };
}

function hpaTargets(o: Loose): string {
  const { specs, statuses } = hpaMetrics(o);
  if (specs.length === 0) return '<none>';
  const list = specs.map((spec, i) => HPA_METRIC[spec?.type]?.(spec, statuses[i]) ?? '<unknown type>');
  return list.length > 2 ? `${list.slice(0, 2).join(', ')} + ${list.length - 2} more...` : list.join(', ');
}

const HPA: Printer = {
  columns: [
    NAME_COLUMN,
    column('Reference', 'string', 'scaleTargetRef points to the target resource to scale, and is used to the pods for which metrics should be collected, as well as to actually change the replica count.'),
    column('Targets', 'string', 'metrics contains the specifications for which to use to calculate the desired replica count.'),
    column('MinPods', 'string', 'minReplicas is the lower limit for the number of replicas to which the autoscaler can scale down.'),
    column('MaxPods', 'string', 'maxReplicas is the upper limit for the number of replicas to which the autoscaler can scale up.'),
    column('Replicas', 'string', 'currentReplicas is current number of replicas of pods managed by this autoscaler, as last seen by the autoscaler.'),
    AGE_COLUMN,
  ],
  cells: (o: Loose, now) => [
    name(o),
    `${str(o.spec?.scaleTargetRef?.kind)}/${str(o.spec?.scaleTargetRef?.name)}`,
    hpaTargets(o),
    typeof o.spec?.minReplicas === 'number' ? String(o.spec.minReplicas) : '<unset>',
    int(o.spec?.maxReplicas),
    int(o.status?.currentReplicas),
    age(o, now),
  ],
};

const PDB: Printer = {
  columns: [
    NAME_COLUMN,
    column('Min Available', 'string', 'The minimum number of pods that must be available.'),
    column('Max Unavailable', 'string', 'The maximum number of pods that may be unavailable.'),
    column('Allowed Disruptions', 'integer', 'Calculated number of pods that may be disrupted at this time.'),
    AGE_COLUMN,
  ],
  cells: (o: Loose, now) => [
    name(o),
    o.spec?.minAvailable !== undefined ? intOrString(o.spec.minAvailable) : 'N/A',
    o.spec?.maxUnavailable !== undefined ? intOrString(o.spec.maxUnavailable) : 'N/A',
    int(o.status?.disruptionsAllowed),
    age(o, now),
  ],
};

/** Workload printers by `group/kind`. */
export const WORKLOAD_PRINTERS: Readonly<Record<string, Printer>> = {
  'apps/Deployment': DEPLOYMENT,
  'apps/ReplicaSet': REPLICA_SET,
  'apps/StatefulSet': STATEFUL_SET,
  'apps/DaemonSet': DAEMON_SET,
  '/ReplicationController': REPLICATION_CONTROLLER,
  'batch/Job': JOB,
  'batch/CronJob': CRON_JOB,
  'autoscaling/HorizontalPodAutoscaler': HPA,
  'policy/PodDisruptionBudget': PDB,
};
