/**
 * The generated report as a reviewer opens it (run after `npx playwright test` and `npm run report`): served on
 * 127.0.0.1 and loaded in headless Chromium, it makes no request to any other host (Allure's analytics script is
 * stripped by scripts/report.mjs), logs no console error, and its home page offers the run's budgets table, the
 * timeline and the budget trend as global attachments. `REPORT_DIR` overrides reports/allure-report.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { parseTimingRecord } from '../../helpers/timing-record.ts';
import { formatDuration } from '../../helpers/durations.ts';
import { GLOBAL_ATTACHMENTS } from '../../fixtures/timing-summary.ts';
import { launchChromium } from './browser.ts';
import { serveFolder } from './static-server.ts';

const root = path.resolve(import.meta.dirname, '../..');
const reportDir = process.env.REPORT_DIR ?? path.join(root, 'reports', 'allure-report');
const timingFile = path.join(root, 'reports', 'run', 'timing.json');
const SHOTS = path.join(root, 'reports', 'screenshots');

describe('the generated report in headless Chromium', () => {
  let browser: Browser;
  let page: Page;
  let server: Awaited<ReturnType<typeof serveFolder>>;
  const foreign: string[] = [];
  const consoleErrors: string[] = [];

  before(async () => {
    if (!existsSync(path.join(reportDir, 'index.html')))
      throw new Error(
        `no report in ${path.relative(root, reportDir)}: run \`npx playwright test\` and \`npm run report\` first`,
      );
    mkdirSync(SHOTS, { recursive: true });
    server = await serveFolder(reportDir);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    // Every request is seen here first: one to another host is recorded and never sent.
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith(server.url) || url.startsWith('data:') || url.startsWith('blob:')) return route.continue();
      foreign.push(url);
      return route.abort();
    });
    page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
    page.on('pageerror', (err) => consoleErrors.push(err.message));
    await page.goto(server.url, { waitUntil: 'load' });
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('has no analytics script in any page', () => {
    assert.doesNotMatch(readFileSync(path.join(reportDir, 'index.html'), 'utf8'), /googletagmanager|gtag\(/);
  });

  it('home page: the global attachments hold the budgets table, the timeline and the budget trend', async () => {
    await page
      .getByRole('button', { name: /Global Attachments/ })
      .or(page.getByText(/^Global Attachments/))
      .first()
      .click();
    const list = page.locator('body');
    for (const name of [
      GLOBAL_ATTACHMENTS.table,
      GLOBAL_ATTACHMENTS.timeline('Upgrade'),
      'Budget trend (all runs in the history)',
    ]) {
      await list.getByText(name, { exact: true }).first().waitFor({ timeout: 10_000 });
    }
    await list.getByText(GLOBAL_ATTACHMENTS.table, { exact: true }).first().click();
    // The HTML attachment renders in a frame: its table must show this run's measured values.
    const timing = parseTimingRecord(readFileSync(timingFile, 'utf8'));
    const row = timing.sections[0]!.rows.find((r) => r.measuredMs !== undefined)!;
    const frame = page.frameLocator('iframe').first();
    await frame.getByText(row.name, { exact: true }).first().waitFor({ timeout: 10_000 });
    await frame.getByText(`Timing budgets — run ${timing.runId}`).first().waitFor();
    const cells = await frame.locator('tr').filter({ hasText: row.name }).first().locator('td').allInnerTexts();
    assert.equal(cells[1]!.split(' ')[0], formatDuration(row.measuredMs!));
    await page.screenshot({ path: path.join(SHOTS, 'report-home.png'), fullPage: true });
  });

  it('made no request to another host and logged no console error', async () => {
    assert.deepEqual(foreign, []);
    assert.deepEqual(consoleErrors, []);
  });
});
