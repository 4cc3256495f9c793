#!/usr/bin/env node
/**
 * CI step of the `pages` job: the downloaded `allure-report-<target>` artifacts become `<site>/<target>/`, and
 * `<site>/index.html` links each target's latest report. One static page, no scripts.
 * Usage: node ci/pages-index.mjs <site-dir>
 */
import { readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const PREFIX = 'allure-report-';

/** Renames the artifact folders to their target names; returns the targets, sorted. */
export function arrangeSite(site) {
  const targets = [];
  for (const name of readdirSync(site).sort()) {
    if (!statSync(path.join(site, name)).isDirectory()) continue;
    const target = name.startsWith(PREFIX) ? name.slice(PREFIX.length) : name;
    if (target !== name) renameSync(path.join(site, name), path.join(site, target));
    targets.push(target);
  }
  return targets;
}

/** The index page. */
export function indexHtml(targets, generatedAt = new Date()) {
  const esc = (s) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  const items = targets.map((t) => `<li><a href="./${encodeURIComponent(t)}/">${esc(t)}</a></li>`).join('\n');
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>GitOps e2e — nightly reports</title>
<style>body{font-family:system-ui,sans-serif;margin:24px}</style></head>
<body><h1>GitOps e2e — nightly reports</h1>
<p>Latest Allure report per target (history across nightlies inside each report). Generated ${esc(generatedAt.toISOString())}.</p>
<ul>
${items || '<li>No report was produced by this run.</li>'}
</ul></body></html>
`;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const site = process.argv[2];
  if (!site) {
    console.error('usage: node ci/pages-index.mjs <site-dir>');
    process.exit(2);
  }
  const targets = arrangeSite(site);
  writeFileSync(path.join(site, 'index.html'), indexHtml(targets));
  console.log(`pages: ${targets.length} report(s): ${targets.join(', ') || 'none'}`);
}
