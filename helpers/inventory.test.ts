import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { helmReleaseInventoryProblem, inventoriedObjects } from './inventory.ts';

const ks = (name: string, ids?: string[]) => ({
  metadata: { name },
  ...(ids ? { status: { inventory: { entries: ids.map((id) => ({ id, v: 'v2' })) } } } : {}),
});
const HR = 'foundry-system_foundry-gpu-oras_helm.toolkit.fluxcd.io_HelmRelease';

describe('helmReleaseInventoryProblem', () => {
  it('is silent when a Kustomization applies the HelmRelease', () => {
    assert.equal(
      helmReleaseInventoryProblem(
        [ks('infra', ['_foundry-system__Namespace']), ks('apps', [HR])],
        { namespace: 'foundry-system', name: 'foundry-gpu-oras' },
        { profile: 'p' },
      ),
      undefined,
    );
  });

  it('is silent while a Kustomization has not applied anything yet (it may still apply it)', () => {
    assert.equal(
      helmReleaseInventoryProblem([ks('apps')], { namespace: 'foundry-system', name: 'typo' }, { profile: 'p' }),
      undefined,
    );
    assert.equal(
      helmReleaseInventoryProblem(
        [ks('infra', ['_foundry-system__Namespace']), ks('apps')],
        { namespace: 'foundry-system', name: 'foundry-gpu-oras' },
        { profile: 'p' },
      ),
      undefined,
    );
    assert.equal(
      helmReleaseInventoryProblem([], { namespace: 'foundry-system', name: 'typo' }, { profile: 'p' }),
      undefined,
    );
  });

  it('names the missing HelmRelease and the ones that exist', () => {
    assert.equal(
      helmReleaseInventoryProblem(
        [ks('infra', []), ks('apps', [HR])],
        { namespace: 'foundry-system', name: 'foundry-gpu' },
        { profile: 'targets/x.yaml' },
      ),
      "HelmRelease foundry-system/foundry-gpu is in no Kustomization's inventory (infra, apps applied HelmRelease foundry-system/foundry-gpu-oras): check objects.helmRelease and namespaces.app in targets/x.yaml",
    );
    assert.deepEqual(inventoriedObjects([ks('apps', [HR])], 'HelmRelease', 'helm.toolkit.fluxcd.io'), [
      'foundry-system/foundry-gpu-oras',
    ]);
  });
});
