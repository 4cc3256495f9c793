/**
 * The lines that differ between two versions of a text file, for asserting that the tag bump in the GitOps repo
 * is exactly a one-line change (comments, setter marker and everything else untouched).
 */

/** One changed region line: `before`/`after` undefined when the line was added/removed. 1-based line numbers. */
export interface ChangedLine {
  line: number;
  before?: string;
  after?: string;
}

/**
 * Compares by common prefix and suffix: everything in between is changed, pairwise. Exact for edits confined to
 * one region (what an in-place value edit is); a scattered edit shows as one larger region, which is what a
 * "diff is one line" check must reject anyway.
 */
export function changedLines(before: string, after: string): ChangedLine[] {
  const a = before.split('\n');
  const b = after.split('\n');
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  if (start === a.length && start === b.length) return [];
  let endA = a.length - 1;
  let endB = b.length - 1;
  while (endA >= start && endB >= start && a[endA] === b[endB]) {
    endA--;
    endB--;
  }
  const count = Math.max(endA - start + 1, endB - start + 1);
  return Array.from({ length: count }, (_, i) => {
    const row: ChangedLine = { line: start + i + 1 };
    if (start + i <= endA) row.before = a[start + i];
    if (start + i <= endB) row.after = b[start + i];
    return row;
  });
}

/** A unified-diff-like text of the changed lines, for attachments: `-12: old` / `+12: new`. */
export function formatChangedLines(changes: readonly ChangedLine[]): string {
  return changes
    .flatMap((c) => [
      ...(c.before === undefined ? [] : [`-${c.line}: ${c.before}`]),
      ...(c.after === undefined ? [] : [`+${c.line}: ${c.after}`]),
    ])
    .join('\n');
}
