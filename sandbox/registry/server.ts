/**
 * The sandbox's OCI registry: the parts of the distribution spec (OCI v1.1) that ORAS, Flux's image-reflector
 * and a kubelet use, over plain HTTP on 127.0.0.1, with content-addressed storage on disk (`storage.ts`).
 * Anonymous pull, Basic auth for push and delete (or Docker's token flow with `auth: 'token'`), OCI error JSON
 * everywhere, and the registry faults asked per request: `registry-down` (503), `corrupt-artifact=<tag>`
 * (layer bytes flipped, same length) and `slow-download=<bytes/s>` (throttled blob bodies).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Faults } from '../faults/faults.ts';
import { listenOnLoopback, LoopbackService } from '../loopback-server.ts';
import { ACCESS_POLICIES, REGISTRY_REALM, type AccessPolicy, type Action, type AuthMode } from './auth.ts';
import { BlobHandlers } from './blobs.ts';
import { RegistryError, sendError } from './errors.ts';
import { Exchange } from './exchange.ts';
import { ManifestHandlers } from './manifests.ts';
import { RegistryStorage } from './storage.ts';

/** Options of a Registry. */
export interface RegistryOptions {
  /** Storage directory; a registry started again on the same root serves what was pushed before. */
  root: string;
  /** User allowed to push and delete (HTTP Basic, or on the token endpoint). */
  user: string;
  /** Its password — a token, as ACR repository-scoped tokens work. */
  password: string;
  /** Fault knobs, asked on every request. */
  faults?: Faults;
  /**
   * Other host names clients may use for this registry (e.g. `myacr.azurecr.io` mapped here by the sandbox).
   * Responses use relative `Location`s and the token realm follows the request's Host, so any alias works.
   */
  aliases?: string[];
  /** `basic` (default): anonymous pull, Basic for push/delete. `token`: Docker's Bearer token flow. */
  auth?: AuthMode;
  /** Receives one line per refused or failed request (404s excepted). */
  log?: (line: string) => void;
}

/** What an endpoint needs from auth, and who handles it. */
interface Endpoint {
  action: Action | undefined;
  handle: (ex: Exchange) => Promise<void>;
}

/** An OCI distribution registry. */
export class Registry extends LoopbackService {
  readonly #options: RegistryOptions;
  readonly #storage: RegistryStorage;
  readonly #access: AccessPolicy;
  readonly #endpoints: Record<string, Endpoint>;
  #server?: Server;

  constructor(options: RegistryOptions) {
    super('Registry');
    this.#options = options;
    this.#storage = new RegistryStorage(options.root);
    this.#access = ACCESS_POLICIES[options.auth ?? 'basic']({
      user: options.user,
      password: options.password,
      realm: REGISTRY_REALM,
    });
    const blobs = new BlobHandlers(this.#storage, options.faults);
    const manifests = new ManifestHandlers(this.#storage, (repo, tag) =>
      options.faults?.fire('oci-push', `manifest PUT ${repo}:${tag} (a new tag)`),
    );
    const base = async (ex: Exchange) => ex.json(200, {});
    const pull = (handle: Endpoint['handle']): Endpoint => ({ action: 'pull', handle });
    const push = (handle: Endpoint['handle']): Endpoint => ({ action: 'push', handle });
    // Dispatch on "<route> <method>"; a known route with another method is 405.
    this.#endpoints = {
      'base GET': { action: undefined, handle: base },
      'base HEAD': { action: undefined, handle: base },
      'catalog GET': { action: 'catalog', handle: (ex) => manifests.catalog(ex) },
      'tags GET': pull((ex) => manifests.tags(ex)),
      'manifest GET': pull((ex) => manifests.get(ex)),
      'manifest HEAD': pull((ex) => manifests.get(ex)),
      'manifest PUT': push((ex) => manifests.put(ex)),
      'manifest DELETE': { action: 'delete', handle: (ex) => manifests.delete(ex) },
      'referrers GET': pull((ex) => manifests.referrers(ex)),
      'blob GET': pull((ex) => blobs.get(ex)),
      'blob HEAD': pull((ex) => blobs.get(ex)),
      'blob DELETE': { action: 'delete', handle: (ex) => blobs.delete(ex) },
      'uploads POST': push((ex) => blobs.start(ex)),
      'upload GET': push((ex) => blobs.status(ex)),
      'upload PATCH': push((ex) => blobs.patch(ex)),
      'upload PUT': push((ex) => blobs.put(ex)),
      'upload DELETE': push((ex) => blobs.cancel(ex)),
    };
  }

  /** Starts listening on 127.0.0.1 with an ephemeral port; resolves once the port is bound. */
  async start(): Promise<void> {
    if (this.#server) throw new Error('Registry already started');
    await this.#storage.init();
    const server = createServer((req, res) => void this.#handle(req, res));
    this.#server = server;
    this.boundPort = await listenOnLoopback(server);
  }

  /** Alias host names this registry stands in for. */
  get aliases(): string[] {
    return [...(this.#options.aliases ?? [])];
  }

  /** Stops listening and drops open connections (downloads in flight end). */
  protected async shutdown(): Promise<void> {
    const server = this.#server;
    if (!server) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.setHeader('Docker-Distribution-API-Version', 'registry/2.0');
    try {
      if (this.#options.faults?.active('registry-down')) {
        throw new RegistryError('UNAVAILABLE', {}, { message: 'service unavailable (sandbox fault registry-down)' });
      }
      const ex = Exchange.route(req, res);
      if (!ex) {
        req.resume();
        res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
        res.end('404 page not found\n');
        return;
      }
      if (ex.route === 'token') {
        this.#token(ex);
        return;
      }
      const endpoint = this.#endpoints[`${ex.route} ${ex.method}`];
      if (!endpoint)
        throw new RegistryError('UNSUPPORTED', { method: ex.method }, { message: 'The operation is unsupported.' });
      this.#access.check({
        authorization: ex.header('authorization'),
        baseUrl: ex.baseUrl,
        repo: ex.repo,
        action: endpoint.action,
      });
      await endpoint.handle(ex);
    } catch (err) {
      this.#fail(req, res, err);
    }
  }

  /** The token endpoint of the Bearer flow (404 under Basic auth, like a registry without one). */
  #token(ex: Exchange): void {
    if (!this.#access.token || ex.method !== 'GET') {
      ex.reply(404, { 'Content-Type': 'text/plain; charset=utf-8' }, '404 page not found\n');
      return;
    }
    const answer = this.#access.token(
      ex.header('authorization'),
      ex.url.searchParams.getAll('scope'),
      ex.url.searchParams.get('service'),
    );
    ex.json(answer.status, answer.body, answer.headers);
  }

  #fail(req: IncomingMessage, res: ServerResponse, err: unknown): void {
    // Drain whatever body is still coming, so the connection can be reused for the client's next request.
    req.resume();
    const error = err instanceof RegistryError ? err : new RegistryError('UNKNOWN', { reason: (err as Error).message });
    // 404s are routine (clients HEAD a blob before uploading it); everything else is worth a line.
    if (error.status !== 404)
      this.#options.log?.(`${error.status} ${req.method} ${req.url}: ${error.code} ${error.message}`);
    if (res.headersSent) {
      res.destroy();
      return;
    }
    sendError(res, error, req.method);
  }
}
