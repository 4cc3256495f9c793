import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Faults } from '../faults/faults.ts';
import { withFault } from '../faults/with-fault.ts';
import { SystemClock } from '../kube/clock.ts';
import type { Kube, KubeObject } from '../kube/types.ts';
import type { Registry } from '../registry/server.ts';
import { MODELS_REPO as REPO, registryWithModels } from '../workloads/test-cluster.ts';
import { FOUNDRY_PROCESS, MODELS_DIR, registryEndpoint } from './foundry.ts';
import { PodFiles } from './podfs.ts';
import type { ContainerProcess, ProcessContext } from './process.ts';

/** Starts the foundry process; `outcome` settles on ready ('ready') or exit (the code), `exited` on exit only. */
function run(ctx: Omit<ProcessContext, 'log' | 'exit'>): {
  lines: string[];
  process: ContainerProcess;
  outcome: Promise<'ready' | number>;
  exited: Promise<number>;
} {
  const lines: string[] = [];
  let settle!: (v: 'ready' | number) => void;
  let exit!: (code: number) => void;
  const outcome = new Promise<'ready' | number>((resolve) => (settle = resolve));
  const exited = new Promise<number>((resolve) => (exit = resolve));
  const process = FOUNDRY_PROCESS.start({
    ...ctx,
    log: (line) => {
      lines.push(line);
      if (line.startsWith('✅ Foundry Local is ready')) settle('ready');
    },
    exit: (code) => {
      settle(code);
      exit(code);
    },
  });
  return { lines, process, outcome, exited };
}

describe('foundry container', () => {
  let dir: string;
  let registry: Registry;
  let files: PodFiles;
  const faults = new Faults();
  const clock = new SystemClock({ timeScale: 0.01 });

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'foundry-test-'));
    registry = await registryWithModels(dir, faults);
    files = new PodFiles(path.join(dir, 'pods'));
  });

  after(async () => {
    await registry.stop();
    await rm(dir, { recursive: true, force: true });
  });

  function context(
    tag: string,
    name: string,
    aliases: Record<string, string> = {},
  ): Omit<ProcessContext, 'log' | 'exit'> {
    const pod: KubeObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: 'foundry-system', uid: `uid-${name}` },
    };
    return {
      pod,
      container: {
        name: 'foundry',
        image: 'mcr.microsoft.com/foundry-local:latest-cuda',
        ports: [{ containerPort: 5000, name: 'http' }],
      },
      env: {
        FOUNDRY_BYO_REGISTRY: Object.keys(aliases)[0] ?? registry.host,
        FOUNDRY_BYO_REPO: REPO,
        FOUNDRY_BYO_TAG: tag,
        FOUNDRY_AUTO_DEPLOY_BYO_MODELS: 'true',
      },
      restartCount: 0,
      clock,
      kube: {} as Kube,
      files,
      faults,
      registryAliases: aliases,
    };
  }
  /** The foundry process of a fresh pod tree for `tag`, and that pod. */
  async function start(
    tag: string,
    name: string,
    aliases?: Record<string, string>,
  ): Promise<ReturnType<typeof run> & { pod: KubeObject }> {
    const ctx = context(tag, name, aliases);
    await files.ensure(ctx.pod);
    return { ...run(ctx), pod: ctx.pod };
  }

  it('pulls the tag over HTTP, unpacks the models into the cache and then listens', async () => {
    const { lines, process, outcome, pod } = await start('v0.2.0', 'pull-ok', { 'myacr.azurecr.io': registry.host });
    assert.equal(process.listening(5000), false);
    assert.equal(await outcome, 'ready');
    assert.ok(lines.includes('🏷️ Tag: v0.2.0'), lines.join('\n'));
    assert.ok(lines.includes('🌐 Registry: myacr.azurecr.io'));
    assert.ok(
      lines.some((l) => /^⬇️ Downloading models\.\.\. 100% \((\d+)\/\1 bytes/.test(l)),
      'progress reaches 100%',
    );
    assert.ok(lines.some((l) => /^✅ Downloaded \d+ bytes in .* digest sha256:[0-9a-f]{64} verified$/.test(l)));
    assert.ok(
      lines.includes('   • meta/llama-3.2-1b-instruct-generic-gpu/v1 (llama-3.2-1b-instruct-generic-gpu)'),
      lines.join('\n'),
    );
    const cache = files.resolve(pod, MODELS_DIR);
    assert.ok(existsSync(path.join(cache, 'meta/llama-3.2-1b-instruct-generic-gpu/v1/genai_config.json')));
    assert.ok(existsSync(path.join(cache, 'microsoft/phi-3.5-mini-instruct-generic-gpu/v1/inference_model.json')));
    assert.equal(process.listening(5000), true);
    assert.equal(process.listening('http'), true);
    assert.equal(process.listening(8080), false);
    process.terminate();
  });

  it('exits 1 with the registry error when the tag does not exist', async () => {
    const { lines, outcome } = await start('v9.9.9', 'missing-tag');
    assert.equal(await outcome, 1);
    assert.ok(
      lines.some((l) => l.startsWith('❌ Failed to deploy BYO models from') && /404/.test(l)),
      lines.join('\n'),
    );
  });

  it('exits 1 while the registry is down', async () => {
    await withFault(faults, 'registry-down', async () => {
      const { lines, outcome } = await start('v0.1.0', 'registry-down');
      assert.equal(await outcome, 1);
      assert.ok(
        lines.some((l) => /503/.test(l)),
        lines.join('\n'),
      );
    });
  });

  it('log-tag=<tag>: downloads its real tag but logs the other one', async () => {
    await withFault(faults, 'log-tag=v0.3.0', async () => {
      const { lines, outcome } = await start('v0.1.0', 'log-tag');
      assert.equal(await outcome, 'ready');
      assert.ok(lines.includes('🏷️ Tag: v0.3.0'), lines.join('\n'));
      assert.ok(!lines.some((l) => l.includes('Tag: v0.1.0')), 'the real tag is never announced');
      assert.ok(
        lines.some((l) => l.startsWith('🔍 Resolving') && l.includes(':v0.1.0')),
        'the real tag is downloaded',
      );
      assert.ok(lines.at(-1)!.endsWith('(🏷️ Tag: v0.3.0)'));
    });
  });

  it('exits 1 on a digest mismatch', async () => {
    await withFault(faults, 'corrupt-artifact=v0.1.0', async () => {
      const { lines, outcome } = await start('v0.1.0', 'corrupt');
      assert.equal(await outcome, 1);
      assert.ok(
        lines.some((l) => /digest mismatch/i.test(l)),
        lines.join('\n'),
      );
    });
  });

  it('crashes after start when its tag is the crash-on-tag fault, after logging the tag', async () => {
    await withFault(faults, 'crash-on-tag=v0.2.0', async () => {
      const ctx = context('v0.2.0', 'crash');
      const { lines, outcome } = run(ctx);
      assert.equal(await outcome, 1);
      assert.ok(lines.includes('🏷️ Tag: v0.2.0'));
    });
  });

  it('shuts down on SIGTERM with exit code 0 and stops listening', async () => {
    const { lines, process, outcome, exited } = await start('v0.1.0', 'sigterm');
    assert.equal(await outcome, 'ready');
    process.terminate();
    assert.equal(await exited, 0);
    assert.equal(process.listening(5000), false);
    assert.ok(lines.includes('      Application is shutting down...'));
  });

  it('maps aliases and picks plain HTTP only for loopback or http://', () => {
    assert.deepEqual(registryEndpoint('myacr.azurecr.io', { 'myacr.azurecr.io': '127.0.0.1:5001' }), {
      host: '127.0.0.1:5001',
      plainHttp: true,
    });
    assert.deepEqual(registryEndpoint('myacr.azurecr.io', {}), { host: 'myacr.azurecr.io', plainHttp: false });
    assert.deepEqual(registryEndpoint('http://registry.local:5000/', {}), {
      host: 'registry.local:5000',
      plainHttp: true,
    });
    assert.deepEqual(registryEndpoint('localhost:5000', {}), { host: 'localhost:5000', plainHttp: true });
  });
});
