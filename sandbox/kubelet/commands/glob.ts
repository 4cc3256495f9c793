/**
 * Shell pathname patterns (`*`, `?`, `[a-z]`, `[!x]`, backslash escapes): matching one name (`find -name`,
 * `case`) and expanding a word against the pod's tree (`ls /models/*.onnx`).
 */
import { readdirSync, statSync } from 'node:fs';
import { hostOf, type CommandIO } from './command-io.ts';

/** True when the pattern has an unescaped glob character. */
export function hasGlob(pattern: string): boolean {
  for (let i = 0; i < pattern.length; i++) {
    if (pattern[i] === '\\') i++;
    else if ('*?['.includes(pattern[i])) return true;
  }
  return false;
}

/** A RegExp matching a whole name against a glob pattern. */
export function globToRegExp(pattern: string, ignoreCase = false): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\' && i + 1 < pattern.length) source += escapeRe(pattern[++i]);
    else if (c === '*') source += '.*';
    else if (c === '?') source += '.';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end < 0) {
        source += '\\[';
        continue;
      }
      let body = pattern.slice(i + 1, end);
      if (body.startsWith('!') || body.startsWith('^')) body = `^${body.slice(1)}`;
      source += `[${body.replace(/\\/g, '\\\\')}]`;
      i = end;
    } else source += escapeRe(c);
  }
  return new RegExp(`^${source}$`, ignoreCase ? 'si' : 's');
}

/**
 * The paths of the pod's tree matching `pattern`, sorted, in the pattern's own form (relative stays relative).
 * Empty when nothing matches (the shell then keeps the word as it was).
 */
export function expandGlob(io: CommandIO, pattern: string): string[] {
  const absolute = pattern.startsWith('/');
  const segments = pattern.split('/').filter((s) => s !== '');
  let matches: string[] = [absolute ? '/' : ''];
  for (const segment of segments) {
    const next: string[] = [];
    for (const base of matches) {
      if (!hasGlob(segment)) {
        next.push(join(base, unescape(segment)));
        continue;
      }
      const re = globToRegExp(segment);
      let names: string[];
      try {
        names = readdirSync(hostOf(io, base === '' ? '.' : base));
      } catch {
        continue;
      }
      // A leading dot must be matched explicitly, as in every POSIX shell.
      for (const name of names.sort()) if ((segment.startsWith('.') || !name.startsWith('.')) && re.test(name)) next.push(join(base, name));
    }
    matches = next;
  }
  const existing = matches.filter((m) => {
    try {
      statSync(hostOf(io, m === '' ? '.' : m));
      return true;
    } catch {
      return false;
    }
  });
  return pattern.endsWith('/') ? existing.map((m) => `${m}/`) : existing;
}

function join(base: string, name: string): string {
  if (base === '') return name;
  return base.endsWith('/') ? `${base}${name}` : `${base}/${name}`;
}

function unescape(segment: string): string {
  return segment.replace(/\\(.)/g, '$1');
}

function escapeRe(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
