/**
 * The run ledger's vocabulary and what undoing a run means: every mutation the suite makes (git push of the tag,
 * registry push/delete, bootstrap) is appended to the ledger as it happens; the teardown turns the ledger into the
 * actions that bring git and the registry back to the start state (tag file at the from-tag, no to-tag the run
 * pushed). Bootstrap is not undone: the from-tag deployment is the start state.
 */

/** One mutation, as the ledger stores it. `at` is epoch ms. */
export type LedgerEntry =
  | { type: 'git-push'; at: number; branch: string; file: string; sha: string; previousSha?: string; fromValue: string; toValue: string; reason?: string }
  | { type: 'oci-push'; at: number; repository: string; tag: string; digest: string }
  | { type: 'oci-delete'; at: number; repository: string; tag: string; digest?: string }
  | { type: 'bootstrap'; at: number; command: string }
  /** `spec.suspend` of an object set (`flux suspend` / `flux resume`), e.g. the ImageUpdateAutomation in a git rollback. */
  | { type: 'suspend' | 'resume'; at: number; kind: string; namespace: string; name: string };

/** What the teardown must do. */
export type RestoreAction =
  | { action: 'restore-git'; branch: string; file: string; from: string; to: string }
  | { action: 'delete-tag'; repository: string; tag: string; digest: string }
  | { action: 'resume'; kind: string; namespace: string; name: string };

/**
 * Actions that undo the ledger, in order (git first, so Flux stops referencing the to-tag before it disappears;
 * what the run suspended resumed last, once git and the registry are back). Pure: an empty ledger or one that already restored itself gives no actions.
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
  const suspended = new Map<string, { kind: string; namespace: string; name: string }>();
  for (const e of ordered) {
    if (e.type !== 'suspend' && e.type !== 'resume') continue;
    const key = `${e.kind}/${e.namespace}/${e.name}`;
    if (e.type === 'suspend') suspended.set(key, { kind: e.kind, namespace: e.namespace, name: e.name });
    else suspended.delete(key);
  }
  for (const s of suspended.values()) actions.push({ action: 'resume', ...s });
  return actions;
}

/** One line per action, for the teardown's report. */
export function describeRestoreAction(a: RestoreAction): string {
  if (a.action === 'restore-git') return `restore ${a.file} on ${a.branch} from ${a.from} to ${a.to}`;
  if (a.action === 'resume') return `resume ${a.kind} ${a.namespace}/${a.name} suspended by this run`;
  return `delete ${a.repository}:${a.tag} (${a.digest}) pushed by this run`;
}
