#!/usr/bin/env node
/**
 * The foundry stand-in: a small container for the kind lane that does what the sandbox's emulated Foundry Local
 * container does (sandbox/kubelet/foundry.ts), with the same environment as the chart gives the real one:
 * logs its configuration with `🏷️ Tag: <tag>`, pulls the BYO models artifact `<registry>/<repo>:<tag>` (digest
 * verified by the OCI client), unpacks `models.tar.gz` into the model cache dir, lists the models it found, and
 * only then listens on its port (what the probes see). A failed pull logs the error and exits 1.
 *
 * Env: FOUNDRY_BYO_REGISTRY, FOUNDRY_BYO_REPO, FOUNDRY_BYO_TAG, FOUNDRY_BYO_USERNAME/FOUNDRY_BYO_PASSWORD (optional),
 *      FOUNDRY_PORT (5000), FOUNDRY_MODELS_DIR (/home/foundry/.foundry/cache/models),
 *      FOUNDRY_BYO_PLAIN_HTTP (true/false; default: plain HTTP for http://, loopback and private-network hosts).
 */
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { x as untar } from 'tar';
import { OciClient } from '../../../lib/oci/client.ts';
import type { ImageManifest } from '../../../lib/oci/manifest.ts';

export const MODELS_DIR = '/home/foundry/.foundry/cache/models';

export interface StandinOptions {
  env: Record<string, string | undefined>;
  log: (line: string) => void;
}

/** `host[:port]` and whether to speak plain HTTP to it. */
export function registryEndpoint(registry: string, plain?: string): { host: string; plainHttp: boolean } {
  const scheme = /^(https?):\/\//i.exec(registry)?.[1]?.toLowerCase();
  const host = registry.replace(/^https?:\/\//i, '').replace(/\/+$/, '');
  const bare = host.replace(/:\d+$/, '');
  const local =
    /^(localhost|127\.\d+\.\d+\.\d+|10\.\d+\.\d+\.\d+|192\.168\.\d+\.\d+|172\.(1[6-9]|2\d|3[01])\.\d+\.\d+|\[::1\])$/.test(
      bare,
    );
  return { host, plainHttp: plain ? plain === 'true' : scheme === 'http' || (scheme === undefined && local) };
}

/** Pulls and unpacks the tag's models; returns the model folders found (`publisher/id/vN`). */
export async function pullModels(options: StandinOptions & { modelsDir: string }): Promise<string[]> {
  const { env, log } = options;
  const registry = env.FOUNDRY_BYO_REGISTRY ?? '';
  const repo = env.FOUNDRY_BYO_REPO ?? '';
  const tag = env.FOUNDRY_BYO_TAG ?? '';
  for (const [name, value] of Object.entries({
    FOUNDRY_BYO_REGISTRY: registry,
    FOUNDRY_BYO_REPO: repo,
    FOUNDRY_BYO_TAG: tag,
  })) {
    if (!value) throw new Error(`${name} is not set`);
  }
  log('🚀 Starting Foundry Local (stand-in)');
  log(`🌐 Registry: ${registry}`);
  log(`📁 Repository: ${repo}`);
  log(`🏷️ Tag: ${tag}`);
  const { host, plainHttp } = registryEndpoint(registry, env.FOUNDRY_BYO_PLAIN_HTTP);
  const client = new OciClient({
    registry: host,
    plainHttp,
    ...(env.FOUNDRY_BYO_USERNAME ? { username: env.FOUNDRY_BYO_USERNAME } : {}),
    ...(env.FOUNDRY_BYO_PASSWORD ? { password: env.FOUNDRY_BYO_PASSWORD } : {}),
  });
  log(`🔍 Resolving ${host}/${repo}:${tag}`);
  const fetched = await client.fetchManifest(repo, tag);
  const manifest = fetched.manifest as ImageManifest;
  const layer =
    (manifest.layers ?? []).find((l) => l.annotations?.['org.opencontainers.image.title'] === 'models.tar.gz') ??
    manifest.layers?.[0];
  if (!layer) throw new Error(`${repo}:${tag} has no layers`);
  const work = await mkdtemp(path.join(tmpdir(), 'foundry-byo-'));
  try {
    const archive = path.join(work, 'models.tar.gz');
    log(`⬇️ Downloading models.tar.gz (${layer.size} bytes, ${layer.digest})`);
    await client.pullBlob(repo, layer, archive);
    log(`✅ Downloaded, digest ${layer.digest} verified`);
    await rm(options.modelsDir, { recursive: true, force: true });
    await mkdir(options.modelsDir, { recursive: true });
    log(`📦 Extracting models.tar.gz into ${options.modelsDir}/`);
    await untar({ file: archive, cwd: options.modelsDir, strict: true });
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  const models = await modelFolders(options.modelsDir);
  log(`📚 Found ${models.length} model${models.length === 1 ? '' : 's'} in ${options.modelsDir}/`);
  for (const m of models) log(`   • ${m}`);
  return models;
}

/** Folders three levels down (`publisher/model/vN`), as Foundry Local lays out its cache. */
async function modelFolders(dir: string, depth = 3, prefix = ''): Promise<string[]> {
  const entries = await readdir(path.join(dir, prefix), { withFileTypes: true }).catch(() => []);
  const dirs = entries.filter((e) => e.isDirectory()).map((e) => (prefix ? `${prefix}/${e.name}` : e.name));
  if (depth === 1) return dirs.sort();
  return (await Promise.all(dirs.map((d) => modelFolders(dir, depth - 1, d)))).flat().sort();
}

/** Pulls, then serves `GET /` (200) on the port until SIGTERM; exits 1 when the pull fails. */
export async function main(env = process.env, log = (line: string) => console.log(line)): Promise<Server | undefined> {
  try {
    await pullModels({ env, log, modelsDir: env.FOUNDRY_MODELS_DIR ?? MODELS_DIR });
  } catch (err) {
    log(`❌ Failed to deploy BYO models: ${(err as Error).message}`);
    log('❌ Foundry Local exited with code 1');
    process.exitCode = 1;
    return undefined;
  }
  const port = Number(env.FOUNDRY_PORT) || 5000;
  const server = createServer((_req, res) =>
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ tag: env.FOUNDRY_BYO_TAG, ready: true })),
  );
  await new Promise<void>((resolve) => server.listen(port, resolve));
  log(`✅ Foundry Local is ready on port ${port} (🏷️ Tag: ${env.FOUNDRY_BYO_TAG})`);
  process.once('SIGTERM', () => {
    log('👋 Foundry Local stopped');
    server.close();
  });
  return server;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
