/**
 * Test fixture for the Flux controller tests: a real in-process ApiServer (vendored CRDs), the controllers
 * on a temp state dir, local git repositories, and event-driven waits with self-describing timeouts.
 * Not a test itself; `close()` tears everything down.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LogStore } from '../../apiserver/logs.ts';
import { ApiServer } from '../../apiserver/server.ts';
import { Faults } from '../../faults/faults.ts';
import { GitServer } from '../../git/server.ts';
import { SystemClock } from '../../kube/clock.ts';
import { PodFiles } from '../../kubelet/podfs.ts';
import { Workloads } from '../../workloads/index.ts';
import { OciClient } from '../../../lib/oci/client.ts';
import { Registry } from '../../registry/server.ts';
import type { Kube, KubeObject, ObjectRef } from '../../kube/types.ts';
import type { FluxLine } from './apis.ts';
import { git } from './git.ts';
import { FluxControllers, type FluxControllersOptions } from './index.ts';

/** A bare repository on disk, served over HTTP by the testbed's GitServer. */
export interface TestRepo {
  /** HTTP clone URL on the testbed's GitServer. */
  url: string;
  /** Path of the bare repository (for test-side `git --git-dir`). */
  bare: string;
  /** The initial commit. */
  initial: string;
  /** Writes files (relative paths → content; `null` deletes), commits and pushes; returns the commit. */
  commit(files: Record<string, string | null>, message: string): Promise<string>;
}

export class Testbed {
  readonly dir: string;
  readonly api: ApiServer;
  readonly kube: Kube;
  readonly clock: SystemClock;
  readonly faults: Faults;
  readonly flux: FluxControllers;
  readonly git: GitServer;
  /** HTTP Basic credentials the GitServer accepts for pushes. */
  readonly gitUser = { username: 'sandbox', password: 'test-token' };
  readonly logLines: Array<{ pod: string; container: string; line: string }> = [];
  /** The real Deployment controller, scheduler and kubelet, when asked for. */
  readonly workloads?: Workloads;
  readonly logStore = new LogStore();

  private constructor(dir: string, line: FluxLine, options: Partial<FluxControllersOptions>, withWorkloads: boolean) {
    this.dir = dir;
    this.clock = new SystemClock();
    this.faults = new Faults();
    this.api = new ApiServer({ flux: line, clock: this.clock, logs: this.logStore });
    this.kube = this.api.kube;
    if (withWorkloads) {
      this.workloads = new Workloads({
        kube: this.kube,
        clock: this.clock,
        faults: this.faults,
        logs: this.logStore,
        files: new PodFiles(path.join(dir, 'pods')),
        admission: this.api.admission,
      });
    }
    this.git = new GitServer({
      root: path.join(dir, 'remotes'),
      user: this.gitUser.username,
      token: this.gitUser.password,
      faults: this.faults,
    });
    this.flux = new FluxControllers({
      kube: this.kube,
      clock: this.clock,
      faults: this.faults,
      logs: {
        append: (pod, container, line) => {
          this.logLines.push({ pod: pod.name, container, line });
          this.logStore.append(pod, container, line);
        },
      },
      stateDir: path.join(dir, 'flux'),
      flux: line,
      profile: 'flux',
      ...options,
    });
  }

  static async create(
    line: FluxLine = '2.9',
    options: Partial<FluxControllersOptions> = {},
    withWorkloads = false,
  ): Promise<Testbed> {
    const dir = await mkdtemp(path.join(tmpdir(), 'flux-testbed-'));
    const bed = new Testbed(dir, line, options, withWorkloads);
    await mkdir(path.join(dir, 'remotes'), { recursive: true });
    await bed.git.start();
    await bed.workloads?.start();
    await bed.flux.install();
    await bed.flux.start();
    return bed;
  }

  async close(): Promise<void> {
    await this.flux.stop();
    await this.workloads?.stop();
    await this.api.stop();
    await this.git.stop();
    await rm(this.dir, { recursive: true, force: true });
  }

  /** A bare repository with an initial commit of `files` on `main`. */
  async repo(name: string, files: Record<string, string>): Promise<TestRepo> {
    const bare = path.join(this.dir, 'remotes', `${name}.git`);
    const work = path.join(this.dir, 'work', name);
    await mkdir(path.dirname(bare), { recursive: true });
    await git(['init', '--quiet', '--bare', '--initial-branch=main', bare]);
    await git(['clone', '--quiet', bare, work]);
    await git(['checkout', '--quiet', '-b', 'main'], { cwd: work }).catch(() => undefined);
    const commit = async (changes: Record<string, string | null>, message: string) => {
      for (const [file, content] of Object.entries(changes)) {
        const full = path.join(work, file);
        if (content === null) await rm(full, { force: true });
        else {
          await mkdir(path.dirname(full), { recursive: true });
          await writeFile(full, content);
        }
      }
      await git(['add', '--all'], { cwd: work });
      await git(['-c', 'user.name=Test', '-c', 'user.email=test@example.com', 'commit', '--quiet', '-m', message], {
        cwd: work,
      });
      await git(['push', '--quiet', 'origin', 'HEAD:refs/heads/main'], { cwd: work });
      return (await git(['rev-parse', 'HEAD'], { cwd: work })).trim();
    };
    const initial = await commit(files, 'initial commit');
    return { url: this.git.repoUrl(name), bare, initial, commit };
  }

  /** A Secret `git-auth` in flux-system with the GitServer's credentials (for `secretRef`). */
  gitSecret(namespace = 'flux-system'): void {
    this.apply({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'git-auth', namespace },
      stringData: { ...this.gitUser },
    } as KubeObject);
  }

  /** A GitRepository `name` in flux-system following `main` of `url` every 10m. */
  gitRepository(name: string, url: string): void {
    this.apply({
      apiVersion: 'source.toolkit.fluxcd.io/v1',
      kind: 'GitRepository',
      metadata: { name, namespace: 'flux-system' },
      spec: { url, interval: '10m', ref: { branch: 'main' } },
    } as KubeObject);
  }

  /** Asks for a reconcile (`flux reconcile` sets this annotation) and returns the token to await in `lastHandledReconcileAt`. */
  requestReconcile(ref: ObjectRef, token = `t-${Date.now()}-${Math.random()}`): string {
    this.kube.patch(ref, { metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': token } } }, 'merge');
    return token;
  }

  /** Creates (server-side applies) objects. */
  apply(...objects: KubeObject[]): void {
    for (const o of objects) {
      const ref = {
        apiVersion: o.apiVersion,
        kind: o.kind,
        name: o.metadata.name,
        ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}),
      };
      this.kube.patch(ref, o, 'apply', { fieldManager: 'test', force: true });
    }
  }

  /**
   * Resolves with the object once `test` passes (checked on every watch event), or rejects after
   * `timeoutMs` saying what was expected and what the object looked like.
   */
  waitFor(ref: ObjectRef, test: (o: KubeObject) => boolean, what: string, timeoutMs = 60_000): Promise<KubeObject> {
    return new Promise((resolve, reject) => {
      let last: KubeObject | undefined;
      let done = false;
      let cancel: () => void = () => undefined;
      const timer = setTimeout(() => {
        done = true;
        cancel();
        const conditions = (last?.status?.conditions ?? [])
          .map((c: any) => `${c.type}=${c.status} ${c.reason}: ${c.message}`)
          .join('; ');
        reject(
          new Error(
            `${ref.kind} ${ref.namespace ?? ''}/${ref.name} ${what}: timed out after ${timeoutMs} ms; last seen ${last ? `generation ${last.metadata.generation}, status ${JSON.stringify({ ...last.status, conditions: undefined })}, conditions [${conditions}]` : 'nothing'}`,
          ),
        );
      }, timeoutMs);
      const check = (o: KubeObject | undefined) => {
        if (done || !o || o.metadata.name !== ref.name) return;
        last = o;
        if (test(o)) {
          done = true;
          clearTimeout(timer);
          queueMicrotask(() => cancel());
          resolve(o);
        }
      };
      cancel = this.kube.watch(
        { apiVersion: ref.apiVersion, kind: ref.kind, namespace: ref.namespace },
        { fieldSelector: `metadata.name=${ref.name}` },
        (e) => check(e.object),
      );
      check(this.kube.get(ref));
    });
  }
}

/** Resolves once the object no longer exists (watch-driven). */
export function waitGone(bed: Testbed, ref: ObjectRef, timeoutMs = 60_000): Promise<void> {
  return new Promise((resolve, reject) => {
    let cancel: () => void = () => undefined;
    const timer = setTimeout(() => {
      cancel();
      reject(
        new Error(
          `${ref.kind} ${ref.namespace ?? ''}/${ref.name} to be deleted: timed out after ${timeoutMs} ms (finalizers: ${JSON.stringify(bed.kube.get(ref)?.metadata.finalizers)})`,
        ),
      );
    }, timeoutMs);
    const check = () => {
      if (bed.kube.get(ref)) return;
      clearTimeout(timer);
      queueMicrotask(() => cancel());
      resolve();
    };
    cancel = bed.kube.watch({ apiVersion: ref.apiVersion, kind: ref.kind, namespace: ref.namespace }, {}, check);
    check();
  });
}

/** The condition of a type, if present. */
export function condition(
  o: KubeObject | undefined,
  type: string,
):
  | { status: string; reason: string; message: string; observedGeneration?: number; lastTransitionTime: string }
  | undefined {
  return (o?.status?.conditions ?? []).find((c: { type: string }) => c.type === type);
}

/** Ready=True for the current generation. */
export function isReady(o: KubeObject): boolean {
  const c = condition(o, 'Ready');
  return c?.status === 'True' && o.status?.observedGeneration === o.metadata.generation;
}

/** A real sandbox registry on its own temp dir, with a helper that pushes a tiny artifact under a tag. */
export async function startTestRegistry(): Promise<{
  registry: Registry;
  push: (tag: string) => Promise<void>;
  stop: () => Promise<void>;
}> {
  const root = await mkdtemp(path.join(tmpdir(), 'flux-registry-'));
  const registry = new Registry({
    root: path.join(root, 'data'),
    user: 'u',
    password: 'p',
    aliases: ['myacr.azurecr.io'],
  });
  await registry.start();
  const client = new OciClient({ registry: registry.host, plainHttp: true, username: 'u', password: 'p' });
  const file = path.join(root, 'models.tar.gz');
  await writeFile(file, 'models');
  return {
    registry,
    push: async (tag) => {
      await client.pushArtifact('foundry-local-olive-models', tag, {
        artifactType: 'foundry/models',
        files: [{ path: file, mediaType: 'application/gzip', title: 'models.tar.gz' }],
      });
    },
    stop: async () => {
      await registry.stop();
      await rm(root, { recursive: true, force: true });
    },
  };
}
