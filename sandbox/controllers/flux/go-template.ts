/**
 * A small subset of Go's text/template, enough for ImageUpdateAutomation commit message templates:
 * `{{ .Field.Path }}`, `$var`, `{{- … -}}` trimming, `range` (with `$k, $v :=`, over arrays, objects and
 * Maps; string keys sorted as Go does), `if`/`else`, `print`/`println`, and literal strings. Unsupported
 * syntax throws, which the controller reports like Flux reports a template error.
 */

type Value = unknown;
type Node =
  | { t: 'text'; text: string }
  | { t: 'out'; expr: string }
  | { t: 'range'; expr: string; key?: string; value?: string; body: Node[]; alt: Node[] }
  | { t: 'if'; expr: string; body: Node[]; alt: Node[] };

/** Renders `template` with `data` as dot. */
export function renderGoTemplate(template: string, data: Value): string {
  const tokens = tokenize(template);
  const [nodes, rest] = parse(tokens, 0);
  if (rest < tokens.length) throw new Error(`template: unexpected {{${tokens[rest]!.text}}}`);
  return exec(nodes, data, new Map([['$', data]]));
}

interface Token {
  kind: 'text' | 'action';
  text: string;
}

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const open = src.indexOf('{{', i);
    if (open < 0) {
      out.push({ kind: 'text', text: src.slice(i) });
      break;
    }
    let text = src.slice(i, open);
    const close = src.indexOf('}}', open);
    if (close < 0) throw new Error('template: unclosed action');
    let inner = src.slice(open + 2, close);
    if (inner.startsWith('-') && /^-\s/.test(inner)) {
      text = text.replace(/\s+$/, '');
      inner = inner.slice(1);
    }
    let next = close + 2;
    if (/\s-$/.test(inner)) {
      inner = inner.slice(0, -1);
      const m = /^\s*/.exec(src.slice(next))!;
      next += m[0].length;
    }
    if (text) out.push({ kind: 'text', text });
    const action = inner.trim();
    if (!action.startsWith('/*')) out.push({ kind: 'action', text: action });
    i = next;
  }
  return out;
}

/** Parses until `end`/`else` (returned as the stop position) or the end of input. */
function parse(tokens: Token[], start: number): [Node[], number] {
  const nodes: Node[] = [];
  let i = start;
  while (i < tokens.length) {
    const tok = tokens[i]!;
    if (tok.kind === 'text') {
      nodes.push({ t: 'text', text: tok.text });
      i++;
      continue;
    }
    const [word] = tok.text.split(/\s+/);
    if (word === 'end' || word === 'else') return [nodes, i];
    if (word === 'range' || word === 'if') {
      const head = tok.text.slice(word.length).trim();
      const [body, stop] = parse(tokens, i + 1);
      let alt: Node[] = [];
      let j = stop;
      if (tokens[j]?.text === 'else') [alt, j] = parse(tokens, j + 1);
      if (tokens[j]?.text !== 'end') throw new Error(`template: missing {{end}} for {{${tok.text}}}`);
      if (word === 'if') nodes.push({ t: 'if', expr: head, body, alt });
      else {
        const m = /^(?:(\$\w*)\s*(?:,\s*(\$\w*))?\s*:=\s*)?(.+)$/.exec(head)!;
        const [key, value] = m[2] ? [m[1], m[2]] : [undefined, m[1]];
        nodes.push({ t: 'range', expr: m[3]!, key, value, body, alt });
      }
      i = j + 1;
      continue;
    }
    nodes.push({ t: 'out', expr: tok.text });
    i++;
  }
  return [nodes, i];
}

function exec(nodes: Node[], dot: Value, vars: Map<string, Value>): string {
  let out = '';
  for (const n of nodes) {
    if (n.t === 'text') out += n.text;
    else if (n.t === 'out') out += show(evaluate(n.expr, dot, vars));
    else if (n.t === 'if') out += exec(truthy(evaluate(n.expr, dot, vars)) ? n.body : n.alt, dot, vars);
    else {
      const entries = iterate(evaluate(n.expr, dot, vars));
      if (entries.length === 0) out += exec(n.alt, dot, vars);
      for (const [k, v] of entries) {
        const scope = new Map(vars);
        if (n.key) scope.set(n.key, k);
        if (n.value) scope.set(n.value, v);
        out += exec(n.body, v, scope);
      }
    }
  }
  return out;
}

function iterate(v: Value): Array<[Value, Value]> {
  if (v === undefined || v === null) return [];
  if (Array.isArray(v)) return v.map((x, i) => [i, x]);
  if (v instanceof Map) {
    const entries = [...v.entries()];
    return entries.every(([k]) => typeof k === 'string')
      ? entries.sort(([a], [b]) => String(a).localeCompare(String(b)))
      : entries;
  }
  if (typeof v === 'object')
    return Object.keys(v as object)
      .sort()
      .map((k) => [k, (v as Record<string, Value>)[k]]);
  throw new Error(`template: range can't iterate over ${String(v)}`);
}

function evaluate(expr: string, dot: Value, vars: Map<string, Value>): Value {
  const parts = expr.match(/"(?:[^"\\]|\\.)*"|`[^`]*`|\S+/g) ?? [];
  const [head, ...args] = parts;
  if (head === 'print' || head === 'println') {
    const vals = args.map((a) => show(operand(a, dot, vars)));
    return head === 'println' ? `${vals.join(' ')}\n` : vals.join('');
  }
  if (head && /^[A-Za-z_]\w*$/.test(head)) throw new Error(`template: function "${head}" not defined`);
  if (parts.length !== 1) throw new Error(`template: unsupported pipeline "${expr}"`);
  return operand(head!, dot, vars);
}

function operand(token: string, dot: Value, vars: Map<string, Value>): Value {
  if (token.startsWith('"')) return JSON.parse(token) as string;
  if (token.startsWith('`')) return token.slice(1, -1);
  if (/^-?\d+(\.\d+)?$/.test(token)) return Number(token);
  let base: Value;
  let path: string[];
  if (token.startsWith('$')) {
    const [name, ...rest] = token.split('.');
    if (!vars.has(name!)) throw new Error(`template: undefined variable "${name}"`);
    base = vars.get(name!);
    path = rest;
  } else if (token.startsWith('.')) {
    base = dot;
    path = token === '.' ? [] : token.slice(1).split('.');
  } else {
    throw new Error(`template: function "${token}" not defined`);
  }
  return path.reduce<Value>((v, field) => {
    if (v instanceof Map) return v.get(field);
    if (v && typeof v === 'object') return (v as Record<string, Value>)[field];
    return undefined;
  }, base);
}

function truthy(v: Value): boolean {
  if (v instanceof Map) return v.size > 0;
  if (Array.isArray(v)) return v.length > 0;
  if (v && typeof v === 'object') return Object.keys(v).length > 0;
  return Boolean(v);
}

function show(v: Value): string {
  if (v === undefined || v === null) return '<no value>';
  if (typeof v === 'object')
    return v instanceof Map
      ? `map[${[...v.entries()].map(([k, x]) => `${show(k)}:${show(x)}`).join(' ')}]`
      : `{${Object.values(v as object)
          .map(show)
          .join(' ')}}`;
  return String(v);
}
