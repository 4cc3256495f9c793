/**
 * Requests the API server served, by client (the User-Agent's product, `kubectl/v1.35.2`, `gitops-e2e/0.1.0`, …)
 * and by verb and resource as the real server's RequestInfo names them (`list pods`, `watch
 * kustomizations.kustomize.toolkit.fluxcd.io`, `get discovery`, `get /version`), with a real-time timestamp each,
 * so a bench can read a client's requests per minute over any window (`GET /sandbox/v1/requests?detail=true&since=`).
 */
import type { IncomingMessage } from 'node:http';
import { parseResourcePath } from './handlers.ts';

/** One request. `ts` is real time (epoch ms). */
interface Logged {
  ts: number;
  client: string;
  /** The whole User-Agent: the suite's says which part of it talks (`gitops-e2e/0.1.0 (phase)`). */
  agent: string;
  call: string;
}

/** One request in arrival order, for timing a client's requests against its own clock (a bench's phase gaps). */
export interface TimelineEntry {
  ts: number;
  agent: string;
  call: string;
}

/** One client's requests in a window. */
export interface ClientRequests {
  total: number;
  /** Requests per minute between the client's first and last request in the window (total when under a second). */
  perMinute: number;
  first: number;
  last: number;
  /** `verb resource` → count. */
  calls: Record<string, number>;
}

/** What `detail()` returns. */
export interface RequestDetail {
  since: number;
  until: number;
  clients: Record<string, ClientRequests>;
}

/** Requests kept (oldest dropped first): hours of a busy suite. */
const CAPACITY = 200_000;

/** The product of a User-Agent (`kubectl/v1.35.2 (linux/amd64) kubernetes/abc` → `kubectl/v1.35.2`). */
export function clientOf(req: IncomingMessage): string {
  return String(req.headers['user-agent'] ?? '').split(' ')[0] || 'unknown';
}

/** `verb resource` of a request, with the verbs of the API server's RequestInfo. */
export function callOf(method: string, url: URL): string {
  const segments = url.pathname.replace(/\/+$/, '').split('/').slice(1).map(decodeURIComponent);
  const path = parseResourcePath(segments);
  const verb = method.toLowerCase();
  if (!path) {
    const discovery =
      (segments[0] === 'api' && segments.length <= 2) || (segments[0] === 'apis' && segments.length <= 3);
    if (discovery) return `${verb} discovery`;
    if (segments[0] === 'openapi') return `${verb} openapi`;
    return `${verb} /${segments.join('/')}`;
  }
  const resource = `${path.plural}${path.group ? `.${path.group}` : ''}${path.subresource ? `/${path.subresource}` : ''}`;
  const watching =
    path.watchPrefix || url.searchParams.get('watch') === 'true' || url.searchParams.get('watch') === '1';
  const kubeVerb: Record<string, string> = {
    get: path.name ? 'get' : watching ? 'watch' : 'list',
    post: 'create',
    put: 'update',
    patch: 'patch',
    delete: path.name ? 'delete' : 'deletecollection',
  };
  return `${kubeVerb[verb] ?? verb} ${resource}`;
}

/** Every request served, bounded. */
export class RequestLog {
  #entries: Logged[] = [];
  readonly #totals = new Map<string, number>();

  record(req: IncomingMessage): void {
    const client = clientOf(req);
    this.#totals.set(client, (this.#totals.get(client) ?? 0) + 1);
    let call: string;
    try {
      call = callOf(req.method ?? 'GET', new URL(req.url ?? '/', 'https://sandbox'));
    } catch {
      call = `${(req.method ?? 'GET').toLowerCase()} (malformed path)`;
    }
    this.#entries.push({ ts: Date.now(), client, agent: String(req.headers['user-agent'] ?? ''), call });
    if (this.#entries.length > CAPACITY * 1.1) this.#entries = this.#entries.slice(-CAPACITY);
  }

  /** Requests since the server started, per client. */
  totals(): Record<string, number> {
    return Object.fromEntries(this.#totals);
  }

  /** Every request at or after `since` (epoch ms), oldest first, with its whole User-Agent. */
  timeline(since = 0): TimelineEntry[] {
    return this.#entries.filter((e) => e.ts >= since).map(({ ts, agent, call }) => ({ ts, agent, call }));
  }

  /** Requests at or after `since` (epoch ms; all kept when omitted), per client and `verb resource`. */
  detail(since = 0): RequestDetail {
    const clients: Record<string, ClientRequests> = {};
    for (const e of this.#entries) {
      if (e.ts < since) continue;
      const c = (clients[e.client] ??= { total: 0, perMinute: 0, first: e.ts, last: e.ts, calls: {} });
      c.total++;
      c.last = e.ts;
      c.calls[e.call] = (c.calls[e.call] ?? 0) + 1;
    }
    for (const c of Object.values(clients)) {
      const minutes = (c.last - c.first) / 60_000;
      c.perMinute = minutes >= 1 / 60 ? Math.round((c.total / minutes) * 10) / 10 : c.total;
    }
    return { since, until: Date.now(), clients };
  }
}
