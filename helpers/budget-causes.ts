/**
 * Why a budget was missed, when a known Flux mechanism explains it: a scheduled scan/poll (`spec.interval`), a
 * dependency requeue (kustomize-controller `--requeue-dependency`, reason DependencyNotReady), a retry after a
 * failure (`spec.retryInterval`), or the model download inside the pod swap. Read from what the run observer
 * journaled during the budget's window; each cause names the setting that controls it.
 *
 * Upstream: kustomize-controller `internal/controller/kustomization_controller.go` (dependency check, requeue after
 * `--requeue-dependency`, default 30s), source-controller / image-reflector-controller (`spec.interval` schedules).
 */
import { formatDuration } from './durations.ts';
import type { ConditionedObject } from './conditions.ts';
import type { PlanBudgetId } from './budgets.ts';
import type { IntervalRow } from './flux-intervals.ts';

/** One journaled observation of a Flux object. */
export interface ObservedObject {
  at: number;
  object: ConditionedObject;
}

/** What the causes are read from. */
export interface CauseInput {
  id: PlanBudgetId;
  /** Client times of the budget's checkpoints. */
  from: number;
  to: number;
  /** Journaled Flux objects (any kinds), any times: only the window is read. */
  observed: readonly ObservedObject[];
  /** Live intervals recorded after the initial deploy. */
  intervals: readonly IntervalRow[];
  /** The kustomize-controller `--requeue-dependency` the profile says the cluster runs. */
  requeueDependencyMs: number;
  /** The model download's duration, when the pod log told it. */
  downloadMs?: number;
}

/** Which stages each budget spans, to know which mechanisms can bear on it. */
const STAGES: Record<PlanBudgetId, ReadonlyArray<'scan' | 'poll' | 'apply' | 'upgrade' | 'download'>> = {
  ociPushToDetection: ['scan'],
  gitPushToSync: ['poll'],
  syncToApply: ['apply'],
  applyToUpgradeStart: ['upgrade'],
  podReplacement: ['download'],
  endToEnd: ['scan', 'poll', 'apply', 'upgrade'],
  gitopsFlow: ['poll', 'apply', 'upgrade'],
  policyToAutomationCommit: [],
};

const id = (o: ConditionedObject) =>
  `${o.kind ?? 'object'} ${o.metadata?.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata?.name ?? ''}`;

/** The causes, one sentence each, most specific first. Empty when nothing known explains the time. Pure. */
export function budgetCauses(input: CauseInput): string[] {
  const stages = STAGES[input.id];
  const inWindow = input.observed.filter((o) => o.at >= input.from - 1 && o.at <= input.to + 1);
  const causes: string[] = [];
  const seen = new Set<string>();
  const add = (key: string, text: string) => {
    if (!seen.has(key)) {
      seen.add(key);
      causes.push(text);
    }
  };

  if (stages.includes('apply') || stages.includes('upgrade')) {
    for (const { object } of inWindow) {
      const ready = object.status?.conditions?.find((c) => c.type === 'Ready');
      if (ready?.status !== 'False') continue;
      if (ready.reason === 'DependencyNotReady') {
        const controller = object.kind === 'HelmRelease' ? 'helm-controller' : 'kustomize-controller';
        add(
          `dep ${id(object)}`,
          `${id(object)} waited for its dependency (DependencyNotReady: ${ready.message ?? ''}); ${controller} checks again after --requeue-dependency (${formatDuration(input.requeueDependencyMs)} per the profile's intervals.requeueDependency; upstream default 30s)`,
        );
      } else if (object.kind === 'Kustomization' || object.kind === 'HelmRelease') {
        const retry = input.intervals.find((r) => r.object === id(object) && r.field === 'retryInterval');
        add(
          `retry ${id(object)}`,
          `${id(object)} failed once (${ready.reason}: ${ready.message ?? ''}) and was retried${retry ? ` after spec.retryInterval ${retry.live}` : ''}`,
        );
      }
    }
  }
  const schedule = (kind: string, what: string) => {
    const r = input.intervals.find((row) => row.object.startsWith(`${kind} `) && row.field === 'interval');
    if (r?.liveMs !== undefined)
      add(
        `poll ${kind}`,
        `${r.object} ${what} every ${formatDuration(r.liveMs)} (spec.interval): without a webhook the change waits for the next scheduled reconcile`,
      );
  };
  if (stages.includes('scan')) schedule('ImageRepository', 'scans the registry');
  if (stages.includes('poll')) schedule('GitRepository', 'polls git');
  if (stages.includes('download') && input.downloadMs !== undefined) {
    add(
      'download',
      `the new pod downloaded its models for ${formatDuration(input.downloadMs)} (pod log) inside this window`,
    );
  }
  return causes;
}
