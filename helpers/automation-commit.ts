/**
 * Checking a commit the image automation made, as read from git (never trusted from the ImageUpdateAutomation's
 * status): it changes exactly the tag line of the file, to the expected tag, keeps the `$imagepolicy` setter
 * marker, and carries the author and message the ImageUpdateAutomation is configured with
 * (`spec.git.commit.author`, `spec.git.commit.messageTemplate`; a template is matched up to its first `{{`).
 * Pure: the reading is fixtures/git.ts `commitDetails`.
 */
import { changedLines, formatChangedLines } from './line-diff.ts';
import { getYamlValue } from './yaml-edit.ts';

/** The commit, as git has it. */
export interface AutomationCommit {
  sha: string;
  authorName: string;
  authorEmail: string;
  message: string;
  /** The file before (first parent) and after the commit. */
  before?: string;
  after?: string;
}

/** What the ImageUpdateAutomation says its commits look like. */
export interface AutomationCommitSpec {
  authorName?: string;
  authorEmail?: string;
  messageTemplate?: string;
}

/** One line per way the commit differs from what the automation should have made; empty when it is right. */
export function automationCommitProblems(
  commit: AutomationCommit,
  expected: { file: string; yamlPath: string; from: string; to: string; spec: AutomationCommitSpec },
): { problems: string[]; diff: string } {
  const problems: string[] = [];
  const { file, yamlPath, from, to, spec } = expected;
  const id = commit.sha.slice(0, 12);
  if (commit.before === undefined || commit.after === undefined)
    return { problems: [`commit ${id} has no ${file} before or after it`], diff: '' };
  const changes = changedLines(commit.before, commit.after);
  const diff = formatChangedLines(changes);
  const valueBefore = String(getYamlValue(commit.before, yamlPath) ?? '');
  const valueAfter = String(getYamlValue(commit.after, yamlPath) ?? '');
  if (valueBefore !== from || valueAfter !== to)
    problems.push(
      `commit ${id} sets ${yamlPath} ${valueBefore || 'unset'} → ${valueAfter || 'unset'}, expected ${from} → ${to}`,
    );
  if (changes.length !== 1)
    problems.push(`commit ${id} changes ${changes.length} lines of ${file}, expected exactly the tag line:\n${diff}`);
  const marker = (line: string | undefined) =>
    line && line.includes('$imagepolicy') ? line.slice(line.indexOf('#')) : undefined;
  const change = changes[0];
  if (change && marker(change.before) !== undefined && marker(change.after) !== marker(change.before))
    problems.push(
      `commit ${id} dropped or changed the setter marker: ${marker(change.before)} → ${marker(change.after) ?? '(none)'}`,
    );
  if (change && marker(change.before) === undefined)
    problems.push(
      `the tag line of ${file} carries no $imagepolicy setter marker: the automation could not have written it`,
    );
  if (spec.authorName !== undefined && commit.authorName !== spec.authorName)
    problems.push(
      `commit ${id} author name is "${commit.authorName}", the automation is configured with "${spec.authorName}"`,
    );
  if (spec.authorEmail !== undefined && commit.authorEmail !== spec.authorEmail)
    problems.push(
      `commit ${id} author e-mail is "${commit.authorEmail}", the automation is configured with "${spec.authorEmail}"`,
    );
  if (spec.messageTemplate !== undefined) {
    const literal = spec.messageTemplate.split('{{')[0]!.trim();
    const ok = spec.messageTemplate.includes('{{')
      ? commit.message.startsWith(literal)
      : commit.message === spec.messageTemplate.trim();
    if (!ok)
      problems.push(
        `commit ${id} message is "${commit.message.split('\n')[0]}", the automation's template is "${spec.messageTemplate.trim()}"`,
      );
  }
  return { problems, diff };
}

/**
 * Where the profile's `automationCommit` (what preflight recognises an interrupted run's automation commit by)
 * differs from the live ImageUpdateAutomation's `spec.git.commit`: one line per field; empty when they agree.
 */
export function signatureMismatches(
  profile: Required<AutomationCommitSpec>,
  live: AutomationCommitSpec,
  where: string,
): string[] {
  const fields = [
    ['authorName', 'author.name'],
    ['authorEmail', 'author.email'],
    ['messageTemplate', 'messageTemplate'],
  ] as const;
  return fields
    .filter(([key]) => (live[key] ?? '').trim() !== profile[key].trim())
    .map(
      ([key, field]) =>
        `automationCommit.${key} is ${JSON.stringify(profile[key])} in ${where}, the ImageUpdateAutomation's spec.git.commit.${field} is ${JSON.stringify(live[key] ?? null)}: preflight could not recognise its commits`,
    );
}
