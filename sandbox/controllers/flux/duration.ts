/**
 * Go durations as Flux specs carry them (`spec.interval: 10m`), read leniently: a controller falls back to its
 * default instead of failing on a value the CRD schema already let through.
 */
import { parseDuration } from '../../../helpers/durations.ts';

export { formatGoDuration } from '../../../helpers/durations.ts';

/** Milliseconds of a Go duration string, or `fallbackMs` when the string is missing or invalid. */
export function durationMs(text: unknown, fallbackMs: number): number {
  if (typeof text !== 'string' || text === '') return fallbackMs;
  try {
    return parseDuration(text);
  } catch {
    return fallbackMs;
  }
}
