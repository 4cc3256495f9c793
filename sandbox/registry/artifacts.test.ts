/**
 * The fake model artifacts: which models each tag carries, that archives are reproducible and look like
 * Foundry's cache once unpacked, and that publishing does what `oras push --artifact-type foundry/models` does.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { extract, list } from 'tar';
import { OciClient } from '../../lib/oci/client.ts';
import { digestFile } from '../../lib/oci/digest.ts';
import type { ImageManifest } from '../../lib/oci/manifest.ts';
import { buildModelsTarGz, MODELS_ARTIFACT, modelsForTag, publishArtifact } from './artifacts.ts';
import { Registry } from './server.ts';

const LLAMA = 'meta/llama-3.2-1b-instruct-generic-gpu/v1';

describe('fake model artifacts', () => {
  let work: string;

  before(async () => {
    work = await mkdtemp(path.join(tmpdir(), 'artifacts-test-'));
  });
  after(async () => {
    await rm(work, { recursive: true, force: true });
  });

  test('v0.1.0 has phi-3.5 and qwen2.5; v0.2.0 and every other tag add llama-3.2', () => {
    assert.deepEqual(modelsForTag('v0.1.0'), [
      'microsoft/phi-3.5-mini-instruct-generic-gpu/v1',
      'microsoft/qwen2.5-0.5b-instruct-generic-gpu/v1',
    ]);
    for (const tag of ['v0.2.0', '0.2.0', 'v1.4.2', 'latest']) {
      assert.deepEqual(modelsForTag(tag), [...modelsForTag('v0.1.0'), LLAMA], tag);
    }
  });

  test('archives are reproducible per tag, differ between tags, and report their digest and size', async () => {
    const a = await buildModelsTarGz('v0.2.0', path.join(work, 'a', 'models.tar.gz'));
    const b = await buildModelsTarGz('v0.2.0', path.join(work, 'b', 'models.tar.gz'));
    const c = await buildModelsTarGz('v0.3.0', path.join(work, 'c', 'models.tar.gz'));
    assert.equal(a.sha256, b.sha256);
    assert.notEqual(a.sha256, c.sha256);
    assert.deepEqual(await digestFile(path.join(work, 'a', 'models.tar.gz')), { digest: a.sha256, size: a.size });
    assert.deepEqual(a.models, modelsForTag('v0.2.0'));
    assert.deepEqual(await readdir(path.join(work, 'a')), ['models.tar.gz'], 'no staging left behind');
  });

  test('unpacked, each model folder is what Foundry counts as a model; entries are portable and dated 0', async () => {
    const file = path.join(work, 'layout.tar.gz');
    await buildModelsTarGz('v0.1.0', file);
    const entries: Array<{ path: string; mtime?: Date; uid?: number; type: string }> = [];
    await list({ file, onReadEntry: (e) => entries.push({ path: e.path, mtime: e.mtime, uid: e.uid, type: e.type }) });
    assert.deepEqual(
      entries.map((e) => e.path),
      [...entries.map((e) => e.path)].sort(),
    );
    for (const entry of entries) {
      // tar leaves a zero mtime out of the parsed header; anything else would be a real date.
      assert.equal(entry.mtime?.getTime() ?? 0, 0, entry.path);
      assert.equal(entry.uid ?? 0, 0, entry.path);
      assert.ok(entry.type === 'File' || entry.type === 'Directory', entry.path);
    }
    const dest = path.join(work, 'cache', 'models');
    await mkdir(dest, { recursive: true });
    await extract({ file, cwd: dest, strict: true });
    for (const folder of modelsForTag('v0.1.0')) {
      const files = await readdir(path.join(dest, folder));
      assert.ok(files.includes('genai_config.json') && files.includes('model.onnx'), `${folder}: ${files.join(', ')}`);
      const inference = JSON.parse(await readFile(path.join(dest, folder, 'inference_model.json'), 'utf8')) as {
        Name: string;
      };
      assert.equal(inference.Name, folder.split('/')[1]);
    }
    await assert.rejects(stat(path.join(dest, LLAMA)), 'v0.1.0 has no llama');
  });

  test('padBytes makes the artifact that big (stored, not compressed away)', async () => {
    const padded = await buildModelsTarGz('v0.2.0', path.join(work, 'padded.tar.gz'), { padBytes: 8 * 1024 * 1024 });
    assert.ok(padded.size >= 8 * 1024 * 1024, `size ${padded.size}`);
  });

  describe('publishArtifact', () => {
    let registry: Registry;
    let client: OciClient;

    before(async () => {
      registry = new Registry({ root: path.join(work, 'registry'), user: 'u', password: 'p' });
      await registry.start();
      client = new OciClient({ registry: registry.host, plainHttp: true, username: 'u', password: 'p' });
    });
    after(async () => {
      await registry?.stop();
    });

    test('pushes like `oras push REF:TAG --artifact-type foundry/models models.tar.gz:application/gzip`', async () => {
      const file = path.join(work, 'pub', 'models.tar.gz');
      const built = await buildModelsTarGz('v0.2.0', file, { padBytes: 20 * 1024 * 1024 });
      const result = await publishArtifact(client, `${registry.host}/foundry-local-olive-models:v0.2.0`, file, {
        annotations: { 'run-id': 'r1' },
      });
      assert.equal(result.artifactType, MODELS_ARTIFACT.artifactType);
      assert.equal(result.annotations['run-id'], 'r1');
      const manifest = (await client.fetchManifest('foundry-local-olive-models', 'v0.2.0')).manifest as ImageManifest;
      assert.deepEqual(
        manifest.layers.map((l) => [l.mediaType, l.digest, l.size, l.annotations]),
        [['application/gzip', built.sha256, built.size, { 'org.opencontainers.image.title': 'models.tar.gz' }]],
      );
      const pulled = await client.pullArtifact('foundry-local-olive-models', 'v0.2.0', path.join(work, 'pulled'));
      assert.equal((await digestFile(pulled.files[0]!.path)).digest, built.sha256);
    });

    test('accepts repo:tag on the client’s registry and refuses other hosts or a missing tag', async () => {
      const file = path.join(work, 'short', 'models.tar.gz');
      await buildModelsTarGz('v0.1.0', file);
      const result = await publishArtifact(client, 'short/models:v0.1.0', file);
      assert.deepEqual(result.referenceAsTags, [`${registry.host}/short/models:v0.1.0`]);
      await assert.rejects(publishArtifact(client, 'elsewhere.io/x:v1', file), /not on/);
      await assert.rejects(publishArtifact(client, 'short/models', file), /needs a tag/);
    });
  });
});
