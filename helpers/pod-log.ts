/**
 * Reading the foundry pod's log as `kubectl logs --timestamps` (or the API's `timestamps=true`) returns it: which
 * tag it announces (`🏷️ Tag: v0.2.0`, the profile's `pod.logPattern`), and when the model download ran and how fast —
 * the window the end-to-end budget subtracts and the bandwidth the resource step reports.
 */

/** One log line with the kubelet's RFC3339Nano timestamp in epoch ms (undefined when the line had none). */
export interface LogLine {
  at?: number;
  text: string;
}

/** The model download as the log shows it. */
export interface DownloadWindow {
  startedAt?: number;
  finishedAt?: number;
  /** Bytes downloaded, when a line states them. */
  bytes?: number;
  /** Bytes per second: stated by the log, or bytes / (finished − started). */
  bytesPerSecond?: number;
  /** The lines the window was read from, for reports. */
  startLine?: string;
  finishLine?: string;
}

/** What marks the download in the log; the defaults fit Foundry Local's BYO deployment messages. */
export interface DownloadPatterns {
  start: RegExp;
  finish: RegExp;
}

/** Foundry Local's "Downloading …" / "Downloaded …" lines. */
export const DEFAULT_DOWNLOAD_PATTERNS: DownloadPatterns = {
  start: /\bdownloading\b/i,
  finish: /\bdownloaded\b|\bdownload (complete|completed|finished)\b/i,
};

const TIMESTAMP = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2}) (.*)$/;

/** Splits a timestamped log into lines; lines without a timestamp keep `at` undefined. */
export function parseTimestampedLog(text: string): LogLine[] {
  return text
    .split(/\r?\n/)
    .filter((line, i, all) => line !== '' || i < all.length - 1)
    .map((line) => {
      const m = TIMESTAMP.exec(line);
      if (!m) return { text: line };
      // Date.parse keeps at most milliseconds: trim nanoseconds first.
      const fraction = (m[2] ?? '').slice(0, 4);
      return { at: Date.parse(`${m[1]}${fraction}${m[3]}`), text: m[4]! };
    });
}

/**
 * A RegExp for the profile's log pattern (`🏷️ Tag: {tag}`) capturing the tag. The literal parts are matched
 * exactly; `{tag}` captures an OCI tag (letters, digits, `_`, `.`, `-`).
 */
export function logPatternRegExp(pattern: string): RegExp {
  const parts = pattern.split('{tag}').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  // The tag as OCI spells it, so a line like "(🏷️ Tag: v0.2.0)" announces v0.2.0, not "v0.2.0)".
  return new RegExp(parts.join('([A-Za-z0-9_][A-Za-z0-9._-]{0,127})'), 'u');
}

/** Every tag the log announces with the pattern, in order (a restarted container may announce twice). */
export function announcedTags(lines: readonly LogLine[], pattern: string): string[] {
  const re = logPatternRegExp(pattern);
  return lines.map((l) => re.exec(l.text)?.[1]).filter((t): t is string => t !== undefined);
}

/** The first line announcing exactly `tag`, or undefined. */
export function findTagLine(lines: readonly LogLine[], pattern: string, tag: string): LogLine | undefined {
  const re = logPatternRegExp(pattern);
  return lines.find((l) => re.exec(l.text)?.[1] === tag);
}

/**
 * The download window: the first start line, and the first finish line after it. Bytes come from
 * `<N> bytes` on the finish (or start) line; bandwidth from `<x> MB/s` (also KB, GB, MiB…) on the finish line,
 * else from bytes and the window.
 */
export function modelDownloadWindow(
  lines: readonly LogLine[],
  patterns: DownloadPatterns = DEFAULT_DOWNLOAD_PATTERNS,
): DownloadWindow {
  const startIndex = lines.findIndex((l) => patterns.start.test(l.text) && !patterns.finish.test(l.text));
  if (startIndex < 0) return {};
  const start = lines[startIndex]!;
  const finish = lines.slice(startIndex + 1).find((l) => patterns.finish.test(l.text));
  const bytes = bytesIn(finish?.text) ?? bytesIn(start.text);
  const window: DownloadWindow = { startedAt: start.at, startLine: start.text };
  if (finish) Object.assign(window, { finishedAt: finish.at, finishLine: finish.text });
  if (bytes !== undefined) window.bytes = bytes;
  const stated = rateIn(finish?.text);
  const elapsed =
    window.finishedAt !== undefined && window.startedAt !== undefined
      ? window.finishedAt - window.startedAt
      : undefined;
  const bytesPerSecond =
    stated ?? (bytes !== undefined && elapsed !== undefined && elapsed > 0 ? (bytes * 1000) / elapsed : undefined);
  if (bytesPerSecond !== undefined) window.bytesPerSecond = bytesPerSecond;
  return window;
}

const UNIT: Readonly<Record<string, number>> = {
  B: 1,
  KB: 1e3,
  MB: 1e6,
  GB: 1e9,
  KIB: 1024,
  MIB: 1024 ** 2,
  GIB: 1024 ** 3,
};

function bytesIn(text: string | undefined): number | undefined {
  const m = text ? /(\d+) bytes\b/.exec(text) : null;
  return m ? Number(m[1]) : undefined;
}

function rateIn(text: string | undefined): number | undefined {
  const m = text ? /(\d+(?:\.\d+)?)\s?([KMG]i?B|B)\/s\b/i.exec(text) : null;
  if (!m) return undefined;
  const unit = UNIT[m[2]!.toUpperCase()];
  return unit === undefined ? undefined : Number(m[1]) * unit;
}

/**
 * How far the pod's log clock (the node's) is ahead of the suite's: the first log line is written when the
 * container starts, which the suite saw as the pod turning Running (`runningClientAt`, watch arrival). Subtract it
 * from log times to place them on the suite's clock — a cluster clock skewed by minutes then still puts the
 * download inside the right window. Undefined when either moment is unknown.
 */
export function logClockOffset(lines: readonly LogLine[], runningClientAt: number | undefined): number | undefined {
  const first = lines.find((l) => l.at !== undefined)?.at;
  return first === undefined || runningClientAt === undefined ? undefined : first - runningClientAt;
}
