/**
 * `test` and `[`: file tests (-e -f -d -s -r -w -x -L -h), string tests (-z -n = == !=), integer comparisons
 * (-eq -ne -lt -le -gt -ge), `!`, `-a`, `-o` and parentheses. Exit 0 true, 1 false, 2 on a usage error.
 */
import { accessSync, constants, lstatSync, statSync } from 'node:fs';
import { hostOf, type CommandFn, type CommandIO } from './command-io.ts';

class TestSyntaxError extends Error {}

/** `test EXPR` (`name` is how errors are prefixed: `test` or `[`). */
function testCommand(name: 'test' | '['): CommandFn {
  return async (args, io) => {
    let argv = args;
    if (name === '[') {
      if (argv[argv.length - 1] !== ']') {
        io.stderr("sh: 1: [: missing ]\n");
        return 2;
      }
      argv = argv.slice(0, -1);
    }
    try {
      return evaluate(argv, io) ? 0 : 1;
    } catch (err) {
      if (!(err instanceof TestSyntaxError)) throw err;
      io.stderr(`sh: 1: ${name}: ${err.message}\n`);
      return 2;
    }
  };
}

/** The `test` command. */
export const test = testCommand('test');

/** The `[` command. */
export const bracket = testCommand('[');

function evaluate(argv: string[], io: CommandIO): boolean {
  // POSIX fixes the meaning by argument count for up to four arguments; beyond that, parse the grammar.
  if (argv.length === 0) return false;
  if (argv.length === 1) return argv[0] !== '';
  let pos = 0;
  const peek = () => argv[pos];
  const orExpr = (): boolean => {
    let value = andExpr();
    while (peek() === '-o') {
      pos++;
      value = andExpr() || value;
    }
    return value;
  };
  const andExpr = (): boolean => {
    let value = notExpr();
    while (peek() === '-a') {
      pos++;
      value = notExpr() && value;
    }
    return value;
  };
  const notExpr = (): boolean => {
    if (peek() === '!' && pos + 1 < argv.length) {
      pos++;
      return !notExpr();
    }
    return primary();
  };
  const primary = (): boolean => {
    const token = argv[pos];
    if (token === undefined) throw new TestSyntaxError('argument expected');
    if (token === '(' ) {
      pos++;
      const value = orExpr();
      if (argv[pos++] !== ')') throw new TestSyntaxError("')' expected");
      return value;
    }
    const op = argv[pos + 1];
    if (op !== undefined && BINARY[op] && argv[pos + 2] !== undefined) {
      pos += 3;
      return BINARY[op](token, argv[pos - 1]);
    }
    if (UNARY[token] && argv[pos + 1] !== undefined) {
      pos += 2;
      return UNARY[token](argv[pos - 1], io);
    }
    pos++;
    return token !== '';
  };
  const value = orExpr();
  if (pos < argv.length) throw new TestSyntaxError(`${argv[pos]}: unexpected operator`);
  return value;
}

function integer(text: string): number {
  if (!/^\s*[-+]?\d+\s*$/.test(text)) throw new TestSyntaxError(`Illegal number: ${text}`);
  return Number(text);
}

const BINARY: Record<string, (a: string, b: string) => boolean> = {
  '=': (a, b) => a === b,
  '==': (a, b) => a === b,
  '!=': (a, b) => a !== b,
  '<': (a, b) => a < b,
  '>': (a, b) => a > b,
  '-eq': (a, b) => integer(a) === integer(b),
  '-ne': (a, b) => integer(a) !== integer(b),
  '-lt': (a, b) => integer(a) < integer(b),
  '-le': (a, b) => integer(a) <= integer(b),
  '-gt': (a, b) => integer(a) > integer(b),
  '-ge': (a, b) => integer(a) >= integer(b),
};

function fileTest(check: (host: string) => boolean, follow = true) {
  return (p: string, io: CommandIO) => {
    try {
      return check(hostOf(io, p, { followFinal: follow }));
    } catch {
      return false;
    }
  };
}

const UNARY: Record<string, (arg: string, io: CommandIO) => boolean> = {
  '-z': (a) => a === '',
  '-n': (a) => a !== '',
  '-e': fileTest((h) => Boolean(statSync(h))),
  '-f': fileTest((h) => statSync(h).isFile()),
  '-d': fileTest((h) => statSync(h).isDirectory()),
  '-s': fileTest((h) => statSync(h).size > 0),
  '-L': fileTest((h) => lstatSync(h).isSymbolicLink(), false),
  '-h': fileTest((h) => lstatSync(h).isSymbolicLink(), false),
  '-r': fileTest((h) => (accessSync(h, constants.R_OK), true)),
  '-w': fileTest((h) => (accessSync(h, constants.W_OK), true)),
  '-x': fileTest((h) => (accessSync(h, constants.X_OK), true)),
};
