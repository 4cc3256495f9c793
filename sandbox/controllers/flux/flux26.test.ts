import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Registry } from '../../registry/server.ts';
import { FluxApis } from './apis.ts';
import { watchesReconcileRequests } from './reconciler.ts';
import { condition, isReady, startTestRegistry, Testbed, type TestRepo } from './testbed.ts';

describe('Flux 2.6 line: deprecated API versions are served and reconciled', () => {
  let bed: Testbed;
  let repo: TestRepo;

  before(async () => {
    bed = await Testbed.create('2.6', { imageAutomation: false });
    repo = await bed.repo('gitops', {
      'apps/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  namespace: default\n',
      'charts/c/Chart.yaml': 'apiVersion: v2\nname: c\nversion: 1.2.3\n',
      'charts/c/templates/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: chart-{{ .Values.n }}\n',
    });
  });
  after(async () => bed.close());

  it('GitRepository v1beta2, Kustomization v1beta2 (no history field) and HelmRelease v2beta1 all become Ready', async () => {
    bed.apply(
      {
        apiVersion: 'source.toolkit.fluxcd.io/v1beta2',
        kind: 'GitRepository',
        metadata: { name: 'gitops', namespace: 'flux-system' },
        spec: { url: repo.url, interval: '10m', ref: { branch: 'main' } },
      },
      {
        apiVersion: 'kustomize.toolkit.fluxcd.io/v1beta2',
        kind: 'Kustomization',
        metadata: { name: 'apps', namespace: 'flux-system' },
        spec: { interval: '10m', path: './apps', prune: true, sourceRef: { kind: 'GitRepository', name: 'gitops' } },
      },
      {
        apiVersion: 'helm.toolkit.fluxcd.io/v2beta1',
        kind: 'HelmRelease',
        metadata: { name: 'c', namespace: 'default' },
        spec: {
          interval: '10m',
          chart: {
            spec: {
              chart: './charts/c',
              sourceRef: { kind: 'GitRepository', name: 'gitops', namespace: 'flux-system' },
              reconcileStrategy: 'Revision',
            },
          },
          values: { n: 'x' },
        },
      },
    );
    const ks = await bed.waitFor(
      { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', namespace: 'flux-system', name: 'apps' },
      isReady,
      'to be Ready',
    );
    assert.equal(ks.status.history, undefined, 'the 2.6 schema has no history');
    assert.equal(condition(ks, 'Ready')!.message, `Applied revision: main@sha1:${repo.initial}`);
    const hr = await bed.waitFor(
      { apiVersion: 'helm.toolkit.fluxcd.io/v2beta1', kind: 'HelmRelease', namespace: 'default', name: 'c' },
      isReady,
      'to be Ready',
    );
    const version = `1.2.3+${repo.initial.slice(0, 12)}`;
    assert.equal(
      condition(hr, 'Ready')!.message,
      `Helm install succeeded for release default/c.v1 with chart c@${version}`,
    );
    assert.equal(hr.status.history[0].chartVersion, version);
    assert.ok(bed.kube.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'default', name: 'chart-x' }));
  });
});

/**
 * image-reflector-controller per line (see imagepolicy.ts's header for the upstream files): on Flux 2.6
 * (v0.35.2) ImagePolicy `v1beta2` has no `status.lastHandledReconcileAt` and ignores a reconcile request; it moves
 * on when its ImageRepository scans. On Flux 2.9 (v1.2.4) ImagePolicy `v1` reports the handled request.
 */
for (const line of ['2.6', '2.9'] as const) {
  const apiVersion = `image.toolkit.fluxcd.io/${line === '2.6' ? 'v1beta2' : 'v1'}`;
  describe(`ImagePolicy and reconcile requests on Flux ${line} (${apiVersion})`, () => {
    let bed: Testbed;
    let registry: Registry;
    let push: (tag: string) => Promise<void>;
    let stopRegistry: () => Promise<void>;
    const policyRef = { apiVersion, kind: 'ImagePolicy', namespace: 'flux-system', name: 'models' };
    const repoRef = { apiVersion, kind: 'ImageRepository', namespace: 'flux-system', name: 'models' };
    const request = (ref: typeof policyRef, token: string) =>
      bed.kube.patch(ref, { metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': token } } }, 'merge');

    before(async () => {
      ({ registry, push, stop: stopRegistry } = await startTestRegistry());
      await push('v0.1.0');
      bed = await Testbed.create(line);
      bed.apply(
        {
          apiVersion,
          kind: 'ImageRepository',
          metadata: { name: 'models', namespace: 'flux-system' },
          spec: { image: `${registry.host}/foundry-local-olive-models`, interval: '10m' },
        },
        {
          apiVersion,
          kind: 'ImagePolicy',
          metadata: { name: 'models', namespace: 'flux-system' },
          spec: { imageRepositoryRef: { name: 'models' }, policy: { semver: { range: '>=0.1.0' } } },
        },
      );
      await bed.waitFor(policyRef, (o) => isReady(o) && o.status?.latestRef?.tag === 'v0.1.0', 'to resolve v0.1.0');
    });
    after(async () => {
      await bed?.close();
      await stopRegistry?.();
    });

    it(
      line === '2.6'
        ? 'ignores a reconcile request on the policy and never writes lastHandledReconcileAt'
        : 'handles a reconcile request on the policy and reports it',
      async () => {
        const token = `req-${Date.now()}`;
        const before = request(policyRef, token);
        if (line === '2.9') {
          const handled = await bed.waitFor(
            policyRef,
            (o) => o.status?.lastHandledReconcileAt === token,
            'to report the handled request',
          );
          assert.equal(condition(handled, 'Ready')!.status, 'True');
          return;
        }
        // Watch deliveries run in subscription order, so once a watch opened now sees the change, the controller's
        // own watch has seen it too; then its queue can be awaited.
        await new Promise<void>((resolve) => {
          const cancel = bed.kube.watch(policyRef, { fieldSelector: 'metadata.name=models' }, (e) => {
            if (e.object.metadata.annotations?.['reconcile.fluxcd.io/requestedAt'] === token) {
              queueMicrotask(() => cancel());
              resolve();
            }
          });
        });
        await bed.flux.controller('imagepolicy')!.idle();
        assert.equal(
          watchesReconcileRequests(new FluxApis(bed.kube, line), 'ImagePolicy'),
          false,
          'the ImagePolicy loop does not watch reconcile requests',
        );
        assert.equal(
          watchesReconcileRequests(new FluxApis(bed.kube, line), 'ImageRepository'),
          true,
          'the ImageRepository loop does',
        );
        const after = bed.kube.get(policyRef)!;
        assert.equal(
          after.status.lastHandledReconcileAt,
          undefined,
          'v1beta2 ImagePolicy status has no lastHandledReconcileAt',
        );
        assert.deepEqual(after.status, before.status);
        assert.equal(
          after.metadata.resourceVersion,
          before.metadata.resourceVersion,
          'no reconcile ran for an annotation-only change (GenerationChangedPredicate only)',
        );
      },
    );

    it('moves to a new tag when the ImageRepository scans it (the watch), without a request on the policy', async () => {
      await push('v0.2.0');
      const token = `scan-${Date.now()}`;
      request(repoRef, token);
      await bed.waitFor(repoRef, (o) => o.status?.lastHandledReconcileAt === token, 'to scan on request');
      const policy = await bed.waitFor(
        policyRef,
        (o) => o.status?.latestRef?.tag === 'v0.2.0',
        'to resolve v0.2.0 through the ImageRepository watch',
      );
      const ready = condition(policy, 'Ready')!;
      const image = `${registry.host}/foundry-local-olive-models`;
      if (line === '2.6') {
        assert.equal(ready.message, `Latest image tag for '${image}' updated from v0.1.0 to v0.2.0`);
        assert.equal(policy.status.latestImage, `${image}:v0.2.0`);
        assert.equal(policy.status.lastHandledReconcileAt, undefined);
      } else {
        assert.equal(ready.message, `Latest image tag for ${image} resolved to v0.2.0 (previously ${image}:v0.1.0)`);
      }
      assert.equal(ready.reason, 'Succeeded');
      assert.equal(policy.status.observedGeneration, policy.metadata.generation);
    });
  });
}
