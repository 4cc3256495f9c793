/**
 * Who may do what on the sandbox registry. Two policies, chosen per registry:
 *
 * - `basic` (default, like an ACR with anonymous pull and a repository-scoped token): GET/HEAD need nothing;
 *   push and delete need HTTP Basic with the configured user and password; wrong credentials fail every
 *   request, so `docker login`-style checks of `GET /v2/` tell a bad password apart.
 * - `token` (Docker's token flow, as Docker Hub, distribution with token auth and ACR do): every request needs
 *   `Authorization: Bearer <token>`; a 401 carries `Bearer realm="<base>/token",service=…,scope=…`, and the token
 *   endpoint grants pull to anyone and push/delete to the configured user (HTTP Basic on the token request).
 *   Tokens are HMAC-signed, opaque to clients, and expire.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { basicCredentials } from '../loopback-server.ts';
import { RegistryError } from './errors.ts';

/** What a request wants to do. `catalog` is listing all repositories. */
export type Action = 'pull' | 'push' | 'delete' | 'catalog';

/** The authorisation question for one request. `repo` is empty for registry-wide requests (`/v2/`, catalog). */
export interface AccessRequest {
  authorization: string | undefined;
  /** Base URL as the client addressed the registry (`http://<Host header>`), for the token realm. */
  baseUrl: string;
  repo: string;
  /** undefined for `GET /v2/`, which only checks that credentials, if any, are good. */
  action: Action | undefined;
}

/** A token endpoint answer. */
export interface TokenResponse {
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

/** An access policy: `check` throws a RegistryError (401 with a challenge) when the request may not proceed. */
export interface AccessPolicy {
  check(request: AccessRequest): void;
  /** Answers `GET /token?service=&scope=`; undefined when the policy has no token endpoint. */
  token?(authorization: string | undefined, scopes: string[], service: string | null): TokenResponse;
}

/** Options shared by the policies. */
export interface AccessOptions {
  user: string;
  password: string;
  /** Realm (basic) or service name (token) shown in challenges. */
  realm?: string;
  /** Token lifetime in seconds (token policy). */
  tokenLifetime?: number;
  /** Milliseconds since the epoch; injectable so expiry can be tested without waiting. */
  now?: () => number;
}

export type AuthMode = 'basic' | 'token';

/** The realm both policies announce unless told otherwise. */
export const REGISTRY_REALM = 'sandbox-registry';

/** Builds the policy for a mode. */
export const ACCESS_POLICIES: Record<AuthMode, (options: AccessOptions) => AccessPolicy> = {
  basic: (options) => new BasicAccess(options),
  token: (options) => new TokenAccess(options),
};

/** Anonymous pull, Basic for push and delete. */
class BasicAccess implements AccessPolicy {
  readonly #options: AccessOptions;

  constructor(options: AccessOptions) {
    this.#options = options;
  }

  check(request: AccessRequest): void {
    const credentials = basicCredentials(request.authorization, this.#options.user, this.#options.password);
    const anonymousOk = request.action === undefined || request.action === 'pull' || request.action === 'catalog';
    if (credentials === 'valid' || (credentials === 'none' && anonymousOk)) return;
    throw new RegistryError('UNAUTHORIZED', scopeDetail(request), {
      headers: { 'WWW-Authenticate': `Basic realm="${this.#options.realm ?? REGISTRY_REALM}"` },
    });
  }
}

/** One granted scope inside a token. */
interface Grant {
  type: string;
  name: string;
  actions: string[];
}

/** Docker's token flow with HMAC-signed tokens. */
class TokenAccess implements AccessPolicy {
  readonly #options: AccessOptions;
  readonly #secret = randomBytes(32);

  constructor(options: AccessOptions) {
    this.#options = options;
  }

  check(request: AccessRequest): void {
    const grants = this.#verify(request.authorization);
    const scope = scopeOf(request);
    if (
      grants &&
      (!scope ||
        grants.some(
          (g) =>
            g.type === scope.type &&
            g.name === scope.name &&
            scope.actions.every((a) => g.actions.includes(a) || g.actions.includes('*')),
        ))
    )
      return;
    const service = this.#service();
    const params = [`realm="${request.baseUrl}/token"`, `service="${service}"`];
    if (scope) params.push(`scope="${scope.type}:${scope.name}:${scope.actions.join(',')}"`);
    if (grants && scope) params.push('error="insufficient_scope"');
    throw new RegistryError('UNAUTHORIZED', scopeDetail(request), {
      headers: { 'WWW-Authenticate': `Bearer ${params.join(',')}` },
    });
  }

  token(authorization: string | undefined, scopes: string[], service: string | null): TokenResponse {
    const credentials = basicCredentials(authorization, this.#options.user, this.#options.password);
    if (credentials === 'invalid' || (service !== null && service !== this.#service())) {
      return {
        status: 401,
        headers: { 'WWW-Authenticate': `Basic realm="${this.#service()}"` },
        body: { errors: [{ code: 'UNAUTHORIZED', message: 'authentication required', detail: null }] },
      };
    }
    // Anonymous callers get pull only; the configured user gets whatever it asked for.
    const grants: Grant[] = scopes
      .map(parseScope)
      .filter((g): g is Grant => g !== undefined)
      .map((g) => ({
        ...g,
        actions:
          credentials === 'valid'
            ? g.actions
            : g.actions.filter((a) => a === 'pull' || (g.type === 'registry' && a === '*')),
      }));
    const lifetime = this.#options.tokenLifetime ?? 300;
    const now = this.#now();
    const payload = Buffer.from(
      JSON.stringify({
        sub: credentials === 'valid' ? this.#options.user : '',
        access: grants,
        exp: now + lifetime * 1000,
      }),
    ).toString('base64url');
    const token = `${payload}.${this.#sign(payload)}`;
    return {
      status: 200,
      headers: {},
      body: { token, access_token: token, expires_in: lifetime, issued_at: new Date(now).toISOString() },
    };
  }

  /** The grants of a valid, unexpired token; undefined otherwise. */
  #verify(authorization: string | undefined): Grant[] | undefined {
    const match = /^Bearer\s+([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\s*$/i.exec(authorization ?? '');
    if (!match) return undefined;
    const expected = Buffer.from(this.#sign(match[1]!));
    const given = Buffer.from(match[2]!);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
    const claims = JSON.parse(Buffer.from(match[1]!, 'base64url').toString('utf8')) as { access: Grant[]; exp: number };
    return claims.exp > this.#now() ? claims.access : undefined;
  }

  #sign(payload: string): string {
    return createHmac('sha256', this.#secret).update(payload).digest('base64url');
  }

  #service(): string {
    return this.#options.realm ?? REGISTRY_REALM;
  }

  #now(): number {
    return this.#options.now?.() ?? Date.now();
  }
}

/** The scope a request needs, as Docker clients ask for it. */
function scopeOf(request: AccessRequest): Grant | undefined {
  const byAction: Record<Action, () => Grant> = {
    pull: () => ({ type: 'repository', name: request.repo, actions: ['pull'] }),
    push: () => ({ type: 'repository', name: request.repo, actions: ['pull', 'push'] }),
    delete: () => ({ type: 'repository', name: request.repo, actions: ['delete'] }),
    catalog: () => ({ type: 'registry', name: 'catalog', actions: ['*'] }),
  };
  return request.action ? byAction[request.action]() : undefined;
}

/** `repository:foo/bar:pull,push` → grant; undefined for malformed scopes. */
function parseScope(scope: string): Grant | undefined {
  const match = /^([a-z]+)(?:\([a-z0-9]+\))?:(.+):([a-z*,]+)$/.exec(scope);
  if (!match) return undefined;
  return { type: match[1]!, name: match[2]!, actions: match[3]!.split(',').filter(Boolean) };
}

/** distribution's 401 detail: the access that was missing. */
function scopeDetail(request: AccessRequest): unknown {
  const scope = scopeOf(request);
  return scope ? [{ Type: scope.type, Class: '', Name: scope.name, Action: scope.actions.join(',') }] : null;
}
