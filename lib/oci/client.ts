/**
 * A small OCI distribution client on built-in `fetch`, doing what the suite needs from `oras`: push an artifact
 * the way `oras push --artifact-type T file:type` does, list tags, resolve and fetch manifests, pull blobs and
 * artifacts (streamed and digest-verified), delete, and list the catalog. Used by the test suite's `oras`
 * fixture and by the sandbox's image-reflector and kubelet; it must not import anything from `sandbox/`.
 *
 * Bodies are never buffered: files go up as streams (one PUT, or PATCH chunks beyond `chunkSize`) and come
 * down through a hashing stream into a file.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { RegistryAuth } from './auth.ts';
import { DigestingStream, digestFile, digestOf, isDigest, parseDigest } from './digest.ts';
import { DigestMismatchError, OciError } from './errors.ts';
import {
  ANNOTATIONS,
  buildArtifactManifest,
  EMPTY_CONFIG,
  EMPTY_CONFIG_BYTES,
  isIndex,
  MANIFEST_MEDIA_TYPES,
  MEDIA_TYPES,
  type Descriptor,
  type Manifest,
} from './manifest.ts';
import { REPOSITORY_PATTERN } from './reference.ts';

/** Options of an OciClient. */
export interface OciClientOptions {
  /** Registry host with optional port, e.g. `127.0.0.1:5000` or `myacr.azurecr.io`. */
  registry: string;
  /** Use http:// instead of https://. Defaults to true only for `localhost[:port]`, as oras does. */
  plainHttp?: boolean;
  username?: string;
  /** Password or token (ACR tokens, distribution htpasswd). */
  password?: string;
  userAgent?: string;
  /** A fetch implementation (tests, proxies); the global fetch by default. */
  fetch?: typeof fetch;
  /** Blobs up to this size go up in one PUT; larger ones in PATCH chunks of this size. Default 16 MiB (streamed either way). */
  chunkSize?: number;
  /** Clock for the `created` annotation. */
  now?: () => Date;
}

/** A blob to push: a file path (streamed) or bytes in memory. */
export type BlobSource = string | Uint8Array;

/** One file of an artifact, like `models.tar.gz:application/gzip` on oras' command line. */
export interface ArtifactFile {
  path: string;
  mediaType: string;
  /** Layer title (`org.opencontainers.image.title`); the file's base name by default. */
  title?: string;
}

/** What `pushArtifact` pushes. */
export interface PushArtifactSpec {
  artifactType: string;
  files: ArtifactFile[];
  /** Manifest annotations; giving `org.opencontainers.image.created` makes the manifest reproducible. */
  annotations?: Record<string, string>;
}

/** What `oras push --format json` prints. */
export interface PushResult {
  /** `host/repo@sha256:…` */
  reference: string;
  mediaType: string;
  digest: string;
  size: number;
  annotations: Record<string, string>;
  artifactType: string;
  /** `host/repo:tag` */
  referenceAsTags: string[];
}

/** A fetched manifest with the exact bytes the registry served. */
export interface FetchedManifest {
  digest: string;
  mediaType: string;
  manifest: Manifest;
  raw: Buffer;
}

/** Options of `pullBlob`. */
export interface PullBlobOptions {
  /** Called as bytes arrive, with the running total and the descriptor's size. */
  onProgress?: (received: number, total: number) => void;
  signal?: AbortSignal;
}

/** Options of the listing calls. */
export interface ListOptions {
  /** Page size to ask for (`?n=`); the registry's default when absent. */
  pageSize?: number;
}

/** What `pullArtifact` wrote. */
export interface PulledArtifact {
  digest: string;
  mediaType: string;
  artifactType?: string;
  files: Array<{ path: string; descriptor: Descriptor }>;
}

interface SendOptions {
  /** Repository the request acts on ('' for registry-wide requests); selects the cached token. */
  scope: string;
  expect: number[];
  headers?: Record<string, string>;
  /** A factory, not a body: a retry after an auth challenge needs a fresh stream. */
  body?: () => Uint8Array | ReadableStream<Uint8Array>;
  signal?: AbortSignal;
}

const DEFAULT_CHUNK_SIZE = 16 * 1024 * 1024;
const OCTET_STREAM = 'application/octet-stream';
/** Read size for streamed uploads: big enough that per-chunk overhead does not dominate on large artifacts. */
const READ_CHUNK = 1024 * 1024;

/** A client for one registry. */
export class OciClient {
  /** The registry host this client talks to. */
  readonly registry: string;
  readonly #base: string;
  readonly #fetch: typeof fetch;
  readonly #auth: RegistryAuth;
  readonly #userAgent?: string;
  readonly #chunkSize: number;
  readonly #now: () => Date;

  constructor(options: OciClientOptions) {
    this.registry = options.registry;
    const plain = options.plainHttp ?? /^localhost(:\d+)?$/.test(options.registry);
    this.#base = `${plain ? 'http' : 'https'}://${options.registry}`;
    this.#fetch = options.fetch ?? fetch;
    this.#userAgent = options.userAgent;
    this.#chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
    this.#now = options.now ?? (() => new Date());
    this.#auth = new RegistryAuth({
      username: options.username,
      password: options.password,
      userAgent: options.userAgent,
      fetch: this.#fetch,
    });
  }

  /** Base URL of the registry (`http(s)://host[:port]`). */
  get baseUrl(): string {
    return this.#base;
  }

  /** `GET /v2/`: checks the registry answers and, when it challenges, that the credentials are accepted. */
  async ping(): Promise<void> {
    const res = await this.#send('GET', this.#url('/v2/'), { scope: '', expect: [200] });
    await res.body?.cancel();
  }

  /**
   * Proves the credentials may push to `repo` without storing anything: opens a blob upload session (the first
   * step of every push, which needs push access) and cancels it at once. Throws `OciError` (401/403/…) when the
   * registry refuses; a registry that cannot cancel sessions lets the unused one expire.
   */
  async checkPushAccess(repo: string): Promise<void> {
    const started = await this.#send('POST', this.#repoUrl(repo, 'blobs/uploads/'), { scope: repo, expect: [202] });
    await started.body?.cancel();
    const cancelled = await this.#send('DELETE', locationOf(started, this.#base), { scope: repo, expect: [200, 202, 204, 404, 405] });
    await cancelled.body?.cancel();
  }

  /** True when the repository has the blob (HEAD). */
  async blobExists(repo: string, digest: string): Promise<boolean> {
    const res = await this.#send('HEAD', this.#repoUrl(repo, `blobs/${digest}`), { scope: repo, expect: [200, 404] });
    return res.status === 200;
  }

  /**
   * Uploads a blob unless the repository has it already, and returns its descriptor. Blobs up to `chunkSize`
   * go in one POST+PUT; larger ones as PATCH chunks then a closing PUT. File content is always streamed.
   */
  async pushBlob(repo: string, source: BlobSource, mediaType: string = OCTET_STREAM): Promise<Descriptor> {
    const { digest, size } = typeof source === 'string' ? await digestFile(source) : { digest: digestOf(source), size: source.length };
    const descriptor: Descriptor = { mediaType, digest, size };
    if (await this.blobExists(repo, digest)) return descriptor;

    const started = await this.#send('POST', this.#repoUrl(repo, 'blobs/uploads/'), { scope: repo, expect: [202] });
    let location = locationOf(started, this.#base);
    if (size <= this.#chunkSize) {
      const done = await this.#send('PUT', withDigest(location, digest), {
        scope: repo,
        expect: [201],
        headers: { 'Content-Type': OCTET_STREAM, 'Content-Length': String(size) },
        body: () => slice(source, 0, size - 1),
      });
      await done.body?.cancel();
      return descriptor;
    }
    for (let start = 0; start < size; start += this.#chunkSize) {
      const end = Math.min(size, start + this.#chunkSize) - 1;
      const res = await this.#send('PATCH', location, {
        scope: repo,
        expect: [202],
        headers: { 'Content-Type': OCTET_STREAM, 'Content-Range': `${start}-${end}`, 'Content-Length': String(end - start + 1) },
        body: () => slice(source, start, end),
      });
      // Distribution encodes the upload's state in the Location it returns: always continue from the newest one.
      location = locationOf(res, location);
    }
    const done = await this.#send('PUT', withDigest(location, digest), { scope: repo, expect: [201], headers: { 'Content-Length': '0' } });
    await done.body?.cancel();
    return descriptor;
  }

  /** Pushes a manifest under a tag or digest; returns its digest. Objects are serialised compactly, as Go does. */
  async pushManifest(repo: string, ref: string, manifest: Manifest | Uint8Array, mediaType?: string): Promise<string> {
    const raw = manifest instanceof Uint8Array ? manifest : Buffer.from(JSON.stringify(manifest));
    const type = mediaType ?? (manifest instanceof Uint8Array ? undefined : manifest.mediaType) ?? MEDIA_TYPES.imageManifest;
    const res = await this.#send('PUT', this.#repoUrl(repo, `manifests/${ref}`), {
      scope: repo,
      expect: [201],
      headers: { 'Content-Type': type, 'Content-Length': String(raw.length) },
      body: () => raw,
    });
    await res.body?.cancel();
    return digestOf(raw);
  }

  /**
   * Does what `oras push HOST/REPO:TAG --artifact-type T file:mediaType…` does — empty config blob, one layer per
   * file titled with its base name, an image-spec v1.1 manifest with `created` — and returns what
   * `oras push --format json` prints.
   */
  async pushArtifact(repo: string, tag: string, spec: PushArtifactSpec): Promise<PushResult> {
    await this.pushBlob(repo, EMPTY_CONFIG_BYTES, EMPTY_CONFIG.mediaType);
    const layers: Descriptor[] = [];
    for (const file of spec.files) {
      const pushed = await this.pushBlob(repo, file.path, file.mediaType);
      layers.push({ ...pushed, annotations: { [ANNOTATIONS.title]: file.title ?? path.basename(file.path) } });
    }
    const manifest = buildArtifactManifest({ artifactType: spec.artifactType, layers, annotations: spec.annotations, created: this.#now() });
    const raw = Buffer.from(JSON.stringify(manifest));
    const digest = await this.pushManifest(repo, tag, raw, MEDIA_TYPES.imageManifest);
    return {
      reference: `${this.registry}/${repo}@${digest}`,
      mediaType: MEDIA_TYPES.imageManifest,
      digest,
      size: raw.length,
      annotations: manifest.annotations ?? {},
      artifactType: spec.artifactType,
      referenceAsTags: [`${this.registry}/${repo}:${tag}`],
    };
  }

  /** All tags of a repository, following `Link` pagination (`pageSize` asks for pages of that size with `?n=`). */
  async listTags(repo: string, options: ListOptions = {}): Promise<string[]> {
    const tags: string[] = [];
    const first = withPageSize(this.#repoUrl(repo, 'tags/list'), options.pageSize);
    await this.#paginate(first, repo, (page: { tags?: string[] | null }) => tags.push(...(page.tags ?? [])));
    return tags;
  }

  /** Every repository in the registry (`/v2/_catalog`), following `Link` pagination. */
  async catalog(options: ListOptions = {}): Promise<string[]> {
    const repos: string[] = [];
    const first = withPageSize(this.#url('/v2/_catalog'), options.pageSize);
    await this.#paginate(first, '', (page: { repositories?: string[] | null }) => repos.push(...(page.repositories ?? [])));
    return repos;
  }

  /** Fetches a manifest by tag or digest, verifying its digest against the request or the registry's header. */
  async fetchManifest(repo: string, ref: string): Promise<FetchedManifest> {
    const res = await this.#send('GET', this.#repoUrl(repo, `manifests/${ref}`), {
      scope: repo,
      expect: [200],
      headers: { Accept: MANIFEST_MEDIA_TYPES.join(', ') },
    });
    const raw = Buffer.from(await res.arrayBuffer());
    const claimed = isDigest(ref) ? ref : res.headers.get('docker-content-digest') ?? undefined;
    const algorithm = claimed ? parseDigest(claimed)?.algorithm ?? 'sha256' : 'sha256';
    const digest = digestOf(raw, algorithm);
    if (claimed && claimed !== digest) throw new DigestMismatchError(claimed, digest);
    let manifest: Manifest;
    try {
      manifest = JSON.parse(raw.toString('utf8')) as Manifest;
    } catch {
      throw new OciError({ status: res.status, method: 'GET', url: res.url, errors: [{ code: 'MANIFEST_INVALID', message: 'manifest is not JSON' }] });
    }
    const mediaType = res.headers.get('content-type')?.split(';')[0]?.trim() || manifest.mediaType || MEDIA_TYPES.imageManifest;
    return { digest, mediaType, manifest, raw };
  }

  /** The digest a tag (or digest) points at, from a HEAD request like `oras resolve`. */
  async resolve(repo: string, ref: string): Promise<string> {
    const res = await this.#send('HEAD', this.#repoUrl(repo, `manifests/${ref}`), {
      scope: repo,
      expect: [200],
      headers: { Accept: MANIFEST_MEDIA_TYPES.join(', ') },
    });
    const digest = res.headers.get('docker-content-digest');
    if (digest && isDigest(digest)) return digest;
    return (await this.fetchManifest(repo, ref)).digest;
  }

  /**
   * Downloads a blob into `destFile`, streaming through a hash; the file appears only when the content matched
   * its descriptor. Throws `DigestMismatchError` (`digest mismatch: expected …, got …`) otherwise.
   */
  async pullBlob(repo: string, descriptor: Descriptor, destFile: string, options: PullBlobOptions = {}): Promise<void> {
    const res = await this.#send('GET', this.#repoUrl(repo, `blobs/${descriptor.digest}`), { scope: repo, expect: [200], signal: options.signal });
    if (!res.body) throw new OciError({ status: res.status, method: 'GET', url: res.url, errors: [{ code: 'BLOB_UNKNOWN', message: 'empty response body' }] });
    const algorithm = parseDigest(descriptor.digest)?.algorithm ?? 'sha256';
    const hasher = new DigestingStream(algorithm);
    const counter = new ProgressStream(descriptor.size, options.onProgress);
    await mkdir(path.dirname(destFile), { recursive: true });
    const partial = `${destFile}.partial`;
    try {
      await pipeline(Readable.fromWeb(res.body as import('node:stream/web').ReadableStream), counter, hasher, createWriteStream(partial), { signal: options.signal });
      const actual = hasher.digest();
      if (actual !== descriptor.digest) throw new DigestMismatchError(descriptor.digest, actual);
      if (hasher.size !== descriptor.size) throw new DigestMismatchError(`${descriptor.size} bytes`, `${hasher.size} bytes`, 'size');
      await rename(partial, destFile);
    } catch (err) {
      await rm(partial, { force: true });
      throw err;
    }
  }

  /** Like `oras pull`: writes every titled layer of the manifest under `destDir/<title>`; untitled layers are skipped. */
  async pullArtifact(repo: string, ref: string, destDir: string, options: PullBlobOptions = {}): Promise<PulledArtifact> {
    const fetched = await this.fetchManifest(repo, ref);
    const manifest = fetched.manifest;
    if (isIndex(manifest)) throw new Error(`${this.registry}/${repo}:${ref} is an index (${fetched.mediaType}); pull one of its manifests`);
    const root = path.resolve(destDir);
    const files: PulledArtifact['files'] = [];
    for (const layer of manifest.layers) {
      const title = layer.annotations?.[ANNOTATIONS.title];
      if (!title) continue;
      const target = path.resolve(root, title);
      // oras refuses titles that would write outside the output directory; so do we.
      if (path.isAbsolute(title) || !target.startsWith(root + path.sep)) throw new Error(`layer title "${title}" escapes the output directory`);
      await this.pullBlob(repo, layer, target, options);
      files.push({ path: target, descriptor: layer });
    }
    return { digest: fetched.digest, mediaType: fetched.mediaType, artifactType: manifest.artifactType ?? manifest.config.mediaType, files };
  }

  /** Deletes a manifest; a tag is resolved to its digest first (registries delete manifests by digest). Returns the digest. */
  async deleteManifest(repo: string, ref: string): Promise<string> {
    const digest = isDigest(ref) ? ref : await this.resolve(repo, ref);
    const res = await this.#send('DELETE', this.#repoUrl(repo, `manifests/${digest}`), { scope: repo, expect: [202] });
    await res.body?.cancel();
    return digest;
  }

  /** Deletes a blob from a repository (registries with deletion enabled). */
  async deleteBlob(repo: string, digest: string): Promise<void> {
    const res = await this.#send('DELETE', this.#repoUrl(repo, `blobs/${digest}`), { scope: repo, expect: [202] });
    await res.body?.cancel();
  }

  async #paginate<T>(first: URL, scope: string, onPage: (page: T) => void): Promise<void> {
    let next: URL | undefined = first;
    const seen = new Set<string>();
    while (next) {
      // A registry returning the same Link twice would loop forever.
      if (seen.has(next.href)) throw new Error(`pagination loop at ${next.href}`);
      seen.add(next.href);
      const res: Response = await this.#send('GET', next, { scope, expect: [200] });
      onPage((await res.json()) as T);
      const link = /<([^>]+)>\s*;\s*rel="?next"?/.exec(res.headers.get('link') ?? '');
      next = link ? new URL(link[1]!, this.#base) : undefined;
    }
  }

  /** Sends a request, answering one auth challenge; throws `OciError` when the status is not expected. */
  async #send(method: string, url: URL, options: SendOptions): Promise<Response> {
    let authorization = this.#auth.header(options.scope);
    for (let attempt = 0; ; attempt++) {
      const headers: Record<string, string> = { ...options.headers };
      if (authorization) headers.Authorization = authorization;
      if (this.#userAgent) headers['User-Agent'] = this.#userAgent;
      const body = options.body?.();
      const res = await this.#fetch(url, {
        method,
        headers,
        body,
        signal: options.signal,
        ...(body instanceof ReadableStream ? { duplex: 'half' as const } : {}),
      });
      if (res.status === 401 && attempt === 0) {
        await res.body?.cancel();
        if (await this.#auth.answer(res.headers.get('www-authenticate'), options.scope, authorization, options.signal)) {
          authorization = this.#auth.header(options.scope);
          continue;
        }
        throw new OciError({ status: 401, method, url: url.toString(), errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] });
      }
      if (!options.expect.includes(res.status)) throw await OciError.fromResponse(res, method, url);
      return res;
    }
  }

  #url(pathname: string): URL {
    return new URL(pathname, this.#base);
  }

  #repoUrl(repo: string, suffix: string): URL {
    if (!REPOSITORY_PATTERN.test(repo)) throw new Error(`invalid repository name "${repo}"`);
    return this.#url(`/v2/${repo}/${suffix}`);
  }
}

/** Counts bytes for progress reports and stops a body that grows past its descriptor's size. */
class ProgressStream extends Transform {
  readonly #total: number;
  readonly #onProgress?: (received: number, total: number) => void;
  #received = 0;

  constructor(total: number, onProgress?: (received: number, total: number) => void) {
    super();
    this.#total = total;
    this.#onProgress = onProgress;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.#received += chunk.length;
    if (this.#received > this.#total) {
      callback(new DigestMismatchError(`${this.#total} bytes`, `more than ${this.#total} bytes`, 'size'));
      return;
    }
    this.#onProgress?.(this.#received, this.#total);
    callback(null, chunk);
  }
}

/** The upload URL a response points to, resolved against `base`. */
function locationOf(res: Response, base: URL | string): URL {
  const location = res.headers.get('location');
  if (!location) throw new OciError({ status: res.status, method: 'POST', url: res.url, errors: [{ code: 'BLOB_UPLOAD_INVALID', message: 'no Location header in upload response' }] });
  return new URL(location, base);
}

function withPageSize(url: URL, pageSize: number | undefined): URL {
  if (pageSize !== undefined) url.searchParams.set('n', String(pageSize));
  return url;
}

/** The upload URL with `digest=` added, keeping the registry's own query parameters (`_state`). */
function withDigest(location: URL, digest: string): URL {
  const url = new URL(location);
  url.searchParams.set('digest', digest);
  return url;
}

/** Bytes `start..end` (inclusive) of a source, as a stream for files. */
function slice(source: BlobSource, start: number, end: number): Uint8Array | ReadableStream<Uint8Array> {
  if (typeof source !== 'string') return source.subarray(start, end + 1);
  if (end < start) return new Uint8Array(0);
  return Readable.toWeb(createReadStream(source, { start, end, highWaterMark: READ_CHUNK })) as unknown as ReadableStream<Uint8Array>;
}
