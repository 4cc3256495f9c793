/**
 * Field paths into Kubernetes objects and YAML documents, written the way people write them in messages and
 * profiles: `spec.values.foundry.byo.tag`, `status.history[0].version`, `metadata.annotations["a.b/c"]`.
 * Shared by the YAML editor and the condition readers so a path means the same thing everywhere.
 */

/** One step of a path: a map key or a sequence index. */
export type PathSegment = string | number;

/** A path as text (`a.b[0].c`) or as ready segments (`['a', 'b', 0, 'c']`). */
export type PathInput = string | readonly PathSegment[];

/** Token readers tried in order at each position of a textual path. */
const TOKENS: ReadonlyArray<{ re: RegExp; read: (m: RegExpExecArray) => PathSegment }> = [
  { re: /\[(\d+)\]/y, read: (m) => Number(m[1]) },
  { re: /\["((?:[^"\\]|\\.)*)"\]/y, read: (m) => JSON.parse(`"${m[1]}"`) as string },
  { re: /\['([^']*)'\]/y, read: (m) => m[1]! },
  { re: /\.?([^.[\]]+)/y, read: (m) => m[1]! },
];

/**
 * Splits a path into segments. `a.b[0]` → `['a', 'b', 0]`; keys containing dots use brackets:
 * `metadata.annotations["reconcile.fluxcd.io/requestedAt"]`. Throws on malformed text (empty keys, open brackets).
 */
export function parsePath(path: PathInput): PathSegment[] {
  if (typeof path !== 'string') return [...path];
  const segments: PathSegment[] = [];
  let at = 0;
  while (at < path.length) {
    const token = TOKENS.map(({ re, read }) => {
      re.lastIndex = at;
      const m = re.exec(path);
      return m ? { end: re.lastIndex, value: read(m) } : undefined;
    }).find(Boolean);
    if (!token || (at > 0 && path[at] !== '.' && path[at] !== '[')) {
      throw new Error(`malformed path ${JSON.stringify(path)} at character ${at + 1}`);
    }
    segments.push(token.value);
    at = token.end;
  }
  if (segments.length === 0 || path.endsWith('.')) throw new Error(`malformed path ${JSON.stringify(path)}`);
  return segments;
}

/** Formats segments back to the textual form used in messages (`status.history[0].version`). */
export function formatPath(path: PathInput): string {
  return parsePath(path)
    .map((seg, i) => {
      if (typeof seg === 'number') return `[${seg}]`;
      if (/^[^.[\]"']+$/.test(seg)) return i === 0 ? seg : `.${seg}`;
      return `[${JSON.stringify(seg)}]`;
    })
    .join('');
}

/** Reads the value at a path of a plain object tree; undefined when any step is missing. */
export function getPath(root: unknown, path: PathInput): unknown {
  let node: unknown = root;
  for (const seg of parsePath(path)) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, unknown>)[seg];
  }
  return node;
}
