/**
 * Manifest endpoints of the registry — PUT/GET/HEAD/DELETE `/v2/<name>/manifests/<ref>` — plus the listings
 * built on them: `tags/list` and `_catalog` (with `n`/`last` and `Link`) and the OCI 1.1 referrers API.
 * Manifests are validated the way distribution does before they are stored: known media type, JSON with
 * schemaVersion 2, well-formed descriptors, referenced blobs and child manifests present in the repository.
 */
import { readFile } from 'node:fs/promises';
import { digestOf, parseDigest } from '../../lib/oci/digest.ts';
import { INDEX_MEDIA_TYPES, MANIFEST_MEDIA_TYPES, MEDIA_TYPES, type Descriptor } from '../../lib/oci/manifest.ts';
import { TAG_PATTERN } from '../../lib/oci/reference.ts';
import { RegistryError } from './errors.ts';
import { paginate, type Exchange } from './exchange.ts';
import type { RegistryStorage } from './storage.ts';

/** distribution refuses manifests larger than 4 MiB. */
const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

/** The parts of a manifest document the registry looks at. */
interface ManifestDocument {
  schemaVersion?: unknown;
  mediaType?: unknown;
  artifactType?: unknown;
  config?: unknown;
  layers?: unknown;
  manifests?: unknown;
  subject?: unknown;
  annotations?: unknown;
}

/** Handlers for manifest, tag, catalog and referrers routes. */
export class ManifestHandlers {
  readonly #storage: RegistryStorage;
  readonly #onNewTag?: (repo: string, tag: string) => void;

  /** `onNewTag` hears of every manifest PUT by a tag the repository did not have (the `oci-push` trigger). */
  constructor(storage: RegistryStorage, onNewTag?: (repo: string, tag: string) => void) {
    this.#storage = storage;
    this.#onNewTag = onNewTag;
  }

  /** HEAD and GET: the stored bytes with their stored media type. */
  async get(ex: Exchange): Promise<void> {
    const stored = await this.#storage.getManifest(ex.repo, checkRef(ex.ref));
    if (!stored)
      throw new RegistryError('MANIFEST_UNKNOWN', parseDigest(ex.ref) ? { Digest: ex.ref } : { Tag: ex.ref });
    const headers = {
      'Content-Type': stored.mediaType,
      'Docker-Content-Digest': stored.digest,
      ETag: `"${stored.digest}"`,
    };
    if (ex.method === 'HEAD') {
      ex.res.writeHead(200, { ...headers, 'Content-Length': stored.size });
      ex.res.end();
      return;
    }
    ex.reply(200, headers, await readFile(stored.file));
  }

  /** PUT by tag or digest. */
  async put(ex: Exchange): Promise<void> {
    const ref = checkRef(ex.ref);
    const refDigest = parseDigest(ref);
    const raw = await ex.readBody(MAX_MANIFEST_BYTES);
    if (refDigest && digestOf(raw, refDigest.algorithm) !== ref) {
      throw new RegistryError('DIGEST_INVALID', { expected: ref, actual: digestOf(raw, refDigest.algorithm) });
    }
    let doc: ManifestDocument;
    try {
      doc = JSON.parse(raw.toString('utf8')) as ManifestDocument;
    } catch (err) {
      throw new RegistryError('MANIFEST_INVALID', { reason: (err as Error).message });
    }
    if (typeof doc !== 'object' || doc === null || doc.schemaVersion !== 2) {
      throw new RegistryError('MANIFEST_INVALID', { reason: 'schemaVersion must be 2' });
    }
    const mediaType = manifestMediaType(ex.header('content-type'), doc);
    if (INDEX_MEDIA_TYPES.includes(mediaType)) {
      for (const child of descriptors(doc.manifests, 'manifests')) {
        if (!(await this.#storage.getManifest(ex.repo, child.digest)))
          throw new RegistryError('MANIFEST_BLOB_UNKNOWN', child.digest);
      }
    } else {
      const blobs = [...descriptors([doc.config], 'config'), ...descriptors(doc.layers ?? [], 'layers')];
      for (const blob of blobs) {
        // Layers with `urls` live elsewhere (Windows foreign layers); distribution does not require them.
        if (blob.urls?.length) continue;
        if ((await this.#storage.repoBlobSize(ex.repo, blob.digest)) === undefined)
          throw new RegistryError('MANIFEST_BLOB_UNKNOWN', blob.digest);
      }
    }
    const subject = doc.subject === undefined ? undefined : descriptors([doc.subject], 'subject')[0];
    const newTag = !refDigest && !(await this.#storage.getManifest(ex.repo, ref));
    const digest = await this.#storage.putManifest(
      ex.repo,
      raw,
      mediaType,
      refDigest ? undefined : ref,
      {
        subject: subject?.digest,
        artifactType: typeof doc.artifactType === 'string' ? doc.artifactType : configMediaType(doc),
        annotations: isStringMap(doc.annotations) ? doc.annotations : undefined,
      },
      refDigest?.algorithm,
    );
    ex.reply(201, {
      Location: `/v2/${ex.repo}/manifests/${digest}`,
      'Docker-Content-Digest': digest,
      ...(subject ? { 'OCI-Subject': subject.digest } : {}),
    });
    if (newTag) this.#onNewTag?.(ex.repo, ref);
  }

  /** DELETE by digest. By tag it is refused with DIGEST_INVALID, as distribution 2.8 does. */
  async delete(ex: Exchange): Promise<void> {
    const ref = checkRef(ex.ref);
    if (!parseDigest(ref))
      throw new RegistryError(
        'DIGEST_INVALID',
        { tag: ref },
        { message: 'provided digest did not match uploaded content' },
      );
    if (!(await this.#storage.deleteManifest(ex.repo, ref)))
      throw new RegistryError('MANIFEST_UNKNOWN', { Digest: ref });
    ex.reply(202);
  }

  /** `GET /v2/<name>/tags/list[?n=&last=]`. */
  async tags(ex: Exchange): Promise<void> {
    const tags = await this.#storage.tags(ex.repo);
    if (!tags) throw new RegistryError('NAME_UNKNOWN', { name: ex.repo });
    const { page, link } = paginate(tags, ex.url, `/v2/${ex.repo}/tags/list`);
    ex.json(200, { name: ex.repo, tags: page }, link ? { Link: link } : {});
  }

  /** `GET /v2/_catalog[?n=&last=]`. */
  async catalog(ex: Exchange): Promise<void> {
    const { page, link } = paginate(await this.#storage.repositories(), ex.url, '/v2/_catalog');
    ex.json(200, { repositories: page }, link ? { Link: link } : {});
  }

  /** `GET /v2/<name>/referrers/<digest>[?artifactType=]`: an index of the manifests whose subject is the digest. */
  async referrers(ex: Exchange): Promise<void> {
    if (!parseDigest(ex.ref))
      throw new RegistryError('DIGEST_INVALID', { digest: ex.ref }, { message: 'invalid digest' });
    const filter = ex.url.searchParams.get('artifactType');
    const all = await this.#storage.referrers(ex.repo, ex.ref);
    const manifests = filter ? all.filter((d) => d.artifactType === filter) : all;
    ex.reply(
      200,
      { 'Content-Type': MEDIA_TYPES.imageIndex, ...(filter ? { 'OCI-Filters-Applied': 'artifactType' } : {}) },
      JSON.stringify({ schemaVersion: 2, mediaType: MEDIA_TYPES.imageIndex, manifests }),
    );
  }
}

/** A reference must be a digest or a valid tag. */
function checkRef(ref: string): string {
  if (parseDigest(ref) || TAG_PATTERN.test(ref)) return ref;
  if (ref.includes(':')) throw new RegistryError('DIGEST_INVALID', { digest: ref }, { message: 'invalid digest' });
  throw new RegistryError('TAG_INVALID', { tag: ref }, { message: 'invalid tag' });
}

/** The media type from Content-Type, else from the document; both must agree and be a manifest type. */
function manifestMediaType(contentType: string | undefined, doc: ManifestDocument): string {
  const header = contentType?.split(';')[0]?.trim();
  const fromHeader =
    header && header !== 'application/json' && header !== 'application/octet-stream' ? header : undefined;
  const fromBody = typeof doc.mediaType === 'string' ? doc.mediaType : undefined;
  if (fromHeader && fromBody && fromHeader !== fromBody) {
    throw new RegistryError('MANIFEST_INVALID', {
      reason: `mediaType "${fromBody}" does not match Content-Type "${fromHeader}"`,
    });
  }
  const mediaType =
    fromHeader ?? fromBody ?? (Array.isArray(doc.manifests) ? MEDIA_TYPES.imageIndex : MEDIA_TYPES.imageManifest);
  if (!MANIFEST_MEDIA_TYPES.includes(mediaType))
    throw new RegistryError('MANIFEST_INVALID', { reason: `unsupported manifest media type "${mediaType}"` });
  return mediaType;
}

/** Validates a list of descriptors, naming the field in the error. */
function descriptors(value: unknown, field: string): Descriptor[] {
  if (!Array.isArray(value))
    throw new RegistryError('MANIFEST_INVALID', { reason: `${field} must be a list of descriptors` });
  return value.map((d: unknown, i) => {
    const descriptor = d as Partial<Descriptor> | null;
    const ok =
      typeof descriptor === 'object' &&
      descriptor !== null &&
      typeof descriptor.mediaType === 'string' &&
      typeof descriptor.digest === 'string' &&
      parseDigest(descriptor.digest) !== undefined &&
      Number.isSafeInteger(descriptor.size) &&
      (descriptor.size as number) >= 0;
    if (!ok) throw new RegistryError('MANIFEST_INVALID', { reason: `${field}[${i}] is not a valid descriptor` });
    return descriptor as Descriptor;
  });
}

/** For referrers without artifactType, image-spec says the config's media type stands in. */
function configMediaType(doc: ManifestDocument): string | undefined {
  const config = doc.config as { mediaType?: unknown } | undefined;
  return typeof config?.mediaType === 'string' ? config.mediaType : undefined;
}

function isStringMap(value: unknown): value is Record<string, string> {
  return typeof value === 'object' && value !== null && Object.values(value).every((v) => typeof v === 'string');
}
