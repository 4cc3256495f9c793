/**
 * What the test plan does with real kubectl against workloads on the sandbox: `rollout status` succeeding on a
 * Recreate rollout and failing with "exceeded its progress deadline" on the RollingUpdate GPU deadlock,
 * `get pods` showing Pending and Running, `logs | grep Tag:`, `exec -- ls -la` of the model cache.
 * Runs kubectl 1.35 (pinned) and the machine's dispatcher (which picks 1.32 from the server version).
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { execa } from 'execa';
import { OciClient } from '../../lib/oci/client.ts';
import { findOnPath, pinnedTool } from '../../lib/tools.ts';
import { ApiServer } from '../apiserver/server.ts';
import { LogStore } from '../apiserver/logs.ts';
import { Faults } from '../faults/faults.ts';
import { SystemClock } from '../kube/clock.ts';
import type { Kube, KubeObject } from '../kube/types.ts';
import { PodFiles } from '../kubelet/podfs.ts';
import { buildModelsTarGz, publishArtifact } from '../registry/artifacts.ts';
import { Registry } from '../registry/server.ts';
import { Workloads } from './index.ts';

const NS = 'foundry-system';

function deployment(
  name: string,
  strategy: object,
  env: Record<string, string> | undefined,
  progressDeadlineSeconds = 600,
): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: NS },
    spec: {
      replicas: 1,
      strategy,
      progressDeadlineSeconds,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          containers: [
            {
              name: 'foundry',
              image: 'mcr.microsoft.com/foundry-local/foundry-local:latest-cuda',
              ports: [{ containerPort: 5000 }],
              ...(env ? { env: Object.entries(env).map(([k, v]) => ({ name: k, value: v })) } : {}),
              resources: { limits: { 'nvidia.com/gpu': 1 } },
              readinessProbe: { httpGet: { path: '/v1/models', port: 5000 }, periodSeconds: 1 },
            },
          ],
        },
      },
    },
  };
}

describe('kubectl against sandbox workloads', () => {
  let dir: string;
  let api: ApiServer;
  let registry: Registry;
  let workloads: Workloads;
  let kube: Kube;
  let kubeconfig: string;
  let kubectls: Array<[string, string]>;
  const logs = new LogStore();
  const clock = new SystemClock({ timeScale: 0.05 });

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'kubectl-workloads-'));
    registry = new Registry({ root: path.join(dir, 'registry'), user: 'u', password: 'p' });
    await registry.start();
    const file = path.join(dir, 'models.tar.gz');
    await buildModelsTarGz('v0.2.0', file);
    await publishArtifact(
      new OciClient({ registry: registry.host, plainHttp: true, username: 'u', password: 'p' }),
      'models:v0.2.0',
      file,
    );
    const files = new PodFiles(path.join(dir, 'pods'));
    api = new ApiServer({ clock, logs, files });
    await api.start();
    kube = api.kube;
    workloads = new Workloads({ kube, clock, faults: new Faults(), logs, files, admission: api.admission });
    await workloads.start();
    kube.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
    kubeconfig = path.join(dir, 'kubeconfig');
    await writeFile(kubeconfig, api.kubeconfig());
    kubectls = [['1.35', await pinnedTool('kubectl')]];
    const dispatcher = await findOnPath('kubectl');
    if (dispatcher) kubectls.push(['dispatcher (1.32)', dispatcher]);
  });

  after(async () => {
    await workloads.stop();
    await api.stop();
    await registry.stop();
    await rm(dir, { recursive: true, force: true });
  });

  function kubectl(bin: string, args: string[], timeoutMs = 60_000) {
    return execa(bin, ['--kubeconfig', kubeconfig, '--cache-dir', path.join(dir, 'cache'), '-n', NS, ...args], {
      reject: false,
      timeout: timeoutMs,
      env: { HOME: dir },
    });
  }

  it('follows a foundry rollout to success, then shows its logs and model cache', async () => {
    kube.create(
      deployment(
        'foundry',
        { type: 'Recreate' },
        { FOUNDRY_BYO_REGISTRY: registry.host, FOUNDRY_BYO_REPO: 'models', FOUNDRY_BYO_TAG: 'v0.2.0' },
      ),
    );
    for (const [label, bin] of kubectls) {
      const status = await kubectl(bin, ['rollout', 'status', 'deployment/foundry', '--timeout=60s']);
      assert.equal(status.exitCode, 0, `${label}: ${status.stderr}`);
      assert.match(status.stdout, /deployment "foundry" successfully rolled out/, label);
      const pods = await kubectl(bin, ['get', 'pods']);
      assert.match(pods.stdout, /^foundry-[a-z0-9]+-[a-z0-9]{5}\s+1\/1\s+Running\s+0\s+/m, `${label}: ${pods.stdout}`);
      const logsOut = await kubectl(bin, ['logs', 'deployment/foundry']);
      assert.match(logsOut.stdout, /^🏷️ Tag: v0\.2\.0$/m, `${label}: ${logsOut.stderr}`);
    }
    const pod = kube.list({ apiVersion: 'v1', kind: 'Pod', namespace: NS })[0]!;
    const ls = await kubectl(kubectls[0]![1], [
      'exec',
      pod.metadata.name,
      '--',
      'ls',
      '-la',
      '/home/foundry/.foundry/cache/models/',
    ]);
    assert.equal(ls.exitCode, 0, ls.stderr);
    assert.match(ls.stdout, /\smeta$/m);
    assert.match(ls.stdout, /\smicrosoft$/m);
    kube.delete({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: NS, name: 'foundry' });
  });

  it('reports the RollingUpdate GPU deadlock as an exceeded progress deadline', async () => {
    const pods = (): KubeObject[] => kube.list({ apiVersion: 'v1', kind: 'Pod', namespace: NS });
    // The previous test's pod still holds the GPU while terminating; the new Deployment waits its turn.
    kube.create(deployment('stuck', { type: 'RollingUpdate' }, undefined, 60));
    const [, bin] = kubectls[0]!;
    const first = await kubectl(bin, ['rollout', 'status', 'deployment/stuck', '--timeout=60s']);
    assert.equal(first.exitCode, 0, first.stderr);
    kube.patch(
      { apiVersion: 'apps/v1', kind: 'Deployment', namespace: NS, name: 'stuck' },
      { spec: { template: { metadata: { annotations: { rev: '2' } } } } },
      'merge',
    );
    for (const [label, kubectlBin] of kubectls) {
      const status = await kubectl(kubectlBin, ['rollout', 'status', 'deployment/stuck', '--timeout=60s']);
      assert.notEqual(status.exitCode, 0, label);
      assert.match(
        status.stderr,
        /deployment "stuck" exceeded its progress deadline/,
        `${label}: ${status.stdout} ${status.stderr}`,
      );
    }
    const list = await kubectl(bin, ['get', 'pods']);
    assert.match(list.stdout, /^stuck-[a-z0-9]+-[a-z0-9]{5}\s+0\/1\s+Pending\s+0\s+/m, list.stdout);
    assert.match(list.stdout, /^stuck-[a-z0-9]+-[a-z0-9]{5}\s+1\/1\s+Running\s+0\s+/m, list.stdout);
    assert.equal(pods().length, 2);
    const events = await kubectl(bin, ['get', 'events', '--field-selector', 'reason=FailedScheduling']);
    assert.match(events.stdout, /0\/1 nodes are available: 1 Insufficient nvidia\.com\/gpu\./, events.stdout);
  });
});
