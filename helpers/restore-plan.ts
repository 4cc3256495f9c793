/**
 * The run ledger's vocabulary and what undoing a run means: every mutation the suite makes (git push of the tag,
 * registry push/delete, bootstrap) is appended to the ledger as it happens; the teardown turns the ledger into the
 * actions that bring git and the registry back to the start state (tag file at the from-tag, no to-tag the run
 * pushed). Bootstrap is not undone: the from-tag deployment is the start state. Preflight undoes a crashed run's
 * leftovers with the same actions (fixtures/start-state.ts runs them for both).
 */

/** One mutation, as the ledger stores it. `at` is epoch ms. */
export type LedgerEntry =
  | {
      type: 'git-push';
      at: number;
      branch: string;
      file: string;
      sha: string;
      previousSha?: string;
      fromValue: string;
      toValue: string;
      reason?: string;
    }
  | { type: 'oci-push'; at: number; repository: string; tag: string; digest: string }
  | { type: 'oci-delete'; at: number; repository: string; tag: string; digest?: string }
  | { type: 'bootstrap'; at: number; command: string }
  /** `spec.suspend` of an object set (`flux suspend` / `flux resume`), e.g. the ImageUpdateAutomation in a git rollback. */
  | { type: 'suspend' | 'resume'; at: number; kind: string; namespace: string; name: string };

/** What must be done to be back at the start state; `why` says whose change it undoes. */
export type RestoreAction =
  | { action: 'restore-git'; branch: string; file: string; from: string; to: string; why?: string }
  | { action: 'delete-tag'; repository: string; tag: string; digest: string; why?: string }
  | { action: 'resume'; kind: string; namespace: string; name: string; why?: string };

/**
 * Actions that undo the ledger, in order (git first, so Flux stops referencing the to-tag before it disappears;
 * what the run suspended resumed last, once git and the registry are back). Pure: an empty ledger or one that already restored itself gives no actions.
 */
export function restoreActions(entries: readonly LedgerEntry[], start: { fromTag: string }): RestoreAction[] {
  const ordered = [...entries].sort((a, b) => a.at - b.at);
  const actions: RestoreAction[] = [];
  const lastGit = [...ordered]
    .reverse()
    .find((e): e is Extract<LedgerEntry, { type: 'git-push' }> => e.type === 'git-push');
  if (lastGit && lastGit.toValue !== start.fromTag) {
    actions.push({
      action: 'restore-git',
      branch: lastGit.branch,
      file: lastGit.file,
      from: lastGit.toValue,
      to: start.fromTag,
    });
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

/**
 * The order to run the actions in. Git first, so Flux stops referencing the to-tag before it disappears — except in
 * automation mode, where the automation commits whatever the ImagePolicy selects: there the to-tag goes first, and
 * git is restored only once the policy has let go of it (else the automation would commit it again). What the run
 * suspended is resumed last, once git and the registry are back.
 */
export function restoreOrder(actions: readonly RestoreAction[], mode: 'manual' | 'automation'): RestoreAction[] {
  const rank: Record<RestoreAction['action'], number> =
    mode === 'manual'
      ? { 'restore-git': 0, 'delete-tag': 1, resume: 2 }
      : { 'delete-tag': 0, 'restore-git': 1, resume: 2 };
  return [...actions].sort((a, b) => rank[a.action] - rank[b.action]);
}

/** One line per action, for the reports. */
export function describeRestoreAction(a: RestoreAction): string {
  if (a.action === 'restore-git')
    return `restore ${a.file} on ${a.branch} from ${a.from} to ${a.to}${a.why ? ` (${a.why})` : ''}`;
  if (a.action === 'resume') return `resume ${a.kind} ${a.namespace}/${a.name} ${a.why ?? 'suspended by this run'}`;
  return `delete ${a.repository}:${a.tag} (${a.digest}) ${a.why ?? 'pushed by this run'}`;
}
