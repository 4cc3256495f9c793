#!/usr/bin/env node
/**
 * Azure Pipelines' Cache@2 restores a folder before the run and saves it at the end of the job; the Allure history
 * is one file that `npm run report` appends to. `restore` copies reports/history-cache/allure-history.jsonl to
 * reports/allure-history.jsonl; `save` copies it back, so the post-job cache save holds this run's point too.
 */
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const live = path.join(root, 'reports', 'allure-history.jsonl');
const cached = path.join(root, 'reports', 'history-cache', 'allure-history.jsonl');
const mode = process.argv[2];
if (mode !== 'restore' && mode !== 'save') {
  console.error('usage: node ci/history-cache.mjs restore|save');
  process.exit(2);
}
const [from, to] = mode === 'restore' ? [cached, live] : [live, cached];
if (!existsSync(from)) {
  console.log(`history-cache: nothing to ${mode} (${path.relative(root, from)} absent)`);
} else {
  mkdirSync(path.dirname(to), { recursive: true });
  copyFileSync(from, to);
  console.log(`history-cache: ${mode}d ${path.relative(root, to)}`);
}
