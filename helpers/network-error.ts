/**
 * "fetch failed" names nothing. These turn a failed connection into one line naming what was unreachable and
 * where — `API server https://10.0.0.1:6443 unreachable: connection refused (ECONNREFUSED)` — from the error's
 * `cause` chain (undici puts the system error there).
 */

const CODES: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'DNS lookup failed',
  ETIMEDOUT: 'timed out',
  ECONNRESET: 'connection reset',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  UND_ERR_CONNECT_TIMEOUT: 'connect timed out',
  UND_ERR_SOCKET: 'socket closed',
  ERR_TLS_CERT_ALTNAME_INVALID: 'TLS certificate does not name the host',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed TLS certificate',
  SELF_SIGNED_CERT_IN_CHAIN: 'self-signed TLS certificate in chain',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'TLS certificate not trusted',
  ERR_SSL_WRONG_VERSION_NUMBER: 'not a TLS server (plain HTTP?)',
};

/** `host:port` of a URL, with the scheme's default port spelled out; the input itself when it is no URL. */
export function hostPort(url: string): string {
  try {
    const u = new URL(url);
    const port = u.port || (u.protocol === 'https:' ? '443' : u.protocol === 'http:' ? '80' : '');
    return port ? `${u.hostname}:${port}` : u.hostname;
  } catch {
    return url;
  }
}

/** System, undici and TLS codes; not the codes of an HTTP answer (`UNAUTHORIZED`, `MANIFEST_UNKNOWN`). */
const CONNECTION_CODE = /^(E[A-Z]+|UND_ERR_[A-Z_]+|ERR_(TLS|SSL)_[A-Z_]+|[A-Z_]*CERT[A-Z_]*|UNABLE_TO_[A-Z_]+)$/;

/** The first connection error code in `err`'s cause chain, else undefined. An error with an HTTP status has none. */
export function networkCode(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e && depth < 8; e = (e as { cause?: unknown }).cause, depth++) {
    if (typeof (e as { status?: unknown }).status === 'number') return undefined;
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && CONNECTION_CODE.test(code)) return code;
    // AggregateError (happy eyeballs: one per address)
    const inner = (e as { errors?: unknown[] }).errors?.[0];
    if (inner) {
      const c = networkCode(inner);
      if (c) return c;
    }
  }
  return undefined;
}

/** True when `err` is a failure to reach the server at all (no HTTP answer). */
export function isUnreachable(err: unknown): boolean {
  if (typeof (err as { status?: unknown })?.status === 'number') return false;
  const message = err instanceof Error ? err.message : String(err);
  return (
    networkCode(err) !== undefined ||
    /fetch failed|bad port|ECONNREFUSED|ENOTFOUND|socket hang up|connect ETIMEDOUT/i.test(message)
  );
}

/** `<what> <host:port> unreachable (<url>): <reason>`, one line. */
export function describeUnreachable(what: string, url: string, err: unknown): string {
  const code = networkCode(err);
  const deepest = (() => {
    let e: unknown = err;
    while ((e as { cause?: unknown })?.cause) e = (e as { cause: unknown }).cause;
    return e instanceof Error ? e.message : String(e);
  })();
  const reason = code ? `${CODES[code] ?? deepest} (${code})` : deepest;
  return `${what} ${hostPort(url)} unreachable (${url}): ${reason.split('\n')[0]}`;
}
