/**
 * What happened to the foundry pods during an upgrade, computed from pod watch observations and scheduling events:
 * per-pod lifecycle times, how many GPU pods were active at once, old/new overlaps (Recreate must have none), how
 * long pods stayed unschedulable, container restarts, and a verdict with messages that name the problem — above
 * all the single-GPU RollingUpdate deadlock. Pure: call it again on every new event to detect trouble early.
 */
import { CHECKPOINT } from './budgets.ts';
import { formatDuration } from './durations.ts';

export interface PodContainerStatus {
  name: string;
  ready?: boolean;
  restartCount?: number;
  state?: {
    waiting?: { reason?: string; message?: string };
    terminated?: { reason?: string; exitCode?: number; message?: string };
  };
  lastState?: { terminated?: { reason?: string; exitCode?: number; message?: string } };
}

/** The fields of a Pod this analysis needs; build it from an API object with {@link podSnapshot}. */
export interface PodSnapshot {
  name: string;
  uid: string;
  phase?: string;
  nodeName?: string;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  /** GPUs the pod asks for (sum of container limits of the GPU resource). */
  gpu: number;
  conditions?: Array<{ type: string; status: string; reason?: string; message?: string }>;
  containerStatuses?: PodContainerStatus[];
}

/** One watch event as the recorder saw it; `at` is the client's clock (epoch ms). */
export interface PodObservation {
  at: number;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  pod: PodSnapshot;
}

/** A Kubernetes Event about a pod, e.g. reason FailedScheduling. `firstAt` for aggregated events (count > 1). */
export interface PodEvent {
  at: number;
  firstAt?: number;
  reason: string;
  podName: string;
  message: string;
}

export interface PodInterval {
  name: string;
  uid: string;
  gpu: number;
  firstSeenAt: number;
  /** From creationTimestamp when known (server clock), else firstSeenAt. */
  createdAt: number;
  scheduledAt?: number;
  runningAt?: number;
  readyAt?: number;
  terminatingAt?: number;
  /** Phase Succeeded/Failed first seen: the pod no longer holds its resources. */
  finishedAt?: number;
  goneAt?: number;
  phase?: string;
  nodeName?: string;
}

export interface Overlap {
  oldPod: string;
  newPod: string;
  /** What the old pod was doing when the new one appeared. */
  oldState: 'pending' | 'running' | 'terminating';
  from: number;
  ms: number;
}

export interface UnschedulableSpan {
  pod: string;
  from: number;
  to: number;
  ms: number;
  /** Still unschedulable at `now`. */
  ongoing: boolean;
  /** `Insufficient nvidia.com/gpu`, or the first clause of the scheduler message. */
  reason: string;
  message: string;
}

export interface RestartRecord {
  pod: string;
  container: string;
  /** Restarts that happened while observed. */
  count: number;
  /** restartCount as last seen (includes restarts before the observation window). */
  total: number;
  lastReason?: string;
}

export interface PodLifecycleOptions {
  /** The analysis time for ongoing spans; defaults to the latest observation or event. */
  now?: number;
  /** The Deployment's strategy, when known: it shapes the deadlock advice. */
  strategy?: 'Recreate' | 'RollingUpdate' | string;
  gpuResource?: string;
  /** GPUs on the node: more GPU pods active at once is a failure. Default 1. */
  gpuCapacity?: number;
  /** How long a new pod may stay unschedulable while an old one runs before it counts as a deadlock. Default 30 s. */
  deadlockGraceMs?: number;
  /** How long any unschedulable span is tolerated. Default 30 s. */
  failedSchedulingGraceMs?: number;
  /** Container restarts during the window are a failure unless allowed. */
  allowRestarts?: boolean;
}

export interface PodLifecycle {
  pods: PodInterval[];
  maxConcurrentGpuPods: { count: number; at?: number; pods: string[] };
  overlaps: Overlap[];
  failedSchedulingSpans: UnschedulableSpan[];
  restarts: RestartRecord[];
  /** The replaced pod (oldest that terminated) and its replacement (newest), with budget checkpoints. */
  replacement: { oldPod?: string; newPod?: string; checkpoints: Record<string, number> };
  verdict: { ok: boolean; deadlock: boolean; messages: string[] };
}

const TERMINAL = new Set(['Succeeded', 'Failed']);

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- three pod shapes (client-node's Dates, kubectl's strings)
type PodFields = Record<string, any>;

/** Converts a Pod API object (client-node, kubectl JSON or the sandbox) into a {@link PodSnapshot}. */
export function podSnapshot(
  pod: { metadata?: PodFields; spec?: PodFields; status?: PodFields },
  gpuResource = 'nvidia.com/gpu',
): PodSnapshot {
  const containers: Array<{ resources?: { limits?: Record<string, unknown>; requests?: Record<string, unknown> } }> =
    pod.spec?.containers ?? [];
  const gpu = containers.reduce(
    (sum, c) => sum + Number(c.resources?.limits?.[gpuResource] ?? c.resources?.requests?.[gpuResource] ?? 0),
    0,
  );
  const stamp = (v: unknown) => (v instanceof Date ? v.toISOString() : (v as string | undefined));
  return {
    name: pod.metadata?.name,
    uid: pod.metadata?.uid ?? pod.metadata?.name,
    phase: pod.status?.phase,
    nodeName: pod.spec?.nodeName || undefined,
    creationTimestamp: stamp(pod.metadata?.creationTimestamp),
    deletionTimestamp: stamp(pod.metadata?.deletionTimestamp),
    gpu: Number.isFinite(gpu) ? gpu : 0,
    conditions: pod.status?.conditions,
    containerStatuses: pod.status?.containerStatuses,
  };
}

/** Analyses observations (any order; ties keep their given order) and pod events. */
export function analyzePodLifecycle(
  observations: readonly PodObservation[],
  events: readonly PodEvent[] = [],
  options: PodLifecycleOptions = {},
): PodLifecycle {
  const ordered = observations.map((o, seq) => ({ ...o, seq })).sort((a, b) => a.at - b.at || a.seq - b.seq);
  const now = options.now ?? Math.max(0, ...ordered.map((o) => o.at), ...events.map((e) => e.at));
  const pods = new Map<string, PodInterval>();
  const unschedulableSeen = new Map<string, { at: number; message: string }>();
  const restartTrack = new Map<
    string,
    { first: number; last: number; lastReason?: string; pod: string; container: string }
  >();
  const active = new Set<string>();
  const max = { count: 0, at: undefined as number | undefined, pods: [] as string[] };
  const overlaps: Array<Overlap & { oldUid: string }> = [];

  for (const { at, type, pod } of ordered) {
    const isNew = !pods.has(pod.uid);
    const p = pods.get(pod.uid) ?? {
      name: pod.name,
      uid: pod.uid,
      gpu: pod.gpu,
      firstSeenAt: at,
      createdAt: parseTime(pod.creationTimestamp) ?? at,
    };
    pods.set(pod.uid, p);
    p.phase = pod.phase ?? p.phase;
    p.nodeName = pod.nodeName ?? p.nodeName;
    const cond = (t: string) => pod.conditions?.find((c) => c.type === t);
    if (p.scheduledAt === undefined && (pod.nodeName || cond('PodScheduled')?.status === 'True')) p.scheduledAt = at;
    if (p.runningAt === undefined && pod.phase === 'Running') p.runningAt = at;
    if (p.readyAt === undefined && cond('Ready')?.status === 'True') p.readyAt = at;
    if (p.terminatingAt === undefined && pod.deletionTimestamp) p.terminatingAt = at;
    if (p.finishedAt === undefined && TERMINAL.has(pod.phase ?? '')) p.finishedAt = at;
    if (type === 'DELETED') p.goneAt = at;
    const unsched = cond('PodScheduled');
    if (unsched?.status === 'False' && unsched.reason === 'Unschedulable' && !unschedulableSeen.has(pod.name)) {
      unschedulableSeen.set(pod.name, { at, message: unsched.message ?? '' });
    }
    for (const cs of pod.containerStatuses ?? []) {
      const key = `${pod.uid}/${cs.name}`;
      const count = cs.restartCount ?? 0;
      const track = restartTrack.get(key) ?? { first: count, last: count, pod: pod.name, container: cs.name };
      track.last = Math.max(track.last, count);
      track.lastReason = cs.lastState?.terminated?.reason ?? track.lastReason;
      restartTrack.set(key, track);
    }

    const isActive = p.goneAt === undefined && p.finishedAt === undefined;
    if (isNew && isActive) {
      // Pods listed together at watch start are ordered by creation time, not by listing order.
      for (const otherUid of active) {
        const other = pods.get(otherUid)!;
        const [older, newer] = other.createdAt <= p.createdAt ? [other, p] : [p, other];
        overlaps.push({
          oldUid: older.uid,
          oldPod: older.name,
          newPod: newer.name,
          oldState: stateOf(older),
          from: at,
          ms: 0,
        });
      }
    }
    if (isActive) active.add(p.uid);
    else active.delete(p.uid);
    const gpuPods = [...active].map((uid) => pods.get(uid)!).filter((x) => x.gpu > 0);
    if (gpuPods.length > max.count) Object.assign(max, { count: gpuPods.length, at, pods: gpuPods.map((x) => x.name) });
  }

  const overlapList: Overlap[] = overlaps.map(({ oldUid, ...o }) => {
    const old = pods.get(oldUid)!;
    return { ...o, ms: Math.max(0, (old.goneAt ?? old.finishedAt ?? now) - o.from) };
  });
  const intervals = [...pods.values()].sort((a, b) => a.createdAt - b.createdAt || a.firstSeenAt - b.firstSeenAt);
  const spans = unschedulableSpans(intervals, events, unschedulableSeen, now);
  const restarts = [...restartTrack.values()]
    .filter((t) => t.last > 0)
    .map((t) => ({
      pod: t.pod,
      container: t.container,
      count: t.last - t.first,
      total: t.last,
      ...(t.lastReason ? { lastReason: t.lastReason } : {}),
    }));
  const replacement = replacementOf(intervals);
  const verdict = judge({ intervals, overlaps: overlapList, spans, restarts, max, options });
  return {
    pods: intervals,
    maxConcurrentGpuPods: max,
    overlaps: overlapList,
    failedSchedulingSpans: spans,
    restarts,
    replacement,
    verdict,
  };
}

function unschedulableSpans(
  pods: PodInterval[],
  events: readonly PodEvent[],
  seen: Map<string, { at: number; message: string }>,
  now: number,
): UnschedulableSpan[] {
  const spans: UnschedulableSpan[] = [];
  for (const pod of pods) {
    const podEvents = events.filter((e) => e.reason === 'FailedScheduling' && e.podName === pod.name);
    const fromCondition = seen.get(pod.name);
    const starts = [...podEvents.map((e) => e.firstAt ?? e.at), ...(fromCondition ? [fromCondition.at] : [])];
    if (starts.length === 0) continue;
    const from = Math.min(...starts);
    const endCandidates = [pod.scheduledAt, pod.goneAt].filter((t): t is number => t !== undefined && t >= from);
    const ongoing = endCandidates.length === 0;
    const to = ongoing ? now : Math.min(...endCandidates);
    const latest = [...podEvents].sort((a, b) => b.at - a.at)[0];
    const message = latest?.message ?? fromCondition?.message ?? '';
    spans.push({
      pod: pod.name,
      from,
      to,
      ms: Math.max(0, to - from),
      ongoing,
      reason: schedulingReason(message),
      message,
    });
  }
  return spans;
}

/** `0/1 nodes are available: 1 Insufficient nvidia.com/gpu.` → `Insufficient nvidia.com/gpu`. */
function schedulingReason(message: string): string {
  const insufficient = /Insufficient ([\w./-]+[\w])/.exec(message);
  if (insufficient) return `Insufficient ${insufficient[1]}`;
  return (
    message
      .replace(/^\d+\/\d+ nodes are available:\s*/, '')
      .split(/[.,]/)[0]!
      .trim() || 'Unschedulable'
  );
}

function replacementOf(pods: PodInterval[]): PodLifecycle['replacement'] {
  const oldPod = pods.find((p) => p.terminatingAt !== undefined || p.goneAt !== undefined);
  const newest = pods[pods.length - 1];
  const newPod = newest && newest !== oldPod ? newest : undefined;
  const entries: Array<[string, number | undefined]> = [
    [CHECKPOINT.oldPodTerminating, oldPod?.terminatingAt ?? oldPod?.goneAt],
    [CHECKPOINT.oldPodGone, oldPod?.goneAt],
    [CHECKPOINT.newPodCreated, newPod?.firstSeenAt],
    [CHECKPOINT.newPodRunning, newPod?.runningAt],
    [CHECKPOINT.newPodReady, newPod?.readyAt],
  ];
  const checkpoints = Object.fromEntries(entries.filter((e): e is [string, number] => e[1] !== undefined));
  return { ...(oldPod ? { oldPod: oldPod.name } : {}), ...(newPod ? { newPod: newPod.name } : {}), checkpoints };
}

/** Deployment strategy → the advice that ends the deadlock message. */
const STRATEGY_ADVICE: Readonly<Record<string, string>> = {
  RollingUpdate: 'the Deployment uses RollingUpdate — use Recreate on a single-GPU node',
  Recreate: 'the Deployment uses Recreate, so something else holds the GPU',
};

function judge(input: {
  intervals: PodInterval[];
  overlaps: Overlap[];
  spans: UnschedulableSpan[];
  restarts: RestartRecord[];
  max: PodLifecycle['maxConcurrentGpuPods'];
  options: PodLifecycleOptions;
}): PodLifecycle['verdict'] {
  const { intervals, overlaps, spans, restarts, max, options } = input;
  const gpuResource = options.gpuResource ?? 'nvidia.com/gpu';
  const deadlockGrace = options.deadlockGraceMs ?? 30_000;
  const schedulingGrace = options.failedSchedulingGraceMs ?? 30_000;
  const messages: string[] = [];
  let deadlock = false;
  const advice =
    STRATEGY_ADVICE[options.strategy ?? ''] ?? 'check the Deployment strategy — a single-GPU node needs Recreate';

  for (const span of spans) {
    const pending = intervals.find((p) => p.name === span.pod)!;
    const holder = intervals.find(
      (p) =>
        p !== pending &&
        p.gpu > 0 &&
        p.createdAt <= pending.createdAt &&
        p.firstSeenAt <= span.to &&
        (p.goneAt ?? p.finishedAt ?? Infinity) >= span.to,
    );
    const gpuShort = span.reason === `Insufficient ${gpuResource}`;
    if (holder && gpuShort && span.ms >= deadlockGrace) {
      deadlock = true;
      messages.push(
        `GPU deadlock: new pod ${span.pod} stayed Pending (${span.reason}) for ${formatDuration(span.ms)} while old pod ${holder.name} kept running; ${advice}`,
      );
    } else if (span.ms >= schedulingGrace) {
      messages.push(
        `pod ${span.pod} stayed unschedulable for ${formatDuration(span.ms)}${span.ongoing ? ' and still is' : ''} (${span.reason})`,
      );
    }
  }
  for (const o of overlaps) {
    messages.push(
      `Recreate not observed: new pod ${o.newPod} was created while old pod ${o.oldPod} was still ${o.oldState} (overlap ${formatDuration(o.ms)})`,
    );
  }
  const capacity = options.gpuCapacity ?? 1;
  if (max.count > capacity) {
    messages.push(
      `${max.count} GPU pods were active at once (${max.pods.join(', ')}) at ${new Date(max.at!).toISOString()}; the node has ${capacity} GPU${capacity === 1 ? '' : 's'}`,
    );
  }
  if (!options.allowRestarts) {
    for (const r of restarts.filter((x) => x.count > 0)) {
      messages.push(
        `container ${r.container} of pod ${r.pod} restarted ${r.count} time${r.count === 1 ? '' : 's'}${r.lastReason ? ` (last: ${r.lastReason})` : ''}`,
      );
    }
  }
  return { ok: messages.length === 0, deadlock, messages };
}

function stateOf(pod: PodInterval): Overlap['oldState'] {
  if (pod.terminatingAt !== undefined) return 'terminating';
  return pod.phase === 'Running' ? 'running' : 'pending';
}

function parseTime(text: string | undefined): number | undefined {
  if (!text) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}
