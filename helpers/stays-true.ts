/**
 * "Stays true": after the flow ended green, nothing it produced may move for a window — the verdict Argo CD's e2e
 * framework calls `ExpectConsistently`. This file decides, object by object, whether a state seen during the window
 * is a movement away from the flow's end state, and words each movement as what moved, when and why (the
 * Kubernetes Events on the moved object). Pure: the watching is fixtures/stays-true.ts.
 */
import { readRevision } from './conditions.ts';
import { formatDuration } from './durations.ts';
import { revisionIsCommit } from './git-revision.ts';

/** The raw object shape the checks read. */
export interface KubeLike {
  kind?: string;
  metadata: {
    name?: string;
    namespace?: string;
    ownerReferences?: Array<{ kind: string; name: string }>;
    [k: string]: unknown;
  };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- Pods, ReplicaSets and Events, read field by field
  [k: string]: any;
}

/** The end state of the flow: what must still hold through the window. */
export interface EndState {
  /** HelmRelease release number (history[0].version) the flow ended on. */
  helmVersion?: number;
  /** The commit every Kustomization applied and the branch points to. */
  commit: string;
  /** The tag the ImagePolicy must still select. */
  imagePolicyTag: string;
  /** The one workload pod the flow ended with (its containers restarted 0 times). */
  pod?: string;
}

/** One thing that moved. `at` is the client clock when it was seen (or the server's time of it, when earlier). */
export interface Movement {
  at: number;
  /** `Pod foundry-system/foundry-abc`, the object that moved. */
  subject: string;
  what: string;
  /** The Kubernetes Events on the object (or its owner), oldest first: the why. */
  why: string[];
}

/** `Kind ns/name`. */
export function subjectOf(obj: KubeLike): string {
  return `${obj.kind ?? 'object'} ${obj.metadata.namespace ?? ''}/${obj.metadata.name ?? '?'}`.replace(' /', ' ');
}

function restarts(pod: KubeLike): Array<{ container: string; count: number; last?: string; finishedAt?: string }> {
  return (
    (pod.status?.containerStatuses ?? []) as Array<{
      name: string;
      restartCount?: number;
      lastState?: { terminated?: { reason?: string; exitCode?: number; finishedAt?: string } };
    }>
  ).map((c) => {
    const t = c.lastState?.terminated;
    return {
      container: c.name,
      count: c.restartCount ?? 0,
      ...(t ? { last: `${t.reason ?? 'terminated'}, exit code ${t.exitCode ?? '?'}`, finishedAt: t.finishedAt } : {}),
    };
  });
}

/**
 * The state of one watched object, compared with the end state and with what the window began with (`known`:
 * restart counts of pods and names of ReplicaSets at the start). Returns what moved, in words, or undefined.
 */
export function movedFrom(
  end: EndState,
  obj: KubeLike,
  known: { podRestarts: ReadonlyMap<string, number>; replicaSets: ReadonlySet<string> },
  deleted = false,
): string | undefined {
  const name = obj.metadata.name ?? '';
  switch (obj.kind) {
    case 'HelmRelease': {
      if (deleted) return 'deleted';
      const version = Number(readRevision(obj).value);
      if (end.helmVersion !== undefined && Number.isFinite(version) && version !== end.helmVersion)
        return `new Helm release v${version} (the flow ended on v${end.helmVersion})`;
      return undefined;
    }
    case 'Kustomization': {
      if (deleted) return 'deleted';
      const revision = readRevision(obj).value as string | undefined;
      return revisionIsCommit(revision, end.commit)
        ? undefined
        : `lastAppliedRevision is ${revision ?? 'unset'}, the flow ended on ${end.commit.slice(0, 12)}`;
    }
    case 'ImagePolicy': {
      if (deleted) return 'deleted';
      const tag = readRevision(obj).value as string | undefined;
      return tag === end.imagePolicyTag ? undefined : `selects ${tag ?? 'no tag'}, expected ${end.imagePolicyTag}`;
    }
    case 'ReplicaSet':
      if (deleted || known.replicaSets.has(name)) return undefined;
      return `new ReplicaSet (a second rollout of ${obj.metadata.ownerReferences?.[0]?.name ?? 'its owner'})`;
    case 'Pod': {
      if (deleted) return end.pod === undefined || name === end.pod ? 'deleted' : undefined;
      const baseline = known.podRestarts.get(name) ?? (end.pod === undefined || name === end.pod ? 0 : undefined);
      if (baseline === undefined) return 'new pod';
      const rs = restarts(obj);
      const total = rs.reduce((n, c) => n + c.count, 0);
      if (total <= baseline) return undefined;
      return rs
        .filter((c) => c.count > 0)
        .map(
          (c) =>
            `container ${c.container} restarted (restartCount ${c.count}${c.last ? `; last state ${c.last}` : ''}${c.finishedAt ? ` at ${c.finishedAt}` : ''})`,
        )
        .join('; ');
    }
    default:
      return undefined;
  }
}

/** A core/v1 Event in one line: `Warning BackOff on Pod ns/x: Back-off restarting failed container`. */
export function describeEvent(event: KubeLike): string {
  const o = event.involvedObject ?? event.regarding ?? {};
  return `${event.type ?? 'Normal'} ${event.reason ?? '?'} on ${o.kind ?? '?'} ${o.namespace ? `${o.namespace}/` : ''}${o.name ?? '?'}: ${event.message ?? event.note ?? ''}`.trim();
}

/** Whether an Event is about the subject or its owner (a ReplicaSet's Deployment, a Pod's ReplicaSet). */
export function eventConcerns(event: KubeLike, obj: KubeLike): boolean {
  const o = event.involvedObject ?? event.regarding ?? {};
  if (o.namespace && obj.metadata.namespace && o.namespace !== obj.metadata.namespace) return false;
  const names = new Set([obj.metadata.name, ...(obj.metadata.ownerReferences ?? []).map((r) => r.name)]);
  return names.has(o.name);
}

/** What a Warning event movement's `what` starts with. */
export const WARNING_EVENT = 'Warning event';

/**
 * Movements in the order the verdict lists them: state changes (a restart, a new release) before the Warning events
 * that accompany them, each by time — the first line names what moved, not its symptom.
 */
export function orderMovements(movements: readonly Movement[]): Movement[] {
  const rank = (m: Movement) => (m.what.startsWith(WARNING_EVENT) ? 1 : 0);
  return [...movements].sort((a, b) => rank(a) - rank(b) || a.at - b.at);
}

/** The failure message: every movement with its time in the window and its why. */
export function formatMovements(movements: readonly Movement[], windowStart: number, windowMs: number): string {
  const lines = movements.map((m) => {
    const offset = m.at - windowStart;
    const when = offset < 0 ? `${formatDuration(-offset)} before the window began` : `at +${formatDuration(offset)}`;
    const why = m.why.length ? ` — why: ${m.why.join(' | ')}` : ' — no event explains it';
    return `${when}: ${m.subject} ${m.what}${why}`;
  });
  return `${movements.length} movement${movements.length === 1 ? '' : 's'} in the ${formatDuration(windowMs)} stays-true window:\n${lines.join('\n')}`;
}
