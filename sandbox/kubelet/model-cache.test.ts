import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { c as create } from 'tar';
import { listModels, unpackModels } from './model-cache.ts';

describe('model cache', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'model-cache-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('unpacks a models tarball and finds the models by their two descriptor files', async () => {
    const src = path.join(dir, 'src');
    const model = path.join(src, 'meta/llama-3.2-1b-instruct-generic-gpu/v1');
    await mkdir(model, { recursive: true });
    await writeFile(path.join(model, 'genai_config.json'), '{}');
    await writeFile(
      path.join(model, 'inference_model.json'),
      JSON.stringify({ Name: 'llama-3.2-1b-instruct-generic-gpu' }),
    );
    const half = path.join(src, 'microsoft/incomplete/v1');
    await mkdir(half, { recursive: true });
    await writeFile(path.join(half, 'genai_config.json'), '{}');
    await symlink('/etc/passwd', path.join(src, 'escape'));
    const archive = path.join(dir, 'models.tar.gz');
    await create({ gzip: true, file: archive, cwd: src, portable: true }, ['meta', 'microsoft', 'escape']);

    const cache = path.join(dir, 'cache/models');
    const files = await unpackModels(archive, cache);
    assert.equal(files, 3);
    assert.equal(existsSync(path.join(cache, 'escape')), false, 'symlinks are not extracted');
    assert.equal(
      await readFile(path.join(cache, 'meta/llama-3.2-1b-instruct-generic-gpu/v1/genai_config.json'), 'utf8'),
      '{}',
    );
    assert.deepEqual(await listModels(cache), [
      { path: 'meta/llama-3.2-1b-instruct-generic-gpu/v1', name: 'llama-3.2-1b-instruct-generic-gpu' },
    ]);
  });

  it('rejects a corrupt archive', async () => {
    const bad = path.join(dir, 'bad.tar.gz');
    await writeFile(bad, Buffer.from('this is not gzip at all'));
    await assert.rejects(unpackModels(bad, path.join(dir, 'bad-out')));
  });

  it('holds no models when the cache does not exist', async () => {
    assert.deepEqual(await listModels(path.join(dir, 'nowhere')), []);
  });
});
