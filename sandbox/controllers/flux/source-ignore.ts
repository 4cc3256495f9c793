/**
 * source-controller's file exclusion for artifacts: gitignore-style patterns from the default list, the
 * repository's `.sourceignore` and `spec.ignore`. Used to decide which files of a checkout go into the
 * artifact (tests and docs folders of real repos often rely on it).
 */
import { lstat, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

/** Always excluded: version-control metadata. */
const VCS = ['.git/', '.gitignore', '.gitmodules', '.gitattributes'];

/** Excluded unless `spec.ignore` overrides them (source-controller's defaults). */
const DEFAULTS = [
  '*.jpg',
  '*.jpeg',
  '*.gif',
  '*.png',
  '*.wmv',
  '*.flv',
  '*.tar.gz',
  '*.zip',
  '.github/',
  '.circleci/',
  '.travis.yml',
  '.gitlab-ci.yml',
  'appveyor.yml',
  '.drone.yml',
  'cloudbuild.yaml',
  'codeship-services.yml',
  'codeship-steps.yml',
  '**/.goreleaser.yml',
  '**/.sops.yaml',
  '**/.flux.yaml',
];

interface Rule {
  negate: boolean;
  dirOnly: boolean;
  regex: RegExp;
}

/** A compiled gitignore pattern list; the last matching rule wins, `!` re-includes. */
export class IgnoreRules {
  readonly #rules: Rule[];

  constructor(patterns: string[]) {
    this.#rules = patterns.map(compile).filter((r): r is Rule => r !== undefined);
  }

  /** The rules source-controller applies: VCS, then defaults (unless `spec.ignore` is set), `.sourceignore`, `spec.ignore`. */
  static async forSource(dir: string, specIgnore?: string): Promise<IgnoreRules> {
    const sourceIgnore = await readFile(path.join(dir, '.sourceignore'), 'utf8').catch(() => '');
    const lines = (text: string) => text.split(/\r?\n/);
    return new IgnoreRules([
      ...VCS,
      ...(specIgnore === undefined ? DEFAULTS : []),
      ...lines(sourceIgnore),
      ...lines(specIgnore ?? ''),
    ]);
  }

  /** Whether a slash-separated path relative to the root is excluded. */
  ignores(relPath: string, isDir: boolean): boolean {
    let ignored = false;
    for (const rule of this.#rules) {
      if (rule.dirOnly && !isDir) continue;
      if (rule.regex.test(relPath)) ignored = !rule.negate;
    }
    return ignored;
  }

  /** Regular files under `dir` that are not excluded (excluded directories are not descended into). */
  async files(dir: string): Promise<string[]> {
    const out: string[] = [];
    const walk = async (rel: string): Promise<void> => {
      for (const entry of (await readdir(path.join(dir, rel))).sort()) {
        const child = rel ? `${rel}/${entry}` : entry;
        const info = await lstat(path.join(dir, child));
        if (info.isDirectory()) {
          if (!this.ignores(child, true)) await walk(child);
        } else if (info.isFile() && !this.ignores(child, false)) {
          out.push(child);
        }
      }
    };
    await walk('');
    return out;
  }
}

function compile(line: string): Rule | undefined {
  let p = line.replace(/(?<!\\)\s+$/, '');
  if (p === '' || p.startsWith('#')) return undefined;
  const negate = p.startsWith('!');
  if (negate) p = p.slice(1);
  const dirOnly = p.endsWith('/');
  if (dirOnly) p = p.slice(0, -1);
  // A slash anywhere but the end anchors the pattern at the root; otherwise it matches at any depth.
  const anchored = p.includes('/');
  if (p.startsWith('/')) p = p.slice(1);
  let body = '';
  for (let i = 0; i < p.length; i++) {
    const c = p[i]!;
    if (c === '*' && p[i + 1] === '*') {
      const slashAfter = p[i + 2] === '/';
      body += slashAfter ? '(?:.*/)?' : '.*';
      i += slashAfter ? 2 : 1;
    } else if (c === '*') body += '[^/]*';
    else if (c === '?') body += '[^/]';
    else if (c === '[') {
      const end = p.indexOf(']', i);
      if (end < 0) body += '\\[';
      else {
        body += `[${p.slice(i + 1, end).replace(/^!/, '^')}]`;
        i = end;
      }
    } else if (c === '\\' && i + 1 < p.length) body += escape(p[++i]!);
    else body += escape(c);
  }
  const prefix = anchored ? '^' : '^(?:.*/)?';
  return { negate, dirOnly, regex: new RegExp(`${prefix}${body}$`) };
}

function escape(c: string): string {
  return /[.+^${}()|\\/]/.test(c) ? `\\${c}` : c;
}
