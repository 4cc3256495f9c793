/**
 * Flux's way of writing a git revision (`main@sha1:<40 hex>`, `refs/heads/main@sha1:…` when `spec.ref.name` is used;
 * `main/<sha>` before Flux 2.0), so revision-exact waits compare the commit the suite pushed with what the
 * GitRepository and Kustomization report.
 */

/** The revision Flux reports for a push to `branch`: `main@sha1:<sha>`. */
export function gitRevision(branch: string, sha: string): string {
  return `${branch}@sha1:${sha}`;
}

/** The commit SHA of a revision in any of Flux's formats, or undefined. */
export function revisionCommit(revision: string | undefined): string | undefined {
  if (!revision) return undefined;
  const m =
    /(?:@sha1:|@sha256:|^sha1:|\/)([0-9a-f]{40}|[0-9a-f]{64})$/.exec(revision) ?? /^([0-9a-f]{40})$/.exec(revision);
  return m?.[1];
}

/** True when the revision names exactly this commit (full SHA comparison, any Flux format). */
export function revisionIsCommit(revision: string | undefined, sha: string): boolean {
  return revisionCommit(revision) === sha.toLowerCase();
}
