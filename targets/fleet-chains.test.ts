/**
 * Failures are kept per fleet member: the project graph playwright.config.ts builds for the bundled three-sandbox
 * fleet, run by Playwright itself with a stub test per project and one phase of one member failing. Only that
 * member's later phases are skipped; its teardown still runs; the other members pass every phase.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// Under reports/ (ignored by git) so the stub spec resolves @playwright/test from the project's node_modules.
mkdirSync(path.join(root, 'reports'), { recursive: true });
const dir = mkdtempSync(path.join(root, 'reports', '.fleet-chains-'));
after(() => rmSync(dir, { recursive: true, force: true }));

interface ProjectShape {
  name: string;
  dependencies?: string[];
  teardown?: string;
}

/** The projects of the real config for a fleet, as Playwright would read them (names, dependencies, teardown). */
function fleetProjects(): ProjectShape[] {
  const script = "const c = (await import('./playwright.config.ts')).default; console.log(JSON.stringify(c.projects.map((p) => ({ name: p.name, dependencies: p.dependencies, teardown: p.teardown }))))";
  const env: NodeJS.ProcessEnv = { ...process.env, E2E_TARGET: 'fleet-sandbox' };
  delete env.E2E_FLEET_SHARD;
  return JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, env, encoding: 'utf8' })) as ProjectShape[];
}

/** Runs the graph with a passing stub per project, `failing` failing; project → its test's outcome. */
function runGraph(projects: ProjectShape[], failing: string): Map<string, string> {
  writeFileSync(path.join(dir, 'stub.spec.ts'), "import { test } from '@playwright/test';\ntest('phase', () => { if (test.info().project.name === process.env.FAIL_PROJECT) throw new Error('this phase fails'); });\n");
  const report = path.join(dir, 'report.json');
  const config = {
    testDir: dir,
    workers: 3,
    reporter: [['json', { outputFile: report }]],
    projects: projects.map((p) => ({ ...p, testMatch: 'stub.spec.ts' })),
  };
  writeFileSync(path.join(dir, 'chains.config.mjs'), `export default ${JSON.stringify(config)};\n`);
  const cli = path.join(root, 'node_modules', '@playwright', 'test', 'cli.js');
  const env: NodeJS.ProcessEnv = { ...process.env, FAIL_PROJECT: failing };
  delete env.CI;
  spawnSync(process.execPath, [cli, 'test', '-c', path.join(dir, 'chains.config.mjs')], { cwd: root, env, encoding: 'utf8' });
  const json = JSON.parse(readFileSync(report, 'utf8')) as { suites: Array<{ specs: Array<{ tests: Array<{ projectName: string; status: string }> }> }> };
  return new Map(json.suites.flatMap((s) => s.specs.flatMap((spec) => spec.tests.map((t) => [t.projectName, t.status] as [string, string]))));
}

describe('fleet failures are kept per member', () => {
  const projects = fleetProjects();

  it('chains each member\'s phases only within the member', () => {
    for (const p of projects) {
      const member = p.name.split(':')[0]!;
      for (const d of [...(p.dependencies ?? []), ...(p.teardown ? [p.teardown] : [])]) assert.ok(d.startsWith(`${member}:`), `${p.name} → ${d}`);
    }
    assert.equal(projects.length, 3 * 8);
  });

  it('a failed phase of edge-2 skips edge-2\'s later phases only; its teardown runs; edge-1 and edge-3 pass', () => {
    const outcome = runGraph(projects, 'edge-2:02-oci-push');
    const of = (member: string) => projects.filter((p) => p.name.startsWith(`${member}:`)).map((p) => `${p.name.split(':')[1]} ${outcome.get(p.name) ?? 'absent'}`);
    for (const member of ['edge-1', 'edge-3']) assert.ok(of(member).every((line) => line.endsWith(' expected')), of(member).join(', '));
    assert.deepEqual(of('edge-2'), [
      '00-preflight expected',
      '01-initial-deploy expected',
      '02-oci-push unexpected',
      '03-git-update skipped',
      '04-upgrade skipped',
      '05-verify skipped',
      '06-rollback skipped',
      'teardown expected',
    ]);
  });
});
