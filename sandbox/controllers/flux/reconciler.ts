/**
 * The reconcile skeleton every Flux kind shares, as fluxcd/pkg/runtime shapes it: fetch the object, handle
 * deletion through the `finalizers.fluxcd.io` finalizer, add the finalizer, honour `spec.suspend`, run the
 * kind's pass, then write the status once more with `lastHandledReconcileAt` (from the
 * `reconcile.fluxcd.io/requestedAt` annotation), `observedGeneration` when Ready or Stalled, and Reconciling
 * turned into `ProgressingWithRetry` on failure.
 *
 * `lastHandledReconcileAt` is written only where the served status schema has it: image-reflector-controller
 * v0.35.x (Flux 2.6) ImagePolicy `v1beta2` has no `ReconcileRequestStatus` (its Reconcile's deferred patch never
 * calls SetLastHandledReconcileRequest; internal/controller/imagepolicy_controller.go at v0.35.2), so the twin
 * never claims there that a request was handled. See `watchesReconcileRequests`.
 */
import { randomUUID } from 'node:crypto';
import { isApiError, type KubeObject } from '../../kube/types.ts';
import type { Controller, ReconcileResult, WatchPredicate } from '../manager.ts';
import { objectKey, splitKey } from '../manager.ts';
import type { FluxApis, FluxKind } from './apis.ts';
import { Conditions } from './conditions.ts';
import type { FluxContext, FluxDeployment } from './context.ts';
import type { ReconcileFields } from './logger.ts';

export const FLUX_FINALIZER = 'finalizers.fluxcd.io';
export const REQUESTED_AT = 'reconcile.fluxcd.io/requestedAt';

/**
 * Whether the kind's controller reacts to `reconcile.fluxcd.io/requestedAt` (Flux's ReconcileRequestedPredicate
 * on its own kind) on the served line. Every Flux kind that can report a handled request
 * (`status.lastHandledReconcileAt`) watches it; the one that cannot, ImagePolicy `v1beta2` on Flux 2.6
 * (image-reflector-controller v0.35.2, `For(&ImagePolicy{}, WithPredicates(GenerationChangedPredicate{}))`),
 * ignores an annotation-only change. image-reflector-controller v1.0.0 added the field (#799) and v1.0.1 the
 * predicate (#824, "Fix controllers not watching reconcile requests from annotations"), so on Flux 2.9
 * (v1.2.4) ImagePolicy watches and reports requests like the other kinds.
 */
export function watchesReconcileRequests(apis: FluxApis, kind: FluxKind): boolean {
  return apis.hasStatusField(kind, 'lastHandledReconcileAt');
}

/** One Flux kind's reconciler, plugged into the skeleton by `runPass`. */
export interface KindReconciler {
  kind: FluxKind;
  /** controller-runtime controller name (lower-case kind), used in log lines and `pause=`. */
  controller: string;
  deployment: FluxDeployment;
  /** The kind's work. Errors it does not turn into conditions itself become Ready=False + back-off. */
  reconcile(pass: Pass): Promise<ReconcileResult>;
  /** Cleanup while the object is being deleted (prune, uninstall, remove artifacts). */
  finalize?(pass: Pass): Promise<void>;
  /** Extra watches (sources, dependencies) beyond the kind's own. */
  watches?(controller: Controller): void;
}

/**
 * What every kind's reconciler holds: its kind, its controller-runtime name (the lower-case kind, as in log lines
 * and `pause=`), the Deployment it runs in, and the shared context.
 */
export abstract class FluxReconciler implements KindReconciler {
  readonly kind: FluxKind;
  readonly controller: string;
  readonly deployment: FluxDeployment;
  protected readonly ctx: FluxContext;

  constructor(ctx: FluxContext, kind: FluxKind, deployment: FluxDeployment) {
    this.ctx = ctx;
    this.kind = kind;
    this.controller = kind.toLowerCase();
    this.deployment = deployment;
  }

  abstract reconcile(pass: Pass): Promise<ReconcileResult>;
}

/** An error with the Flux reason it should be reported under. */
export class FluxError extends Error {
  readonly reason: string;
  constructor(reason: string, message: string) {
    super(message);
    this.reason = reason;
  }
}

/** The state of one reconcile pass: the object as fetched, the status being built, logging and events. */
export class Pass {
  readonly obj: KubeObject;
  readonly conditions: Conditions;
  readonly started: number;
  readonly fields: ReconcileFields;
  /** Working copy of `.status`; `conditions` are merged in on every write. */
  status: Record<string, any>;
  readonly #ctx: FluxContext;
  readonly #reconciler: KindReconciler;

  constructor(ctx: FluxContext, reconciler: KindReconciler, obj: KubeObject) {
    this.#ctx = ctx;
    this.#reconciler = reconciler;
    this.obj = obj;
    this.status = structuredClone(obj.status ?? {});
    this.conditions = new Conditions(this.status.conditions, obj.metadata.generation ?? 0, ctx.clock);
    this.started = ctx.clock.now().getTime();
    this.fields = {
      controller: reconciler.controller,
      controllerGroup: ctx.apis.group(reconciler.kind),
      controllerKind: reconciler.kind,
      name: obj.metadata.name,
      namespace: obj.metadata.namespace ?? '',
      reconcileID: randomUUID(),
    };
  }

  get name(): string {
    return this.obj.metadata.name;
  }

  get namespace(): string {
    return this.obj.metadata.namespace ?? 'default';
  }

  get generation(): number {
    return this.obj.metadata.generation ?? 0;
  }

  get spec(): Record<string, any> {
    return this.obj.spec ?? {};
  }

  /** The `reconcile.fluxcd.io/requestedAt` value, when set. */
  get requestedAt(): string | undefined {
    return this.obj.metadata.annotations?.[REQUESTED_AT];
  }

  /** True when the generation moved on since the last successful pass. */
  get newGeneration(): boolean {
    return this.status.observedGeneration !== this.generation;
  }

  /** True when a reconcile was requested through the annotation and not handled yet. */
  get requested(): boolean {
    return this.requestedAt !== undefined && this.requestedAt !== this.status.lastHandledReconcileAt;
  }

  log(msg: string, extra?: Record<string, unknown>): void {
    this.#ctx.log(this.#reconciler.deployment).info(msg, this.fields, extra);
  }

  logError(msg: string, error: string): void {
    this.#ctx.log(this.#reconciler.deployment).error(msg, error, this.fields);
  }

  /** Records a core/v1 Event on the object from this controller. */
  event(type: 'Normal' | 'Warning', reason: string, message: string): void {
    try {
      this.#ctx.events.record(this.obj, type, reason, message, { component: this.#reconciler.deployment });
    } catch {
      // the namespace may be going away; events are best effort as in client-go
    }
  }

  /** On a new generation, Reconciling `processing object: new generation <old> -> <new>`, written at once. */
  progressingOnNewGeneration(): void {
    if (this.newGeneration)
      this.progressing(
        `processing object: new generation ${this.status.observedGeneration ?? -1} -> ${this.generation}`,
      );
  }

  /** Marks Reconciling (and optionally Ready=Unknown) and writes the status at once, to show progress. */
  progressing(message: string, readyUnknown?: string): void {
    this.conditions.markReconciling('Progressing', message);
    if (readyUnknown) this.conditions.markUnknown('Ready', 'Progressing', readyUnknown);
    this.persist();
  }

  /** Writes `.status` now (status subresource, unconditional). A vanished object is ignored. */
  persist(): void {
    this.status.conditions = this.conditions.list;
    const apiVersion = this.#ctx.apis.apiVersion(this.#reconciler.kind);
    const { resourceVersion: _rv, managedFields: _mf, ...metadata } = this.obj.metadata;
    try {
      this.#ctx.kube.update(
        { apiVersion, kind: this.#reconciler.kind, metadata, spec: this.obj.spec, status: this.status },
        { subresource: 'status', fieldManager: this.#reconciler.deployment },
      );
    } catch (err) {
      if (!isApiError(err, 404)) throw err;
    }
  }
}

/**
 * Watches objects of kind `watched` and, when `changed` says one moved on, enqueues the objects of kind `own` that
 * `refersTo` it: what Flux controllers set up with `Watches(source, EnqueueRequestsFromMapFunc(…))` over an index
 * of references (a source's artifact for Kustomizations and HelmCharts, a scan for ImagePolicies, …).
 */
export function watchReferrers(
  controller: Controller,
  ctx: FluxContext,
  own: FluxKind,
  watched: FluxKind,
  changed: WatchPredicate,
  refersTo: (obj: KubeObject, target: KubeObject) => boolean,
): void {
  const { kube, apis } = ctx;
  controller.watch(
    kube,
    { apiVersion: apis.apiVersion(watched), kind: watched },
    {
      predicate: changed,
      map: (target) =>
        kube
          .list({ apiVersion: apis.apiVersion(own), kind: own })
          .filter((obj) => refersTo(obj, target))
          .map(objectKey),
    },
  );
}

/**
 * One pass for `key` of the reconciler's kind; what the manager's Controller calls. Returns the requeue the
 * kind asked for; throws (after recording Ready=False) so the Controller backs off.
 */
export async function runPass(ctx: FluxContext, reconciler: KindReconciler, key: string): Promise<ReconcileResult> {
  const ref = { apiVersion: ctx.apis.apiVersion(reconciler.kind), kind: reconciler.kind, ...splitKey(key) };
  let obj = ctx.kube.get(ref);
  if (!obj) return {};
  const finalizers = obj.metadata.finalizers ?? [];
  if (obj.metadata.deletionTimestamp) {
    if (finalizers.includes(FLUX_FINALIZER)) {
      await reconciler.finalize?.(new Pass(ctx, reconciler, obj));
      patchFinalizers(
        ctx,
        ref,
        finalizers.filter((f) => f !== FLUX_FINALIZER),
      );
    }
    return {};
  }
  if (!finalizers.includes(FLUX_FINALIZER)) {
    obj = patchFinalizers(ctx, ref, [...finalizers, FLUX_FINALIZER]) ?? obj;
  }
  const pass = new Pass(ctx, reconciler, obj);
  if (obj.spec?.suspend === true) {
    pass.log('Reconciliation is suspended for this object');
    return {};
  }
  let result: ReconcileResult = {};
  let failure: unknown;
  try {
    result = await reconciler.reconcile(pass);
  } catch (err) {
    failure = err;
    const message = err instanceof Error ? err.message : String(err);
    pass.conditions.markFalse('Ready', err instanceof FluxError ? err.reason : 'ReconciliationFailed', message);
    pass.event('Warning', err instanceof FluxError ? err.reason : 'ReconciliationFailed', message);
  }
  finish(pass, watchesReconcileRequests(ctx.apis, reconciler.kind));
  pass.persist();
  if (failure) {
    pass.logError('Reconciler error', failure instanceof Error ? failure.message : String(failure));
    throw failure;
  }
  return result;
}

/** The skeleton's closing rules (kustomize-controller's finalizeStatus, pkg/runtime's result finalizer). */
function finish(pass: Pass, showsRequests: boolean): void {
  if (showsRequests && pass.requestedAt !== undefined) pass.status.lastHandledReconcileAt = pass.requestedAt;
  const { conditions } = pass;
  if (conditions.isTrue('Ready')) {
    conditions.delete('Reconciling', 'Stalled');
    pass.status.observedGeneration = pass.generation;
  } else if (conditions.isTrue('Stalled')) {
    conditions.delete('Reconciling');
    pass.status.observedGeneration = pass.generation;
  } else if (conditions.isFalse('Ready')) {
    const reconciling = conditions.get('Reconciling');
    if (reconciling) conditions.markReconciling('ProgressingWithRetry', reconciling.message);
  }
}

function patchFinalizers(
  ctx: FluxContext,
  ref: { apiVersion: string; kind: string; namespace?: string; name: string },
  finalizers: string[],
): KubeObject | undefined {
  try {
    return ctx.kube.patch(ref, { metadata: { finalizers } }, 'merge');
  } catch (err) {
    if (isApiError(err, 404)) return undefined;
    throw err;
  }
}
