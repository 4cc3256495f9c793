/**
 * The run's evaluated budgets in a machine-readable file, `reports/run/timing.json`: written by the teardown
 * ({@link import('../fixtures/timing-summary.ts').publishTimingSummary}), read by the summary reporter
 * (reporters/summary-reporter.ts) and by `npm run report` for the budget metrics and trend. Versioned, so a reader
 * of an older or newer file says so in one line instead of misreading it.
 */
import { z } from 'zod';
import { PLAN_BUDGETS, type BudgetRow } from './budgets.ts';

export const TIMING_SCHEMA_VERSION = 1;

const row = z.object({
  /** The plan budget's id (`gitopsFlow`), when the row is one of the plan's seven. */
  id: z.string().optional(),
  name: z.string(),
  from: z.string(),
  to: z.string(),
  measuredMs: z.number().optional(),
  limitMs: z.number(),
  mode: z.enum(['assert', 'report']),
  ok: z.boolean(),
  message: z.string(),
  subtractedMs: z.number().optional(),
  missing: z.array(z.string()),
});

const section = z.object({
  title: z.string(),
  rows: z.array(row),
  /** Checkpoint name → epoch ms, as the timeline recorded them. */
  checkpoints: z.record(z.string(), z.number()),
});

const record = z.object({
  schemaVersion: z.literal(TIMING_SCHEMA_VERSION),
  runId: z.string(),
  writtenAt: z.string(),
  sections: z.array(section),
});

export type TimingRow = z.infer<typeof row>;
export type TimingSection = z.infer<typeof section>;
export type TimingRecord = z.infer<typeof record>;

/** What the teardown evaluated: one section per scope (the upgrade, the rollback). */
export interface EvaluatedSection {
  title: string;
  rows: readonly BudgetRow[];
  checkpoints: Readonly<Record<string, number>>;
}

/** Builds the file's content; each row gets the plan budget id whose checkpoints it measures. */
export function timingRecord(runId: string, sections: readonly EvaluatedSection[], now = new Date()): TimingRecord {
  return {
    schemaVersion: TIMING_SCHEMA_VERSION,
    runId,
    writtenAt: now.toISOString(),
    sections: sections.map((s) => ({
      title: s.title,
      checkpoints: { ...s.checkpoints },
      rows: s.rows.map((r) => {
        const id = PLAN_BUDGETS.find((b) => b.from === r.from && b.to === r.to && b.name === r.name)?.id;
        return { ...(id ? { id } : {}), ...r, missing: [...r.missing] };
      }),
    })),
  };
}

/** Parses timing.json text; throws one line naming the file and the first problem. */
export function parseTimingRecord(text: string, file = 'timing.json'): TimingRecord {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new Error(`${file}: not JSON (${(err as Error).message})`);
  }
  const version = (json as { schemaVersion?: unknown } | null)?.schemaVersion;
  if (version !== TIMING_SCHEMA_VERSION)
    throw new Error(
      `${file}: schemaVersion ${JSON.stringify(version)}, this reader understands ${TIMING_SCHEMA_VERSION}`,
    );
  const parsed = record.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`${file}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return parsed.data;
}
