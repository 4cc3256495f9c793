import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { installManifests } from './install.ts';
import { Testbed } from './testbed.ts';

describe('install manifests', () => {
  it('has the Flux controllers with upstream labels, and Arc adds fluxconfig (2 containers) and the azure-arc agents', () => {
    const flux = installManifests({ line: '2.9', profile: 'flux', imageAutomation: true }).filter(
      (o) => o.kind === 'Deployment',
    );
    assert.deepEqual(
      flux.map((d) => d.metadata.name),
      [
        'source-controller',
        'kustomize-controller',
        'helm-controller',
        'notification-controller',
        'image-reflector-controller',
        'image-automation-controller',
      ],
    );
    for (const d of flux) {
      assert.equal(d.metadata.labels!['app.kubernetes.io/part-of'], 'flux');
      assert.equal(d.metadata.labels!['control-plane'], 'controller');
      assert.equal(d.spec.template.metadata.labels.app, d.metadata.name);
      assert.equal(d.spec.template.spec.containers[0].name, 'manager');
      assert.match(d.spec.template.spec.containers[0].image, new RegExp(`^ghcr.io/fluxcd/${d.metadata.name}:v\\d`));
    }
    const noImages = installManifests({ line: '2.6', profile: 'flux', imageAutomation: false }).filter(
      (o) => o.kind === 'Deployment',
    );
    assert.equal(noImages.length, 4);
    assert.match(noImages[0]!.spec.template.spec.containers[0].image, /source-controller:v1\.6\.2$/);
    const arc = installManifests({ line: '2.6', profile: 'arc', imageAutomation: true }).filter(
      (o) => o.kind === 'Deployment',
    );
    const fluxSystem = arc.filter((d) => d.metadata.namespace === 'flux-system');
    assert.equal(fluxSystem.length, 8);
    for (const name of ['fluxconfig-agent', 'fluxconfig-controller']) {
      assert.equal(fluxSystem.find((d) => d.metadata.name === name)!.spec.template.spec.containers.length, 2);
    }
    assert.deepEqual(
      arc.filter((d) => d.metadata.namespace === 'azure-arc').map((d) => d.metadata.name),
      [
        'clusteridentityoperator',
        'config-agent',
        'controller-manager',
        'metrics-agent',
        'cluster-metadata-operator',
        'resource-sync-agent',
        'flux-logs-agent',
        'extension-manager',
        'kube-aad-proxy',
      ],
    );
    assert.match(fluxSystem[0]!.spec.template.spec.containers[0].image, /^mcr\.microsoft\.com\//);
  });
});

describe('FluxControllers', () => {
  let bed: Testbed;
  const restarted: string[] = [];
  after(async () => bed?.close());

  it('installs into the cluster and honours pause= and controller-restart= faults', async () => {
    bed = await Testbed.create('2.9', { onControllerRestart: (name) => restarted.push(name) });
    await bed.flux.install(); // idempotent
    const deployments = bed.kube.list({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'flux-system' });
    assert.equal(deployments.length, 6);
    const repo = await bed.repo('r', { 'a.yaml': 'x: 1\n' });
    const GR = {
      apiVersion: 'source.toolkit.fluxcd.io/v1',
      kind: 'GitRepository',
      namespace: 'flux-system',
      name: 'r',
    };
    bed.faults.set({ name: 'pause', raw: 'source-controller', value: 'source-controller' });
    assert.equal(bed.flux.controller('gitrepository')!.paused, true);
    assert.equal(bed.flux.controller('helmchart')!.paused, true);
    assert.equal(bed.flux.controller('kustomization')!.paused, false);
    bed.apply({
      apiVersion: GR.apiVersion,
      kind: GR.kind,
      metadata: { name: 'r', namespace: 'flux-system' },
      spec: { url: repo.url, interval: '10m', ref: { branch: 'main' } },
    });
    await bed.waitFor(GR, () => true, 'to exist');
    await bed.flux.controller('gitrepository')!.idle();
    assert.equal(bed.kube.get(GR)!.status?.artifact, undefined, 'paused: nothing reconciled');
    bed.faults.clear('pause');
    await bed.waitFor(GR, (o) => Boolean(o.status?.artifact), 'to get an artifact once resumed');

    bed.faults.set({ name: 'controller-restart', raw: 'source-controller', value: 'source-controller' });
    assert.deepEqual(restarted, ['source-controller']);
    bed.faults.set({ name: 'scan-error', raw: '', value: true }); // an unrelated change must not restart again
    assert.deepEqual(restarted, ['source-controller']);
    // No pod exists in this test, so the controller resumes at once and reconciles everything again.
    const token = `t-${Date.now()}`;
    bed.kube.patch(GR, { metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': token } } }, 'merge');
    await bed.waitFor(GR, (o) => o.status?.lastHandledReconcileAt === token, 'to reconcile after the restart');
  });
});
