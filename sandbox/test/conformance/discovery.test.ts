/**
 * Discovery as real kubectl sees it: `version`, `api-resources` (the Flux kinds with the short names and
 * categories their CRDs declare), `api-versions`, `cluster-info` and `explain` (served from /openapi/v3).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ConformanceCluster } from './conformance-cluster.ts';
import { loadFluxKinds } from './flux-crd-catalog.ts';
import { KUBECTL_CLIENTS } from './kubectl-clients.ts';
import type { KubectlRunner } from './kubectl-runner.ts';
import { parseTable } from './table-text.ts';

const cluster = new ConformanceCluster();
const fluxKinds = loadFluxKinds('2.9');

before(() => cluster.start());
after(() => cluster.stop());

for (const client of KUBECTL_CLIENTS) {
  describe(`discovery with ${client.title}`, () => {
    let kubectl: KubectlRunner;
    before(async () => {
      kubectl = await cluster.kubectl(client);
    });

    it('reports the client and the sandbox server version', async () => {
      const [json, text] = await Promise.all([kubectl.ok(['version', '-o', 'json']), kubectl.ok(['version'])]);
      const version = JSON.parse(json) as {
        clientVersion: { major: string; minor: string };
        serverVersion: { major: string; minor: string; gitVersion: string };
      };
      // gcloud's builds report minor `32+`.
      assert.equal(
        Number.parseInt(version.clientVersion.minor, 10),
        client.minor,
        `client is kubectl 1.${client.minor}`,
      );
      assert.deepEqual([version.serverVersion.major, version.serverVersion.minor], ['1', '32']);
      assert.match(version.serverVersion.gitVersion, /^v1\.32\.\d+/);
      assert.match(
        text,
        new RegExp(`^Server Version: ${version.serverVersion.gitVersion.replace(/\./g, '\\.')}$`, 'm'),
      );
    });

    it('lists every Flux kind in api-resources with its CRD short names and categories', async () => {
      const [plain, wide] = await Promise.all([
        kubectl.ok(['api-resources']),
        kubectl.ok(['api-resources', '-o', 'wide']),
      ]);
      const table = parseTable(plain);
      assert.deepEqual(table.header, ['NAME', 'SHORTNAMES', 'APIVERSION', 'NAMESPACED', 'KIND']);
      const wideTable = parseTable(wide);
      assert.deepEqual(wideTable.header, [
        'NAME',
        'SHORTNAMES',
        'APIVERSION',
        'NAMESPACED',
        'KIND',
        'VERBS',
        'CATEGORIES',
      ]);
      for (const kind of fluxKinds) {
        const row = wideTable.rows.find((r) => r[0] === kind.plural && r[2] === `${kind.group}/${kind.version}`);
        assert.ok(row, `api-resources -o wide lists ${kind.plural}.${kind.group}`);
        assert.deepEqual(row, [
          kind.plural,
          kind.shortNames.join(','),
          `${kind.group}/${kind.version}`,
          'true',
          kind.kind,
          row[5],
          kind.categories.join(','),
        ]);
        assert.deepEqual(row[5].split(',').sort(), [
          'create',
          'delete',
          'deletecollection',
          'get',
          'list',
          'patch',
          'update',
          'watch',
        ]);
      }
      const pods = table.rows.find((r) => r[0] === 'pods');
      assert.deepEqual(pods, ['pods', 'po', 'v1', 'true', 'Pod']);
      const deployments = table.rows.find((r) => r[0] === 'deployments');
      assert.deepEqual(deployments, ['deployments', 'deploy', 'apps/v1', 'true', 'Deployment']);
    });

    it('selects api-resources by API group and category', async () => {
      const [group, category] = await Promise.all([
        kubectl.ok(['api-resources', '--api-group', 'source.toolkit.fluxcd.io', '-o', 'name']),
        kubectl.ok(['api-resources', '--categories', 'fluxcd-appliers', '-o', 'name']),
      ]);
      const expected = (filter: (k: (typeof fluxKinds)[number]) => boolean) =>
        fluxKinds
          .filter(filter)
          .map((k) => `${k.plural}.${k.group}`)
          .sort();
      assert.deepEqual(
        group.trim().split('\n').sort(),
        expected((k) => k.group === 'source.toolkit.fluxcd.io'),
      );
      assert.deepEqual(
        category.trim().split('\n').sort(),
        expected((k) => k.categories.includes('fluxcd-appliers')),
      );
    });

    it('lists the served group versions in api-versions', async () => {
      const versions = (await kubectl.ok(['api-versions'])).trim().split('\n');
      for (const kind of fluxKinds)
        assert.ok(
          versions.includes(`${kind.group}/${kind.version}`),
          `${kind.group}/${kind.version} in ${versions.join(' ')}`,
        );
      for (const builtin of ['v1', 'apps/v1', 'apiextensions.k8s.io/v1', 'events.k8s.io/v1'])
        assert.ok(versions.includes(builtin), `${builtin} in api-versions`);
      assert.deepEqual(versions, [...versions].sort(), 'kubectl prints api-versions sorted');
    });

    it('prints the control plane URL in cluster-info', async () => {
      const out = await kubectl.ok(['cluster-info']);
      assert.match(
        out,
        new RegExp(`Kubernetes control plane is running at .*${cluster.api.url.replace(/\./g, '\\.')}`),
      );
    });

    it('explains gitrepository.spec from the CRD schema', async () => {
      const out = await kubectl.ok(['explain', 'gitrepository.spec']);
      assert.match(out, /^KIND:\s+GitRepository$/m);
      assert.match(out, /^VERSION:\s+v1$/m);
      assert.match(out, /^FIELD: spec <Object>$/m);
      assert.match(out, /^\s+url\s+<string> -required-$/m);
      assert.match(out, /^\s+interval\s+<string> -required-$/m);
    });
  });
}
