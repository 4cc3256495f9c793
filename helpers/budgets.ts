/**
 * Timing budgets: named checkpoints (epoch ms, recorded by the timeline fixture) are turned into measured
 * intervals and compared with limits. Each result row carries a sentence for reports and assertion messages,
 * e.g. `OCI push → ImageRepository detection took 8.4s, budget 7s (exceeded by 1.4s)`.
 *
 * The plan's seven budgets and the checkpoint names they use are defined here once ({@link CHECKPOINT},
 * {@link PLAN_BUDGETS}); profiles override only the limits and modes.
 */
import { formatDuration, parseDuration } from './durations.ts';

/** Checkpoint name → epoch ms. A Map or a plain record; undefined means "never reached". */
export type Checkpoints = ReadonlyMap<string, number> | Readonly<Record<string, number | undefined>>;

/** A span between two checkpoints, e.g. the model download inside the end-to-end window. */
export interface Interval {
  from: string;
  to: string;
  /** Words for messages (`model download`). */
  label?: string;
  /** When its checkpoints are missing, subtract nothing instead of failing the row. */
  optional?: boolean;
}

/** `assert` budgets fail the run when exceeded; `report` budgets are measured and shown only. */
export type BudgetMode = 'assert' | 'report';

export interface Budget {
  /** The sentence subject, in the plan's words: `OCI push → ImageRepository detection`. */
  name: string;
  from: string;
  to: string;
  limitMs: number;
  mode: BudgetMode;
  /** Measured = (to − from) − the part of this interval that falls inside [from, to]. */
  subtract?: Interval;
}

export interface BudgetRow {
  name: string;
  from: string;
  to: string;
  /** Undefined when a checkpoint was never reached. */
  measuredMs: number | undefined;
  limitMs: number;
  mode: BudgetMode;
  /** Measured and within the limit. A `report` row may be not ok without failing anything (see {@link failedBudgets}). */
  ok: boolean;
  message: string;
  /** Milliseconds taken off by `subtract`, when it applied. */
  subtractedMs?: number;
  /** Checkpoints that were never reached. */
  missing: string[];
}

/** Evaluates every budget against the checkpoints, in the order given. Pure: same input, same rows. */
export function evaluateBudgets(checkpoints: Checkpoints, budgets: readonly Budget[]): BudgetRow[] {
  const at = lookup(checkpoints);
  return budgets.map((budget) => evaluateOne(at, budget));
}

/** Rows that should fail the run: `assert` budgets that were exceeded or could not be measured. */
export function failedBudgets(rows: readonly BudgetRow[]): BudgetRow[] {
  return rows.filter((row) => row.mode === 'assert' && !row.ok);
}

function evaluateOne(at: (name: string) => number | undefined, budget: Budget): BudgetRow {
  const base = { name: budget.name, from: budget.from, to: budget.to, limitMs: budget.limitMs, mode: budget.mode };
  const missing = [budget.from, budget.to].filter((name) => at(name) === undefined);
  if (missing.length > 0) {
    return { ...base, measuredMs: undefined, ok: false, missing, message: `${budget.name}: ${neverReached(missing)}` };
  }
  const start = at(budget.from)!;
  const end = at(budget.to)!;
  if (end < start) {
    const message = `${budget.name}: checkpoint "${budget.to}" (${iso(end)}) is before "${budget.from}" (${iso(start)})`;
    return { ...base, measuredMs: end - start, ok: false, missing: [], message };
  }
  const gross = end - start;
  const sub = budget.subtract;
  let subtractedMs: number | undefined;
  let detail = '';
  if (sub) {
    const label = sub.label ?? `${sub.from} → ${sub.to}`;
    const subMissing = [sub.from, sub.to].filter((name) => at(name) === undefined);
    if (subMissing.length > 0 && !sub.optional) {
      const message = `${budget.name}: ${neverReached(subMissing)} (needed to subtract ${label})`;
      return { ...base, measuredMs: undefined, ok: false, missing: subMissing, message };
    }
    if (subMissing.length > 0) {
      detail = ` (${label} not measured, nothing subtracted)`;
    } else {
      subtractedMs = Math.max(0, Math.min(end, at(sub.to)!) - Math.max(start, at(sub.from)!));
      detail = ` (${formatDuration(gross)} minus ${label} ${formatDuration(subtractedMs)})`;
    }
  }
  const measuredMs = gross - (subtractedMs ?? 0);
  const ok = measuredMs <= budget.limitMs;
  const margin = ok
    ? `${formatDuration(budget.limitMs - measuredMs)} to spare`
    : `exceeded by ${formatDuration(measuredMs - budget.limitMs)}`;
  const modeNote = budget.mode === 'report' ? ', report only' : '';
  const message = `${budget.name} took ${formatDuration(measuredMs)}${detail}, budget ${formatDuration(budget.limitMs)} (${margin}${modeNote})`;
  return { ...base, measuredMs, ok, missing: [], message, ...(subtractedMs === undefined ? {} : { subtractedMs }) };
}

function lookup(checkpoints: Checkpoints): (name: string) => number | undefined {
  if (checkpoints instanceof Map) return (name) => checkpoints.get(name);
  const record = checkpoints as Readonly<Record<string, number | undefined>>;
  return (name) => (Object.hasOwn(record, name) && Number.isFinite(record[name]) ? record[name] : undefined);
}

function neverReached(names: string[]): string {
  return names.length === 1
    ? `checkpoint "${names[0]}" was never reached`
    : `checkpoints ${names.map((n) => `"${n}"`).join(' and ')} were never reached`;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** The checkpoint names the suite records; use these constants so budgets and recorders agree. */
export const CHECKPOINT = {
  /** The to-tag artifact push finished (registry answered 201 for the manifest). */
  ociPushed: 'ociPushed',
  /** ImageRepository's lastScanResult includes the to-tag. */
  imageRepositoryDetected: 'imageRepositoryDetected',
  /** ImagePolicy resolved to the to-tag. */
  imagePolicyResolved: 'imagePolicyResolved',
  /** Automation mode: the ImageUpdateAutomation pushed its tag commit (status.lastPushTime, read back from git). */
  automationCommitted: 'automationCommitted',
  /** The tag change was pushed to the GitOps repository (or the automation's push was seen). */
  gitPushed: 'gitPushed',
  /** GitRepository artifact revision equals the pushed commit. */
  gitRepositorySynced: 'gitRepositorySynced',
  /** Kustomization lastAppliedRevision equals the pushed commit. */
  kustomizationApplied: 'kustomizationApplied',
  /** HelmRelease started the upgrade (new generation seen / Reconciling with the new values). */
  helmUpgradeStarted: 'helmUpgradeStarted',
  /** HelmRelease history[0] is the new release, deployed. */
  helmUpgradeSucceeded: 'helmUpgradeSucceeded',
  /** The old foundry pod got its deletionTimestamp. */
  oldPodTerminating: 'oldPodTerminating',
  /** The old foundry pod was deleted from the API. */
  oldPodGone: 'oldPodGone',
  /** The new foundry pod was created. */
  newPodCreated: 'newPodCreated',
  /** The new foundry pod reached phase Running. */
  newPodRunning: 'newPodRunning',
  /** The new foundry pod became Ready. */
  newPodReady: 'newPodReady',
  /** Model download began / ended, from the new pod's log timestamps. */
  modelDownloadStarted: 'modelDownloadStarted',
  modelDownloadFinished: 'modelDownloadFinished',
} as const;

/** Keys of the plan's budgets, as they appear under `budgets:` in a target profile. */
export type PlanBudgetId =
  | 'ociPushToDetection'
  | 'gitPushToSync'
  | 'syncToApply'
  | 'applyToUpgradeStart'
  | 'podReplacement'
  | 'endToEnd'
  | 'gitopsFlow'
  | 'policyToAutomationCommit';

/** A plan budget with its default limit as a Go duration. */
export interface PlanBudget extends Omit<Budget, 'limitMs'> {
  id: PlanBudgetId;
  defaultLimit: string;
  /** Measured only in this mode (the profile's `mode`); absent: every mode. */
  onlyIn?: 'manual' | 'automation';
}

const C = CHECKPOINT;

/** The plan's seven budgets, plus the automation mode's own, in report order. */
export const PLAN_BUDGETS: readonly PlanBudget[] = [
  {
    id: 'ociPushToDetection',
    name: 'OCI push → ImageRepository detection',
    from: C.ociPushed,
    to: C.imageRepositoryDetected,
    defaultLimit: '7s',
    mode: 'assert',
  },
  {
    id: 'gitPushToSync',
    name: 'git push → GitRepository sync',
    from: C.gitPushed,
    to: C.gitRepositorySynced,
    defaultLimit: '5s',
    mode: 'assert',
  },
  {
    id: 'syncToApply',
    name: 'GitRepository → Kustomization apply',
    from: C.gitRepositorySynced,
    to: C.kustomizationApplied,
    defaultLimit: '5s',
    mode: 'assert',
  },
  {
    id: 'applyToUpgradeStart',
    name: 'Kustomization → HelmRelease upgrade start',
    from: C.kustomizationApplied,
    to: C.helmUpgradeStarted,
    defaultLimit: '5s',
    mode: 'assert',
  },
  // The plan counts the model download in the pod swap (~90 s): it ends when the new pod is Ready with its models.
  {
    id: 'podReplacement',
    name: 'old pod termination → new pod Ready with models',
    from: C.oldPodTerminating,
    to: C.newPodReady,
    defaultLimit: '90s',
    mode: 'assert',
  },
  {
    id: 'endToEnd',
    name: 'end-to-end excluding model download',
    from: C.ociPushed,
    to: C.newPodReady,
    defaultLimit: '2m',
    mode: 'assert',
    subtract: { from: C.modelDownloadStarted, to: C.modelDownloadFinished, label: 'model download' },
  },
  {
    id: 'gitopsFlow',
    name: 'GitOps flow (git push → HelmRelease upgrade start)',
    from: C.gitPushed,
    to: C.helmUpgradeStarted,
    defaultLimit: '15s',
    mode: 'assert',
  },
  // Automation mode: image-automation-controller reacts to the ImagePolicy (a watch) and pushes; its interval is the fallback.
  {
    id: 'policyToAutomationCommit',
    name: 'ImagePolicy → automation commit',
    from: C.imagePolicyResolved,
    to: C.automationCommitted,
    defaultLimit: '10s',
    mode: 'assert',
    onlyIn: 'automation',
  },
];

/**
 * The plan's budgets with a profile's limits and modes applied (a loaded target's `budgets` fits directly).
 * Budgets the overrides do not mention keep their defaults.
 */
export function planBudgets(
  overrides: Partial<Record<PlanBudgetId, { limitMs: number; mode?: BudgetMode }>> = {},
  mode: 'manual' | 'automation' = 'manual',
): Budget[] {
  return PLAN_BUDGETS.filter((b) => !b.onlyIn || b.onlyIn === mode).map(
    ({ id, defaultLimit, onlyIn: _mode, ...rest }) => {
      const override = overrides[id];
      return { ...rest, limitMs: override?.limitMs ?? parseDuration(defaultLimit), mode: override?.mode ?? rest.mode };
    },
  );
}
