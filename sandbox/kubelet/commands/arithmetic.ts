/**
 * Shell arithmetic (`$((i + 1))`): integers, variables, + - * / % ** ( ), comparisons, && || ! and unary minus.
 * Enough for counters in `while` loops; anything else is a syntax error, as in dash.
 */

/** Evaluates an arithmetic expression; unknown or non-numeric variables count as 0. Throws on bad syntax. */
export function evaluateArithmetic(expression: string, lookup: (name: string) => string | undefined): number {
  const tokens = expression.match(/\d+|[A-Za-z_]\w*|\*\*|<=|>=|==|!=|&&|\|\||[-+*/%()<>!]|\S/g) ?? [];
  let pos = 0;
  const fail = (): never => {
    throw new Error(`arithmetic expression: expecting primary: "${expression}"`);
  };
  const binary: Array<Record<string, (a: number, b: number) => number>> = [
    { '||': (a, b) => Number(a !== 0 || b !== 0) },
    { '&&': (a, b) => Number(a !== 0 && b !== 0) },
    { '==': (a, b) => Number(a === b), '!=': (a, b) => Number(a !== b) },
    { '<': (a, b) => Number(a < b), '>': (a, b) => Number(a > b), '<=': (a, b) => Number(a <= b), '>=': (a, b) => Number(a >= b) },
    { '+': (a, b) => a + b, '-': (a, b) => a - b },
    {
      '*': (a, b) => a * b,
      '/': (a, b) => (b === 0 ? fail() : Math.trunc(a / b)),
      '%': (a, b) => (b === 0 ? fail() : a % b),
    },
    { '**': (a, b) => a ** b },
  ];
  const level = (n: number): number => {
    if (n === binary.length) return unary();
    let value = level(n + 1);
    while (pos < tokens.length && binary[n][tokens[pos]]) {
      const op = binary[n][tokens[pos++]];
      value = op(value, level(n + 1));
    }
    return value;
  };
  const unary = (): number => {
    const token = tokens[pos];
    if (token === '-') return pos++, -unary();
    if (token === '+') return pos++, unary();
    if (token === '!') return pos++, Number(unary() === 0);
    if (token === '(') {
      pos++;
      const value = level(0);
      if (tokens[pos++] !== ')') fail();
      return value;
    }
    if (token === undefined) return fail();
    pos++;
    if (/^\d+$/.test(token)) return Number(token);
    if (/^[A-Za-z_]\w*$/.test(token)) return Math.trunc(Number(lookup(token) ?? 0)) || 0;
    return fail();
  };
  if (tokens.length === 0) return 0;
  const value = level(0);
  if (pos < tokens.length) fail();
  return value;
}
