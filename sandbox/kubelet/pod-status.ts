/**
 * The pod status the kubelet reports (kubelet_pods.go `generateAPIPodStatus`/`getPhase`, status manager):
 * phase from the container states, the conditions PodReadyToStartContainers, Initialized, Ready,
 * ContainersReady and PodScheduled (lastTransitionTime kept while a status does not change), IPs, startTime,
 * and init/app container statuses. Pure: the pod worker feeds in what its runners report.
 */
import type { KubeObject } from '../kube/types.ts';
import type { Json } from '../kube/json.ts';

/** What the worker knows about the pod right now. */
export interface PodStatusInput {
  pod: KubeObject;
  now: string;
  hostIP: string;
  podIP?: string;
  startTime: string;
  sandboxReady: boolean;
  initStatuses: Json[];
  /** All init containers completed. */
  initialized: boolean;
  containerStatuses: Json[];
  /** Set once the pod is finished (terminating pods whose containers all stopped). */
  terminalPhase?: 'Succeeded' | 'Failed';
}

/** `getPhase` for the app containers. */
export function podPhase(input: PodStatusInput): string {
  if (input.terminalPhase) return input.terminalPhase;
  if (!input.initialized) return 'Pending';
  let waiting = 0;
  let running = 0;
  let stopped = 0;
  let succeeded = 0;
  for (const s of input.containerStatuses) {
    if (s.state?.running) running++;
    else if (s.state?.terminated) {
      stopped++;
      if (s.state.terminated.exitCode === 0) succeeded++;
    } else if (s.lastState?.terminated) stopped++;
    else waiting++;
  }
  if (waiting > 0) return 'Pending';
  if (running > 0) return 'Running';
  if (stopped > 0) {
    const policy = input.pod.spec?.restartPolicy ?? 'Always';
    if (policy === 'Always') return 'Running';
    if (stopped === succeeded) return 'Succeeded';
    if (policy === 'Never') return 'Failed';
    return 'Running';
  }
  return 'Pending';
}

function condition(
  previous: Json[],
  type: string,
  status: boolean,
  now: string,
  reason?: string,
  message?: string,
): Json {
  const value = status ? 'True' : 'False';
  const before = previous.find((c) => c.type === type);
  return {
    type,
    status: value,
    lastProbeTime: null,
    lastTransitionTime: before?.status === value ? before.lastTransitionTime : now,
    ...(reason ? { reason } : {}),
    ...(message ? { message } : {}),
  };
}

/** The full `status` to write. */
export function buildPodStatus(input: PodStatusInput): Json {
  const previous: Json[] = input.pod.status?.conditions ?? [];
  const phase = podPhase(input);
  const unready = input.containerStatuses.filter((s) => !s.ready).map((s) => s.name);
  const incomplete = input.initStatuses.filter((s) => s.state?.terminated?.exitCode !== 0).map((s) => s.name);
  const completed = phase === 'Succeeded' || phase === 'Failed';
  const readyReason = completed ? 'PodCompleted' : unready.length ? 'ContainersNotReady' : undefined;
  const readyMessage =
    !completed && unready.length ? `containers with unready status: [${unready.join(' ')}]` : undefined;
  const allReady = !completed && unready.length === 0 && input.initialized;
  const scheduled = previous.find((c) => c.type === 'PodScheduled');
  const conditions = [
    condition(previous, 'PodReadyToStartContainers', input.sandboxReady && !completed, input.now),
    input.initialized
      ? condition(
          previous,
          'Initialized',
          true,
          input.now,
          completed && input.initStatuses.length ? 'PodCompleted' : undefined,
        )
      : condition(
          previous,
          'Initialized',
          false,
          input.now,
          'ContainersNotInitialized',
          `containers with incomplete status: [${incomplete.join(' ')}]`,
        ),
    condition(
      previous,
      'Ready',
      allReady,
      input.now,
      allReady ? undefined : readyReason,
      allReady ? undefined : readyMessage,
    ),
    condition(
      previous,
      'ContainersReady',
      allReady,
      input.now,
      allReady ? undefined : readyReason,
      allReady ? undefined : readyMessage,
    ),
    scheduled?.status === 'True' ? scheduled : condition(previous, 'PodScheduled', true, input.now),
  ];
  return {
    phase,
    conditions,
    hostIP: input.hostIP,
    hostIPs: [{ ip: input.hostIP }],
    ...(input.podIP ? { podIP: input.podIP, podIPs: [{ ip: input.podIP }] } : {}),
    startTime: input.startTime,
    ...(input.initStatuses.length ? { initContainerStatuses: input.initStatuses } : {}),
    containerStatuses: input.containerStatuses,
    qosClass: input.pod.status?.qosClass ?? 'BestEffort',
  };
}
