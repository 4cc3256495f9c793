import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { condition, isReady, Testbed, type TestRepo } from './testbed.ts';

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
      { apiVersion: 'source.toolkit.fluxcd.io/v1beta2', kind: 'GitRepository', metadata: { name: 'gitops', namespace: 'flux-system' }, spec: { url: repo.url, interval: '10m', ref: { branch: 'main' } } },
      { apiVersion: 'kustomize.toolkit.fluxcd.io/v1beta2', kind: 'Kustomization', metadata: { name: 'apps', namespace: 'flux-system' }, spec: { interval: '10m', path: './apps', prune: true, sourceRef: { kind: 'GitRepository', name: 'gitops' } } },
      {
        apiVersion: 'helm.toolkit.fluxcd.io/v2beta1',
        kind: 'HelmRelease',
        metadata: { name: 'c', namespace: 'default' },
        spec: { interval: '10m', chart: { spec: { chart: './charts/c', sourceRef: { kind: 'GitRepository', name: 'gitops', namespace: 'flux-system' }, reconcileStrategy: 'Revision' } }, values: { n: 'x' } },
      },
    );
    const ks = await bed.waitFor({ apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', namespace: 'flux-system', name: 'apps' }, isReady, 'to be Ready');
    assert.equal(ks.status.history, undefined, 'the 2.6 schema has no history');
    assert.equal(condition(ks, 'Ready')!.message, `Applied revision: main@sha1:${repo.initial}`);
    const hr = await bed.waitFor({ apiVersion: 'helm.toolkit.fluxcd.io/v2beta1', kind: 'HelmRelease', namespace: 'default', name: 'c' }, isReady, 'to be Ready');
    const version = `1.2.3+${repo.initial.slice(0, 12)}`;
    assert.equal(condition(hr, 'Ready')!.message, `Helm install succeeded for release default/c.v1 with chart c@${version}`);
    assert.equal(hr.status.history[0].chartVersion, version);
    assert.ok(bed.kube.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'default', name: 'chart-x' }));
  });
});
