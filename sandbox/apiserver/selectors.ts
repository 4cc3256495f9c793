/**
 * Label selectors with the grammar, validation and error wording of k8s.io/apimachinery/pkg/labels:
 * `a=b`, `a==b`, `a!=b`, `a in (x,y)`, `a notin (x)`, `a`, `!a`, `a>1`, `a<1`, comma = AND.
 * Field selectors live in field-selector.ts and are re-exported here, so the API server imports one module.
 */
import { labelKeyErrors, labelValueErrors } from './label-validation.ts';

export {
  type FieldSelector,
  type FieldRequirement,
  parseFieldSelector,
  matchFieldSelector,
  unsupportedFieldLabel,
  objectFields,
} from './field-selector.ts';

/** The operators of `selection.Operator`, spelled as Kubernetes spells them. */
export type LabelOperator = '=' | '==' | '!=' | 'in' | 'notin' | 'exists' | '!' | 'gt' | 'lt';

/** One ANDed term of a selector; `values` is sorted, as `sets.String.List()` leaves it. */
export interface LabelRequirement {
  key: string;
  operator: LabelOperator;
  values: string[];
}

/**
 * A parsed label selector: requirements sorted by key. `nothing` marks the selector that matches no object
 * (a nil `metav1.LabelSelector`), which differs from the empty selector that matches everything.
 */
export interface LabelSelector {
  requirements: LabelRequirement[];
  nothing?: boolean;
}

type Token = 'error' | 'end' | ')' | ',' | '!' | '==' | '=' | '>' | 'id' | 'in' | '<' | '!=' | 'notin' | '(';

const LITERAL_TOKENS: Record<string, Token> = {
  ')': ')',
  ',': ',',
  '!': '!',
  '==': '==',
  '=': '=',
  '>': '>',
  in: 'in',
  '<': '<',
  '!=': '!=',
  notin: 'notin',
  '(': '(',
};

const BINARY_OPERATORS = 'in, notin, =, ==, !=, gt, lt';

/** Which operator each operator token stands for once a key has been read. */
const OPERATOR_OF_TOKEN: Partial<Record<Token, LabelOperator>> = {
  in: 'in',
  '=': '=',
  '==': '==',
  '>': 'gt',
  '<': 'lt',
  notin: 'notin',
  '!=': '!=',
};

interface Scanned {
  tok: Token;
  lit: string;
}

const isWhitespace = (ch: string) => ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n';
const isSpecial = (ch: string) => '=!(),><'.includes(ch);

/** Splits the selector into tokens the way labels.Lexer does (greedy on operator characters). */
function lex(text: string): Scanned[] {
  const items: Scanned[] = [];
  let pos = 0;
  for (;;) {
    while (pos < text.length && isWhitespace(text[pos])) pos++;
    if (pos >= text.length) {
      items.push({ tok: 'end', lit: '' });
      return items;
    }
    if (isSpecial(text[pos])) {
      let buffer = '';
      let last: Scanned | undefined;
      while (pos < text.length && isSpecial(text[pos])) {
        buffer += text[pos];
        const tok = LITERAL_TOKENS[buffer];
        if (tok) {
          last = { tok, lit: buffer };
          pos++;
        } else if (last) {
          break;
        } else {
          pos++;
        }
      }
      items.push(last ?? { tok: 'error', lit: `error expected: keyword found '${buffer}'` });
      continue;
    }
    let word = '';
    while (pos < text.length && !isSpecial(text[pos]) && !isWhitespace(text[pos])) word += text[pos++];
    items.push({ tok: LITERAL_TOKENS[word] ?? 'id', lit: word });
  }
}

/** A small recursive-descent parser mirroring labels.Parser, including its error messages. */
class LabelParser {
  private position = 0;
  constructor(private readonly items: Scanned[]) {}

  /** In value position `in`/`notin` are ordinary identifiers (`a in (in)` is legal). */
  private lookahead(values: boolean): Scanned {
    const item = this.items[this.position];
    return values && (item.tok === 'in' || item.tok === 'notin') ? { tok: 'id', lit: item.lit } : item;
  }

  private consume(values: boolean): Scanned {
    const item = this.lookahead(values);
    this.position++;
    return item;
  }

  parse(): LabelRequirement[] {
    const requirements: LabelRequirement[] = [];
    for (;;) {
      const { tok, lit } = this.lookahead(true);
      if (tok === 'end') return requirements;
      if (tok !== 'id' && tok !== '!') throw new Error(`found '${lit}', expected: !, identifier, or 'end of string'`);
      try {
        requirements.push(this.parseRequirement());
      } catch (err) {
        throw new Error(`unable to parse requirement: ${(err as Error).message}`);
      }
      const next = this.consume(true);
      if (next.tok === 'end') return requirements;
      if (next.tok !== ',') throw new Error(`found '${next.lit}', expected: ',' or 'end of string'`);
      const after = this.lookahead(true);
      if (after.tok !== 'id' && after.tok !== '!')
        throw new Error(`found '${after.lit}', expected: identifier after ','`);
    }
  }

  private parseRequirement(): LabelRequirement {
    let { tok, lit } = this.consume(true);
    let operator: LabelOperator | undefined;
    if (tok === '!') {
      operator = '!';
      ({ tok, lit } = this.consume(true));
    }
    if (tok !== 'id') throw new Error(`found '${lit}', expected: identifier`);
    const key = lit;
    const keyErrors = labelKeyErrors(key);
    if (keyErrors.length) throw new Error(`<nil>: Invalid value: ${JSON.stringify(key)}: ${keyErrors.join('; ')}`);
    // `!key` is complete by itself; whatever follows is the caller's problem (`found '=', expected: ','…`)
    if (operator === '!') return newRequirement(key, '!', []);
    const ahead = this.lookahead(true).tok;
    if (ahead === 'end' || ahead === ',') return newRequirement(key, 'exists', []);
    const opToken = this.consume(false);
    operator = OPERATOR_OF_TOKEN[opToken.tok];
    if (!operator) throw new Error(`found '${opToken.lit}', expected: ${BINARY_OPERATORS}`);
    const values = operator === 'in' || operator === 'notin' ? this.parseValues() : this.parseExactValue();
    return newRequirement(key, operator, values);
  }

  private parseValues(): string[] {
    const open = this.consume(true);
    if (open.tok !== '(') throw new Error(`found '${open.lit}' expected: '('`);
    const { tok, lit } = this.lookahead(true);
    if (tok === ')') {
      this.consume(true);
      return [''];
    }
    if (tok !== 'id' && tok !== ',') throw new Error(`found '${lit}', expected: ',', ')' or identifier`);
    const values = this.parseIdentifiersList();
    if (this.consume(true).tok !== ')') throw new Error(`found '${lit}', expected: ')'`);
    return values;
  }

  private parseIdentifiersList(): string[] {
    const values = new Set<string>();
    for (;;) {
      const { tok, lit } = this.consume(true);
      if (tok === 'id') {
        values.add(lit);
        const next = this.lookahead(true);
        if (next.tok === ',') continue;
        if (next.tok === ')') return [...values];
        throw new Error(`found '${next.lit}', expected: ',' or ')'`);
      }
      if (tok !== ',') throw new Error(`found '${lit}', expected: ',', or identifier`);
      // `(,a`, `a,)` and `a,,b` all contain the empty value
      if (values.size === 0) values.add('');
      const next = this.lookahead(true).tok;
      if (next === ')') {
        values.add('');
        return [...values];
      }
      if (next === ',') values.add('');
    }
  }

  private parseExactValue(): string[] {
    const ahead = this.lookahead(true).tok;
    if (ahead === 'end' || ahead === ',') return [''];
    const { tok, lit } = this.consume(true);
    if (tok === 'id') return [lit];
    throw new Error(`found '${lit}', expected: identifier`);
  }
}

/** labels.NewRequirement: validates values per operator and as label values; errors are aggregated. */
function newRequirement(key: string, operator: LabelOperator, rawValues: string[]): LabelRequirement {
  const values = [...new Set(rawValues)].sort();
  const errors: string[] = [];
  if ((operator === 'gt' || operator === 'lt') && values.length === 1 && !/^[+-]?\d+$/.test(values[0])) {
    errors.push(
      `values[0]: Invalid value: ${JSON.stringify(values[0])}: for 'Gt', 'Lt' operators, the value must be an integer`,
    );
  }
  values.forEach((value, i) => {
    const problems = labelValueErrors(value);
    if (problems.length)
      errors.push(`values[${i}][${key}]: Invalid value: ${JSON.stringify(value)}: ${problems.join('; ')}`);
  });
  if (errors.length === 1) throw new Error(errors[0]);
  if (errors.length > 1) throw new Error(`[${errors.join(', ')}]`);
  return { key, operator, values };
}

function byKey(a: LabelRequirement, b: LabelRequirement): number {
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

/**
 * Parses a label selector string (the `labelSelector` query parameter, `kubectl -l`). The empty string matches
 * everything. Throws `Error` with the message the real server puts into its 400 BadRequest.
 */
export function parseLabelSelector(text: string): LabelSelector {
  const requirements = new LabelParser(lex(text)).parse();
  return { requirements: requirements.sort(byKey) };
}

const MATCHERS: Record<LabelOperator, (req: LabelRequirement, labels: Record<string, string>) => boolean> = {
  '=': (r, l) => Object.hasOwn(l, r.key) && r.values.includes(l[r.key]),
  '==': (r, l) => Object.hasOwn(l, r.key) && r.values.includes(l[r.key]),
  in: (r, l) => Object.hasOwn(l, r.key) && r.values.includes(l[r.key]),
  '!=': (r, l) => !Object.hasOwn(l, r.key) || !r.values.includes(l[r.key]),
  notin: (r, l) => !Object.hasOwn(l, r.key) || !r.values.includes(l[r.key]),
  exists: (r, l) => Object.hasOwn(l, r.key),
  '!': (r, l) => !Object.hasOwn(l, r.key),
  gt: (r, l) => compareInt(l[r.key], r.values[0], (a, b) => a > b),
  lt: (r, l) => compareInt(l[r.key], r.values[0], (a, b) => a < b),
};

function compareInt(
  label: string | undefined,
  bound: string | undefined,
  cmp: (a: bigint, b: bigint) => boolean,
): boolean {
  if (label === undefined || bound === undefined) return false;
  if (!/^[+-]?\d+$/.test(label) || !/^[+-]?\d+$/.test(bound)) return false;
  return cmp(BigInt(label), BigInt(bound));
}

/** True when every requirement holds for `labels` (missing labels count as an empty set). */
export function matchLabelSelector(sel: LabelSelector, labels?: Record<string, string>): boolean {
  if (sel.nothing) return false;
  const set = labels ?? {};
  return sel.requirements.every((req) => MATCHERS[req.operator](req, set));
}

/** The `metav1.LabelSelector` shape used by Deployments, ReplicaSets, Services' consumers, PDBs, … */
export interface LabelSelectorSpec {
  matchLabels?: Record<string, string> | null;
  matchExpressions?: Array<{ key: string; operator: string; values?: string[] | null }> | null;
}

const EXPRESSION_OPERATORS: Record<string, LabelOperator> = {
  In: 'in',
  NotIn: 'notin',
  Exists: 'exists',
  DoesNotExist: '!',
};

/**
 * Converts a structured selector (`spec.selector` of a Deployment, ReplicaSet, PDB, …) like
 * `metav1.LabelSelectorAsSelector`: null/undefined selects nothing, `{}` selects everything.
 * Throws on an unknown operator or a values list that does not fit the operator.
 */
export function labelSelectorFromMatch(selector: LabelSelectorSpec | null | undefined): LabelSelector {
  if (selector === null || selector === undefined) return { requirements: [], nothing: true };
  const requirements: LabelRequirement[] = [];
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    assertValidKey(key);
    requirements.push(newRequirement(key, '=', [value]));
  }
  for (const expr of selector.matchExpressions ?? []) {
    const operator = EXPRESSION_OPERATORS[expr.operator];
    if (!operator) throw new Error(`${JSON.stringify(expr.operator)} is not a valid label selector operator`);
    const values = expr.values ?? [];
    if ((operator === 'in' || operator === 'notin') && values.length === 0) {
      throw new Error(`values: Invalid value: []: for 'in', 'notin' operators, values set can't be empty`);
    }
    if ((operator === 'exists' || operator === '!') && values.length !== 0) {
      throw new Error(
        `values: Invalid value: ${JSON.stringify(values)}: values set must be empty for exists and does not exist`,
      );
    }
    assertValidKey(expr.key);
    requirements.push(newRequirement(expr.key, operator, values));
  }
  return { requirements: requirements.sort(byKey) };
}

function assertValidKey(key: string): void {
  const errors = labelKeyErrors(key);
  if (errors.length) throw new Error(`key: Invalid value: ${JSON.stringify(key)}: ${errors.join('; ')}`);
}

const REQUIREMENT_FORMAT: Record<LabelOperator, (r: LabelRequirement) => string> = {
  '=': (r) => `${r.key}=${r.values.join(',')}`,
  '==': (r) => `${r.key}==${r.values.join(',')}`,
  '!=': (r) => `${r.key}!=${r.values.join(',')}`,
  in: (r) => `${r.key} in (${r.values.join(',')})`,
  notin: (r) => `${r.key} notin (${r.values.join(',')})`,
  exists: (r) => r.key,
  '!': (r) => `!${r.key}`,
  gt: (r) => `${r.key}>${r.values.join(',')}`,
  lt: (r) => `${r.key}<${r.values.join(',')}`,
};

/** The canonical string of a selector (`Selector.String()`), e.g. `app=web,tier in (a,b)`; "" for everything. */
export function stringifyLabelSelector(sel: LabelSelector): string {
  return sel.requirements.map((r) => REQUIREMENT_FORMAT[r.operator](r)).join(',');
}

/**
 * `a=b,c=d` for a matchLabels map, keys sorted (what `labels.SelectorFromSet(...).String()` gives).
 * Returns "" for an empty map; use it to put a selector into a query string or a scale status.
 */
export function formatLabelSelector(matchLabels: Record<string, string> | null | undefined): string {
  return Object.keys(matchLabels ?? {})
    .sort()
    .map((key) => `${key}=${matchLabels![key]}`)
    .join(',');
}
