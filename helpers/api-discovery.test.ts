import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  chooseResource,
  compareKubeVersions,
  fluxApiVersions,
  type DiscoveredGroup,
  type DiscoveredResource,
} from './api-discovery.ts';

const r = (group: string, version: string, kind: string, plural: string): DiscoveredResource => ({
  group,
  version,
  kind,
  plural,
  namespaced: true,
});

/** The versions one kind is served at, newest first, as discovery lists them. */
const served = (group: string, kind: string, plural: string, versions: string[]): DiscoveredResource[] =>
  versions.map((v) => r(group, v, kind, plural));

/** What Flux v2.6 serves: deprecated betas next to v1/v2, images only as betas. */
const FLUX26: DiscoveredResource[] = [
  ...served('source.toolkit.fluxcd.io', 'GitRepository', 'gitrepositories', ['v1', 'v1beta2', 'v1beta1']),
  ...served('kustomize.toolkit.fluxcd.io', 'Kustomization', 'kustomizations', ['v1', 'v1beta2']),
  ...served('helm.toolkit.fluxcd.io', 'HelmRelease', 'helmreleases', ['v2', 'v2beta2', 'v2beta1']),
  ...served('image.toolkit.fluxcd.io', 'ImageRepository', 'imagerepositories', ['v1beta2', 'v1beta1']),
  ...served('image.toolkit.fluxcd.io', 'ImagePolicy', 'imagepolicies', ['v1beta2', 'v1beta1']),
];

describe('compareKubeVersions', () => {
  it('orders GA before beta before alpha, then by major and minor', () => {
    const sorted = ['v1beta1', 'v1alpha1', 'v2beta2', 'v1', 'v2', 'v1beta2', 'foo', 'v2beta1'].sort(
      compareKubeVersions,
    );
    assert.deepEqual(sorted, ['v2', 'v1', 'v2beta2', 'v2beta1', 'v1beta2', 'v1beta1', 'v1alpha1', 'foo']);
  });
});

describe('chooseResource', () => {
  it('takes the preferred version when it serves the kind', () => {
    const groups: DiscoveredGroup[] = [
      { name: 'helm.toolkit.fluxcd.io', versions: ['v2', 'v2beta2', 'v2beta1'], preferred: 'v2beta2' },
    ];
    const hr = chooseResource(FLUX26, groups, 'HelmRelease', 'helm.toolkit.fluxcd.io');
    assert.equal(hr?.apiVersion, 'helm.toolkit.fluxcd.io/v2beta2');
    assert.deepEqual(hr?.served, ['v2', 'v2beta2', 'v2beta1']);
  });

  it('falls back to the most stable served version, and returns undefined for an unserved kind', () => {
    assert.equal(
      chooseResource(FLUX26, [], 'HelmRelease', 'helm.toolkit.fluxcd.io')?.apiVersion,
      'helm.toolkit.fluxcd.io/v2',
    );
    assert.equal(
      chooseResource(FLUX26, [], 'ImagePolicy', 'image.toolkit.fluxcd.io')?.apiVersion,
      'image.toolkit.fluxcd.io/v1beta2',
    );
    assert.equal(chooseResource(FLUX26, [], 'Bucket', 'source.toolkit.fluxcd.io'), undefined);
  });

  it('writes the core group as a bare version', () => {
    assert.equal(chooseResource([r('', 'v1', 'Pod', 'pods')], [], 'Pod', '')?.apiVersion, 'v1');
  });
});

describe('fluxApiVersions', () => {
  it('discovers each kind and lists what is missing', () => {
    const { found, missing } = fluxApiVersions(FLUX26, []);
    assert.equal(found.GitRepository?.apiVersion, 'source.toolkit.fluxcd.io/v1');
    assert.equal(found.ImageRepository?.plural, 'imagerepositories');
    assert.deepEqual(missing, ['HelmChart', 'ImageUpdateAutomation']);
  });
});
