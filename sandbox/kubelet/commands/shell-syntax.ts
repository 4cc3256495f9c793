/**
 * The POSIX shell subset the sandbox's `sh -c` understands, as a syntax tree: `;` `&&` `||` `|` `&` `!`,
 * ( … ), { …; }, if/elif/else/fi, for/in/do/done, while/until, assignments and redirections. Words keep their
 * quoting (see shell-tokens.ts); expansion happens later, when the tree runs.
 */
import { ShellSyntaxError, tokenize, type Token, type Word, type WordPart } from './shell-tokens.ts';

export { ShellSyntaxError };
export type { Word, WordPart } from './shell-tokens.ts';

/** A redirection: `fd` defaults to 1 for output and 0 for input. */
export interface Redirect {
  fd?: number;
  op: string;
  target: Word;
}

/** The syntax tree. */
export type ShellNode =
  | { type: 'simple'; assigns: Array<{ name: string; value: Word }>; words: Word[]; redirects: Redirect[]; line: number }
  | { type: 'pipeline'; negate: boolean; commands: ShellNode[] }
  | { type: 'andor'; first: ShellNode; rest: Array<{ op: '&&' | '||'; node: ShellNode }> }
  | { type: 'list'; items: Array<{ node: ShellNode; background: boolean }> }
  | { type: 'if'; clauses: Array<{ condition: ShellNode; body: ShellNode }>; otherwise?: ShellNode; redirects: Redirect[] }
  | { type: 'for'; name: string; words?: Word[]; body: ShellNode; redirects: Redirect[] }
  | { type: 'while'; until: boolean; condition: ShellNode; body: ShellNode; redirects: Redirect[] }
  | { type: 'group'; subshell: boolean; body: ShellNode; redirects: Redirect[] };

/** Parses a whole script. Throws ShellSyntaxError. */
export function parseScript(script: string): ShellNode {
  return new Parser(tokenize(script)).script();
}

const ASSIGNMENT = /^([A-Za-z_]\w*)=/;

class Parser {
  readonly #tokens: Token[];
  #pos = 0;

  constructor(tokens: Token[]) {
    this.#tokens = tokens;
  }

  script(): ShellNode {
    const list = this.#list(new Set());
    const token = this.#peek();
    if (token) this.#unexpected(token);
    return list;
  }

  #peek(): Token | undefined {
    return this.#tokens[this.#pos];
  }

  #isWord(word: string, token = this.#peek()): boolean {
    if (token?.type !== 'word' || token.word.parts.length !== 1) return false;
    const part = token.word.parts[0];
    return part.kind === 'lit' && !part.quoted && part.text === word;
  }

  #isOp(op: string, token = this.#peek()): boolean {
    return token?.type === 'op' && token.op === op;
  }

  #unexpected(token: Token | undefined, expecting?: string): never {
    const line = token?.line ?? this.#tokens[this.#tokens.length - 1]?.line ?? 1;
    if (!token) throw new ShellSyntaxError(`Syntax error: end of file unexpected${expecting ? ` (expecting "${expecting}")` : ''}`, line);
    const text = token.type === 'word' ? token.word.parts.map((p) => (p.kind === 'lit' ? p.text : '$')).join('') : token.op === 'newline' ? 'newline' : token.op;
    throw new ShellSyntaxError(`Syntax error: "${text}" unexpected${expecting ? ` (expecting "${expecting}")` : ''}`, token.line);
  }

  /** A list that must not be empty (if/while conditions and bodies), as dash insists. */
  #nonEmptyList(stops: Set<string>): ShellNode {
    const list = this.#list(stops);
    if (list.type === 'list' && list.items.length === 0) this.#unexpected(this.#peek());
    return list;
  }

  #expectWord(word: string): void {
    if (!this.#isWord(word)) this.#unexpected(this.#peek(), word);
    this.#pos++;
  }

  #skipNewlines(): void {
    while (this.#isOp('newline')) this.#pos++;
  }

  #list(stops: Set<string>): ShellNode {
    const items: Array<{ node: ShellNode; background: boolean }> = [];
    while (true) {
      while (this.#isOp('newline') || (items.length > 0 && this.#isOp(';'))) this.#pos++;
      const token = this.#peek();
      if (!token || this.#isOp(')') || [...stops].some((w) => this.#isWord(w))) break;
      const node = this.#andOr();
      let background = false;
      if (this.#isOp('&')) {
        background = true;
        this.#pos++;
      } else if (this.#isOp(';') || this.#isOp('newline')) this.#pos++;
      items.push({ node, background });
    }
    return { type: 'list', items };
  }

  #andOr(): ShellNode {
    const first = this.#pipeline();
    const rest: Array<{ op: '&&' | '||'; node: ShellNode }> = [];
    while (this.#isOp('&&') || this.#isOp('||')) {
      const op = (this.#tokens[this.#pos++] as { op: '&&' | '||' }).op;
      this.#skipNewlines();
      rest.push({ op, node: this.#pipeline() });
    }
    return rest.length === 0 ? first : { type: 'andor', first, rest };
  }

  #pipeline(): ShellNode {
    let negate = false;
    if (this.#isWord('!')) {
      negate = true;
      this.#pos++;
    }
    const commands = [this.#command()];
    while (this.#isOp('|')) {
      this.#pos++;
      this.#skipNewlines();
      commands.push(this.#command());
    }
    return commands.length === 1 && !negate ? commands[0] : { type: 'pipeline', negate, commands };
  }

  #command(): ShellNode {
    const compound: Record<string, () => ShellNode> = {
      if: () => this.#if(),
      for: () => this.#for(),
      while: () => this.#while(false),
      until: () => this.#while(true),
      '{': () => {
        this.#pos++;
        const body = this.#list(new Set(['}']));
        this.#expectWord('}');
        return { type: 'group', subshell: false, body, redirects: this.#redirects() };
      },
    };
    const keyword = Object.keys(compound).find((k) => this.#isWord(k));
    if (keyword) return compound[keyword]();
    if (this.#isOp('(')) {
      this.#pos++;
      const body = this.#list(new Set());
      if (!this.#isOp(')')) this.#unexpected(this.#peek(), ')');
      this.#pos++;
      return { type: 'group', subshell: true, body, redirects: this.#redirects() };
    }
    return this.#simple();
  }

  #redirects(): Redirect[] {
    const redirects: Redirect[] = [];
    while (this.#peek()?.type === 'redir') redirects.push(this.#redirect());
    return redirects;
  }

  #redirect(): Redirect {
    const token = this.#tokens[this.#pos++] as { fd?: number; op: string };
    const target = this.#peek();
    if (target?.type !== 'word') this.#unexpected(target);
    this.#pos++;
    return { fd: token.fd, op: token.op, target: target.word };
  }

  #simple(): ShellNode {
    const line = this.#peek()?.line ?? 1;
    const assigns: Array<{ name: string; value: Word }> = [];
    const words: Word[] = [];
    const redirects: Redirect[] = [];
    while (true) {
      const token = this.#peek();
      if (token?.type === 'redir') redirects.push(this.#redirect());
      else if (token?.type === 'word') {
        this.#pos++;
        const first = token.word.parts[0];
        const m = words.length === 0 && first?.kind === 'lit' && !first.quoted ? ASSIGNMENT.exec(first.text) : null;
        if (m && first.kind === 'lit') {
          const rest: WordPart[] = [{ kind: 'lit', quoted: false, text: first.text.slice(m[0].length) }, ...token.word.parts.slice(1)];
          assigns.push({ name: m[1], value: { parts: rest } });
        } else words.push(token.word);
      } else break;
    }
    if (assigns.length === 0 && words.length === 0 && redirects.length === 0) this.#unexpected(this.#peek());
    return { type: 'simple', assigns, words, redirects, line };
  }

  #if(): ShellNode {
    this.#pos++;
    const clauses: Array<{ condition: ShellNode; body: ShellNode }> = [];
    let otherwise: ShellNode | undefined;
    while (true) {
      const condition = this.#nonEmptyList(new Set(['then']));
      this.#expectWord('then');
      const body = this.#nonEmptyList(new Set(['elif', 'else', 'fi']));
      clauses.push({ condition, body });
      if (this.#isWord('elif')) {
        this.#pos++;
        continue;
      }
      if (this.#isWord('else')) {
        this.#pos++;
        otherwise = this.#list(new Set(['fi']));
      }
      this.#expectWord('fi');
      return { type: 'if', clauses, otherwise, redirects: this.#redirects() };
    }
  }

  #for(): ShellNode {
    this.#pos++;
    const nameToken = this.#peek();
    const namePart = nameToken?.type === 'word' ? nameToken.word.parts[0] : undefined;
    if (namePart?.kind !== 'lit' || !/^[A-Za-z_]\w*$/.test(namePart.text)) this.#unexpected(nameToken);
    this.#pos++;
    this.#skipNewlines();
    let words: Word[] | undefined;
    if (this.#isWord('in')) {
      this.#pos++;
      words = [];
      for (let t = this.#peek(); t?.type === 'word'; t = this.#peek()) {
        words.push(t.word);
        this.#pos++;
      }
    }
    while (this.#isOp(';') || this.#isOp('newline')) this.#pos++;
    this.#expectWord('do');
    const body = this.#nonEmptyList(new Set(['done']));
    this.#expectWord('done');
    return { type: 'for', name: namePart.text, words, body, redirects: this.#redirects() };
  }

  #while(until: boolean): ShellNode {
    this.#pos++;
    const condition = this.#nonEmptyList(new Set(['do']));
    this.#expectWord('do');
    const body = this.#nonEmptyList(new Set(['done']));
    this.#expectWord('done');
    return { type: 'while', until, condition, body, redirects: this.#redirects() };
  }
}
