/**
 * Tests of the GitOps template the git server seeds (sandbox/template-repo): the chart renders with the real
 * helm, the kustomizations build with kubectl kustomize, and the bootstrap script, run from a clone served by
 * GitServer against a recording fake kubectl, applies schema-valid Flux objects for each Flux API line.
 */
import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import YAML from 'yaml';
import { pinnedTool, resolveTool } from '../../lib/tools.ts';
import { seedRepo } from './repos.ts';
import { GitServer } from './server.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const TEMPLATE = path.join(here, '..', 'template-repo');
const CRDS = path.join(here, '..', 'flux-crds');
const REGISTRY = '127.0.0.1:5999';
const MARKER = '# {"$imagepolicy": "flux-system:foundry-local-olive-models:tag"}';

type Obj = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string }; [k: string]: any };

const API_VERSIONS: Record<string, string[]> = {
  'v2.9': [
    'v1',
    'apps/v1',
    'source.toolkit.fluxcd.io/v1',
    'kustomize.toolkit.fluxcd.io/v1',
    'helm.toolkit.fluxcd.io/v2',
    'image.toolkit.fluxcd.io/v1',
  ],
  'v2.6': [
    'v1',
    'source.toolkit.fluxcd.io/v1',
    'source.toolkit.fluxcd.io/v1beta2',
    'kustomize.toolkit.fluxcd.io/v1',
    'kustomize.toolkit.fluxcd.io/v1beta2',
    'helm.toolkit.fluxcd.io/v2',
    'image.toolkit.fluxcd.io/v1beta1',
    'image.toolkit.fluxcd.io/v1beta2',
  ],
};

// Records every `kubectl apply` (argv + stdin) in $FAKE_LOG_DIR and answers `api-versions` from $FAKE_API_VERSIONS;
// `get` prints $FAKE_GET (kustomize-controller's args) or fails like a missing object; `patch` argv goes to $FAKE_PATCH_LOG.
const FAKE_KUBECTL = `#!/bin/sh
case "$1" in
  api-versions) printf '%s\\n' "$FAKE_API_VERSIONS" | tr ' ' '\\n' ;;
  get) [ -n "$FAKE_GET" ] || { echo 'Error from server (NotFound)' >&2; exit 1; }; printf '%s' "$FAKE_GET" ;;
  patch) printf '%s\\n' "$*" >> "\${FAKE_PATCH_LOG:-/dev/null}" ;;
  apply)
    n=$(ls "$FAKE_LOG_DIR" | wc -l)
    { echo "# argv: $*"; cat; } > "$FAKE_LOG_DIR/$(printf '%03d' "$n").yaml"
    echo "applied (fake)" ;;
  *) echo "fake kubectl: unexpected $*" >&2; exit 2 ;;
esac
`;

let tmp: string;
let server: GitServer;
let clone: string;
let fakeBin: string;
let runs = 0;

async function git(args: string[], cwd: string) {
  return await execa('git', args, {
    cwd,
    extendEnv: false,
    env: { PATH: process.env.PATH!, HOME: tmp, GIT_CONFIG_NOSYSTEM: '1' },
  });
}

/** Runs the bootstrap like the sandbox does (only KUBECONFIG and PATH), plus the fake's knobs and `env`. */
async function bootstrap(line: string | string[], env: Record<string, string> = {}) {
  const logDir = path.join(tmp, `apply-${++runs}`);
  await mkdir(logDir);
  const result = await execa('bash', ['scripts/gitops-config.sh'], {
    cwd: clone,
    reject: false,
    extendEnv: false,
    env: {
      PATH: `${fakeBin}:${process.env.PATH}`,
      KUBECONFIG: '/nonexistent/kubeconfig',
      FAKE_LOG_DIR: logDir,
      FAKE_API_VERSIONS: (Array.isArray(line) ? line : API_VERSIONS[line]!).join(' '),
      ...env,
    },
  });
  const applies = [];
  for (const file of (await readdir(logDir)).sort()) {
    const text = await readFile(path.join(logDir, file), 'utf8');
    const argv = /^# argv: (.*)$/m.exec(text)![1]!;
    applies.push({
      argv,
      objects: YAML.parseAllDocuments(text)
        .map((d) => d.toJS() as Obj)
        .filter(Boolean),
    });
  }
  return { result, applies, objects: applies.flatMap((a) => a.objects) };
}

function find(objects: Obj[], kind: string, name: string): Obj {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  assert.ok(found, `${kind} ${name} applied (got ${objects.map((o) => `${o.kind}/${o.metadata.name}`).join(', ')})`);
  return found;
}

/** Checks an object against its vendored CRD schema: unknown fields, required fields, enums, basic types. */
async function assertMatchesCrd(obj: Obj, line: 'v2.9' | 'v2.6'): Promise<void> {
  const [group, version] = obj.apiVersion.split('/');
  const files = (await readdir(path.join(CRDS, line))).filter((f) => f.endsWith(`.${group}.yaml`));
  const crds = await Promise.all(files.map(async (f) => YAML.parse(await readFile(path.join(CRDS, line, f), 'utf8'))));
  const crd = crds.find((c) => c.spec.names.kind === obj.kind);
  assert.ok(crd, `CRD for ${obj.kind} in ${line}`);
  const served = crd.spec.versions.find((v: any) => v.name === version);
  assert.ok(served, `${obj.kind} ${obj.apiVersion} served by Flux ${line}`);
  const check = (value: any, schema: any, at: string) => {
    if (schema.type === 'object' && value && typeof value === 'object' && !Array.isArray(value)) {
      for (const req of schema.required ?? []) assert.ok(req in value, `${obj.kind} ${at}.${req} is required`);
      for (const [key, child] of Object.entries(value)) {
        const sub =
          schema.properties?.[key] ??
          (typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined);
        if (!sub && schema['x-kubernetes-preserve-unknown-fields']) continue;
        assert.ok(sub, `${obj.kind} ${obj.apiVersion}: unknown field ${at}.${key}`);
        check(child, sub, `${at}.${key}`);
      }
    } else if (schema.type === 'array') {
      assert.ok(Array.isArray(value), `${at} is an array`);
      value.forEach((item: any, i: number) => check(item, schema.items, `${at}[${i}]`));
    } else if (schema.type) {
      assert.equal(typeof value, schema.type === 'integer' ? 'number' : schema.type, `${obj.kind} ${at} type`);
    }
    if (schema.enum) assert.ok(schema.enum.includes(value), `${at}=${value} in ${schema.enum}`);
  };
  check(obj.spec, served.schema.openAPIV3Schema.properties.spec, 'spec');
}

describe('template-repo', () => {
  before(async () => {
    tmp = await mkdtemp(path.join(tmpdir(), 'template-repo-test-'));
    const root = path.join(tmp, 'repos');
    fakeBin = path.join(tmp, 'bin');
    await mkdir(fakeBin);
    await writeFile(path.join(fakeBin, 'kubectl'), FAKE_KUBECTL);
    await chmod(path.join(fakeBin, 'kubectl'), 0o755);
    await seedRepo(root, 'foundry-gitops', TEMPLATE, { substitutions: { REGISTRY_HOST: REGISTRY } });
    server = new GitServer({ root, user: 'sandbox', token: 'secret-token' });
    await server.start();
    clone = path.join(tmp, 'clone');
    await git(['clone', '--quiet', server.repoUrl('foundry-gitops'), clone], tmp);
  });

  after(async () => {
    await server?.stop();
    await rm(tmp, { recursive: true, force: true });
  });

  it('carries the registry host in the HelmRelease values, with the image-policy marker on the tag line', async () => {
    const text = await readFile(path.join(clone, 'apps/foundry-gpu-oras/helmrelease.yaml'), 'utf8');
    assert.match(text, new RegExp(`^\\s+tag: v0\\.1\\.0 ${MARKER.replace(/[$"{}]/g, '\\$&')}$`, 'm'));
    const hr = YAML.parse(text) as Obj;
    assert.equal(hr.apiVersion, 'helm.toolkit.fluxcd.io/v2');
    assert.deepEqual(hr.spec.values.foundry.byo, {
      registry: REGISTRY,
      repository: 'foundry-local-olive-models',
      tag: 'v0.1.0',
    });
    assert.deepEqual(hr.spec.chart.spec.sourceRef, {
      kind: 'GitRepository',
      name: 'foundry-gitops',
      namespace: 'foundry-system',
    });
    await assertMatchesCrd(hr, 'v2.9');
    await assertMatchesCrd(hr, 'v2.6');
  });

  it('builds with kubectl kustomize: apps is the HelmRelease, infrastructure the namespace', async () => {
    const kubectl = await pinnedTool('kubectl');
    const apps = YAML.parseAllDocuments((await execa(kubectl, ['kustomize', 'apps'], { cwd: clone })).stdout).map(
      (d) => d.toJS() as Obj,
    );
    assert.deepEqual(
      apps.map((o) => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`),
      ['HelmRelease/foundry-system/foundry-gpu-oras'],
    );
    const infra = YAML.parseAllDocuments(
      (await execa(kubectl, ['kustomize', 'infrastructure'], { cwd: clone })).stdout,
    ).map((d) => d.toJS() as Obj);
    assert.ok(infra.some((o) => o.kind === 'Namespace' && o.metadata.name === 'foundry-system'));
  });

  describe('chart', () => {
    let helm: string;
    let chart: string;
    let valuesFile: string;

    const render = async (...args: string[]) => {
      const { stdout } = await execa(helm, [
        'template',
        'foundry-gpu-oras',
        chart,
        '--namespace',
        'foundry-system',
        '-f',
        valuesFile,
        ...args,
      ]);
      return YAML.parseAllDocuments(stdout)
        .map((d) => d.toJS() as Obj)
        .filter(Boolean);
    };

    before(async () => {
      helm = await resolveTool('helm');
      chart = path.join(clone, 'apps/foundry-gpu-oras/chart');
      // The chart is rendered with exactly the values the HelmRelease gives it.
      const hr = YAML.parse(await readFile(path.join(clone, 'apps/foundry-gpu-oras/helmrelease.yaml'), 'utf8')) as Obj;
      valuesFile = path.join(tmp, 'values.json');
      await writeFile(valuesFile, JSON.stringify(hr.spec.values));
    });

    it('passes helm lint --strict', async () => {
      const { stdout } = await execa(helm, ['lint', '--strict', chart, '-f', valuesFile]);
      assert.match(stdout, /1 chart\(s\) linted, 0 chart\(s\) failed/);
    });

    it('renders a one-GPU Recreate Deployment fed by the ConfigMap, plus Service and ServiceAccount', async () => {
      const objects = await render();
      assert.deepEqual(objects.map((o) => o.kind).sort(), ['ConfigMap', 'Deployment', 'Service', 'ServiceAccount']);
      const deploy = find(objects, 'Deployment', 'foundry-gpu-oras');
      assert.equal(deploy.spec.replicas, 1);
      assert.deepEqual(deploy.spec.strategy, { type: 'Recreate' });
      assert.equal(deploy.spec.progressDeadlineSeconds, 600);
      const pod = deploy.spec.template;
      assert.equal(pod.metadata.labels['app.kubernetes.io/component'], 'foundry');
      assert.equal(deploy.spec.selector.matchLabels['app.kubernetes.io/component'], 'foundry');
      const [container] = pod.spec.containers;
      assert.equal(container.name, 'foundry');
      assert.match(container.image, /^mcr\.microsoft\.com\/foundry-local\/foundry-local:/);
      assert.deepEqual(container.ports, [{ name: 'http', containerPort: 5000, protocol: 'TCP' }]);
      assert.deepEqual(container.resources.limits, { 'nvidia.com/gpu': 1 });
      assert.deepEqual(container.envFrom, [{ configMapRef: { name: 'foundry-gpu-oras' } }]);
      assert.deepEqual(container.volumeMounts, [{ name: 'model-cache', mountPath: '/home/foundry/.foundry/cache' }]);
      assert.deepEqual(pod.spec.volumes, [{ name: 'model-cache', emptyDir: {} }]);
      for (const probe of [container.startupProbe, container.livenessProbe])
        assert.deepEqual(probe.httpGet, { path: '/v1/models', port: 5000 });
      assert.ok(pod.spec.tolerations.some((t: any) => t.key === 'nvidia.com/gpu' && t.operator === 'Exists'));
      assert.match(pod.metadata.annotations['checksum/config'], /^[0-9a-f]{64}$/);

      assert.deepEqual(find(objects, 'ConfigMap', 'foundry-gpu-oras').data, {
        FOUNDRY_BYO_REGISTRY: REGISTRY,
        FOUNDRY_BYO_REPO: 'foundry-local-olive-models',
        FOUNDRY_BYO_TAG: 'v0.1.0',
        FOUNDRY_AUTO_DEPLOY_BYO_MODELS: 'true',
      });
      const svc = find(objects, 'Service', 'foundry-gpu-oras');
      assert.equal(svc.spec.ports[0].port, 5000);
      assert.equal(svc.spec.selector['app.kubernetes.io/component'], 'foundry');
    });

    it('rolls the pod when the model tag changes, and only then', async () => {
      const checksum = async (...args: string[]) =>
        find(await render(...args), 'Deployment', 'foundry-gpu-oras').spec.template.metadata.annotations[
          'checksum/config'
        ];
      const base = await checksum();
      assert.equal(await checksum(), base);
      assert.notEqual(await checksum('--set', 'foundry.byo.tag=v0.2.0'), base);
    });

    it('takes the strategy from values and refuses unknown ones', async () => {
      const deploy = find(await render('--set', 'strategy.type=RollingUpdate'), 'Deployment', 'foundry-gpu-oras');
      assert.deepEqual(deploy.spec.strategy, { type: 'RollingUpdate' });
      const bad = await execa(helm, ['template', 'x', chart, '--set', 'strategy.type=BlueGreen'], { reject: false });
      assert.notEqual(bad.exitCode, 0);
      assert.match(bad.stderr, /strategy.type must be Recreate or RollingUpdate/);
    });
  });

  describe('scripts/gitops-config.sh', () => {
    it('is valid bash', async () => {
      await execa('bash', ['-n', path.join(TEMPLATE, 'scripts/gitops-config.sh')]);
    });

    for (const line of ['v2.9', 'v2.6'] as const) {
      it(`applies the Flux objects with the versions Flux ${line} serves, from the clone and the HelmRelease`, async () => {
        const { result, objects } = await bootstrap(line);
        assert.equal(result.exitCode, 0, result.stderr);
        const imageApi = line === 'v2.9' ? 'image.toolkit.fluxcd.io/v1' : 'image.toolkit.fluxcd.io/v1beta2';
        assert.deepEqual(
          objects.map((o) => `${o.apiVersion} ${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`),
          [
            'v1 Namespace /foundry-system',
            'source.toolkit.fluxcd.io/v1 GitRepository foundry-system/foundry-gitops',
            'kustomize.toolkit.fluxcd.io/v1 Kustomization foundry-system/foundry-gitops-infrastructure',
            'kustomize.toolkit.fluxcd.io/v1 Kustomization foundry-system/foundry-gitops-apps',
            `${imageApi} ImageRepository flux-system/foundry-local-olive-models`,
            `${imageApi} ImagePolicy flux-system/foundry-local-olive-models`,
          ],
        );
        const repo = find(objects, 'GitRepository', 'foundry-gitops');
        assert.deepEqual(repo.spec, { interval: '3s', url: server.repoUrl('foundry-gitops'), ref: { branch: 'main' } });
        const infra = find(objects, 'Kustomization', 'foundry-gitops-infrastructure');
        assert.deepEqual(infra.spec, {
          interval: '3s',
          path: './infrastructure',
          prune: true,
          sourceRef: { kind: 'GitRepository', name: 'foundry-gitops' },
        });
        const apps = find(objects, 'Kustomization', 'foundry-gitops-apps');
        assert.equal(apps.spec.path, './apps');
        assert.deepEqual(apps.spec.dependsOn, [{ name: 'foundry-gitops-infrastructure' }]);
        const imageRepo = find(objects, 'ImageRepository', 'foundry-local-olive-models');
        assert.deepEqual(imageRepo.spec, {
          image: `${REGISTRY}/foundry-local-olive-models`,
          interval: '5s',
          insecure: true,
        });
        const policy = find(objects, 'ImagePolicy', 'foundry-local-olive-models');
        assert.deepEqual(policy.spec, {
          imageRepositoryRef: { name: 'foundry-local-olive-models' },
          policy: { semver: { range: '>=0.1.0' } },
        });
        for (const o of objects.filter((x) => x.apiVersion.includes('fluxcd.io'))) await assertMatchesCrd(o, line);
        assert.match(result.stdout, /git source: +http:\/\/127\.0\.0\.1:\d+\/foundry-gitops\.git \(branch main/);
      });
    }

    it('with GITOPS_REQUEUE_DEPENDENCY sets kustomize-controller --requeue-dependency, replacing an old value, idempotently', async () => {
      const log = path.join(tmp, 'patches.log');
      const args = '["--events-addr=x","--requeue-dependency=30s","--log-level=info"]';
      const untouched = await bootstrap('v2.9', { FAKE_GET: args, FAKE_PATCH_LOG: log });
      assert.equal(untouched.result.exitCode, 0, untouched.result.stderr);
      assert.equal(
        await readFile(log, 'utf8').catch(() => ''),
        '',
        'without GITOPS_REQUEUE_DEPENDENCY the controller is left alone',
      );
      const run = await bootstrap('v2.9', { FAKE_GET: args, FAKE_PATCH_LOG: log, GITOPS_REQUEUE_DEPENDENCY: '1s' });
      assert.equal(run.result.exitCode, 0, run.result.stderr);
      const patch = (await readFile(log, 'utf8')).trim();
      assert.match(patch, /^patch deployment kustomize-controller -n flux-system --type=strategic -p /);
      const body = JSON.parse(patch.slice(patch.indexOf('-p ') + 3));
      assert.deepEqual(body.spec.template.spec.containers, [
        { name: 'manager', args: ['--events-addr=x', '--log-level=info', '--requeue-dependency=1s'] },
      ]);
      assert.match(run.result.stdout, /--requeue-dependency=1s/);

      const again = await bootstrap('v2.9', {
        FAKE_GET: '["--requeue-dependency=1s"]',
        FAKE_PATCH_LOG: log,
        GITOPS_REQUEUE_DEPENDENCY: '1s',
      });
      assert.match(again.result.stdout, /already set/);
      const custom = await bootstrap('v2.9', {
        FAKE_GET: '["--requeue-dependency=2s"]',
        FAKE_PATCH_LOG: log,
        GITOPS_REQUEUE_DEPENDENCY: '500ms',
      });
      assert.equal(custom.result.exitCode, 0, custom.result.stderr);
      const lines = (await readFile(log, 'utf8')).trim().split('\n');
      assert.equal(lines.length, 2, 'no patch when the flag is already set');
      assert.match(lines[1]!, /"args":\["--requeue-dependency=500ms"\]/);
      const skipped = await bootstrap('v2.9', { FAKE_GET: args, FAKE_PATCH_LOG: log, GITOPS_REQUEUE_DEPENDENCY: '' });
      assert.equal(skipped.result.exitCode, 0, skipped.result.stderr);
      assert.equal(
        (await readFile(log, 'utf8')).trim().split('\n').length,
        2,
        'GITOPS_REQUEUE_DEPENDENCY= leaves the controller alone',
      );
      const bad = await bootstrap('v2.9', { FAKE_GET: args, GITOPS_REQUEUE_DEPENDENCY: 'soon' });
      assert.notEqual(bad.result.exitCode, 0);
      assert.match(bad.result.stderr, /GITOPS_REQUEUE_DEPENDENCY must be a Go duration/);
    });

    it('falls back to v1beta2 source and kustomize APIs on old Flux', async () => {
      const { result, objects } = await bootstrap([
        'v1',
        'source.toolkit.fluxcd.io/v1beta2',
        'kustomize.toolkit.fluxcd.io/v1beta2',
        'image.toolkit.fluxcd.io/v1beta2',
      ]);
      assert.equal(result.exitCode, 0, result.stderr);
      assert.equal(find(objects, 'GitRepository', 'foundry-gitops').apiVersion, 'source.toolkit.fluxcd.io/v1beta2');
      assert.equal(
        find(objects, 'Kustomization', 'foundry-gitops-apps').apiVersion,
        'kustomize.toolkit.fluxcd.io/v1beta2',
      );
    });

    it('fails with a clear message when Flux is not installed, applying nothing', async () => {
      const { result, applies } = await bootstrap(['v1', 'apps/v1']);
      assert.notEqual(result.exitCode, 0);
      assert.match(result.stderr, /source\.toolkit\.fluxcd\.io v1\|v1beta2\) not served: is Flux installed\?/);
      assert.equal(applies.length, 0);
    });

    it('strips credentials from the origin URL and honours env overrides and KUBECTL_APPLY_FLAGS', async () => {
      const origin = (await git(['remote', 'get-url', 'origin'], clone)).stdout.trim();
      await git(['remote', 'set-url', 'origin', origin.replace('http://', 'http://sandbox:secret-token@')], clone);
      try {
        const { result, applies, objects } = await bootstrap('v2.9', {
          KUBECTL_APPLY_FLAGS: '--dry-run=client --server-side',
          GITOPS_INTERVAL: '1m',
          GITOPS_SEMVER_RANGE: '>=0.2.0 <1.0.0',
        });
        assert.equal(result.exitCode, 0, result.stderr);
        const repo = find(objects, 'GitRepository', 'foundry-gitops');
        assert.equal(repo.spec.url, origin);
        assert.equal(repo.spec.interval, '1m');
        assert.equal(
          find(objects, 'ImagePolicy', 'foundry-local-olive-models').spec.policy.semver.range,
          '>=0.2.0 <1.0.0',
        );
        for (const apply of applies) assert.equal(apply.argv, 'apply --dry-run=client --server-side -f -');
        assert.doesNotMatch(result.stdout + result.stderr, /secret-token/);
      } finally {
        await git(['remote', 'set-url', 'origin', origin], clone);
      }
    });

    it('with GITOPS_IMAGE_AUTOMATION=true adds the git credentials and an ImageUpdateAutomation', async () => {
      const { result, objects } = await bootstrap('v2.9', {
        GITOPS_IMAGE_AUTOMATION: 'true',
        GIT_USERNAME: 'sandbox',
        GIT_TOKEN: 'tok/en+1=',
      });
      assert.equal(result.exitCode, 0, result.stderr);
      const secret = find(objects, 'Secret', 'foundry-gitops-auth');
      assert.equal(secret.metadata.namespace, 'foundry-system');
      assert.equal(Buffer.from(secret.data.username, 'base64').toString(), 'sandbox');
      assert.equal(Buffer.from(secret.data.password, 'base64').toString(), 'tok/en+1=');
      assert.deepEqual(find(objects, 'GitRepository', 'foundry-gitops').spec.secretRef, {
        name: 'foundry-gitops-auth',
      });
      const iua = find(objects, 'ImageUpdateAutomation', 'foundry-gitops');
      assert.equal(iua.metadata.namespace, 'flux-system');
      assert.deepEqual(iua.spec.sourceRef, {
        kind: 'GitRepository',
        name: 'foundry-gitops',
        namespace: 'foundry-system',
      });
      assert.deepEqual(iua.spec.update, { path: './apps', strategy: 'Setters' });
      assert.equal(iua.spec.git.push.branch, 'main');
      await assertMatchesCrd(iua, 'v2.9');
      assert.doesNotMatch(result.stdout, /tok\/en/);

      const missing = await bootstrap('v2.9', { GITOPS_IMAGE_AUTOMATION: 'true' });
      assert.notEqual(missing.result.exitCode, 0);
      assert.match(missing.result.stderr, /needs GIT_USERNAME and GIT_TOKEN/);
    });

    it('with registry credentials adds a docker-registry Secret the ImageRepository uses', async () => {
      const { result, objects } = await bootstrap('v2.6', { REGISTRY_USERNAME: 'sandbox', REGISTRY_PASSWORD: 'pw' });
      assert.equal(result.exitCode, 0, result.stderr);
      const secret = find(objects, 'Secret', 'foundry-local-olive-models-registry');
      assert.equal(secret.type, 'kubernetes.io/dockerconfigjson');
      const auths = JSON.parse(secret.stringData['.dockerconfigjson']).auths;
      assert.equal(Buffer.from(auths[REGISTRY].auth, 'base64').toString(), 'sandbox:pw');
      const imageRepo = find(objects, 'ImageRepository', 'foundry-local-olive-models');
      assert.deepEqual(imageRepo.spec.secretRef, { name: 'foundry-local-olive-models-registry' });
      await assertMatchesCrd(imageRepo, 'v2.6');
    });
  });
});
