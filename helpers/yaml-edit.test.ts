import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { getYamlValue, setYamlValue } from './yaml-edit.ts';

const MARKER = '# {"$imagepolicy": "flux-system:foundry-local-olive-models:tag"}';
const HELMRELEASE = `# Foundry Local on the GPU node, models from OCI (ORAS)
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: foundry-gpu-oras
  namespace: foundry-system
spec:
  interval: 1m
  chart:
    spec:
      chart: ./charts/foundry
      sourceRef: {kind: GitRepository, name: foundry-gitops, namespace: flux-system}
  values:
    foundry:
      byo:
        registry: foundryoci.azurecr.io   # ACR
        repository: "foundry-local-olive-models"
        tag: v0.1.0 ${MARKER}
      # trailing comment kept
`;

function changedLines(before: string, after: string): string[] {
  const a = before.split('\n');
  const b = after.split('\n');
  assert.equal(a.length, b.length, 'line count changed');
  return b.filter((line, i) => line !== a[i]);
}

describe('setYamlValue', () => {
  it('changes only the tag value and keeps the setter marker on its line', () => {
    const { text, previous, line } = setYamlValue(HELMRELEASE, 'spec.values.foundry.byo.tag', 'v0.2.0', {
      expectCurrent: 'v0.1.0',
    });
    assert.equal(previous, 'v0.1.0');
    assert.equal(line, 18);
    assert.deepEqual(changedLines(HELMRELEASE, text), [`        tag: v0.2.0 ${MARKER}`]);
    assert.equal(text, HELMRELEASE.replace('tag: v0.1.0', 'tag: v0.2.0'));
    assert.equal(getYamlValue(text, 'spec.values.foundry.byo.tag'), 'v0.2.0');
  });

  it('keeps double and single quoting styles', () => {
    const dq = setYamlValue(HELMRELEASE, ['spec', 'values', 'foundry', 'byo', 'repository'], 'other-repo');
    assert.deepEqual(changedLines(HELMRELEASE, dq.text), ['        repository: "other-repo"']);
    const single = "a:\n  b: 'it''s' # note\n";
    const sq = setYamlValue(single, 'a.b', "o'k");
    assert.equal(sq.text, "a:\n  b: 'o''k' # note\n");
    assert.equal(sq.previous, "it's");
    assert.equal(getYamlValue(sq.text, 'a.b'), "o'k");
  });

  it('quotes a plain value that would otherwise change meaning', () => {
    const numberish = setYamlValue('tag: v1 # keep\n', 'tag', '1.0');
    assert.equal(numberish.text, 'tag: "1.0" # keep\n');
    assert.equal(getYamlValue(numberish.text, 'tag'), '1.0');
    const comment = setYamlValue('tag: v1\n', 'tag', 'a #b');
    assert.equal(getYamlValue(comment.text, 'tag'), 'a #b');
  });

  it('edits inside flow collections and keeps CRLF line endings', () => {
    const flow = setYamlValue('x: {a: 1, tag: v1}\r\ny: 2\r\n', 'x.tag', 'v2');
    assert.equal(flow.text, 'x: {a: 1, tag: v2}\r\ny: 2\r\n');
    const seq = setYamlValue('list:\n  - one\n  - two # c\n', 'list[1]', 'three');
    assert.equal(seq.text, 'list:\n  - one\n  - three # c\n');
  });

  it('finds the document that has the path in a multi-document file', () => {
    const multi = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\ndata:\n  k: v\n---\n${HELMRELEASE}`;
    const { text } = setYamlValue(multi, 'spec.values.foundry.byo.tag', 'v0.2.0');
    assert.equal(text, multi.replace('tag: v0.1.0', 'tag: v0.2.0'));
  });

  it('requires a selector when several documents have the path, and honours it', () => {
    const two = `${HELMRELEASE}---\n${HELMRELEASE.replace('name: foundry-gpu-oras', 'name: second')}`;
    assert.throws(
      () => setYamlValue(two, 'spec.values.foundry.byo.tag', 'v0.2.0'),
      /^Error: spec\.values\.foundry\.byo\.tag exists in 2 documents \(HelmRelease\/foundry-gpu-oras, HelmRelease\/second\); pass a selector \{kind, name\}$/,
    );
    const { text } = setYamlValue(two, 'spec.values.foundry.byo.tag', 'v0.2.0', {
      selector: { kind: 'HelmRelease', name: 'second' },
    });
    const [first, second] = text.split('---\n');
    assert.equal(getYamlValue(first!, 'spec.values.foundry.byo.tag'), 'v0.1.0');
    assert.equal(getYamlValue(second!, 'spec.values.foundry.byo.tag'), 'v0.2.0');
    assert.throws(
      () => setYamlValue(two, 'spec.values.foundry.byo.tag', 'v', { selector: { kind: 'Kustomization' } }),
      /no document matches \{"kind":"Kustomization"\}/,
    );
  });

  it('fails with one line naming the missing step', () => {
    assert.throws(
      () =>
        setYamlValue(HELMRELEASE, 'spec.values.foundry.bring.tag', 'v0.2.0', {
          source: 'apps/foundry-gpu-oras/helmrelease.yaml',
        }),
      (err: Error) => {
        assert.equal(
          err.message,
          'apps/foundry-gpu-oras/helmrelease.yaml: spec.values.foundry.bring.tag not found: no key "bring" under spec.values.foundry',
        );
        return true;
      },
    );
    assert.throws(() => setYamlValue('a: 1\n', 'b', 'x'), /^Error: b not found: no key "b" under the document root$/);
  });

  it('refuses when the current value is not the expected one', () => {
    assert.throws(
      () =>
        setYamlValue(HELMRELEASE, 'spec.values.foundry.byo.tag', 'v0.2.0', {
          expectCurrent: 'v0.0.9',
          source: 'hr.yaml',
        }),
      /^Error: hr\.yaml: spec\.values\.foundry\.byo\.tag is "v0\.1\.0", expected "v0\.0\.9"$/,
    );
  });

  it('refuses non-scalars, block scalars and invalid YAML', () => {
    assert.throws(
      () => setYamlValue(HELMRELEASE, 'spec.values.foundry.byo', 'x'),
      /is not a scalar value \(found a map\)/,
    );
    assert.throws(() => setYamlValue('a: |\n  text\n', 'a', 'x'), /BLOCK_LITERAL scalar/);
    assert.throws(
      () => setYamlValue('a: [1\nb: 2\n', 'b', 'x', { source: 'bad.yaml' }),
      /^Error: bad\.yaml: not valid YAML/,
    );
  });
});

describe('getYamlValue', () => {
  it('reads scalars, collections and reports absence as undefined', () => {
    assert.equal(getYamlValue(HELMRELEASE, 'metadata.name'), 'foundry-gpu-oras');
    assert.deepEqual(getYamlValue(HELMRELEASE, 'spec.chart.spec.sourceRef'), {
      kind: 'GitRepository',
      name: 'foundry-gitops',
      namespace: 'flux-system',
    });
    assert.equal(getYamlValue(HELMRELEASE, 'spec.values.nothing'), undefined);
    assert.equal(getYamlValue('a:\n', 'a'), null);
    assert.equal(getYamlValue('list: [a, b]', 'list[1]'), 'b');
  });
});
