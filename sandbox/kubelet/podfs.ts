/**
 * Each pod's own file tree on the host, standing in for the container's root filesystem.
 *
 * The kubelet writes model files here, and exec'ed commands read and write here, always through `resolve`,
 * which interprets a path the way the kernel would inside a chroot: `..` stops at `/`, and symlinks (absolute or
 * relative) are followed *within* the tree. So nothing a container does can name a host file outside its tree,
 * except what the kubelet mounted into it on purpose (`mount`, the sandbox's volumes).
 */
import { lstatSync, mkdirSync, readlinkSync } from 'node:fs';
import { chmod, mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { KubeObject } from '../kube/types.ts';
import { groupText, passwdText } from './container-identity.ts';

/** Symlinks followed while resolving one path before giving up, as Linux does (ELOOP). */
const MAX_SYMLINKS = 40;

/** A host directory mounted into a pod's tree (a volume). */
interface Mount {
  /** Path components inside the container, e.g. `['models']`. */
  at: string[];
  hostDir: string;
  readOnly: boolean;
}

/** Options of `PodFiles.resolve`. */
export interface ResolveOptions {
  /** Follow a symlink in the last component (default true). False for `lstat`, `unlink`, `ls -l`. */
  followFinal?: boolean;
  /** The caller means to modify the path: refused with EROFS inside a read-only mount. */
  write?: boolean;
}

/**
 * A path error carrying an errno-style `code` (ENOENT, ELOOP, EROFS, EXDEV…) like Node's fs errors, so
 * commands can word it as coreutils would.
 */
export class PodPathError extends Error {
  override readonly name = 'PodPathError';
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

/** The base tree every container sees: directories, then files with their content. */
const BASE_DIRS = ['bin', 'dev', 'etc', 'home/foundry', 'root', 'tmp', 'usr/bin', 'usr/local/bin', 'var/log'];

/**
 * The per-pod file trees under one root directory: `<rootDir>/<namespace>_<name>_<uid>/` is the container's `/`
 * (one tree per pod, shared by its containers). Create one per sandbox; it holds only the mount table in memory.
 */
export class PodFiles {
  readonly rootDir: string;
  readonly #mounts = new Map<string, Mount[]>();

  constructor(rootDir: string) {
    this.rootDir = path.resolve(rootDir);
  }

  /** The host directory that is the pod's `/`. */
  rootOf(pod: KubeObject): string {
    const { namespace = 'default', name, uid = 'nouid' } = pod.metadata;
    return path.join(this.rootDir, `${namespace}_${name}_${uid}`);
  }

  /**
   * Creates the pod's tree with a small base layout (/home/foundry, /tmp, /etc/hostname, /etc/passwd, …) and
   * returns its root. Idempotent: existing files are left as they are.
   */
  async ensure(pod: KubeObject): Promise<string> {
    const root = this.rootOf(pod);
    for (const dir of BASE_DIRS) await mkdir(path.join(root, dir), { recursive: true });
    await chmod(path.join(root, 'tmp'), 0o1777);
    const hostname = podHostname(pod);
    const files: Record<string, string> = {
      'etc/hostname': `${hostname}\n`,
      'etc/hosts': `# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n${pod.status?.podIP ?? '10.244.0.10'}\t${hostname}\n`,
      'etc/passwd': passwdText(),
      'etc/group': groupText(),
      'etc/os-release':
        'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nID=debian\n',
    };
    for (const [file, text] of Object.entries(files)) {
      await writeFile(path.join(root, file), text, { flag: 'wx' }).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'EEXIST') throw err;
      });
    }
    return root;
  }

  /**
   * Mounts a host directory at `containerPath` in the pod's tree (a volume: a shared model cache, an emptyDir).
   * Paths under it resolve into `hostDir`; symlinks there still resolve within the container's view.
   */
  mount(pod: KubeObject, containerPath: string, hostDir: string, options: { readOnly?: boolean } = {}): void {
    const root = this.rootOf(pod);
    const at = components(containerPath);
    const mounts = (this.#mounts.get(root) ?? []).filter((m) => m.at.join('/') !== at.join('/'));
    mounts.push({ at, hostDir: path.resolve(hostDir), readOnly: options.readOnly ?? false });
    // Longest mount point first, so nested mounts win.
    mounts.sort((a, b) => b.at.length - a.at.length);
    this.#mounts.set(root, mounts);
    mkdirSync(hostDir, { recursive: true });
    // The mount point must exist in its parent directory too, or `ls` of the parent would not show it.
    if (at.length > 0) {
      const parent = this.resolve(pod, `/${at.slice(0, -1).join('/')}`);
      mkdirSync(path.join(parent, at[at.length - 1]), { recursive: true });
    }
  }

  /** True when `containerPath` is exactly a mount point (commands must not delete it). */
  isMountPoint(pod: KubeObject, containerPath: string): boolean {
    const at = components(containerPath).join('/');
    return (this.#mounts.get(this.rootOf(pod)) ?? []).some((m) => m.at.join('/') === at);
  }

  /**
   * Maps an absolute in-container path to the host path, following symlinks inside the tree (chroot
   * semantics) and clamping `..` at `/`. Relative paths count from `/`. Throws `PodPathError` (ELOOP, EROFS,
   * EXDEV) instead of ever answering a host path outside the tree or its mounts.
   */
  resolve(pod: KubeObject, containerPath: string, options: ResolveOptions = {}): string {
    const root = this.rootOf(pod);
    const mounts = this.#mounts.get(root) ?? [];
    const followFinal = options.followFinal ?? true;
    const pending = components(containerPath, true);
    let resolved: string[] = [];
    let hops = 0;
    while (pending.length > 0) {
      const part = pending.shift() as string;
      if (part === '' || part === '.') continue;
      if (part === '..') {
        resolved.pop();
        continue;
      }
      const candidate = [...resolved, part];
      if (pending.length === 0 && !followFinal) {
        resolved = candidate;
        break;
      }
      const target = symlinkTarget(hostPath(root, mounts, candidate));
      if (target === undefined) {
        resolved = candidate;
        continue;
      }
      if (++hops > MAX_SYMLINKS) throw new PodPathError('ELOOP', `${containerPath}: Too many levels of symbolic links`);
      if (target.startsWith('/')) resolved = [];
      pending.unshift(...target.split('/'));
    }
    const mount = mountOf(mounts, resolved);
    if (options.write && mount?.readOnly) throw new PodPathError('EROFS', `${containerPath}: Read-only file system`);
    const host = hostPath(root, mounts, resolved);
    const base = mount?.hostDir ?? root;
    const rel = path.relative(base, host);
    if (rel.startsWith('..') || path.isAbsolute(rel))
      throw new PodPathError('EXDEV', `${containerPath}: escapes the pod's file tree`);
    return host;
  }

  /** Deletes the pod's tree (the pod is gone) and forgets its mounts; mounted host directories are kept. */
  async remove(pod: KubeObject): Promise<void> {
    const root = this.rootOf(pod);
    this.#mounts.delete(root);
    await rm(root, { recursive: true, force: true });
  }
}

/** The hostname a pod's containers see: `spec.hostname` or the pod name, cut to 63 characters like the kubelet. */
export function podHostname(pod: KubeObject): string {
  return String(pod.spec?.hostname ?? pod.metadata.name).slice(0, 63);
}

/** Path components; with `keepDots` the `.`/`..` entries stay for `resolve` to interpret in order. */
function components(containerPath: string, keepDots = false): string[] {
  const parts = containerPath.split('/').filter((p) => p !== '');
  return keepDots ? parts : parts.filter((p) => p !== '.');
}

function mountOf(mounts: Mount[], parts: string[]): Mount | undefined {
  return mounts.find((m) => m.at.length <= parts.length && m.at.every((p, i) => parts[i] === p));
}

function hostPath(root: string, mounts: Mount[], parts: string[]): string {
  const mount = mountOf(mounts, parts);
  return mount ? path.join(mount.hostDir, ...parts.slice(mount.at.length)) : path.join(root, ...parts);
}

/** The link text when `host` is a symlink; undefined for anything else, including paths that do not exist. */
function symlinkTarget(host: string): string | undefined {
  try {
    return lstatSync(host).isSymbolicLink() ? readlinkSync(host) : undefined;
  } catch {
    return undefined;
  }
}
