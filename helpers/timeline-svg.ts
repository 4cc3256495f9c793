/**
 * A self-contained SVG timeline of the run's stages (one bar per stage on a shared time axis, a dashed budget
 * marker, red when over budget), attached to reports as `timeline.svg`. Hand-written: a charting library would
 * add tens of MB for one picture, and the SVG needs no scripts or external fonts to render in Allure.
 */
import { formatDuration } from './durations.ts';

export interface TimelineStage {
  name: string;
  startMs: number;
  /** Undefined when the stage never finished: drawn as an open grey bar to the end of the axis. */
  endMs?: number;
  /** Drawn as a dashed marker at startMs + budgetMs. */
  budgetMs?: number;
  /** Overrides the over-budget colouring (e.g. a failed stage within budget). */
  ok?: boolean;
}

export interface TimelineOptions {
  title?: string;
  /** Total width in px; default 900. */
  width?: number;
}

const COLORS = { ok: '#2e7d32', over: '#c62828', open: '#9e9e9e', axis: '#616161', budget: '#37474f', text: '#212121' };
const ROW = 26;
const LABEL = 300;
const TOP = 44;
const PAD = 16;
const VALUE = 70;

/** Renders the stages as an SVG document string. Times are epoch ms; the axis starts at the earliest start. */
export function renderTimelineSvg(stages: readonly TimelineStage[], options: TimelineOptions = {}): string {
  const width = options.width ?? 900;
  const plot = Math.max(100, width - LABEL - PAD - VALUE);
  const origin = stages.length > 0 ? Math.min(...stages.map((s) => s.startMs)) : 0;
  const ends = stages.flatMap((s) => [s.endMs ?? s.startMs, s.startMs + (s.budgetMs ?? 0)]);
  const span = Math.max(1000, ...ends.map((t) => t - origin));
  const step = tickStep(span);
  const axisEnd = Math.ceil(span / step) * step;
  const x = (ms: number) => LABEL + ((ms - origin) / axisEnd) * plot;
  const height = TOP + stages.length * ROW + 30;
  const title = options.title ?? 'GitOps upgrade timeline';

  const ticks: string[] = [];
  for (let t = 0; t <= axisEnd; t += step) {
    const tx = x(origin + t).toFixed(1);
    ticks.push(
      `<line x1="${tx}" y1="${TOP - 6}" x2="${tx}" y2="${TOP + stages.length * ROW}" stroke="#e0e0e0"/>`,
      `<text x="${tx}" y="${TOP - 10}" text-anchor="middle" class="tick">${formatDuration(t)}</text>`,
    );
  }

  const rows = stages.map((stage, i) => {
    const y = TOP + i * ROW;
    const duration = stage.endMs === undefined ? undefined : stage.endMs - stage.startMs;
    const over = stage.ok === false || (duration !== undefined && stage.budgetMs !== undefined && duration > stage.budgetMs);
    const color = duration === undefined ? COLORS.open : over ? COLORS.over : COLORS.ok;
    const x0 = x(stage.startMs);
    const x1 = duration === undefined ? x(origin + axisEnd) : Math.max(x0 + 2, x(stage.endMs!));
    const fill = duration === undefined ? `fill="none" stroke="${color}" stroke-dasharray="4 3"` : `fill="${color}"`;
    const label = duration === undefined ? 'not reached' : formatDuration(duration);
    const budget =
      stage.budgetMs === undefined
        ? ''
        : `<line x1="${x(stage.startMs + stage.budgetMs).toFixed(1)}" y1="${y + 2}" x2="${x(stage.startMs + stage.budgetMs).toFixed(1)}" y2="${y + ROW - 4}" stroke="${COLORS.budget}" stroke-width="2" stroke-dasharray="3 2"><title>budget ${formatDuration(stage.budgetMs)}</title></line>`;
    const tooltip = `${stage.name}: ${label}${stage.budgetMs === undefined ? '' : ` (budget ${formatDuration(stage.budgetMs)})`}`;
    return [
      `<g class="stage${over ? ' over' : ''}">`,
      `<title>${escapeXml(tooltip)}</title>`,
      `<text x="${LABEL - 8}" y="${y + ROW / 2 + 4}" text-anchor="end" class="label">${escapeXml(stage.name)}</text>`,
      `<rect x="${x0.toFixed(1)}" y="${y + 5}" width="${(x1 - x0).toFixed(1)}" height="${ROW - 10}" rx="2" ${fill}/>`,
      budget,
      `<text x="${(x1 + 6).toFixed(1)}" y="${y + ROW / 2 + 4}" class="value" fill="${color}">${escapeXml(label)}</text>`,
      `</g>`,
    ]
      .filter(Boolean)
      .join('');
  });

  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeXml(title)}">`,
    `<style>text{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;fill:${COLORS.text}}.label{font-size:12px}.tick{font-size:10px;fill:${COLORS.axis}}.value{font-size:11px}.title{font-size:14px;font-weight:600}</style>`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="${PAD}" y="20" class="title">${escapeXml(title)}</text>`,
    ...ticks,
    ...rows,
    `</svg>`,
  ].join('\n');
}

/** Axis tick spacing: 1, 2 or 5 × a power of ten seconds, giving about 4–10 ticks. */
function tickStep(spanMs: number): number {
  const raw = spanMs / 8;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((c) => c >= raw)!;
  return Math.max(step, 100);
}

/** Escapes text for SVG/HTML element content and attribute values. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
