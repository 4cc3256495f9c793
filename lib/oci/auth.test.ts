/** WWW-Authenticate parsing, which decides how the client answers a 401. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseChallenges } from './auth.ts';

test('a Bearer challenge keeps commas inside quoted values (scopes list actions)', () => {
  assert.deepEqual(
    parseChallenges(
      'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:samalba/my-app:pull,push"',
    ),
    [
      {
        scheme: 'bearer',
        params: {
          realm: 'https://auth.docker.io/token',
          service: 'registry.docker.io',
          scope: 'repository:samalba/my-app:pull,push',
        },
      },
    ],
  );
});

test('Basic, several challenges in one header, unquoted and escaped values', () => {
  assert.deepEqual(parseChallenges('Basic realm="sandbox-registry"'), [
    { scheme: 'basic', params: { realm: 'sandbox-registry' } },
  ]);
  assert.deepEqual(
    parseChallenges('Basic realm="a b", Bearer realm="https://x/token", service=x.io, error="insufficient_scope"'),
    [
      { scheme: 'basic', params: { realm: 'a b' } },
      { scheme: 'bearer', params: { realm: 'https://x/token', service: 'x.io', error: 'insufficient_scope' } },
    ],
  );
  assert.deepEqual(parseChallenges('Basic realm="say \\"hi\\""'), [{ scheme: 'basic', params: { realm: 'say "hi"' } }]);
  assert.deepEqual(parseChallenges(''), []);
});
