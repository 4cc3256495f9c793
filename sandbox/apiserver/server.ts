/**
 * The sandbox's Kubernetes API server: HTTPS on 127.0.0.1 with a generated CA and a bearer token, serving the
 * REST API, discovery and OpenAPI to kubectl, helm and client-node, plus `kube`, the in-process client that
 * controllers use over the very same store. `new ApiServer(opts)` is usable in process at once (built-in
 * kinds, system namespaces and the Flux CRDs are there); `start()` adds HTTPS.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { SystemClock, type Clock } from '../kube/clock.ts';
import type { Kube } from '../kube/types.ts';
import type { PodFiles } from '../kubelet/podfs.ts';
import { Admission } from './admission.ts';
import { registerBuiltins } from './builtins.ts';
import { CrdController, installFluxCrds } from './crds.ts';
import { aggregatedVersion, Discovery } from './discovery.ts';
import { handleExecUpgrade, type ExecOptions } from './exec.ts';
import { GarbageCollector } from './gc.ts';
import { parseResourcePath, resourceNotFound, RestHandlers } from './handlers.ts';
import { InProcessKube } from './inprocess.ts';
import { Journal } from './journal.ts';
import { MetricsApi, METRICS_GROUP, METRICS_VERSION, registerMetricsTypes, runningPods } from './metrics.ts';
import { buildKubeconfig } from './kubeconfig.ts';
import type { LogStore } from './logs.ts';
import { NamespaceController } from './namespaces.ts';
import { OpenApi } from './openapi.ts';
import { ResourceRegistry } from './resources.ts';
import { failure, unauthorized, writeStatus } from './status.ts';
import { Store } from './store.ts';
import { generateTls, type TlsMaterial } from './tls.ts';
import { SchemaValidator } from './validation.ts';
import { WatchHub } from './watch.ts';
import { WatchStreams } from './watch-http.ts';
import { RequestLog, type RequestDetail, type TimelineEntry } from './request-log.ts';
import { ApiError } from '../kube/types.ts';
import { listenOnLoopback } from '../loopback-server.ts';

export interface ApiServerOptions {
  /** Which vendored Flux CRDs to install at construction. Default `2.9`. */
  flux?: '2.9' | '2.6';
  clock?: Clock;
  /** Bearer token clients must send. Default: random. */
  token?: string;
  /** Container logs served at `pods/log`. */
  logs?: LogStore;
  /** Pod file trees for `pods/exec`. */
  files?: PodFiles;
  /** Extra exec hooks (environment, image commands) passed to the exec handler. */
  exec?: ExecOptions;
  host?: '127.0.0.1';
  port?: number;
  /** Appends every journal entry as a JSON line to this file. */
  journalFile?: string;
  /** Watch history ring size (events). Default 10 000. */
  historyCapacity?: number;
  /** Interval of watch BOOKMARK events. Default 60 s. */
  bookmarkIntervalMs?: number;
}

/** Paths answered without a token, as a real server's `system:public-info-viewer` allows. */
const PUBLIC_PATHS = new Set(['/version', '/healthz', '/livez', '/readyz']);

const VERSION_INFO = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.9-sandbox',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2026-01-01T00:00:00Z',
  goVersion: 'go1.23.12',
  compiler: 'gc',
  platform: 'linux/amd64',
};

function sendJson(res: ServerResponse, code: number, body: unknown, contentType = 'application/json'): void {
  res.writeHead(code, { 'Content-Type': contentType, 'Cache-Control': 'no-cache, private' });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
}

/** The API server. */
export class ApiServer {
  /** In-process client over the same store; usable before `start()`. */
  readonly kube: Kube;
  /** Every object change, with real-time timestamps. */
  readonly journal: Journal;
  /** Mutating admission hooks (`admission.register(hook)`). */
  readonly admission: Admission;
  /** The store below both HTTP and `kube` (for sandbox internals and tests). */
  readonly store: Store;
  readonly registry: ResourceRegistry;
  readonly #clock: Clock;
  readonly #token: string;
  readonly #options: ApiServerOptions;
  readonly #gc: GarbageCollector;
  readonly #namespaces: NamespaceController;
  readonly #crds: CrdController;
  readonly #discovery: Discovery;
  readonly #openapi: OpenApi;
  readonly #watches: WatchStreams;
  readonly #rest: RestHandlers;
  readonly #metrics: MetricsApi;
  readonly #requests = new RequestLog();
  readonly #sockets = new Set<Socket | Duplex>();
  #tls?: TlsMaterial;
  #server?: Server;
  #url?: string;
  #stopped = false;

  constructor(options: ApiServerOptions = {}) {
    this.#options = options;
    this.#clock = options.clock ?? new SystemClock();
    this.#token = options.token ?? randomBytes(18).toString('base64url');
    this.registry = new ResourceRegistry();
    registerBuiltins(this.registry);
    registerMetricsTypes(this.registry);
    this.journal = new Journal({ file: options.journalFile });
    this.admission = new Admission();
    this.store = new Store({
      registry: this.registry,
      clock: this.#clock,
      hub: new WatchHub({ capacity: options.historyCapacity }),
      journal: this.journal,
      validator: new SchemaValidator(),
      admission: this.admission,
    });
    this.#crds = new CrdController(this.store);
    this.#gc = new GarbageCollector(this.store);
    this.#namespaces = new NamespaceController(this.store, { caPem: () => this.#tls?.caCert });
    this.#crds.start();
    this.#gc.start();
    this.#namespaces.start();
    this.#namespaces.bootstrap();
    installFluxCrds(this.store, options.flux ?? '2.9');
    this.kube = new InProcessKube(this.store);
    this.#metrics = new MetricsApi({
      pods: (namespace, labelSelector) =>
        runningPods(this.kube.list({ apiVersion: 'v1', kind: 'Pod', namespace }, { labelSelector })),
      nodes: () => this.kube.list({ apiVersion: 'v1', kind: 'Node' }, {}),
      countKinds: (kinds) =>
        this.registry
          .all()
          .filter((t) => kinds.includes(t.kind) && t.group !== METRICS_GROUP)
          .reduce(
            (n, t) =>
              n +
              this.kube.list(
                {
                  apiVersion: `${t.group}/${t.versions.find((v) => v.served)?.name ?? t.versions[0]!.name}`,
                  kind: t.kind,
                },
                {},
              ).length,
            0,
          ),
      now: () => Date.now(),
    });
    this.journal.on('entry', (entry: { ts: number; kind: string }) => this.#metrics.observe(entry));
    this.#discovery = new Discovery(this.registry);
    this.#openapi = new OpenApi(this.registry);
    this.#watches = new WatchStreams({ clock: this.#clock, bookmarkIntervalMs: options.bookmarkIntervalMs });
    this.#rest = new RestHandlers({
      store: this.store,
      registry: this.registry,
      clock: this.#clock,
      watches: this.#watches,
      logs: options.logs,
    });
  }

  /** `https://127.0.0.1:PORT`; throws before `start()`. */
  get url(): string {
    if (!this.#url) throw new Error('ApiServer not started');
    return this.#url;
  }

  /** The CA certificate (PEM) clients must trust; throws before `start()`. */
  get caPem(): string {
    if (!this.#tls) throw new Error('ApiServer not started');
    return this.#tls.caCert;
  }

  /** The bearer token clients must send. */
  get token(): string {
    return this.#token;
  }

  /** A kubeconfig (YAML) for this server: cluster/user/context `sandbox`. Throws before `start()`. */
  kubeconfig(): string {
    return buildKubeconfig({ server: this.url, caPem: this.caPem, token: this.#token });
  }

  /** Requests served, per User-Agent product (`kubectl/v1.35.2`, `helm/v4.0.0`, `node-fetch`, …). */
  requestCounts(): Record<string, number> {
    return this.#requests.totals();
  }

  /** Requests served since `since` (epoch ms), per client and `verb resource`, with requests per minute. */
  requestDetail(since?: number): RequestDetail {
    return this.#requests.detail(since);
  }

  /** Every request served since `since` (epoch ms), oldest first, with its whole User-Agent. */
  requestTimeline(since?: number): TimelineEntry[] {
    return this.#requests.timeline(since);
  }

  /** Resolves when the GC, namespace and CRD controllers have no pending work (tests await it). */
  async whenIdle(): Promise<void> {
    await Promise.all([this.#gc.whenIdle(), this.#namespaces.whenIdle(), this.#crds.whenIdle()]);
  }

  /** Generates TLS material and listens; resolves once listening. */
  async start(): Promise<void> {
    if (this.#server) return;
    if (this.#stopped) throw new Error('ApiServer was stopped');
    const host = this.#options.host ?? '127.0.0.1';
    this.#tls = await generateTls(host);
    this.#namespaces.publishRootCa();
    const server = createServer({ cert: this.#tls.cert, key: this.#tls.key, keepAlive: true }, (req, res) => {
      void this.#onRequest(req, res);
    });
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => this.#onUpgrade(req, socket, head));
    server.on('connection', (socket: Socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
    });
    server.on('tlsClientError', () => undefined);
    this.#server = server;
    this.#url = `https://${host}:${await listenOnLoopback(server, { host, port: this.#options.port })}`;
  }

  /** Ends watches, closes connections and stops the controllers; safe to call twice. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#watches.closeAll();
    this.#crds.stop();
    this.#gc.stop();
    this.#namespaces.stop();
    const server = this.#server;
    if (!server) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    for (const socket of this.#sockets) socket.destroy();
    await closed;
  }

  #count(req: IncomingMessage): void {
    this.#requests.record(req);
  }

  #authorized(req: IncomingMessage): boolean {
    return req.headers.authorization === `Bearer ${this.#token}`;
  }

  async #onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.#count(req);
    res.on('error', () => undefined);
    try {
      const url = new URL(req.url ?? '/', 'https://sandbox');
      const pathname = url.pathname.replace(/\/+$/, '') || '/';
      if (!PUBLIC_PATHS.has(pathname) && !this.#authorized(req)) throw unauthorized();
      await this.#route(req, res, pathname, url.searchParams);
    } catch (err) {
      if (res.headersSent) {
        res.end();
        return;
      }
      writeStatus(
        res,
        err instanceof ApiError
          ? err
          : new ApiError(
              failure(500, 'InternalError', `Internal error occurred: ${(err as Error)?.message ?? String(err)}`),
            ),
      );
    }
  }

  async #route(req: IncomingMessage, res: ServerResponse, pathname: string, query: URLSearchParams): Promise<void> {
    const segments = pathname.split('/').slice(1).map(decodeURIComponent);
    const fixed = this.#fixedRoutes(req, res, query)[pathname];
    if (fixed) return fixed();
    if (segments[0] === 'readyz' || segments[0] === 'livez' || segments[0] === 'healthz')
      return sendJson(res, 200, 'ok', 'text/plain; charset=utf-8');
    if (segments[0] === 'openapi' && segments[1] === 'v3' && segments.length > 2) {
      const doc = this.#openapi.document(segments.slice(2).join('/'));
      if (!doc) throw resourceNotFound();
      return sendJson(res, 200, doc);
    }
    if (segments[0] === 'apis' && segments.length === 2) {
      const group = this.#discovery.group(segments[1]!);
      if (!group) throw resourceNotFound();
      return sendJson(res, 200, group);
    }
    if ((segments[0] === 'api' && segments.length === 2) || (segments[0] === 'apis' && segments.length === 3)) {
      const [group, version] = segments[0] === 'api' ? ['', segments[1]!] : [segments[1]!, segments[2]!];
      const list = this.#discovery.resourceList(group, version);
      if (!list) throw resourceNotFound();
      return sendJson(res, 200, list);
    }
    // The aggregated metrics API (metrics-server's), computed per request instead of stored.
    if (segments[0] === 'apis' && segments[1] === METRICS_GROUP && segments[2] === METRICS_VERSION) {
      const { code, body } = this.#metrics.handle(segments.slice(3), query);
      return sendJson(res, code, body);
    }
    const path = parseResourcePath(segments);
    if (!path) throw resourceNotFound();
    await this.#rest.handle(req, res, path, query);
  }

  /** Non-resource endpoints, one entry per path. */
  #fixedRoutes(req: IncomingMessage, res: ServerResponse, query: URLSearchParams): Record<string, () => void> {
    const ok = () => sendJson(res, 200, 'ok', 'text/plain; charset=utf-8');
    const discovery = (which: 'api' | 'apis') => () => {
      const aggregated = aggregatedVersion(req.headers.accept);
      if (aggregated) {
        return sendJson(
          res,
          200,
          this.#discovery.aggregated(which, aggregated),
          `application/json;g=apidiscovery.k8s.io;v=${aggregated};as=APIGroupDiscoveryList`,
        );
      }
      return sendJson(
        res,
        200,
        which === 'api' ? this.#discovery.coreVersions(new URL(this.url).host) : this.#discovery.groupList(),
      );
    };
    return {
      '/version': () => sendJson(res, 200, VERSION_INFO),
      '/healthz': ok,
      '/livez': ok,
      '/readyz': ok,
      '/api': discovery('api'),
      '/apis': discovery('apis'),
      '/openapi/v3': () => sendJson(res, 200, this.#openapi.index()),
      '/openapi/v2': () => {
        throw resourceNotFound();
      },
      '/sandbox/v1/journal': () =>
        sendJson(res, 200, {
          resourceVersion: String(this.store.currentRv),
          entries: this.journal.entries(query.get('since') ?? undefined),
        }),
      // `?detail=true[&since=<epoch ms>]`: per client and `verb resource`, with requests per minute.
      '/sandbox/v1/requests': () =>
        sendJson(
          res,
          200,
          query.get('detail') === 'true'
            ? this.requestDetail(Number(query.get('since') ?? 0) || 0)
            : this.requestCounts(),
        ),
    };
  }

  /** Upgrades: only `pods/NAME/exec` (WebSocket, or SPDY refused with a Status by the exec handler). */
  #onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.#count(req);
    this.#sockets.add(socket);
    socket.on('close', () => this.#sockets.delete(socket));
    socket.on('error', () => undefined);
    const refuse = (err: ApiError) => {
      const body = JSON.stringify(err.status);
      socket.end(
        `HTTP/1.1 ${err.code} ${err.reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
    };
    try {
      if (!this.#authorized(req)) throw unauthorized();
      const url = new URL(req.url ?? '/', 'https://sandbox');
      const path = parseResourcePath(url.pathname.split('/').slice(1).map(decodeURIComponent));
      if (!path || path.subresource !== 'exec' || path.plural !== 'pods' || path.group !== '') throw resourceNotFound();
      const r = this.#rest.resolve(path);
      const pod = this.store.get(r, path.namespace, path.name!);
      if (!this.#options.files) throw new ApiError(failure(400, 'BadRequest', 'exec is not available in this sandbox'));
      handleExecUpgrade(req, socket, head, pod, url.searchParams, this.#options.files, this.#options.exec);
    } catch (err) {
      refuse(
        err instanceof ApiError
          ? err
          : new ApiError(failure(500, 'InternalError', String((err as Error)?.message ?? err))),
      );
    }
  }
}
