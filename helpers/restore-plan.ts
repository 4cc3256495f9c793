/**
 * The run ledger's vocabulary and what undoing a run means: every mutation the suite makes (git push of the tag,
 * registry push/delete, bootstrap) is appended to the ledger as it happens; the teardown turns the ledger into the
 * actions that bring git and the registry back to the start state (tag file at the from-tag, no to-tag the run
 * pushed). Bootstrap is not undone: the from-tag deployment is the start state. Preflight undoes a crashed run's
 * leftovers with the same actions (fixtures/start-state.ts runs them for both).
 */

/** One mutation, as the ledger stores it. `at` is epoch ms. */
export type LedgerEntry =
  | { type: 'git-push'; at: number; branch: string; file: string; sha: string; previousSha?: string; fromValue: string; toValue: string; reason?: string }
  | { type: 'oci-push'; at: number; repository: string; tag: string; digest: string }
  | { type: 'oci-delete'; at: number; repository: string; tag: string; digest?: string }
  | { type: 'bootstrap'; at: number; command: string };

/** What must be done to be back at the start state; `why` says whose change it undoes. */
export type RestoreAction =
  | { action: 'restore-git'; branch: string; file: string; from: string; to: string; why?: string }
  | { action: 'delete-tag'; repository: string; tag: string; digest: string; why?: string };

/**
 * Actions that undo the ledger, in order (git first, so Flux stops referencing the to-tag before it disappears).
 * Pure: an empty ledger or one that already restored itself gives no actions.
 */
export function restoreActions(entries: readonly LedgerEntry[], start: { fromTag: string }): RestoreAction[] {
  const ordered = [...entries].sort((a, b) => a.at - b.at);
  const actions: RestoreAction[] = [];
  const lastGit = [...ordered].reverse().find((e): e is Extract<LedgerEntry, { type: 'git-push' }> => e.type === 'git-push');
  if (lastGit && lastGit.toValue !== start.fromTag) {
    actions.push({ action: 'restore-git', branch: lastGit.branch, file: lastGit.file, from: lastGit.toValue, to: start.fromTag });
  }
  const pushed = new Map<string, { repository: string; tag: string; digest: string }>();
  for (const e of ordered) {
    const key = e.type === 'oci-push' || e.type === 'oci-delete' ? `${e.repository}:${e.tag}` : undefined;
    if (e.type === 'oci-push') pushed.set(key!, { repository: e.repository, tag: e.tag, digest: e.digest });
    if (e.type === 'oci-delete') pushed.delete(key!);
  }
  for (const p of pushed.values()) actions.push({ action: 'delete-tag', ...p });
  return actions;
}

/**
 * The order to run the actions in. Git first, so Flux stops referencing the to-tag before it disappears — except in
 * automation mode, where the automation commits whatever the ImagePolicy selects: there the to-tag goes first, and
 * git is restored only once the policy has let go of it (else the automation would commit it again).
 */
export function restoreOrder(actions: readonly RestoreAction[], mode: 'manual' | 'automation'): RestoreAction[] {
  if (mode === 'manual') return [...actions];
  return [...actions.filter((a) => a.action === 'delete-tag'), ...actions.filter((a) => a.action !== 'delete-tag')];
}

/** One line per action, for the reports. */
export function describeRestoreAction(a: RestoreAction): string {
  return a.action === 'restore-git'
    ? `restore ${a.file} on ${a.branch} from ${a.from} to ${a.to}${a.why ? ` (${a.why})` : ''}`
    : `delete ${a.repository}:${a.tag} (${a.digest}) ${a.why ?? 'pushed by this run'}`;
}
