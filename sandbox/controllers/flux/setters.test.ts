import assert from 'node:assert/strict';
import { it } from 'node:test';
import { applySetters } from './setters.ts';

const policies = new Map([['flux-system:foundry', { name: 'reg.example.io/models', tag: 'v0.2.0' }]]);

it('rewrites only the marked scalars, keeping quotes and comments', () => {
  const text = `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: foundry-gpu-oras
spec:
  values:
    foundry:
      byo:
        tag: v0.1.0 # {"$imagepolicy": "flux-system:foundry:tag"}
        image: "reg.example.io/models:v0.1.0" # {"$imagepolicy": "flux-system:foundry"}
        name: 'old' # {"$imagepolicy": "flux-system:foundry:name"}
        other: v0.1.0 # {"$imagepolicy": "other-ns:foundry:tag"}
        plain: v0.1.0
`;
  const { text: out, changes } = applySetters(text, 'apps/hr.yaml', policies);
  assert.equal(
    out,
    text
      .replace('tag: v0.1.0 #', 'tag: v0.2.0 #')
      .replace('"reg.example.io/models:v0.1.0"', '"reg.example.io/models:v0.2.0"')
      .replace("'old'", "'reg.example.io/models'"),
  );
  assert.deepEqual(
    changes.map((c) => [c.OldValue, c.NewValue, c.Setter, c.object.Name]),
    [
      ['v0.1.0', 'v0.2.0', 'flux-system:foundry:tag', 'foundry-gpu-oras'],
      ['reg.example.io/models:v0.1.0', 'reg.example.io/models:v0.2.0', 'flux-system:foundry', 'foundry-gpu-oras'],
      ['old', 'reg.example.io/models', 'flux-system:foundry:name', 'foundry-gpu-oras'],
    ],
  );
});

it('reports no change when values are current', () => {
  const text = 'a: v0.2.0 # {"$imagepolicy": "flux-system:foundry:tag"}\n';
  assert.deepEqual(applySetters(text, 'f.yaml', policies), { text, changes: [] });
});
