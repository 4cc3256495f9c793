/**
 * Flux ImagePolicy tag selection: given the tags an ImageRepository scanned and an ImagePolicy spec, which tag is
 * "latest", for the sandbox's image-reflector emulation (imagepolicy.ts) and its git automation (git.ts); the
 * suite never predicts the tag, it reads what the controller reports. The controller's rules:
 * - `filterTags.pattern` (Go RE2 syntax, unanchored) keeps matching tags; `extract` (`$1`, `$name`, `${name}`)
 *   rewrites them before ordering; the original tag is returned.
 * - `semver.range`: Masterminds ranges; tags must have three dot-separated parts (`v` prefix accepted).
 * - `alphabetical` / `numerical` with `order` asc (default: highest wins) or desc (lowest wins).
 */
import { compareSemver, parseFluxVersion, parseSemverRange, type SemVersion } from './semver-range.ts';

export type PolicyOrder = 'asc' | 'desc';

/** `spec.policy` of an ImagePolicy: exactly one choice is used, semver first, like the controller. */
export interface ImagePolicyChoice {
  semver?: { range: string };
  alphabetical?: { order?: PolicyOrder | string };
  numerical?: { order?: PolicyOrder | string };
}

/** The parts of an ImagePolicy spec that decide the tag. An ImagePolicy's `spec` can be passed as is. */
export interface TagPolicy {
  policy: ImagePolicyChoice;
  filterTags?: { pattern?: string; extract?: string };
}

/** Why no tag could be chosen, as a controller would put it in the Ready condition. */
export type TagPolicyFailure = 'InvalidPolicy' | 'NoTags' | 'NoMatch';

/** Raised by {@link selectLatestTag}; `message` is the controller's wording, `reason` classifies it. */
export class TagPolicyError extends Error {
  override readonly name = 'TagPolicyError';
  constructor(
    readonly reason: TagPolicyFailure,
    message: string,
  ) {
    super(message);
  }
}

type Latest = (tags: string[]) => string;

/** Policy kind → constructor of its "latest" function, in the controller's order of precedence. */
const POLICIES: ReadonlyArray<[keyof ImagePolicyChoice, (choice: ImagePolicyChoice) => Latest]> = [
  ['semver', (c) => semverLatest(c.semver!.range)],
  ['alphabetical', (c) => alphabeticalLatest(order(c.alphabetical!.order))],
  ['numerical', (c) => numericalLatest(order(c.numerical!.order))],
];

/**
 * Returns the tag the policy selects (the original tag text, even when `extract` rewrote it for ordering).
 * Throws {@link TagPolicyError}: InvalidPolicy (bad range, pattern or order), NoTags (nothing scanned or nothing
 * left after filtering), NoMatch (no tag satisfies the semver range).
 */
export function selectLatestTag(tags: readonly string[], spec: TagPolicy): string {
  const latest = compileTagPolicy(spec);
  return latest(tags);
}

/** Validates a policy once and returns its selector; use when the same policy is applied to many scans. */
export function compileTagPolicy(spec: TagPolicy): (tags: readonly string[]) => string {
  const entry = POLICIES.find(([key]) => spec.policy?.[key] != null);
  if (!entry) throw new TagPolicyError('InvalidPolicy', 'invalid policy: given ImagePolicyChoice object is invalid');
  let latest: Latest;
  try {
    latest = entry[1](spec.policy);
  } catch (err) {
    throw new TagPolicyError('InvalidPolicy', `invalid policy: ${(err as Error).message}`);
  }
  const filter = spec.filterTags
    ? compileFilter(spec.filterTags.pattern ?? '^.*$', spec.filterTags.extract ?? '')
    : undefined;
  return (tags) => {
    if (tags.length === 0) throw new TagPolicyError('NoTags', 'no tags in database');
    if (!filter) return latest([...tags]);
    const filtered = filter(tags);
    const chosen = latest([...filtered.keys()]);
    return filtered.get(chosen)!;
  };
}

function semverLatest(range: string): Latest {
  const constraint = parseSemverRange(range);
  return (tags) => {
    if (tags.length === 0) throw new TagPolicyError('NoTags', 'version list argument cannot be empty');
    let best: SemVersion | undefined;
    for (const tag of tags) {
      const v = parseFluxVersion(tag);
      if (v && constraint.test(v) && (!best || compareSemver(v, best) > 0)) best = v;
    }
    if (!best) throw new TagPolicyError('NoMatch', 'unable to determine latest version from provided list');
    return best.original;
  };
}

function alphabeticalLatest(dir: PolicyOrder): Latest {
  return (tags) => {
    if (tags.length === 0) throw new TagPolicyError('NoTags', 'version list argument cannot be empty');
    // Go compares strings byte-wise (UTF-8), not by UTF-16 code unit.
    const sorted = [...tags].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    return dir === 'asc' ? sorted[sorted.length - 1]! : sorted[0]!;
  };
}

const GO_FLOAT = /^[+-]?(?:(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|inf|infinity|nan)$/i;

function numericalLatest(dir: PolicyOrder): Latest {
  return (tags) => {
    if (tags.length === 0) throw new TagPolicyError('NoTags', 'version list argument cannot be empty');
    let latest = '';
    let previous = 0;
    tags.forEach((tag, i) => {
      const value = parseGoFloat(tag);
      if (value === undefined) throw new TagPolicyError('NoMatch', `failed to parse invalid numeric value '${tag}'`);
      // Same comparisons as the controller, so ties go to the later tag.
      if (i > 0 && ((dir === 'asc' && value < previous) || (dir === 'desc' && value > previous))) return;
      latest = tag;
      previous = value;
    });
    return latest;
  };
}

function parseGoFloat(text: string): number | undefined {
  if (!GO_FLOAT.test(text)) return undefined;
  const body = text.replace(/^[+-]/, '').toLowerCase();
  const sign = text.startsWith('-') ? -1 : 1;
  if (body === 'inf' || body === 'infinity') return sign * Infinity;
  if (body === 'nan') return NaN;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined; // Go reports a range error for overflow
}

function order(raw: string | undefined): PolicyOrder {
  const upper = (raw ?? '').toUpperCase();
  if (upper === '' || upper === 'ASC') return 'asc';
  if (upper === 'DESC') return 'desc';
  throw new Error(`invalid order argument provided: '${upper}', must be one of: ASC, DESC`);
}

/** Compiles `filterTags`: returns extracted tag → original tag for the tags the pattern matches. */
function compileFilter(pattern: string, extract: string): (tags: readonly string[]) => Map<string, string> {
  let re: RegExp;
  try {
    re = goRegExp(pattern);
  } catch (err) {
    throw new TagPolicyError(
      'InvalidPolicy',
      `invalid policy: failed to filter tags: invalid regular expression pattern '${pattern}': ${(err as Error).message}`,
    );
  }
  return (tags) => {
    const out = new Map<string, string>();
    for (const tag of tags) {
      const m = re.exec(tag);
      if (m) out.set(extract === '' ? tag : expandTemplate(extract, m), tag);
    }
    return out;
  };
}

const POSIX_CLASSES: Readonly<Record<string, string>> = {
  alnum: '0-9A-Za-z',
  alpha: 'A-Za-z',
  digit: '0-9',
  lower: 'a-z',
  upper: 'A-Z',
  space: '\\t\\n\\v\\f\\r ',
  word: '0-9A-Za-z_',
  xdigit: '0-9A-Fa-f',
};

/**
 * Translates the RE2 syntax people write in `filterTags.pattern` to a JavaScript RegExp: `(?P<name>…)`,
 * leading `(?i)`/`(?s)`/`(?m)` flags, `\A`, `\z` and POSIX classes such as `[[:digit:]]`.
 */
export function goRegExp(pattern: string): RegExp {
  let source = pattern;
  let flags = '';
  const leading = /^\(\?([imsU]+)\)/.exec(source);
  if (leading) {
    if (leading[1]!.includes('U')) throw new Error('the (?U) flag has no JavaScript equivalent');
    flags = [...new Set(leading[1]!)].join('');
    source = source.slice(leading[0].length);
  }
  source = source
    .replaceAll('(?P<', '(?<')
    .replaceAll('\\A', '(?<![\\s\\S])')
    .replaceAll('\\z', '(?![\\s\\S])')
    .replace(/\[:(\w+):\]/g, (all, name: string) => POSIX_CLASSES[name] ?? all);
  return new RegExp(source, flags);
}

/**
 * Go's `Regexp.Expand`: `$1`, `${1}`, `$name`, `${name}` insert groups (unknown ones insert nothing), `$$` is a
 * literal dollar, and a `$` not followed by a valid name stays as is. `$1x` means the group named `1x`, as in Go.
 */
export function expandTemplate(template: string, match: RegExpExecArray): string {
  let out = '';
  let rest = template;
  for (;;) {
    const at = rest.indexOf('$');
    if (at < 0) return out + rest;
    out += rest.slice(0, at);
    rest = rest.slice(at + 1);
    if (rest.startsWith('$')) {
      out += '$';
      rest = rest.slice(1);
      continue;
    }
    const ref = /^(?:\{([\p{L}\p{Nd}_]+)\}|([\p{L}\p{Nd}_]+))/u.exec(rest);
    if (!ref) {
      out += '$';
      continue;
    }
    rest = rest.slice(ref[0].length);
    const name = ref[1] ?? ref[2]!;
    const isIndex = /^(0|[1-9][0-9]{0,7})$/.test(name);
    const value = isIndex ? match[Number(name)] : match.groups?.[name];
    out += value ?? '';
  }
}
