/**
 * The report's pictures as a reader sees them: the timeline and the budget trend rendered in headless Chromium,
 * every text box measured. Labels and values must stay inside the canvas and never overlap each other, and no
 * budget marker may cross a label or a value.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { evaluateBudgets, planBudgets, PLAN_BUDGETS } from '../../helpers/budgets.ts';
import { budgetTrend } from '../../helpers/budget-trend.ts';
import { renderBudgetTrendSvg } from '../../helpers/budget-trend-svg.ts';
import { renderTimelineSvg } from '../../helpers/timeline-svg.ts';
import { timingRecord } from '../../helpers/timing-record.ts';
import { timelineStages } from '../../fixtures/timing-summary.ts';
import { launchChromium, overlaps, type Box } from './browser.ts';

const T0 = Date.UTC(2026, 11, 7, 2, 0);
const SHOTS = path.resolve(import.meta.dirname, '../../reports/screenshots');

/** A run like the sandbox's: short GitOps steps, then a long pod replacement; one budget exceeded. */
const checkpoints = {
  ociPushed: T0,
  imageRepositoryDetected: T0 + 8400,
  gitPushed: T0 + 9000,
  gitRepositorySynced: T0 + 9300,
  kustomizationApplied: T0 + 9900,
  helmUpgradeStarted: T0 + 10_100,
  oldPodTerminating: T0 + 10_600,
  newPodRunning: T0 + 14_000,
  newPodReady: T0 + 16_000,
  modelDownloadStarted: T0 + 14_100,
  modelDownloadFinished: T0 + 15_500,
};
const rows = evaluateBudgets(checkpoints, planBudgets());

async function boxes(
  page: Page,
  svg: string,
): Promise<{ texts: Box[]; markers: Box[]; canvas: { width: number; height: number } }> {
  await page.setContent(`<!doctype html><html><body style="margin:0">${svg}</body></html>`);
  // A string, not a function: tsx's keepNames would wrap inner functions in a helper the page does not have.
  return page.evaluate(MEASURE);
}

const MEASURE = `(() => {
  const root = document.querySelector('svg');
  const box = (el) => {
    const b = el.getBBox();
    return { text: el.textContent || el.getAttribute('class') || '', x: b.x, y: b.y, width: b.width, height: b.height };
  };
  return {
    texts: [...root.querySelectorAll('text')].map(box),
    markers: [...root.querySelectorAll('.budget')].map(box),
    canvas: { width: root.viewBox.baseVal.width, height: root.viewBox.baseVal.height },
  };
})()`;

function assertReadable(result: Awaited<ReturnType<typeof boxes>>) {
  const { texts, markers, canvas } = result;
  assert.ok(texts.length > 0);
  for (const t of texts) {
    assert.ok(
      t.x >= 0 && t.y >= 0 && t.x + t.width <= canvas.width && t.y + t.height <= canvas.height,
      `"${t.text}" at ${JSON.stringify(t)} clipped by the ${canvas.width}×${canvas.height} canvas`,
    );
  }
  for (let i = 0; i < texts.length; i++) {
    for (let j = i + 1; j < texts.length; j++)
      assert.ok(!overlaps(texts[i]!, texts[j]!), `"${texts[i]!.text}" overlaps "${texts[j]!.text}"`);
    for (const m of markers) assert.ok(!overlaps(texts[i]!, m), `a budget marker hides "${texts[i]!.text}"`);
  }
}

describe('report pictures in headless Chromium', () => {
  let browser: Browser;
  let page: Page;
  before(async () => {
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    mkdirSync(SHOTS, { recursive: true });
  });
  after(async () => browser?.close());

  it('timeline: labels and values inside the canvas, none overlapping, no marker over text', async () => {
    const svg = renderTimelineSvg(timelineStages({ title: 'Upgrade', rows, checkpoints }), {
      title: 'GitOps upgrade timeline (run 20261207-020000-abcdef)',
      origin: 'the OCI push',
    });
    const result = await boxes(page, svg);
    assertReadable(result);
    assert.ok(
      result.texts.some((t) => t.text === 'GitOps flow (git push → HelmRelease upgrade start)'),
      'the longest label is drawn whole',
    );
    assert.equal(result.markers.length, 7);
    await page.locator('svg').screenshot({ path: path.join(SHOTS, 'timeline.png') });
  });

  it('timeline: a budget far beyond a short bar, and a stage never reached, still read cleanly', async () => {
    const svg = renderTimelineSvg([
      { name: 'a', startMs: T0, endMs: T0 + 100, budgetMs: 60_000 },
      { name: 'b stage that never finished', startMs: T0 + 59_000, budgetMs: 1000 },
      { name: 'c', startMs: T0 + 60_000, endMs: T0 + 61_000 },
    ]);
    assertReadable(await boxes(page, svg));
  });

  it('budget trend: headings, limits and dates readable for thirty runs', async () => {
    const names = Object.fromEntries(PLAN_BUDGETS.map((b) => [b.id, b.name]));
    const history = Array.from({ length: 30 }, (_, i) =>
      JSON.stringify({
        timestamp: T0 - (30 - i) * 86_400_000,
        metrics: {
          'gitops.budget.gitopsFlow': 8000 + (i % 7) * 1500,
          'gitops.budget.gitopsFlow.limit': 15_000,
          'gitops.budget.ociPushToDetection': 4000 + i * 150,
          'gitops.budget.ociPushToDetection.limit': 7000,
        },
      }),
    ).join('\n');
    const series = budgetTrend(history, names, {
      at: T0,
      record: timingRecord('now', [{ title: 'Upgrade', rows, checkpoints }]),
    });
    const result = await boxes(page, renderBudgetTrendSvg(series));
    assertReadable(result);
    assert.ok(
      result.texts.some((t) =>
        t.text.startsWith('GitOps flow (git push → HelmRelease upgrade start) — latest 1.1s, limit 15s (31 runs)'),
      ),
      result.texts.map((t) => t.text).join(' | '),
    );
    await page.locator('svg').screenshot({ path: path.join(SHOTS, 'budget-trend.png') });
  });
});
