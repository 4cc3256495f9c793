import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { escapeXml, renderTimelineSvg } from './timeline-svg.ts';

const T0 = Date.UTC(2025, 0, 1);

describe('renderTimelineSvg', () => {
  const svg = renderTimelineSvg(
    [
      { name: 'OCI push → ImageRepository detection', startMs: T0, endMs: T0 + 8400, budgetMs: 7000 },
      { name: 'git push → GitRepository sync', startMs: T0 + 9000, endMs: T0 + 10_200, budgetMs: 5000 },
      { name: 'new pod <Running> & "Ready"', startMs: T0 + 11_000 },
    ],
    { title: 'Run 42' },
  );

  it('is one self-contained SVG document', () => {
    assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="900" height="\d+" viewBox="0 0 900 \d+"/);
    assert.ok(svg.trimEnd().endsWith('</svg>'));
    assert.doesNotMatch(svg, /<script|href=|@import|url\(/);
    assert.equal((svg.match(/<g class="stage/g) ?? []).length, 3);
  });

  it('colours over-budget stages red and draws budget markers', () => {
    const groups = svg.split('<g class="stage').slice(1);
    assert.match(groups[0]!, /^ over"/);
    assert.match(groups[0]!, /fill="#c62828"/);
    assert.match(groups[0]!, /<title>budget 7s<\/title>/);
    assert.match(groups[0]!, />8\.4s</);
    assert.match(groups[1]!, /^"/);
    assert.match(groups[1]!, /fill="#2e7d32"/);
    assert.match(groups[2]!, /stroke-dasharray="4 3"/);
    assert.match(groups[2]!, />not reached</);
  });

  it('escapes names and keeps bars in time order on a shared axis', () => {
    assert.ok(svg.includes('new pod &lt;Running&gt; &amp; &quot;Ready&quot;'));
    const xs = [...svg.matchAll(/<rect x="([\d.]+)" y="\d+"/g)].map((m) => Number(m[1]));
    assert.equal(xs.length, 3);
    assert.ok(xs[0]! < xs[1]! && xs[1]! < xs[2]!, xs.join(','));
    assert.match(svg, />0s</);
  });

  it('renders an empty timeline without failing', () => {
    assert.match(renderTimelineSvg([]), /<svg[\s\S]*<\/svg>/);
    assert.equal(escapeXml(`a<b>&'"`), 'a&lt;b&gt;&amp;&#39;&quot;');
  });
});
