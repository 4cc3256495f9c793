/**
 * A self-contained SVG timeline of the run's stages, attached to reports and to the report's home page: every stage
 * is a bar drawn at its actual offset from the first checkpoint (the push) on one shared time axis, so the picture
 * shows when things happened, not only how long they took. Each row has its label on its own line above the bar
 * (never clipped: the canvas widens for the longest label), and the bar's value and budget in words to the right of
 * whichever is further right, the bar's end or the budget marker, so the marker never hides a label or a value.
 *
 * Hand-written: a charting library would add tens of MB for one picture, and the SVG needs no scripts or external
 * fonts to render in Allure. Text widths are estimated (no layout engine here); tests/report/pictures.test.ts
 * measures the real boxes in headless Chromium.
 */
import { formatDuration } from './durations.ts';

export interface TimelineStage {
  name: string;
  startMs: number;
  /** Undefined when the stage never finished: drawn as an open dashed bar to the end of the axis. */
  endMs?: number;
  /** Drawn as a marker at startMs + budgetMs. */
  budgetMs?: number;
  /** Overrides the over-budget colouring (e.g. a report-only budget is never red). */
  ok?: boolean;
  /** The budget's measured value when it is not the bar's length (an interval was subtracted, e.g. a download). */
  measuredMs?: number;
}

export interface TimelineOptions {
  title?: string;
  /** Minimum total width in px; default 900. The picture grows when a label needs more. */
  width?: number;
  /** What time zero is, for the axis caption: `the OCI push`. Default: the first checkpoint. */
  origin?: string;
}

const COLORS = {
  ok: '#2e7d32',
  over: '#c62828',
  open: '#9e9e9e',
  axis: '#616161',
  budget: '#263238',
  text: '#212121',
  grid: '#e0e0e0',
};
const FONT = { label: 12, value: 11, tick: 10, title: 14 };
const ROW = 40;
const PAD = 16;
const TOP = 64;
/** Upper bound of a glyph's advance as a fraction of the font size (system-ui, digits and latin letters, arrows). */
const EM = 0.62;
/** A budget ending later than this many times the measured span is drawn as an arrow at the axis end. */
const OFF_AXIS = 2;

/** Estimated rendered width of `text` at `size` px, erring wide so estimated layouts never overlap. */
export function textWidth(text: string, size: number): number {
  return [...text].length * size * EM;
}

/** Renders the stages as an SVG document string. Times are epoch ms; time zero is the earliest start. */
export function renderTimelineSvg(stages: readonly TimelineStage[], options: TimelineOptions = {}): string {
  const title = options.title ?? 'GitOps upgrade timeline';
  const origin = stages.length > 0 ? Math.min(...stages.map((s) => s.startMs)) : 0;
  // The axis fits what happened; a budget far beyond it (a 2 min end-to-end budget over a 15 s run) would squeeze
  // every bar into a corner, so such a budget is drawn as an arrow at the axis end and said in words.
  const measured = Math.max(1000, ...stages.map((s) => (s.endMs ?? s.startMs) - origin));
  const budgets = stages.map((s) => s.startMs + (s.budgetMs ?? 0) - origin).filter((t) => t <= OFF_AXIS * measured);
  const span = Math.max(measured, ...budgets);
  const step = tickStep(span);
  const axisEnd = Math.ceil(span / step) * step;
  const values = stages.map(valueText);
  const valueRoom = Math.max(0, ...values.map((v) => textWidth(v, FONT.value))) + 8;
  const caption = `time since ${options.origin ?? 'the first checkpoint'}`;
  const minWidth = Math.max(
    options.width ?? 900,
    ...stages.map((s) => textWidth(s.name, FONT.label) + 2 * PAD),
    textWidth(title, FONT.title) + 2 * PAD,
    valueRoom + 200 + 2 * PAD,
  );
  const width = Math.ceil(minWidth);
  const plotRight = width - PAD - valueRoom;
  const x = (ms: number) => PAD + ((ms - origin) / axisEnd) * (plotRight - PAD);
  const height = TOP + stages.length * ROW + PAD;

  const ticks: string[] = [];
  for (let t = 0; t <= axisEnd; t += step) {
    const tx = x(origin + t).toFixed(1);
    const anchor = t === 0 ? 'start' : 'middle';
    ticks.push(
      `<line x1="${tx}" y1="${TOP - 4}" x2="${tx}" y2="${TOP + stages.length * ROW}" stroke="${COLORS.grid}"/>`,
      `<text x="${tx}" y="${TOP - 8}" text-anchor="${anchor}" class="tick">${formatDuration(t)}</text>`,
    );
  }

  const rows = stages.map((stage, i) => {
    const y = TOP + i * ROW;
    const barY = y + 20;
    const barH = 12;
    const duration = stage.endMs === undefined ? undefined : stage.endMs - stage.startMs;
    const value = stage.measuredMs ?? duration;
    const over =
      stage.ok === false ||
      (stage.ok === undefined && value !== undefined && stage.budgetMs !== undefined && value > stage.budgetMs);
    const color = duration === undefined ? COLORS.open : over ? COLORS.over : COLORS.ok;
    const x0 = x(stage.startMs);
    const x1 = duration === undefined ? x(origin + axisEnd) : Math.max(x0 + 2, x(stage.endMs!));
    const fill = duration === undefined ? `fill="none" stroke="${color}" stroke-dasharray="4 3"` : `fill="${color}"`;
    const beyond = stage.budgetMs !== undefined && stage.startMs + stage.budgetMs > origin + axisEnd;
    const bx =
      stage.budgetMs === undefined ? undefined : beyond ? x(origin + axisEnd) : x(stage.startMs + stage.budgetMs);
    const mark = beyond
      ? `M${(bx! - 6).toFixed(1)} ${barY - 2}l6 ${barH / 2 + 2}l-6 ${barH / 2 + 2}`
      : `M${bx?.toFixed(1)} ${barY - 3}v${barH + 6}m-4 0h8`;
    const budget =
      bx === undefined
        ? ''
        : `<path class="budget${beyond ? ' beyond' : ''}" d="${mark}" stroke="${COLORS.budget}" stroke-width="2" fill="none"><title>budget ${formatDuration(stage.budgetMs!)}${beyond ? ' (beyond the axis)' : ''}</title></path>`;
    const valueX = Math.max(x1, bx ?? x1) + 6;
    return [
      `<g class="stage${over ? ' over' : ''}">`,
      `<title>${escapeXml(`${stage.name}: ${values[i]}`)}</title>`,
      `<text x="${PAD}" y="${y + 14}" class="label">${escapeXml(stage.name)}</text>`,
      `<rect class="bar" x="${x0.toFixed(1)}" y="${barY}" width="${(x1 - x0).toFixed(1)}" height="${barH}" rx="2" ${fill}/>`,
      budget,
      `<text x="${valueX.toFixed(1)}" y="${barY + barH - 2}" class="value" fill="${color}">${escapeXml(values[i]!)}</text>`,
      `</g>`,
    ]
      .filter(Boolean)
      .join('');
  });

  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeXml(title)}">`,
    `<style>text{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;fill:${COLORS.text}}.label{font-size:${FONT.label}px}.tick{font-size:${FONT.tick}px;fill:${COLORS.axis}}.value{font-size:${FONT.value}px}.title{font-size:${FONT.title}px;font-weight:600}.caption{font-size:${FONT.tick}px;fill:${COLORS.axis}}</style>`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="${PAD}" y="20" class="title">${escapeXml(title)}</text>`,
    `<text x="${PAD}" y="36" class="caption">${escapeXml(caption)} — a dark tick marks each budget, an arrow at the end a budget beyond the axis</text>`,
    ...ticks,
    ...rows,
    `</svg>`,
  ].join('\n');
}

/** The words right of a bar: `8.4s, budget 7s (+1.4s)`. */
function valueText(stage: TimelineStage): string {
  if (stage.endMs === undefined)
    return stage.budgetMs === undefined ? 'not reached' : `not reached, budget ${formatDuration(stage.budgetMs)}`;
  const duration = stage.endMs - stage.startMs;
  const value = stage.measuredMs ?? duration;
  const measured =
    value === duration ? formatDuration(duration) : `${formatDuration(value)} net (bar ${formatDuration(duration)})`;
  if (stage.budgetMs === undefined) return measured;
  const delta = value - stage.budgetMs;
  return `${measured}, budget ${formatDuration(stage.budgetMs)}${delta > 0 ? ` (+${formatDuration(delta)})` : ''}`;
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
