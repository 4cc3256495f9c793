import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluateBudgets, planBudgets } from './budgets.ts';
import { budgetTableHtml, budgetTableMarkdown } from './timing-table.ts';

const T0 = Date.UTC(2025, 0, 1);
const rows = evaluateBudgets(
  {
    ociPushed: T0,
    imageRepositoryDetected: T0 + 8400,
    gitPushed: T0 + 9000,
    gitRepositorySynced: T0 + 10_000,
    oldPodTerminating: T0 + 20_000,
    newPodReady: T0 + 115_000,
  },
  planBudgets({ podReplacement: { limitMs: 90_000, mode: 'report' } }),
);

describe('budgetTableMarkdown', () => {
  const md = budgetTableMarkdown(rows);
  const lines = md.split('\n');

  it('has a header, an alignment row and one row per budget', () => {
    assert.equal(lines[0], '| Budget | Measured | Limit | Mode | Result |');
    assert.equal(lines[1], '| --- | ---: | ---: | --- | --- |');
    assert.equal(lines[2], '| OCI push → ImageRepository detection | 8.4s | 7s | assert | ❌ exceeded |');
    assert.equal(lines[3], '| git push → GitRepository sync | 1s | 5s | assert | ✅ within budget |');
    assert.equal(lines[4], '| GitRepository → Kustomization apply | — | 5s | assert | ❔ not measured |');
    assert.equal(
      lines[6],
      '| old pod termination → new pod Ready with models | 1m35s | 1m30s | report | ⚠️ over (report only) |',
    );
  });

  it('lists the messages of rows that are not ok', () => {
    assert.ok(md.includes('\n- OCI push → ImageRepository detection took 8.4s, budget 7s (exceeded by 1.4s)\n'));
    assert.ok(!md.includes('- git push → GitRepository sync took'));
  });
});

describe('budgetTableHtml', () => {
  it('is a complete document with escaped cells and one row per budget', () => {
    const html = budgetTableHtml(rows, 'Timing <run>');
    assert.match(html, /^<!doctype html>/);
    assert.ok(html.includes('<title>Timing &lt;run&gt;</title>'));
    assert.equal((html.match(/<tr style=/g) ?? []).length, 7);
    assert.ok(html.includes('<td class="num">8.4s</td>'));
    assert.ok(html.includes('title="OCI push → ImageRepository detection took 8.4s, budget 7s (exceeded by 1.4s)"'));
  });
});
