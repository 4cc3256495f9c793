/**
 * Human-readable ages as the API server writes them into Table cells (`5s`, `3m2s`, `2d5h`, `4y12d`): a port of
 * the semantics of k8s.io/apimachinery `duration.HumanDuration`, plus the `<unknown>`/`<invalid>` placeholders
 * the printers use for missing or unparsable timestamps.
 */

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/**
 * Formats a duration in milliseconds with ~2-3 significant figures. Up to 2 s in the future counts as `0s`
 * (tolerated clock drift); further in the future is `<invalid>`, exactly like the Go original.
 */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / SECOND);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 60 * 2) return `${seconds}s`;
  const minutes = Math.trunc(ms / MINUTE);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 60 * 3) return `${minutes}m`;
  const hours = Math.trunc(ms / HOUR);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${Math.trunc(hours / 24)}d` : `${Math.trunc(hours / 24)}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const dy = Math.trunc(hours / 24) % 365;
    const years = Math.trunc(hours / 24 / 365);
    return dy === 0 ? `${years}y` : `${years}y${dy}d`;
  }
  return `${Math.trunc(hours / 24 / 365)}y`;
}

/** Parses an RFC 3339 timestamp; undefined when it is absent or not a valid time. */
export function parseTimestamp(value: unknown): Date | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  // metav1.Time only accepts RFC 3339; Date.parse would also take "March 7" and friends.
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i.test(value)) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : new Date(ms);
}

/**
 * The age of a timestamp at `now`, as built-in printers show it (`translateTimestampSince`): `<unknown>` when
 * the timestamp is missing. Use for every Age / Last Seen style cell of built-in kinds.
 */
export function timestampAge(value: unknown, now: Date): string {
  const at = parseTimestamp(value);
  return at ? humanDuration(now.getTime() - at.getTime()) : '<unknown>';
}

/**
 * A CRD printer column of type `date`: strings become an age, unparsable strings `<invalid>`, anything else
 * null (the cell stays empty in kubectl), as apiextensions' table convertor does.
 */
export function dateCell(value: unknown, now: Date): string | null {
  if (typeof value !== 'string') return null;
  if (value === '') return '<unknown>';
  const at = parseTimestamp(value);
  return at ? humanDuration(now.getTime() - at.getTime()) : '<invalid>';
}
