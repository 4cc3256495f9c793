/**
 * The timing summary as tables: Markdown for the console, job summaries and text attachments, HTML for the
 * Allure attachment. Both show the same columns for every evaluated budget row.
 */
import type { BudgetRow } from './budgets.ts';
import { formatDuration } from './durations.ts';
import { escapeXml } from './timeline-svg.ts';

const HEADERS = ['Budget', 'Measured', 'Limit', 'Mode', 'Result'] as const;

/** Row outcome → the symbol and word shown in the Result column. */
const OUTCOMES = {
  ok: '✅ within budget',
  exceeded: '❌ exceeded',
  reported: '⚠️ over (report only)',
  missing: '❔ not measured',
} as const;

type Outcome = keyof typeof OUTCOMES;

function outcome(row: BudgetRow): Outcome {
  if (row.measuredMs === undefined) return 'missing';
  if (row.ok) return 'ok';
  return row.mode === 'report' ? 'reported' : 'exceeded';
}

function cells(row: BudgetRow): string[] {
  const measured = row.measuredMs === undefined ? '—' : formatDuration(row.measuredMs);
  const subtracted = row.subtractedMs === undefined ? '' : ` (−${formatDuration(row.subtractedMs)})`;
  return [row.name, measured + subtracted, formatDuration(row.limitMs), row.mode, OUTCOMES[outcome(row)]];
}

/** A GitHub-flavoured Markdown table, with each row's message as a footnote list when something is off. */
export function budgetTableMarkdown(rows: readonly BudgetRow[]): string {
  const esc = (text: string) => text.replaceAll('|', '\\|').replace(/\r?\n/g, ' ');
  const lines = [
    `| ${HEADERS.join(' | ')} |`,
    `| ${HEADERS.map((h, i) => (i === 1 || i === 2 ? '---:' : '---')).join(' | ')} |`,
    ...rows.map((row) => `| ${cells(row).map(esc).join(' | ')} |`),
  ];
  const notes = rows.filter((row) => !row.ok).map((row) => `- ${esc(row.message)}`);
  return [...lines, ...(notes.length > 0 ? ['', ...notes] : [])].join('\n') + '\n';
}

/** A standalone HTML document (inline styles only) with the same table and the messages as row titles. */
export function budgetTableHtml(rows: readonly BudgetRow[], title = 'Timing budgets'): string {
  return budgetTablesHtml([{ title, rows }], title);
}

/** One HTML document with a table per section (the upgrade, the rollback), for the report's home page. */
export function budgetTablesHtml(
  sections: ReadonlyArray<{ title: string; rows: readonly BudgetRow[] }>,
  title = 'Timing budgets',
): string {
  return [
    '<!doctype html>',
    `<html><head><meta charset="utf-8"><title>${escapeXml(title)}</title>`,
    '<style>body{font-family:system-ui,sans-serif;margin:16px}table{border-collapse:collapse}th,td{border:1px solid #ccc;padding:4px 10px;text-align:left}td.num{text-align:right;font-variant-numeric:tabular-nums}</style>',
    '</head><body>',
    ...(sections.length === 1 && sections[0]!.title === title ? [] : [`<h2>${escapeXml(title)}</h2>`]),
    ...sections.map((s) => tableSection(s.rows, s.title)),
    '</body></html>',
  ].join('\n');
}

function tableSection(rows: readonly BudgetRow[], title: string): string {
  const colors: Record<Outcome, string> = {
    ok: '#e8f5e9',
    exceeded: '#ffebee',
    reported: '#fff8e1',
    missing: '#f5f5f5',
  };
  const body = rows
    .map((row) => {
      const tds = cells(row)
        .map((c, i) => `<td${i === 1 || i === 2 ? ' class="num"' : ''}>${escapeXml(c)}</td>`)
        .join('');
      return `<tr style="background:${colors[outcome(row)]}" title="${escapeXml(row.message)}">${tds}</tr>`;
    })
    .join('\n');
  return [
    `<h3>${escapeXml(title)}</h3>`,
    `<table><thead><tr>${HEADERS.map((h) => `<th>${h}</th>`).join('')}</tr></thead><tbody>`,
    body,
    '</tbody></table>',
    `<ul>${rows.map((row) => `<li>${escapeXml(row.message)}</li>`).join('')}</ul>`,
  ].join('\n');
}
