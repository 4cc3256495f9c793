/**
 * Playwright reporter that writes the run summary when the run ends: `reports/summary.md` and
 * `reports/summary.json` (helpers/run-summary.ts), and the run's budgets as Allure performance metrics
 * (`<allure-results>/gitops-budgets-perf.json`, helpers/budget-trend.ts) so the report's history carries them.
 * A reporter rather than a test, because only the runner knows every phase's outcome, including phases that were
 * skipped and a global setup that failed. It reads what the teardown wrote: `<runDir>/timing.json` and
 * `<runDir>/environment.json`.
 *
 * Options (playwright.config.ts): `{ outputDir, runDir, allureResults }`, absolute paths; fleet runs add
 * `members: [{ name, runDir }]` (each member's run directory), and the budgets are shown per member side by side.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import type {
  FullConfig,
  FullResult,
  Reporter,
  Suite,
  TestCase,
  TestError,
  TestResult,
  TestStep,
} from '@playwright/test/reporter';
import { budgetMetrics } from '../helpers/budget-trend.ts';
import { buildRunSummary, runSummaryMarkdown, type TestOutcome } from '../helpers/run-summary.ts';
import { PLAN_PHASES, phaseId, phaseOfFile } from '../fixtures/phase-gate.ts';
import { parseTimingRecord, type TimingRecord } from '../helpers/timing-record.ts';

export interface SummaryReporterOptions {
  outputDir: string;
  runDir: string;
  allureResults: string;
  /** Fleet runs: every member and its run directory (`runDir` is then the first member's). */
  members?: ReadonlyArray<{ name: string; runDir: string }>;
}

/** Strips ANSI colour codes and keeps the first lines of an error, which carry the expectation's message. */
function firstLines(text: string | undefined, n = 8): string | undefined {
  if (!text) return undefined;
  return stripVTControlCharacters(text).split('\n').slice(0, n).join('\n').trim();
}

/** The innermost `test.step` with an error: the criterion that failed. */
function failedStep(steps: readonly TestStep[]): TestStep | undefined {
  for (const step of steps) {
    if (step.category !== 'test.step' || !step.error) continue;
    return failedStep(step.steps) ?? step;
  }
  return undefined;
}

export default class SummaryReporter implements Reporter {
  readonly #options: SummaryReporterOptions;
  #config?: FullConfig;
  #suite?: Suite;
  readonly #errors: string[] = [];

  constructor(options: SummaryReporterOptions) {
    for (const key of ['outputDir', 'runDir', 'allureResults'] as const) {
      if (!options?.[key]) throw new Error(`summary reporter: option ${key} is required (an absolute path)`);
    }
    this.#options = options;
  }

  printsToStdio(): boolean {
    return false;
  }

  onBegin(config: FullConfig, suite: Suite): void {
    this.#config = config;
    this.#suite = suite;
    // A run killed before onEnd must not leave the previous run's verdict for CI to post.
    for (const file of ['summary.json', 'summary.md'])
      rmSync(path.join(this.#options.outputDir, file), { force: true });
  }

  onError(error: TestError): void {
    this.#errors.push(firstLines(error.message ?? error.value, 3) ?? 'unknown error');
  }

  onEnd(result: FullResult): void {
    const { outputDir, runDir, allureResults } = this.#options;
    const errors = [...this.#errors];
    const timing = this.#readTiming(path.join(runDir, 'timing.json'), errors);
    const members = this.#options.members?.map((m) => {
      const own = m.runDir === runDir ? timing : this.#readTiming(path.join(m.runDir, 'timing.json'), errors);
      return {
        name: m.name,
        ...(own ? { timing: own } : {}),
        environment: readJson(path.join(m.runDir, 'environment.json')) ?? {},
      };
    });
    const summary = buildRunSummary({
      status: result.status,
      startedAt: result.startTime,
      durationMs: result.duration,
      // Every target's phases in plan order, named as when every phase was a project (`<member>:<phase>` in a fleet).
      phases:
        this.#config?.projects.flatMap((p) => PLAN_PHASES.map((phase) => phaseId(this.#member(p.name), phase))) ?? [],
      tests:
        this.#suite
          ?.allTests()
          .map((t) => outcome(t, phaseId(this.#member(t.parent.project()?.name), phaseOfFile(specFileOf(t))))) ?? [],
      ...(timing ? { timing } : {}),
      environment: readJson(path.join(runDir, 'environment.json')) ?? {},
      errors,
      ...(members ? { members } : {}),
    });
    mkdirSync(outputDir, { recursive: true });
    writeFileSync(path.join(outputDir, 'summary.json'), JSON.stringify(summary, null, 2) + '\n');
    writeFileSync(path.join(outputDir, 'summary.md'), runSummaryMarkdown(summary, timing));
    // A fleet's budgets per member (keys carry the member), so the report's history keeps every member's trend.
    const metrics = members
      ? members.flatMap((m) => (m.timing ? budgetMetrics(m.timing, m.name) : []))
      : timing
        ? budgetMetrics(timing)
        : [];
    if (metrics.length > 0 && existsSync(allureResults)) {
      writeFileSync(path.join(allureResults, 'gitops-budgets-perf.json'), JSON.stringify(metrics, null, 2) + '\n');
    }
  }

  /** The fleet member a project runs (projects are named after them); none for a single target. */
  #member(project: string | undefined): string | undefined {
    return this.#options.members ? project : undefined;
  }

  #readTiming(file: string, errors: string[]): TimingRecord | undefined {
    if (!existsSync(file)) {
      errors.push(
        `no timing record (${path.relative(this.#options.outputDir, file)}): the teardown did not get to the timing summary`,
      );
      return undefined;
    }
    try {
      return parseTimingRecord(readFileSync(file, 'utf8'), file);
    } catch (err) {
      errors.push((err as Error).message);
      return undefined;
    }
  }
}

/** The spec file a test runs in; a test declared by a helper (the stays-true tests) belongs to the spec calling it. */
function specFileOf(test: TestCase): string {
  let suite: Suite | undefined = test.parent;
  while (suite && suite.type !== 'file') suite = suite.parent;
  return suite?.location?.file ?? test.location.file;
}

/** A test's outcome; its phase comes from its spec file (fixtures/phase-gate.ts), not its project. */
function outcome(test: TestCase, phase: string): TestOutcome {
  const last: TestResult | undefined = test.results[test.results.length - 1];
  const step = last ? failedStep(last.steps) : undefined;
  const message = firstLines(last?.errors[0]?.message ?? last?.errors[0]?.value);
  // Playwright's "Before Hooks" step holds the fixtures' and hooks' set-up: the test's own code begins at its end.
  const setUp = last?.steps.find((s) => s.category === 'hook' && s.title === 'Before Hooks');
  return {
    phase,
    title: test.title,
    status: last?.status ?? 'skipped',
    durationMs: last?.duration ?? 0,
    ...(step ? { criterion: step.title } : {}),
    ...(message ? { message } : {}),
    ...(last?.startTime && last.status !== 'skipped' ? { startedAt: last.startTime.getTime() } : {}),
    ...(setUp && !setUp.error && last?.status !== 'skipped'
      ? { bodyStartedAt: setUp.startTime.getTime() + setUp.duration }
      : {}),
  };
}

function readJson(file: string): Record<string, string> | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
  } catch {
    return undefined;
  }
}
