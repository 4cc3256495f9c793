/**
 * Reading Foundry Local's model cache from `ls -laR <cacheDir>` output (what `kubectl exec <pod> -- ls -laR` prints):
 * which model folders exist, which appeared between two listings, and whether the models a tag should add are there.
 * A folder counts as a model when it holds both `genai_config.json` and `inference_model.json`, as Foundry's cache does.
 */

/** One entry of a long listing. */
export interface ListingEntry {
  /** Directory the entry is in, relative to the listed root (`''` for the root), `/`-separated. */
  dir: string;
  name: string;
  type: 'dir' | 'file' | 'link' | 'other';
  size: number;
}

/** What a recursive long listing says about the cache. */
export interface ModelListing {
  entries: ListingEntry[];
  /** Model folders relative to the root, sorted, e.g. `meta/llama-3.2-1b-instruct-generic-gpu/v1`. */
  models: string[];
}

const MODEL_MARKERS = ['genai_config.json', 'inference_model.json'];

/** First character of the mode string → entry type. */
const TYPE_OF: Readonly<Record<string, ListingEntry['type']>> = { d: 'dir', '-': 'file', l: 'link' };

/** `drwxr-xr-x 3 foundry foundry 4096 Nov 26 08:30 name` (GNU long format; size may be human-readable). */
const LONG_LINE = /^([dlcbps-])[rwxsStT-]{9}[.+@]?\s+\d+\s+\S+\s+\S+\s+([\d.]+[KMGTP]?)\s+\S+\s+\S+\s+\S+\s+(.+)$/;

/**
 * Parses `ls -la` or `ls -laR` output of `root`. Section headers (`/path/to/dir:`) set the directory of the
 * entries below them; `.`/`..` and `total N` lines are skipped.
 */
export function parseModelListing(output: string, root: string): ModelListing {
  const base = trimSlash(root);
  const entries: ListingEntry[] = [];
  let dir = '';
  for (const raw of output.split(/\r?\n/)) {
    const line = raw.trimEnd();
    if (line === '' || /^total\s+\d/.test(line)) continue;
    const header = /^(.*):$/.exec(line);
    if (header && !LONG_LINE.test(line)) {
      dir = relativeTo(base, trimSlash(header[1]!));
      continue;
    }
    const m = LONG_LINE.exec(line);
    if (!m) continue;
    const name = m[1] === 'l' ? m[3]!.replace(/ -> .*$/, '') : m[3]!;
    if (name === '.' || name === '..') continue;
    entries.push({ dir, name, type: TYPE_OF[m[1]!] ?? 'other', size: sizeOf(m[2]!) });
  }
  const filesByDir = new Map<string, Set<string>>();
  for (const e of entries.filter((x) => x.type === 'file')) {
    const names = filesByDir.get(e.dir) ?? new Set<string>();
    names.add(e.name);
    filesByDir.set(e.dir, names);
  }
  const models = [...filesByDir]
    .filter(([, names]) => MODEL_MARKERS.every((marker) => names.has(marker)))
    .map(([d]) => d)
    .sort();
  return { entries, models };
}

/** Models present in `after` but not in `before`. */
export function newModels(before: ModelListing, after: ModelListing): string[] {
  const old = new Set(before.models);
  return after.models.filter((m) => !old.has(m));
}

/**
 * Which expected names (`llama-3.2`) no model path contains. A name matches a path segment that starts with it,
 * so `llama-3.2` finds `meta/llama-3.2-1b-instruct-generic-gpu/v1` but `llama-3` does not match `llama-30b`.
 */
export function missingModels(models: readonly string[], expected: readonly string[]): string[] {
  return expected.filter((name) => !models.some((m) => m.split('/').some((segment) => segmentMatches(segment, name))));
}

function segmentMatches(segment: string, name: string): boolean {
  if (!segment.startsWith(name)) return false;
  const next = segment.charAt(name.length);
  return next === '' || !/[0-9.]/.test(next);
}

function sizeOf(text: string): number {
  const m = /^([\d.]+)([KMGTP]?)$/.exec(text);
  if (!m) return 0;
  const power = ' KMGTP'.indexOf(m[2] || ' ');
  return Math.round(Number(m[1]) * 1024 ** Math.max(0, power));
}

function trimSlash(p: string): string {
  return p.length > 1 ? p.replace(/\/+$/, '') : p;
}

function relativeTo(root: string, dir: string): string {
  if (dir === root || dir === '.') return '';
  if (dir.startsWith(`${root}/`)) return dir.slice(root.length + 1);
  return dir.replace(/^\.\//, '');
}
