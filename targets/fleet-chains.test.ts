/**
 * Failures are kept per fleet member: the projects playwright.config.ts builds for the bundled three-sandbox fleet,
 * run by Playwright itself with a stub test in each of the plan's spec files behind the suite's real phase gate
 * (fixtures/phase-gate.ts), one phase of one member failing. Only that member's later phases are skipped, with a
 * reason naming the failed phase; its budget tests and teardown still run; the other members pass every phase. Each
 * member runs its phases in plan order, never two at once, each test with its phase's timeout.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { PLAN_PHASES, PLAN_SPECS, phaseOfFile } from '../fixtures/phase-gate.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// Under reports/ (ignored by git) so the stub specs resolve @playwright/test from the project's node_modules.
mkdirSync(path.join(root, 'reports'), { recursive: true });
const dir = mkdtempSync(path.join(root, 'reports', '.fleet-chains-'));
after(() => rmSync(dir, { recursive: true, force: true }));

interface ProjectShape {
  name: string;
  testMatch: string[];
  workers?: number;
  timeout?: number;
  phaseTimeouts: Record<string, number>;
}

/** The projects of the real config for a fleet, as Playwright would read them. */
function fleetProjects(): ProjectShape[] {
  const script =
    "const c = (await import('./playwright.config.ts')).default; console.log(JSON.stringify({ workers: c.workers, projects: c.projects.map((p) => ({ name: p.name, testMatch: p.testMatch, workers: p.workers, timeout: p.timeout, phaseTimeouts: p.use.phaseTimeouts })) }))";
  const env: NodeJS.ProcessEnv = { ...process.env, E2E_TARGET: 'fleet-sandbox' };
  delete env.E2E_FLEET_SHARD;
  const config = JSON.parse(
    execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: root,
      env,
      encoding: 'utf8',
    }),
  ) as { workers: number; projects: ProjectShape[] };
  assert.equal(config.workers, config.projects.length, 'one worker per member');
  return config.projects;
}

/** What each stub test wrote: when it ran, in which process, with which timeout. */
interface Ran {
  project: string;
  phase: string;
  begin: number;
  end: number;
  pid: number;
  timeout: number;
}

const STUB = `import { appendFileSync } from 'node:fs';
import { test as base, type TestInfo } from '@playwright/test';
import { gatePhase, phaseOfFile } from ${JSON.stringify(path.join(root, 'fixtures', 'phase-gate.ts'))};
import { RunFiles } from ${JSON.stringify(path.join(root, 'fixtures', 'run-files.ts'))};

export const test = base.extend<{ phaseGate: void }, { runDir: string; phaseTimeouts: Record<string, number> }>({
  runDir: ['', { scope: 'worker', option: true }],
  phaseTimeouts: [{}, { scope: 'worker', option: true }],
  phaseGate: [async ({ runDir, phaseTimeouts }, use, testInfo) => gatePhase(new RunFiles(runDir), phaseTimeouts, testInfo, use), { auto: true }],
});

/** The body of each spec's one test (declared in the spec, which is where the gate reads the phase from). */
export async function phase({}, testInfo: TestInfo): Promise<void> {
    const begin = Date.now();
    // Long enough for two phases of one member to overlap visibly if they ever ran at once.
    await new Promise((resolve) => setTimeout(resolve, 40));
    const phase = phaseOfFile(testInfo.titlePath[0]!);
    appendFileSync(process.env.RAN_LOG!, JSON.stringify({ project: testInfo.project.name, phase, begin, end: Date.now(), pid: process.pid, timeout: testInfo.timeout }) + '\\n');
    if (\`\${testInfo.project.name}:\${phase}\` === process.env.FAIL_PHASE) throw new Error('this phase fails');
}
`;

/** Runs the projects with a stub test per spec file, `failing` (`<member>:<phase>`) failing. */
function runFleet(
  projects: ProjectShape[],
  failing: string,
): { outcome: Map<string, { status: string; skip?: string }>; ran: Ran[] } {
  const tests = path.join(dir, 'tests');
  mkdirSync(tests, { recursive: true });
  writeFileSync(path.join(tests, 'stub-test.ts'), STUB);
  for (const spec of PLAN_SPECS)
    writeFileSync(path.join(tests, spec), "import { phase, test } from './stub-test.ts';\ntest('phase', phase);\n");
  const report = path.join(dir, 'report.json');
  const ranLog = path.join(dir, 'ran.jsonl');
  const config = {
    testDir: tests,
    workers: projects.length,
    fullyParallel: false,
    reporter: [['json', { outputFile: report }]],
    projects: projects.map((p) => ({
      name: p.name,
      testMatch: p.testMatch,
      workers: p.workers,
      timeout: p.timeout,
      use: { runDir: path.join(dir, 'runs', p.name), phaseTimeouts: p.phaseTimeouts },
    })),
  };
  writeFileSync(path.join(dir, 'fleet.config.mjs'), `export default ${JSON.stringify(config)};\n`);
  const cli = path.join(root, 'node_modules', '@playwright', 'test', 'cli.js');
  const env: NodeJS.ProcessEnv = { ...process.env, FAIL_PHASE: failing, RAN_LOG: ranLog };
  delete env.CI;
  spawnSync(process.execPath, [cli, 'test', '-c', path.join(dir, 'fleet.config.mjs')], {
    cwd: root,
    env,
    encoding: 'utf8',
  });
  type JsonTest = { projectName: string; status: string; annotations?: Array<{ type: string; description?: string }> };
  const json = JSON.parse(readFileSync(report, 'utf8')) as {
    suites: Array<{ file: string; specs: Array<{ tests: JsonTest[] }> }>;
  };
  const outcome = new Map<string, { status: string; skip?: string }>();
  for (const s of json.suites) {
    for (const t of s.specs.flatMap((spec) => spec.tests)) {
      const skip = t.annotations?.find((a) => a.type === 'skip')?.description;
      const key = `${t.projectName}:${s.file}`;
      // budgets.spec.ts and teardown.spec.ts are both the teardown phase: keep them apart here.
      outcome.set(key, { status: t.status, ...(skip ? { skip } : {}) });
    }
  }
  const ran = readFileSync(ranLog, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Ran);
  return { outcome, ran };
}

describe('fleet failures are kept per member', () => {
  const projects = fleetProjects();
  const members = projects.map((p) => p.name);

  it("gives each member one project of the plan's spec files, one worker, every phase its timeout", () => {
    assert.deepEqual(members, ['edge-1', 'edge-2', 'edge-3']);
    for (const p of projects) {
      assert.deepEqual(p.testMatch, [...PLAN_SPECS], p.name);
      assert.equal(p.workers, 1, p.name);
      assert.deepEqual(Object.keys(p.phaseTimeouts).sort(), [...PLAN_PHASES].sort(), p.name);
    }
  });

  it("a failed phase of edge-2 skips edge-2's later phases only; its teardown runs; edge-1 and edge-3 pass", () => {
    const { outcome, ran } = runFleet(projects, 'edge-2:02-oci-push');
    const of = (member: string) =>
      PLAN_SPECS.map((spec) => {
        const o = outcome.get(`${member}:${spec}`);
        return `${spec.replace('.spec.ts', '')} ${o?.status ?? 'absent'}${o?.skip ? ` (${o.skip})` : ''}`;
      });
    for (const member of ['edge-1', 'edge-3'])
      assert.ok(
        of(member).every((line) => line.endsWith(' expected')),
        of(member).join(', '),
      );
    const skipped = 'skipped (phase 02-oci-push failed: the later phases of this target are skipped)';
    assert.deepEqual(of('edge-2'), [
      '00-preflight expected',
      '01-initial-deploy expected',
      '02-oci-push unexpected',
      `03-git-update ${skipped}`,
      `04-upgrade ${skipped}`,
      `05-verify ${skipped}`,
      `06-rollback ${skipped}`,
      'budgets expected',
      'teardown expected',
    ]);

    for (const member of members) {
      const own = ran.filter((r) => r.project === member).sort((a, b) => a.begin - b.begin);
      const project = projects.find((p) => p.name === member)!;
      // In plan order, one at a time: each test begins after the one before it ended.
      assert.deepEqual(
        own.map((r) => r.phase),
        member === 'edge-2'
          ? ['00-preflight', '01-initial-deploy', '02-oci-push', 'teardown', 'teardown']
          : PLAN_SPECS.map(phaseOfFile),
        member,
      );
      for (let i = 1; i < own.length; i++)
        assert.ok(
          own[i]!.begin >= own[i - 1]!.end,
          `${member}: ${own[i]!.phase} began before ${own[i - 1]!.phase} ended`,
        );
      for (const r of own) assert.equal(r.timeout, project.phaseTimeouts[r.phase], `${member}:${r.phase} timeout`);
      // One worker for the whole plan; a failure costs the worker (Playwright's rule), the teardown gets a new one.
      assert.equal(new Set(own.map((r) => r.pid)).size, member === 'edge-2' ? 2 : 1, `${member}: worker processes`);
    }
  });
});
