/**
 * image-reflector-controller's ImagePolicy reconciler: apply the policy (semver-policy.ts, the
 * Flux rules) to the tags the referenced ImageRepository scanned and report the result in the served
 * version's shape: v1 `latestRef`/`observedPreviousRef` and `Latest image tag for <image> resolved to <tag>`;
 * v1beta2 additionally `latestImage`/`observedPreviousImage` and `Latest image tag for '<image>' …`.
 *
 * When a policy is reconciled follows upstream per line (internal/controller/imagepolicy_controller.go):
 * - Flux 2.6, image-reflector-controller v0.35.2 (`v1beta2`): its own kind only on generation changes (no
 *   reconcile-request predicate, no `status.lastHandledReconcileAt`, no `spec.suspend`); every ImageRepository
 *   update that carries a scan result (v0.35.1 #774 stopped the enqueues for repositories not scanned yet);
 *   `no tags in database` is Ready=False DependencyNotReady without a retry (v0.35.1 #776: the repository's
 *   next scan refills the database and triggers the policy).
 * - Flux 2.9, v1.2.4 (`v1`): its own kind on generation changes and reconcile requests (v1.0.1 #824), which it
 *   reports in `lastHandledReconcileAt` (v1.0.0 #799); ImageRepository updates only when
 *   `lastScanResult.revision` (the tags' checksum, v1.0.0 #780) changes; `no tags in database` retried
 *   (v1.0.3 #845).
 * Both: no periodic requeue unless `digestReflectionPolicy: Always` (`spec.interval`, default 10m, only refreshes
 * the digest in that mode per the CRD).
 */
import { selectLatestTag, TagPolicyError } from './semver-policy.ts';
import type { Controller, ReconcileResult } from '../manager.ts';
import type { FluxContext } from './context.ts';
import { durationMs } from './duration.ts';
import { FluxError, FluxReconciler, watchReferrers, type Pass } from './reconciler.ts';
import type { TagDatabase } from './tag-database.ts';

interface ImageRef {
  name: string;
  tag: string;
  digest?: string;
}

const sameRef = (a?: ImageRef, b?: ImageRef) => a?.name === b?.name && a?.tag === b?.tag && a?.digest === b?.digest;

/** Reconciles ImagePolicy objects. */
export class ImagePolicyReconciler extends FluxReconciler {
  readonly #db: TagDatabase;

  constructor(ctx: FluxContext, db: TagDatabase) {
    super(ctx, 'ImagePolicy', 'image-reflector-controller');
    this.#db = db;
  }

  watches(controller: Controller): void {
    const v1 = this.ctx.apis.version('ImagePolicy') === 'v1';
    // v1: the tags' checksum; v1beta2 has none, so any new scan result (each scan writes a new scanTime).
    const scanned = (o: { status?: any } | undefined) =>
      JSON.stringify(v1 ? o?.status?.lastScanResult?.revision : o?.status?.lastScanResult);
    watchReferrers(
      controller,
      this.ctx,
      'ImagePolicy',
      'ImageRepository',
      (prev, next) =>
        next.status?.lastScanResult !== undefined &&
        (prev?.status?.lastScanResult === undefined || scanned(prev) !== scanned(next)),
      (p, repo) =>
        p.spec?.imageRepositoryRef?.name === repo.metadata.name &&
        (p.spec?.imageRepositoryRef?.namespace ?? p.metadata.namespace) === repo.metadata.namespace,
    );
  }

  async reconcile(pass: Pass): Promise<ReconcileResult> {
    const { spec, status, conditions } = pass;
    const v1 = this.ctx.apis.version('ImagePolicy') === 'v1';
    const requeue =
      spec.digestReflectionPolicy === 'Always' ? { requeueAfterMs: durationMs(spec.interval, 600_000) } : {};
    conditions.markReconciling('Progressing', 'reconciliation in progress');
    pass.progressingOnNewGeneration();

    const ref = spec.imageRepositoryRef ?? {};
    const namespace = ref.namespace ?? pass.namespace;
    const repo = this.ctx.kube.get(this.ctx.apis.ref('ImageRepository', namespace, ref.name));
    if (!repo) {
      throw new FluxError(
        'DependencyNotReady',
        `failed to get the referred ImageRepository: referenced ImageRepository does not exist: imagerepositories.image.toolkit.fluxcd.io "${ref.name}" not found`,
      );
    }
    if (!repo.status?.lastScanResult) {
      conditions.markFalse(
        'Ready',
        'DependencyNotReady',
        v1 ? 'no tags in database' : 'referenced ImageRepository has not been scanned yet',
      );
      return {};
    }
    const tags = this.#db.tags(repo.status.canonicalImageName ?? '');
    let tag: string;
    try {
      tag = selectLatestTag(tags, { policy: spec.policy ?? {}, filterTags: spec.filterTags });
    } catch (err) {
      if (err instanceof TagPolicyError && err.reason === 'InvalidPolicy') {
        conditions.markStalled('InvalidPolicy', err.message);
        conditions.markFalse('Ready', 'InvalidPolicy', err.message);
        return {};
      }
      if (err instanceof TagPolicyError && err.reason === 'NoTags') {
        if (v1) throw new FluxError('DependencyNotReady', 'no tags in database');
        conditions.markFalse('Ready', 'DependencyNotReady', 'no tags in database');
        return {};
      }
      throw new FluxError('Failure', (err as Error).message);
    }

    const image: string = repo.spec.image;
    const latest: ImageRef = { name: image, tag };
    const old = status.latestRef as ImageRef | undefined;
    if (!sameRef(old, latest)) {
      if (old) status.observedPreviousRef = old;
      if (!v1 && old) status.observedPreviousImage = status.latestImage;
      status.latestRef = latest;
    }
    if (!v1) status.latestImage = `${image}:${tag}`;
    const previous = status.observedPreviousRef as ImageRef | undefined;
    const changedFrom = previous && !sameRef(previous, latest) ? previous : undefined;
    const message = v1
      ? `Latest image tag for ${image} resolved to ${tag}${changedFrom ? ` (previously ${changedFrom.name}:${changedFrom.tag})` : ''}`
      : changedFrom
        ? `Latest image tag for '${image}' updated from ${changedFrom.tag} to ${tag}`
        : `Latest image tag for '${image}' resolved to ${tag}`;
    const wasReady = conditions.get('Ready');
    conditions.markTrue('Ready', 'Succeeded', message);
    if (wasReady?.status !== 'True' || wasReady.message !== message) {
      pass.event('Normal', 'Succeeded', message);
      pass.log(message);
    }
    return requeue;
  }
}
