/**
 * One request to the registry, routed: which endpoint of the distribution API it addresses (`route`), the
 * repository and reference parsed from the path, and small reply helpers every handler uses so that each
 * response carries the headers distribution sends (`Docker-Distribution-API-Version`, lengths, digests).
 */
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { MAX_NAME_LENGTH, REPOSITORY_PATTERN } from '../../lib/oci/reference.ts';
import { RegistryError } from './errors.ts';

/** Endpoints of the distribution API (plus the token endpoint of the token auth flow). */
export type RouteName =
  'base' | 'catalog' | 'token' | 'tags' | 'manifest' | 'uploads' | 'upload' | 'blob' | 'referrers';

/** Path patterns, tried in order: `blobs/uploads/` must win over `blobs/<digest>`. */
const ROUTES: ReadonlyArray<readonly [RegExp, RouteName]> = [
  [/^\/v2\/?$/, 'base'],
  [/^\/v2\/_catalog$/, 'catalog'],
  [/^\/token$/, 'token'],
  [/^\/v2\/(.+)\/tags\/list$/, 'tags'],
  [/^\/v2\/(.+)\/manifests\/([^/]+)$/, 'manifest'],
  [/^\/v2\/(.+)\/blobs\/uploads\/?$/, 'uploads'],
  [/^\/v2\/(.+)\/blobs\/uploads\/([^/]+)$/, 'upload'],
  [/^\/v2\/(.+)\/blobs\/([^/]+)$/, 'blob'],
  [/^\/v2\/(.+)\/referrers\/([^/]+)$/, 'referrers'],
];

/** A routed request and its response. */
export class Exchange {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly url: URL;
  readonly method: string;
  readonly route: RouteName;
  /** Repository name ('' for registry-wide routes). */
  readonly repo: string;
  /** Tag, digest or upload id from the path ('' when the route has none). */
  readonly ref: string;

  private constructor(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    route: RouteName,
    repo: string,
    ref: string,
  ) {
    this.req = req;
    this.res = res;
    this.url = url;
    this.method = req.method ?? 'GET';
    this.route = route;
    this.repo = repo;
    this.ref = ref;
  }

  /** Routes a request; undefined when no endpoint matches. Throws NAME_INVALID for malformed repository names. */
  static route(req: IncomingMessage, res: ServerResponse): Exchange | undefined {
    const url = new URL(req.url ?? '/', 'http://registry.invalid');
    let pathname: string;
    try {
      pathname = decodeURIComponent(url.pathname);
    } catch {
      return undefined;
    }
    for (const [pattern, route] of ROUTES) {
      const match = pattern.exec(pathname);
      if (!match) continue;
      const repo = match[1] ?? '';
      if (repo && (!REPOSITORY_PATTERN.test(repo) || repo.length > MAX_NAME_LENGTH)) {
        throw new RegistryError('NAME_INVALID', { name: repo });
      }
      return new Exchange(req, res, url, route, repo, match[2] ?? '');
    }
    return undefined;
  }

  /** Base URL as the client addressed us (the Host header), for challenges that must name an absolute URL. */
  get baseUrl(): string {
    return `http://${this.req.headers.host ?? 'localhost'}`;
  }

  /** A request header as one string. */
  header(name: string): string | undefined {
    const value = this.req.headers[name.toLowerCase()];
    return Array.isArray(value) ? value.join(', ') : value;
  }

  /** Sends a status with headers and an optional body (dropped for HEAD). */
  reply(status: number, headers: OutgoingHttpHeaders = {}, body?: string | Buffer): void {
    const length = body === undefined ? 0 : Buffer.byteLength(body);
    this.res.writeHead(status, { 'Content-Length': length, ...headers });
    this.res.end(this.method === 'HEAD' ? undefined : body);
  }

  /** Sends a JSON document. */
  json(status: number, value: unknown, headers: OutgoingHttpHeaders = {}): void {
    this.reply(status, { 'Content-Type': 'application/json; charset=utf-8', ...headers }, JSON.stringify(value) + '\n');
  }

  /** Reads a small body (manifests) into memory, refusing more than `limit` bytes with 413. */
  async readBody(limit: number): Promise<Buffer> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of this.req) {
      size += (chunk as Buffer).length;
      if (size > limit)
        throw new RegistryError('SIZE_INVALID', { limit }, { status: 413, message: `body larger than ${limit} bytes` });
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks);
  }
}

/** `first..last` pagination used by tags/list and _catalog: returns the page and the `Link` header, if any. */
export function paginate(items: string[], url: URL, path: string): { page: string[]; link?: string } {
  const last = url.searchParams.get('last');
  const nParam = url.searchParams.get('n');
  const n = nParam !== null && /^\d+$/.test(nParam) ? Number(nParam) : undefined;
  const after = last ? items.filter((item) => item > last) : items;
  if (n === undefined || after.length <= n) return { page: n === 0 ? [] : after };
  const page = after.slice(0, n);
  if (page.length === 0) return { page };
  const next = new URLSearchParams({ n: String(n), last: page[page.length - 1]! });
  return { page, link: `<${path}?${next.toString()}>; rel="next"` };
}
