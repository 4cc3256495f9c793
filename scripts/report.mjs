#!/usr/bin/env node
/**
 * `npm run report`: builds the Allure 3 HTML report from reports/allure-results into reports/allure-report (cleared
 * first), with the categories and history settings of allurerc.mjs. History (reports/allure-history.jsonl) gets one
 * point per run: generating again for a run already recorded regenerates without appending. Serve the result
 * with `npm run report:open` (a multi-file report is blank over file://).
 *
 * Before generating, it adds the budget trend (each budget across the runs of the history, helpers/budget-trend.ts)
 * as a global attachment, so it shows on the report's home page beside the run's budgets table and timeline. After
 * generating, it strips the analytics script Allure hard-codes into every page (helpers/strip-analytics.ts).
 * Imports the .ts helpers directly: Node ≥ 22.18 strips types without a flag.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PLAN_BUDGETS } from '../helpers/budgets.ts';
import { budgetTrend } from '../helpers/budget-trend.ts';
import { renderBudgetTrendSvg } from '../helpers/budget-trend-svg.ts';
import { assertNoAnalytics, stripAnalytics } from '../helpers/strip-analytics.ts';
import { parseTimingRecord } from '../helpers/timing-record.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const results = path.join(root, 'reports', 'allure-results');
const output = path.join(root, 'reports', 'allure-report');
const marker = path.join(root, 'reports', '.allure-last-run');
const environment = path.join(root, 'reports', 'run', 'environment.json');
const timingFile = path.join(root, 'reports', 'run', 'timing.json');
const historyFile = path.join(root, 'reports', 'allure-history.jsonl');
/** Fixed names: regenerating overwrites them instead of adding a second trend. */
const TREND_GLOBALS = 'gitops-budget-trend-globals.json';
const TREND_SVG = 'gitops-budget-trend-attachment.svg';

if (!existsSync(results) || !readdirSync(results).some((f) => f.endsWith('-result.json'))) {
  console.error(
    `report: no test results in ${path.relative(root, results)}: run the suite first (npx playwright test)`,
  );
  process.exit(1);
}

const runId = readRunId();
const alreadyRecorded = runId !== undefined && existsSync(marker) && readFileSync(marker, 'utf8').trim() === runId;
rmSync(output, { recursive: true, force: true });
writeBudgetTrend(alreadyRecorded);

const cli = allureCli();
const args = [cli, 'generate', results, '--config', path.join(root, 'allurerc.mjs'), '--output', output];
console.log(
  `report: allure generate ${path.relative(root, results)} → ${path.relative(root, output)}${alreadyRecorded ? ` (run ${runId} already in the history: not appended again)` : ''}`,
);
const proc = spawnSync(process.execPath, args, {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, GITOPS_E2E_ALLURE_APPEND_HISTORY: alreadyRecorded ? 'false' : 'true' },
});
if (proc.status !== 0) {
  console.error(`report: allure generate failed (exit ${proc.status ?? proc.signal})`);
  process.exit(proc.status ?? 1);
}
const pages = stripReportAnalytics(output);
ensureMetricsWidget(output);
console.log(`report: analytics removed from ${pages} page${pages === 1 ? '' : 's'}`);
if (runId !== undefined) writeFileSync(marker, `${runId}\n`);
console.log(`report: done — serve it with \`npm run report:open\``);

/** The `allure` package's cli.js (its `exports` hide package.json, so walk up from its entry point). */
function allureCli() {
  let dir = path.dirname(createRequire(path.join(root, 'package.json')).resolve('allure'));
  while (!existsSync(path.join(dir, 'cli.js'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('the allure package has no cli.js: is `allure` (3.x) installed?');
    dir = parent;
  }
  return path.join(dir, 'cli.js');
}

function readRunId() {
  try {
    return JSON.parse(readFileSync(environment, 'utf8'))['Run id'];
  } catch {
    return undefined;
  }
}

/**
 * The trend picture as an Allure global attachment: the history's runs plus this run (unless the history already
 * holds it). Without a timing record (the teardown never summarised) the trend is still drawn from the history.
 */
function writeBudgetTrend(currentInHistory) {
  let current;
  if (!currentInHistory && existsSync(timingFile)) {
    try {
      current = {
        at: statSync(timingFile).mtimeMs,
        record: parseTimingRecord(readFileSync(timingFile, 'utf8'), path.relative(root, timingFile)),
      };
    } catch (err) {
      console.error(`report: budget trend without this run: ${err.message}`);
    }
  }
  const history = existsSync(historyFile) ? readFileSync(historyFile, 'utf8') : '';
  const names = Object.fromEntries(PLAN_BUDGETS.map((b) => [b.id, b.name]));
  const series = budgetTrend(history, names, current);
  writeFileSync(path.join(results, TREND_SVG), renderBudgetTrendSvg(series));
  const globals = {
    attachments: [
      {
        name: 'Budget trend (all runs in the history)',
        source: TREND_SVG,
        type: 'image/svg+xml',
        timestamp: Date.now(),
      },
    ],
    errors: [],
  };
  writeFileSync(path.join(results, TREND_GLOBALS), JSON.stringify(globals));
  console.log(
    `report: budget trend of ${series.length} budget${series.length === 1 ? '' : 's'} over ${Math.max(0, ...series.map((s) => s.points.length))} run(s)`,
  );
}

/** Strips analytics from every HTML page of the report; fails when a reference survives. Returns the page count. */
function stripReportAnalytics(dir) {
  const pages = readdirSync(dir, { recursive: true }).filter((f) => String(f).endsWith('.html'));
  for (const page of pages) {
    const file = path.join(dir, String(page));
    const { html } = stripAnalytics(readFileSync(file, 'utf8'));
    assertNoAnalytics(html, path.relative(root, file));
    writeFileSync(file, html);
  }
  return pages.length;
}

/**
 * Allure 3.18's awesome page fetches widgets/metrics.json on every load, but the plugin writes it only when the run
 * has performance metrics (@allurereport/plugin-awesome dist/generators.js, generateMetrics). A run whose teardown
 * never measured a budget would log a 404 in every reader's console: write the empty widget instead.
 */
function ensureMetricsWidget(dir) {
  const file = path.join(dir, 'widgets', 'metrics.json');
  if (existsSync(path.dirname(file)) && !existsSync(file))
    writeFileSync(file, JSON.stringify({ current: [], history: [] }));
}
