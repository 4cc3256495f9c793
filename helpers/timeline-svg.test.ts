import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { escapeXml, renderTimelineSvg, textWidth } from './timeline-svg.ts';

const T0 = Date.UTC(2025, 0, 1);

describe('renderTimelineSvg', () => {
  const svg = renderTimelineSvg(
    [
      { name: 'OCI push → ImageRepository detection', startMs: T0, endMs: T0 + 8400, budgetMs: 7000 },
      { name: 'git push → GitRepository sync', startMs: T0 + 9000, endMs: T0 + 10_200, budgetMs: 5000 },
      { name: 'new pod <Running> & "Ready"', startMs: T0 + 11_000 },
    ],
    { title: 'Run 42', origin: 'the OCI push' },
  );
  const groups = svg.split('<g class="stage').slice(1);
  const num = (re: RegExp, text: string) => Number(text.match(re)?.[1]);

  it('is one self-contained SVG document', () => {
    assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="900" height="\d+" viewBox="0 0 900 \d+"/);
    assert.ok(svg.trimEnd().endsWith('</svg>'));
    assert.doesNotMatch(svg, /<script|href=|@import|url\(/);
    assert.equal(groups.length, 3);
  });

  it('colours over-budget stages red, marks budgets and says value and budget in words', () => {
    assert.match(groups[0]!, /^ over"/);
    assert.match(groups[0]!, /fill="#c62828"/);
    assert.match(groups[0]!, /<title>budget 7s<\/title>/);
    assert.match(groups[0]!, />8\.4s, budget 7s \(\+1\.4s\)</);
    assert.match(groups[1]!, /^"/);
    assert.match(groups[1]!, /fill="#2e7d32"/);
    assert.match(groups[1]!, />1\.2s, budget 5s</);
    assert.match(groups[2]!, /stroke-dasharray="4 3"/);
    assert.match(groups[2]!, />not reached</);
    assert.match(svg, /time since the OCI push/);
  });

  it('draws each stage at its offset from time zero on one axis', () => {
    const xs = groups.map((g) => num(/<rect class="bar" x="([\d.]+)"/, g));
    assert.equal(xs[0], 16, 'the first stage starts at time zero');
    assert.ok(xs[0]! < xs[1]! && xs[1]! < xs[2]!, xs.join(','));
    // 9 s and 11 s after the push, on the same scale: the gap between bar 2 and 3 is 2/9 of bar 2's offset.
    assert.ok(Math.abs((xs[2]! - xs[1]!) / (xs[1]! - xs[0]!) - 2 / 9) < 0.01);
    assert.match(svg, />0s</);
  });

  it('puts the value right of both the bar end and the budget marker, and the label on its own line', () => {
    for (const g of groups.slice(0, 2)) {
      const barEnd =
        num(/<rect class="bar" x="([\d.]+)"/, g) + num(/<rect class="bar" x="[\d.]+" y="\d+" width="([\d.]+)"/, g);
      const marker = num(/<path class="budget" d="M([\d.]+)/, g);
      const valueX = num(/<text x="([\d.]+)" y="\d+" class="value"/, g);
      assert.ok(valueX > barEnd && valueX > marker + 4, `${valueX} after ${barEnd} and ${marker}`);
      const labelY = num(/<text x="16" y="(\d+)" class="label"/, g);
      const barY = num(/<rect class="bar" x="[\d.]+" y="(\d+)"/, g);
      assert.ok(barY - labelY >= 5, 'label baseline above the bar and its marker');
    }
  });

  it('fits the axis to what happened: a budget far beyond it is an arrow at the axis end, said in words', () => {
    const far = renderTimelineSvg([
      { name: 'GitOps flow', startMs: T0, endMs: T0 + 700, budgetMs: 15_000 },
      { name: 'end-to-end', startMs: T0, endMs: T0 + 15_000, budgetMs: 120_000 },
    ]);
    const [flow, e2e] = far.split('<g class="stage').slice(1);
    assert.match(flow!, /<path class="budget" d="M/);
    assert.match(e2e!, /<path class="budget beyond"/);
    assert.match(e2e!, /budget 2m0s \(beyond the axis\)/);
    assert.match(e2e!, />15s, budget 2m0s</);
    assert.doesNotMatch(far, />1m0s</, 'the axis ends near 15 s, not at 2 min');
  });

  it('says the net value when an interval was subtracted from the bar', () => {
    const net = renderTimelineSvg([
      { name: 'end-to-end', startMs: T0, endMs: T0 + 16_000, budgetMs: 15_000, measuredMs: 14_600 },
    ]);
    assert.match(net, />14\.6s net \(bar 16s\), budget 15s</);
    assert.doesNotMatch(net, /class="stage over"/, 'judged by the net value');
  });

  it('widens the canvas so the longest label is never clipped', () => {
    const name = 'GitOps flow (git push → HelmRelease upgrade start) '.repeat(3).trim();
    const wide = renderTimelineSvg([{ name, startMs: T0, endMs: T0 + 1000, budgetMs: 15_000 }], { width: 400 });
    const width = num(/width="(\d+)"/, wide);
    assert.ok(width >= 16 + textWidth(name, 12), `${width}`);
  });

  it('renders an empty timeline without failing', () => {
    assert.match(renderTimelineSvg([]), /<svg[\s\S]*<\/svg>/);
    assert.equal(escapeXml(`a<b>&'"`), 'a&lt;b&gt;&amp;&#39;&quot;');
  });
});
