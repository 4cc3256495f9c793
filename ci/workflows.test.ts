/**
 * The CI definitions, checked here though no CI service runs here: every GitHub workflow against the workflow
 * schema (@action-validator/core: the schema is compiled into its wasm, no network), every `run:` / `script:` step
 * calls an npm script or a file that exists, and the Azure pipeline parses with the keys the nightly relies on.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { fleetShard } from '../targets/fleet.ts';

const root = path.resolve(import.meta.dirname, '..');
const require = createRequire(import.meta.url);
const { validateWorkflow } = require('@action-validator/core') as {
  validateWorkflow: (src: string) => { errors: Array<{ title: string; detail?: string; path?: string }> };
};
const scripts = (
  JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
).scripts;
const workflowDir = path.join(root, '.github', 'workflows');
const workflows = readdirSync(workflowDir).filter((f) => /\.ya?ml$/.test(f));

type Step = {
  run?: string;
  script?: string;
  uses?: string;
  if?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
};
type Job = {
  steps?: Step[];
  if?: string;
  concurrency?: { group: string };
  strategy?: { matrix?: { include?: Array<Record<string, string>> } };
  'runs-on'?: unknown;
  needs?: string[];
  env?: Record<string, string>;
};
const load = (file: string) =>
  parse(readFileSync(path.join(workflowDir, file), 'utf8')) as {
    on: { schedule: Array<{ cron: string }>; workflow_dispatch: { inputs: Record<string, unknown> } };
    jobs: Record<string, Job>;
  };

/** Problems of one shell command line; commands are split on `&&`, `||`, `;` and `|`. */
export function commandProblems(command: string): string[] {
  const problems: string[] = [];
  for (const raw of command.split(/&&|\|\||;|\|/)) {
    const words = raw
      .trim()
      .split(/\s+/)
      .filter((w) => !/^[A-Z_]+=/.test(w));
    if (words.length === 0) continue;
    const [cmd, arg] = words[0] === 'sudo' ? words.slice(1) : words;
    if (cmd === 'npm') {
      if (arg === 'run' && !scripts[words[words.indexOf('run') + 1]!])
        problems.push(`npm script "${words[words.indexOf('run') + 1]}" is not in package.json`);
      else if (arg !== 'run' && !['ci', 'test', 'install'].includes(arg!))
        problems.push(`unexpected npm command "${raw.trim()}"`);
    } else if (cmd === 'npx') {
      if (!existsSync(path.join(root, 'node_modules', '.bin', arg!)))
        problems.push(`npx ${arg}: no such binary in node_modules/.bin (not a dependency)`);
    } else if (cmd === 'node' || cmd === 'bash') {
      if (!arg || !existsSync(path.join(root, arg))) problems.push(`${cmd} ${arg}: no such file`);
    } else if (cmd === 'apt-get' || cmd === 'echo') {
      // System package installs and logging commands.
    } else {
      problems.push(`"${raw.trim()}" calls neither an npm script nor a file of the repository`);
    }
  }
  return problems;
}

describe('GitHub workflows', () => {
  it('exist: nightly and pull request', () => {
    assert.deepEqual(workflows.sort(), ['nightly.yml', 'pr.yml']);
  });

  for (const file of workflows) {
    it(`${file} validates against the GitHub workflow schema`, () => {
      const { errors } = validateWorkflow(readFileSync(path.join(workflowDir, file), 'utf8'));
      assert.deepEqual(
        errors.map((e) => `${e.path ?? ''} ${e.title}: ${e.detail ?? ''}`),
        [],
      );
    });

    it(`${file}: every run step calls an npm script or a file that exists`, () => {
      const problems = Object.entries(load(file).jobs).flatMap(([id, job]) =>
        (job.steps ?? [])
          .filter((s) => s.run)
          .flatMap((s) => s.run!.split('\n').flatMap((line) => commandProblems(line).map((p) => `${id}: ${p}`))),
      );
      assert.deepEqual(problems, []);
    });
  }

  it('the run-step check catches a missing script, file or binary', () => {
    assert.deepEqual(commandProblems('npm run nope && node ci/nope.mjs'), [
      'npm script "nope" is not in package.json',
      'node ci/nope.mjs: no such file',
    ]);
    assert.match(commandProblems('npx not-a-dependency')[0]!, /not a dependency/);
    assert.match(commandProblems('curl https://example.test | sh')[0]!, /neither an npm script nor a file/);
    assert.deepEqual(commandProblems('npm ci --no-audit && npx playwright test && bash ci/kind/up.sh'), []);
  });

  it('the schema check catches a broken workflow', () => {
    assert.ok(
      validateWorkflow('on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: 1\n    bogus: 1\n').errors
        .length > 0,
    );
  });

  describe('nightly.yml', () => {
    const nightly = load('nightly.yml');
    const { jobs } = nightly;

    it('runs on a schedule and by hand with a target and sandbox args', () => {
      assert.match(nightly.on.schedule[0].cron, /^\S+ \S+ \* \* \*$/);
      assert.deepEqual(Object.keys(nightly.on.workflow_dispatch.inputs).sort(), ['sandbox_args', 'target']);
    });

    it('sandbox matrix over the Flux lines; kind over Flux 2.9 and 2.6', () => {
      assert.deepEqual(
        jobs.sandbox!.strategy!.matrix!.include!.map((m) => m.args),
        ['', '--flux 2.6 --profile arc'],
      );
      assert.match(jobs.sandbox!.env!.E2E_SANDBOX_ARGS!, /matrix\.args.*inputs\.sandbox_args/);
      assert.deepEqual(
        jobs.kind!.strategy!.matrix!.include!.map((m) => m.flux),
        ['2.9', '2.6'],
      );
    });

    it('real-cluster job: gated on a repository variable, self-hosted labels configurable, one run per target', () => {
      const cluster = jobs.cluster!;
      assert.match(cluster.if!, /vars\.E2E_CLUSTER_TARGET != ''/);
      assert.match(String(cluster['runs-on']), /fromJSON\(vars\.E2E_RUNNER_LABELS/);
      assert.match(cluster.concurrency!.group, /inputs\.target \|\| vars\.E2E_CLUSTER_TARGET/);
      const kube = cluster.steps!.find((s) => s.run === 'bash ci/write-kubeconfig.sh')!;
      assert.equal(kube.env!.E2E_KUBECONFIG_DATA, '${{ secrets.E2E_KUBECONFIG }}');
    });

    for (const id of ['sandbox', 'kind', 'cluster']) {
      it(`${id}: uploads reports/ always, posts the summary, publishes JUnit, carries the Allure history`, () => {
        const steps = jobs[id]!.steps!;
        const upload = steps.find(
          (s) => s.uses?.startsWith('actions/upload-artifact') && String(s.with?.path).includes('reports/'),
        )!;
        assert.equal(upload.if, '${{ always() }}');
        assert.equal(steps.find((s) => s.run === 'node ci/job-summary.mjs')!.if, '${{ always() }}');
        assert.ok(
          steps.some(
            (s) => s.uses?.startsWith('mikepenz/action-junit-report') && s.with?.report_paths === 'reports/junit.xml',
          ),
        );
        const restore = steps.findIndex((s) => s.uses?.startsWith('actions/cache/restore'));
        const report = steps.findIndex((s) => s.run === 'npm run report');
        const save = steps.findIndex((s) => s.uses?.startsWith('actions/cache/save'));
        assert.ok(restore >= 0 && restore < report && report < save, `${restore} < ${report} < ${save}`);
        assert.ok(jobs[id]!.concurrency!.group.startsWith('gitops-e2e-'));
      });
    }

    it('fleet: one job per shard of targets/fleet-sandbox.yaml, together every member exactly once', () => {
      const fleet = jobs.fleet!;
      assert.equal(fleet.env!.E2E_TARGET, 'fleet-sandbox');
      assert.equal(fleet.env!.E2E_FLEET_SHARD, '${{ matrix.shard }}');
      const shards = fleet.strategy!.matrix!.include!.map((m) => m.shard as string);
      const members = (
        parse(readFileSync(path.join(root, 'targets', 'fleet-sandbox.yaml'), 'utf8')) as {
          members: Array<{ name: string }>;
        }
      ).members.map((m) => m.name);
      const covered = shards.flatMap((s) => fleetShard(members, s));
      assert.deepEqual(covered, members);
      assert.ok(fleet.steps!.some((s) => s.run === 'npx playwright test'));
    });

    it('publishes the reports to Pages and manages the nightly issue on scheduled runs', () => {
      assert.ok(jobs.pages!.steps!.some((s) => s.uses?.startsWith('actions/deploy-pages')));
      assert.match(jobs.notify!.if!, /github\.event_name == 'schedule'/);
      assert.ok(jobs.notify!.steps!.some((s) => s.run === 'node ci/nightly-issue.mjs all-reports'));
    });
  });

  it('pr.yml runs npm test and the sandbox plan', () => {
    const runs = Object.values(load('pr.yml').jobs).flatMap((j) => (j.steps ?? []).map((s) => s.run));
    assert.ok(runs.includes('npm test'));
    assert.ok(runs.includes('npx playwright test'));
  });
});

describe('Azure pipeline', () => {
  const pipeline = parse(readFileSync(path.join(root, 'azure-pipelines.yml'), 'utf8'));
  const steps = parse(readFileSync(path.join(root, '.azure', 'e2e-steps.yml'), 'utf8'));

  it('has schedules, the variable group, a sandbox and a cluster stage with an exclusive environment', () => {
    assert.match(pipeline.schedules[0].cron, /^\S+ \S+ \* \* \*$/);
    assert.ok(pipeline.variables.some((v: { group?: string }) => v.group === 'gitops-e2e-cluster'));
    assert.deepEqual(
      pipeline.stages.map((s: { stage: string }) => s.stage),
      ['sandbox', 'cluster'],
    );
    const cluster = pipeline.stages[1];
    assert.equal(cluster.lockBehavior, 'sequential');
    assert.equal(cluster.jobs[0].environment, 'gpu-cluster');
    assert.match(cluster.condition, /E2E_CLUSTER_TARGET/);
    assert.deepEqual(
      Object.values(pipeline.stages[0].jobs[0].strategy.matrix as Record<string, { MATRIX_ARGS: string }>).map(
        (m) => m.MATRIX_ARGS,
      ),
      ['', '--flux 2.6 --profile arc'],
    );
    const fleet = pipeline.stages[0].jobs.find((j: { job: string }) => j.job === 'fleet');
    assert.equal(fleet.variables.E2E_TARGET, 'fleet-sandbox');
    assert.deepEqual(
      Object.values(fleet.strategy.matrix as Record<string, { E2E_FLEET_SHARD: string }>).map((m) => m.E2E_FLEET_SHARD),
      ['1/3', '2/3', '3/3'],
    );
  });

  it('publishes JUnit and the artifacts, and every script step exists', () => {
    const all = JSON.stringify(steps);
    assert.match(all, /PublishTestResults@2/);
    assert.match(all, /"artifact":"allure-report-\$\(REPORT_TARGET\)"/);
    assert.match(all, /"artifact":"reports-\$\(REPORT_TARGET\)"/);
    const scriptsUsed = [
      ...all.matchAll(/"script":"((?:[^"\\]|\\.)*)"/g),
      ...JSON.stringify(pipeline).matchAll(/"script":"((?:[^"\\]|\\.)*)"/g),
    ].map((m) => JSON.parse(`"${m[1]}"`) as string);
    assert.ok(scriptsUsed.length >= 6);
    const problems = scriptsUsed.filter((s) => !s.startsWith('echo ')).flatMap(commandProblems);
    assert.deepEqual(problems, []);
  });
});
