/**
 * Container images as containerd on a node reports them: normalised references (`nginx` →
 * `docker.io/library/nginx:latest`), an `imageID` (`repo@sha256:…`), a plausible size and pull time, and the
 * node's cache of pulled images that decides between `Pulling` and `already present on machine`.
 */
import { createHash } from 'node:crypto';

/** The fully qualified reference containerd reports in `containerStatuses[].image`. */
export function normalizeImage(image: string): string {
  let ref = image;
  const firstSlash = ref.indexOf('/');
  const first = firstSlash < 0 ? '' : ref.slice(0, firstSlash);
  const hasRegistry = first.includes('.') || first.includes(':') || first === 'localhost';
  if (!hasRegistry) ref = `docker.io/${firstSlash < 0 ? `library/${ref}` : ref}`;
  const lastSegment = ref.slice(ref.lastIndexOf('/') + 1);
  if (!ref.includes('@') && !lastSegment.includes(':')) ref = `${ref}:latest`;
  return ref;
}

function digestOf(image: string): string {
  return createHash('sha256')
    .update(`image:${normalizeImage(image)}`)
    .digest('hex');
}

/** `repo@sha256:<hex>`: stable per image reference, like a registry digest. */
export function imageId(image: string): string {
  const ref = normalizeImage(image);
  if (ref.includes('@')) return ref;
  const repo = ref.slice(0, ref.lastIndexOf(':'));
  return `${repo}@sha256:${digestOf(image)}`;
}

/** A deterministic image size in bytes (30–530 MB), for the `Pulled` event. */
export function imageSize(image: string): number {
  return 30_000_000 + (parseInt(digestOf(image).slice(0, 8), 16) % 500_000_000);
}

/** A deterministic pull duration in cluster milliseconds (0.4–1.6 s). */
export function pullDurationMs(image: string): number {
  return 400 + (parseInt(digestOf(image).slice(8, 12), 16) % 1200);
}

/** The node's image store: what has been pulled already. */
export class ImageCache {
  readonly #pulled = new Set<string>();

  has(image: string): boolean {
    return this.#pulled.has(normalizeImage(image));
  }

  add(image: string): void {
    this.#pulled.add(normalizeImage(image));
  }

  /** Pulled images, for `node.status.images`. */
  list(): string[] {
    return [...this.#pulled];
  }
}
