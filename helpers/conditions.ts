/**
 * Reading Kubernetes and Flux status conditions, and the revision-exact "settled" predicate the suite's waits
 * use. A wait that checks only Ready=True can see the previous revision; {@link fluxObjectSettled} checks the
 * reconcile request was handled, the generation observed, the revision reached and Ready=True at that
 * generation, and explains in one line which of those is not true yet (Argo CD's "to be X, is Y" style).
 */
import { formatPath, getPath, type PathInput } from './object-path.ts';

/** A `metav1.Condition` as Flux and most controllers write it. */
export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown' | string;
  reason?: string;
  message?: string;
  observedGeneration?: number;
  lastTransitionTime?: string;
}

/** The part of an object these readers look at; any KubeObject or client-node object fits. */
export interface ConditionedObject {
  kind?: string;
  metadata?: { name?: string; namespace?: string; generation?: number; annotations?: Record<string, string> };
  status?: {
    conditions?: Condition[];
    observedGeneration?: number;
    lastHandledReconcileAt?: string;
    [field: string]: unknown;
  } | null;
}

/** Longest message kept in one-line descriptions; Helm failures can be pages long. */
const MAX_MESSAGE = 240;

/** The condition of `type`, or undefined. */
export function getCondition(obj: ConditionedObject | undefined, type: string): Condition | undefined {
  return obj?.status?.conditions?.find((c) => c.type === type);
}

/**
 * True when Ready=True describes the current spec: `status.observedGeneration` equals `metadata.generation`
 * and the Ready condition's own observedGeneration (when set) is not older. Use for "is it healthy now".
 */
export function isReady(obj: ConditionedObject | undefined): boolean {
  const ready = getCondition(obj, 'Ready');
  if (!obj || ready?.status !== 'True') return false;
  return generationObserved(obj) && !conditionStale(obj, ready);
}

/**
 * One line for messages and logs, Ready first: `Ready=False (UpgradeFailed: …); Released=False (…)`.
 * `no conditions` when there are none.
 */
export function describeConditions(obj: ConditionedObject | undefined): string {
  const conditions = [...(obj?.status?.conditions ?? [])].sort((a, b) => rank(a) - rank(b));
  if (conditions.length === 0) return 'no conditions';
  return conditions
    .map((c) => {
      const detail = [c.reason, oneLine(c.message)].filter(Boolean).join(': ');
      return detail ? `${c.type}=${c.status} (${detail})` : `${c.type}=${c.status}`;
    })
    .join('; ');
}

/** `Ready=False UpgradeFailed: …` — the short form used inside parentheses of other messages. */
export function describeReady(obj: ConditionedObject | undefined): string {
  const ready = getCondition(obj, 'Ready');
  if (!ready) return 'no Ready condition';
  return [`Ready=${ready.status}`, [ready.reason, oneLine(ready.message)].filter(Boolean).join(': ')]
    .filter(Boolean)
    .join(' ');
}

/** Where the "revision" of each Flux kind lives; candidates are tried in order (API versions differ). */
type RevisionReader = { path: string; read: (obj: ConditionedObject) => unknown };

const at = (path: string): RevisionReader => ({ path, read: (obj) => getPath(obj, path) });

const REVISION_FIELDS: Readonly<Record<string, readonly RevisionReader[]>> = {
  GitRepository: [at('status.artifact.revision')],
  OCIRepository: [at('status.artifact.revision')],
  HelmRepository: [at('status.artifact.revision')],
  HelmChart: [at('status.artifact.revision')],
  Bucket: [at('status.artifact.revision')],
  Kustomization: [at('status.lastAppliedRevision')],
  // helm v2: history[0].version is the Helm release number; v2beta1 has lastReleaseRevision instead.
  HelmRelease: [at('status.history[0].version'), at('status.lastReleaseRevision')],
  ImageRepository: [at('status.lastScanResult.tagCount')],
  // image v1: latestRef.tag; v1beta2: latestImage "<image>:<tag>".
  ImagePolicy: [
    at('status.latestRef.tag'),
    { path: 'status.latestImage', read: (obj) => tagOf(getPath(obj, 'status.latestImage')) },
  ],
  ImageUpdateAutomation: [at('status.lastPushCommit')],
};

export interface SettledOptions {
  /** The `reconcile.fluxcd.io/requestedAt` value the caller set; must come back as `status.lastHandledReconcileAt`. */
  requestedAt?: string;
  /** The revision to reach (a `main@sha1:…` string, a Helm release number, a tag, a tag count). Compared as text. */
  revision?: string | number;
  /** Where the revision is read; defaults per kind (see the table above), e.g. `status.history[0].version`. */
  revisionField?: PathInput;
}

export interface SettledResult {
  ok: boolean;
  /** One line that explains itself: what was expected, what is, and the Ready condition. */
  reason: string;
  /** True when waiting longer will not help (Stalled=True), so a wait can fail at once. */
  terminal: boolean;
}

/**
 * The revision-exact wait predicate: the request handled (when `requestedAt`), generation observed, revision
 * reached (when `revision`), Ready=True for this generation and not Stalled. Returns the first unmet expectation,
 * e.g. `HelmRelease foundry-system/foundry-gpu-oras history[0].version to be 2, is 1 (Ready=False UpgradeFailed: …)`.
 */
export function fluxObjectSettled(obj: ConditionedObject | undefined, options: SettledOptions = {}): SettledResult {
  if (!obj) return notYet('object not found');
  const id = identity(obj);
  const ready = describeReady(obj);
  const status = obj.status;
  if (!status) return notYet(`${id} has no status yet`);

  const stalled = getCondition(obj, 'Stalled');
  if (stalled?.status === 'True') {
    return {
      ok: false,
      terminal: true,
      reason: `${id} is stalled (${stalled.reason ?? 'Stalled'}: ${oneLine(stalled.message)}) (${ready})`,
    };
  }
  if (options.requestedAt !== undefined && status.lastHandledReconcileAt !== options.requestedAt) {
    return notYet(
      `${id} lastHandledReconcileAt to be ${JSON.stringify(options.requestedAt)}, is ${show(status.lastHandledReconcileAt)} (${ready})`,
    );
  }
  if (!generationObserved(obj)) {
    return notYet(
      `${id} observedGeneration to be ${obj.metadata?.generation}, is ${show(status.observedGeneration)} (${ready})`,
    );
  }
  let revisionText = '';
  if (options.revision !== undefined) {
    const { path, value } = readRevision(obj, options.revisionField);
    revisionText = ` at ${path} ${String(value)}`;
    if (value === undefined || String(value) !== String(options.revision)) {
      return notYet(
        `${id} ${path} to be ${String(options.revision)}, is ${value === undefined ? 'unset' : String(value)} (${ready})`,
      );
    }
  }
  const readyCondition = getCondition(obj, 'Ready');
  if (readyCondition && conditionStale(obj, readyCondition)) {
    return notYet(
      `${id} Ready condition to describe generation ${obj.metadata?.generation}, describes ${readyCondition.observedGeneration} (${ready})`,
    );
  }
  if (readyCondition?.status !== 'True') {
    return notYet(`${id} Ready to be True, is ${readyCondition?.status ?? 'absent'} (${ready})`);
  }
  return { ok: true, terminal: false, reason: `${id} is Ready${revisionText} (${ready})` };
}

/** Reads the revision the way {@link fluxObjectSettled} does; `path` is the display form without `status.`. */
export function readRevision(obj: ConditionedObject, revisionField?: PathInput): { path: string; value: unknown } {
  const readers =
    revisionField !== undefined ? [at(formatPath(revisionField))] : (REVISION_FIELDS[obj.kind ?? ''] ?? []);
  if (readers.length === 0)
    throw new Error(`no default revision field for kind ${obj.kind ?? '(unknown)'}; pass revisionField`);
  const found = readers.find((r) => r.read(obj) !== undefined) ?? readers[0]!;
  return { path: found.path.replace(/^status\./, ''), value: found.read(obj) };
}

function notYet(reason: string): SettledResult {
  return { ok: false, terminal: false, reason };
}

function generationObserved(obj: ConditionedObject): boolean {
  const generation = obj.metadata?.generation;
  return generation === undefined || obj.status?.observedGeneration === generation;
}

function conditionStale(obj: ConditionedObject, condition: Condition): boolean {
  const generation = obj.metadata?.generation;
  return (
    generation !== undefined && condition.observedGeneration !== undefined && condition.observedGeneration < generation
  );
}

function identity(obj: ConditionedObject): string {
  const ns = obj.metadata?.namespace;
  const name = obj.metadata?.name ?? '(unnamed)';
  return `${obj.kind ?? 'object'} ${ns ? `${ns}/${name}` : name}`;
}

function rank(c: Condition): number {
  return c.type === 'Ready' ? 0 : 1;
}

function oneLine(message: string | undefined): string {
  if (!message) return '';
  const flat = message.replace(/\s+/g, ' ').trim();
  return flat.length > MAX_MESSAGE ? `${flat.slice(0, MAX_MESSAGE - 1)}…` : flat;
}

function show(value: unknown): string {
  return value === undefined ? 'unset' : typeof value === 'string' ? JSON.stringify(value) : String(value);
}

/** The tag of `<image>:<tag>`; a colon before the last slash belongs to a registry port. */
function tagOf(image: unknown): string | undefined {
  if (typeof image !== 'string') return undefined;
  const colon = image.lastIndexOf(':');
  return colon > image.lastIndexOf('/') ? image.slice(colon + 1) : undefined;
}
