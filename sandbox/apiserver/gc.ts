/**
 * The garbage collector: ownerReference cascades as kube-controller-manager's GC does them.
 * Background: once every owner of a dependent is gone, the dependent is deleted. Foreground: an owner with the
 * `foregroundDeletion` finalizer waits until its dependents are gone (they are deleted in foreground too).
 * Orphan: an owner with the `orphan` finalizer has its references removed from its dependents, then goes.
 * Work runs after the commits that trigger it (one sweep per batch), never inside the writer's call.
 */
import type { KubeObject, OwnerReference } from '../kube/types.ts';
import { AfterCommitController } from './batched-work.ts';
import type { ChangeEvent } from './watch.ts';

function refsOf(obj: KubeObject): OwnerReference[] {
  return obj.metadata.ownerReferences ?? [];
}

/** Runs cascades for one store: one sweep after the commits that may start or finish one. */
export class GarbageCollector extends AfterCommitController {
  protected onCommit(ev: ChangeEvent): boolean {
    const fins = ev.object.metadata.finalizers ?? [];
    return (
      ev.type === 'DELETED' ||
      // A new dependent may point at an owner that is already gone.
      (ev.type === 'ADDED' && refsOf(ev.object).length > 0) ||
      (!!ev.object.metadata.deletionTimestamp && (fins.includes('orphan') || fins.includes('foregroundDeletion')))
    );
  }

  protected run(): void {
    const store = this.store;
    const all = [...store.rawAll()];
    const uids = new Set(all.map((e) => e.object.metadata.uid));
    const dependentsOf = (uid: string | undefined) =>
      [...store.rawAll()].filter((e) => refsOf(e.object).some((r) => r.uid === uid));
    for (const { key, object: owner } of all) {
      if (!owner.metadata.deletionTimestamp) continue;
      const fins = owner.metadata.finalizers ?? [];
      if (fins.includes('orphan')) {
        for (const dep of dependentsOf(owner.metadata.uid)) {
          const next = structuredClone(dep.object);
          next.metadata.ownerReferences = refsOf(next).filter((r) => r.uid !== owner.metadata.uid);
          if (!next.metadata.ownerReferences.length) delete next.metadata.ownerReferences;
          store.writeStored(dep.key, next, dep.object);
        }
        this.#dropFinalizer(key, owner, 'orphan');
      } else if (fins.includes('foregroundDeletion')) {
        for (const dep of dependentsOf(owner.metadata.uid)) {
          if (!dep.object.metadata.deletionTimestamp)
            store.deleteStored(dep.key, dep.object, { propagationPolicy: 'Foreground' });
        }
        if (dependentsOf(owner.metadata.uid).length === 0) this.#dropFinalizer(key, owner, 'foregroundDeletion');
      }
    }
    for (const { key, object: dep } of [...store.rawAll()]) {
      const refs = refsOf(dep);
      if (!refs.length) continue;
      const alive = refs.filter((r) => uids.has(r.uid));
      if (alive.length === refs.length) continue;
      const current = store.rawGet(key, dep.metadata.namespace, dep.metadata.name);
      if (current !== dep) continue;
      if (alive.length === 0) {
        if (!dep.metadata.deletionTimestamp) store.deleteStored(key, dep, { propagationPolicy: 'Background' });
      } else {
        const next = structuredClone(dep);
        next.metadata.ownerReferences = alive;
        store.writeStored(key, next, dep);
      }
    }
  }

  #dropFinalizer(key: string, owner: KubeObject, finalizer: string): void {
    const current = this.store.rawGet(key, owner.metadata.namespace, owner.metadata.name);
    if (!current) return;
    const next = structuredClone(current);
    next.metadata.finalizers = (next.metadata.finalizers ?? []).filter((f) => f !== finalizer);
    if (!next.metadata.finalizers.length) delete next.metadata.finalizers;
    this.store.writeStored(key, next, current);
  }
}
