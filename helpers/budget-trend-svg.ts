/**
 * The budget trend as one SVG: a small panel per budget with its measured value in each run of the history (a
 * line with a dot per run, red where it was over), its limit as a dashed line, and the latest value and limit in
 * words. Same rules as the timeline (helpers/timeline-svg.ts): no scripts or external fonts, text never clipped or
 * overlapping — checked in headless Chromium by tests/report/pictures.test.ts.
 */
import type { TrendSeries } from './budget-trend.ts';
import { formatDuration } from './durations.ts';
import { escapeXml, textWidth } from './timeline-svg.ts';

const PAD = 16;
const PANEL = 92;
const CHART = 48;
const TOP = 40;
const COLORS = {
  line: '#1565c0',
  over: '#c62828',
  limit: '#616161',
  text: '#212121',
  axis: '#757575',
  grid: '#eeeeee',
};

/** Renders the series; with no series, a picture that says there is nothing to show yet. */
export function renderBudgetTrendSvg(
  series: readonly TrendSeries[],
  options: { title?: string; width?: number } = {},
): string {
  const title = options.title ?? 'Budget trend across runs';
  const headings = series.map(heading);
  const width = Math.ceil(
    Math.max(options.width ?? 900, textWidth(title, 14) + 2 * PAD, ...headings.map((h) => textWidth(h, 12) + 2 * PAD)),
  );
  const limitRoom = Math.max(0, ...series.map((s) => textWidth(limitText(s), 10))) + 12;
  const plotLeft = PAD + 4;
  const plotRight = width - PAD - limitRoom;
  const height = TOP + Math.max(1, series.length) * PANEL + 4;
  const panels = series.map((s, i) => panel(s, headings[i]!, TOP + i * PANEL, plotLeft, plotRight));
  const empty =
    series.length === 0
      ? [`<text x="${PAD}" y="${TOP + 20}" class="head">no budget measured in any run of the history yet</text>`]
      : [];
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeXml(title)}">`,
    `<style>text{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;fill:${COLORS.text}}.title{font-size:14px;font-weight:600}.head{font-size:12px}.small{font-size:10px;fill:${COLORS.axis}}</style>`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="${PAD}" y="22" class="title">${escapeXml(title)}</text>`,
    ...empty,
    ...panels,
    `</svg>`,
  ].join('\n');
}

function latest(s: TrendSeries) {
  return s.points[s.points.length - 1]!;
}

function heading(s: TrendSeries): string {
  const last = latest(s);
  const limit = last.limitMs === undefined ? '' : `, limit ${formatDuration(last.limitMs)}`;
  return `${s.name} — latest ${formatDuration(last.measuredMs)}${limit} (${s.points.length} run${s.points.length === 1 ? '' : 's'})`;
}

function limitText(s: TrendSeries): string {
  const last = latest(s);
  return last.limitMs === undefined ? '' : `limit ${formatDuration(last.limitMs)}`;
}

function panel(s: TrendSeries, head: string, y: number, left: number, right: number): string {
  const chartTop = y + 22;
  const chartBottom = chartTop + CHART;
  const max = Math.max(1, ...s.points.flatMap((p) => [p.measuredMs, p.limitMs ?? 0])) * 1.1;
  const yOf = (ms: number) => chartBottom - (ms / max) * CHART;
  const n = s.points.length;
  const xOf = (i: number) => (n === 1 ? (left + right) / 2 : left + (i / (n - 1)) * (right - left));
  const points = s.points.map((p, i) => ({
    x: xOf(i),
    y: yOf(p.measuredMs),
    over: p.limitMs !== undefined && p.measuredMs > p.limitMs,
    p,
  }));
  const path = points.map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x.toFixed(1)} ${p.y.toFixed(1)}`).join('');
  // The limit of each run as a step line: a profile change shows as a step.
  const limitPath = s.points
    .map((p, i) =>
      p.limitMs === undefined
        ? ''
        : `M${(n === 1 ? left : xOf(Math.max(0, i - 0.5))).toFixed(1)} ${yOf(p.limitMs).toFixed(1)}H${(n === 1 ? right : xOf(Math.min(n - 1, i + 0.5))).toFixed(1)}`,
    )
    .join('');
  const last = latest(s);
  const dates = n > 1 ? [dateText(s.points[0]!.at), dateText(last.at)] : [dateText(last.at)];
  return [
    `<g class="series" data-budget="${escapeXml(s.id)}">`,
    `<text x="${PAD}" y="${y + 14}" class="head">${escapeXml(head)}</text>`,
    `<line x1="${left}" y1="${chartBottom}" x2="${right}" y2="${chartBottom}" stroke="${COLORS.grid}"/>`,
    limitPath
      ? `<path class="limit" d="${limitPath}" stroke="${COLORS.limit}" stroke-dasharray="5 3" fill="none"/>`
      : '',
    last.limitMs === undefined
      ? ''
      : `<text x="${(right + 8).toFixed(1)}" y="${(yOf(last.limitMs) + 3).toFixed(1)}" class="small">${escapeXml(limitText(s))}</text>`,
    `<path d="${path}" stroke="${COLORS.line}" stroke-width="1.5" fill="none"/>`,
    ...points.map(
      (p) =>
        `<circle cx="${p.x.toFixed(1)}" cy="${p.y.toFixed(1)}" r="3" fill="${p.over ? COLORS.over : COLORS.line}"><title>${escapeXml(`${dateText(p.p.at)}: ${formatDuration(p.p.measuredMs)}`)}</title></circle>`,
    ),
    `<text x="${left}" y="${chartBottom + 14}" class="small">${escapeXml(dates[0]!)}</text>`,
    dates[1]
      ? `<text x="${right}" y="${chartBottom + 14}" text-anchor="end" class="small">${escapeXml(dates[1])}</text>`
      : '',
    `</g>`,
  ]
    .filter(Boolean)
    .join('');
}

/** `2026-12-07 18:40 UTC`: runs are nightly, minutes are enough. */
function dateText(at: number): string {
  return `${new Date(at).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
