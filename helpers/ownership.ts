/**
 * Whose change is it? Preflight undoes a crashed run's leftovers only when they are provably the suite's own: a
 * registry tag whose manifest carries the run-id annotation the suite writes on every push, and a tag edit in git
 * whose commit carries the `E2E-Run-Id:` trailer. Anything else was made by someone else — a release pushed by a
 * person, a human commit — and is left alone: the decision is one line saying what was found (digest or commit,
 * author, date) and how to proceed. Pure: the fixture (fixtures/start-state.ts) gathers the facts.
 * In automation mode the suite's upgrade is committed by the ImageUpdateAutomation, without the trailer: such a
 * commit is the suite's too, but only when all of it says so — the profile's `automationCommit` author, e-mail and
 * message template, exactly the tag line changed from the from-tag with the `$imagepolicy` setter marker kept, to
 * a to-tag the registry holds with a gitops-e2e run id, committed after that run started.
 */
import { automationCommitProblems, type AutomationCommitSpec } from './automation-commit.ts';

/** Manifest annotation carrying the run id on artifacts the suite pushes (fixtures/plan.ts re-exports it). */
export const RUN_ID_ANNOTATION = 'dev.gitops-e2e.run-id';

/** A registry tag found where the start state has none. */
export interface RegistryTagFacts {
  /** `host/repo:tag` */
  reference: string;
  tag: string;
  digest: string;
  annotations?: Record<string, string>;
}

/** The commit that set the tag file's current value, as `git log` shows it. */
export interface TagCommitFacts {
  sha: string;
  /** `Name <email>` */
  author: string;
  /** ISO 8601 author date. */
  date: string;
  /** Full message, trailers included. */
  message: string;
  /** Whether it is the branch head. */
  isHead: boolean;
  /** Commits after it on the branch (they did not change the value; a one-line edit keeps them). */
  laterCommits: number;
  /** Author name and e-mail apart, and the tag file before (first parent) and after it: for an automation commit. */
  authorName?: string;
  authorEmail?: string;
  before?: string;
  after?: string;
}

/** Automation mode: how the automation signs its commits (the profile's automationCommit) and whose the to-tag is. */
export interface AutomationContext {
  signature: Required<AutomationCommitSpec>;
  /** The to-tag in the registry, when a gitops-e2e run pushed it (its run-id annotation). */
  ownedTag?: { tag: string; runId: string };
}

/** Undo it (`owned`, with the run that made it), or leave it alone (`reason`: the one line to print). */
export type Ownership = { owned: true; runId: string; summary: string } | { owned: false; reason: string };

/** The value of `key` among the message's trailers (the last paragraph's `Key: value` lines), else undefined. */
export function trailer(message: string, key: string): string | undefined {
  const paragraphs = message.trim().split(/\n\s*\n/);
  const last = paragraphs.length > 1 ? paragraphs[paragraphs.length - 1]! : '';
  for (const line of last.split('\n')) {
    const m = /^([A-Za-z0-9-]+):\s*(.*\S)\s*$/.exec(line);
    if (m && m[1]!.toLowerCase() === key.toLowerCase()) return m[2];
  }
  return undefined;
}

/** A leftover to-tag is the suite's only when its manifest carries `annotation` (the run id). */
export function registryTagOwnership(
  facts: RegistryTagFacts,
  annotation: string,
  hint: { profile: string },
): Ownership {
  const runId = facts.annotations?.[annotation];
  if (runId)
    return { owned: true, runId, summary: `${facts.reference} (${facts.digest}) pushed by gitops-e2e run ${runId}` };
  const created = facts.annotations?.['org.opencontainers.image.created'];
  const authors = facts.annotations?.['org.opencontainers.image.authors'];
  const found = [
    facts.digest,
    `author ${authors ?? 'unknown (no org.opencontainers.image.authors)'}`,
    `created ${created ?? 'unknown (no org.opencontainers.image.created)'}`,
  ].join(', ');
  const repo = facts.reference.slice(0, facts.reference.length - facts.tag.length - 1);
  return {
    owned: false,
    reason:
      `registry tag ${facts.reference} (${found}) has no ${annotation} annotation, so no gitops-e2e run pushed it: left alone. ` +
      `If it is a leftover to remove, delete it yourself (oras manifest delete ${repo}@${facts.digest}); if it is a real release, set tags.to in ${hint.profile} to a tag the registry does not have.`,
  };
}

/** What the git side of the start state should be and what was found. */
export interface TagEditContext {
  file: string;
  yamlPath: string;
  branch: string;
  /** The value found. */
  value: string;
  /** The start state's value (tags.from). */
  from: string;
  trailerKey: string;
  profile: string;
  /** Automation mode with `automationCommit` in the profile: the automation's commits can be the suite's. */
  automation?: AutomationContext;
}

/** The start of a run, from its id (`20261207-212300-ab12cd`, UTC), or undefined for another shape. */
export function runStartedAt(runId: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})-(\d{2})(\d{2})(\d{2})-/.exec(runId);
  return m
    ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]))
    : undefined;
}

/**
 * An automation commit made for a gitops-e2e run: `{ runId }`, or `{ why }` — the first way it is not one, a line.
 * Every condition must hold, so a person's commit of a real release (its tag without the run id) or a commit that
 * merely looks like the automation's (other author, another line changed, marker dropped) is never taken as ours.
 */
export function automationCommitFor(
  commit: TagCommitFacts,
  ctx: TagEditContext & { automation: AutomationContext },
): { runId: string } | { why: string } {
  const { ownedTag, signature } = ctx.automation;
  if (!ownedTag || ownedTag.tag !== ctx.value)
    return { why: `the registry has no ${ctx.value} pushed by a gitops-e2e run` };
  const details = {
    sha: commit.sha,
    authorName: commit.authorName ?? '',
    authorEmail: commit.authorEmail ?? '',
    message: commit.message,
    before: commit.before,
    after: commit.after,
  };
  const { problems } = automationCommitProblems(details, {
    file: ctx.file,
    yamlPath: ctx.yamlPath,
    from: ctx.from,
    to: ctx.value,
    spec: signature,
  });
  if (problems.length > 0) return { why: problems[0]!.split('\n')[0]!.replace(/:$/, '') };
  const started = runStartedAt(ownedTag.runId);
  const committed = Date.parse(commit.date);
  if (started === undefined || !Number.isFinite(committed))
    return { why: `cannot tell whether it was made after run ${ownedTag.runId} started` };
  // Run ids have whole seconds; a commit a second before the start cannot be the run's.
  if (committed < started)
    return { why: `it was made at ${commit.date}, before gitops-e2e run ${ownedTag.runId} started` };
  return { runId: ownedTag.runId };
}

/**
 * An edited tag is the suite's to revert only when the commit that set the value carries the run trailer. The
 * revert is a new commit changing that one line back, so others' later commits on the branch stay as they are.
 */
export function tagEditOwnership(commit: TagCommitFacts | undefined, ctx: TagEditContext): Ownership {
  const what = `${ctx.file} has ${ctx.yamlPath}: ${ctx.value}, not ${ctx.from}`;
  const howTo = `Set it back to ${ctx.from} on ${ctx.branch} yourself if the run may change it, or set tags.from in ${ctx.profile} to ${ctx.value}.`;
  if (!commit)
    return {
      owned: false,
      reason: `${what}, and no commit on ${ctx.branch} sets that value (it was there from the first commit): left alone. ${howTo}`,
    };
  const short = commit.sha.slice(0, 12);
  const subject = commit.message.split('\n')[0] ?? '';
  const position = commit.isHead
    ? 'the branch head'
    : `followed by ${commit.laterCommits} commit${commit.laterCommits === 1 ? '' : 's'} that the one-line revert keeps`;
  const runId = trailer(commit.message, ctx.trailerKey);
  if (!runId) {
    const automation = ctx.automation ? automationCommitFor(commit, { ...ctx, automation: ctx.automation }) : undefined;
    if (automation && 'runId' in automation) {
      return {
        owned: true,
        runId: automation.runId,
        summary: `${what}, set by commit ${short} of the image automation (${commit.author}) for gitops-e2e run ${automation.runId}, which pushed ${ctx.value} (${position})`,
      };
    }
    return {
      owned: false,
      reason: `${what}, set by commit ${short} (${commit.author}, ${commit.date}, "${subject}") without an ${ctx.trailerKey}: trailer, so not by a gitops-e2e run${automation && 'why' in automation ? ` nor by the image automation for one (${automation.why})` : ''}: left alone. ${howTo}`,
    };
  }
  return { owned: true, runId, summary: `${what}, set by commit ${short} of gitops-e2e run ${runId} (${position})` };
}
