/**
 * image-reflector-controller's tag database: the tags of each canonical image name as last scanned, with
 * the checksum Flux reports as `lastScanResult.revision` (Adler-32 of the JSON tag list). Shared by the
 * ImageRepository and ImagePolicy reconcilers; it survives a controller restart like the controller's
 * on-disk database does.
 */

/** Adler-32 of a buffer (Go's hash/adler32). */
export function adler32(data: Buffer): number {
  let a = 1;
  let b = 0;
  for (const byte of data) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  return ((b << 16) | a) >>> 0;
}

/** Tags by canonical image name. */
export class TagDatabase {
  readonly #tags = new Map<string, string[]>();

  tags(canonicalName: string): string[] {
    return [...(this.#tags.get(canonicalName) ?? [])];
  }

  /** Stores the tags (in the order given) and returns their checksum. */
  set(canonicalName: string, tags: string[]): string {
    this.#tags.set(canonicalName, [...tags]);
    return String(adler32(Buffer.from(JSON.stringify(tags))));
  }
}
