/**
 * Word expansion of the sandbox shell, in POSIX order: tilde, parameters (`$X`, `${X:-d}`, `${#X}`, `"$@"`),
 * command substitution, arithmetic; then field splitting of unquoted results and pathname expansion
 * (globs match against the pod's tree; a pattern matching nothing stays as written).
 */
import { evaluateArithmetic } from './arithmetic.ts';
import type { CommandIO } from './command-io.ts';
import { expandGlob, hasGlob } from './glob.ts';
import { ShellExit, type ShellState, type Streams } from './shell-state.ts';
import type { Word, WordPart } from './shell-syntax.ts';

/** What expansion needs from its shell. */
export interface Expander {
  state: ShellState;
  /** The command IO at the shell's working directory (globs, file access). */
  io(): CommandIO;
  /** Runs `$( … )` in a subshell and answers its output. */
  substitute(script: string, streams: Streams): Promise<string>;
}

/** Expands a word into fields; with `split` false (assignments, redirection targets) into exactly one string. */
export async function expandWord(ex: Expander, word: Word, streams: Streams, split = true): Promise<string[]> {
  const fields: Array<{ text: string; pattern: string }> = [];
  let current: { text: string; pattern: string } | undefined;
  const append = (text: string, quoted: boolean) => {
    current ??= { text: '', pattern: '' };
    current.text += text;
    current.pattern += quoted ? text.replace(/[*?[\]\\]/g, '\\$&') : text;
  };
  const breakField = () => {
    if (current) fields.push(current);
    current = undefined;
  };
  for (const [index, part] of word.parts.entries()) {
    if (part.kind === 'lit') {
      const tilde = index === 0 && !part.quoted && /^~(\/|$)/.test(part.text);
      append(tilde ? (ex.state.vars.HOME ?? '/') + part.text.slice(1) : part.text, part.quoted);
      continue;
    }
    if (part.kind === 'param' && part.name === '@' && !part.length && !part.op) {
      // "$@" keeps every positional parameter a field of its own.
      ex.state.positional.forEach((value, i) => {
        if (i > 0) breakField();
        append(value, part.quoted);
      });
      if (part.quoted && ex.state.positional.length === 0 && word.parts.length === 1) return [];
      continue;
    }
    const value = await partValue(ex, part, streams);
    if (part.quoted || !split) {
      append(value, true);
      continue;
    }
    value.split(/[ \t\n]+/).forEach((piece, i) => {
      if (i > 0) breakField();
      if (piece !== '') append(piece, false);
    });
  }
  breakField();
  if (!split) return [fields.map((f) => f.text).join('')];
  const out: string[] = [];
  for (const field of fields) {
    const matches = hasGlob(field.pattern) ? expandGlob(ex.io(), field.pattern) : [];
    out.push(...(matches.length > 0 ? matches : [field.text]));
  }
  return out;
}

async function partValue(ex: Expander, part: Exclude<WordPart, { kind: 'lit' }>, streams: Streams): Promise<string> {
  const state = ex.state;
  if (part.kind === 'subst') return ex.substitute(part.script, streams);
  if (part.kind === 'arith') {
    const expression = part.expression.replace(/\$\{?([A-Za-z_]\w*)\}?/g, (_m, name: string) => state.vars[name] ?? '0');
    try {
      return String(evaluateArithmetic(expression, (name) => state.vars[name]));
    } catch (err) {
      streams.stderr(`${state.prefix(1)}${(err as Error).message}\n`);
      throw new ShellExit(2);
    }
  }
  const value = state.param(part.name);
  if (part.length) return String((value ?? '').length);
  if (!part.op) return value ?? '';
  // `:-` and friends treat an empty value as unset; `-` and friends only an unset one.
  const unset = part.op.startsWith(':') ? !value : value === undefined;
  const arg = async () => (part.arg ? (await expandWord(ex, part.arg, streams, false))[0] : '');
  const ops: Record<string, () => Promise<string>> = {
    '-': async () => (unset ? arg() : (value ?? '')),
    '=': async () => {
      if (!unset) return value ?? '';
      const assigned = await arg();
      state.vars[part.name] = assigned;
      return assigned;
    },
    '+': async () => (unset ? '' : arg()),
    '?': async () => {
      if (!unset) return value ?? '';
      streams.stderr(`${state.prefix(1)}${part.name}: ${(await arg()) || 'parameter not set'}\n`);
      throw new ShellExit(2);
    },
  };
  return ops[part.op.replace(':', '')]();
}
