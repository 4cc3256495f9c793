/**
 * Is the profile's HelmRelease one of the objects the Kustomizations apply? Flux's kustomize-controller lists
 * what it applied in `status.inventory.entries[].id` as `<namespace>_<name>_<group>_<kind>` (kustomize-controller
 * api/v1 ResourceInventory). A HelmRelease name that is in no inventory is a typo in the profile: say so in
 * seconds instead of waiting out the phase for an object that will never exist.
 */

export const HELM_RELEASE_GROUP = 'helm.toolkit.fluxcd.io';

/** The parts of a Kustomization this reads. */
export interface InventoriedKustomization {
  metadata: { name: string; namespace?: string };
  status?: { inventory?: { entries?: Array<{ id: string }> } };
}

/** The inventory id of an object. */
export function inventoryId(ref: { namespace: string; name: string; kind: string }, group: string): string {
  return `${ref.namespace}_${ref.name}_${group}_${ref.kind}`;
}

/** `ns/name` of every object of `kind` in the inventories. */
export function inventoriedObjects(
  kustomizations: readonly InventoriedKustomization[],
  kind: string,
  group: string,
): string[] {
  const suffix = `_${group}_${kind}`;
  return kustomizations
    .flatMap((k) => k.status?.inventory?.entries ?? [])
    .filter((e) => e.id.endsWith(suffix))
    .map((e) => e.id.slice(0, -suffix.length).replace('_', '/'));
}

/**
 * Undefined when the HelmRelease is listed, or when nothing can be said yet (a Kustomization of the profile that has
 * not applied anything — no inventory — may still apply it); otherwise the one line to fail with.
 */
export function helmReleaseInventoryProblem(
  kustomizations: readonly InventoriedKustomization[],
  ref: { namespace: string; name: string },
  hint: { profile: string },
): string | undefined {
  const id = inventoryId({ ...ref, kind: 'HelmRelease' }, HELM_RELEASE_GROUP);
  if (kustomizations.some((k) => (k.status?.inventory?.entries ?? []).some((e) => e.id === id))) return undefined;
  if (kustomizations.length === 0 || kustomizations.some((k) => k.status?.inventory?.entries === undefined))
    return undefined;
  const found = inventoriedObjects(kustomizations, 'HelmRelease', HELM_RELEASE_GROUP);
  return (
    `HelmRelease ${ref.namespace}/${ref.name} is in no Kustomization's inventory (${kustomizations.map((k) => k.metadata.name).join(', ')} applied ` +
    `${found.length ? `HelmRelease ${found.join(', ')}` : 'no HelmRelease'}): check objects.helmRelease and namespaces.app in ${hint.profile}`
  );
}
