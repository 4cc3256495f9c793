/**
 * Table printers for workload controllers and their autoscaling/disruption companions: Deployment, ReplicaSet,
 * StatefulSet, DaemonSet, ReplicationController, Job, CronJob, HorizontalPodAutoscaler, PodDisruptionBudget.
 * Columns and cell formats follow k8s.io/kubernetes/pkg/printers/internalversion/printers.go.
 */
import type { Json } from '../kube/json.ts';
import { humanDuration, parseTimestamp, timestampAge } from './human-duration.ts';
import {
  AGE,
  NAME,
  at,
  col,
  formatLabelSelectorCell,
  formatLabels,
  goBool,
  int,
  intAt,
  intOrString,
  printer,
  selectorString,
  str,
  strAt,
  templateColumns,
  type ColumnSpec,
  type Printer,
} from './printer.ts';

/** `spec.replicas` is defaulted to 1 by the real API server; the same default keeps unstored objects printable. */
const replicas = (o: Json) => (typeof o.spec?.replicas === 'number' ? int(o.spec.replicas) : 1);
const readyOfReplicas = (o: Json) => `${int(o.status?.readyReplicas)}/${replicas(o)}`;
const POD_TEMPLATE = templateColumns('spec.template.spec.containers');

/**
 * The shape of most workload tables: Name, the kind's own columns, Age, the pod template's Containers and
 * Images, and the wide Selector (how each kind prints its selector differs, so the cell is given).
 */
const workload = (
  own: ColumnSpec[],
  selector: { description: string; cell: ColumnSpec['cell'] },
  template = POD_TEMPLATE,
): Printer =>
  printer([
    NAME,
    ...own,
    AGE,
    ...template,
    col('Selector', 'string', selector.description, selector.cell, { priority: 1 }),
  ]);

const DEPLOYMENT = workload(
  [
    col('Ready', 'string', 'Number of the pod with ready state', readyOfReplicas),
    col(
      'Up-to-date',
      'string',
      'Total number of non-terminated pods targeted by this deployment that have the desired template spec.',
      intAt('status.updatedReplicas'),
    ),
    col(
      'Available',
      'string',
      'Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.',
      intAt('status.availableReplicas'),
    ),
  ],
  {
    description:
      'Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment.',
    cell: (o) => selectorString(o.spec?.selector),
  },
);

/** ReplicaSet and ReplicationController: the same columns, the selector printed as each API spells it. */
const replicaSetLike = (selectorCell: ColumnSpec['cell']) =>
  workload(
    [
      col('Desired', 'integer', 'Replicas is the number of desired replicas.', replicas),
      col('Current', 'integer', 'Replicas is the most recently observed number of replicas.', intAt('status.replicas')),
      col('Ready', 'integer', 'The number of ready replicas for this replica set.', intAt('status.readyReplicas')),
    ],
    { description: 'Selector is a label query over pods that should match the replica count.', cell: selectorCell },
  );

const STATEFUL_SET = printer([
  NAME,
  col('Ready', 'string', 'Number of the pod with ready state', readyOfReplicas),
  AGE,
  ...POD_TEMPLATE,
]);

const DAEMON_SET = workload(
  [
    col(
      'Desired',
      'integer',
      'The total number of nodes that should be running the daemon pod.',
      intAt('status.desiredNumberScheduled'),
    ),
    col(
      'Current',
      'integer',
      'The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod.',
      intAt('status.currentNumberScheduled'),
    ),
    col(
      'Ready',
      'integer',
      'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and ready.',
      intAt('status.numberReady'),
    ),
    col(
      'Up-to-date',
      'integer',
      'The total number of nodes that are running updated daemon pod',
      intAt('status.updatedNumberScheduled'),
    ),
    col(
      'Available',
      'integer',
      'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available.',
      intAt('status.numberAvailable'),
    ),
    col('Node Selector', 'string', 'NodeSelector is a selector which must be true for the pod to fit on a node.', (o) =>
      formatLabels(o.spec?.template?.spec?.nodeSelector),
    ),
  ],
  {
    description: 'A label query over pods that are managed by the daemon set.',
    cell: (o) => formatLabelSelectorCell(o.spec?.selector),
  },
);

/** True when the job's first condition of that type is True (`hasJobCondition`). */
function jobCondition(o: Json, type: string): boolean {
  return (o.status?.conditions ?? []).find((c: Json) => c?.type === type)?.status === 'True';
}

const JOB_STATUS: Array<[string, (o: Json) => boolean]> = [
  ['Complete', (o) => jobCondition(o, 'Complete')],
  ['Failed', (o) => jobCondition(o, 'Failed')],
  ['Terminating', (o) => Boolean(o.metadata?.deletionTimestamp)],
  ['Suspended', (o) => jobCondition(o, 'Suspended')],
  ['FailureTarget', (o) => jobCondition(o, 'FailureTarget')],
];

function jobCompletions(o: Json): string {
  const succeeded = int(o.status?.succeeded);
  if (typeof o.spec?.completions === 'number') return `${succeeded}/${int(o.spec.completions)}`;
  const parallelism = int(o.spec?.parallelism);
  return parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
}

function jobDuration(o: Json, now: Date): string {
  const start = parseTimestamp(o.status?.startTime);
  if (!start) return '';
  const end = parseTimestamp(o.status?.completionTime) ?? now;
  return humanDuration(end.getTime() - start.getTime());
}

const JOB = workload(
  [
    col(
      'Status',
      'string',
      'Status of the job.',
      (o) => JOB_STATUS.find(([, applies]) => applies(o))?.[0] ?? 'Running',
    ),
    col('Completions', 'string', 'The number of pods which reached phase Succeeded.', jobCompletions),
    col('Duration', 'string', 'Time required to complete the job.', jobDuration),
  ],
  {
    description: 'A label query over pods that should match the pod count.',
    cell: (o) => formatLabelSelectorCell(o.spec?.selector),
  },
);

const CRON_JOB = workload(
  [
    col(
      'Schedule',
      'string',
      'The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron.',
      strAt('spec.schedule'),
    ),
    col(
      'Timezone',
      'string',
      'The time zone name for the given schedule, see https://en.wikipedia.org/wiki/List_of_tz_database_time_zones.',
      (o) => (typeof o.spec?.timeZone === 'string' ? o.spec.timeZone : '<none>'),
    ),
    col(
      'Suspend',
      'boolean',
      'This flag tells the controller to suspend subsequent executions, it does not apply to already started executions.',
      (o) => (typeof o.spec?.suspend === 'boolean' ? goBool(o.spec.suspend) : '<unset>'),
    ),
    col('Active', 'integer', 'A list of pointers to currently running jobs.', (o) => (o.status?.active ?? []).length),
    col(
      'Last Schedule',
      'string',
      'Information when was the last time the job was successfully scheduled.',
      (o, now) => (o.status?.lastScheduleTime ? timestampAge(o.status.lastScheduleTime, now) : '<none>'),
    ),
  ],
  {
    description: 'A label query over pods that should match the pod count.',
    cell: (o) => formatLabelSelectorCell(at(o, 'spec.jobTemplate.spec.selector')),
  },
  templateColumns('spec.jobTemplate.spec.template.spec.containers'),
);

/** One HPA metric as `formatHPAMetrics` writes it, for autoscaling/v2 metric specs. */
const HPA_METRIC: Record<string, (spec: Json, status: Json) => string> = {
  Resource: (spec, status) => resourceMetric(spec.resource, status?.resource),
  ContainerResource: (spec, status) => resourceMetric(spec.containerResource, status?.containerResource),
  Pods: (spec, status) =>
    `${str(status?.pods?.current?.averageValue) || '<unknown>'}/${str(spec.pods?.target?.averageValue)}`,
  Object: (spec, status) => valueMetric(spec.object?.target, status?.object?.current),
  External: (spec, status) => valueMetric(spec.external?.target, status?.external?.current),
};

function valueMetric(target: Json, current: Json): string {
  if (target?.averageValue !== undefined)
    return `${str(current?.averageValue) || '<unknown>'}/${str(target.averageValue)} (avg)`;
  return `${current ? str(current.value) : '<unknown>'}/${str(target?.value)}`;
}

function resourceMetric(spec: Json, status: Json): string {
  const resource = str(spec?.name);
  if (spec?.target?.averageValue !== undefined) {
    return `${resource}: ${status ? str(status.current?.averageValue) : '<unknown>'}/${str(spec.target.averageValue)}`;
  }
  const current =
    typeof status?.current?.averageUtilization === 'number' ? `${status.current.averageUtilization}%` : '<unknown>';
  const target = typeof spec?.target?.averageUtilization === 'number' ? `${spec.target.averageUtilization}%` : '<auto>';
  return `${resource}: ${current}/${target}`;
}

/** autoscaling/v1 objects carry one CPU target; they print as the v2 Resource metric they convert to. */
function hpaMetrics(o: Json): { specs: Json[]; statuses: Json[] } {
  if (Array.isArray(o.spec?.metrics)) return { specs: o.spec.metrics, statuses: o.status?.currentMetrics ?? [] };
  if (typeof o.spec?.targetCPUUtilizationPercentage !== 'number') return { specs: [], statuses: [] };
  const spec = {
    type: 'Resource',
    resource: {
      name: 'cpu',
      target: { type: 'Utilization', averageUtilization: o.spec.targetCPUUtilizationPercentage },
    },
  };
  const current = o.status?.currentCPUUtilizationPercentage;
  const statuses =
    typeof current === 'number'
      ? [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: current } } }]
      : [];
  return { specs: [spec], statuses };
}

function hpaTargets(o: Json): string {
  const { specs, statuses } = hpaMetrics(o);
  if (specs.length === 0) return '<none>';
  const list = specs.map((spec, i) => HPA_METRIC[spec?.type]?.(spec, statuses[i]) ?? '<unknown type>');
  return list.length > 2 ? `${list.slice(0, 2).join(', ')} + ${list.length - 2} more...` : list.join(', ');
}

const HPA = printer([
  NAME,
  col(
    'Reference',
    'string',
    'scaleTargetRef points to the target resource to scale, and is used to the pods for which metrics should be collected, as well as to actually change the replica count.',
    (o) => `${str(o.spec?.scaleTargetRef?.kind)}/${str(o.spec?.scaleTargetRef?.name)}`,
  ),
  col(
    'Targets',
    'string',
    'metrics contains the specifications for which to use to calculate the desired replica count.',
    hpaTargets,
  ),
  col(
    'MinPods',
    'string',
    'minReplicas is the lower limit for the number of replicas to which the autoscaler can scale down.',
    (o) => (typeof o.spec?.minReplicas === 'number' ? String(o.spec.minReplicas) : '<unset>'),
  ),
  col(
    'MaxPods',
    'string',
    'maxReplicas is the upper limit for the number of replicas to which the autoscaler can scale up.',
    intAt('spec.maxReplicas'),
  ),
  col(
    'Replicas',
    'string',
    'currentReplicas is current number of replicas of pods managed by this autoscaler, as last seen by the autoscaler.',
    intAt('status.currentReplicas'),
  ),
  AGE,
]);

/** `minAvailable`/`maxUnavailable` as the PDB table prints them: `N/A` when unset. */
const orNA = (path: string) => (o: Json) => (at(o, path) !== undefined ? intOrString(at(o, path)) : 'N/A');

const PDB = printer([
  NAME,
  col('Min Available', 'string', 'The minimum number of pods that must be available.', orNA('spec.minAvailable')),
  col('Max Unavailable', 'string', 'The maximum number of pods that may be unavailable.', orNA('spec.maxUnavailable')),
  col(
    'Allowed Disruptions',
    'integer',
    'Calculated number of pods that may be disrupted at this time.',
    intAt('status.disruptionsAllowed'),
  ),
  AGE,
]);

/** Workload printers by `group/kind`. */
export const WORKLOAD_PRINTERS: Readonly<Record<string, Printer>> = {
  'apps/Deployment': DEPLOYMENT,
  'apps/ReplicaSet': replicaSetLike((o) => formatLabelSelectorCell(o.spec?.selector)),
  'apps/StatefulSet': STATEFUL_SET,
  'apps/DaemonSet': DAEMON_SET,
  '/ReplicationController': replicaSetLike((o) => formatLabels(o.spec?.selector)),
  'batch/Job': JOB,
  'batch/CronJob': CRON_JOB,
  'autoscaling/HorizontalPodAutoscaler': HPA,
  'policy/PodDisruptionBudget': PDB,
};
