/**
 * Everything one acceptance test file needs around a sandbox it started with the CLI: the sandbox itself, a
 * user shell aimed at it, client-node watches, a scratch dir for clones, and the waits of the plan's flow
 * (all event-driven). `stop()` runs `down` and removes the scratch dir, also after a failed start.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ClusterWatch, condition, type K8sObject } from './cluster-watch.ts';
import { GitopsClone } from './gitops-clone.ts';
import { isReady, livePods } from './pod-state.ts';
import { SandboxRun } from './sandbox-cli.ts';
import { UserShell } from './user-shell.ts';

/** Cluster API paths of the objects the flow waits on. */
export const PATHS = {
  gitRepositories: (ns: string) => `/apis/source.toolkit.fluxcd.io/v1/namespaces/${ns}/gitrepositories`,
  kustomizations: (ns: string) => `/apis/kustomize.toolkit.fluxcd.io/v1/namespaces/${ns}/kustomizations`,
  helmReleases: (ns: string) => `/apis/helm.toolkit.fluxcd.io/v2/namespaces/${ns}/helmreleases`,
  imageRepositories: (ns: string) => `/apis/image.toolkit.fluxcd.io/v1/namespaces/${ns}/imagerepositories`,
  imagePolicies: (ns: string) => `/apis/image.toolkit.fluxcd.io/v1/namespaces/${ns}/imagepolicies`,
  pods: (ns: string) => `/api/v1/namespaces/${ns}/pods`,
  events: (ns: string) => `/api/v1/namespaces/${ns}/events`,
  deployments: (ns: string) => `/apis/apps/v1/namespaces/${ns}/deployments`,
  configMaps: (ns: string) => `/api/v1/namespaces/${ns}/configmaps`,
};

/** A started sandbox and the tools to drive it. */
export class SandboxWorld {
  readonly run: SandboxRun;
  readonly shell: UserShell;
  readonly cluster: ClusterWatch;
  readonly scratch: string;
  #clones = 0;

  private constructor(run: SandboxRun, scratch: string) {
    this.run = run;
    this.scratch = scratch;
    this.shell = new UserShell({ kubeconfig: run.info.kubeconfig, cacheDir: path.join(scratch, 'kube-cache') });
    this.cluster = new ClusterWatch(run.info.kubeconfig);
  }

  /** `up --json ARGS…` in a fresh state dir (`env` goes to the CLI and the daemon). */
  static async start(args: string[], env: Record<string, string> = {}): Promise<SandboxWorld> {
    const scratch = await mkdtemp(path.join(tmpdir(), 'acceptance-work-'));
    try {
      return new SandboxWorld(await SandboxRun.up(args, env), scratch);
    } catch (err) {
      await rm(scratch, { recursive: true, force: true });
      throw err;
    }
  }

  get info() {
    return this.run.info;
  }

  get ns(): string {
    return this.info.objects.namespace;
  }

  get fluxNs(): string {
    return this.info.objects.fluxNamespace;
  }

  /** A new clone object (not yet cloned) in the scratch dir. */
  clone(): GitopsClone {
    const { repoUrl, user, token } = this.info.git;
    return new GitopsClone({
      shell: this.shell,
      repoUrl,
      user,
      token,
      dir: path.join(this.scratch, `clone-${++this.#clones}`),
    });
  }

  /** A clone that must succeed. */
  async cloned(): Promise<GitopsClone> {
    const clone = this.clone();
    const result = await clone.clone();
    if (result.exitCode !== 0) throw new Error(`git clone failed: ${result.stderr}`);
    return clone;
  }

  /** `down` and scratch removal; safe to call twice. */
  async stop(): Promise<void> {
    await this.run.down();
    await rm(this.scratch, { recursive: true, force: true });
  }

  /** The HelmRelease once history[0].version is `version` and Ready=True. */
  release(version: number, timeoutMs: number): Promise<K8sObject> {
    const name = this.info.objects.helmRelease;
    return this.cluster.until(
      {
        path: PATHS.helmReleases(this.ns),
        what: `HelmRelease ${this.ns}/${name} history[0].version ${version} and Ready=True`,
        timeoutMs,
        describe: (o) => describeRelease(o.get(`${this.ns}/${name}`)),
      },
      (objects) => {
        const hr = objects.get(`${this.ns}/${name}`);
        return hr?.status?.history?.[0]?.version === version && condition(hr, 'Ready')?.status === 'True'
          ? hr
          : undefined;
      },
    );
  }

  /** The one foundry pod once it is Ready (and not in `except`). */
  readyFoundryPod(timeoutMs: number, except: string[] = []): Promise<K8sObject> {
    return this.cluster.until(
      {
        path: PATHS.pods(this.ns),
        query: { labelSelector: this.info.objects.podSelector },
        what: `a Ready foundry pod other than [${except.join(', ')}]`,
        timeoutMs,
      },
      (objects) => livePods(objects).find((p) => isReady(p) && !except.includes(p.metadata.name)),
    );
  }

  /** The ImagePolicy once its latest tag is `tag`. */
  policyAt(tag: string, timeoutMs: number): Promise<K8sObject> {
    const name = this.info.objects.imagePolicy;
    return this.cluster.until(
      {
        path: PATHS.imagePolicies(this.fluxNs),
        what: `ImagePolicy ${this.fluxNs}/${name} latestRef.tag ${tag}`,
        timeoutMs,
        describe: (o) => JSON.stringify(o.get(`${this.fluxNs}/${name}`)?.status ?? {}),
      },
      (objects) =>
        objects.get(`${this.fluxNs}/${name}`)?.status?.latestRef?.tag === tag
          ? objects.get(`${this.fluxNs}/${name}`)
          : undefined,
    );
  }

  /** The GitRepository once its artifact revision is `<branch>@sha1:<sha>`. */
  revisionAt(sha: string, timeoutMs: number): Promise<K8sObject> {
    const name = this.info.objects.gitRepository;
    const want = `${this.info.git.branch}@sha1:${sha}`;
    return this.cluster.until(
      {
        path: PATHS.gitRepositories(this.ns),
        what: `GitRepository ${this.ns}/${name} revision ${want}`,
        timeoutMs,
        describe: (o) => String(o.get(`${this.ns}/${name}`)?.status?.artifact?.revision),
      },
      (objects) =>
        objects.get(`${this.ns}/${name}`)?.status?.artifact?.revision === want
          ? objects.get(`${this.ns}/${name}`)
          : undefined,
    );
  }

  /** The Kustomization `name` once its lastAppliedRevision is `<branch>@sha1:<sha>`. */
  appliedAt(name: string, sha: string, timeoutMs: number): Promise<K8sObject> {
    const want = `${this.info.git.branch}@sha1:${sha}`;
    const key = `${this.ns}/${name}`;
    return this.cluster.until(
      {
        path: PATHS.kustomizations(this.ns),
        what: `Kustomization ${key} lastAppliedRevision ${want}`,
        timeoutMs,
        describe: (o) => String(o.get(key)?.status?.lastAppliedRevision),
      },
      (objects) => (objects.get(key)?.status?.lastAppliedRevision === want ? objects.get(key) : undefined),
    );
  }

  /** Waits for the bootstrap's first deploy: release v1 Ready and its pod Ready. Returns that pod. */
  async initialDeploy(timeoutMs: number): Promise<K8sObject> {
    await this.release(1, timeoutMs);
    return await this.readyFoundryPod(timeoutMs);
  }
}

/** history[0] and the Ready condition of a HelmRelease, for failure messages. */
export function describeRelease(hr: K8sObject | undefined): string {
  if (!hr) return '(no HelmRelease)';
  const ready = condition(hr, 'Ready');
  const h = hr.status?.history?.[0];
  return `history[0].version=${h?.version ?? '-'} status=${h?.status ?? '-'} Ready=${ready?.status} (${ready?.reason}: ${ready?.message})`;
}
