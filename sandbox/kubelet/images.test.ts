import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ImageCache, imageId, normalizeImage, pullDurationMs } from './images.ts';

describe('images', () => {
  it('normalises references the way containerd reports them', () => {
    assert.equal(normalizeImage('nginx'), 'docker.io/library/nginx:latest');
    assert.equal(normalizeImage('fluxcd/source-controller:v1.4.1'), 'docker.io/fluxcd/source-controller:v1.4.1');
    assert.equal(normalizeImage('ghcr.io/fluxcd/helm-controller:v1.1.0'), 'ghcr.io/fluxcd/helm-controller:v1.1.0');
    assert.equal(normalizeImage('localhost:5000/x'), 'localhost:5000/x:latest');
  });

  it('gives stable digests and pull times per image', () => {
    assert.match(imageId('nginx:1.27'), /^docker\.io\/library\/nginx@sha256:[0-9a-f]{64}$/);
    assert.equal(imageId('nginx:1.27'), imageId('docker.io/library/nginx:1.27'));
    assert.notEqual(imageId('nginx:1.27'), imageId('nginx:1.28'));
    assert.equal(pullDurationMs('a:1'), pullDurationMs('a:1'));
  });

  it('remembers pulled images under their normalised name', () => {
    const cache = new ImageCache();
    assert.equal(cache.has('nginx'), false);
    cache.add('docker.io/library/nginx:latest');
    assert.equal(cache.has('nginx'), true);
  });
});
