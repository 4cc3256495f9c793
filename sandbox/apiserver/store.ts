/**
 * The object store and its rules: everything below the HTTP layer that both the REST handlers and the
 * in-process `Kube` use, in three layers by concern — storage and reads (`object-storage.ts`), the write
 * pipeline of create/update/patch/apply (`write-pipeline.ts`), and here deletion: finalizers, graceful pod
 * deletion, propagation policies and the controllers' writes that finish a deletion.
 */
import { ApiError, type KubeObject } from '../kube/types.ts';
import type { ListQuery } from './object-storage.ts';
import { pendingFinalizers, podGrace } from './object-rules.ts';
import { storageKey, type Resolved } from './resources.ts';
import { conflict, notFound } from './status.ts';
import { WritePipeline } from './write-pipeline.ts';

export type { ListQuery, ListResult } from './object-storage.ts';
export type { StoreOptions, WriteContext } from './write-pipeline.ts';
export { compileSelectors } from './selection.ts';
export { pendingFinalizers } from './object-rules.ts';

/** DeleteOptions as the body or query of a DELETE carries them. */
export interface DeleteParams {
  propagationPolicy?: 'Background' | 'Foreground' | 'Orphan';
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: boolean;
}

/** The objects, the write path and deletion. */
export class Store extends WritePipeline {
  /**
   * Starts (or finishes) deletion. Returns the object as left and whether it is gone. Finalizers and
   * graceful pod deletion leave the object with a deletionTimestamp; Foreground/Orphan add their finalizer.
   */
  delete(
    r: Resolved,
    namespace: string | undefined,
    name: string,
    params: DeleteParams = {},
  ): { object: KubeObject; gone: boolean } {
    const key = storageKey(r.type);
    const old = this.rawGet(key, r.type.namespaced ? namespace : undefined, name);
    if (!old) throw notFound(r.type.plural, r.type.group, name);
    const pre = params.preconditions ?? {};
    const preconditions = [
      ['UID', pre.uid, old.metadata.uid],
      ['ResourceVersion', pre.resourceVersion, old.metadata.resourceVersion],
    ] as const;
    for (const [field, want, have] of preconditions) {
      if (want && want !== have) {
        const message = `Precondition failed: ${field} in precondition: ${want}, ${field} in object meta: ${have}`;
        throw conflict(r.type.plural, r.type.group, name, message);
      }
    }
    if (params.dryRun) return { object: this.serve(old, r), gone: !pendingFinalizers(old).length };
    const result = this.deleteStored(key, old, params);
    return { object: this.serve(result.object, r), gone: result.gone };
  }

  /** Deletion on a stored object (GC and the namespace controller use it directly). */
  deleteStored(key: string, old: KubeObject, params: DeleteParams = {}): { object: KubeObject; gone: boolean } {
    const isPod = key === '/Pod';
    const grace = isPod ? podGrace(old, params.gracePeriodSeconds) : 0;
    const deleting = !!old.metadata.deletionTimestamp;
    const finalizers = [...(old.metadata.finalizers ?? [])];
    if (!deleting) {
      const policyFinalizer = { Foreground: 'foregroundDeletion', Orphan: 'orphan', Background: undefined }[
        params.propagationPolicy ?? 'Background'
      ];
      if (policyFinalizer && !finalizers.includes(policyFinalizer)) finalizers.push(policyFinalizer);
    }
    const next = structuredClone(old);
    next.metadata.finalizers = finalizers.length ? finalizers : undefined;
    if (!next.metadata.finalizers) delete next.metadata.finalizers;
    if (pendingFinalizers(next).length === 0 && grace === 0) {
      this.commit('DELETED', key, next, old);
      return { object: next, gone: true };
    }
    const currentGrace = old.metadata.deletionGracePeriodSeconds ?? 0;
    if (
      deleting &&
      !(isPod && grace < currentGrace) &&
      JSON.stringify(finalizers) === JSON.stringify(old.metadata.finalizers ?? [])
    ) {
      return { object: old, gone: false };
    }
    if (!deleting || (isPod && grace < currentGrace)) {
      next.metadata.deletionTimestamp = new Date(this.clock.now().getTime() + grace * 1000)
        .toISOString()
        .replace(/\.\d{3}Z$/, 'Z');
      next.metadata.deletionGracePeriodSeconds = grace;
      if (next.metadata.generation !== undefined && !deleting) next.metadata.generation += 1;
    }
    if (key === '/Namespace') next.status = { ...(next.status ?? {}), phase: 'Terminating' };
    this.commit('MODIFIED', key, next, old);
    return { object: next, gone: false };
  }

  /** Deletes every object matching the selectors; returns them as left. */
  deleteCollection(
    r: Resolved,
    namespace: string | undefined,
    query: ListQuery,
    params: DeleteParams = {},
  ): KubeObject[] {
    const { items } = this.list(r, namespace, {
      labelSelector: query.labelSelector,
      fieldSelector: query.fieldSelector,
    });
    const out: KubeObject[] = [];
    for (const item of items) {
      try {
        out.push(this.delete(r, item.metadata.namespace, item.metadata.name, params).object);
      } catch (err) {
        if (!(err instanceof ApiError && err.code === 404)) throw err;
      }
    }
    return out;
  }

  /**
   * Commits a controller's change to a stored object (GC dropping ownerReferences or a finalizer, the
   * namespace controller finalizing): the object goes away when its deletion is complete.
   */
  writeStored(key: string, next: KubeObject, old: KubeObject): void {
    const done =
      next.metadata.deletionTimestamp &&
      pendingFinalizers(next).length === 0 &&
      !(next.metadata.deletionGracePeriodSeconds ?? 0);
    this.commit(done ? 'DELETED' : 'MODIFIED', key, next, old);
  }
}
