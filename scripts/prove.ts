/**
 * `npm run prove`: detection power, proven. Runs the plan on a fresh sandbox once per case of scripts/prove-cases.ts
 * (a fault that breaks one criterion, or a healthy run), with shortened phase timeouts, and prints the matrix:
 * case → criterion → test that must fail first → test that did → its first message → verdict. Exits non-zero when
 * a case is missed, caught late (a timeout instead of the event), caught by the wrong test or in the wrong words,
 * or when a healthy run fails.
 *
 *   npm run prove                 every case
 *   npm run prove -- --list       the cases
 *   npm run prove -- --quick      the quick subset (.ci/run)
 *   npm run prove -- NAME …       some cases
 *   npm run prove -- --jobs=1     one case at a time (default 2: each case has its own sandbox)
 *
 * Each case writes to reports/prove/<case>/ (console log, Playwright JSON, run directory); the matrix goes to
 * reports/prove/matrix.md and matrix.json.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { parse, stringify } from 'yaml';
import { formatDuration } from '../helpers/durations.ts';
import type { TargetInput } from '../targets/schema.ts';
import { firstFailure, verdictOf, type CaseVerdict } from './prove-verdict.ts';
import { PROVE_CASES, type ProveCase } from './prove-cases.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'reports', 'prove');

/** Phase limits for prove runs: long enough for a healthy run on a loaded 2-core machine, short enough to fail fast. */
const SHORT_TIMEOUTS = {
  preflight: '1m',
  initialDeploy: '2m',
  ociPush: '45s',
  gitUpdate: '45s',
  upgrade: '90s',
  verify: '1m',
  rollback: '90s',
  deadlockGrace: '10s',
};

function selectCases(args: string[]): ProveCase[] {
  if (args.includes('--quick')) return PROVE_CASES.filter((c) => c.quick);
  const names = args.filter((a) => !a.startsWith('--'));
  if (names.length === 0) return [...PROVE_CASES];
  const unknown = names.filter((n) => !PROVE_CASES.some((c) => c.name === n));
  if (unknown.length) {
    console.error(`prove: unknown case ${unknown.join(', ')}; run npm run prove -- --list`);
    process.exit(2);
  }
  return PROVE_CASES.filter((c) => names.includes(c.name));
}

/** The sandbox profile with the prove run's timeouts and the case's budgets, written next to the case's reports. */
function writeProfile(c: ProveCase, dir: string): string {
  const profile = parse(readFileSync(path.join(root, 'targets', 'sandbox.yaml'), 'utf8')) as TargetInput;
  profile.name = `prove-${c.name}`;
  profile.timeouts = { ...profile.timeouts, ...SHORT_TIMEOUTS };
  profile.budgets = { ...profile.budgets, ...(c.budgets ?? {}) };
  profile.intervals = { ...profile.intervals, ...(c.intervals ?? {}) };
  if (c.arc) profile.controllers = { ...profile.controllers, arc: { namespace: 'azure-arc', required: true } };
  // A fault case is about its criterion; the rollback (16 s) proves nothing more there.
  if (c.expect) profile.rollback = false;
  const file = path.join(dir, 'profile.yaml');
  writeFileSync(file, stringify(profile));
  return file;
}

async function runCase(c: ProveCase): Promise<CaseVerdict> {
  const dir = path.join(out, c.name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const json = path.join(dir, 'results.json');
  const started = Date.now();
  const proc = await execa(path.join(root, 'node_modules', '.bin', 'playwright'), ['test', '--reporter=list,json'], {
    cwd: root,
    reject: false,
    all: true,
    env: {
      ...c.env,
      E2E_TARGET: writeProfile(c, dir),
      E2E_SANDBOX_ARGS: c.sandboxArgs.join(' '),
      E2E_REPORTS_DIR: dir,
      PLAYWRIGHT_JSON_OUTPUT_FILE: json,
      CI: '',
    },
  });
  writeFileSync(path.join(dir, 'console.log'), String(proc.all ?? ''));
  let report: unknown;
  try {
    report = JSON.parse(readFileSync(json, 'utf8'));
  } catch {
    report = undefined;
  }
  return verdictOf(c, {
    exitCode: proc.exitCode ?? 1,
    report,
    wallMs: Date.now() - started,
    firstFailure: firstFailure(report),
    consoleTail: String(proc.all ?? '')
      .split('\n')
      .slice(-5)
      .join(' | '),
  });
}

function cell(text: string, max = 140): string {
  const flat = text.replace(/\s+/g, ' ').replace(/\|/g, '\\|').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

function matrix(rows: CaseVerdict[]): string {
  const lines = [
    '| case | criterion it breaks | must fail first | failed first | first message | verdict | wall |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const r of rows) {
    lines.push(
      `| ${r.name} | ${cell(r.criterion, 70)} | ${cell(r.expectedTest ?? '(nothing: healthy)', 60)} | ${cell(r.failedTest ?? '—', 60)} | ${cell(r.message ?? '—')} | ${r.ok ? '✅' : '❌'} ${r.verdict} | ${formatDuration(r.wallMs)} |`,
    );
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.includes('--list')) {
    for (const c of PROVE_CASES)
      console.log(
        `${c.name.padEnd(24)} ${c.quick ? 'quick ' : '      '}${c.criterion}${c.sandboxArgs.length ? `  [${c.sandboxArgs.join(' ')}]` : ''}${
          c.env
            ? `  ${Object.entries(c.env)
                .map(([k, v]) => `${k}=${v}`)
                .join(' ')}`
            : ''
        }`,
      );
    return;
  }
  const cases = selectCases(args);
  mkdirSync(out, { recursive: true });
  const started = Date.now();
  const jobsArg = args.find((a) => a.startsWith('--jobs='));
  const jobs = Math.max(1, Number(jobsArg?.slice(7) ?? 2) || 1);
  // Cases run `jobs` at a time, each on its own sandbox (own state dir and ports); rows keep the table's order.
  const rows: CaseVerdict[] = new Array(cases.length);
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < cases.length) {
      const i = next++;
      const c = cases[i]!;
      const verdict = await runCase(c);
      rows[i] = verdict;
      done++;
      console.log(
        `prove ${done}/${cases.length} ${c.name} (${c.sandboxArgs.join(' ') || 'no fault'}): ${verdict.ok ? '✅' : '❌'} ${verdict.verdict} in ${formatDuration(verdict.wallMs)}${verdict.ok ? '' : `: ${cell(verdict.message ?? verdict.detail ?? '', 300)}`}`,
      );
    }
  };
  console.log(`prove: ${cases.length} case${cases.length === 1 ? '' : 's'}, ${Math.min(jobs, cases.length)} at a time`);
  await Promise.all(Array.from({ length: Math.min(jobs, cases.length) }, worker));
  const table = matrix(rows);
  const caught = rows.filter((r) => r.expectedTest && r.ok).length;
  const healthy = rows.filter((r) => !r.expectedTest);
  const summary = `${caught} of ${rows.filter((r) => r.expectedTest).length} faults caught by the right test on time; ${healthy.filter((r) => r.ok).length} of ${healthy.length} healthy runs green; ${formatDuration(Date.now() - started)} in all`;
  writeFileSync(path.join(out, 'matrix.md'), `# Detection power\n\n${table}\n\n${summary}\n`);
  writeFileSync(path.join(out, 'matrix.json'), JSON.stringify({ summary, rows }, null, 2));
  console.log(`\n${table}\n\n${summary}`);
  const failed = rows.filter((r) => !r.ok).length;
  console.log(`prove: ${rows.length - failed} passed, ${failed} failed`);
  process.exitCode = failed ? 1 : 0;
}

await main();
