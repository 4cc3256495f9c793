import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { KubeObject } from '../kube/types.ts';
import { PodFiles, PodPathError } from './podfs.ts';

const pod: KubeObject = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'foundry-0', namespace: 'ai', uid: 'u-1' },
  spec: { containers: [{ name: 'foundry' }] },
};

describe('PodFiles', () => {
  let dir: string;
  let files: PodFiles;
  let root: string;

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'podfs-'));
    files = new PodFiles(path.join(dir, 'pods'));
    root = await files.ensure(pod);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('gives each pod its own tree named namespace_name_uid', () => {
    assert.equal(root, path.join(dir, 'pods', 'ai_foundry-0_u-1'));
    assert.equal(files.rootOf(pod), root);
  });

  it('creates the base tree with the hostname, and leaves existing files alone on a second ensure', async () => {
    assert.equal(readFileSync(path.join(root, 'etc/hostname'), 'utf8'), 'foundry-0\n');
    assert.ok(existsSync(path.join(root, 'home/foundry')));
    assert.match(readFileSync(path.join(root, 'etc/passwd'), 'utf8'), /^foundry:x:1000:1000:/m);
    writeFileSync(path.join(root, 'etc/hostname'), 'changed\n');
    await files.ensure(pod);
    assert.equal(readFileSync(path.join(root, 'etc/hostname'), 'utf8'), 'changed\n');
  });

  it('maps container paths into the tree and clamps .. at /', () => {
    assert.equal(files.resolve(pod, '/etc/hostname'), path.join(root, 'etc/hostname'));
    assert.equal(files.resolve(pod, '/../../../../etc/passwd'), path.join(root, 'etc/passwd'));
    assert.equal(files.resolve(pod, 'tmp/../etc'), path.join(root, 'etc'));
    assert.equal(files.resolve(pod, '/'), root);
  });

  it('follows absolute and relative symlinks inside the tree, never out of it', () => {
    symlinkSync('/etc/passwd', path.join(root, 'tmp/abs'));
    symlinkSync('../../../../../../../etc/shadow', path.join(root, 'tmp/rel'));
    symlinkSync('/home', path.join(root, 'tmp/dirlink'));
    assert.equal(files.resolve(pod, '/tmp/abs'), path.join(root, 'etc/passwd'));
    assert.equal(files.resolve(pod, '/tmp/rel'), path.join(root, 'etc/shadow'));
    assert.equal(files.resolve(pod, '/tmp/dirlink/foundry'), path.join(root, 'home/foundry'));
    assert.equal(files.resolve(pod, '/tmp/abs', { followFinal: false }), path.join(root, 'tmp/abs'));
  });

  it('refuses symlink loops with ELOOP', () => {
    symlinkSync('/tmp/loop-b', path.join(root, 'tmp/loop-a'));
    symlinkSync('/tmp/loop-a', path.join(root, 'tmp/loop-b'));
    assert.throws(
      () => files.resolve(pod, '/tmp/loop-a'),
      (err: unknown) => err instanceof PodPathError && err.code === 'ELOOP',
    );
  });

  it('maps a mounted host directory, keeps its symlinks inside the container view, and enforces read-only', () => {
    const cache = path.join(dir, 'model-cache');
    mkdirSync(cache);
    writeFileSync(path.join(cache, 'model.onnx'), 'weights');
    symlinkSync('/etc/hostname', path.join(cache, 'link'));
    files.mount(pod, '/models', cache, { readOnly: true });
    assert.equal(files.resolve(pod, '/models/model.onnx'), path.join(cache, 'model.onnx'));
    assert.equal(files.resolve(pod, '/models/link'), path.join(root, 'etc/hostname'));
    assert.equal(files.resolve(pod, '/models/../etc'), path.join(root, 'etc'));
    assert.ok(existsSync(path.join(root, 'models')), 'the mount point exists in the tree');
    assert.ok(files.isMountPoint(pod, '/models/'));
    assert.throws(
      () => files.resolve(pod, '/models/new', { write: true }),
      (err: unknown) => err instanceof PodPathError && err.code === 'EROFS',
    );
  });

  it('removes the tree but never a mounted host directory', async () => {
    const other: KubeObject = { ...pod, metadata: { ...pod.metadata, name: 'other', uid: 'u-2' } };
    const otherRoot = await files.ensure(other);
    const shared = path.join(dir, 'shared');
    mkdirSync(shared);
    writeFileSync(path.join(shared, 'keep'), 'x');
    files.mount(other, '/data', shared);
    await files.remove(other);
    assert.equal(existsSync(otherRoot), false);
    assert.equal(readFileSync(path.join(shared, 'keep'), 'utf8'), 'x');
    await files.remove(other);
  });
});
