/**
 * OCI content digests (`sha256:<hex>`): parsing, computing and verifying. Both the client and the sandbox's
 * registry use these, so a digest accepted on one side is accepted on the other.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/** Digest algorithms with the hex length each must have (image-spec: sha256 required, sha512 optional). */
export const DIGEST_ALGORITHMS = { sha256: 64, sha512: 128 } as const;

export type DigestAlgorithm = keyof typeof DIGEST_ALGORITHMS;

/** A digest split into its parts. */
export interface ParsedDigest {
  algorithm: DigestAlgorithm;
  hex: string;
}

/** Parses `algorithm:hex`; undefined when the algorithm is unknown or the hex part malformed. */
export function parseDigest(digest: string): ParsedDigest | undefined {
  const match = /^([a-z0-9]+(?:[+._-][a-z0-9]+)*):([a-f0-9]+)$/.exec(digest);
  if (!match) return undefined;
  const algorithm = match[1] as DigestAlgorithm;
  const length = DIGEST_ALGORITHMS[algorithm];
  if (length === undefined || match[2]!.length !== length) return undefined;
  return { algorithm, hex: match[2]! };
}

/** True for a well-formed digest of a supported algorithm. */
export function isDigest(text: string): boolean {
  return parseDigest(text) !== undefined;
}

/** The digest of bytes held in memory. */
export function digestOf(bytes: Uint8Array | string, algorithm: DigestAlgorithm = 'sha256'): string {
  return `${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}`;
}

/** Digest and size of a file, read as a stream (files may be hundreds of MB). */
export async function digestFile(
  file: string,
  algorithm: DigestAlgorithm = 'sha256',
): Promise<{ digest: string; size: number }> {
  const hash = createHash(algorithm);
  let size = 0;
  for await (const chunk of createReadStream(file, { highWaterMark: 1024 * 1024 })) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { digest: `${algorithm}:${hash.digest('hex')}`, size };
}
