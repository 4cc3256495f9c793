/**
 * Kubernetes-flavoured JSONPath (the dialect of k8s.io/client-go/util/jsonpath), as CRD
 * `additionalPrinterColumns` and `kubectl -o jsonpath` use it: `.a.b`, `['a.b']`, `[0]`, `[-1]`, `[1:3]`, `[*]`,
 * `.*`, `..name`, unions `[0,2]`, and filters `[?(@.type=="Ready")]` with `== != < <= > >=` or bare existence.
 * Missing keys yield no result instead of an error (printer columns run with AllowMissingKeys).
 *
 * Written by hand rather than on jsonpath-plus because that library evaluates filters as JavaScript and has a
 * different missing-key and `$`-root behaviour; printer columns need the Kubernetes semantics exactly.
 */

type Literal = string | number | boolean | null;

type Operand = { kind: 'path'; path: Segment[] } | { kind: 'literal'; value: Literal };

type Segment =
  | { kind: 'field'; name: string }
  | { kind: 'wildcard' }
  | { kind: 'recursive' }
  | { kind: 'index'; indices: number[] }
  | { kind: 'slice'; start?: number; end?: number; step?: number }
  | { kind: 'keys'; names: string[] }
  | { kind: 'filter'; left: Operand; op?: string; right?: Operand };

/** Two-character operators first, so `<=` is not read as `<` followed by `=`. */
const FILTER_OPERATORS = ['==', '!=', '<=', '>=', '<', '>'] as const;

/**
 * Evaluates `expr` against `obj` and returns every match, in document order. Throws on a syntax error.
 * Use for CRD printer columns (the API server takes the first match) and anywhere a Kubernetes JSONPath is given.
 */
export function evaluateJsonPath(obj: unknown, expr: string): unknown[] {
  return evaluate(parseJsonPath(expr), [obj]);
}

/** Parses once so callers evaluating the same path over many objects can reuse it (see `compileJsonPath`). */
export function compileJsonPath(expr: string): (obj: unknown) => unknown[] {
  const segments = parseJsonPath(expr);
  return (obj) => evaluate(segments, [obj]);
}

function parseJsonPath(expr: string): Segment[] {
  let text = expr.trim();
  if (text.startsWith('{') && text.endsWith('}')) text = text.slice(1, -1).trim();
  if (text.startsWith('$')) text = text.slice(1);
  return new PathParser(text, expr).parse();
}

class PathParser {
  private pos = 0;
  constructor(
    private readonly text: string,
    private readonly original: string,
  ) {}

  parse(): Segment[] {
    const segments: Segment[] = [];
    while (this.pos < this.text.length) {
      const ch = this.text[this.pos];
      if (ch === '.') {
        if (this.text[this.pos + 1] === '.') {
          this.pos += 2;
          segments.push({ kind: 'recursive' });
          if (this.text[this.pos] === '[') continue;
        } else {
          this.pos += 1;
        }
        if (this.pos >= this.text.length) break; // a lone trailing '.' means "the current value"
        if (this.text[this.pos] === '*') {
          this.pos += 1;
          segments.push({ kind: 'wildcard' });
        } else if (this.text[this.pos] !== '[') {
          segments.push({ kind: 'field', name: this.readFieldName() });
        }
      } else if (ch === '[') {
        segments.push(this.readBracket());
      } else {
        // `metadata.name` without the leading dot is accepted by kubectl for convenience
        segments.push({ kind: 'field', name: this.readFieldName() });
      }
    }
    return segments;
  }

  private fail(why: string): never {
    throw new Error(`invalid JSONPath ${JSON.stringify(this.original)}: ${why} at position ${this.pos}`);
  }

  /** Field names end at `.` or `[`; `\.` escapes a dot so `kubernetes\.io/name` stays one key. */
  private readFieldName(): string {
    let name = '';
    while (this.pos < this.text.length) {
      const ch = this.text[this.pos];
      if (ch === '\\' && this.text[this.pos + 1] === '.') {
        name += '.';
        this.pos += 2;
        continue;
      }
      if (
        ch === '.' ||
        ch === '[' ||
        ch === ' ' ||
        ch === ')' ||
        FILTER_OPERATORS.some((op) => this.text.startsWith(op, this.pos))
      )
        break;
      name += ch;
      this.pos += 1;
    }
    if (!name) this.fail('expected a field name');
    return name;
  }

  private readBracket(): Segment {
    const close = this.matchingBracket(this.pos);
    const inner = this.text.slice(this.pos + 1, close).trim();
    this.pos = close + 1;
    if (inner === '*') return { kind: 'wildcard' };
    if (inner.startsWith('?')) return this.parseFilter(inner.slice(1).trim());
    if (inner.startsWith("'") || inner.startsWith('"')) return { kind: 'keys', names: splitUnion(inner).map(unquote) };
    if (inner.includes(':')) return parseSlice(inner, (why) => this.fail(why));
    const indices = splitUnion(inner).map((part) => {
      if (!/^-?\d+$/.test(part)) this.fail(`unrecognized index ${JSON.stringify(part)}`);
      return Number(part);
    });
    return { kind: 'index', indices };
  }

  private matchingBracket(open: number): number {
    let depth = 0;
    let quote: string | undefined;
    for (let i = open; i < this.text.length; i++) {
      const ch = this.text[i];
      if (quote) {
        if (ch === quote) quote = undefined;
        continue;
      }
      if (ch === "'" || ch === '"') quote = ch;
      else if (ch === '[') depth += 1;
      else if (ch === ']' && --depth === 0) return i;
    }
    return this.fail('unterminated [');
  }

  private parseFilter(body: string): Segment {
    if (!body.startsWith('(') || !body.endsWith(')')) this.fail('a filter must look like ?(...)');
    const expr = body.slice(1, -1).trim();
    const split = findOperator(expr);
    if (!split) return { kind: 'filter', left: parseOperand(expr, this.original) };
    return {
      kind: 'filter',
      left: parseOperand(expr.slice(0, split.at).trim(), this.original),
      op: split.op,
      right: parseOperand(expr.slice(split.at + split.op.length).trim(), this.original),
    };
  }
}

function splitUnion(inner: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quote: string | undefined;
  for (const ch of inner) {
    if (quote) {
      current += ch;
      if (ch === quote) quote = undefined;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      current += ch;
    } else if (ch === ',') {
      parts.push(current.trim());
      current = '';
    } else {
      current += ch;
    }
  }
  parts.push(current.trim());
  return parts;
}

function unquote(text: string): string {
  const q = text[0];
  if ((q === "'" || q === '"') && text.endsWith(q) && text.length >= 2) return text.slice(1, -1);
  return text;
}

function parseSlice(inner: string, fail: (why: string) => never): Segment {
  const parts = inner.split(':').map((p) => p.trim());
  if (parts.length > 3) fail('too many : in slice');
  const num = (p: string | undefined): number | undefined => {
    if (p === undefined || p === '') return undefined;
    if (!/^-?\d+$/.test(p)) fail(`unrecognized slice bound ${JSON.stringify(p)}`);
    return Number(p);
  };
  return { kind: 'slice', start: num(parts[0]), end: num(parts[1]), step: num(parts[2]) };
}

/** Finds the comparison operator outside quotes; two-character operators win over their one-character prefixes. */
function findOperator(expr: string): { at: number; op: string } | undefined {
  let quote: string | undefined;
  for (let i = 0; i < expr.length; i++) {
    const ch = expr[i];
    if (quote) {
      if (ch === quote) quote = undefined;
      continue;
    }
    if (ch === "'" || ch === '"') {
      quote = ch;
      continue;
    }
    const op = FILTER_OPERATORS.find((candidate) => expr.startsWith(candidate, i));
    if (op) return { at: i, op };
  }
  return undefined;
}

function parseOperand(text: string, original: string): Operand {
  if (text.startsWith('@') || text.startsWith('$'))
    return { kind: 'path', path: new PathParser(text.slice(1), original).parse() };
  if ((text.startsWith('"') || text.startsWith("'")) && text.endsWith(text[0]) && text.length >= 2) {
    return { kind: 'literal', value: text.slice(1, -1) };
  }
  if (text === 'true' || text === 'false') return { kind: 'literal', value: text === 'true' };
  if (text === 'nil' || text === 'null') return { kind: 'literal', value: null };
  if (/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(text)) return { kind: 'literal', value: Number(text) };
  throw new Error(`invalid JSONPath ${JSON.stringify(original)}: unrecognized filter operand ${JSON.stringify(text)}`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Each segment maps the current match list to the next one; missing keys simply drop out. */
const STEPS: { [K in Segment['kind']]: (seg: Extract<Segment, { kind: K }>, input: unknown[]) => unknown[] } = {
  field: (seg, input) => input.flatMap((v) => (isRecord(v) && Object.hasOwn(v, seg.name) ? [v[seg.name]] : [])),
  keys: (seg, input) =>
    input.flatMap((v) => (isRecord(v) ? seg.names.filter((n) => Object.hasOwn(v, n)).map((n) => v[n]) : [])),
  wildcard: (_seg, input) =>
    input.flatMap((v) =>
      Array.isArray(v)
        ? v
        : isRecord(v)
          ? Object.keys(v)
              .sort()
              .map((k) => v[k])
          : [],
    ),
  recursive: (_seg, input) => input.flatMap((v) => descendants(v)),
  index: (seg, input) =>
    input.flatMap((v) => {
      if (!Array.isArray(v)) return [];
      return seg.indices.flatMap((i) => {
        const at = i < 0 ? v.length + i : i;
        return at >= 0 && at < v.length ? [v[at]] : [];
      });
    }),
  slice: (seg, input) =>
    input.flatMap((v) => {
      if (!Array.isArray(v)) return [];
      const step = seg.step ?? 1;
      if (step <= 0) return [];
      const clamp = (n: number) => Math.min(Math.max(n < 0 ? v.length + n : n, 0), v.length);
      const out: unknown[] = [];
      for (let i = clamp(seg.start ?? 0); i < clamp(seg.end ?? v.length); i += step) out.push(v[i]);
      return out;
    }),
  filter: (seg, input) =>
    input.flatMap((v) => {
      const items = Array.isArray(v)
        ? v
        : isRecord(v)
          ? Object.keys(v)
              .sort()
              .map((k) => v[k])
          : [];
      return items.filter((item) => filterMatches(seg, item));
    }),
};

function evaluate(segments: Segment[], input: unknown[]): unknown[] {
  let current = input;
  for (const seg of segments) {
    const step = STEPS[seg.kind] as (s: Segment, i: unknown[]) => unknown[];
    current = step(seg, current);
    if (current.length === 0) break;
  }
  return current;
}

/** The value itself and every nested value, depth first, as `..` visits them. */
function descendants(value: unknown): unknown[] {
  const out: unknown[] = [value];
  if (Array.isArray(value)) for (const item of value) out.push(...descendants(item));
  else if (isRecord(value)) for (const key of Object.keys(value).sort()) out.push(...descendants(value[key]));
  return out;
}

function operandValues(operand: Operand, item: unknown): unknown[] {
  return operand.kind === 'literal' ? [operand.value] : evaluate(operand.path, [item]);
}

const COMPARE: Record<string, (a: unknown, b: unknown) => boolean> = {
  '==': (a, b) => a === b,
  '!=': (a, b) => a !== b,
  '<': (a, b) => ordered(a, b) && (a as number) < (b as number),
  '<=': (a, b) => ordered(a, b) && (a as number) <= (b as number),
  '>': (a, b) => ordered(a, b) && (a as number) > (b as number),
  '>=': (a, b) => ordered(a, b) && (a as number) >= (b as number),
};

/** Only numbers with numbers and strings with strings compare; Kubernetes refuses mixed kinds too. */
function ordered(a: unknown, b: unknown): boolean {
  return (typeof a === 'number' && typeof b === 'number') || (typeof a === 'string' && typeof b === 'string');
}

function filterMatches(seg: Extract<Segment, { kind: 'filter' }>, item: unknown): boolean {
  const lefts = operandValues(seg.left, item);
  if (!seg.op || !seg.right) return lefts.length > 0;
  if (lefts.length === 0) return false;
  const rights = operandValues(seg.right, item);
  if (rights.length === 0) return false;
  return COMPARE[seg.op](lefts[0], rights[0]);
}
