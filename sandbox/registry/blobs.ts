/**
 * Blob endpoints of the registry: HEAD/GET/DELETE `/v2/<name>/blobs/<digest>` (with `Range`), and uploads —
 * monolithic (`POST …/blobs/uploads/?digest=` with the body, or POST then PUT), chunked (POST, PATCH with
 * `Content-Range`, PUT `?digest=`), streamed PATCH without a range, status (GET), cancel (DELETE) and
 * cross-repository mount (`?mount=&from=`). Serving applies the `corrupt-artifact` and `slow-download` faults.
 */
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { isDigest } from '../../lib/oci/digest.ts';
import { isIndex, type Manifest } from '../../lib/oci/manifest.ts';
import type { Faults } from '../faults/faults.ts';
import { RegistryError } from './errors.ts';
import type { Exchange } from './exchange.ts';
import type { RegistryStorage } from './storage.ts';
import { Throttle } from './throttle.ts';

/** Handlers for blob and upload routes, sharing one storage and one set of faults. */
export class BlobHandlers {
  readonly #storage: RegistryStorage;
  readonly #faults?: Faults;

  constructor(storage: RegistryStorage, faults?: Faults) {
    this.#storage = storage;
    this.#faults = faults;
  }

  /** HEAD and GET of a blob; GET honours a single `Range: bytes=a-b`. */
  async get(ex: Exchange): Promise<void> {
    const digest = blobDigest(ex.ref);
    const size = await this.#storage.repoBlobSize(ex.repo, digest);
    if (size === undefined) throw new RegistryError('BLOB_UNKNOWN', digest);
    const headers = {
      'Content-Type': 'application/octet-stream',
      'Docker-Content-Digest': digest,
      ETag: `"${digest}"`,
      'Accept-Ranges': 'bytes',
      'Cache-Control': 'max-age=31536000',
    };
    const range = parseRange(ex.header('range'), size);
    if (range === 'invalid') {
      throw new RegistryError(
        'RANGE_INVALID',
        {},
        { status: 416, message: 'requested range not satisfiable', headers: { 'Content-Range': `bytes */${size}` } },
      );
    }
    const [start, end] = range ?? [0, size - 1];
    const length = size === 0 ? 0 : end - start + 1;
    ex.res.writeHead(range ? 206 : 200, {
      ...headers,
      'Content-Length': length,
      ...(range ? { 'Content-Range': `bytes ${start}-${end}/${size}` } : {}),
    });
    if (ex.method === 'HEAD' || length === 0) {
      ex.res.end();
      return;
    }
    const stages: Array<NodeJS.ReadableStream | NodeJS.WritableStream> = [
      createReadStream(this.#storage.blobFile(digest), { start, end, highWaterMark: 256 * 1024 }),
    ];
    if (await this.#corrupted(ex.repo, digest)) stages.push(new Corrupter());
    if (this.#faults) {
      const faults = this.#faults;
      stages.push(
        new Throttle(() => {
          const slow = faults.active('slow-download');
          return typeof slow?.value === 'number' ? slow.value : undefined;
        }),
      );
    }
    try {
      await pipeline([...stages, ex.res]);
    } catch (err) {
      // The client went away (or the server is stopping): nothing left to answer.
      if (!ex.res.destroyed) ex.res.destroy(err as Error);
    }
  }

  /** DELETE of a blob: unlinks it from the repository. */
  async delete(ex: Exchange): Promise<void> {
    const digest = blobDigest(ex.ref);
    if (!(await this.#storage.unlinkBlob(ex.repo, digest))) throw new RegistryError('BLOB_UNKNOWN', digest);
    ex.reply(202, { 'Docker-Content-Digest': digest });
  }

  /** POST to start an upload: mount, monolithic (`?digest=` with the body) or a new session. */
  async start(ex: Exchange): Promise<void> {
    const mount = ex.url.searchParams.get('mount');
    const from = ex.url.searchParams.get('from');
    if (mount && from && isDigest(mount) && (await this.#storage.repoBlobSize(from, mount)) !== undefined) {
      await this.#storage.linkBlob(ex.repo, mount);
      ex.reply(201, { Location: `/v2/${ex.repo}/blobs/${mount}`, 'Docker-Content-Digest': mount });
      return;
    }
    const id = await this.#storage.createUpload(ex.repo);
    const digest = ex.url.searchParams.get('digest');
    if (digest !== null) {
      await this.#storage.appendUpload(id, ex.req);
      await this.#finish(ex, id, digest);
      return;
    }
    ex.req.resume();
    ex.reply(202, uploadHeaders(ex.repo, id, 0));
  }

  /** GET of an upload: how much has been received. */
  async status(ex: Exchange): Promise<void> {
    const offset = await this.#offset(ex);
    ex.reply(204, uploadHeaders(ex.repo, ex.ref, offset));
  }

  /** PATCH: appends a chunk (in order, per `Content-Range`) or a whole streamed body. */
  async patch(ex: Exchange): Promise<void> {
    const offset = await this.#offset(ex);
    checkContentRange(ex, offset);
    const next = await this.#storage.appendUpload(ex.ref, ex.req);
    ex.reply(202, uploadHeaders(ex.repo, ex.ref, next));
  }

  /** PUT `?digest=`: appends the optional last chunk and completes the upload. */
  async put(ex: Exchange): Promise<void> {
    const offset = await this.#offset(ex);
    const digest = ex.url.searchParams.get('digest');
    if (digest === null) throw new RegistryError('DIGEST_INVALID', {}, { message: 'digest parameter missing' });
    checkContentRange(ex, offset);
    await this.#storage.appendUpload(ex.ref, ex.req);
    await this.#finish(ex, ex.ref, digest);
  }

  /** DELETE of an upload: cancels it. */
  async cancel(ex: Exchange): Promise<void> {
    await this.#offset(ex);
    await this.#storage.cancelUpload(ex.ref);
    ex.reply(204);
  }

  async #finish(ex: Exchange, id: string, digest: string): Promise<void> {
    if (!isDigest(digest)) {
      await this.#storage.cancelUpload(id);
      throw new RegistryError('DIGEST_INVALID', { digest }, { message: 'provided digest is invalid' });
    }
    await this.#storage.finishUpload(ex.repo, id, digest);
    ex.reply(201, { Location: `/v2/${ex.repo}/blobs/${digest}`, 'Docker-Content-Digest': digest });
  }

  async #offset(ex: Exchange): Promise<number> {
    const offset = await this.#storage.uploadOffset(ex.repo, ex.ref);
    if (offset === undefined) throw new RegistryError('BLOB_UPLOAD_UNKNOWN', {});
    return offset;
  }

  /** True when `corrupt-artifact=<tag>` is on and the blob is a layer of the manifest that tag points to. */
  async #corrupted(repo: string, digest: string): Promise<boolean> {
    const fault = this.#faults?.active('corrupt-artifact');
    if (!fault || typeof fault.value !== 'string') return false;
    const stored = await this.#storage.getManifest(repo, fault.value);
    if (!stored) return false;
    const manifest = JSON.parse(await readFile(stored.file, 'utf8')) as Manifest;
    return !isIndex(manifest) && (manifest.layers ?? []).some((layer) => layer.digest === digest);
  }
}

/** Flips every bit of what passes through: same length, different digest. */
class Corrupter extends Transform {
  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    const out = Buffer.allocUnsafe(chunk.length);
    for (let i = 0; i < chunk.length; i++) out[i] = chunk[i]! ^ 0xff;
    callback(null, out);
  }
}

/** Headers of every upload-session response. */
function uploadHeaders(repo: string, id: string, offset: number): Record<string, string | number> {
  return {
    Location: `/v2/${repo}/blobs/uploads/${id}`,
    // distribution reports "0-0" for an empty upload, not "0--1".
    Range: `0-${Math.max(0, offset - 1)}`,
    'Docker-Upload-UUID': id,
  };
}

/** Chunks must arrive in order: `Content-Range: <offset>-<end>`; 416 with the current range otherwise. */
function checkContentRange(ex: Exchange, offset: number): void {
  const header = ex.header('content-range');
  if (header === undefined) return;
  const match = /^(?:bytes[= ])?(\d+)-(\d+)(?:\/\d+|\/\*)?$/.exec(header.trim());
  const length = ex.header('content-length');
  const valid =
    match &&
    Number(match[1]) === offset &&
    Number(match[2]) >= Number(match[1]) &&
    (length === undefined || Number(length) === Number(match[2]) - Number(match[1]) + 1);
  if (!valid) {
    ex.req.resume();
    throw new RegistryError(
      'RANGE_INVALID',
      { range: header, offset },
      {
        status: 416,
        headers: {
          Location: `/v2/${ex.repo}/blobs/uploads/${ex.ref}`,
          Range: `0-${Math.max(0, offset - 1)}`,
          'Docker-Upload-UUID': ex.ref,
        },
      },
    );
  }
}

function blobDigest(ref: string): string {
  if (!isDigest(ref)) throw new RegistryError('DIGEST_INVALID', { digest: ref }, { message: 'invalid digest' });
  return ref;
}

/** Parses `bytes=a-b`, `bytes=a-` or `bytes=-n`; undefined without a header, 'invalid' when unsatisfiable. */
function parseRange(header: string | undefined, size: number): [number, number] | 'invalid' | undefined {
  if (!header) return undefined;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return 'invalid';
  let start: number;
  let end: number;
  if (match[1] === '') {
    start = Math.max(0, size - Number(match[2]));
    end = size - 1;
  } else {
    start = Number(match[1]);
    end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  }
  return start > end || start >= size ? 'invalid' : [start, end];
}
