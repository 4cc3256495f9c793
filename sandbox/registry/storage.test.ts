/** RegistryStorage's tag index: deleting a manifest among 1,000 tags removes exactly its tags, even written behind its back. */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { RegistryStorage } from './storage.ts';

test('deleteManifest removes the tags pointing at it, from the index and from tags written by another writer', async () => {
  const root = await mkdtemp(path.join(tmpdir(), 'registry-storage-'));
  try {
    const storage = new RegistryStorage(root);
    await storage.init();
    const manifest = (n: string) => Buffer.from(JSON.stringify({ schemaVersion: 2, n }));
    const keep = await storage.putManifest(
      'm',
      manifest('keep'),
      'application/vnd.oci.image.manifest.v1+json',
      'keep-0',
      {},
    );
    for (let i = 1; i < 1000; i++)
      await storage.putManifest('m', manifest('keep'), 'application/vnd.oci.image.manifest.v1+json', `keep-${i}`, {});
    const gone = await storage.putManifest(
      'm',
      manifest('gone'),
      'application/vnd.oci.image.manifest.v1+json',
      'gone',
      {},
    );
    assert.equal(await storage.deleteManifest('m', gone), true);
    assert.equal((await storage.tags('m'))?.length, 1000);

    // Another writer (a second storage on the same root, or a person) adds a tag: the index notices.
    const again = await storage.putManifest(
      'm',
      manifest('gone'),
      'application/vnd.oci.image.manifest.v1+json',
      'gone',
      {},
    );
    await writeFile(path.join(root, 'repositories', 'm', '_manifests', 'tags', 'by-hand'), again);
    const started = performance.now();
    assert.equal(await storage.deleteManifest('m', again), true);
    const ms = performance.now() - started;
    assert.deepEqual(
      (await storage.tags('m'))?.filter((t) => !t.startsWith('keep-')),
      [],
    );
    assert.equal((await storage.getManifest('m', 'keep-999'))?.digest, keep);
    assert.ok(ms < 2000, `delete took ${ms} ms`);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
