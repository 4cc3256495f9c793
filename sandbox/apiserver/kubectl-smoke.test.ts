import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { execa } from 'execa';
import { findOnPath, pinnedTool } from '../../lib/tools.ts';
import { ApiServer } from './server.ts';

const GIT_REPOSITORY = `apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata:
  name: podinfo
  namespace: default
spec:
  interval: 1m
  url: https://github.com/stefanprodan/podinfo
  ref:
    branch: master
`;

/** Runs the same kubectl session against a fresh ApiServer with one kubectl binary. */
function kubectlSuite(title: string, binary: () => Promise<string | undefined>): void {
  describe(title, () => {
    const api = new ApiServer();
    let dir = '';
    let bin: string | undefined;
    const kubectl = async (...args: string[]) => {
      const r = await execa(
        bin!,
        ['--kubeconfig', path.join(dir, 'kubeconfig'), '--cache-dir', path.join(dir, 'cache'), ...args],
        {
          reject: false,
          timeout: 60_000,
          env: { HOME: dir },
        },
      );
      return { code: r.exitCode, out: String(r.stdout), err: String(r.stderr) };
    };
    const ok = async (...args: string[]) => {
      const r = await kubectl(...args);
      assert.equal(r.code, 0, `kubectl ${args.join(' ')} failed: ${r.err}`);
      return r.out;
    };

    before(async () => {
      bin = await binary();
      dir = await mkdtemp(path.join(tmpdir(), 'kubectl-smoke-'));
      await api.start();
      await writeFile(path.join(dir, 'kubeconfig'), api.kubeconfig(), { mode: 0o600 });
      await writeFile(path.join(dir, 'gitrepository.yaml'), GIT_REPOSITORY);
    });
    after(async () => {
      await api.stop();
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    it('reports the server version', async (t) => {
      if (!bin) return t.skip('kubectl not available');
      assert.match(await ok('version'), /Server Version: v1\.32\.9-sandbox/);
    });

    it('lists api-resources including the Flux kinds', async (t) => {
      if (!bin) return t.skip('kubectl not available');
      const out = await ok('api-resources');
      assert.match(out, /^gitrepositories\s+gitrepo\s+source\.toolkit\.fluxcd\.io\/v1\s+true\s+GitRepository$/m);
      assert.match(out, /^deployments\s+deploy\s+apps\/v1\s+true\s+Deployment$/m);
    });

    it('gets the installed CRDs', async (t) => {
      if (!bin) return t.skip('kubectl not available');
      assert.match(await ok('get', 'crd'), /^helmreleases\.helm\.toolkit\.fluxcd\.io\s+\d{4}-/m);
    });

    it('applies a GitRepository client-side, then server-side', async (t) => {
      if (!bin) return t.skip('kubectl not available');
      assert.match(
        await ok('apply', '-f', path.join(dir, 'gitrepository.yaml')),
        /gitrepository\.source\.toolkit\.fluxcd\.io\/podinfo created/,
      );
      assert.match(await ok('apply', '-f', path.join(dir, 'gitrepository.yaml')), /podinfo unchanged/);
      assert.match(
        await ok('apply', '--server-side', '-f', path.join(dir, 'gitrepository.yaml')),
        /podinfo serverside-applied/,
      );
      const stored = api.kube.get({
        apiVersion: 'source.toolkit.fluxcd.io/v1',
        kind: 'GitRepository',
        namespace: 'default',
        name: 'podinfo',
      });
      assert.equal(stored?.spec.ref.branch, 'master');
      assert.ok(stored?.metadata.annotations?.['kubectl.kubernetes.io/last-applied-configuration']);
    });

    it('prints the CRD printer columns with -o wide', async (t) => {
      if (!bin) return t.skip('kubectl not available');
      const out = await ok('get', 'gitrepositories', '-o', 'wide');
      const [header, row] = out.trim().split('\n');
      assert.match(header!, /^NAME\s+URL\s+AGE\s+READY\s+STATUS$/);
      assert.match(row!, /^podinfo\s+https:\/\/github\.com\/stefanprodan\/podinfo\s+\d+s/);
    });

    it('merge-patches and rejects a strategic patch of a custom resource like a real server', async (t) => {
      if (!bin) return t.skip('kubectl not available');
      assert.match(
        await ok('patch', 'gitrepository', 'podinfo', '--type', 'merge', '-p', '{"spec":{"interval":"5m"}}'),
        /patched/,
      );
      assert.equal(
        await ok('get', 'gitrepository', 'podinfo', '-o', 'jsonpath={.spec.interval} {.metadata.generation}'),
        '5m 2',
      );
      const smp = await kubectl('patch', 'gitrepository', 'podinfo', '-p', '{"spec":{"interval":"6m"}}');
      assert.notEqual(smp.code, 0);
      assert.match(
        smp.err,
        /application\/strategic-merge-patch\+json is not supported by source\.toolkit\.fluxcd\.io\/v1, Kind=GitRepository/,
      );
    });

    it('creates a namespace imperatively (a protobuf body from the typed client)', async (t) => {
      if (!bin) return t.skip('kubectl not available');
      assert.match(await ok('create', 'namespace', 'smoke'), /namespace\/smoke created/);
      assert.equal(api.kube.get({ apiVersion: 'v1', kind: 'Namespace', name: 'smoke' })?.status.phase, 'Active');
    });

    it('deletes with --wait', async (t) => {
      if (!bin) return t.skip('kubectl not available');
      assert.match(await ok('delete', '-f', path.join(dir, 'gitrepository.yaml'), '--wait'), /"podinfo" deleted/);
      const gone = await kubectl('get', 'gitrepository', 'podinfo');
      assert.notEqual(gone.code, 0);
      assert.match(gone.err, /gitrepositories\.source\.toolkit\.fluxcd\.io "podinfo" not found/);
    });
  });
}

kubectlSuite('kubectl (PATH dispatcher, picks 1.32)', () => findOnPath('kubectl'));
kubectlSuite('kubectl 1.35 (pinned)', () => pinnedTool('kubectl').catch(() => undefined));
