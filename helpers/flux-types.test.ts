import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  FLUX_KINDS,
  FLUX_SERVED_VERSIONS,
  fluxConditions,
  fluxInterval,
  fluxRetryInterval,
  fluxServedVersion,
  hasApiVersion,
  imagePolicyLatestRef,
  imagePolicyLatestTag,
  isFluxKind,
  isFluxObject,
  lastHandledReconcileAt,
  parseImageRef,
  schemaHas,
  supportsLastHandledReconcileAt,
  type FluxObject,
  type ImagePolicy,
  type ImagePolicyV1,
  type ImagePolicyV1beta1,
  type ImagePolicyV1beta2,
  type KustomizationV1,
  type Pod,
} from './flux-types.ts';

const meta = {
  name: 'foundry-local-olive-models',
  namespace: 'flux-system',
  generation: 1,
  creationTimestamp: '2026-12-07T18:00:00Z',
};
const ready = {
  type: 'Ready',
  status: 'True' as const,
  reason: 'Succeeded',
  message: 'ok',
  lastTransitionTime: '2026-12-07T18:00:01Z',
  observedGeneration: 1,
};

// Shapes as image-reflector-controller writes them: v1.x (Flux 2.7+) only latestRef; v0.35 (Flux 2.6) v1beta2 both;
// v1beta2 before v0.35 and v1beta1 only the latestImage string.
/** What the v1 and v1beta2 objects below share: the same policy, on either version. */
const semverPolicy = {
  kind: 'ImagePolicy',
  metadata: meta,
  spec: { imageRepositoryRef: { name: 'models' }, policy: { semver: { range: '>=0.1.0' } } },
} as const;
const v1: ImagePolicyV1 = {
  apiVersion: 'image.toolkit.fluxcd.io/v1',
  ...semverPolicy,
  status: {
    conditions: [ready],
    lastHandledReconcileAt: '2026-12-07T18:00:00.1Z',
    latestRef: { name: 'registry.local:5000/models/olive', tag: 'v0.2.0', digest: 'sha256:abc' },
    observedGeneration: 1,
  },
};
const v1beta2: ImagePolicyV1beta2 = {
  apiVersion: 'image.toolkit.fluxcd.io/v1beta2',
  ...semverPolicy,
  status: { conditions: [ready], latestImage: 'registry.local:5000/models/olive:v0.2.0', observedGeneration: 1 },
};
const v1beta1: ImagePolicyV1beta1 = {
  apiVersion: 'image.toolkit.fluxcd.io/v1beta1',
  kind: 'ImagePolicy',
  metadata: meta,
  spec: { imageRepositoryRef: { name: 'models' }, policy: { alphabetical: { order: 'asc' } } },
  status: { latestImage: 'registry.local:5000/models/olive:v0.1.0@sha256:def' },
};
const kustomization: KustomizationV1 = {
  apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
  kind: 'Kustomization',
  metadata: { name: 'apps', namespace: 'flux-system' },
  spec: { interval: '3s', retryInterval: '3s', prune: true, sourceRef: { kind: 'GitRepository', name: 'flux-system' } },
  status: { conditions: [ready], lastHandledReconcileAt: 'now' },
};

describe('ImagePolicy accessors on every line', () => {
  it('reads status.latestRef on v1', () => {
    assert.equal(imagePolicyLatestTag(v1), 'v0.2.0');
    assert.deepEqual(imagePolicyLatestRef(v1), {
      name: 'registry.local:5000/models/olive',
      tag: 'v0.2.0',
      digest: 'sha256:abc',
    });
  });
  it('parses status.latestImage on v1beta2 without mistaking the registry port for a tag', () => {
    assert.deepEqual(imagePolicyLatestRef(v1beta2), { name: 'registry.local:5000/models/olive', tag: 'v0.2.0' });
  });
  it('prefers latestRef when v1beta2 (image-reflector-controller v0.35) writes both', () => {
    const both: ImagePolicyV1beta2 = {
      ...v1beta2,
      status: { latestImage: 'r/olive:v0.1.0', latestRef: { name: 'r/olive', tag: 'v0.3.0' } },
    };
    assert.equal(imagePolicyLatestTag(both), 'v0.3.0');
  });
  it('keeps the digest of a latestImage on v1beta1', () => {
    assert.deepEqual(imagePolicyLatestRef(v1beta1), {
      name: 'registry.local:5000/models/olive',
      tag: 'v0.1.0',
      digest: 'sha256:def',
    });
  });
  it('is undefined before the policy resolved anything', () => {
    const fresh: ImagePolicy = { ...v1, status: undefined };
    assert.equal(imagePolicyLatestTag(fresh), undefined);
    assert.equal(imagePolicyLatestTag({ ...v1beta2, status: { observedGeneration: -1 } }), undefined);
  });
  it('parseImageRef rejects a reference without a tag', () => {
    assert.equal(parseImageRef('registry.local:5000/models/olive'), undefined);
    assert.equal(parseImageRef('olive@sha256:abc'), undefined);
    assert.deepEqual(parseImageRef('olive:1'), { name: 'olive', tag: '1' });
  });
});

describe('capability table, decided from the CRD schemas', () => {
  it('ImagePolicy v1 acknowledges reconcile requests, v1beta1/v1beta2 (Flux 2.6) do not', () => {
    assert.equal(supportsLastHandledReconcileAt('ImagePolicy', 'image.toolkit.fluxcd.io/v1'), true);
    assert.equal(supportsLastHandledReconcileAt('ImagePolicy', 'image.toolkit.fluxcd.io/v1beta2'), false);
    assert.equal(supportsLastHandledReconcileAt('ImagePolicy', 'image.toolkit.fluxcd.io/v1beta1'), false);
    assert.equal(supportsLastHandledReconcileAt('ImageRepository', 'image.toolkit.fluxcd.io/v1beta2'), true);
    assert.equal(supportsLastHandledReconcileAt('HelmRelease', 'helm.toolkit.fluxcd.io/v2'), true);
  });
  it('only Kustomization has spec.retryInterval; ImagePolicy v1beta1 has no spec.interval', () => {
    const withRetry = FLUX_KINDS.filter((k) => Object.values(FLUX_SERVED_VERSIONS[k]).some((row) => row.retryInterval));
    assert.deepEqual(withRetry, ['Kustomization']);
    assert.equal(schemaHas('ImagePolicy', 'image.toolkit.fluxcd.io/v1beta1', 'interval'), false);
    assert.equal(schemaHas('ImagePolicy', 'image.toolkit.fluxcd.io/v1', 'interval'), true);
    assert.equal(schemaHas('GitRepository', 'source.toolkit.fluxcd.io/v1', 'observedGeneration'), true);
  });
  it('records which lines serve and store each version', () => {
    assert.deepEqual(fluxServedVersion('GitRepository', 'source.toolkit.fluxcd.io/v1')?.lines, ['v2.9', 'v2.6']);
    assert.deepEqual(fluxServedVersion('ImagePolicy', 'image.toolkit.fluxcd.io/v1beta2')?.storageIn, ['v2.6']);
    assert.equal(fluxServedVersion('HelmRelease', 'helm.toolkit.fluxcd.io/v2beta1')?.deprecated, true);
    assert.equal(fluxServedVersion('ImagePolicy', 'image.toolkit.fluxcd.io/v1beta1')?.deprecated, false);
  });
  it('names an unvendored version in one actionable line instead of guessing', () => {
    assert.throws(() => supportsLastHandledReconcileAt('ImagePolicy', 'image.toolkit.fluxcd.io/v2'), {
      message:
        'ImagePolicy image.toolkit.fluxcd.io/v2 is not in the vendored Flux CRDs (sandbox/flux-crds): vendor that Flux line and run npm run generate:flux-types',
    });
    assert.throws(
      () => schemaHas('Bucket', 'source.toolkit.fluxcd.io/v1', 'interval'),
      /Bucket source.toolkit.fluxcd.io\/v1 is not in/,
    );
  });
  it('covers the nine vendored kinds', () => {
    const sources = ['GitRepository', 'HelmChart', 'HelmRepository', 'OCIRepository'];
    const consumers = ['HelmRelease', 'ImagePolicy', 'ImageRepository', 'ImageUpdateAutomation', 'Kustomization'];
    assert.deepEqual([...FLUX_KINDS].sort(), [...sources, ...consumers].sort());
    assert.equal(isFluxKind('Kustomization'), true);
    assert.equal(isFluxKind('Deployment'), false);
  });
});

describe('accessors and guards over the FluxObject union', () => {
  it('lastHandledReconcileAt reads the field where the version has it', () => {
    assert.equal(lastHandledReconcileAt(v1), '2026-12-07T18:00:00.1Z');
    assert.equal(lastHandledReconcileAt(v1beta2), undefined);
    assert.equal(lastHandledReconcileAt(kustomization), 'now');
  });
  it('intervals and conditions', () => {
    assert.equal(fluxInterval(kustomization), '3s');
    assert.equal(fluxRetryInterval(kustomization), '3s');
    assert.equal(fluxRetryInterval(v1), undefined);
    assert.equal(fluxInterval(v1beta1), undefined);
    assert.deepEqual(
      fluxConditions(v1).map((c) => c.type),
      ['Ready'],
    );
    assert.deepEqual(fluxConditions(v1beta1), []);
  });
  it('isFluxObject accepts vendored (kind, apiVersion) pairs only', () => {
    assert.equal(isFluxObject(v1), true);
    assert.equal(isFluxObject({ ...v1, apiVersion: 'image.toolkit.fluxcd.io/v1alpha1' }), false);
    assert.equal(isFluxObject({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: {} }), false);
    assert.equal(isFluxObject(null), false);
  });
  it('hasApiVersion narrows a union to one version', () => {
    const objects: FluxObject[] = [v1, v1beta2, kustomization];
    const tags = objects.flatMap((o) =>
      o.kind === 'ImagePolicy' && hasApiVersion(o, 'image.toolkit.fluxcd.io/v1') ? [o.status?.latestRef?.tag] : [],
    );
    assert.deepEqual(tags, ['v0.2.0']);
  });
});

describe('types (checked by npm run typecheck)', () => {
  it('rejects fields a version does not have and timestamps as Date', () => {
    // @ts-expect-error ImagePolicy v1beta2 has no status.lastHandledReconcileAt (the Flux 2.6 wait bug of issue 7)
    const unset = v1beta2.status?.lastHandledReconcileAt;
    assert.equal(unset, undefined);
    // @ts-expect-error core objects arrive as JSON: timestamps are strings, not client-node's Date
    const wrong: Pod = { metadata: { creationTimestamp: new Date(0) } };
    const pod: Pod = {
      metadata: { name: 'p', creationTimestamp: '2026-12-07T18:00:00Z' },
      status: { startTime: '2026-12-07T18:00:01Z' },
    };
    assert.equal(typeof pod.status?.startTime, 'string');
    assert.ok(wrong);
  });
});
