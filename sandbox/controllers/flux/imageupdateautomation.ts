/**
 * image-automation-controller's ImageUpdateAutomation reconciler (Setters strategy): clone the
 * GitRepository's branch with its credentials, rewrite the `$imagepolicy` markers under `update.path` to
 * the latest images of the namespace's ImagePolicies, commit with the configured author and message
 * template, and push — reporting `lastPushCommit`, `lastPushTime`, `lastAutomationRunTime`.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import type { KubeObject } from '../../kube/types.ts';
import type { Controller, ReconcileResult } from '../manager.ts';
import type { FluxContext } from './context.ts';
import { durationMs } from './duration.ts';
import { git, type GitCredentials } from './git.ts';
import { renderGoTemplate } from './go-template.ts';
import { FluxError, FluxReconciler, watchReferrers, type Pass } from './reconciler.ts';
import { notFoundMessage, readSecret } from './secrets.ts';
import { applySettersInTree, type PolicyResult, type SetterChange } from './setters.ts';

const DEFAULT_MESSAGE = 'Update from image update automation';

/** Reconciles ImageUpdateAutomation objects. */
export class ImageUpdateAutomationReconciler extends FluxReconciler {
  constructor(ctx: FluxContext) {
    super(ctx, 'ImageUpdateAutomation', 'image-automation-controller');
  }

  watches(controller: Controller): void {
    watchReferrers(
      controller,
      this.ctx,
      'ImageUpdateAutomation',
      'ImagePolicy',
      (prev, next) =>
        JSON.stringify(prev?.status?.latestRef ?? prev?.status?.latestImage) !==
        JSON.stringify(next.status?.latestRef ?? next.status?.latestImage),
      (automation, policy) => automation.metadata.namespace === policy.metadata.namespace,
    );
  }

  async reconcile(pass: Pass): Promise<ReconcileResult> {
    const { spec, status, conditions } = pass;
    const interval = durationMs(spec.interval, 600_000);
    pass.progressingOnNewGeneration();
    const source = this.#source(pass);
    const credentials = this.#credentials(pass, source);
    const branch: string = spec.git?.checkout?.ref?.branch ?? source.spec?.ref?.branch ?? 'master';
    const pushBranch: string = spec.git?.push?.branch ?? branch;
    const policies = this.#policies(pass);

    await mkdir(path.join(this.ctx.stateDir, 'tmp'), { recursive: true });
    const tmp = await mkdtemp(path.join(this.ctx.stateDir, 'tmp', 'automation-'));
    try {
      const work = path.join(tmp, 'repo');
      const url: string = source.spec.url;
      try {
        await git(['clone', '--quiet', '--branch', branch, '--single-branch', url, work], {
          credentials,
          timeoutMs: 60_000,
        });
      } catch (err) {
        throw new FluxError('GitOperationFailed', `failed to clone git repository '${url}': ${(err as Error).message}`);
      }
      const head = (await git(['rev-parse', 'HEAD'], { cwd: work })).trim();
      if (this.ctx.apis.hasStatusField('ImageUpdateAutomation', 'observedSourceRevision'))
        status.observedSourceRevision = `${branch}@sha1:${head}`;
      if (this.ctx.apis.hasStatusField('ImageUpdateAutomation', 'observedPolicies')) {
        status.observedPolicies = Object.fromEntries(
          [...policies.entries()].map(([k, v]) => [
            k.split(':')[1]!,
            { name: v.name, tag: v.tag, ...(v.digest ? { digest: v.digest } : {}) },
          ]),
        );
      }
      const changes = await applySettersInTree(work, spec.update?.path ?? './', policies);
      status.lastAutomationRunTime = this.ctx.clock.nowRfc3339();
      if (changes.length === 0) {
        conditions.markTrue('Ready', 'Succeeded', 'repository up-to-date');
        pass.log('no changes made in working directory; no commit');
        return { requeueAfterMs: interval };
      }
      const message = this.#message(pass, changes);
      const author = spec.git?.commit?.author ?? {};
      const identity = [
        '-c',
        `user.name=${author.name ?? 'fluxcdbot'}`,
        '-c',
        `user.email=${author.email ?? 'fluxcdbot@users.noreply.github.com'}`,
      ];
      await git([...identity, 'commit', '--quiet', '--all', '--file', '-'], { cwd: work, input: message });
      const commit = (await git(['rev-parse', 'HEAD'], { cwd: work })).trim();
      try {
        await git(['push', '--quiet', 'origin', `HEAD:refs/heads/${pushBranch}`], {
          cwd: work,
          credentials,
          timeoutMs: 60_000,
        });
      } catch (err) {
        throw new FluxError('GitOperationFailed', `failed to push to remote: ${(err as Error).message}`);
      }
      status.lastPushCommit = commit;
      status.lastPushTime = this.ctx.clock.nowRfc3339();
      const ready = `pushed commit '${commit.slice(0, 7)}' to branch '${pushBranch}'`;
      conditions.markTrue('Ready', 'Succeeded', ready);
      pass.event('Normal', 'Succeeded', `${ready}\n${message}`);
      pass.log(ready);
      return { requeueAfterMs: interval };
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  }

  #source(pass: Pass): KubeObject {
    const ref = pass.spec.sourceRef ?? {};
    const namespace = ref.namespace ?? pass.namespace;
    const source =
      (ref.kind ?? 'GitRepository') === 'GitRepository'
        ? this.ctx.kube.get(this.ctx.apis.ref('GitRepository', namespace, ref.name))
        : undefined;
    if (!source) {
      throw new FluxError(
        'SourceNotFound',
        `failed to get source: gitrepositories.source.toolkit.fluxcd.io "${ref.name}" not found`,
      );
    }
    return source;
  }

  #credentials(pass: Pass, source: KubeObject): GitCredentials | undefined {
    const name = source.spec?.secretRef?.name as string | undefined;
    if (!name) return undefined;
    const data = readSecret(this.ctx.kube, source.metadata.namespace ?? pass.namespace, name);
    if (!data)
      throw new FluxError(
        'AuthenticationFailed',
        `failed to get secret '${source.metadata.namespace}/${name}': ${notFoundMessage('secrets', name)}`,
      );
    return { username: data.username, password: data.password, bearerToken: data.bearerToken };
  }

  /** Latest images of the Ready ImagePolicies in the automation's namespace (filtered by `policySelector`). */
  #policies(pass: Pass): Map<string, PolicyResult> {
    const selector = pass.spec.policySelector?.matchLabels as Record<string, string> | undefined;
    const labelSelector = selector
      ? Object.entries(selector)
          .map(([k, v]) => `${k}=${v}`)
          .join(',')
      : undefined;
    const out = new Map<string, PolicyResult>();
    const policies = this.ctx.kube.list(
      { apiVersion: this.ctx.apis.apiVersion('ImagePolicy'), kind: 'ImagePolicy', namespace: pass.namespace },
      { labelSelector },
    );
    for (const p of policies) {
      const ready = (p.status?.conditions ?? []).some(
        (c: { type: string; status: string }) => c.type === 'Ready' && c.status === 'True',
      );
      const ref = p.status?.latestRef as PolicyResult | undefined;
      const image = p.status?.latestImage as string | undefined;
      const result =
        ref ??
        (image
          ? { name: image.slice(0, image.lastIndexOf(':')), tag: image.slice(image.lastIndexOf(':') + 1) }
          : undefined);
      if (ready && result) out.set(`${p.metadata.namespace}:${p.metadata.name}`, result);
    }
    return out;
  }

  /** The commit message from `messageTemplate` (Go template) with Flux's template data. */
  #message(pass: Pass, changes: SetterChange[]): string {
    const template: string = pass.spec.git?.commit?.messageTemplate || DEFAULT_MESSAGE;
    const fileChanges = new Map<string, Map<object, Array<Record<string, string>>>>();
    const objects = new Map<object, Array<Record<string, string>>>();
    const ids = new Map<string, object>();
    for (const c of changes) {
      const key = JSON.stringify(c.object);
      const id = ids.get(key) ?? c.object;
      ids.set(key, id);
      const change = { OldValue: c.OldValue, NewValue: c.NewValue, Setter: c.Setter };
      const perFile = fileChanges.get(c.file) ?? new Map<object, Array<Record<string, string>>>();
      perFile.set(id, [...(perFile.get(id) ?? []), change]);
      fileChanges.set(c.file, perFile);
      objects.set(id, [...(objects.get(id) ?? []), change]);
    }
    const data = {
      AutomationObject: `${pass.namespace}/${pass.name}`,
      Changed: {
        FileChanges: fileChanges,
        Objects: objects,
        Changes: changes.map((c) => ({ OldValue: c.OldValue, NewValue: c.NewValue, Setter: c.Setter })),
      },
      Values: pass.spec.git?.commit?.messageTemplateValues ?? {},
    };
    try {
      return renderGoTemplate(template, data);
    } catch (err) {
      throw new FluxError('InvalidMessageTemplate', `failed to create commit message: ${(err as Error).message}`);
    }
  }
}
