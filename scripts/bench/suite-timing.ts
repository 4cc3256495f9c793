/**
 * Where a plan run's time goes before and between phases, read from the run itself: the sandbox's request timeline
 * (requests.json `timeline`: every request with its time and whole User-Agent) against the moment the bench started
 * `npx playwright test`, and each phase's dates from reports/summary.json.
 *
 * - start-up: from the spawn of `npx playwright test` to the suite's first API request (any suite client);
 * - phase-to-phase overhead: for each phase after the first, from the previous phase's last test end to the moment
 *   the phase's own code begins (`bodyStartedAt`: its first test's fixtures set up), split at the phase's first test
 *   start: before it, the runner hands the worker the next spec file (a new worker only after a failure: process,
 *   config, spec imports); after it, the fixtures set up. Beside it, the time to the first request the phase makes
 *   (kubectl included; the runner's run observer and helm-controller excluded: they are not the phase's worker),
 *   the measure before `bodyStartedAt` existed, which also counts the phase's own work before that request. A
 *   phase's requests are the ones from its first test start on.
 */
import type { TimelineEntry } from 'gitops-sandbox/apiserver/request-log';

/** A phase as summary.json dates it. */
export interface DatedPhase {
  name: string;
  startedAt?: string;
  endedAt?: string;
  /** When the phase's first test's own code began, its fixtures set up. */
  bodyStartedAt?: string;
}

export interface PhaseGap {
  /** `previous → next` phase names. */
  between: string;
  ms: number;
  /** Of `ms`: from the previous phase's end to the next one's first test start (the runner and the worker between tests). */
  workerMs: number;
  /** From the previous phase's end to the next one's first API request (its set-up and, past `ms`, its own work). */
  toRequestMs: number;
}

export interface SuiteTiming {
  startupMs?: number;
  gaps: PhaseGap[];
  overheadMs: number;
}

/** A request the suite or a tool it runs made: everything but helm-controller (the sandbox running helm). */
export function isSuiteRequest(agent: string): boolean {
  return !agent.startsWith('helm/');
}

/** A request a phase's worker made (the runner's run observer watches the whole run). */
export function isPhaseRequest(agent: string): boolean {
  return isSuiteRequest(agent) && !agent.includes('(run-observer)');
}

/** Start-up and the gaps between consecutive phases that ran, in plan order. */
export function suiteTiming(
  spawnedAt: number,
  timeline: readonly TimelineEntry[],
  phases: readonly DatedPhase[],
): SuiteTiming {
  const sorted = [...timeline].sort((a, b) => a.ts - b.ts);
  const first = sorted.find((e) => isSuiteRequest(e.agent) && e.ts >= spawnedAt);
  const ran = phases.filter((p) => p.startedAt && p.endedAt);
  const gaps: PhaseGap[] = [];
  for (let i = 1; i < ran.length; i++) {
    const previousEnd = Date.parse(ran[i - 1]!.endedAt!);
    const start = Date.parse(ran[i]!.startedAt!);
    const request = sorted.find(
      (e) => isPhaseRequest(e.agent) && e.ts >= start && e.ts <= Date.parse(ran[i]!.endedAt!),
    );
    // A phase that made no request at all (nothing to do) is timed to its own first test start instead.
    const firstRequest = request?.ts ?? start;
    // The change ends where the phase's own code begins; without that date, at its first request (the older measure,
    // which also counts the phase's own work before it: a rollback served from the run journal asks nothing for 14 s).
    const body = ran[i]!.bodyStartedAt ? Date.parse(ran[i]!.bodyStartedAt!) : undefined;
    const at = body ?? firstRequest;
    gaps.push({
      between: `${ran[i - 1]!.name} → ${ran[i]!.name}`,
      ms: Math.max(0, at - previousEnd),
      workerMs: Math.max(0, start - previousEnd),
      toRequestMs: Math.max(0, firstRequest - previousEnd),
    });
  }
  return {
    ...(first ? { startupMs: first.ts - spawnedAt } : {}),
    gaps,
    overheadMs: gaps.reduce((n, g) => n + g.ms, 0),
  };
}
