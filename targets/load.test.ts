import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse, stringify } from 'yaml';
import { evaluateBudgets, planBudgets } from '../helpers/budgets.ts';
import {
  TARGETS_DIR,
  TargetError,
  artifactFor,
  loadTarget,
  overlay,
  peekTarget,
  resolveTargetFile,
  targetEnvReferences,
} from './load.ts';

const SANDBOX_ENV = {
  E2E_SANDBOX_KUBECONFIG: '/tmp/sbx/kubeconfig',
  E2E_SANDBOX_REGISTRY_HOST: '127.0.0.1:41234',
  E2E_SANDBOX_REGISTRY_USERNAME: 'sandbox',
  E2E_SANDBOX_REGISTRY_PASSWORD: 'registry-secret-1',
  E2E_SANDBOX_GIT_URL: 'http://127.0.0.1:41235/foundry-gitops.git',
  E2E_SANDBOX_GIT_USERNAME: 'sandbox',
  E2E_SANDBOX_GIT_TOKEN: 'git-secret-2',
  E2E_SANDBOX_ARTIFACTS_DIR: '/tmp/sbx/artifacts',
  E2E_SANDBOX_GITHUB_API_URL: 'http://127.0.0.1:41235/api/v3',
  E2E_SANDBOX_GITHUB_TOKEN: 'git-secret-2',
};

let dir: string;
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the tests write invalid values on purpose
type ProfileDoc = Record<string, any>;
const sandboxDoc = () => parse(readFileSync(path.join(TARGETS_DIR, 'sandbox.yaml'), 'utf8')) as ProfileDoc;

/** Writes a variant of the sandbox profile and returns its path. */
function variant(mutate: (doc: ProfileDoc) => void): string {
  const doc = sandboxDoc();
  mutate(doc);
  const file = path.join(dir, `variant-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, stringify(doc));
  return file;
}

/** The error lines of loading a variant, with its path replaced by FILE. */
function problemsOf(mutate: (doc: ProfileDoc) => void, env: NodeJS.ProcessEnv = SANDBOX_ENV): string[] {
  const file = variant(mutate);
  try {
    loadTarget(file, env);
  } catch (err) {
    assert.ok(err instanceof TargetError, String(err));
    assert.equal(err.message, err.problems.join('\n'));
    return err.problems.map((line) => line.replace(`${file}: `, 'FILE: '));
  }
  assert.fail('expected the profile to be rejected');
}

describe('loadTarget', () => {
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'targets-test-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('loads the default sandbox profile with env interpolation and defaults', () => {
    const t = loadTarget(undefined, SANDBOX_ENV);
    assert.equal(t.name, 'sandbox');
    assert.equal(t.file, path.join(TARGETS_DIR, 'sandbox.yaml'));
    assert.equal(t.kubeconfig, '/tmp/sbx/kubeconfig');
    assert.equal(t.context, 'sandbox');
    assert.equal(t.registry.host, '127.0.0.1:41234');
    assert.equal(t.registry.repository, 'foundry-local-olive-models', 'default of ${VAR:-default}');
    assert.equal(t.registry.plainHttp, true);
    assert.equal(t.git.remote, 'http://127.0.0.1:41235/foundry-gitops.git');
    assert.equal(t.safety.allowMutations, true);
    assert.deepEqual(t.safety.allowedContexts, ['sandbox']);
    assert.equal(t.timeouts.upgrade, 300_000);
    assert.equal(t.bootstrap.timeout, 120_000);
    assert.deepEqual(t.budgets.ociPushToDetection, { limit: '7s', limitMs: 7000, mode: 'assert' });
    assert.deepEqual(t.budgets.podReplacement, { limit: '90s', limitMs: 90_000, mode: 'assert' });
    assert.deepEqual(
      t.intervals,
      {
        gitRepository: 3_000,
        kustomization: 3_000,
        kustomizationRetry: 3_000,
        imageRepository: 5_000,
        requeueDependency: 1_000,
      },
      "the plan's sync intervals",
    );
    assert.deepEqual(t.sandbox, { args: [] });
    assert.equal(artifactFor(t, 'v0.2.0'), '/tmp/sbx/artifacts/v0.2.0/models.tar.gz');
  });

  it('loads the Arc example read-only with its 8 controllers, and by path', () => {
    const t = loadTarget(path.join(TARGETS_DIR, 'example-arc.yaml'), {
      GITHUB_OWNER: 'contoso',
      KUBECONFIG: '/home/u/.kube/arc',
    });
    assert.equal(t.safety.allowMutations, false);
    assert.deepEqual(t.safety.allowedContexts, ['foundry-gpu-arc']);
    assert.equal(t.registry.host, 'foundryoci.azurecr.io');
    assert.equal(t.git.remote, 'https://github.com/contoso/foundry-gitops.git');
    assert.equal(t.kubeconfig, '/home/u/.kube/arc', 'kubeconfig defaults to $KUBECONFIG');
    assert.equal(t.controllers.expected.length, 8);
    assert.deepEqual(t.controllers.arc, { namespace: 'azure-arc', required: true });
    assert.equal(t.sandbox, undefined);
    assert.equal(artifactFor(t, 'v0.2.0'), path.resolve('artifacts/v0.2.0/models.tar.gz'));
    assert.deepEqual(loadTarget('example-arc', {}).git.remote, 'https://github.com/your-org/foundry-gitops.git');
  });

  it('feeds the budgets helper directly', () => {
    const t = loadTarget('sandbox', SANDBOX_ENV);
    const budgets = planBudgets(t.budgets);
    assert.equal(budgets.length, 7);
    const [row] = evaluateBudgets({ ociPushed: 0, imageRepositoryDetected: 8400 }, budgets);
    assert.equal(row!.message, 'OCI push → ImageRepository detection took 8.4s, budget 7s (exceeded by 1.4s)');
  });

  it('names every missing environment variable with its field', () => {
    assert.throws(
      () => loadTarget('sandbox', { E2E_SANDBOX_REGISTRY_HOST: 'h:1' }),
      (err: TargetError) => {
        assert.deepEqual(err.problems, [
          'targets/sandbox.yaml: kubeconfig: environment variable E2E_SANDBOX_KUBECONFIG is not set (or empty)',
          'targets/sandbox.yaml: artifactsDir: environment variable E2E_SANDBOX_ARTIFACTS_DIR is not set (or empty)',
          'targets/sandbox.yaml: git.remote: environment variable E2E_SANDBOX_GIT_URL is not set (or empty)',
          'targets/sandbox.yaml: github.apiUrl: environment variable E2E_SANDBOX_GITHUB_API_URL is not set (or empty)',
        ]);
        return true;
      },
    );
  });

  it('peeks at the sandbox block before the environment exists', () => {
    assert.deepEqual(peekTarget(undefined, {}), {
      file: path.join(TARGETS_DIR, 'sandbox.yaml'),
      name: 'sandbox',
      sandbox: { args: [] },
    });
    assert.deepEqual(peekTarget('example-arc', {}), {
      file: path.join(TARGETS_DIR, 'example-arc.yaml'),
      name: 'example-arc',
    });
    const withArgs = variant((d) => (d.sandbox.args = ['--flux', '${E2E_FLUX:-2.6}']));
    assert.deepEqual(peekTarget(withArgs, {}).sandbox, { args: ['--flux', '2.6'] });
    assert.throws(
      () =>
        peekTarget(
          variant((d) => (d.sandbox.args = '--flux 2.6')),
          {},
        ),
      /sandbox\.args: must be a list of strings/,
    );
  });

  it('gives one line per bad field', () => {
    const problems = problemsOf((d) => {
      delete d.registry.host;
      d.registry.plainHttp = 'yes';
      d.timeouts.upgrade = '5 minutes';
      d.budgets.gitPushToSync = '1d';
      d.budgets.endToEnd = { limit: '2m', mode: 'maybe' };
      d.objects.helmRelease = 'Foundry_GPU';
      d.registry.passwordEnv = 'not-a-var';
      d.extra = 1;
      d.git.remot = 'x';
      d.mode = 'auto';
    });
    assert.deepEqual(problems.sort(), [
      'FILE: budgets.endToEnd.mode: Invalid option: expected one of "assert"|"report"',
      'FILE: budgets.gitPushToSync.limit: must be a Go duration such as 90s, 2m or 1m30s',
      'FILE: extra: unknown field',
      'FILE: git.remot: unknown field',
      'FILE: mode: Invalid option: expected one of "manual"|"automation"',
      'FILE: objects.helmRelease: must be a Kubernetes object name (lowercase letters, digits, "-" and ".")',
      'FILE: registry.host: Required',
      'FILE: registry.passwordEnv: must be an environment variable name such as REGISTRY_PASSWORD',
      'FILE: registry.plainHttp: Invalid input: expected boolean, received string',
      'FILE: timeouts.upgrade: must be a Go duration such as 90s, 2m or 1m30s',
    ]);
  });

  it('checks rules across fields', () => {
    assert.deepEqual(
      problemsOf((d) => {
        d.mode = 'automation';
        d.rollbackBy = 'registry';
      }),
      ['FILE: objects.imageUpdateAutomation: Required when mode is automation'],
    );
    assert.deepEqual(
      problemsOf((d) => delete d.artifactsDir),
      ['FILE: artifactsDir: Required (or artifacts): where the to-tag models.tar.gz comes from'],
    );
    assert.deepEqual(
      problemsOf((d) => {
        delete d.artifactsDir;
        d.artifacts = { 'v0.1.0': '/a.tgz' };
      }),
      ['FILE: artifacts.v0.2.0: Required: no artifact for the to-tag v0.2.0'],
    );
    assert.deepEqual(
      problemsOf((d) => (d.tags.to = 'v0.1.0')),
      ['FILE: tags.to: must differ from tags.from'],
    );
    assert.deepEqual(
      problemsOf((d) => (d.safety.allowedContexts = [])),
      ['FILE: safety.allowedContexts: must list at least one context when allowMutations is true'],
    );
    assert.deepEqual(
      problemsOf((d) => (d.git.remote = 'https://user:pw@github.com/o/r.git')),
      ['FILE: git.remote: must not contain credentials; name them with usernameEnv/tokenEnv'],
    );
    assert.deepEqual(
      problemsOf((d) => (d.pod.logPattern = 'Tag:')),
      ['FILE: pod.logPattern: must contain {tag}'],
    );
  });

  it('refuses durations of zero or less before anything runs', () => {
    const problems = problemsOf((d) => {
      d.budgets.gitPushToSync = '-5s';
      d.budgets.endToEnd = { limit: '0s' };
      d.timeouts.upgrade = '-30s';
      d.bootstrap.timeout = '0s';
    });
    const positive = 'must be positive (a limit of zero or less would fail, or never wait, after the run has mutated)';
    assert.deepEqual(problems.sort(), [
      `FILE: bootstrap.timeout: ${positive}`,
      `FILE: budgets.endToEnd.limit: ${positive}`,
      `FILE: budgets.gitPushToSync.limit: ${positive}`,
      `FILE: timeouts.upgrade: ${positive}`,
    ]);
  });

  it('takes bootstrap.env as a list of variable names', () => {
    assert.deepEqual(loadTarget('sandbox', SANDBOX_ENV).bootstrap.env.includes('GITOPS_INTERVAL'), true);
    assert.deepEqual(loadTarget('example-arc', {}).bootstrap.env.includes('GITOPS_INTERVAL'), true);
    assert.deepEqual(
      problemsOf((d) => (d.bootstrap.env = ['OK', 'not ok'])),
      ['FILE: bootstrap.env[1]: must be an environment variable name such as REGISTRY_PASSWORD'],
    );
  });

  it('loads the automation profile: mode automation, the git credentials mapped for the bootstrap, rollback by registry', () => {
    const t = loadTarget('sandbox-automation', SANDBOX_ENV);
    assert.equal(t.mode, 'automation');
    assert.equal(t.rollbackBy, 'registry');
    assert.equal(t.objects.imageUpdateAutomation, 'foundry-gitops');
    assert.ok(t.bootstrap.env.includes('GIT_USERNAME') && t.bootstrap.env.includes('GIT_TOKEN'));
    assert.deepEqual(t.bootstrap.envFrom, {
      GIT_USERNAME: 'E2E_SANDBOX_GIT_USERNAME',
      GIT_TOKEN: 'E2E_SANDBOX_GIT_TOKEN',
    });
    assert.deepEqual(t.bootstrap.envValues, { GITOPS_IMAGE_AUTOMATION: 'true' });
    assert.equal(t.budgets.policyToAutomationCommit.limitMs, 10_000);
    assert.deepEqual(t.automationCommit, {
      authorName: 'fluxcdbot',
      authorEmail: 'fluxcdbot@users.noreply.github.com',
      messageTemplate: 'chore: update model artifact tag',
    });
  });

  it('checks the automation rules: rollbackBy fits the mode, mapped bootstrap variables are listed', () => {
    assert.deepEqual(
      problemsOf((d) => (d.rollbackBy = 'registry')),
      ['FILE: rollbackBy: registry needs mode automation (nothing would commit the from-tag); use git'],
    );
    // Both styles in automation mode: git (the automation suspended meanwhile) and registry.
    for (const rollbackBy of ['git', 'registry']) {
      const file = variant((d) => {
        d.mode = 'automation';
        d.objects.imageUpdateAutomation = 'x';
        d.rollbackBy = rollbackBy;
      });
      assert.equal(loadTarget(file, SANDBOX_ENV).rollbackBy, rollbackBy);
    }
    assert.deepEqual(
      problemsOf((d) => (d.rollbackBy = 'revert')),
      [
        'FILE: rollbackBy: must be git (push the from-tag commit; in automation mode with the ImageUpdateAutomation suspended meanwhile) or registry (delete the to-tag and let the automation commit the from-tag; automation mode), not "revert"',
      ],
    );
    assert.deepEqual(
      problemsOf((d) => (d.automationCommit = { authorName: 'fluxcdbot', authorEmail: '' })),
      ['FILE: automationCommit.authorEmail: must not be empty', 'FILE: automationCommit.messageTemplate: Required'],
    );
    assert.deepEqual(
      problemsOf((d) => (d.bootstrap.envFrom = { GIT_TOKEN: 'E2E_SANDBOX_GIT_TOKEN' })),
      [
        'FILE: bootstrap.envFrom.GIT_TOKEN: must also be listed in bootstrap.env (the bootstrap sees only what env lists)',
      ],
    );
  });

  it('names the directory when E2E_TARGET is one', () => {
    assert.throws(
      () => loadTarget('targets/', {}),
      /^TargetError: target "targets\/": targets is a directory, not a profile file: name a \.yaml file in it \(bundled profiles: .*sandbox/,
    );
  });

  it('reports malformed references, bad YAML and unknown targets', () => {
    assert.deepEqual(
      problemsOf((d) => (d.description = 'x ${oops')),
      ['FILE: description: malformed variable reference ${oops (use ${NAME} or ${NAME:-default})'],
    );
    assert.equal(
      loadTarget(
        variant((d) => (d.description = 'literal $${NOT_A_VAR}')),
        SANDBOX_ENV,
      ).description,
      'literal ${NOT_A_VAR}',
    );
    const bad = path.join(dir, 'bad.yaml');
    writeFileSync(bad, 'name: [unclosed\n');
    assert.throws(() => loadTarget(bad, {}), /not valid YAML \(line \d+\)/);
    assert.throws(
      () => loadTarget('nope', {}),
      /^TargetError: target "nope" not found: no file targets\/nope\.yaml \(available: .*example-arc.*sandbox/,
    );
    assert.equal(resolveTargetFile(''), path.join(TARGETS_DIR, 'sandbox.yaml'));
  });
});

describe('targetEnvReferences', () => {
  it('lists the variables a profile refers to', () => {
    const refs = targetEnvReferences('sandbox');
    assert.deepEqual(refs.interpolated.map((r) => `${r.name}${r.hasDefault ? '?' : ''}`).sort(), [
      'E2E_SANDBOX_ARTIFACTS_DIR',
      'E2E_SANDBOX_GITHUB_API_URL',
      'E2E_SANDBOX_GIT_URL',
      'E2E_SANDBOX_KUBECONFIG',
      'E2E_SANDBOX_REGISTRY_HOST',
      'E2E_SANDBOX_REGISTRY_REPOSITORY?',
    ]);
    assert.deepEqual(refs.credentials.sort(), [
      'E2E_SANDBOX_GITHUB_TOKEN',
      'E2E_SANDBOX_GIT_TOKEN',
      'E2E_SANDBOX_GIT_USERNAME',
      'E2E_SANDBOX_REGISTRY_PASSWORD',
      'E2E_SANDBOX_REGISTRY_USERNAME',
    ]);
  });
});

describe("overrides (a fleet member's)", () => {
  it('overlay merges mappings key by key and replaces lists and values', () => {
    const base = { a: { b: 1, c: [1, 2] }, d: 'x', e: { f: { g: true } } };
    assert.deepEqual(overlay(base, { a: { c: [3] }, d: 'y', e: { f: { h: 1 } } }), {
      a: { b: 1, c: [3] },
      d: 'y',
      e: { f: { g: true, h: 1 } },
    });
    assert.deepEqual(base, { a: { b: 1, c: [1, 2] }, d: 'x', e: { f: { g: true } } }, 'the base is not changed');
  });

  it('loadTarget applies them before validation: a value the schema takes, and a bad one named in one line', () => {
    const target = loadTarget('sandbox-automation', SANDBOX_ENV, {
      overrides: { rollbackBy: 'git', budgets: { gitPushToSync: '4s' } },
    });
    assert.equal(target.rollbackBy, 'git');
    assert.equal(target.budgets.gitPushToSync.limitMs, 4000);
    assert.deepEqual(
      target.budgets.syncToApply,
      loadTarget('sandbox-automation', SANDBOX_ENV).budgets.syncToApply,
      'the other budgets kept',
    );
    assert.throws(
      () => loadTarget('sandbox-automation', SANDBOX_ENV, { overrides: { rollbackBy: 'revert' } }),
      (err: unknown) =>
        err instanceof TargetError &&
        err.problems.length === 1 &&
        /sandbox-automation\.yaml: rollbackBy: .*not "revert"/.test(err.problems[0]!),
    );
  });
});
