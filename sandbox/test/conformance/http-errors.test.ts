/**
 * Errors in the protocol clients expect: Kubernetes `Status` objects with the real codes and reasons for a
 * malformed body (400), an unknown resource (404), a missing or wrong bearer token (401), and what real kubectl
 * prints for them.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { TestClient } from '../../apiserver/test-client.ts';
import { ConformanceCluster } from './conformance-cluster.ts';
import { KUBECTL_CLIENTS } from './kubectl-clients.ts';
import { KubectlRunner } from './kubectl-runner.ts';

const cluster = new ConformanceCluster();
let http: TestClient;

before(async () => {
  await cluster.start();
  http = new TestClient(cluster.api.url, cluster.api.caPem, cluster.api.token);
});
after(() => cluster.stop());

/** The Status fields every error must carry. */
function assertStatus(body: unknown, code: number, reason: string): { message: string } {
  const status = body as {
    kind: string;
    apiVersion: string;
    status: string;
    code: number;
    reason: string;
    message: string;
  };
  assert.deepEqual(
    [status?.kind, status?.apiVersion, status?.status, status?.code, status?.reason],
    ['Status', 'v1', 'Failure', code, reason],
    JSON.stringify(body),
  );
  assert.equal(typeof status.message, 'string');
  return status;
}

describe('HTTP errors as Status objects', () => {
  it('answers a malformed JSON body with 400 BadRequest', async () => {
    const res = await http.call('/api/v1/namespaces/default/configmaps', {
      method: 'POST',
      body: '{"apiVersion":"v1","kind":"ConfigMap",',
      headers: { 'Content-Type': 'application/json' },
    });
    assert.equal(res.status, 400);
    assert.match(String(res.headers['content-type']), /^application\/json/);
    assertStatus(res.json, 400, 'BadRequest');
    const patch = await http.call('/api/v1/namespaces/default/configmaps/kube-root-ca.crt', {
      method: 'PATCH',
      body: 'not json',
      headers: { 'Content-Type': 'application/merge-patch+json' },
    });
    assert.equal(patch.status, 400);
    assertStatus(patch.json, 400, 'BadRequest');
  });

  it('answers an unknown resource or group with 404 NotFound', async () => {
    for (const url of [
      '/api/v1/namespaces/default/widgets',
      '/apis/widgets.example.com/v1/widgets',
      '/apis/source.toolkit.fluxcd.io/v9/gitrepositories',
    ]) {
      const res = await http.call(url);
      assert.equal(res.status, 404, url);
      const status = assertStatus(res.json, 404, 'NotFound');
      assert.equal(status.message, 'the server could not find the requested resource', url);
    }
    const missing = await http.call('/api/v1/namespaces/default/configmaps/absent');
    assert.equal(missing.status, 404);
    assert.deepEqual((missing.json as { details: unknown }).details, { name: 'absent', kind: 'configmaps' });
    assert.equal(assertStatus(missing.json, 404, 'NotFound').message, 'configmaps "absent" not found');
  });

  it('answers requests without a valid token with 401, but serves /version to anyone', async () => {
    const anonymous = await http.call('/api/v1/namespaces', { anonymous: true });
    assert.equal(anonymous.status, 401);
    assert.equal(assertStatus(anonymous.json, 401, 'Unauthorized').message, 'Unauthorized');
    const wrong = await http.call('/api/v1/namespaces', {
      anonymous: true,
      headers: { Authorization: 'Bearer not-the-token' },
    });
    assert.equal(wrong.status, 401);
    assertStatus(wrong.json, 401, 'Unauthorized');
    const version = await http.call('/version', { anonymous: true });
    assert.equal(version.status, 200);
    assert.equal((version.json as { minor: string }).minor, '32');
  });
});

for (const client of KUBECTL_CLIENTS) {
  describe(`errors as ${client.title} prints them`, () => {
    it('says the server lacks an unknown resource type', async () => {
      const kubectl = await cluster.kubectl(client);
      const result = await kubectl.run(['get', 'widgets']);
      assert.equal(result.code, 1);
      assert.match(result.stderr, /error: the server doesn't have a resource type "widgets"/);
    });

    it('says "You must be logged in" with a wrong token', async () => {
      const kubeconfig = path.join(cluster.dir, `${client.id}-bad-token.kubeconfig`);
      await writeFile(kubeconfig, cluster.api.kubeconfig().replace(cluster.api.token, 'not-the-token'), {
        mode: 0o600,
      });
      const kubectl = new KubectlRunner({
        binary: await client.locate(),
        kubeconfig,
        cacheDir: path.join(cluster.dir, `${client.id}-bad-cache`),
        home: path.join(cluster.dir, 'home'),
      });
      const result = await kubectl.run(['get', 'configmaps']);
      assert.equal(result.code, 1);
      // Modern kubectl fails in aggregated discovery and words it from the 401 itself, as against a real cluster
      // (e.g. an expired EKS token): "couldn't get current server API group list: the server has asked …".
      assert.match(
        result.stderr,
        /couldn't get current server API group list: the server has asked for the client to provide credentials/,
      );
      assert.match(
        result.stderr,
        /^error: You must be logged in to the server \(the server has asked for the client to provide credentials\)$/m,
      );
    });
  });
}
