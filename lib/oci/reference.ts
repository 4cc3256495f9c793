/**
 * Image and artifact references (`host[:port]/repo[:tag][@digest]`) parsed by Docker's rules: the first path
 * component is a registry host only when it contains `.` or `:`, is `localhost`, or has upper-case letters;
 * otherwise the reference is on Docker Hub (`docker.io`, with `library/` for one-component names) unless the
 * caller supplies a default registry. Use it wherever a user or a manifest hands over an image reference.
 */

/** One path component of a repository name (distribution's `path-component`). */
const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';

/** A whole repository name, e.g. `foundry/models` (validated separately for length). */
export const REPOSITORY_PATTERN = new RegExp(`^${PATH_COMPONENT}(?:/${PATH_COMPONENT})*$`);

/** A tag, e.g. `v0.2.0`. */
export const TAG_PATTERN = /^[\w][\w.-]{0,127}$/;

/** Longest repository name (registry host included) distribution accepts. */
export const MAX_NAME_LENGTH = 255;

const HOST_PATTERN =
  /^(?:(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*|\[[a-fA-F0-9:]+\])(?::[0-9]+)?$/;
const DIGEST_PATTERN = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}$/;

const DOCKER_HUB = 'docker.io';

/** A parsed reference. `tag` and `digest` are both optional; both may be present (the digest wins on pull). */
export interface Reference {
  /** Registry host with optional port, e.g. `127.0.0.1:5000` or `myacr.azurecr.io`. */
  registry: string;
  /** Repository path, e.g. `foundry-local-olive-models`. */
  repository: string;
  tag?: string;
  digest?: string;
}

/** Options of `parseReference`. */
export interface ParseReferenceOptions {
  /** Registry for references without a host part, instead of Docker Hub (no `library/` prefix is added). */
  defaultRegistry?: string;
}

/** Thrown for references Docker would reject; the message starts like Docker's (`invalid reference format`). */
export class ReferenceError extends Error {
  constructor(reference: string, reason: string) {
    super(`invalid reference format: ${reason}: "${reference}"`);
    this.name = 'ReferenceError';
  }
}

/** Parses `text`; throws `ReferenceError` for anything Docker would refuse. */
export function parseReference(text: string, options: ParseReferenceOptions = {}): Reference {
  let rest = text;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST_PATTERN.test(digest)) throw new ReferenceError(text, 'invalid digest');
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  // A colon after the last slash separates the tag; one before it belongs to a host:port.
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG_PATTERN.test(tag)) throw new ReferenceError(text, 'invalid tag');
  }
  if (rest === '') throw new ReferenceError(text, 'empty name');

  const slash = rest.indexOf('/');
  const first = slash < 0 ? '' : rest.slice(0, slash);
  const hasHost = slash >= 0 && (/[.:]/.test(first) || first === 'localhost' || first !== first.toLowerCase());
  let registry: string;
  let repository: string;
  if (hasHost) {
    registry = first;
    repository = rest.slice(slash + 1);
    if (!HOST_PATTERN.test(registry)) throw new ReferenceError(text, 'invalid registry host');
  } else if (options.defaultRegistry) {
    registry = options.defaultRegistry;
    repository = rest;
  } else {
    registry = DOCKER_HUB;
    repository = slash < 0 ? `library/${rest}` : rest;
  }
  if (registry === 'index.docker.io') registry = DOCKER_HUB;
  if (repository !== repository.toLowerCase()) throw new ReferenceError(text, 'repository name must be lowercase');
  if (!REPOSITORY_PATTERN.test(repository)) throw new ReferenceError(text, 'invalid repository name');
  if (registry.length + 1 + repository.length > MAX_NAME_LENGTH) {
    throw new ReferenceError(text, `repository name must not be more than ${MAX_NAME_LENGTH} characters`);
  }
  return { registry, repository, ...(tag !== undefined ? { tag } : {}), ...(digest !== undefined ? { digest } : {}) };
}

/** Formats a reference back into `host/repo[:tag][@digest]`. */
export function formatReference(ref: Reference): string {
  return `${ref.registry}/${ref.repository}${ref.tag !== undefined ? `:${ref.tag}` : ''}${ref.digest !== undefined ? `@${ref.digest}` : ''}`;
}

/** What a registry request should address: the digest when present, else the tag, else `latest`. */
export function referenceTarget(ref: Reference): string {
  return ref.digest ?? ref.tag ?? 'latest';
}
