/**
 * source-controller's GitRepository reconciler: fetch `spec.url` with the real git CLI, resolve `spec.ref`,
 * archive the tree (minus ignored files) as the artifact, and report it exactly as Flux does
 * (`main@sha1:<sha>`, ArtifactInStorage/Ready `stored artifact for revision '…'`, NewArtifact events).
 */
import { mkdtemp, rm, mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { ReconcileResult } from '../manager.ts';
import type { FluxContext } from './context.ts';
import { durationMs } from './duration.ts';
import { GitMirror, type GitCredentials } from './git.ts';
import { FluxError, FluxReconciler, type Pass } from './reconciler.ts';
import { notFoundMessage, readSecret } from './secrets.ts';
import { IgnoreRules } from './source-ignore.ts';

/** Reconciles GitRepository objects into tar.gz artifacts. */
export class GitRepositoryReconciler extends FluxReconciler {
  constructor(ctx: FluxContext) {
    super(ctx, 'GitRepository', 'source-controller');
  }

  async reconcile(pass: Pass): Promise<ReconcileResult> {
    const { spec, status, conditions } = pass;
    const interval = durationMs(spec.interval, 60_000);
    if (pass.newGeneration)
      pass.progressing(`processing object: new generation ${status.observedGeneration ?? -1} -> ${pass.generation}`);
    else if (!status.artifact) pass.progressing('building artifact');

    const credentials = this.#credentials(pass);
    const mirror = new GitMirror(path.join(this.ctx.stateDir, 'git', pass.namespace, pass.name));
    let resolved;
    try {
      await mirror.fetch(spec.url, credentials, durationMs(spec.timeout, 60_000), spec.ref?.name);
      resolved = await mirror.resolve(spec.ref);
    } catch (err) {
      const message = `failed to checkout and determine revision: ${(err as Error).message}`;
      conditions.markTrue('FetchFailed', 'GitOperationFailed', message);
      throw new FluxError('GitOperationFailed', message);
    }
    conditions.delete('FetchFailed');

    const current = status.artifact as { revision?: string; path?: string } | undefined;
    const upToDate =
      current?.revision === resolved.revision &&
      current.path !== undefined &&
      (await this.ctx.storage.exists(current.path)) &&
      status.observedIgnore === spec.ignore;
    if (upToDate) {
      pass.log(`no changes since last reconcilation: observed revision '${resolved.revision}'`);
    } else {
      const message = `new upstream revision '${resolved.revision}'`;
      if (current) conditions.markTrue('ArtifactOutdated', 'NewRevision', message);
      pass.progressing(`building artifact: ${message}`);
      await this.#buildArtifact(pass, mirror, resolved.sha, resolved.revision);
      const subject = await mirror.subject(resolved.sha);
      const stored = `stored artifact for commit '${shortMessage(subject)}'`;
      pass.event('Normal', 'NewArtifact', stored);
      pass.log(stored);
    }
    if (spec.ignore !== undefined) status.observedIgnore = spec.ignore;
    else delete status.observedIgnore;
    conditions.delete('ArtifactOutdated');
    const message = `stored artifact for revision '${resolved.revision}'`;
    conditions.markTrue('ArtifactInStorage', 'Succeeded', message);
    conditions.markTrue('Ready', 'Succeeded', message);
    return { requeueAfterMs: interval };
  }

  async finalize(pass: Pass): Promise<void> {
    await this.ctx.storage.prune('gitrepository', pass.namespace, pass.name, []);
    await rm(path.join(this.ctx.stateDir, 'git', pass.namespace, pass.name), { recursive: true, force: true });
  }

  #credentials(pass: Pass): GitCredentials | undefined {
    const ref = pass.spec.secretRef?.name as string | undefined;
    if (!ref) return undefined;
    const data = readSecret(this.ctx.kube, pass.namespace, ref);
    if (!data) {
      const message = `failed to get secret '${pass.namespace}/${ref}': ${notFoundMessage('secrets', ref)}`;
      pass.conditions.markTrue('FetchFailed', 'AuthenticationFailed', message);
      throw new FluxError('AuthenticationFailed', message);
    }
    return { username: data.username, password: data.password, bearerToken: data.bearerToken };
  }

  async #buildArtifact(pass: Pass, mirror: GitMirror, sha: string, revision: string): Promise<void> {
    const { storage } = this.ctx;
    await mkdir(path.join(this.ctx.stateDir, 'tmp'), { recursive: true });
    const tmp = await mkdtemp(path.join(this.ctx.stateDir, 'tmp', 'gitrepository-'));
    try {
      const src = path.join(tmp, 'src');
      await mirror.checkout(sha, src);
      const rules = await IgnoreRules.forSource(src, pass.spec.ignore);
      const files = await rules.files(src);
      const rel = storage.relPath('gitrepository', pass.namespace, pass.name, `${sha}.tar.gz`);
      const { digest, size } = await storage.archive(src, files, rel);
      const previous: string | undefined = pass.status.artifact?.path;
      pass.status.artifact = {
        digest,
        lastUpdateTime: this.ctx.clock.nowRfc3339(),
        path: rel,
        revision,
        size,
        url: storage.url(rel),
      };
      // source-controller's garbage collection keeps --artifact-retention-records (default 2) artifacts: the new one
      // and the one before, which a kustomize-controller mid-reconcile may still be fetching (fluxcd/source-controller
      // internal/controller/storage.go GarbageCollect, v1.x).
      await storage.prune(
        'gitrepository',
        pass.namespace,
        pass.name,
        previous && previous !== rel ? [rel, previous] : [rel],
      );
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  }
}

/** fluxcd/pkg/git Commit.ShortMessage: the subject, cut at 50 characters with `...`. */
export function shortMessage(subject: string): string {
  const runes = [...subject];
  return runes.length > 50 ? `${runes.slice(0, 50).join('')}...` : subject;
}
