import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { isApiError } from '../kube/types.ts';
import { fluxCrdManifests } from './crds.ts';
import { ApiServer } from './server.ts';
import { fieldPath, SchemaValidator } from './validation.ts';

const servers: ApiServer[] = [];
after(async () => {
  for (const s of servers) await s.stop();
});

function schemaOf(version: '2.9' | '2.6', plural: string, served: string): Record<string, unknown> {
  const crd = fluxCrdManifests(version).find((c) => c.spec.names.plural === plural)!;
  return crd.spec.versions.find((v: { name: string }) => v.name === served).schema.openAPIV3Schema;
}

/** What validating a v2.9 `kind` (CRD `plural`, served as v1) with this spec reports. */
function causesOf(apiVersion: string, kind: string, plural: string, spec: Record<string, unknown>) {
  return new SchemaValidator().defaultAndValidate(
    { apiVersion, kind, metadata: { name: 'x' }, spec },
    schemaOf('2.9', plural, 'v1'),
  );
}

describe('validation with the real Flux CRDs', () => {
  it('defaults status.observedGeneration to -1 and spec fields from the schema', () => {
    const v = new SchemaValidator();
    const obj: Record<string, unknown> = {
      apiVersion: 'source.toolkit.fluxcd.io/v1',
      kind: 'GitRepository',
      metadata: { name: 'x' },
      spec: { url: 'https://h/r.git', interval: '1m' },
    };
    assert.deepEqual(v.defaultAndValidate(obj, schemaOf('2.9', 'gitrepositories', 'v1')), []);
    assert.deepEqual(obj.status, { observedGeneration: -1 });
    assert.equal((obj.spec as Record<string, unknown>).timeout, '60s');
  });

  it('reports missing required fields and pattern violations with field paths', () => {
    const causes = causesOf('kustomize.toolkit.fluxcd.io/v1', 'Kustomization', 'kustomizations', {
      interval: 'soon',
      prune: true,
    });
    const fields = causes.map((c) => c.field).sort();
    assert.ok(fields.includes('spec.sourceRef'), JSON.stringify(causes));
    const interval = causes.find((c) => c.field === 'spec.interval');
    assert.match(interval!.message, /^Invalid value: "soon": spec\.interval in body should match/);
    assert.equal(causes.find((c) => c.field === 'spec.sourceRef')!.reason, 'FieldValueRequired');
  });

  it('reports enum and type errors like the real server', () => {
    const causes = causesOf('source.toolkit.fluxcd.io/v1', 'OCIRepository', 'ocirepositories', {
      url: 'oci://r/x',
      interval: '1m',
      provider: 'nope',
      insecure: 'yes',
    });
    assert.match(
      causes.find((c) => c.field === 'spec.provider')!.message,
      /^Unsupported value: "nope": supported values: "generic", /,
    );
    assert.equal(
      causes.find((c) => c.field === 'spec.insecure')!.message,
      'Invalid value: "string": spec.insecure in body must be of type boolean: "string"',
    );
  });

  it('prunes unknown fields but keeps x-kubernetes-preserve-unknown-fields content', () => {
    const v = new SchemaValidator();
    const obj: Record<string, unknown> = {
      apiVersion: 'helm.toolkit.fluxcd.io/v2',
      kind: 'HelmRelease',
      metadata: { name: 'h', bogusMeta: 1 },
      spec: {
        interval: '5m',
        chart: { spec: { chart: 'c', sourceRef: { kind: 'HelmRepository', name: 'r' }, typo: true } },
        values: { any: { deep: [1, 2] } },
      },
      extra: 1,
    };
    const unknown = v.pruneUnknown(obj, schemaOf('2.9', 'helmreleases', 'v2'));
    assert.deepEqual(unknown.sort(), ['extra', 'metadata.bogusMeta', 'spec.chart.spec.typo']);
    const spec = obj.spec as Record<string, Record<string, unknown>>;
    assert.deepEqual(spec.values, { any: { deep: [1, 2] } });
    assert.equal((spec.chart!.spec as Record<string, unknown>).typo, undefined);
    assert.equal(obj.extra, undefined);
  });

  it('turns ajv instance paths into Kubernetes field paths', () => {
    assert.equal(fieldPath('/spec/containers/0/name'), 'spec.containers[0].name');
    assert.equal(fieldPath('/metadata/annotations/a~1b'), 'metadata.annotations.a/b');
  });

  it('serves every version of the v2.6 CRDs and answers deprecated versions with the CRD deprecation warning', () => {
    const api = new ApiServer({ flux: '2.6' });
    servers.push(api);
    const warnings: string[] = [];
    const r = api.registry.resolve('source.toolkit.fluxcd.io/v1beta2', 'GitRepository');
    assert.ok(r, 'v1beta2 is served');
    assert.equal(r.version.deprecated, true);
    assert.equal(r.version.deprecationWarning, 'v1beta2 GitRepository is deprecated, upgrade to v1');
    const created = api.store.create(
      r,
      'default',
      { metadata: { name: 'g' }, spec: { url: 'https://h/r.git', interval: '1m' } },
      { warnings },
    );
    assert.equal(created.apiVersion, 'source.toolkit.fluxcd.io/v1beta2');
    const asV1 = api.kube.get({
      apiVersion: 'source.toolkit.fluxcd.io/v1',
      kind: 'GitRepository',
      namespace: 'default',
      name: 'g',
    });
    assert.equal(asV1?.apiVersion, 'source.toolkit.fluxcd.io/v1', 'conversion None rewrites apiVersion');
    assert.equal(asV1?.metadata.uid, created.metadata.uid);
    assert.ok(api.registry.resolve('image.toolkit.fluxcd.io/v1beta2', 'ImagePolicy'));
    assert.equal(api.registry.resolve('image.toolkit.fluxcd.io/v1', 'ImagePolicy'), undefined);
  });

  it('rejects an invalid custom resource with 422 and the CRD kind in the message', () => {
    const api = new ApiServer();
    servers.push(api);
    try {
      api.kube.create({
        apiVersion: 'source.toolkit.fluxcd.io/v1',
        kind: 'GitRepository',
        metadata: { name: 'bad', namespace: 'default' },
        spec: { url: 'ftp://x' },
      });
      assert.fail('expected 422');
    } catch (err) {
      assert.ok(isApiError(err, 422));
      assert.match(err.message, /^GitRepository\.source\.toolkit\.fluxcd\.io "bad" is invalid: \[/);
      assert.ok(
        err.status.details?.causes?.some((c) => c.field === 'spec.interval' && c.reason === 'FieldValueRequired'),
      );
    }
  });
});
