#!/usr/bin/env node
/**
 * `npm run report`: builds the Allure 3 HTML report from reports/allure-results into reports/allure-report (cleared
 * first), with the categories and history settings of allurerc.mjs. History (reports/allure-history.jsonl) gets one
 * point per run: generating again for a run already recorded regenerates without appending. Serve the result
 * with `npm run report:open` (a multi-file report is blank over file://).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const results = path.join(root, 'reports', 'allure-results');
const output = path.join(root, 'reports', 'allure-report');
const marker = path.join(root, 'reports', '.allure-last-run');
const environment = path.join(root, 'reports', 'run', 'environment.json');

if (!existsSync(results) || !readdirSync(results).some((f) => f.endsWith('-result.json'))) {
  console.error(`report: no test results in ${path.relative(root, results)}: run the suite first (npx playwright test)`);
  process.exit(1);
}

const runId = readRunId();
const alreadyRecorded = runId !== undefined && existsSync(marker) && readFileSync(marker, 'utf8').trim() === runId;
rmSync(output, { recursive: true, force: true });

const cli = allureCli();
const args = [cli, 'generate', results, '--config', path.join(root, 'allurerc.mjs'), '--output', output];
console.log(`report: allure generate ${path.relative(root, results)} → ${path.relative(root, output)}${alreadyRecorded ? ` (run ${runId} already in the history: not appended again)` : ''}`);
const proc = spawnSync(process.execPath, args, {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, GITOPS_E2E_ALLURE_APPEND_HISTORY: alreadyRecorded ? 'false' : 'true' },
});
if (proc.status !== 0) {
  console.error(`report: allure generate failed (exit ${proc.status ?? proc.signal})`);
  process.exit(proc.status ?? 1);
}
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
