/**
 * Go's `time.Duration.String()` for the messages the kubelet writes (`back-off 1m20s restarting failed
 * container…`, `Successfully pulled image "x" in 1.234s`), so they read exactly like a real node's.
 */

/** Formats milliseconds like Go: `0s`, `750ms`, `1.5s`, `10s`, `1m20s`, `5m0s`, `1h0m0s`. */
export function goDuration(ms: number): string {
  if (ms === 0) return '0s';
  const sign = ms < 0 ? '-' : '';
  const abs = Math.abs(ms);
  if (abs < 1000) return `${sign}${trim(abs.toFixed(3))}ms`;
  const hours = Math.floor(abs / 3_600_000);
  const minutes = Math.floor((abs % 3_600_000) / 60_000);
  const seconds = (abs % 60_000) / 1000;
  const secondsText = `${trim(seconds.toFixed(3))}s`;
  if (hours) return `${sign}${hours}h${minutes}m${secondsText}`;
  if (minutes) return `${sign}${minutes}m${secondsText}`;
  return `${sign}${secondsText}`;
}

function trim(fixed: string): string {
  return fixed.includes('.') ? fixed.replace(/0+$/, '').replace(/\.$/, '') : fixed;
}
