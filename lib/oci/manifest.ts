/**
 * OCI image-spec v1.1 shapes (descriptors, image manifests, indexes) and the artifact manifest `oras push`
 * writes. Field order follows the Go structs oras-go marshals, so a manifest built here serialises to the same
 * bytes oras would produce for the same inputs.
 */

/** Media types the client and the sandbox registry handle. */
export const MEDIA_TYPES = {
  imageManifest: 'application/vnd.oci.image.manifest.v1+json',
  imageIndex: 'application/vnd.oci.image.index.v1+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  empty: 'application/vnd.oci.empty.v1+json',
} as const;

/** Every manifest media type, in the order of preference sent in `Accept`. */
export const MANIFEST_MEDIA_TYPES: readonly string[] = [
  MEDIA_TYPES.imageManifest,
  MEDIA_TYPES.imageIndex,
  MEDIA_TYPES.dockerManifest,
  MEDIA_TYPES.dockerManifestList,
];

/** Media types whose documents list child manifests instead of blobs. */
export const INDEX_MEDIA_TYPES: readonly string[] = [MEDIA_TYPES.imageIndex, MEDIA_TYPES.dockerManifestList];

/** Annotation keys oras uses. */
export const ANNOTATIONS = {
  title: 'org.opencontainers.image.title',
  created: 'org.opencontainers.image.created',
} as const;

/** A content descriptor. */
export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  urls?: string[];
  annotations?: Record<string, string>;
  /** Base64 of the content, for tiny blobs such as the empty config. */
  data?: string;
  platform?: Record<string, unknown>;
  artifactType?: string;
}

/** An image manifest (also the shape of an artifact manifest in image-spec v1.1). */
export interface ImageManifest {
  schemaVersion: 2;
  mediaType?: string;
  artifactType?: string;
  config: Descriptor;
  layers: Descriptor[];
  subject?: Descriptor;
  annotations?: Record<string, string>;
}

/** An image index. */
export interface ImageIndex {
  schemaVersion: 2;
  mediaType?: string;
  artifactType?: string;
  manifests: Descriptor[];
  subject?: Descriptor;
  annotations?: Record<string, string>;
}

export type Manifest = ImageManifest | ImageIndex;

/** The `{}` blob image-spec v1.1 prescribes as config of artifacts without one (`e30=` is base64 of `{}`). */
export const EMPTY_CONFIG: Readonly<Descriptor> = Object.freeze({
  mediaType: MEDIA_TYPES.empty,
  digest: 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a',
  size: 2,
  data: 'e30=',
});

/** The bytes behind `EMPTY_CONFIG`. */
export const EMPTY_CONFIG_BYTES = Buffer.from('{}');

/** What `buildArtifactManifest` needs. */
export interface ArtifactManifestSpec {
  artifactType: string;
  layers: Descriptor[];
  /** Manifest annotations; `org.opencontainers.image.created` is added when missing, as oras does. */
  annotations?: Record<string, string>;
  /** Time for the `created` annotation; now by default. */
  created?: Date;
}

/** Builds the manifest `oras push --artifact-type T file:type` writes (image-spec v1.1, empty config). */
export function buildArtifactManifest(spec: ArtifactManifestSpec): ImageManifest {
  const created = rfc3339Seconds(spec.created ?? new Date());
  return {
    schemaVersion: 2,
    mediaType: MEDIA_TYPES.imageManifest,
    artifactType: spec.artifactType,
    config: { ...EMPTY_CONFIG },
    layers: spec.layers.map(orderDescriptor),
    annotations: { [ANNOTATIONS.created]: created, ...spec.annotations },
  };
}

/** Returns a descriptor with its fields in oras-go's marshalling order, dropping undefined ones. */
export function orderDescriptor(d: Descriptor): Descriptor {
  const ordered: Descriptor = { mediaType: d.mediaType, digest: d.digest, size: d.size };
  if (d.urls) ordered.urls = d.urls;
  if (d.annotations) ordered.annotations = d.annotations;
  if (d.data !== undefined) ordered.data = d.data;
  if (d.platform) ordered.platform = d.platform;
  if (d.artifactType !== undefined) ordered.artifactType = d.artifactType;
  return ordered;
}

/** True when the document lists child manifests (an index or a Docker manifest list). */
export function isIndex(manifest: Manifest): manifest is ImageIndex {
  return Array.isArray((manifest as ImageIndex).manifests);
}

/** Go's `time.RFC3339` for a UTC time: seconds precision, `Z` suffix. */
function rfc3339Seconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
