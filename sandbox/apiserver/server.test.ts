import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { LogStore } from './logs.ts';
import { ApiServer } from './server.ts';
import { TestClient } from './test-client.ts';

const AGGREGATED = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json';
const TABLE =
  'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';

describe('ApiServer over HTTPS', () => {
  const logs = new LogStore();
  const api = new ApiServer({ flux: '2.6', token: 'secret-token', logs });
  let client: TestClient;
  before(async () => {
    await api.start();
    client = new TestClient(api.url, api.caPem, 'secret-token');
  });
  after(() => api.stop());

  it('throws on url and kubeconfig before start, and stop() is idempotent', async () => {
    const idle = new ApiServer();
    assert.throws(() => idle.url, /not started/);
    assert.throws(() => idle.kubeconfig(), /not started/);
    await idle.stop();
    await idle.stop();
  });

  it('writes a kubeconfig with the CA, server and bearer token', () => {
    const config = parseYaml(api.kubeconfig());
    assert.equal(config['current-context'], 'sandbox');
    assert.equal(config.clusters[0].name, 'sandbox');
    assert.equal(config.clusters[0].cluster.server, api.url);
    assert.match(api.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(Buffer.from(config.clusters[0].cluster['certificate-authority-data'], 'base64').toString(), api.caPem);
    assert.equal(config.users[0].user.token, 'secret-token');
  });

  it('answers /version and health without a token, everything else 401 without it', async () => {
    const version = await client.call('/version', { anonymous: true });
    assert.equal(version.status, 200);
    assert.equal(version.json.major, '1');
    assert.equal(version.json.minor, '32');
    assert.match(version.json.gitVersion, /^v1\.32\.\d+-sandbox$/);
    assert.equal((await client.call('/readyz', { anonymous: true })).text, 'ok');
    const denied = await client.call('/api/v1/namespaces', { anonymous: true });
    assert.equal(denied.status, 401);
    assert.equal(denied.json.kind, 'Status');
    assert.equal(denied.json.reason, 'Unauthorized');
  });

  it('serves legacy discovery consistently with aggregated discovery', async () => {
    const apis = await client.call('/apis');
    assert.equal(apis.json.kind, 'APIGroupList');
    const source = apis.json.groups.find((g: { name: string }) => g.name === 'source.toolkit.fluxcd.io');
    assert.deepEqual(source.preferredVersion, { groupVersion: 'source.toolkit.fluxcd.io/v1', version: 'v1' });
    assert.deepEqual(
      source.versions.map((v: { version: string }) => v.version),
      ['v1', 'v1beta2', 'v1beta1'],
    );
    const core = await client.call('/api/v1');
    const pods = core.json.resources.find((r: { name: string }) => r.name === 'pods');
    assert.deepEqual(pods, {
      name: 'pods',
      singularName: 'pod',
      namespaced: true,
      kind: 'Pod',
      verbs: pods.verbs,
      shortNames: ['po'],
      categories: ['all'],
    });
    for (const sub of ['pods/status', 'pods/log', 'pods/exec', 'pods/binding'])
      assert.ok(
        core.json.resources.some((r: { name: string }) => r.name === sub),
        sub,
      );
    const apps = await client.call('/apis/apps/v1');
    assert.ok(
      apps.json.resources.some(
        (r: { name: string; kind: string }) => r.name === 'deployments/scale' && r.kind === 'Scale',
      ),
    );

    const aggregated = await client.call('/apis', { headers: { Accept: AGGREGATED } });
    assert.equal(
      aggregated.headers['content-type'],
      'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList',
    );
    assert.equal(aggregated.json.kind, 'APIGroupDiscoveryList');
    const agSource = aggregated.json.items.find(
      (i: { metadata: { name: string } }) => i.metadata.name === 'source.toolkit.fluxcd.io',
    );
    const gitrepos = agSource.versions[0].resources.find((r: { resource: string }) => r.resource === 'gitrepositories');
    assert.equal(gitrepos.scope, 'Namespaced');
    assert.deepEqual(gitrepos.shortNames, ['gitrepo']);
    assert.deepEqual(
      gitrepos.subresources.map((s: { subresource: string }) => s.subresource),
      ['status'],
    );
    const agCore = await client.call('/api', { headers: { Accept: AGGREGATED } });
    assert.deepEqual(
      agCore.json.items.map((i: { metadata: { name: string } }) => i.metadata.name),
      [''],
    );
  });

  it('serves kinds of a CRD created at run time in discovery and REST', async () => {
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'widgets.example.com' },
      spec: {
        group: 'example.com',
        scope: 'Namespaced',
        names: { plural: 'widgets', singular: 'widget', kind: 'Widget', shortNames: ['wd'] },
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            schema: {
              openAPIV3Schema: {
                type: 'object',
                properties: { spec: { type: 'object', properties: { size: { type: 'integer', default: 3 } } } },
              },
            },
          },
        ],
      },
    };
    assert.equal(
      (await client.call('/apis/apiextensions.k8s.io/v1/customresourcedefinitions', { method: 'POST', body: crd }))
        .status,
      201,
    );
    const list = await client.call('/apis/example.com/v1');
    assert.equal(list.json.resources[0].name, 'widgets');
    const created = await client.call('/apis/example.com/v1/namespaces/default/widgets', {
      method: 'POST',
      body: { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec: {} },
    });
    assert.equal(created.status, 201);
    assert.equal(created.json.spec.size, 3);
    const index = await client.call('/openapi/v3');
    assert.match(
      index.json.paths['apis/example.com/v1'].serverRelativeURL,
      /^\/openapi\/v3\/apis\/example\.com\/v1\?hash=[0-9A-F]+$/,
    );
  });

  it('publishes OpenAPI v3 documents whose PATCH operations accept fieldValidation', async () => {
    const index = await client.call('/openapi/v3');
    const doc = await client.call(index.json.paths['apis/source.toolkit.fluxcd.io/v1'].serverRelativeURL);
    const patchOps = Object.values(
      doc.json.paths as Record<
        string,
        { patch?: { 'x-kubernetes-group-version-kind': object; parameters: Array<{ name: string; in: string }> } }
      >,
    )
      .map((p) => p.patch)
      .filter(Boolean);
    const git = patchOps.find(
      (op) =>
        JSON.stringify(op!['x-kubernetes-group-version-kind']) ===
        JSON.stringify({ group: 'source.toolkit.fluxcd.io', version: 'v1', kind: 'GitRepository' }),
    );
    assert.ok(git?.parameters.some((p) => p.name === 'fieldValidation' && p.in === 'query'));
    assert.equal((await client.call('/openapi/v3/apis/nope/v1')).status, 404);
  });

  it('answers unknown resources and malformed bodies with the real Statuses', async () => {
    const missing = await client.call('/apis/nope.example.com/v1/things');
    assert.equal(missing.status, 404);
    assert.equal(missing.json.message, 'the server could not find the requested resource');
    const bad = await client.call('/api/v1/namespaces/default/configmaps', { method: 'POST', body: '{"metadata": ' });
    assert.equal(bad.status, 400);
    assert.equal(bad.json.reason, 'BadRequest');
    const notFound = await client.call('/api/v1/namespaces/default/configmaps/nope');
    assert.deepEqual(
      {
        code: notFound.json.code,
        reason: notFound.json.reason,
        message: notFound.json.message,
        details: notFound.json.details,
      },
      {
        code: 404,
        reason: 'NotFound',
        message: 'configmaps "nope" not found',
        details: { name: 'nope', kind: 'configmaps' },
      },
    );
    const method = await client.call('/api/v1/namespaces/default/configmaps', { method: 'PUT', body: {} });
    assert.equal(method.status, 405);
  });

  it('returns Tables when asked, plain lists otherwise, and paginates', async () => {
    for (const n of ['t1', 't2', 't3'])
      await client.call('/api/v1/namespaces/default/configmaps', { method: 'POST', body: { metadata: { name: n } } });
    const table = await client.call('/api/v1/namespaces/default/configmaps?limit=500', { headers: { Accept: TABLE } });
    assert.equal(table.json.kind, 'Table');
    assert.equal(table.json.columnDefinitions[0].name, 'Name');
    assert.ok(table.json.rows.some((r: { cells: string[] }) => r.cells[0] === 't2'));
    assert.equal(table.json.rows[0].object.kind, 'PartialObjectMetadata');
    const page = await client.call('/api/v1/namespaces/default/configmaps?limit=2');
    assert.equal(page.json.kind, 'ConfigMapList');
    assert.equal(page.json.items.length, 2);
    assert.ok(page.json.metadata.continue);
    const rest = await client.call(
      `/api/v1/namespaces/default/configmaps?limit=10&continue=${encodeURIComponent(page.json.metadata.continue)}`,
    );
    assert.ok(rest.json.items.length >= 2);
    const all = await client.call('/api/v1/configmaps');
    assert.ok(
      all.json.items.some((i: { metadata: { namespace: string } }) => i.metadata.namespace === 'kube-system'),
      'all-namespaces list',
    );
  });

  it('warns about unknown fields (Warn), rejects them (Strict), and warns for deprecated versions', async () => {
    const body = {
      apiVersion: 'source.toolkit.fluxcd.io/v1beta2',
      kind: 'GitRepository',
      metadata: { name: 'dep' },
      spec: { url: 'https://h/r.git', interval: '1m', typo: 1 },
    };
    const strict = await client.call(
      '/apis/source.toolkit.fluxcd.io/v1beta2/namespaces/default/gitrepositories?fieldValidation=Strict',
      { method: 'POST', body },
    );
    assert.equal(strict.status, 400);
    assert.match(strict.json.message, /strict decoding error: unknown field "spec\.typo"/);
    const warn = await client.call(
      '/apis/source.toolkit.fluxcd.io/v1beta2/namespaces/default/gitrepositories?fieldValidation=Warn',
      { method: 'POST', body },
    );
    assert.equal(warn.status, 201);
    const warnings = String(warn.headers.warning).split(/,\s*(?=299)/);
    assert.ok(
      warnings.includes('299 - "v1beta2 GitRepository is deprecated, upgrade to v1"'),
      String(warn.headers.warning),
    );
    assert.ok(warnings.includes('299 - "unknown field \\"spec.typo\\""'), String(warn.headers.warning));
  });

  it('implements PUT conflicts, PATCH types, apply (201 on create) and delete codes', async () => {
    const base = '/apis/apps/v1/namespaces/default/deployments';
    const dep = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'd' },
      spec: {
        selector: { matchLabels: { a: 'b' } },
        template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'i' }] } },
      },
    };
    const applied = await client.call(`${base}/d?fieldManager=test&force=true`, {
      method: 'PATCH',
      body: JSON.stringify(dep),
      headers: { 'Content-Type': 'application/apply-patch+yaml' },
    });
    assert.equal(applied.status, 201);
    const stale = { ...applied.json, metadata: { ...applied.json.metadata, resourceVersion: '1' } };
    const conflict = await client.call(`${base}/d`, { method: 'PUT', body: stale });
    assert.equal(conflict.status, 409);
    assert.equal(conflict.json.reason, 'Conflict');
    const smp = await client.call(`${base}/d`, {
      method: 'PATCH',
      body: { spec: { replicas: 2 } },
      headers: { 'Content-Type': 'application/strategic-merge-patch+json' },
    });
    assert.equal(smp.json.spec.replicas, 2);
    const scale = await client.call(`${base}/d/scale`);
    assert.equal(scale.json.kind, 'Scale');
    assert.equal(scale.json.spec.replicas, 2);
    const status = await client.call(`${base}/d/status`, {
      method: 'PATCH',
      body: { status: { replicas: 2 } },
      headers: { 'Content-Type': 'application/merge-patch+json' },
    });
    assert.equal(status.json.status.replicas, 2);
    const unsupported = await client.call(`${base}/d`, {
      method: 'PATCH',
      body: {},
      headers: { 'Content-Type': 'text/plain' },
    });
    assert.equal(unsupported.status, 415);
    const deleted = await client.call(`${base}/d`, { method: 'DELETE', body: { propagationPolicy: 'Background' } });
    assert.equal(deleted.status, 200);
    assert.equal(deleted.json.metadata.name, 'd');
    assert.equal((await client.call(`${base}/d`)).status, 404);
  });

  it('serves the journal and request counts under /sandbox/v1', async () => {
    const since = api.store.currentRv;
    await client.call('/api/v1/namespaces/default/configmaps', {
      method: 'POST',
      body: { metadata: { name: 'journaled' } },
      headers: { 'User-Agent': 'probe/v9 (test)' },
    });
    const journal = await client.call(`/sandbox/v1/journal?since=${since}`);
    assert.ok(
      journal.json.entries.some((e: { name: string; type: string }) => e.name === 'journaled' && e.type === 'ADDED'),
    );
    const counts = await client.call('/sandbox/v1/requests');
    assert.ok(counts.json['probe/v9'] >= 1);
    assert.ok(api.requestCounts()['probe/v9']! >= 1);
    const before = Date.now();
    await client.call('/api/v1/namespaces/default/configmaps?watch=true&timeoutSeconds=1', {
      headers: { 'User-Agent': 'probe/v9 (test)' },
    });
    await client.call('/api/v1/namespaces/default/configmaps/journaled', {
      headers: { 'User-Agent': 'probe/v9 (test)' },
    });
    await client.call('/apis/apps/v1/namespaces/default/deployments', { headers: { 'User-Agent': 'probe/v9 (test)' } });
    await client.call('/apis', { headers: { 'User-Agent': 'probe/v9 (test)' } });
    const detail = (await client.call(`/sandbox/v1/requests?detail=true&since=${before}`)).json;
    assert.deepEqual(detail.clients['probe/v9'].calls, {
      'watch configmaps': 1,
      'get configmaps': 1,
      'list deployments.apps': 1,
      'get discovery': 1,
    });
    assert.equal(detail.clients['probe/v9'].total, 4);
    assert.equal((await client.call('/sandbox/v1/journal', { anonymous: true })).status, 401);
  });

  it('binds pods through pods/binding', async () => {
    await client.call('/api/v1/namespaces/default/pods', {
      method: 'POST',
      body: { metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'i' }] } },
    });
    const bound = await client.call('/api/v1/namespaces/default/pods/p/binding', {
      method: 'POST',
      body: { metadata: { name: 'p' }, target: { kind: 'Node', name: 'n1' } },
    });
    assert.equal(bound.status, 201);
    const pod = await client.call('/api/v1/namespaces/default/pods/p');
    assert.equal(pod.json.spec.nodeName, 'n1');
    assert.equal(pod.json.status.conditions[0].type, 'PodScheduled');
    const again = await client.call('/api/v1/namespaces/default/pods/p/binding', {
      method: 'POST',
      body: { metadata: { name: 'p' }, target: { kind: 'Node', name: 'n2' } },
    });
    assert.equal(again.status, 409);
  });

  it('serves pods/log from the log store', async () => {
    api.kube.create({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'logger', namespace: 'default' },
      spec: { nodeName: 'n1', containers: [{ name: 'main', image: 'i' }] },
    });
    api.kube.patch(
      { apiVersion: 'v1', kind: 'Pod', namespace: 'default', name: 'logger' },
      {
        status: {
          phase: 'Running',
          containerStatuses: [
            {
              name: 'main',
              image: 'i',
              imageID: '',
              ready: true,
              restartCount: 0,
              started: true,
              state: { running: { startedAt: '2026-01-01T00:00:00Z' } },
            },
          ],
        },
      },
      'merge',
      { subresource: 'status' },
    );
    for (const line of ['one', 'two', 'three']) logs.append({ namespace: 'default', name: 'logger' }, 'main', line);
    const res = await client.call('/api/v1/namespaces/default/pods/logger/log?container=main&tailLines=2');
    assert.equal(res.status, 200);
    assert.equal(res.text, 'two\nthree\n');
    const missing = await client.call('/api/v1/namespaces/default/pods/nobody/log');
    assert.equal(missing.status, 404);
  });
});
