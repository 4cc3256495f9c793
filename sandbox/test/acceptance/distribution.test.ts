/**
 * The sandbox with `--registry distribution` (Debian's docker-registry, credentials needed for pulls too),
 * bootstrapped: the ImageRepository scans with the bootstrap's docker-registry Secret, the foundry pod pulls with
 * the chart's credentials Secret and comes up Ready logging its tag; the embedded-registry-only fault knobs are
 * refused with one line, at run time and at `up`.
 *
 * Run (in sandbox/): node --import tsx --test test/acceptance/distribution.test.ts
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { OciClient } from '../../../lib/oci/client.ts';
import { condition } from './cluster-watch.ts';
import { runCli } from './sandbox-cli.ts';
import { PATHS, SandboxWorld } from './sandbox-world.ts';

const DOCKER_REGISTRY = '/usr/bin/docker-registry';
const WAIT_MS = 90_000;
const EMBEDDED_ONLY = ['registry-down', 'slow-download=1000', 'corrupt-artifact=v0.1.0'];
const skip = existsSync(DOCKER_REGISTRY) ? false : `${DOCKER_REGISTRY} is missing (apt-get install docker-registry)`;

describe('--registry distribution, bootstrapped', { timeout: 600_000, skip }, () => {
  let world: SandboxWorld;

  before(async () => {
    world = await SandboxWorld.start(['--registry', 'distribution', '--bootstrap', '--time-scale', '0.1']);
  });

  after(async () => {
    await world?.stop();
  });

  it('the registry refuses anonymous pulls (so what follows needs the credentials)', async () => {
    const { host, repository } = world.info.registry;
    const anonymous = new OciClient({ registry: host, plainHttp: true, userAgent: 'acceptance' });
    await assert.rejects(anonymous.listTags(repository), /401|UNAUTHORIZED/i);
  });

  it('the ImageRepository scans with the bootstrap Secret and finds v0.1.0', async () => {
    const ns = world.fluxNs;
    const key = `${ns}/${world.info.objects.imageRepository}`;
    const repo = await world.cluster.until(
      {
        path: PATHS.imageRepositories(ns),
        what: `ImageRepository ${key} Ready=True`,
        timeoutMs: WAIT_MS,
        describe: (o) => JSON.stringify(o.get(key)?.status ?? {}),
      },
      (objects) => (condition(objects.get(key), 'Ready')?.status === 'True' ? objects.get(key) : undefined),
    );
    assert.ok(repo.spec.secretRef?.name, 'ImageRepository has a secretRef');
    assert.ok(repo.status.lastScanResult.latestTags.includes(world.info.tags.from));
  });

  it('the foundry pod pulls with the chart credentials, becomes Ready and logs "🏷️ Tag: v0.1.0"', async () => {
    const pod = await world.initialDeploy(WAIT_MS);
    const env = pod.spec.containers[0].env as {
      name: string;
      valueFrom?: { secretKeyRef?: { name: string; optional?: boolean } };
    }[];
    assert.deepEqual(
      env.map((e) => [e.name, e.valueFrom?.secretKeyRef?.optional]),
      [
        ['FOUNDRY_BYO_USERNAME', true],
        ['FOUNDRY_BYO_PASSWORD', true],
      ],
    );
    const secret = env[0]!.valueFrom!.secretKeyRef!.name;
    await world.shell.mustKubectl(['get', 'secret', '-n', world.ns, secret]);
    const log = await world.shell.mustKubectl(['logs', '-n', world.ns, pod.metadata.name]);
    assert.match(log, new RegExp(`🏷️ Tag: ${world.info.tags.from}\\b`));
    assert.doesNotMatch(log, /401|UNAUTHORIZED/);
  });

  it('`fault` refuses the embedded-registry-only knobs with one line and sets nothing', async () => {
    for (const spec of EMBEDDED_ONLY) {
      const result = await world.run.fault(spec);
      assert.notEqual(result.exitCode, 0, `fault ${spec} was accepted`);
      const name = spec.split('=')[0]!;
      assert.match(
        result.stderr.trim(),
        new RegExp(
          `^gitops-sandbox: fault ${name} needs the embedded registry \\(this sandbox runs --registry distribution`,
        ),
      );
      assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
    }
    assert.deepEqual((await world.run.status()).faults, []);
    // Knobs that do not live in the registry still work.
    await world.run.mustFault('scan-delay=1s');
    assert.deepEqual((await world.run.status()).faults, ['scan-delay=1s']);
    await world.run.mustClear();
  });
});

describe('`up --registry distribution --fault` with an embedded-only knob', { skip }, () => {
  let parent: string;

  before(async () => {
    parent = await mkdtemp(path.join(tmpdir(), 'distribution-refused-'));
  });

  after(async () => {
    await rm(parent, { recursive: true, force: true });
  });

  it('exits non-zero with one line and starts nothing', async () => {
    const stateDir = path.join(parent, 'state');
    const result = await runCli([
      'up',
      '--state-dir',
      stateDir,
      '--registry',
      'distribution',
      '--fault',
      'corrupt-artifact=v0.2.0',
    ]);
    assert.notEqual(result.exitCode, 0);
    assert.match(result.stderr.trim(), /^gitops-sandbox: fault corrupt-artifact needs the embedded registry[^\n]*$/);
    assert.equal(existsSync(stateDir), false, 'up created a state dir before refusing');
  });
});
