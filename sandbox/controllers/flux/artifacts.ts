/**
 * source-controller's artifact storage: reproducible tar.gz archives (and packaged charts) under
 * `<root>/<kind>/<namespace>/<name>/<file>`, advertised at the in-cluster URL real Flux uses, with the
 * sha256 digest consumers verify. Consumers (kustomize-, helm-controller) read artifacts back from here.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { copyFile, mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import * as tar from 'tar';

/** `status.artifact` as Flux writes it. */
export interface Artifact {
  path: string;
  url: string;
  revision: string;
  digest: string;
  lastUpdateTime: string;
  size: number;
  metadata?: Record<string, string>;
}

const HOST = 'http://source-controller.flux-system.svc.cluster.local.';

/** The artifact store rooted at `<stateDir>/artifacts`. */
export class ArtifactStorage {
  readonly root: string;

  constructor(root: string) {
    this.root = root;
  }

  /** Relative artifact path, e.g. `gitrepository/flux-system/repo/<sha>.tar.gz`. */
  relPath(kind: string, namespace: string, name: string, file: string): string {
    return [kind.toLowerCase(), namespace, name, file].join('/');
  }

  url(relPath: string): string {
    return `${HOST}/${relPath}`;
  }

  localPath(relPath: string): string {
    const full = path.resolve(this.root, relPath);
    if (!full.startsWith(this.root + path.sep)) throw new Error(`artifact path escapes the storage: ${relPath}`);
    return full;
  }

  async exists(relPath: string): Promise<boolean> {
    return stat(this.localPath(relPath)).then(
      (s) => s.isFile(),
      () => false,
    );
  }

  /**
   * Archives the listed files (relative to `dir`) as a reproducible tar.gz: sorted entries, portable
   * headers, zero mtimes, so the same tree always has the same digest.
   */
  async archive(dir: string, files: string[], relPath: string): Promise<{ digest: string; size: number }> {
    const target = this.localPath(relPath);
    await mkdir(path.dirname(target), { recursive: true });
    const tmp = tempName(target);
    await tar.c(
      { gzip: { level: 9 }, cwd: dir, file: tmp, portable: true, mtime: new Date(0), noDirRecurse: true },
      [...files].sort(),
    );
    await rename(tmp, target);
    return this.describe(relPath);
  }

  /**
   * Copies a file built elsewhere (a packaged chart) into the store. Atomically: a chart keeps its path while its
   * version stays the same, and a reader (helm-controller) must never see a half-written archive.
   */
  async store(file: string, relPath: string): Promise<{ digest: string; size: number }> {
    const target = this.localPath(relPath);
    await mkdir(path.dirname(target), { recursive: true });
    const tmp = tempName(target);
    await copyFile(file, tmp);
    await rename(tmp, target);
    return this.describe(relPath);
  }

  async describe(relPath: string): Promise<{ digest: string; size: number }> {
    const file = this.localPath(relPath);
    const hash = createHash('sha256');
    for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
    return { digest: `sha256:${hash.digest('hex')}`, size: (await stat(file)).size };
  }

  /** Extracts a tar.gz artifact into `dest`: regular files and directories only (no links escape). */
  async extract(relPath: string, dest: string): Promise<void> {
    await mkdir(dest, { recursive: true });
    await tar.x({
      file: this.localPath(relPath),
      cwd: dest,
      strict: true,
      filter: (_p, entry) => {
        const type = (entry as { type?: string }).type;
        return type === 'File' || type === 'Directory' || type === 'OldFile';
      },
    });
  }

  /** Removes every file of an object's artifact folder except `keep` (garbage collection). */
  async prune(kind: string, namespace: string, name: string, keep: string[]): Promise<void> {
    const dir = this.localPath(this.relPath(kind, namespace, name, 'x'));
    const folder = path.dirname(dir);
    const entries = await readdir(folder).catch(() => [] as string[]);
    const keepNames = new Set(keep.map((k) => path.basename(k)));
    await Promise.all(
      entries.filter((e) => !keepNames.has(e)).map((e) => rm(path.join(folder, e), { force: true, recursive: true })),
    );
    if (keep.length === 0) await rm(folder, { recursive: true, force: true });
  }
}

/** A sibling temp path unique per call, so concurrent writers of one artifact never share a temp file. */
function tempName(target: string): string {
  return `${target}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
}
