/**
 * The sandbox's git host: git's smart HTTP protocol (v0/v1 and v2) served by the real `git http-backend`
 * behind a small CGI bridge. Anyone may fetch and clone; pushing needs HTTP Basic with the configured user and
 * token, like a personal access token on a real host. The `git-down` and `git-push-reject` faults are asked
 * per request, so a test sees git's own failure messages.
 */
import type { ChildProcess } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import path from 'node:path';
import { delayOn, type Faults } from '../faults/faults.ts';
import { basicCredentials, listenOnLoopback, loopbackHost, type Credentials } from '../loopback-server.ts';
import { GITHUB_API_PREFIX, GitHubApi } from './github-api.ts';
import { runCgi } from './cgi.ts';
import { installPushHooks, PUSH_REJECT_ENV } from './hooks.ts';

/** Options of a GitServer. */
export interface GitServerOptions {
  /** Directory holding the bare repositories (`<name>.git`), e.g. as created by `seedRepo`. */
  root: string;
  /** HTTP Basic user allowed to push. */
  user: string;
  /** HTTP Basic password (token) allowed to push. */
  token: string;
  /**
   * Fault knobs, asked on every request (`git-down`, `git-push-reject`, `git-rate-limit`, `git-slow`); a push
   * fires the `git-push` trigger of armed knobs.
   */
  faults?: Faults;
  /** The cluster clock `git-slow` waits on (so `--time-scale` applies); wall time without it. */
  clock?: { after(ms: number, fn: () => void): () => void };
  /** Receives one line per noteworthy event (http-backend's stderr, refused requests). */
  log?: (line: string) => void;
}

/** The realm git shows when it asks for credentials. */
export const GIT_REALM = 'sandbox-git';

type Access = 'fetch' | 'push';

/** Which smart-HTTP service a request belongs to, by the service name in its path or `?service=` query. */
const SERVICE_ACCESS: Record<string, Access> = {
  'git-upload-pack': 'fetch',
  'git-receive-pack': 'push',
};

/** A git smart-HTTP server over bare repositories in `root`. */
export class GitServer {
  readonly #options: GitServerOptions;
  readonly #root: string;
  readonly #children = new Set<ChildProcess>();
  #server?: Server;
  #port?: number;
  #stopping?: Promise<void>;
  readonly #api: GitHubApi;

  constructor(options: GitServerOptions) {
    this.#options = options;
    this.#root = path.resolve(options.root);
    this.#api = new GitHubApi({ token: () => options.token, faults: options.faults });
  }

  /** Starts listening on 127.0.0.1 with an ephemeral port; resolves once the port is bound. */
  async start(): Promise<void> {
    if (this.#server) throw new Error('GitServer already started');
    const server = createServer((req, res) => {
      this.#handle(req, res).catch((err: unknown) => {
        this.#log(`internal error: ${(err as Error).message}`);
        if (!res.headersSent) plain(res, 500, 'internal git server error\n');
        else res.destroy();
      });
    });
    this.#server = server;
    this.#port = await listenOnLoopback(server);
  }

  /** Stops listening, kills running http-backend processes and drops open connections. Safe to call twice. */
  async stop(): Promise<void> {
    if (!this.#server) return;
    this.#stopping ??= this.#stop(this.#server);
    return this.#stopping;
  }

  /** Base URL, `http://127.0.0.1:PORT`. Throws before `start()`. */
  get url(): string {
    return `http://${loopbackHost(this.#port, 'GitServer')}`;
  }

  /** Base URL of the GitHub-shaped REST API (`GET <apiUrl>/rate_limit`), as on GitHub Enterprise Server. */
  get apiUrl(): string {
    return `${this.url}${GITHUB_API_PREFIX}`;
  }

  /** Clone URL of the bare repository `<root>/<name>.git`. Throws before `start()`. */
  repoUrl(name: string): string {
    return `${this.url}/${name}.git`;
  }

  async #stop(server: Server): Promise<void> {
    for (const child of this.#children) child.kill('SIGTERM');
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://git.invalid');
    const faults = this.#options.faults;
    if (faults?.active('git-down')) {
      plain(res, 503, 'git server unavailable (sandbox fault git-down)\n');
      return;
    }
    if (GitHubApi.handles(url.pathname)) return this.#api.handle(req, res, url.pathname);
    const access = accessOf(url);
    if (access === 'fetch' && faults?.active('git-rate-limit')) {
      this.#log(`429 ${req.method} ${url.pathname} (sandbox fault git-rate-limit)`);
      rateLimited(res);
      return;
    }
    const slow = faults?.active('git-slow')?.value;
    if (access === 'fetch' && typeof slow === 'number' && slow > 0) {
      await delayOn(
        this.#options.clock ?? {
          after: (ms, fn) => {
            const t = setTimeout(fn, ms);
            return () => clearTimeout(t);
          },
        },
        slow,
      );
    }
    const credentials = this.#credentials(req.headers.authorization);
    // Wrong credentials fail every request, as on real hosts; missing ones only matter for pushes.
    if (credentials === 'invalid' || (access === 'push' && credentials !== 'valid')) {
      this.#log(
        `401 ${req.method} ${url.pathname} (${credentials === 'invalid' ? 'bad credentials' : 'push needs credentials'})`,
      );
      res.writeHead(401, {
        'WWW-Authenticate': `Basic realm="${GIT_REALM}"`,
        'Content-Type': 'text/plain; charset=utf-8',
      });
      res.end('authentication required\n');
      return;
    }
    const pathInfo = decodePath(url.pathname);
    if (pathInfo === undefined) {
      plain(res, 400, 'malformed path\n');
      return;
    }
    if (access === 'push') await this.#prepareRepoForPush(pathInfo);

    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
      LANG: 'C',
      LC_ALL: 'C',
      // No system or user config: the served repositories behave the same on every machine.
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: '/dev/null',
      GATEWAY_INTERFACE: 'CGI/1.1',
      SERVER_PROTOCOL: `HTTP/${req.httpVersion}`,
      GIT_PROJECT_ROOT: this.#root,
      GIT_HTTP_EXPORT_ALL: '1',
      REQUEST_METHOD: req.method ?? 'GET',
      PATH_INFO: pathInfo,
      QUERY_STRING: url.search.replace(/^\?/, ''),
      REMOTE_ADDR: req.socket.remoteAddress ?? '127.0.0.1',
      ...optional('CONTENT_TYPE', req.headers['content-type']),
      // Absent for chunked bodies: http-backend then reads stdin to EOF.
      ...optional('CONTENT_LENGTH', req.headers['content-length']),
      // http-backend inflates gzip bodies itself when told the encoding.
      ...optional('HTTP_CONTENT_ENCODING', req.headers['content-encoding']),
      ...optional('GIT_PROTOCOL', header(req, 'git-protocol')),
      ...(credentials === 'valid' ? { REMOTE_USER: this.#options.user } : {}),
      ...(access === 'push' && faults?.active('git-push-reject') ? { [PUSH_REJECT_ENV]: '1' } : {}),
    };
    const run = runCgi(req, res, { command: 'git', args: ['http-backend'], env }, (text) => {
      for (const line of text.split('\n').filter(Boolean)) this.#log(`http-backend: ${line}`);
    });
    this.#children.add(run.child);
    await run.done;
    this.#children.delete(run.child);
    if (access === 'push' && req.method === 'POST') faults?.fire('git-push', `git push received: POST ${url.pathname}`);
  }

  /** Makes sure the repository a push targets carries the sandbox's pre-receive hook (repos may be made by hand). */
  async #prepareRepoForPush(pathInfo: string): Promise<void> {
    const repoPath = pathInfo.replace(/\/(info\/refs|git-receive-pack)$/, '');
    const dir = path.resolve(this.#root, `.${repoPath}`);
    if (!dir.startsWith(this.#root + path.sep)) return; // http-backend answers such paths itself
    const isDir = await stat(dir).then(
      (s) => s.isDirectory(),
      () => false,
    );
    if (isDir) await installPushHooks(dir);
  }

  #credentials(authorization: string | undefined): Credentials {
    return basicCredentials(authorization, this.#options.user, this.#options.token);
  }

  #log(line: string): void {
    this.#options.log?.(line);
  }
}

/** `push` for receive-pack requests (discovery and the POST), `fetch` for everything else. */
function accessOf(url: URL): Access {
  const service = url.searchParams.get('service') ?? path.posix.basename(url.pathname);
  return SERVICE_ACCESS[service] ?? 'fetch';
}

function decodePath(pathname: string): string | undefined {
  try {
    return decodeURIComponent(pathname);
  } catch {
    return undefined;
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

function optional(name: string, value: string | undefined): Record<string, string> {
  return value === undefined || value === '' ? {} : { [name]: value };
}

/**
 * GitHub's answer under its secondary rate limit (docs.github.com, "Rate limits for the REST API": 403 or 429 with
 * `retry-after` and `x-ratelimit-remaining: 0`), as a git host sends it to a fetching client.
 */
function rateLimited(res: ServerResponse): void {
  const reset = Math.floor(Date.now() / 1000) + 60;
  const text =
    'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. (sandbox fault git-rate-limit)\n';
  res.writeHead(429, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Retry-After': '60',
    'X-RateLimit-Limit': '5000',
    'X-RateLimit-Remaining': '0',
    'X-RateLimit-Reset': String(reset),
    'X-RateLimit-Resource': 'core',
  });
  res.end(text);
}

function plain(res: ServerResponse, code: number, text: string): void {
  res.writeHead(code, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}
