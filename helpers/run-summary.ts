/**
 * The run summary CI posts and dashboards read: `reports/summary.md` and `reports/summary.json` (versioned). Pure:
 * the summary reporter (reporters/summary-reporter.ts) gathers the tests' outcomes, the timing record and the run's
 * environment, and this file turns them into the verdict per phase, the budgets table (measured vs limit with the
 * result), the first failure with its criterion, and the target, run id and Flux line.
 */
import type { BudgetRow } from './budgets.ts';
import { formatDuration } from './durations.ts';
import type { TimingRecord } from './timing-record.ts';
import { budgetTableMarkdown } from './timing-table.ts';

export const SUMMARY_SCHEMA_VERSION = 1;

export type TestStatus = 'passed' | 'failed' | 'timedOut' | 'skipped' | 'interrupted';
export type PhaseVerdict = 'passed' | 'failed' | 'did not run';

/** One test's outcome, as the reporter saw it. */
export interface TestOutcome {
  phase: string;
  title: string;
  status: TestStatus;
  durationMs: number;
  /** The innermost failing step's title (a criterion in the plan's words), when a step failed. */
  criterion?: string;
  /** The first error's message, first lines only. */
  message?: string;
  /** When the test began (epoch ms); absent for a test that did not run. */
  startedAt?: number;
  /** When its own code began, after its fixtures and hooks set up (epoch ms); absent when it did not get there. */
  bodyStartedAt?: number;
}

export interface BudgetResult {
  section: string;
  id?: string;
  name: string;
  measuredMs?: number;
  limitMs: number;
  mode: 'assert' | 'report';
  result: 'within budget' | 'exceeded' | 'over (report only)' | 'not measured';
  message: string;
  /** Fleet runs: the member whose budget this is. */
  member?: string;
}

/** Fleet runs: one member's target and outcome. */
export interface MemberSummary {
  name: string;
  target: string;
  runId: string;
  fluxLine: string;
  verdict: 'passed' | 'failed';
}

export interface RunSummary {
  schemaVersion: typeof SUMMARY_SCHEMA_VERSION;
  verdict: 'passed' | 'failed';
  runId: string;
  target: string;
  fluxLine: string;
  startedAt: string;
  durationMs: number;
  /**
   * `startedAt`/`endedAt` (ISO): the first test's start and the last test's end, when the phase ran; `bodyStartedAt`:
   * when the first test's own code began, its fixtures set up (what a phase change costs ends there).
   */
  phases: Array<{
    name: string;
    verdict: PhaseVerdict;
    tests: number;
    failed: number;
    durationMs: number;
    startedAt?: string;
    endedAt?: string;
    bodyStartedAt?: string;
  }>;
  /** Every budget; in a fleet run every member's, each with its `member`. */
  budgets: BudgetResult[];
  /** Fleet runs: every member, in the fleet file's order. */
  members?: MemberSummary[];
  firstFailure?: { phase: string; test: string; criterion: string; message: string };
  /** Problems outside tests (global setup, a missing timing record), one line each. */
  errors: string[];
}

export interface SummaryInput {
  /** Playwright's overall status. */
  status: 'passed' | 'failed' | 'timedout' | 'interrupted';
  startedAt: Date;
  durationMs: number;
  /** Phase names in plan order (`<member>:<phase>` in a fleet); phases with no outcome are listed as "did not run". */
  phases: readonly string[];
  tests: readonly TestOutcome[];
  timing?: TimingRecord;
  environment: Readonly<Record<string, string>>;
  errors: readonly string[];
  /**
   * Fleet runs: each member's timing record and environment (`timing` and `environment` above are then unused).
   * A member's phases are the ones named `<member>:<phase>`.
   */
  members?: ReadonlyArray<{ name: string; timing?: TimingRecord; environment: Readonly<Record<string, string>> }>;
}

const FAILED: ReadonlySet<TestStatus> = new Set(['failed', 'timedOut', 'interrupted']);

/** Builds the summary; the verdict is failed when Playwright's was, or any test failed. */
export function buildRunSummary(input: SummaryInput): RunSummary {
  const phases = input.phases.map((name) => {
    const tests = input.tests.filter((t) => t.phase === name);
    const failed = tests.filter((t) => FAILED.has(t.status)).length;
    const ran = tests.some((t) => t.status !== 'skipped');
    const verdict: PhaseVerdict = failed > 0 ? 'failed' : ran ? 'passed' : 'did not run';
    const started = tests.filter((t) => t.startedAt !== undefined && t.status !== 'skipped');
    const times =
      started.length > 0
        ? {
            startedAt: iso(Math.min(...started.map((t) => t.startedAt!))),
            endedAt: iso(Math.max(...started.map((t) => t.startedAt! + t.durationMs))),
          }
        : {};
    const firstBody = [...started].sort((a, b) => a.startedAt! - b.startedAt!)[0]?.bodyStartedAt;
    return {
      name,
      verdict,
      tests: tests.length,
      failed,
      durationMs: tests.reduce((sum, t) => sum + t.durationMs, 0),
      ...times,
      ...(firstBody === undefined ? {} : { bodyStartedAt: iso(firstBody) }),
    };
  });
  const first = input.phases.flatMap((p) => input.tests.filter((t) => t.phase === p && FAILED.has(t.status)))[0];
  const failed = input.status !== 'passed' || phases.some((p) => p.verdict === 'failed');
  const members = input.members?.map((m): MemberSummary => {
    const own = phases.filter((p) => p.name.startsWith(`${m.name}:`));
    return {
      name: m.name,
      target: m.environment.Target ?? 'unknown',
      runId: m.environment['Run id'] ?? m.timing?.runId ?? 'unknown',
      fluxLine: fluxLine(m.environment),
      verdict:
        own.some((p) => p.verdict === 'failed') || own.every((p) => p.verdict === 'did not run') ? 'failed' : 'passed',
    };
  });
  const budgets = input.members
    ? input.members.flatMap((m) =>
        (m.timing?.sections ?? []).flatMap((s) => s.rows.map((r) => ({ ...budgetResult(s.title, r), member: m.name }))),
      )
    : (input.timing?.sections ?? []).flatMap((s) => s.rows.map((r) => budgetResult(s.title, r)));
  const environment = input.members?.[0]?.environment ?? input.environment;
  return {
    schemaVersion: SUMMARY_SCHEMA_VERSION,
    verdict: failed ? 'failed' : 'passed',
    runId: environment['Run id'] ?? (input.members?.[0]?.timing ?? input.timing)?.runId ?? 'unknown',
    target: members ? members.map((m) => `${m.name}: ${m.target}`).join(', ') : (input.environment.Target ?? 'unknown'),
    fluxLine: members ? [...new Set(members.map((m) => m.fluxLine))].join('; ') : fluxLine(input.environment),
    startedAt: input.startedAt.toISOString(),
    durationMs: input.durationMs,
    phases,
    budgets,
    ...(members ? { members } : {}),
    ...(first
      ? {
          firstFailure: {
            phase: first.phase,
            test: first.title,
            criterion: first.criterion ?? first.title,
            message: first.message ?? first.status,
          },
        }
      : {}),
    errors: [...input.errors],
  };
}

const iso = (ms: number) => new Date(ms).toISOString();

function budgetResult(section: string, row: TimingRecord['sections'][number]['rows'][number]): BudgetResult {
  const result: BudgetResult['result'] =
    row.measuredMs === undefined
      ? 'not measured'
      : row.ok
        ? 'within budget'
        : row.mode === 'report'
          ? 'over (report only)'
          : 'exceeded';
  return {
    section,
    ...(row.id ? { id: row.id } : {}),
    name: row.name,
    ...(row.measuredMs === undefined ? {} : { measuredMs: row.measuredMs }),
    limitMs: row.limitMs,
    mode: row.mode,
    result,
    message: row.message,
  };
}

/**
 * The Flux line from the controllers' versions: Flux 2.N ships source-controller v1.N (since Flux 2.2), e.g.
 * `source-controller v1.6.2` → `2.6`. Falls back to what the environment says.
 */
export function fluxLine(environment: Readonly<Record<string, string>>): string {
  const controllers = environment['Flux controllers'] ?? '';
  const m = controllers.match(/source-controller v1\.(\d+)\.\d+/);
  const apis = environment['Flux APIs']?.match(/ImagePolicy (\S+)/)?.[1];
  const detail = [
    m ? `source-controller v1.${m[1]}` : undefined,
    apis ? `image APIs ${apis.replace(/,$/, '').split('/').pop()}` : undefined,
  ]
    .filter(Boolean)
    .join(', ');
  if (m) return `${'2.' + m[1]}${detail ? ` (${detail})` : ''}`;
  return controllers || 'unknown';
}

const ICON: Record<PhaseVerdict, string> = {
  passed: '✅ passed',
  failed: '❌ failed',
  'did not run': '⏭️ did not run',
};

/** The Markdown summary: verdict line, facts, phases, budgets (same table as the teardown's), first failure. */
export function runSummaryMarkdown(summary: RunSummary, timing?: TimingRecord): string {
  const verdict = summary.verdict === 'passed' ? '✅ **passed**' : '❌ **failed**';
  const lines = [
    `## GitOps e2e — ${verdict}`,
    '',
    `- **Target:** ${summary.target}`,
    `- **Run id:** \`${summary.runId}\``,
    `- **Flux line:** ${summary.fluxLine}`,
    `- **Started:** ${summary.startedAt}, took ${formatDuration(summary.durationMs)}`,
    '',
    '### Phases',
    '',
    '| Phase | Verdict | Tests | Time |',
    '| --- | --- | ---: | ---: |',
    ...summary.phases.map((p) => `| ${p.name} | ${ICON[p.verdict]} | ${p.tests} | ${formatDuration(p.durationMs)} |`),
    '',
  ];
  if (summary.firstFailure) {
    const f = summary.firstFailure;
    lines.push(
      '### First failure',
      '',
      `**${f.phase}** — ${f.test}`,
      '',
      `Criterion: ${f.criterion}`,
      '',
      '```',
      f.message,
      '```',
      '',
    );
  }
  lines.push('### Budgets', '');
  if (summary.members) {
    lines.push(...fleetBudgets(summary));
  } else if (timing && timing.sections.length > 0) {
    for (const s of timing.sections) lines.push(`#### ${s.title}`, '', budgetTableMarkdown(s.rows as BudgetRow[]));
  } else {
    lines.push('No timing record: the teardown did not write `reports/run/timing.json`.', '');
  }
  if (summary.errors.length > 0) lines.push('### Errors outside tests', '', ...summary.errors.map((e) => `- ${e}`), '');
  return lines.join('\n');
}

/** Fleet runs: one table per section with a column per member, side by side; a member without a record says so. */
function fleetBudgets(summary: RunSummary): string[] {
  const members = summary.members ?? [];
  const lines = [
    `| Member | ${members.map((m) => m.name).join(' | ')} |`,
    `| --- | ${members.map(() => '---').join(' | ')} |`,
  ];
  lines.push(`| Verdict | ${members.map((m) => (m.verdict === 'passed' ? '✅ passed' : '❌ failed')).join(' | ')} |`);
  lines.push(
    `| Target | ${members.map((m) => m.target.replaceAll('|', '\\|')).join(' | ')} |`,
    `| Flux line | ${members.map((m) => m.fluxLine).join(' | ')} |`,
    '',
  );
  const missing = members.filter((m) => !summary.budgets.some((b) => b.member === m.name));
  const sections = [...new Set(summary.budgets.map((b) => b.section))];
  for (const section of sections) {
    const rows = summary.budgets.filter((b) => b.section === section);
    const names = [...new Set(rows.map((b) => b.name))];
    const matrix = names.map((name) => ({
      name,
      cells: members.map((m) => rows.find((b) => b.name === name && b.member === m.name)),
    }));
    lines.push(
      `#### ${section}`,
      '',
      budgetMatrixMarkdown(
        matrix,
        members.map((m) => m.name),
      ),
    );
  }
  for (const m of missing)
    lines.push(
      `- ${m.name}: no timing record (the teardown did not write \`reports/fleet/${m.name}/run/timing.json\`).`,
    );
  if (missing.length > 0) lines.push('');
  return lines;
}

const CELL: Record<BudgetResult['result'], string> = {
  'within budget': '✅',
  exceeded: '❌',
  'over (report only)': '⚠️',
  'not measured': '❔',
};

/**
 * | Budget | Limit | member… | with the measured value and a symbol per cell, then the notes of every cell that is
 * off. Members whose profiles set different limits for a budget get theirs in the cell (`3.1s ✅ of 5s`).
 */
export function budgetMatrixMarkdown(
  rows: ReadonlyArray<{ name: string; cells: ReadonlyArray<BudgetResult | undefined> }>,
  columns: readonly string[],
): string {
  const esc = (text: string) => text.replaceAll('|', '\\|').replace(/\r?\n/g, ' ');
  const line = (r: (typeof rows)[number]) => {
    const limits = [...new Set(r.cells.filter((b): b is BudgetResult => !!b).map((b) => b.limitMs))];
    const cell = (b: BudgetResult | undefined) =>
      b
        ? `${b.measuredMs === undefined ? '—' : formatDuration(b.measuredMs)} ${CELL[b.result]}${limits.length > 1 ? ` of ${formatDuration(b.limitMs)}` : ''}`
        : '·';
    return `| ${esc(r.name)} | ${limits.length === 1 ? formatDuration(limits[0]!) : 'per member'} | ${r.cells.map(cell).join(' | ')} |`;
  };
  const lines = [
    `| Budget | Limit | ${columns.map(esc).join(' | ')} |`,
    `| --- | ---: | ${columns.map(() => '---:').join(' | ')} |`,
    ...rows.map(line),
  ];
  const notes = rows.flatMap((r) =>
    r.cells
      .filter((b): b is BudgetResult => !!b && b.result !== 'within budget')
      .map((b) => `- ${b.member ? `${b.member}: ` : ''}${esc(b.message)}`),
  );
  return [...lines, ...(notes.length > 0 ? ['', ...notes] : [])].join('\n') + '\n';
}
