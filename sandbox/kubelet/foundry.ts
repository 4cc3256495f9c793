/**
 * The Foundry Local container, emulated: recognised by its `FOUNDRY_BYO_*` environment, it logs its
 * configuration (`🏷️ Tag: <tag>` among it), pulls the BYO models artifact `<registry>/<repo>:<tag>` over real
 * HTTP with the OCI client (digest-verified, streamed, progress logged), unpacks `models.tar.gz` into
 * `/home/foundry/.foundry/cache/models/` of the pod's file tree, lists the models it found and only then
 * listens on its port — which is what its startup/readiness probes see. A failed pull (registry down, tag
 * missing, digest mismatch) logs the error and exits 1, so the kubelet shows CrashLoopBackOff. The
 * `crash-on-tag=<tag>` fault makes it exit 1 shortly after start when its tag is that tag; `log-tag=<tag>` makes
 * it download its real tag but log `🏷️ Tag: <that tag>` (a pod announcing another tag than it deployed).
 */
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { OciClient } from '../../lib/oci/client.ts';
import type { Descriptor, ImageManifest } from '../../lib/oci/manifest.ts';
import { formatGoDuration as goDuration } from '../../helpers/durations.ts';
import { listModels, unpackModels } from './model-cache.ts';
import type { ContainerProcess, ProcessContext, ProcessKind } from './process.ts';

/** Where Foundry Local keeps its models inside the container. */
export const MODELS_DIR = '/home/foundry/.foundry/cache/models';
const DOWNLOAD_FILE = '/tmp/foundry-byo/models.tar.gz';
const DEFAULT_PORT = 5000;
/** Cluster ms between SIGTERM and exit, and from start to the crash of the `crash-on-tag` fault. */
const SHUTDOWN_MS = 150;
const CRASH_AFTER_MS = 800;

/** True for containers configured as a Foundry Local BYO server. */
export function isFoundry(env: Record<string, string>): boolean {
  return Object.keys(env).some((k) => k.startsWith('FOUNDRY_BYO_'));
}

/** `registry` without a scheme, mapped through the aliases; plain HTTP for loopback hosts or an http:// scheme. */
export function registryEndpoint(
  registry: string,
  aliases: Record<string, string>,
): { host: string; plainHttp: boolean } {
  const scheme = /^(https?):\/\//i.exec(registry)?.[1]?.toLowerCase();
  const bare = registry.replace(/^https?:\/\//i, '').replace(/\/+$/, '');
  const host = aliases[bare] ?? bare;
  const plainHttp = scheme === 'http' || /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?$/.test(host);
  return { host, plainHttp };
}

function megabytes(bytes: number): string {
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}

class FoundryProcess implements ContainerProcess {
  readonly #ctx: ProcessContext;
  readonly #abort = new AbortController();
  readonly #ports: Set<number | string>;
  #ready = false;
  #done = false;
  #cancelTimer?: () => void;

  constructor(ctx: ProcessContext) {
    this.#ctx = ctx;
    const declared: Array<{ containerPort?: number; name?: string }> = ctx.container.ports ?? [];
    const port = Number(ctx.env.FOUNDRY_PORT) || declared[0]?.containerPort || DEFAULT_PORT;
    this.#ports = new Set<number | string>([
      port,
      ...declared.flatMap((p) => [p.containerPort ?? port, ...(p.name ? [p.name] : [])]),
    ]);
    void this.#main(port);
  }

  listening(port?: number | string): boolean {
    return this.#ready && !this.#done && (port === undefined || this.#ports.has(port));
  }

  terminate(): void {
    if (this.#done) return;
    this.#ctx.log('info: Microsoft.Hosting.Lifetime[0]');
    this.#ctx.log('      Application is shutting down...');
    this.#ctx.log('👋 Foundry Local stopped');
    this.#abort.abort();
    this.#cancelTimer?.();
    this.#cancelTimer = this.#ctx.clock.after(SHUTDOWN_MS, () => this.#exit(0));
  }

  kill(): void {
    this.#done = true;
    this.#abort.abort();
    this.#cancelTimer?.();
  }

  #exit(code: number): void {
    if (this.#done) return;
    this.#done = true;
    this.#ready = false;
    this.#ctx.exit(code);
  }

  #log(line: string): void {
    if (!this.#done) this.#ctx.log(line);
  }

  async #main(port: number): Promise<void> {
    const { env } = this.#ctx;
    const registry = env.FOUNDRY_BYO_REGISTRY ?? '';
    const repo = env.FOUNDRY_BYO_REPO ?? env.FOUNDRY_BYO_REPOSITORY ?? '';
    const tag = env.FOUNDRY_BYO_TAG ?? 'latest';
    const autoDeploy = (env.FOUNDRY_AUTO_DEPLOY_BYO_MODELS ?? 'true').toLowerCase() !== 'false';
    this.#log('🚀 Starting Foundry Local (container mode)');
    this.#log(`🖥️  Execution provider: CUDAExecutionProvider (GPUs visible: ${env.NVIDIA_VISIBLE_DEVICES ?? 'all'})`);
    this.#log(`📦 BYO models auto-deploy: ${autoDeploy ? 'enabled' : 'disabled'}`);
    this.#log(`🌐 Registry: ${registry}`);
    this.#log(`📁 Repository: ${repo}`);
    const shownTag = String(this.#ctx.faults.active('log-tag')?.value ?? tag);
    this.#log(`🏷️ Tag: ${shownTag}`);
    const crashTag = this.#ctx.faults.active('crash-on-tag')?.value;
    if (crashTag !== undefined && crashTag === tag) {
      this.#cancelTimer = this.#ctx.clock.after(CRASH_AFTER_MS, () => {
        this.#log(
          `Unhandled exception. System.InvalidOperationException: failed to initialize the model runtime for BYO tag ${tag}`,
        );
        this.#log('   at Microsoft.AI.Foundry.Local.Service.ModelLoader.LoadAsync()');
        this.#log('❌ Foundry Local exited with code 1');
        this.#exit(1);
      });
      return;
    }
    try {
      if (autoDeploy && registry && repo) await this.#deployModels(registry, repo, tag);
      const models = await listModels(this.#ctx.files.resolve(this.#ctx.pod, MODELS_DIR));
      this.#log(`📚 Found ${models.length} model${models.length === 1 ? '' : 's'} in ${MODELS_DIR}/`);
      for (const m of models) this.#log(`   • ${m.path} (${m.name})`);
    } catch (error) {
      if (this.#done || this.#abort.signal.aborted) return;
      const ref = `${registry}/${repo}:${tag}`;
      this.#log(
        `❌ Failed to deploy BYO models from ${ref}: ${error instanceof Error ? error.message : String(error)}`,
      );
      this.#log('❌ Foundry Local exited with code 1');
      this.#exit(1);
      return;
    }
    if (this.#done) return;
    this.#log('info: Microsoft.Hosting.Lifetime[14]');
    this.#log(`      Now listening on: http://0.0.0.0:${port}`);
    this.#ready = true;
    // The readiness line repeats the tag so that `kubectl logs -l …` (which shows only the last 10 lines per
    // pod) still answers the plan's `| grep "Tag:"` after the model listing.
    this.#log(`✅ Foundry Local is ready on port ${port} (🏷️ Tag: ${shownTag})`);
  }

  async #deployModels(registry: string, repo: string, tag: string): Promise<void> {
    const { host, plainHttp } = registryEndpoint(registry, this.#ctx.registryAliases);
    const env = this.#ctx.env;
    const client = new OciClient({
      registry: host,
      plainHttp,
      username: env.FOUNDRY_BYO_USERNAME,
      password: env.FOUNDRY_BYO_PASSWORD,
      userAgent: 'foundry-local/0.8 (sandbox)',
    });
    this.#log(`🔍 Resolving ${registry}/${repo}:${tag}${host !== registry ? ` (via ${host})` : ''}`);
    const fetched = await client.fetchManifest(repo, tag);
    const manifest = fetched.manifest as ImageManifest;
    const layer: Descriptor | undefined =
      (manifest.layers ?? []).find((l) => l.annotations?.['org.opencontainers.image.title'] === 'models.tar.gz') ??
      (manifest.layers ?? []).find((l) => /gzip/.test(l.mediaType));
    if (!layer) throw new Error(`manifest ${fetched.digest} has no models.tar.gz layer`);
    this.#log(
      `📄 Manifest ${fetched.digest} (artifactType ${manifest.artifactType ?? 'none'}, ${(manifest.layers ?? []).length} layer)`,
    );
    const archive = this.#ctx.files.resolve(this.#ctx.pod, DOWNLOAD_FILE);
    await mkdir(path.dirname(archive), { recursive: true });
    this.#log(`⬇️ Downloading models.tar.gz (${layer.size} bytes, ${layer.digest})`);
    const started = Date.now();
    let logged = -1;
    await client.pullBlob(repo, layer, archive, {
      signal: this.#abort.signal,
      onProgress: (received, total) => {
        const pct = total > 0 ? Math.floor((received * 100) / total) : 100;
        const step = Math.floor(pct / 10) * 10;
        if (step <= logged) return;
        logged = step;
        this.#log(
          `⬇️ Downloading models... ${step}% (${received}/${total} bytes, ${megabytes(received)} of ${megabytes(total)})`,
        );
      },
    });
    const ms = Math.max(1, Date.now() - started);
    this.#log(
      `✅ Downloaded ${layer.size} bytes in ${goDuration(ms)} (${(((layer.size / ms) * 1000) / 1_000_000).toFixed(2)} MB/s), digest ${layer.digest} verified`,
    );
    const modelsDir = this.#ctx.files.resolve(this.#ctx.pod, MODELS_DIR);
    this.#log(`📦 Extracting models.tar.gz into ${MODELS_DIR}/`);
    const files = await unpackModels(archive, modelsDir);
    await rm(archive, { force: true });
    this.#log(`📦 Extracted ${files} files`);
  }
}

/** The Foundry Local behaviour: any container with a `FOUNDRY_BYO_*` variable. */
export const FOUNDRY_PROCESS: ProcessKind = {
  name: 'foundry',
  matches: (ctx) => isFoundry(ctx.env),
  start: (ctx) => new FoundryProcess(ctx),
};
