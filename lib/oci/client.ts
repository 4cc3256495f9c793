/**
 * A small OCI distribution client on built-in `fetch`, doing what the suite needs from `oras`: push an artifact
 * the way `oras push --artifact-type T file:type` does, list tags, resolve and fetch manifests, pull blobs and
 * artifacts (streamed and digest-verified), delete, and list the catalog. Used by the test suite's `oras`
 * fixture and by the sandbox's image-reflector and kubelet; it must not import anything from `sandbox/`.
 *
 * Bodies are never buffered and files are read once: a file goes up in one streamed PATCH while it is hashed, and
 * a blob comes down hashed into a file, both through reused buffers (transport.ts) at socket speed.
 */
import { createHash, type Hash } from 'node:crypto';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { RegistryAuth } from './auth.ts';
import { digestOf, isDigest, parseDigest } from './digest.ts';
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
import * as transport from './transport.ts';

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
  /** Called as each file's bytes go up, with the running total, the file's size and its path. */
  onProgress?: (sent: number, total: number, file: string) => void;
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

/** Options of a blob transfer (`pushBlob` of a file, `pullBlob`, `pullArtifact`). */
export interface TransferOptions {
  /** Called as bytes go up or arrive, with the running total and the blob's size. */
  onProgress?: (done: number, total: number) => void;
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
  body?: () => Uint8Array;
  signal?: AbortSignal;
}

const OCTET_STREAM = 'application/octet-stream';
/** Redirects followed for a blob download. */
const MAX_REDIRECTS = 5;
/** Stands for "send no Authorization" (a redirect to another host). */
const NO_CREDENTIALS = Symbol('no credentials');

/** A client for one registry. */
export class OciClient {
  /** The registry host this client talks to. */
  readonly registry: string;
  readonly #base: string;
  readonly #fetch: typeof fetch;
  readonly #auth: RegistryAuth;
  readonly #userAgent?: string;
  readonly #now: () => Date;

  constructor(options: OciClientOptions) {
    this.registry = options.registry;
    const plain = options.plainHttp ?? /^localhost(:\d+)?$/.test(options.registry);
    this.#base = `${plain ? 'http' : 'https'}://${options.registry}`;
    this.#fetch = options.fetch ?? fetch;
    this.#userAgent = options.userAgent;
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
    const cancelled = await this.#send('DELETE', locationOf(started, this.#base), {
      scope: repo,
      expect: [200, 202, 204, 404, 405],
    });
    await cancelled.body?.cancel();
  }

  /** True when the repository has the blob (HEAD). */
  async #blobExists(repo: string, digest: string): Promise<boolean> {
    const res = await this.#send('HEAD', this.#repoUrl(repo, `blobs/${digest}`), { scope: repo, expect: [200, 404] });
    return res.status === 200;
  }

  /**
   * Uploads a blob and returns its descriptor. Bytes in memory (the config blob) are skipped when the repository
   * has them, else go up in one POST+PUT. A file is read once: it streams up in one PATCH of an upload session
   * while it is hashed, and the closing PUT names the digest (distribution spec v1.1, "pushing a blob in chunks"
   * with a single chunk); so a file the registry has already is uploaded again — the
   * registry keeps one copy — rather than read twice.
   */
  async pushBlob(
    repo: string,
    source: BlobSource,
    mediaType: string = OCTET_STREAM,
    options: TransferOptions = {},
  ): Promise<Descriptor> {
    if (typeof source !== 'string') return this.#pushBytes(repo, source, mediaType);
    const { size } = await stat(source);
    const started = await this.#send('POST', this.#repoUrl(repo, 'blobs/uploads/'), {
      scope: repo,
      expect: [202],
      signal: options.signal,
    });
    await started.body?.cancel();
    const location = locationOf(started, this.#base);
    let hash: Hash;
    let answer: transport.Answer;
    for (let attempt = 0; ; attempt++) {
      hash = createHash('sha256');
      let sent = 0;
      // One chunk with its range, as the distribution spec words a chunked upload (docker's streamed PATCH omits
      // the range; registries take either).
      const range: Record<string, string> = size > 0 ? { 'Content-Range': `0-${size - 1}` } : {};
      answer = await transport.upload(
        location,
        'PATCH',
        this.#headers(repo, { 'Content-Type': OCTET_STREAM, ...range }),
        source,
        size,
        (chunk) => {
          hash.update(chunk);
          sent += chunk.length;
          options.onProgress?.(sent, size);
        },
        options.signal,
      );
      if (answer.status === 401 && attempt === 0 && (await this.#answer(answer, location, repo, options.signal)))
        continue;
      break;
    }
    if (answer.status !== 202) throw await OciError.fromResponse(asResponse(answer, location), 'PATCH', location);
    const digest = `sha256:${hash.digest('hex')}`;
    // Distribution encodes the upload's state in the Location it returns: continue from the newest one.
    const next = answer.headers.location ? new URL(answer.headers.location, location) : location;
    const done = await this.#send('PUT', withDigest(next, digest), {
      scope: repo,
      expect: [201],
      headers: { 'Content-Length': '0' },
      signal: options.signal,
    });
    await done.body?.cancel();
    return { mediaType, digest, size };
  }

  async #pushBytes(repo: string, bytes: Uint8Array, mediaType: string): Promise<Descriptor> {
    const descriptor: Descriptor = { mediaType, digest: digestOf(bytes), size: bytes.length };
    if (await this.#blobExists(repo, descriptor.digest)) return descriptor;
    const started = await this.#send('POST', this.#repoUrl(repo, 'blobs/uploads/'), { scope: repo, expect: [202] });
    await started.body?.cancel();
    const done = await this.#send('PUT', withDigest(locationOf(started, this.#base), descriptor.digest), {
      scope: repo,
      expect: [201],
      headers: { 'Content-Type': OCTET_STREAM, 'Content-Length': String(bytes.length) },
      body: () => bytes,
    });
    await done.body?.cancel();
    return descriptor;
  }

  /** Pushes a manifest under a tag or digest; returns its digest. Objects are serialised compactly, as Go does. */
  async pushManifest(repo: string, ref: string, manifest: Manifest | Uint8Array, mediaType?: string): Promise<string> {
    const raw = manifest instanceof Uint8Array ? manifest : Buffer.from(JSON.stringify(manifest));
    const type =
      mediaType ?? (manifest instanceof Uint8Array ? undefined : manifest.mediaType) ?? MEDIA_TYPES.imageManifest;
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
      const pushed = await this.pushBlob(repo, file.path, file.mediaType, {
        onProgress: spec.onProgress && ((done, total) => spec.onProgress!(done, total, file.path)),
      });
      layers.push({ ...pushed, annotations: { [ANNOTATIONS.title]: file.title ?? path.basename(file.path) } });
    }
    const manifest = buildArtifactManifest({
      artifactType: spec.artifactType,
      layers,
      annotations: spec.annotations,
      created: this.#now(),
    });
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

  /** Fetches a manifest by tag or digest, verifying its digest against the request or the registry's header. */
  async fetchManifest(repo: string, ref: string): Promise<FetchedManifest> {
    const res = await this.#send('GET', this.#repoUrl(repo, `manifests/${ref}`), {
      scope: repo,
      expect: [200],
      headers: { Accept: MANIFEST_MEDIA_TYPES.join(', ') },
    });
    const raw = Buffer.from(await res.arrayBuffer());
    const claimed = isDigest(ref) ? ref : (res.headers.get('docker-content-digest') ?? undefined);
    const algorithm = claimed ? (parseDigest(claimed)?.algorithm ?? 'sha256') : 'sha256';
    const digest = digestOf(raw, algorithm);
    if (claimed && claimed !== digest) throw new DigestMismatchError(claimed, digest);
    let manifest: Manifest;
    try {
      manifest = JSON.parse(raw.toString('utf8')) as Manifest;
    } catch {
      throw new OciError({
        status: res.status,
        method: 'GET',
        url: res.url,
        errors: [{ code: 'MANIFEST_INVALID', message: 'manifest is not JSON' }],
      });
    }
    const mediaType =
      res.headers.get('content-type')?.split(';')[0]?.trim() || manifest.mediaType || MEDIA_TYPES.imageManifest;
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
  async pullBlob(repo: string, descriptor: Descriptor, destFile: string, options: TransferOptions = {}): Promise<void> {
    const algorithm = parseDigest(descriptor.digest)?.algorithm ?? 'sha256';
    await mkdir(path.dirname(destFile), { recursive: true });
    const partial = `${destFile}.partial`;
    const fh = await open(partial, 'w');
    try {
      let hash = createHash(algorithm);
      let received = 0;
      const write = transport.fileSink(fh);
      const sink: transport.BodySink = (piece, offset) => {
        received += piece.length;
        if (received > descriptor.size)
          throw new DigestMismatchError(`${descriptor.size} bytes`, `more than ${descriptor.size} bytes`, 'size');
        hash.update(piece);
        options.onProgress?.(received, descriptor.size);
        return write(piece, offset);
      };
      const url = this.#repoUrl(repo, `blobs/${descriptor.digest}`);
      let answer = await this.#download(url, repo, sink, options.signal);
      if (answer.status === 401 && (await this.#answer(answer, url, repo, options.signal))) {
        [hash, received] = [createHash(algorithm), 0];
        answer = await this.#download(url, repo, sink, options.signal);
      }
      if (answer.status !== 200) throw await OciError.fromResponse(asResponse(answer, url), 'GET', url);
      const actual = `${algorithm}:${hash.digest('hex')}`;
      if (actual !== descriptor.digest) throw new DigestMismatchError(descriptor.digest, actual);
      if (received !== descriptor.size)
        throw new DigestMismatchError(`${descriptor.size} bytes`, `${received} bytes`, 'size');
      await fh.close();
      await rename(partial, destFile);
    } catch (err) {
      await fh.close().catch(() => undefined);
      await rm(partial, { force: true });
      throw err;
    }
  }

  /**
   * A blob GET following redirects (registries send downloads to a storage URL); the registry's credentials go
   * only to the registry's own host, as Docker and oras do.
   */
  async #download(url: URL, scope: string, sink: transport.BodySink, signal?: AbortSignal): Promise<transport.Answer> {
    let target = url;
    for (let hop = 0; ; hop++) {
      const headers = this.#headers(target.host === url.host ? scope : NO_CREDENTIALS);
      const answer = await transport.get(target, headers, sink, signal).catch((err: unknown) => {
        if (err instanceof transport.ChunkedResponse) return transport.getChunked(target, headers, sink, signal);
        throw err;
      });
      const location = answer.headers.location;
      if (![301, 302, 303, 307, 308].includes(answer.status) || !location || hop === MAX_REDIRECTS) return answer;
      target = new URL(location, target);
    }
  }

  /** Like `oras pull`: writes every titled layer of the manifest under `destDir/<title>`; untitled layers are skipped. */
  async pullArtifact(
    repo: string,
    ref: string,
    destDir: string,
    options: TransferOptions = {},
  ): Promise<PulledArtifact> {
    const fetched = await this.fetchManifest(repo, ref);
    const manifest = fetched.manifest;
    if (isIndex(manifest))
      throw new Error(`${this.registry}/${repo}:${ref} is an index (${fetched.mediaType}); pull one of its manifests`);
    const root = path.resolve(destDir);
    const files: PulledArtifact['files'] = [];
    for (const layer of manifest.layers) {
      const title = layer.annotations?.[ANNOTATIONS.title];
      if (!title) continue;
      const target = path.resolve(root, title);
      // oras refuses titles that would write outside the output directory; so do we.
      if (path.isAbsolute(title) || !target.startsWith(root + path.sep))
        throw new Error(`layer title "${title}" escapes the output directory`);
      await this.pullBlob(repo, layer, target, options);
      files.push({ path: target, descriptor: layer });
    }
    return {
      digest: fetched.digest,
      mediaType: fetched.mediaType,
      artifactType: manifest.artifactType ?? manifest.config.mediaType,
      files,
    };
  }

  /** Deletes a manifest; a tag is resolved to its digest first (registries delete manifests by digest). Returns the digest. */
  async deleteManifest(repo: string, ref: string): Promise<string> {
    const digest = isDigest(ref) ? ref : await this.resolve(repo, ref);
    const res = await this.#send('DELETE', this.#repoUrl(repo, `manifests/${digest}`), { scope: repo, expect: [202] });
    await res.body?.cancel();
    return digest;
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
      });
      if (res.status === 401 && attempt === 0) {
        await res.body?.cancel();
        if (
          await this.#auth.answer(res.headers.get('www-authenticate'), options.scope, authorization, options.signal)
        ) {
          authorization = this.#auth.header(options.scope);
          continue;
        }
        throw new OciError({
          status: 401,
          method,
          url: url.toString(),
          errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }],
        });
      }
      if (!options.expect.includes(res.status)) throw await OciError.fromResponse(res, method, url);
      return res;
    }
  }

  /** Headers of a streamed request: the cached credentials for `scope` and the User-Agent. */
  #headers(scope: string | typeof NO_CREDENTIALS, extra: Record<string, string> = {}): Record<string, string> {
    const headers = { ...extra };
    const authorization = scope === NO_CREDENTIALS ? undefined : this.#auth.header(scope);
    if (authorization) headers.Authorization = authorization;
    if (this.#userAgent) headers['User-Agent'] = this.#userAgent;
    return headers;
  }

  /** Answers a 401 on a streamed request; true when the request should be sent again with new credentials. */
  async #answer(answer: transport.Answer, url: URL, scope: string, signal?: AbortSignal): Promise<boolean> {
    const sent = this.#auth.header(scope);
    if (await this.#auth.answer(answer.headers['www-authenticate'] ?? '', scope, sent, signal)) return true;
    throw new OciError({
      status: 401,
      method: 'request',
      url: url.toString(),
      errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }],
    });
  }

  #url(pathname: string): URL {
    return new URL(pathname, this.#base);
  }

  #repoUrl(repo: string, suffix: string): URL {
    if (!REPOSITORY_PATTERN.test(repo)) throw new Error(`invalid repository name "${repo}"`);
    return this.#url(`/v2/${repo}/${suffix}`);
  }
}

/** A Response view of a streamed request's answer, so errors are read the same way for every request. */
function asResponse(answer: transport.Answer, url: URL): Response {
  const noBody = answer.status === 204 || answer.status === 304 || answer.body.length === 0;
  const res = new Response(noBody ? null : new Uint8Array(answer.body), {
    status: answer.status,
    headers: answer.headers,
  });
  Object.defineProperty(res, 'url', { value: url.toString() });
  return res;
}

/** The upload URL a response points to, resolved against `base`. */
function locationOf(res: Response, base: URL | string): URL {
  const location = res.headers.get('location');
  if (!location)
    throw new OciError({
      status: res.status,
      method: 'POST',
      url: res.url,
      errors: [{ code: 'BLOB_UPLOAD_INVALID', message: 'no Location header in upload response' }],
    });
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
