/**
 * A new foundry pod that cannot become Ready: a container waiting for a reason kubelet only reports on failure
 * (CrashLoopBackOff, ImagePullBackOff, ErrImagePull, CreateContainerConfigError…), a container that exited with a
 * non-zero code, or one that restarted. The plan allows none of these ("no pod crashes or restarts"), so a wait
 * for the pod swap fails on the first one, quoting kubelet's words, instead of waiting out Helm's timeout.
 *
 * Reasons as kubelet writes them: kubernetes `pkg/kubelet/images/types.go` (ErrImagePull, ImagePullBackOff…),
 * `pkg/kubelet/container/sync_result.go` (CrashLoopBackOff, CreateContainerConfigError, RunContainerError).
 */
import type { PodSnapshot } from './pod-lifecycle.ts';

/** Waiting reasons that mean the container failed (ContainerCreating / PodInitializing are normal). */
const FAILED_WAITING = new Set([
  'CrashLoopBackOff',
  'ImagePullBackOff',
  'ErrImagePull',
  'CreateContainerConfigError',
  'CreateContainerError',
  'RunContainerError',
  'InvalidImageName',
  'ErrImageNeverPull',
]);

/** What failed, for one pod. */
export interface PodFailure {
  pod: string;
  container: string;
  /** `CrashLoopBackOff`, `Error (exit 1)`, `restarted 1×`. */
  what: string;
  /** kubelet's message, when it gave one. */
  message?: string;
  /** True when the container exited (its log tells why): read the previous instance's log. */
  exited: boolean;
}

/** The first failure of the pod's containers, or undefined. Pure. */
export function podFailure(pod: PodSnapshot): PodFailure | undefined {
  for (const c of pod.containerStatuses ?? []) {
    const waiting = c.state?.waiting;
    const terminated = c.state?.terminated ?? c.lastState?.terminated;
    const exitedBadly = terminated !== undefined && (terminated.exitCode ?? 0) !== 0;
    if (waiting && FAILED_WAITING.has(waiting.reason ?? '')) {
      const exit = exitedBadly ? `; last exit ${terminated!.exitCode} (${terminated!.reason ?? 'Error'})` : '';
      return {
        pod: pod.name,
        container: c.name,
        what: `${waiting.reason}${exit}`,
        ...(waiting.message ? { message: waiting.message } : {}),
        exited: exitedBadly,
      };
    }
    if (exitedBadly) {
      return {
        pod: pod.name,
        container: c.name,
        what: `exited ${terminated!.exitCode} (${terminated!.reason ?? 'Error'})`,
        ...(terminated!.message ? { message: terminated!.message } : {}),
        exited: true,
      };
    }
    if ((c.restartCount ?? 0) > 0)
      return { pod: pod.name, container: c.name, what: `restarted ${c.restartCount}×`, exited: true };
  }
  return undefined;
}

/** One line: `new pod x: container foundry CrashLoopBackOff; last exit 1 (Error) — <message> — log: <lines>`. */
export function describePodFailure(f: PodFailure, logTail: readonly string[] = []): string {
  const log = logTail.map((l) => l.trim()).filter(Boolean);
  return [
    `new pod ${f.pod}: container ${f.container} ${f.what}`,
    f.message,
    log.length ? `log: ${log.join(' | ')}` : undefined,
  ]
    .filter(Boolean)
    .join(' — ');
}
