/**
 * The sandbox: a local twin of a one-GPU Kubernetes cluster running Flux. It composes the API server, the git
 * server, the OCI registry, the emulated Flux controllers and the workloads (scheduler, kubelet) over one
 * store, one clock and one set of fault knobs, and publishes its endpoints as a `SandboxInfo`.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { OciClient } from '../lib/oci/client.ts';

import { ApiServer } from './apiserver/server.ts';
import { LogStore } from './apiserver/logs.ts';
import { FluxControllers } from './controllers/flux/index.ts';
import { Faults, faultSpec, type FaultFired } from './faults/faults.ts';
import { LateRestart } from './faults/late-restart.ts';
import { GitServer } from './git/server.ts';
import { seedRepo, seedRepoFromRepository } from './git/repos.ts';
import { SystemClock } from './kube/clock.ts';
import { envResolver } from './kubelet/env-sources.ts';
import { PodFiles } from './kubelet/podfs.ts';
import type { SandboxOptions } from './options.ts';
import { buildModelsTarGz } from './registry/artifacts.ts';
import { DistributionRegistry } from './registry/distribution.ts';
import { Registry } from './registry/server.ts';
import { faultSpecs, type SandboxInfo } from './state.ts';
import { Workloads } from './workloads/index.ts';

/** Written into the state dir when the sandbox stops: `GET /sandbox/v1/requests?detail=true` of the whole run plus `timeline` (every request). */
export const REQUESTS_FILE = 'requests.json';

const TEMPLATE_REPO = path.join(path.dirname(fileURLToPath(import.meta.url)), 'template-repo');
const GITOPS_REPO = 'foundry-gitops';
const MODELS_REPO = 'foundry-local-olive-models';
const FROM_TAG = 'v0.1.0';
const TO_TAG = 'v0.2.0';
const ARTIFACT_TYPE = 'foundry/models';

/** Seeded names, as the template repo's bootstrap script creates them (Arc-style naming). */
export const SEEDED_OBJECTS: SandboxInfo['objects'] = {
  namespace: 'foundry-system',
  fluxNamespace: 'flux-system',
  gitRepository: 'foundry-gitops',
  kustomizations: ['foundry-gitops-infrastructure', 'foundry-gitops-apps'],
  helmRelease: 'foundry-gpu-oras',
  imageRepository: 'foundry-local-olive-models',
  imagePolicy: 'foundry-local-olive-models',
  podSelector: 'app.kubernetes.io/component=foundry',
};

type AnyRegistry = Registry | DistributionRegistry;

/** Whether each registry kind needs credentials for pulls (distribution's htpasswd auth covers every request). */
const PULL_NEEDS_CREDENTIALS: Record<SandboxOptions['registry'], boolean> = { embedded: false, distribution: true };

/** One sandbox instance. `start()` brings every part up in dependency order; `stop()` takes them down in reverse. */
export class Sandbox {
  readonly options: SandboxOptions;
  readonly faults: Faults;
  readonly clock: SystemClock;
  readonly logs = new LogStore();
  readonly #secrets = { gitToken: token(), registryPassword: token(), apiToken: token() };
  #api?: ApiServer;
  #git?: GitServer;
  #registry?: AnyRegistry;
  #flux?: FluxControllers;
  #workloads?: Workloads;
  #lateRestart?: LateRestart;
  #info?: SandboxInfo;
  #stopped = false;

  constructor(options: SandboxOptions) {
    this.options = options;
    // The knobs given to `up` are switched on once the world is seeded (see start()): `registry-down` must not
    // stop the sandbox from publishing its own artifacts.
    this.faults = new Faults();
    this.clock = new SystemClock({ timeScale: options.timeScale });
    this.#applyClockSkew();
    this.faults.on('change', () => this.#applyClockSkew());
  }

  get info(): SandboxInfo {
    if (!this.#info) throw new Error('sandbox not started');
    return this.#info;
  }

  get api(): ApiServer {
    if (!this.#api) throw new Error('sandbox not started');
    return this.#api;
  }

  /** Starts everything; resolves with the published endpoints once the cluster is ready to be bootstrapped. */
  async start(control: SandboxInfo['control']): Promise<SandboxInfo> {
    const started = Date.now();
    const { stateDir } = this.options;
    const dirs = Object.fromEntries(
      ['git', 'registry', 'pods', 'artifacts', 'flux'].map((d) => [d, path.join(stateDir, d)]),
    ) as Record<'git' | 'registry' | 'pods' | 'artifacts' | 'flux', string>;
    await Promise.all(Object.values(dirs).map((d) => mkdir(d, { recursive: true })));

    // Endpoints first: everything else points at them.
    this.#registry =
      this.options.registry === 'distribution'
        ? new DistributionRegistry({ root: dirs.registry, user: 'sandbox', password: this.#secrets.registryPassword })
        : new Registry({
            root: dirs.registry,
            user: 'sandbox',
            password: this.#secrets.registryPassword,
            faults: this.faults,
            aliases: this.options.registryAliases,
          });
    this.#git = new GitServer({
      root: dirs.git,
      user: 'sandbox',
      token: this.#secrets.gitToken,
      faults: this.faults,
      clock: this.clock,
    });
    const files = new PodFiles(dirs.pods);
    this.#api = new ApiServer({
      flux: this.options.flux,
      clock: this.clock,
      token: this.#secrets.apiToken,
      logs: this.logs,
      files,
      // exec sees the container's resolved environment (env, envFrom), as on a real node
      exec: { env: envResolver(() => this.api.kube) },
      journalFile: path.join(stateDir, 'journal.jsonl'),
    });
    await Promise.all([this.#registry.start(), this.#git.start(), this.#api.start()]);
    // A knob armed for a moment of the flow leaves a mark in the journal when it switches on.
    this.faults.on('armed', (f: FaultFired) =>
      this.#api?.journal.note(String(this.#api.store.currentRv), faultSpec(f.setting), f.detail),
    );
    const registryHost = this.#registry.host;
    const registryAliases = Object.fromEntries(this.options.registryAliases.map((alias) => [alias, registryHost]));

    // The world: seeded repo and published artifacts.
    const substitutions = { REGISTRY_HOST: registryHost };
    if (this.options.repo) await seedRepoFromRepository(dirs.git, GITOPS_REPO, this.options.repo);
    else await seedRepo(dirs.git, GITOPS_REPO, TEMPLATE_REPO, { branch: 'main', substitutions });
    const artifacts = await this.#publishArtifacts(dirs.artifacts, registryHost);
    for (const setting of this.options.faults) this.faults.set(setting);

    // The cluster's behaviour.
    const kubeconfigPath = path.join(stateDir, 'kubeconfig');
    await writeFile(kubeconfigPath, this.#api.kubeconfig(), { mode: 0o600 });
    this.#workloads = new Workloads({
      kube: this.#api.kube,
      clock: this.clock,
      faults: this.faults,
      logs: this.logs,
      files,
      admission: this.#api.admission,
      registryAliases,
    });
    this.#flux = new FluxControllers({
      kube: this.#api.kube,
      clock: this.clock,
      faults: this.faults,
      logs: this.logs,
      stateDir: dirs.flux,
      flux: this.options.flux,
      profile: this.options.profile,
      registryAliases,
      onControllerRestart: (name: string) => this.#restartController(name),
      requeueDependency: this.options.requeueDependency,
    });
    await this.#workloads.start();
    this.#lateRestart = new LateRestart({
      kube: this.#api.kube,
      clock: this.clock,
      faults: this.faults,
      restart: (namespace, pod, container) => this.#workloads?.restartContainer(namespace, pod, container) ?? false,
      log: (line) => process.stderr.write(`[sandbox faults] ${line}\n`),
    });
    this.#lateRestart.start();
    await this.#flux.install();
    await this.#flux.start();
    // A cluster the suite meets has its controllers running: `up` returns once their Deployments are available.
    // (Not azure-arc when `up --fault arc-agent-down` keeps an agent down on purpose.)
    const arcUp = this.options.profile === 'arc' && !this.faults.active('arc-agent-down');
    await this.#controllersAvailable(arcUp ? ['flux-system', 'azure-arc'] : ['flux-system'], 60_000);

    this.#info = {
      kubeconfig: kubeconfigPath,
      apiServer: this.#api.url,
      stateDir,
      pid: process.pid,
      startedAt: new Date().toISOString(),
      startupMs: Date.now() - started,
      flux: this.options.flux,
      profile: this.options.profile,
      timeScale: this.options.timeScale,
      git: {
        url: this.#git.url,
        repoUrl: this.#git.repoUrl(GITOPS_REPO),
        repository: GITOPS_REPO,
        branch: 'main',
        user: 'sandbox',
        token: this.#secrets.gitToken,
      },
      github: { apiUrl: this.#git.apiUrl, token: this.#secrets.gitToken },
      registry: {
        kind: this.options.registry,
        url: this.#registry.url,
        host: registryHost,
        user: 'sandbox',
        password: this.#secrets.registryPassword,
        aliases: this.options.registryAliases,
        repository: MODELS_REPO,
      },
      artifacts,
      tags: { from: FROM_TAG, to: TO_TAG },
      objects: SEEDED_OBJECTS,
      control,
      faults: faultSpecs([...this.faults.list(), ...this.faults.armed()]),
    };
    if (this.options.bootstrap) await this.bootstrap();
    return this.#info;
  }

  /**
   * Runs the seeded repo's bootstrap script from a fresh clone, with only KUBECONFIG set, as a user would; plus
   * REGISTRY_USERNAME/REGISTRY_PASSWORD when the registry needs credentials for pulls, as a user of such a
   * registry would give them.
   */
  async bootstrap(): Promise<void> {
    const info = this.info;
    const work = path.join(this.options.stateDir, 'bootstrap-clone');
    await execa('git', ['clone', '--quiet', info.git.repoUrl, work], { env: { GIT_TERMINAL_PROMPT: '0' } });
    const credentials = PULL_NEEDS_CREDENTIALS[info.registry.kind]
      ? { REGISTRY_USERNAME: info.registry.user, REGISTRY_PASSWORD: info.registry.password }
      : {};
    await execa('bash', ['scripts/gitops-config.sh'], {
      cwd: work,
      env: { KUBECONFIG: info.kubeconfig, PATH: process.env.PATH, ...credentials },
      extendEnv: false,
    });
  }

  /** Stops every part, newest first; safe to call twice. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#lateRestart?.stop();
    // The requests every client made, kept after `down` (which removes the rest) so a bench can read a suite
    // run's requests per minute once the suite has stopped its sandbox — and, one per line in `timeline`, when
    // each part of the suite made its first request (start-up, phase-to-phase gaps).
    if (this.#api) {
      const requests = { ...this.#api.requestDetail(), timeline: this.#api.requestTimeline() };
      await writeFile(path.join(this.options.stateDir, REQUESTS_FILE), JSON.stringify(requests, null, 1)).catch(
        () => undefined,
      );
    }
    await this.#flux?.stop();
    await this.#workloads?.stop();
    await Promise.allSettled([this.#api?.stop(), this.#git?.stop(), this.#registry?.stop()]);
  }

  async #publishArtifacts(dir: string, registryHost: string): Promise<Record<string, string>> {
    const client = new OciClient({
      registry: registryHost,
      plainHttp: true,
      username: 'sandbox',
      password: this.#secrets.registryPassword,
      userAgent: 'gitops-sandbox',
    });
    const artifacts: Record<string, string> = {};
    const wanted = [`${MODELS_REPO}:${FROM_TAG}`, ...this.options.publish];
    for (const tag of new Set([FROM_TAG, TO_TAG, ...wanted.map((ref) => ref.slice(ref.lastIndexOf(':') + 1))])) {
      const file = path.join(dir, tag, 'models.tar.gz');
      await mkdir(path.dirname(file), { recursive: true });
      await buildModelsTarGz(tag, file);
      artifacts[tag] = file;
    }
    for (const ref of wanted) {
      const [repo, tag] = [ref.slice(0, ref.lastIndexOf(':')), ref.slice(ref.lastIndexOf(':') + 1)];
      await client.pushArtifact(repo, tag, {
        artifactType: ARTIFACT_TYPE,
        files: [{ path: artifacts[tag]!, mediaType: 'application/gzip', title: 'models.tar.gz' }],
      });
    }
    return artifacts;
  }

  /** Resolves once every Deployment in `namespaces` has all its replicas available, or after `timeoutMs`. */
  #controllersAvailable(namespaces: string[], timeoutMs: number): Promise<void> {
    const kube = this.api.kube;
    const pending = () =>
      namespaces.flatMap((namespace) =>
        kube
          .list({ apiVersion: 'apps/v1', kind: 'Deployment', namespace })
          .filter(
            (d) =>
              (d.status?.availableReplicas ?? 0) < (d.spec?.replicas ?? 1) ||
              d.status?.observedGeneration !== d.metadata.generation,
          ),
      );
    return new Promise((resolve) => {
      const cancels: Array<() => void> = [];
      let done = false;
      const finish = () => {
        if (done) return;
        done = true;
        queueMicrotask(() => cancels.forEach((c) => c()));
        resolve();
      };
      const check = () => {
        if (pending().length === 0) finish();
      };
      for (const namespace of namespaces)
        cancels.push(kube.watch({ apiVersion: 'apps/v1', kind: 'Deployment', namespace }, {}, check));
      const timer = setTimeout(() => {
        console.log(
          `${new Date().toISOString()} controllers not available after ${timeoutMs} ms: ${pending()
            .map((d) => `${d.metadata.namespace}/${d.metadata.name}`)
            .join(', ')}`,
        );
        finish();
      }, timeoutMs);
      cancels.push(() => clearTimeout(timer));
      check();
    });
  }

  #restartController(name: string): void {
    const pods = this.api.kube.list(
      { apiVersion: 'v1', kind: 'Pod', namespace: 'flux-system' },
      { labelSelector: `app=${name}` },
    );
    for (const pod of pods) {
      const container = pod.spec?.containers?.[0]?.name ?? 'manager';
      this.#workloads?.restartContainer('flux-system', pod.metadata.name, container);
    }
  }

  #applyClockSkew(): void {
    const skew = this.faults.active('clock-skew');
    this.clock.skewMs = typeof skew?.value === 'number' ? skew.value : 0;
  }
}

function token(): string {
  return randomBytes(18).toString('base64url');
}
