/**
 * A GitHub-shaped REST API on the sandbox's git server, as GitHub Enterprise Server places it (`<host>/api/v3`):
 * enough for the suite's rate-limit record — `GET /api/v3/rate_limit` with the git token as a bearer token (a PAT
 * on GitHub), answering the documented shape (resources.core/search/graphql plus the deprecated `rate`) and the
 * `x-ratelimit-*` headers. Like GitHub, asking for the rate limit costs nothing; every other authenticated API
 * request uses one unit of `core`, and once it is spent they answer 403 "API rate limit exceeded". The
 * `api-rate-limit` fault spends the whole budget, as a token shared with a busy CI would.
 * Shapes: GitHub REST docs, "Get rate limit status for the authenticated user" (API version 2022-11-28).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Faults } from '../faults/faults.ts';

/** Where the API lives on the git server. */
export const GITHUB_API_PREFIX = '/api/v3';
/** GitHub's core budget for a personal access token. */
export const CORE_LIMIT = 5_000;

export interface RateBucket {
  limit: number;
  used: number;
  remaining: number;
  /** Epoch seconds of the next reset. */
  reset: number;
}

/** Counts the core budget over hourly windows. */
export class GitHubApi {
  readonly #token: () => string;
  readonly #faults?: Faults;
  readonly #now: () => number;
  #windowStart: number;
  #used = 0;

  constructor(options: { token: () => string; faults?: Faults; now?: () => number }) {
    this.#token = options.token;
    this.#faults = options.faults;
    this.#now = options.now ?? Date.now;
    this.#windowStart = this.#now();
  }

  /** Whether a request belongs to the API (the git server hands it over instead of running http-backend). */
  static handles(pathname: string): boolean {
    return pathname === GITHUB_API_PREFIX || pathname.startsWith(`${GITHUB_API_PREFIX}/`);
  }

  /** The core bucket now. */
  core(): RateBucket {
    const now = this.#now();
    if (now - this.#windowStart >= 3_600_000) {
      this.#windowStart = now;
      this.#used = 0;
    }
    const used = this.#faults?.active('api-rate-limit') ? CORE_LIMIT : Math.min(CORE_LIMIT, this.#used);
    return {
      limit: CORE_LIMIT,
      used,
      remaining: CORE_LIMIT - used,
      reset: Math.ceil((this.#windowStart + 3_600_000) / 1000),
    };
  }

  /** Answers one API request: 401 without the token, the rate limit, 403 when spent, 404 for anything else. */
  handle(req: IncomingMessage, res: ServerResponse, pathname: string): void {
    const auth = String(req.headers.authorization ?? '');
    const given = /^(?:Bearer|token)\s+(\S+)$/i.exec(auth)?.[1];
    if (given !== this.#token())
      return json(res, 401, {
        message: 'Bad credentials',
        documentation_url: 'https://docs.github.com/rest',
        status: '401',
      });
    const route = pathname.slice(GITHUB_API_PREFIX.length) || '/';
    if (req.method === 'GET' && route === '/rate_limit') {
      const core = this.core();
      const other = (limit: number): RateBucket => ({ limit, used: 0, remaining: limit, reset: core.reset });
      return json(
        res,
        200,
        { resources: { core, search: other(30), graphql: other(5_000), code_search: other(10) }, rate: core },
        headers(core),
      );
    }
    const before = this.core();
    if (before.remaining <= 0) {
      return json(
        res,
        403,
        {
          message: `API rate limit exceeded for user. (But here's the good news: Authenticated requests get a higher rate limit.)`,
          documentation_url: 'https://docs.github.com/rest/overview/resources-in-the-rest-api#rate-limiting',
        },
        headers(before),
      );
    }
    this.#used += 1;
    return json(
      res,
      404,
      { message: 'Not Found', documentation_url: 'https://docs.github.com/rest', status: '404' },
      headers(this.core()),
    );
  }
}

function headers(core: RateBucket): Record<string, string> {
  return {
    'x-ratelimit-limit': String(core.limit),
    'x-ratelimit-remaining': String(core.remaining),
    'x-ratelimit-used': String(core.used),
    'x-ratelimit-reset': String(core.reset),
    'x-ratelimit-resource': 'core',
  };
}

function json(res: ServerResponse, code: number, body: unknown, extra: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(code, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    ...extra,
  });
  res.end(text);
}
