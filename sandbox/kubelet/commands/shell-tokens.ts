/**
 * The tokenizer of the sandbox shell: words with their quoting kept ('…', "…", \x) so expansion knows what to
 * split and glob, parameters ($X, ${X}, ${X:-d}, ${#X}, $?, $1, $@), command substitution ($(…), `…`),
 * arithmetic ($((…))), operators, and redirections with their file descriptor (> >> < 2> 2>&1 &>).
 */

/** A piece of a word; `quoted` parts are exempt from field splitting and globbing. */
export type WordPart =
  | { kind: 'lit'; text: string; quoted: boolean }
  | { kind: 'param'; name: string; op?: string; arg?: Word; length?: boolean; quoted: boolean }
  | { kind: 'subst'; script: string; quoted: boolean }
  | { kind: 'arith'; expression: string; quoted: boolean };

/** One shell word, before expansion. */
export interface Word {
  parts: WordPart[];
}

/** A token: a word, an operator (`;` `&&` `|` `newline` …) or a redirection operator. */
export type Token = { type: 'word'; word: Word; line: number } | { type: 'op'; op: string; line: number } | { type: 'redir'; fd?: number; op: string; line: number };

/** A syntax error, worded like dash (`Syntax error: "fi" unexpected`). */
export class ShellSyntaxError extends Error {
  readonly line: number;
  constructor(message: string, line: number) {
    super(message);
    this.name = 'ShellSyntaxError';
    this.line = line;
  }
}

/** Parses the text of `${X:-text}` as one word (spaces are literal, quotes and `$` still work). */
function parseWordText(text: string, line: number): Word {
  const parts: WordPart[] = [];
  tokenize(text, line).forEach((token, i) => {
    if (i > 0) parts.push({ kind: 'lit', text: ' ', quoted: true });
    if (token.type === 'word') parts.push(...token.word.parts);
  });
  return { parts };
}

/** Index of the `)` closing the `(` at `open`, skipping quotes and nested parentheses. */
function matchParen(s: string, open: number): number {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    const c = s[i];
    if (c === '\\') i++;
    else if (c === "'") i = s.indexOf("'", i + 1);
    else if (c === '"') {
      for (i++; i < s.length && s[i] !== '"'; i++) if (s[i] === '\\') i++;
    } else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i;
    if (i < 0) break;
  }
  return -1;
}

/** Splits a script into tokens. Throws ShellSyntaxError for unterminated quotes and substitutions. */
export function tokenize(s: string, startLine = 1): Token[] {
  const tokens: Token[] = [];
  let line = startLine;
  let parts: WordPart[] | null = null;
  let i = 0;
  const push = (part: WordPart) => {
    parts ??= [];
    const last = parts[parts.length - 1];
    if (part.kind === 'lit' && last?.kind === 'lit' && last.quoted === part.quoted) last.text += part.text;
    else parts.push(part);
  };
  const endWord = () => {
    if (parts) tokens.push({ type: 'word', word: { parts }, line });
    parts = null;
  };
  const fail = (message: string): never => {
    throw new ShellSyntaxError(message, line);
  };
  /** Reads a `$…` at `at`; answers the index after it. */
  const dollar = (at: number, quoted: boolean): number => {
    const next = s[at + 1];
    if (next === '(' && s[at + 2] === '(') {
      const end = s.indexOf('))', at + 3);
      if (end < 0) fail('Syntax error: Missing \'))\'');
      push({ kind: 'arith', expression: s.slice(at + 3, end), quoted });
      return end + 2;
    }
    if (next === '(') {
      const end = matchParen(s, at + 1);
      if (end < 0) fail('Syntax error: end of file unexpected (expecting ")")');
      push({ kind: 'subst', script: s.slice(at + 2, end), quoted });
      return end + 1;
    }
    if (next === '{') {
      let depth = 0;
      let end = at + 1;
      for (; end < s.length; end++) {
        if (s[end] === '{') depth++;
        else if (s[end] === '}' && --depth === 0) break;
      }
      if (end >= s.length) fail('Syntax error: Missing \'}\'');
      const body = s.slice(at + 2, end);
      const m = /^(#?)([A-Za-z_]\w*|\d+|[@*#?$!-])(?:(:?[-=+?])([\s\S]*))?$/.exec(body);
      if (!m) fail(`\${${body}}: Bad substitution`);
      const [, hash, name, op, arg] = m as RegExpExecArray;
      push({ kind: 'param', name, length: hash === '#' && name !== '#' ? true : undefined, op, arg: op ? parseWordText(arg ?? '', line) : undefined, quoted });
      return end + 1;
    }
    const name = /^([A-Za-z_]\w*|\d|[@*#?$!-])/.exec(s.slice(at + 1))?.[1];
    if (name === undefined) {
      push({ kind: 'lit', text: '$', quoted });
      return at + 1;
    }
    push({ kind: 'param', name, quoted });
    return at + 1 + name.length;
  };
  const backtick = (at: number, quoted: boolean): number => {
    const end = s.indexOf('`', at + 1);
    if (end < 0) fail('Syntax error: EOF in backquote substitution');
    push({ kind: 'subst', script: s.slice(at + 1, end), quoted });
    return end + 1;
  };
  while (i < s.length) {
    const c = s[i];
    if (c === '\\') {
      if (s[i + 1] === '\n') line++;
      else if (i + 1 < s.length) push({ kind: 'lit', text: s[i + 1], quoted: true });
      i += 2;
    } else if (c === "'") {
      const end = s.indexOf("'", i + 1);
      if (end < 0) fail('Syntax error: Unterminated quoted string');
      push({ kind: 'lit', text: s.slice(i + 1, end), quoted: true });
      line += s.slice(i, end).split('\n').length - 1;
      i = end + 1;
    } else if (c === '"') {
      push({ kind: 'lit', text: '', quoted: true });
      i++;
      while (s[i] !== '"') {
        if (i >= s.length) fail('Syntax error: Unterminated quoted string');
        if (s[i] === '\\' && '$`"\\\n'.includes(s[i + 1])) {
          if (s[i + 1] !== '\n') push({ kind: 'lit', text: s[i + 1], quoted: true });
          i += 2;
        } else if (s[i] === '$') i = dollar(i, true);
        else if (s[i] === '`') i = backtick(i, true);
        else {
          if (s[i] === '\n') line++;
          push({ kind: 'lit', text: s[i++], quoted: true });
        }
      }
      i++;
    } else if (c === '$') i = dollar(i, false);
    else if (c === '`') i = backtick(i, false);
    else if (c === ' ' || c === '\t' || c === '\r') {
      endWord();
      i++;
    } else if (c === '\n') {
      endWord();
      tokens.push({ type: 'op', op: 'newline', line });
      line++;
      i++;
    } else if (c === '#' && parts === null) {
      while (i < s.length && s[i] !== '\n') i++;
    } else if (c === '<' || c === '>' || (c === '&' && s[i + 1] === '>')) {
      let fd: number | undefined;
      const current = parts as WordPart[] | null;
      if (c !== '&' && current?.length === 1 && current[0].kind === 'lit' && !current[0].quoted && /^\d$/.test(current[0].text)) {
        fd = Number(current[0].text);
        parts = null;
      } else endWord();
      const op = ['&>>', '&>', '>>', '>&', '>|', '<&', '<<', '>', '<'].find((o) => s.startsWith(o, i)) as string;
      if (op === '<<') fail('Syntax error: here-documents are not supported by the sandbox shell');
      tokens.push({ type: 'redir', fd, op, line });
      i += op.length;
    } else if ('|&;()'.includes(c)) {
      endWord();
      const op = ['&&', '||', ';;'].find((o) => s.startsWith(o, i)) ?? c;
      tokens.push({ type: 'op', op, line });
      i += op.length;
    } else {
      push({ kind: 'lit', text: c, quoted: false });
      i++;
    }
  }
  endWord();
  return tokens;
}

