/**
 * Go's `time.Duration` as Flux reads and prints it: `spec.interval: 10m` in, `5m0s` out (messages such as
 * "Running 'upgrade' action with timeout of 5m0s" and "next run in 10m0s" use Go's formatting).
 */
import { parseGoDuration } from '../../faults/faults.ts';

/** Milliseconds of a Go duration string, or `fallbackMs` when the string is missing or invalid. */
export function durationMs(text: unknown, fallbackMs: number): number {
  if (typeof text !== 'string' || text === '') return fallbackMs;
  try {
    return parseGoDuration(text);
  } catch {
    return fallbackMs;
  }
}

/** Formats milliseconds like Go's `Duration.String()`: `5m0s`, `1h0m0s`, `1.5s`, `250ms`, `0s`. */
export function formatGoDuration(ms: number): string {
  if (ms === 0) return '0s';
  const sign = ms < 0 ? '-' : '';
  let rest = Math.abs(ms);
  if (rest < 1000) {
    if (rest >= 1) return `${sign}${trim(rest)}ms`;
    if (rest >= 0.001) return `${sign}${trim(rest * 1000)}µs`;
    return `${sign}${Math.round(rest * 1e6)}ns`;
  }
  const hours = Math.floor(rest / 3_600_000);
  rest -= hours * 3_600_000;
  const minutes = Math.floor(rest / 60_000);
  rest -= minutes * 60_000;
  const seconds = `${trim(rest / 1000)}s`;
  if (hours > 0) return `${sign}${hours}h${minutes}m${seconds}`;
  if (minutes > 0) return `${sign}${minutes}m${seconds}`;
  return `${sign}${seconds}`;
}

/** Up to 9 significant decimals without trailing zeros, as Go prints fractional units. */
function trim(n: number): string {
  return Number(n.toFixed(9)).toString();
}
