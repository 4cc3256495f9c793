/**
 * The parts of the kind lane that can run here (the rest needs Docker and a kind cluster; README "Nightly CI"):
 * the foundry stand-in's script against the sandbox registry, the GPU capacity patch against the sandbox API
 * server, and the kind profile through the suite's own loader.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import { OciClient } from '../../lib/oci/client.ts';
import { ApiServer } from 'gitops-sandbox/apiserver';
import { buildModelsTarGz, modelsForTag, publishArtifact } from 'gitops-sandbox/registry/artifacts';
import { Registry } from 'gitops-sandbox/registry';
import { loadTarget, TargetError } from '../../targets/load.ts';
import { advertiseGpu, GPU } from './advertise-gpu.ts';
import { pullModels, registryEndpoint } from './foundry-standin/standin.ts';

const work = mkdtempSync(path.join(tmpdir(), 'kind-lane-'));
after(() => rmSync(work, { recursive: true, force: true }));

describe('foundry stand-in against the sandbox registry', () => {
  let registry: Registry;
  before(async () => {
    registry = new Registry({ root: path.join(work, 'registry'), user: 'u', password: 'p' });
    await registry.start();
    const client = new OciClient({ registry: registry.host, plainHttp: true, username: 'u', password: 'p' });
    const archive = path.join(work, 'v0.2.0', 'models.tar.gz');
    await buildModelsTarGz('v0.2.0', archive);
    await publishArtifact(client, 'foundry-local-olive-models:v0.2.0', archive);
  });
  after(async () => registry?.stop());

  it('logs the tag, pulls and verifies the artifact, unpacks the models into the cache dir', async () => {
    const lines: string[] = [];
    const modelsDir = path.join(work, 'cache', 'models');
    const env = {
      FOUNDRY_BYO_REGISTRY: registry.host,
      FOUNDRY_BYO_REPO: 'foundry-local-olive-models',
      FOUNDRY_BYO_TAG: 'v0.2.0',
      FOUNDRY_BYO_USERNAME: 'u',
      FOUNDRY_BYO_PASSWORD: 'p',
    };
    const models = await pullModels({ env, log: (l) => lines.push(l), modelsDir });
    assert.deepEqual(models, [...modelsForTag('v0.2.0')].sort());
    assert.ok(lines.includes('🏷️ Tag: v0.2.0'), lines.join('\n'));
    assert.ok(lines.some((l) => /digest sha256:[0-9a-f]{64} verified/.test(l)));
    assert.ok(models.some((m) => m.includes('llama-3.2')));
    assert.ok(existsSync(path.join(modelsDir, models[0]!)));
  });

  it('fails with the registry’s answer for a tag that is not there', async () => {
    const env = {
      FOUNDRY_BYO_REGISTRY: registry.host,
      FOUNDRY_BYO_REPO: 'foundry-local-olive-models',
      FOUNDRY_BYO_TAG: 'v9.9.9',
    };
    await assert.rejects(
      pullModels({ env, log: () => undefined, modelsDir: path.join(work, 'x') }),
      /MANIFEST_UNKNOWN|not found|404/i,
    );
    await assert.rejects(
      pullModels({ env: {}, log: () => undefined, modelsDir: path.join(work, 'x') }),
      /FOUNDRY_BYO_REGISTRY is not set/,
    );
  });

  it('speaks plain HTTP to http://, loopback and private-network registries only', () => {
    assert.deepEqual(registryEndpoint('172.18.0.1:5000'), { host: '172.18.0.1:5000', plainHttp: true });
    assert.deepEqual(registryEndpoint('http://registry.example:5000'), {
      host: 'registry.example:5000',
      plainHttp: true,
    });
    assert.deepEqual(registryEndpoint('foundryoci.azurecr.io'), { host: 'foundryoci.azurecr.io', plainHttp: false });
    assert.equal(registryEndpoint('foundryoci.azurecr.io', 'true').plainHttp, true);
  });
});

describe('GPU capacity patch against the sandbox API server', () => {
  let api: ApiServer;
  let kc: k8s.KubeConfig;
  before(async () => {
    api = new ApiServer({ flux: '2.9' });
    await api.start();
    kc = new k8s.KubeConfig();
    kc.loadFromString(api.kubeconfig());
    // A node as kind registers it: no GPU.
    const node = {
      metadata: { name: 'gitops-e2e-control-plane' },
      status: { capacity: { cpu: '4' }, allocatable: { cpu: '4' } },
    };
    await kc.makeApiClient(k8s.CoreV1Api).createNode({ body: node });
  });
  after(async () => api?.stop());

  it('advertises one nvidia.com/gpu in capacity and allocatable of the only node', async () => {
    assert.deepEqual(await advertiseGpu(kc, { count: 1 }), {
      node: 'gitops-e2e-control-plane',
      capacity: '1',
      allocatable: '1',
    });
    const node = await kc.makeApiClient(k8s.CoreV1Api).readNode({ name: 'gitops-e2e-control-plane' });
    assert.equal(node.status?.capacity?.[GPU], '1');
    assert.equal(node.status?.capacity?.cpu, '4', 'other capacity kept');
  });

  it('refuses a bad count and an ambiguous node', async () => {
    await assert.rejects(advertiseGpu(kc, { count: -1 }), /non-negative integer/);
    await kc.makeApiClient(k8s.CoreV1Api).createNode({ body: { metadata: { name: 'second' } } });
    await assert.rejects(advertiseGpu(kc, { count: 1 }), /2 nodes .* name one with --node/);
  });
});

describe('targets/kind.yaml', () => {
  const env = {
    E2E_KIND_HOST: '172.18.0.1',
    E2E_KIND_GIT_TOKEN: 't',
    E2E_KIND_ARTIFACTS_DIR: path.join(work, 'artifacts'),
  };

  it('loads with the lane’s environment: mutations only on the kind context, registry and git on the host', () => {
    const target = loadTarget('kind', env);
    assert.equal(target.name, 'kind');
    assert.equal(target.context, 'kind-gitops-e2e');
    assert.deepEqual(target.safety.allowedContexts, ['kind-gitops-e2e']);
    assert.equal(target.registry.host, '172.18.0.1:5000');
    assert.equal(target.registry.plainHttp, true);
    assert.equal(target.git.remote, 'http://172.18.0.1:8081/foundry-gitops.git');
    assert.equal(target.sandbox, undefined, 'a real cluster: no sandbox is started');
  });

  it('says what is missing in one line per field when the lane did not export its variables', () => {
    assert.throws(
      () => loadTarget('kind', {}),
      (err: unknown) => err instanceof TargetError && err.problems.some((p) => /E2E_KIND_HOST/.test(p)),
    );
  });
});
