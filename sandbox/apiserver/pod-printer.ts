/**
 * The Pod Table row, ported from `printPod` in k8s.io/kubernetes/pkg/printers/internalversion: READY counts
 * ready running containers (plus started sidecars), STATUS walks init containers then containers from last to
 * first (`Init:0/1`, `Init:CrashLoopBackOff`, `ContainerCreating`, `CrashLoopBackOff`, `Completed`, `Error`,
 * `ExitCode:2`, …), then `Terminating` once a deletion started; RESTARTS adds `(5s ago)`.
 */
import type { Json } from '../kube/json.ts';
import { humanDuration, parseTimestamp } from './human-duration.ts';
import { AGE, NAME, col, int, printer, str } from './printer.ts';

const NODE_LOST = 'NodeLost';

function isRestartable(initContainer: Json): boolean {
  return initContainer?.restartPolicy === 'Always';
}

function hasCondition(pod: Json, type: string): boolean {
  return (pod.status?.conditions ?? []).some((c: Json) => c?.type === type && c?.status === 'True');
}

/** The later of `current` and the container's last termination time (ms since epoch, 0 = never). */
function laterRestart(current: number, status: Json): number {
  const finished = parseTimestamp(status?.lastState?.terminated?.finishedAt)?.getTime() ?? 0;
  return Math.max(current, finished);
}

/** Why a terminated container stopped: its reason, else the signal, else the exit code. */
function terminatedReason(terminated: Json, prefix: string): string {
  if (terminated.reason) return `${prefix}${terminated.reason}`;
  if (terminated.signal) return `${prefix}Signal:${terminated.signal}`;
  return `${prefix}ExitCode:${int(terminated.exitCode)}`;
}

interface PodSummary {
  ready: number;
  total: number;
  reason: string;
  restarts: number;
  lastRestart: number;
}

/** Computes READY, STATUS and RESTARTS exactly in the order printPod does. */
export function summarizePod(pod: Json): PodSummary {
  const spec = pod.spec ?? {};
  const status = pod.status ?? {};
  const specInit: Json[] = spec.initContainers ?? [];
  const phase = str(status.phase);
  let reason = status.reason ? str(status.reason) : phase;
  if ((status.conditions ?? []).some((c: Json) => c?.type === 'PodScheduled' && c?.reason === 'SchedulingGated'))
    reason = 'SchedulingGated';

  const initByName = new Map<string, Json>(specInit.map((c) => [c?.name, c]));
  const total = (spec.containers ?? []).length + specInit.filter(isRestartable).length;
  let ready = 0;
  let restarts = 0;
  let sidecarRestarts = 0;
  let lastRestart = 0;
  let lastSidecarRestart = 0;

  let initializing = false;
  const initStatuses: Json[] = status.initContainerStatuses ?? [];
  for (let i = 0; i < initStatuses.length; i++) {
    const c = initStatuses[i];
    const sidecar = isRestartable(initByName.get(c?.name));
    restarts += int(c?.restartCount);
    lastRestart = laterRestart(lastRestart, c);
    if (sidecar) {
      sidecarRestarts += int(c?.restartCount);
      lastSidecarRestart = laterRestart(lastSidecarRestart, c);
    }
    const terminated = c?.state?.terminated;
    const waiting = c?.state?.waiting;
    if (terminated && int(terminated.exitCode) === 0) continue;
    if (sidecar && c?.started === true) {
      if (c?.ready) ready++;
      continue;
    }
    if (terminated) reason = terminatedReason(terminated, 'Init:');
    else if (waiting?.reason && waiting.reason !== 'PodInitializing') reason = `Init:${waiting.reason}`;
    else reason = `Init:${i}/${specInit.length}`;
    initializing = true;
    break;
  }

  if (!initializing || hasCondition(pod, 'Initialized')) {
    restarts = sidecarRestarts;
    lastRestart = lastSidecarRestart;
    let hasRunning = false;
    const statuses: Json[] = status.containerStatuses ?? [];
    for (let i = statuses.length - 1; i >= 0; i--) {
      const c = statuses[i];
      restarts += int(c?.restartCount);
      lastRestart = laterRestart(lastRestart, c);
      const { waiting, terminated, running } = c?.state ?? {};
      if (waiting?.reason) reason = waiting.reason;
      else if (terminated?.reason) reason = terminated.reason;
      else if (terminated) reason = terminatedReason(terminated, '');
      else if (c?.ready && running) {
        hasRunning = true;
        ready++;
      }
    }
    // a pod whose last container completed but another still runs is Running (or NotReady), not Completed
    if (reason === 'Completed' && hasRunning) reason = hasCondition(pod, 'Ready') ? 'Running' : 'NotReady';
  }

  const deleting = Boolean(pod.metadata?.deletionTimestamp);
  if (deleting && status.reason === NODE_LOST) reason = 'Unknown';
  else if (deleting && phase !== 'Succeeded' && phase !== 'Failed') reason = 'Terminating';
  return { ready, total, reason, restarts, lastRestart };
}

function readinessGates(pod: Json): string {
  const gates: Json[] = pod.spec?.readinessGates ?? [];
  if (gates.length === 0) return '<none>';
  const conditions: Json[] = pod.status?.conditions ?? [];
  const trueCount = gates.filter(
    (gate) => conditions.find((c) => c?.type === gate?.conditionType)?.status === 'True',
  ).length;
  return `${trueCount}/${gates.length}`;
}

/** summarizePod once per object, though READY, STATUS and RESTARTS each read it. */
const summaries = new WeakMap<object, PodSummary>();
function summary(pod: Json): PodSummary {
  let s = summaries.get(pod);
  if (!s) summaries.set(pod, (s = summarizePod(pod)));
  return s;
}

function restartsCell(pod: Json, now: Date): string {
  const { restarts, lastRestart } = summary(pod);
  return restarts !== 0 && lastRestart !== 0
    ? `${restarts} (${humanDuration(now.getTime() - lastRestart)} ago)`
    : String(restarts);
}

const noneIfEmpty = (cell: (o: Json) => unknown) => (o: Json) => str(cell(o)) || '<none>';

/** Printer for core/v1 Pod. */
export const POD_PRINTER = printer(
  [
    NAME,
    col(
      'Ready',
      'string',
      'The aggregate readiness state of this pod for accepting traffic.',
      (pod) => `${summary(pod).ready}/${summary(pod).total}`,
    ),
    col('Status', 'string', 'The aggregate status of the containers in this pod.', (pod) => summary(pod).reason),
    col(
      'Restarts',
      'string',
      'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.',
      restartsCell,
    ),
    AGE,
    col(
      'IP',
      'string',
      'podIP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.',
      noneIfEmpty((pod) => pod.status?.podIPs?.[0]?.ip ?? pod.status?.podIP),
      {
        priority: 1,
      },
    ),
    col(
      'Node',
      'string',
      'NodeName indicates in which node this pod is scheduled.',
      noneIfEmpty((pod) => pod.spec?.nodeName),
      { priority: 1 },
    ),
    col(
      'Nominated Node',
      'string',
      'nominatedNodeName is set only when this pod preempts other pods on the node.',
      noneIfEmpty((pod) => pod.status?.nominatedNodeName),
      { priority: 1 },
    ),
    col(
      'Readiness Gates',
      'string',
      'If specified, all readiness gates will be evaluated for pod readiness.',
      readinessGates,
      { priority: 1 },
    ),
  ],
  {
    conditions(obj) {
      const phase = (obj as Json).status?.phase;
      if (phase === 'Succeeded')
        return [
          { type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' },
        ];
      if (phase === 'Failed')
        return [{ type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' }];
      return undefined;
    },
  },
);
