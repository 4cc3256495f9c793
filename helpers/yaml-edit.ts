/**
 * Surgical edits of one scalar in a (multi-document) YAML file, as a person would make them in an editor: only
 * the value's characters change. Comments (the Flux setter marker `# {"$imagepolicy": …}` on the same line),
 * indentation, quoting style, key order and every other byte stay as they were, so the git diff of an upgrade
 * is exactly one line. Use it for the tag bump in `apps/foundry-gpu-oras/helmrelease.yaml`.
 */
import { isMap, isScalar, isSeq, parseAllDocuments, type Document, type Node, type Scalar } from 'yaml';
import { formatPath, parsePath, type PathInput, type PathSegment } from './object-path.ts';

/** Picks one document of a multi-document file by its Kubernetes identity. */
export interface DocumentSelector {
  kind?: string;
  name?: string;
  namespace?: string;
}

export interface SetYamlValueOptions {
  /** Fail unless the current value (as text) equals this, so a concurrent or unexpected change is not overwritten. */
  expectCurrent?: string;
  /** Which document to edit when several have the path. */
  selector?: DocumentSelector;
  /** Prefix for error messages, usually the file name (`apps/foundry-gpu-oras/helmrelease.yaml`). */
  source?: string;
}

export interface SetYamlValueResult {
  /** The whole file with only the value's characters replaced. */
  text: string;
  /** The value before the edit, as YAML parsed it (a string for a tag, possibly a number elsewhere). */
  previous: unknown;
  /** 1-based line of the edited value, for messages and diff checks. */
  line: number;
}

type ScalarStyle = 'PLAIN' | 'QUOTE_DOUBLE' | 'QUOTE_SINGLE';

/** How a string is written in each scalar style we can edit in place. */
const RENDER: Readonly<Record<ScalarStyle, (value: string) => string>> = {
  PLAIN: (value) => value,
  // JSON escapes are valid YAML double-quoted escapes.
  QUOTE_DOUBLE: (value) => JSON.stringify(value),
  QUOTE_SINGLE: (value) => `'${value.replaceAll("'", "''")}'`,
};

/**
 * Replaces the scalar at `path` with the string `value`, keeping everything else byte for byte. The quoting style
 * is kept; a plain scalar that would no longer read back as the same string (`1.0`, `yes`, `a # b`) is written
 * double-quoted instead. Throws one clear line when the path is missing, ambiguous across documents, not a
 * scalar, or its current value differs from `expectCurrent`.
 */
export function setYamlValue(
  text: string,
  path: PathInput,
  value: string,
  options: SetYamlValueOptions = {},
): SetYamlValueResult {
  const where = options.source ? `${options.source}: ` : '';
  const segments = parsePath(path);
  const shown = formatPath(segments);
  const doc = pickDocument(text, segments, options.selector, where, shown);
  const node = tryWalk(doc, segments).node ?? null;
  if (!isScalar(node) || !node.range)
    throw new Error(`${where}${shown} is not a scalar value (found ${describeNode(node)})`);
  const style = node.type as string;
  if (!(style in RENDER))
    throw new Error(`${where}${shown} is a ${style} scalar; only plain and quoted scalars are edited in place`);
  const previous = node.toJS(doc) as unknown;
  if (options.expectCurrent !== undefined && String(previous) !== options.expectCurrent) {
    throw new Error(
      `${where}${shown} is ${JSON.stringify(String(previous))}, expected ${JSON.stringify(options.expectCurrent)}`,
    );
  }
  const [start, end] = node.range;
  const line = text.slice(0, start).split('\n').length;
  const candidates = [...new Set([style as ScalarStyle, 'QUOTE_DOUBLE' as const])];
  for (const candidate of candidates) {
    const edited = text.slice(0, start) + RENDER[candidate](value) + text.slice(end);
    if (readsBack(edited, segments, options.selector, value)) return { text: edited, previous, line };
  }
  throw new Error(`${where}${shown}: cannot write ${JSON.stringify(value)} in place without changing its meaning`);
}

/**
 * Reads the value at `path` (the first document that has it, or the selected one); undefined when absent.
 * Collections come back as plain objects/arrays.
 */
export function getYamlValue(text: string, path: PathInput, options: { selector?: DocumentSelector } = {}): unknown {
  const segments = parsePath(path);
  for (const doc of documents(text, '')) {
    if (options.selector && !matches(doc, options.selector)) continue;
    const found = tryWalk(doc, segments);
    if (found.node !== undefined) return found.node === null ? null : found.node.toJS(doc);
  }
  return undefined;
}

function readsBack(
  text: string,
  segments: PathSegment[],
  selector: DocumentSelector | undefined,
  value: string,
): boolean {
  try {
    const docs = parseAllDocuments(text);
    if (!Array.isArray(docs) || docs.some((d) => d.errors.length > 0)) return false;
    return getYamlValue(text, segments, { selector }) === value;
  } catch {
    return false;
  }
}

function documents(text: string, where: string): Document.Parsed[] {
  const docs = parseAllDocuments(text);
  if (!Array.isArray(docs)) return [];
  for (const doc of docs) {
    const err = doc.errors[0];
    if (err) throw new Error(`${where}not valid YAML: ${err.message.split('\n')[0]}`);
  }
  return docs;
}

function pickDocument(
  text: string,
  segments: PathSegment[],
  selector: DocumentSelector | undefined,
  where: string,
  shown: string,
): Document.Parsed {
  const docs = documents(text, where);
  const selected = selector ? docs.filter((d) => matches(d, selector)) : docs;
  if (selector && selected.length === 0) throw new Error(`${where}no document matches ${describeSelector(selector)}`);
  const withPath = selected.filter((d) => tryWalk(d, segments).node !== undefined);
  if (withPath.length === 1) return withPath[0]!;
  if (withPath.length > 1) {
    const ids = withPath.map(identity).join(', ');
    throw new Error(`${where}${shown} exists in ${withPath.length} documents (${ids}); pass a selector {kind, name}`);
  }
  // Report the deepest missing step of the best candidate, which is what a person needs to fix the path.
  const best = selected.map((d) => tryWalk(d, segments)).sort((a, b) => b.depth - a.depth)[0];
  if (!best) throw new Error(`${where}${shown} not found: the file has no YAML documents`);
  const parent = best.depth === 0 ? 'the document root' : formatPath(segments.slice(0, best.depth));
  throw new Error(`${where}${shown} not found: no ${describeSegment(segments[best.depth]!)} under ${parent}`);
}

interface WalkResult {
  /** The node at the full path; undefined when a step is missing, null for an explicit empty value. */
  node: Node | null | undefined;
  /** How many segments resolved. */
  depth: number;
}

function tryWalk(doc: Document.Parsed, segments: PathSegment[]): WalkResult {
  let node: unknown = doc.contents;
  for (let depth = 0; depth < segments.length; depth++) {
    const next = child(node, segments[depth]!);
    if (next === undefined) return { node: undefined, depth };
    node = next;
  }
  return { node: node as Node | null, depth: segments.length };
}

/** One step down: map keys compare as text (so `1` finds key `1`), sequence indexes must be numbers. */
function child(node: unknown, segment: PathSegment): unknown {
  if (isMap(node)) {
    const pair = node.items.find((p) => keyText(p.key) === String(segment));
    return pair ? (pair.value ?? null) : undefined;
  }
  if (isSeq(node) && typeof segment === 'number') {
    return segment < node.items.length ? (node.items[segment] ?? null) : undefined;
  }
  return undefined;
}

function keyText(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value);
  return typeof key === 'string' || typeof key === 'number' ? String(key) : undefined;
}

function matches(doc: Document.Parsed, selector: DocumentSelector): boolean {
  const checks: Array<[string | undefined, unknown]> = [
    [selector.kind, doc.getIn(['kind'])],
    [selector.name, doc.getIn(['metadata', 'name'])],
    [selector.namespace, doc.getIn(['metadata', 'namespace'])],
  ];
  return checks.every(([want, have]) => want === undefined || want === have);
}

function identity(doc: Document.Parsed): string {
  const kind = doc.getIn(['kind']) ?? 'document';
  const name = doc.getIn(['metadata', 'name']);
  return name === undefined ? String(kind) : `${String(kind)}/${String(name)}`;
}

function describeSelector(selector: DocumentSelector): string {
  return JSON.stringify(selector);
}

function describeSegment(segment: PathSegment): string {
  return typeof segment === 'number' ? `item [${segment}]` : `key ${JSON.stringify(segment)}`;
}

function describeNode(node: Node | null): string {
  if (node === null) return 'an empty value';
  if (isMap(node)) return 'a map';
  if (isSeq(node)) return 'a sequence';
  return `a ${(node as Scalar).type ?? 'node'}`;
}
