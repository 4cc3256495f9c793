import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Registry } from '../../registry/server.ts';
import { git } from './git.ts';
import { adler32 } from './tag-database.ts';
import { condition, isReady, startTestRegistry as startRegistry, Testbed, type TestRepo } from './testbed.ts';

const IMAGE = (v: string) => ({ apiVersion: `image.toolkit.fluxcd.io/${v}`, namespace: 'flux-system' });
const ALIAS = 'myacr.azurecr.io';

for (const line of ['2.9', '2.6'] as const) {
  const version = line === '2.9' ? 'v1' : 'v1beta2';
  describe(`ImageRepository + ImagePolicy (image-reflector-controller, Flux ${line}, ${version})`, () => {
    let bed: Testbed;
    let registry: Registry;
    let push: (tag: string) => Promise<void>;
    let stopRegistry: () => Promise<void>;

    before(async () => {
      ({ registry, push, stop: stopRegistry } = await startRegistry());
      await push('v0.1.0');
      await push('v0.2.0');
      await push('latest');
      bed = await Testbed.create(line);
    });
    after(async () => {
      await bed?.close();
      await stopRegistry?.();
    });

    it('scans tags and picks v0.2.0 over v0.1.0 with a semver policy', async () => {
      bed.apply({
        ...IMAGE(version),
        kind: 'ImageRepository',
        metadata: { name: 'models', namespace: 'flux-system' },
        spec: { image: `${registry.host}/foundry-local-olive-models`, interval: '5m' },
      });
      bed.apply({
        ...IMAGE(version),
        kind: 'ImagePolicy',
        metadata: { name: 'models', namespace: 'flux-system' },
        spec: { imageRepositoryRef: { name: 'models' }, policy: { semver: { range: '>=0.1.0' } } },
      });
      const repo = await bed.waitFor(
        { ...IMAGE(version), kind: 'ImageRepository', name: 'models' },
        isReady,
        'to scan',
      );
      const expected = ['v0.2.0', 'v0.1.0', 'latest'].sort().reverse();
      assert.deepEqual(repo.status.lastScanResult.latestTags, expected);
      assert.equal(repo.status.lastScanResult.tagCount, 3);
      assert.equal(repo.status.canonicalImageName, `${registry.host}/foundry-local-olive-models`);
      const checksum = String(adler32(Buffer.from(JSON.stringify(expected))));
      if (line === '2.9') {
        assert.equal(repo.status.lastScanResult.revision, checksum);
        assert.equal(condition(repo, 'Ready')!.message, `successful scan: found 3 tags with checksum ${checksum}`);
      } else {
        assert.equal(repo.status.lastScanResult.revision, undefined);
        assert.equal(condition(repo, 'Ready')!.message, 'successful scan: found 3 tags');
      }
      const policy = await bed.waitFor(
        { ...IMAGE(version), kind: 'ImagePolicy', name: 'models' },
        isReady,
        'to resolve',
      );
      const image = `${registry.host}/foundry-local-olive-models`;
      assert.deepEqual(policy.status.latestRef, { name: image, tag: 'v0.2.0' });
      if (line === '2.9') {
        assert.equal(policy.status.latestImage, undefined);
        assert.equal(condition(policy, 'Ready')!.message, `Latest image tag for ${image} resolved to v0.2.0`);
      } else {
        assert.equal(policy.status.latestImage, `${image}:v0.2.0`);
        assert.equal(condition(policy, 'Ready')!.message, `Latest image tag for '${image}' resolved to v0.2.0`);
      }
    });

    it('sees a new tag only after scan-delay, then moves the policy on', async () => {
      bed.faults.set({ name: 'scan-delay', raw: '2s', value: 2000 });
      try {
        await push('v0.3.0');
        const token = `t-${Date.now()}`;
        bed.kube.patch(
          { ...IMAGE(version), kind: 'ImageRepository', name: 'models' },
          { metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': token } } },
          'merge',
        );
        const handled = await bed.waitFor(
          { ...IMAGE(version), kind: 'ImageRepository', name: 'models' },
          (o) => o.status?.lastHandledReconcileAt === token,
          'to handle the request',
        );
        assert.equal(handled.status.lastScanResult.tagCount, 3, 'v0.3.0 not visible yet');
        const started = Date.now();
        const repo = await bed.waitFor(
          { ...IMAGE(version), kind: 'ImageRepository', name: 'models' },
          (o) => o.status?.lastScanResult?.tagCount === 4,
          'to see v0.3.0 after the delay',
        );
        assert.ok(Date.now() - started > 500, 'the tag appeared later, not at once');
        assert.equal(repo.status.lastScanResult.latestTags[0], 'v0.3.0');
        const policy = await bed.waitFor(
          { ...IMAGE(version), kind: 'ImagePolicy', name: 'models' },
          (o) => o.status?.latestRef?.tag === 'v0.3.0',
          'to resolve v0.3.0',
        );
        assert.deepEqual(policy.status.observedPreviousRef, {
          name: `${registry.host}/foundry-local-olive-models`,
          tag: 'v0.2.0',
        });
      } finally {
        bed.faults.clear('scan-delay');
      }
    });

    it('reports scan-error as Ready=False ReadOperationFailed', async () => {
      bed.faults.set({ name: 'scan-error', raw: '', value: true });
      try {
        bed.kube.patch(
          { ...IMAGE(version), kind: 'ImageRepository', name: 'models' },
          { metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': `e-${Date.now()}` } } },
          'merge',
        );
        const failed = await bed.waitFor(
          { ...IMAGE(version), kind: 'ImageRepository', name: 'models' },
          (o) => condition(o, 'Ready')?.status === 'False',
          'to fail the scan',
        );
        assert.equal(condition(failed, 'Ready')!.reason, 'ReadOperationFailed');
        assert.match(
          condition(failed, 'Ready')!.message,
          /^scan failed: GET https:\/\/.*\/v2\/foundry-local-olive-models\/tags\/list: UNAUTHORIZED: authentication required/,
        );
      } finally {
        bed.faults.clear('scan-error');
      }
    });
  });
}

describe('ImageRepository through a registry alias, and ImageUpdateAutomation', () => {
  let bed: Testbed;
  let stopRegistry: () => Promise<void>;
  let repo: TestRepo;

  before(async () => {
    const started = await startRegistry();
    stopRegistry = started.stop;
    await started.push('v0.1.0');
    await started.push('v0.2.0');
    // the ACR host name resolves to the local registry, as the sandbox wires its aliases
    bed = await Testbed.create('2.9', { registryAliases: { [ALIAS]: started.registry.host } });
    repo = await bed.repo('gitops', {
      'apps/hr.yaml': `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: foundry-gpu-oras
  namespace: foundry-system
spec:
  values:
    foundry:
      byo:
        registry: ${ALIAS}
        repository: foundry-local-olive-models
        tag: v0.1.0 # {"$imagepolicy": "flux-system:models:tag"}
`,
    });
  });
  after(async () => {
    await bed?.close();
    await stopRegistry?.();
  });

  it('scans the alias host and commits the new tag back to git', async () => {
    bed.gitSecret();
    bed.apply(
      {
        ...IMAGE('v1'),
        kind: 'ImageRepository',
        metadata: { name: 'models', namespace: 'flux-system' },
        spec: { image: `${ALIAS}/foundry-local-olive-models`, interval: '5m' },
      },
      {
        ...IMAGE('v1'),
        kind: 'ImagePolicy',
        metadata: { name: 'models', namespace: 'flux-system' },
        spec: { imageRepositoryRef: { name: 'models' }, policy: { semver: { range: '>=0.1.0' } } },
      },
      {
        apiVersion: 'source.toolkit.fluxcd.io/v1',
        kind: 'GitRepository',
        metadata: { name: 'gitops', namespace: 'flux-system' },
        spec: { url: repo.url, interval: '10m', ref: { branch: 'main' }, secretRef: { name: 'git-auth' } },
      },
      {
        ...IMAGE('v1'),
        kind: 'ImageUpdateAutomation',
        metadata: { name: 'gitops', namespace: 'flux-system' },
        spec: {
          interval: '10m',
          sourceRef: { kind: 'GitRepository', name: 'gitops' },
          git: {
            checkout: { ref: { branch: 'main' } },
            commit: {
              author: { name: 'fluxcdbot', email: 'flux@example.com' },
              messageTemplate:
                'chore: update images\n\n{{ range .Changed.Changes }}{{ .OldValue }} -> {{ .NewValue }}\n{{ end }}',
            },
            push: { branch: 'main' },
          },
          update: { path: './apps', strategy: 'Setters' },
        },
      },
    );
    const policy = await bed.waitFor(
      { ...IMAGE('v1'), kind: 'ImagePolicy', name: 'models' },
      (o) => isReady(o) && o.status.latestRef?.tag === 'v0.2.0',
      'to resolve v0.2.0',
    );
    assert.equal(policy.status.latestRef.name, `${ALIAS}/foundry-local-olive-models`);
    const auto = await bed.waitFor(
      { ...IMAGE('v1'), kind: 'ImageUpdateAutomation', name: 'gitops' },
      (o) => Boolean(o.status?.lastPushCommit),
      'to push a commit',
    );
    const remoteHead = (await git(['--git-dir', repo.bare, 'rev-parse', 'refs/heads/main'])).trim();
    assert.equal(auto.status.lastPushCommit, remoteHead);
    assert.ok(auto.status.lastPushTime && auto.status.lastAutomationRunTime);
    assert.match(condition(auto, 'Ready')!.message, /^pushed commit '[0-9a-f]{7}' to branch 'main'$/);
    const show = await git(['--git-dir', repo.bare, 'show', `${remoteHead}:apps/hr.yaml`]);
    assert.match(show, /tag: v0\.2\.0 # \{"\$imagepolicy": "flux-system:models:tag"\}/);
    const message = await git(['--git-dir', repo.bare, 'log', '-1', '--format=%an <%ae>%n%B', remoteHead]);
    assert.equal(message.trim(), 'fluxcdbot <flux@example.com>\nchore: update images\n\nv0.1.0 -> v0.2.0');
  });
});
