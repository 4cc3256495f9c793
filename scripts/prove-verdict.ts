/**
 * Reading one prove run: the first test that failed (by start time) in Playwright's JSON report, and whether that is
 * the case's expected catch — the right test, the right words, and on the event rather than after a timeout.
 */
import { stripVTControlCharacters } from 'node:util';
import { phaseOfFile } from '../fixtures/phase-gate.ts';
import type { ProveCase } from './prove-cases.ts';

/** The failing test that started first. */
export interface FirstFailure {
  title: string;
  /** The phase, from the spec file (fixtures/phase-gate.ts): `04-upgrade`, `teardown`. */
  phase: string;
  message: string;
  durationMs: number;
  /** Failed by a timeout (a wait's or Playwright's), not by what the cluster announced. */
  timedOut: boolean;
}

/** One row of the matrix. */
export interface CaseVerdict {
  name: string;
  criterion: string;
  expectedTest?: string;
  failedTest?: string;
  message?: string;
  verdict: 'caught' | 'missed' | 'late' | 'misnamed' | 'healthy' | 'healthy run failed' | 'no report';
  ok: boolean;
  wallMs: number;
  detail?: string;
}

interface JsonResult {
  status?: string;
  startTime?: string;
  duration?: number;
  errors?: Array<{ message?: string }>;
  error?: { message?: string };
}
interface JsonTest {
  projectName?: string;
  status?: string;
  results?: JsonResult[];
}
interface JsonSpec {
  title: string;
  file?: string;
  tests?: JsonTest[];
}
interface JsonSuite {
  title?: string;
  file?: string;
  specs?: JsonSpec[];
  suites?: JsonSuite[];
}

const TIMEOUT = /Timed out after|Test timeout of \d+ms exceeded|timeout of \d+ms/i;

/** Every spec with the spec file it runs in (its top suite's: a helper may declare tests for the spec calling it). */
function* specs(
  suites: readonly JsonSuite[] = [],
  file?: string,
): Generator<{ spec: JsonSpec; file: string | undefined }> {
  for (const s of suites) {
    for (const spec of s.specs ?? []) yield { spec, file: file ?? s.file ?? spec.file };
    yield* specs(s.suites, file ?? s.file);
  }
}

/** The failed test that started first, or undefined when none failed. */
export function firstFailure(report: unknown): FirstFailure | undefined {
  const failures: Array<FirstFailure & { startedAt: number }> = [];
  for (const { spec, file } of specs((report as { suites?: JsonSuite[] } | undefined)?.suites)) {
    for (const t of spec.tests ?? []) {
      if (t.status !== 'unexpected') continue;
      const r = (t.results ?? []).find((x) => x.status === 'failed' || x.status === 'timedOut') ?? t.results?.[0];
      if (!r) continue;
      // Playwright colours its messages; the matrix wants the words.
      const message = stripVTControlCharacters(r.errors?.[0]?.message ?? r.error?.message ?? '');
      failures.push({
        title: spec.title,
        phase: file ? phaseOfFile(file) : (t.projectName ?? ''),
        message: message
          .split('\n')
          .filter((l) => l.trim())
          .slice(0, 2)
          .join(' '),
        durationMs: r.duration ?? 0,
        timedOut: r.status === 'timedOut' || TIMEOUT.test(message),
        startedAt: Date.parse(r.startTime ?? '') || 0,
      });
    }
  }
  failures.sort((a, b) => a.startedAt - b.startedAt);
  const first = failures[0];
  if (!first) return undefined;
  const { startedAt: _ignored, ...rest } = first;
  return rest;
}

/** The verdict of a case from what its run produced. Pure. */
export function verdictOf(
  c: ProveCase,
  run: {
    exitCode: number;
    report: unknown;
    wallMs: number;
    firstFailure: FirstFailure | undefined;
    consoleTail: string;
  },
): CaseVerdict {
  const base = {
    name: c.name,
    criterion: c.criterion,
    wallMs: run.wallMs,
    ...(c.expect ? { expectedTest: c.expect.test } : {}),
  };
  const f = run.firstFailure;
  const seen = f ? { failedTest: `${f.phase}: ${f.title}`, message: f.message } : {};
  if (!run.report)
    return {
      ...base,
      verdict: 'no report',
      ok: false,
      detail: `playwright exited ${run.exitCode} without a JSON report: ${run.consoleTail}`,
    };
  if (!c.expect) {
    const ok = !f && run.exitCode === 0;
    return {
      ...base,
      ...seen,
      verdict: ok ? 'healthy' : 'healthy run failed',
      ok,
      ...(ok || f ? {} : { detail: `exit code ${run.exitCode}` }),
    };
  }
  if (!f) return { ...base, verdict: 'missed', ok: false, detail: 'every test passed' };
  if (!f.title.startsWith(c.expect.test))
    return { ...base, ...seen, verdict: 'misnamed', ok: false, detail: `expected "${c.expect.test}" to fail first` };
  if (f.timedOut)
    return { ...base, ...seen, verdict: 'late', ok: false, detail: 'failed by a timeout, not by the event' };
  if (!c.expect.message.test(f.message))
    return { ...base, ...seen, verdict: 'misnamed', ok: false, detail: `message does not match ${c.expect.message}` };
  return { ...base, ...seen, verdict: 'caught', ok: true };
}
