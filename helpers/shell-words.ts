/**
 * Splits a command-line string into words the way a POSIX shell does for plain words, single and double quotes
 * and backslash escapes (no expansion). Used for `E2E_SANDBOX_ARGS="--fault strategy=RollingUpdate"` so arguments
 * with spaces can be quoted.
 */

/** Words of `text`; throws `unterminated quote in …` on an open quote. Empty or blank text gives no words. */
export function splitShellWords(text: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else word += c;
      continue;
    }
    if (c === '\\' && i + 1 < text.length) {
      const next = text[++i]!;
      // Inside double quotes a backslash only escapes the characters the shell treats specially there.
      word += quote === '"' && !'"\\$`'.includes(next) ? `\\${next}` : next;
      inWord = true;
      continue;
    }
    if (quote === '"') {
      if (c === '"') quote = undefined;
      else word += c;
      continue;
    }
    if (c === '"' || c === "'") {
      quote = c;
      inWord = true;
      continue;
    }
    if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
      continue;
    }
    word += c;
    inWord = true;
  }
  if (quote) throw new Error(`unterminated ${quote === '"' ? 'double' : 'single'} quote in ${JSON.stringify(text)}`);
  if (inWord) words.push(word);
  return words;
}
