/**
 * Semantic versions and ranges with the semantics of Go's `github.com/Masterminds/semver/v3`, which Flux's
 * image-reflector-controller uses for `ImagePolicy.spec.policy.semver.range`. npm's `semver` differs in ways that
 * change which tag wins (`v` prefixes, `1.2` coercion, comma-separated ANDs, `~` and `^` on x-ranges, where
 * prereleases are allowed), so the rules are reproduced here rather than borrowed.
 */

/** A parsed version; `original` is the exact tag text, which is what Flux reports as the latest tag. */
export interface SemVersion {
  major: bigint;
  minor: bigint;
  patch: bigint;
  prerelease: string;
  metadata: string;
  original: string;
}

const VERSION =
  /^v?([0-9]+)(\.[0-9]+)?(\.[0-9]+)?(-([0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*))?(\+([0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*))?$/;

/**
 * Parses like Masterminds `NewVersion` (accepts `v1.2.3`, `1.2`, `1`; numeric prerelease parts must not start
 * with 0). Returns undefined for anything else.
 */
export function parseSemver(text: string): SemVersion | undefined {
  const m = VERSION.exec(text);
  if (!m) return undefined;
  const prerelease = m[5] ?? '';
  if (prerelease.split('.').some((part) => /^[0-9]+$/.test(part) && part.length > 1 && part.startsWith('0')))
    return undefined;
  const num = (s: string | undefined) => BigInt(s ? s.replace(/^\./, '') : '0');
  const [major, minor, patch] = [num(m[1]), num(m[2]), num(m[3])];
  // Go parses segments as uint64.
  if ([major, minor, patch].some((n) => n >= 1n << 64n)) return undefined;
  return { major, minor, patch, prerelease, metadata: m[8] ?? '', original: text };
}

/**
 * Parses a tag the way Flux's `version.ParseVersion` does for ImagePolicy: exactly three dot-separated parts
 * (`v1.2.3`, `2025.02.03-rc.1`; not `v1` or `1.2`), then Masterminds `NewVersion`.
 */
export function parseFluxVersion(tag: string): SemVersion | undefined {
  if (tag.split('.').length < 3) return undefined;
  return parseSemver(tag);
}

/** Orders versions by precedence (build metadata ignored); negative, zero or positive. */
export function compareSemver(a: SemVersion, b: SemVersion): number {
  for (const key of ['major', 'minor', 'patch'] as const) {
    if (a[key] !== b[key]) return a[key] < b[key] ? -1 : 1;
  }
  if (a.prerelease === b.prerelease) return 0;
  if (a.prerelease === '') return 1;
  if (b.prerelease === '') return -1;
  const as = a.prerelease.split('.');
  const bs = b.prerelease.split('.');
  for (let i = 0; i < Math.max(as.length, bs.length); i++) {
    const d = comparePrePart(as[i] ?? '', bs[i] ?? '');
    if (d !== 0) return d;
  }
  return 0;
}

function comparePrePart(s: string, o: string): number {
  if (s === o) return 0;
  if (s === '') return -1;
  if (o === '') return 1;
  const sNum = /^[0-9]+$/.test(s);
  const oNum = /^[0-9]+$/.test(o);
  if (sNum && oNum) return BigInt(s) > BigInt(o) ? 1 : -1;
  if (sNum) return -1; // numeric identifiers sort before alphanumeric ones
  if (oNum) return 1;
  return Buffer.compare(Buffer.from(s), Buffer.from(o)) > 0 ? 1 : -1;
}

/** One comparator such as `>=1.2`, `~1.x`, `^0.2.3` or `!=1.0.0`. */
interface Comparator {
  op: string;
  con: SemVersion;
  /** The version used an x/`*`/missing part somewhere (`1.x`, `1`, `*`). */
  dirty: boolean;
  minorDirty: boolean;
  patchDirty: boolean;
}

type Check = (v: SemVersion, c: Comparator) => boolean;

const lt = (a: SemVersion, b: SemVersion) => compareSemver(a, b) < 0;

const tilde: Check = (v, c) => {
  if (lt(v, c.con)) return false;
  if (c.con.major === 0n && c.con.minor === 0n && c.con.patch === 0n && !c.minorDirty && !c.patchDirty) return true;
  if (v.major !== c.con.major) return false;
  return !(v.minor !== c.con.minor && !c.minorDirty);
};

/** Operator → check, as in Masterminds' constraintOps (prerelease filtering happens per AND group, not here). */
const OPERATORS: Readonly<Record<string, Check>> = {
  '': (v, c) => (c.dirty ? tilde(v, c) : compareSemver(v, c.con) === 0),
  '=': (v, c) => (c.dirty ? tilde(v, c) : compareSemver(v, c.con) === 0),
  '!=': (v, c) => {
    if (c.dirty) {
      if (c.con.major !== v.major) return true;
      if (c.con.minor !== v.minor && !c.minorDirty) return true;
      if (c.minorDirty) return false;
      if (c.con.patch !== v.patch && !c.patchDirty) return true;
      if (c.patchDirty) {
        if (v.prerelease !== '' || c.con.prerelease !== '') return comparePrePart(v.prerelease, c.con.prerelease) !== 0;
        return false;
      }
    }
    return compareSemver(v, c.con) !== 0;
  },
  '>': (v, c) => {
    if (!c.dirty) return compareSemver(v, c.con) > 0;
    if (v.major > c.con.major) return true;
    if (v.major < c.con.major) return false;
    if (c.minorDirty) return false;
    if (c.patchDirty) return v.minor > c.con.minor;
    return compareSemver(v, c.con) > 0;
  },
  '<': (v, c) => compareSemver(v, c.con) < 0,
  '>=': (v, c) => compareSemver(v, c.con) >= 0,
  '=>': (v, c) => compareSemver(v, c.con) >= 0,
  '<=': (v, c) => lessOrEqual(v, c),
  '=<': (v, c) => lessOrEqual(v, c),
  '~': tilde,
  '~>': tilde,
  '^': (v, c) => {
    if (lt(v, c.con)) return false;
    if (c.con.major > 0n || c.minorDirty) return v.major === c.con.major;
    if (v.major > 0n) return false;
    if (c.con.minor > 0n || c.patchDirty) return v.minor === c.con.minor;
    if (v.minor > 0n) return false;
    return v.patch === c.con.patch;
  },
};

function lessOrEqual(v: SemVersion, c: Comparator): boolean {
  if (!c.dirty) return compareSemver(v, c.con) <= 0;
  if (v.major > c.con.major) return false;
  return !(v.major === c.con.major && v.minor > c.con.minor && !c.minorDirty);
}

// Longer operators first so `>=` is not read as `>` followed by `=1.0`.
const OPS = '!=|>=|=>|<=|=<|~>|>|<|=|~|\\^|';
const CV = String.raw`v?([0-9|xX*]+)(\.[0-9|xX*]+)?(\.[0-9|xX*]+)?(-([0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*))?(\+([0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*))?`;
const ONE = new RegExp(`^\\s*(${OPS})\\s*(${CV})\\s*$`);
const FIND = new RegExp(`(${OPS})\\s*(${CV})`, 'g');
const VALID_GROUP = new RegExp(`^(\\s*(${OPS})\\s*(${CV})\\s*)((?:\\s+|,\\s*)(${OPS})\\s*(${CV})\\s*)*$`);
const HYPHEN = new RegExp(`\\s*(${CV})\\s+-\\s+(${CV})\\s*`, 'g');

const isX = (s: string | undefined) => s !== undefined && ['x', 'X', '*'].includes(s.replace(/^\./, ''));

function parseComparator(text: string): Comparator {
  const m = ONE.exec(text);
  if (!m) throw new Error(`improper constraint: ${text}`);
  const [, op = '', ver = '', major = '', minor = '', patch = '', pre = ''] = m;
  let version = ver;
  let dirty = false;
  let minorDirty = false;
  let patchDirty = false;
  if (isX(major)) {
    version = `0.0.0${pre}`;
    dirty = true;
  } else if (minor === '' || isX(minor)) {
    version = `${major}.0.0${pre}`;
    dirty = minorDirty = true;
  } else if (patch === '' || isX(patch)) {
    version = `${major}${minor}.0${pre}`;
    dirty = patchDirty = true;
  }
  const con = parseSemver(version);
  if (!con) throw new Error(`improper constraint: ${text}`);
  return { op, con, dirty, minorDirty, patchDirty };
}

/** A parsed range: OR groups of AND comparators. `test` answers whether a version satisfies it. */
export interface SemverRange {
  readonly text: string;
  test(version: SemVersion): boolean;
}

/**
 * Parses a Masterminds range: `>=1.0.0 <2.0.0`, `>=1.0, <2`, `^1.2 || ~0.3`, `1.2.x`, `*`, `1.0 - 1.4`.
 * A prerelease version satisfies an AND group only when some comparator of that group has a prerelease
 * (`>=1.0.0-0`). Throws `improper constraint: …` like Masterminds for malformed text.
 */
export function parseSemverRange(text: string): SemverRange {
  const rewritten = text.replace(HYPHEN, (_all, from: string, ...rest: string[]) => `>= ${from}, <= ${rest[9]}`);
  const groups = rewritten.split('||').map((group) => {
    if (!VALID_GROUP.test(group)) throw new Error(`improper constraint: ${group}`);
    const comparators = (group.match(FIND) ?? [group]).map(parseComparator);
    return { comparators, allowPrerelease: comparators.some((c) => c.con.prerelease !== '') };
  });
  return {
    text,
    test(version) {
      return groups.some(
        (g) =>
          (version.prerelease === '' || g.allowPrerelease) && g.comparators.every((c) => OPERATORS[c.op]!(version, c)),
      );
    },
  };
}
