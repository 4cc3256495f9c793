/**
 * Go durations (`time.ParseDuration` syntax: `1m30s`, `1.5h`, `250ms`, `0`) as Flux specs and target profiles
 * write them, and a short human format for reports (`850ms`, `7.2s`, `1m30s`).
 *
 * Parsing follows Go exactly, including what Go rejects (`1`, `1d`, `1 s`, `.s`, `1S`, empty): npm libraries such
 * as `ms` or `parse-duration` accept several of those, which would let a profile pass here and fail in Flux.
 */

const NS_PER_MS = 1_000_000n;
const MAX_NS = (1n << 63n) - 1n;

/** Nanoseconds per unit, keyed by the unit spellings Go accepts (both micro signs included). */
const UNIT_NS: Readonly<Record<string, bigint>> = {
  ns: 1n,
  us: 1_000n,
  µs: 1_000n, // U+00B5 micro sign
  μs: 1_000n, // U+03BC Greek small letter mu
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};

/**
 * Parses a Go duration into nanoseconds (exact, as a bigint). Throws Go's own error text, e.g.
 * `time: missing unit in duration "90"`. Use {@link parseDuration} unless nanosecond precision matters.
 */
export function parseDurationNs(text: string): bigint {
  const orig = text;
  const invalid = () => new Error(`time: invalid duration ${quote(orig)}`);
  let s = text;
  let neg = false;
  if (s.startsWith('-') || s.startsWith('+')) {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return 0n;
  if (s === '') throw invalid();
  let total = 0n;
  while (s !== '') {
    if (!/^[0-9.]/.test(s)) throw invalid();
    const int = /^[0-9]*/.exec(s)![0];
    s = s.slice(int.length);
    let frac = '';
    if (s.startsWith('.')) {
      frac = /^\.([0-9]*)/.exec(s)![1]!;
      s = s.slice(1 + frac.length);
    }
    // Go: a number needs digits before or after the dot (".s" and "-.s" are invalid).
    if (int === '' && frac === '') throw invalid();
    const unitMatch = /^[^0-9.]*/.exec(s)![0];
    if (unitMatch === '') throw new Error(`time: missing unit in duration ${quote(orig)}`);
    const unit = UNIT_NS[unitMatch];
    if (unit === undefined) throw new Error(`time: unknown unit ${quote(unitMatch)} in duration ${quote(orig)}`);
    s = s.slice(unitMatch.length);
    let value = BigInt(int === '' ? '0' : int) * unit;
    if (frac !== '') value += (BigInt(frac) * unit) / 10n ** BigInt(frac.length);
    total += value;
    if (total > MAX_NS + (neg ? 1n : 0n)) throw invalid();
  }
  return neg ? -total : total;
}

/** Parses a Go duration into milliseconds (fractional below 1 ms). Throws Go's error text on invalid input. */
export function parseDuration(text: string): number {
  const ns = parseDurationNs(text);
  const whole = ns / NS_PER_MS;
  return Number(whole) + Number(ns - whole * NS_PER_MS) / 1e6;
}

/** True when Go's `time.ParseDuration` would accept the text; for schema checks that need no error message. */
export function isGoDuration(text: string): boolean {
  try {
    parseDurationNs(text);
    return true;
  } catch {
    return false;
  }
}

/** One display rule per magnitude, smallest first: the first whose `below` exceeds the value formats it. */
const DISPLAY_RULES: ReadonlyArray<{ below: number; format: (ms: number) => string }> = [
  { below: 1_000, format: (ms) => `${ms}ms` },
  { below: 60_000, format: (ms) => `${trimDecimal(ms / 1000)}s` },
  { below: 3_600_000, format: (ms) => `${Math.floor(ms / 60_000)}m${Math.round((ms % 60_000) / 1000)}s` },
  {
    below: Infinity,
    format: (ms) =>
      `${Math.floor(ms / 3_600_000)}h${Math.floor((ms % 3_600_000) / 60_000)}m${Math.round((ms % 60_000) / 1000)}s`,
  },
];

/**
 * Formats milliseconds for reports and messages: `850ms`, `7.2s`, `7s`, `1m30s`, `1h2m3s`, `-1.4s`.
 * Precision shrinks with magnitude (ms below 1 s, tenths below 1 min, whole seconds above) so a table of
 * timings stays readable. The output is also a valid Go duration.
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  if (ms < 0) return `-${formatDuration(-ms)}`;
  const rounded = roundForDisplay(ms);
  if (rounded === 0) return '0s';
  return DISPLAY_RULES.find((rule) => rounded < rule.below)!.format(rounded);
}

/** Rounds to the precision its magnitude is shown with, so 59.96 s becomes 60 s and is shown as `1m0s`. */
function roundForDisplay(ms: number): number {
  if (Math.round(ms) < 1_000) return Math.round(ms);
  if (Math.round(ms / 100) * 100 < 60_000) return Math.round(ms / 100) * 100;
  return Math.round(ms / 1000) * 1000;
}

function trimDecimal(seconds: number): string {
  return Number.isInteger(seconds) ? String(seconds) : seconds.toFixed(1);
}

function quote(s: string): string {
  return JSON.stringify(s);
}

/**
 * Formats milliseconds exactly like Go's `time.Duration.String()`: `5m0s`, `1h0m0s`, `1.5s`, `250ms`, `0s`. For
 * messages that must read like a real controller's or kubelet's ("Running 'upgrade' action with timeout of 5m0s",
 * "back-off 1m20s restarting failed container"); reports use {@link formatDuration}.
 */
export function formatGoDuration(ms: number): string {
  if (ms === 0) return '0s';
  const sign = ms < 0 ? '-' : '';
  let rest = Math.abs(ms);
  if (rest < 1000) {
    if (rest >= 1) return `${sign}${trimGoDecimal(rest)}ms`;
    if (rest >= 0.001) return `${sign}${trimGoDecimal(rest * 1000)}µs`;
    return `${sign}${Math.round(rest * 1e6)}ns`;
  }
  const hours = Math.floor(rest / 3_600_000);
  rest -= hours * 3_600_000;
  const minutes = Math.floor(rest / 60_000);
  rest -= minutes * 60_000;
  const seconds = `${trimGoDecimal(rest / 1000)}s`;
  if (hours > 0) return `${sign}${hours}h${minutes}m${seconds}`;
  if (minutes > 0) return `${sign}${minutes}m${seconds}`;
  return `${sign}${seconds}`;
}

/** Up to 9 significant decimals without trailing zeros, as Go prints fractional units. */
function trimGoDecimal(n: number): string {
  return Number(n.toFixed(9)).toString();
}
