/** Reference parsing by Docker's rules, and digest parsing. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isDigest, parseDigest } from './digest.ts';
import { formatReference, parseReference, ReferenceError, referenceTarget } from './reference.ts';

const DIGEST = `sha256:${'a'.repeat(64)}`;

test('the first component is a registry only when it has a dot, a port or is localhost', () => {
  assert.deepEqual(parseReference('ubuntu'), { registry: 'docker.io', repository: 'library/ubuntu' });
  assert.deepEqual(parseReference('foo/bar:1.0'), { registry: 'docker.io', repository: 'foo/bar', tag: '1.0' });
  assert.deepEqual(parseReference('localhost/foo'), { registry: 'localhost', repository: 'foo' });
  assert.deepEqual(parseReference('localhost:5000/foo/bar:v1'), {
    registry: 'localhost:5000',
    repository: 'foo/bar',
    tag: 'v1',
  });
  assert.deepEqual(parseReference('127.0.0.1:41234/foundry-local-olive-models:v0.1.0'), {
    registry: '127.0.0.1:41234',
    repository: 'foundry-local-olive-models',
    tag: 'v0.1.0',
  });
  assert.deepEqual(parseReference(`myacr.azurecr.io/models@${DIGEST}`), {
    registry: 'myacr.azurecr.io',
    repository: 'models',
    digest: DIGEST,
  });
  assert.deepEqual(parseReference(`host:5000/a/b:t@${DIGEST}`), {
    registry: 'host:5000',
    repository: 'a/b',
    tag: 't',
    digest: DIGEST,
  });
  assert.equal(parseReference('index.docker.io/library/x').registry, 'docker.io');
});

test('a default registry replaces Docker Hub for host-less references, without library/', () => {
  assert.deepEqual(parseReference('foundry-local-olive-models:v0.2.0', { defaultRegistry: '127.0.0.1:5000' }), {
    registry: '127.0.0.1:5000',
    repository: 'foundry-local-olive-models',
    tag: 'v0.2.0',
  });
  assert.equal(parseReference('other.io/x:1', { defaultRegistry: '127.0.0.1:5000' }).registry, 'other.io');
});

test('malformed references are refused with Docker’s wording', () => {
  for (const bad of [
    '',
    ':tag',
    'repo:',
    'repo:-bad',
    'a//b',
    'foo/Bar',
    'repo@sha256:short',
    'host:5000/',
    `x/${'a'.repeat(300)}`,
  ]) {
    assert.throws(
      () => parseReference(bad),
      (err: unknown) => err instanceof ReferenceError && /^invalid reference format/.test(err.message),
      bad,
    );
  }
});

test('formatReference round-trips and referenceTarget prefers the digest', () => {
  for (const text of ['localhost:5000/foo/bar:v1', `h.io/a@${DIGEST}`, `h.io/a:t@${DIGEST}`])
    assert.equal(formatReference(parseReference(text)), text);
  assert.equal(referenceTarget(parseReference(`h.io/a:t@${DIGEST}`)), DIGEST);
  assert.equal(referenceTarget(parseReference('h.io/a:t')), 't');
  assert.equal(referenceTarget(parseReference('h.io/a')), 'latest');
});

test('digests: sha256 and sha512 with the right length, lower-case hex only', () => {
  assert.deepEqual(parseDigest(DIGEST), { algorithm: 'sha256', hex: 'a'.repeat(64) });
  assert.ok(isDigest(`sha512:${'0'.repeat(128)}`));
  for (const bad of [
    `sha256:${'a'.repeat(63)}`,
    `sha256:${'A'.repeat(64)}`,
    `md5:${'a'.repeat(32)}`,
    'sha256',
    `sha512:${'0'.repeat(64)}`,
  ]) {
    assert.equal(parseDigest(bad), undefined, bad);
  }
});
