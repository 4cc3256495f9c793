/**
 * Registry authentication as Docker clients do it: send nothing until challenged, then answer the
 * `WWW-Authenticate` challenge — `Basic` with the username and password, or `Bearer` by fetching a token from the
 * challenge's realm (with the same credentials as Basic, or anonymously) for the scope the registry asked for.
 * Tokens are cached per repository; Basic is sent up front once a registry has asked for it. Works against the
 * sandbox registry, CNCF distribution (htpasswd or token auth) and ACR (`/oauth2/token` with token credentials).
 */
import { OciError } from './errors.ts';

/** One parsed challenge, e.g. `{scheme: 'bearer', params: {realm, service, scope}}`. Scheme is lower-case. */
export interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

/** Parses a `WWW-Authenticate` header (RFC 7235), including quoted values that contain commas. */
export function parseChallenges(header: string): Challenge[] {
  const challenges: Challenge[] = [];
  const token = /\s*([!#$%&'*+.^_`|~0-9A-Za-z-]+)/y;
  const param = /\s*([!#$%&'*+.^_`|~0-9A-Za-z-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))\s*,?/y;
  let pos = 0;
  while (pos < header.length) {
    token.lastIndex = pos;
    const scheme = token.exec(header);
    if (!scheme) break;
    pos = token.lastIndex;
    const challenge: Challenge = { scheme: scheme[1]!.toLowerCase(), params: {} };
    for (;;) {
      param.lastIndex = pos;
      const match = param.exec(header);
      if (!match) break;
      challenge.params[match[1]!.toLowerCase()] = match[2] !== undefined ? match[2].replace(/\\(.)/g, '$1') : match[3]!;
      pos = param.lastIndex;
    }
    challenges.push(challenge);
    while (pos < header.length && /[\s,]/.test(header[pos]!)) pos++;
  }
  return challenges;
}

/** Options of `RegistryAuth`. */
export interface RegistryAuthOptions {
  username?: string;
  password?: string;
  userAgent?: string;
  fetch: typeof fetch;
}

interface CachedToken {
  token: string;
  expiresAt: number;
}

/** Credentials and tokens for one registry; one instance per client. */
export class RegistryAuth {
  readonly #options: RegistryAuthOptions;
  readonly #tokens = new Map<string, CachedToken>();
  #basicFirst = false;

  constructor(options: RegistryAuthOptions) {
    this.#options = options;
  }

  /** True when a username and password were configured. */
  get hasCredentials(): boolean {
    return this.#options.username !== undefined && this.#options.password !== undefined;
  }

  /** The Authorization header to send up front for requests on `scopeKey` (a repository, or '' for the registry). */
  header(scopeKey: string): string | undefined {
    const cached = this.#tokens.get(scopeKey);
    if (cached && cached.expiresAt > Date.now()) return `Bearer ${cached.token}`;
    if (this.#basicFirst) return this.#basic();
    return undefined;
  }

  /**
   * Answers a 401's challenge for `scopeKey`. Resolves true when a retry carries new credentials (the caller
   * retries once), false when there is nothing better to send.
   */
  async answer(
    header: string | null,
    scopeKey: string,
    sentAuthorization: string | undefined,
    signal?: AbortSignal,
  ): Promise<boolean> {
    const challenges = parseChallenges(header ?? '');
    const bearer = challenges.find((c) => c.scheme === 'bearer');
    if (bearer?.params.realm) {
      const token = await this.#fetchToken(bearer.params, signal);
      this.#tokens.set(scopeKey, token);
      return `Bearer ${token.token}` !== sentAuthorization;
    }
    if (challenges.some((c) => c.scheme === 'basic') && this.hasCredentials) {
      this.#basicFirst = true;
      return this.#basic() !== sentAuthorization;
    }
    return false;
  }

  async #fetchToken(params: Record<string, string>, signal?: AbortSignal): Promise<CachedToken> {
    const url = new URL(params.realm!);
    if (params.service) url.searchParams.set('service', params.service);
    // Distribution sends several scopes space-separated; the token endpoint wants one parameter each.
    for (const scope of (params.scope ?? '').split(' ').filter(Boolean)) url.searchParams.append('scope', scope);
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (this.hasCredentials) headers.Authorization = this.#basic();
    if (this.#options.userAgent) headers['User-Agent'] = this.#options.userAgent;
    const started = Date.now();
    const res = await this.#options.fetch(url, { headers, signal });
    if (!res.ok) throw await OciError.fromResponse(res, 'GET', url);
    const body = (await res.json()) as { token?: string; access_token?: string; expires_in?: number };
    const token = body.token ?? body.access_token;
    if (!token)
      throw new OciError({
        status: res.status,
        method: 'GET',
        url: url.toString(),
        errors: [{ code: 'UNAUTHORIZED', message: 'token endpoint returned no token' }],
      });
    // Docker's default lifetime is 60 s; renew a little early so a long push does not fail halfway.
    const lifetime = Math.max(10, (body.expires_in ?? 60) - 5) * 1000;
    return { token, expiresAt: started + lifetime };
  }

  #basic(): string {
    return `Basic ${Buffer.from(`${this.#options.username ?? ''}:${this.#options.password ?? ''}`).toString('base64')}`;
  }
}
