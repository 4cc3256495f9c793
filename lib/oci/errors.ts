/**
 * Errors the OCI client throws. `OciError` carries what the registry said (HTTP status, the first OCI error
 * code and message) and the request's method and URL — never credentials, so it can be logged and attached to
 * reports as it is. `DigestMismatchError` is for content that arrived but is not what its descriptor promised.
 */

/** One entry of an OCI error body (`{errors: [{code, message, detail}]}`). */
export interface OciErrorEntry {
  code: string;
  message?: string;
  detail?: unknown;
}

/** A registry answered with an unexpected status. */
export class OciError extends Error {
  /** HTTP status code. */
  readonly status: number;
  /** First OCI error code in the body (`MANIFEST_UNKNOWN`, …), or `HTTP_<status>` when the body had none. */
  readonly code: string;
  /** The registry's message for that code (or the start of a non-JSON body). */
  readonly detail: string;
  readonly method: string;
  /** Request URL, without credentials or upload state tokens. */
  readonly url: string;
  /** Every error entry of the body. */
  readonly errors: OciErrorEntry[];

  constructor(init: { status: number; method: string; url: string; errors: OciErrorEntry[]; text?: string }) {
    const first = init.errors[0];
    const code = first?.code ?? `HTTP_${init.status}`;
    const detail = first?.message ?? (init.text ?? '').trim().slice(0, 200);
    super(`${init.method} ${init.url}: ${init.status} ${code}${detail ? `: ${detail}` : ''}`);
    this.name = 'OciError';
    this.status = init.status;
    this.code = code;
    this.detail = detail;
    this.method = init.method;
    this.url = init.url;
    this.errors = init.errors;
  }

  /** Builds the error from a failed response, reading (and so consuming) its body. */
  static async fromResponse(res: Response, method: string, url: URL | string): Promise<OciError> {
    const text = method === 'HEAD' ? '' : await res.text().catch(() => '');
    let errors: OciErrorEntry[] = [];
    try {
      const parsed = JSON.parse(text) as { errors?: OciErrorEntry[] };
      if (Array.isArray(parsed.errors)) errors = parsed.errors.filter((e) => typeof e?.code === 'string');
    } catch {
      // Not JSON (a proxy's HTML page, a plain 503): keep the text as the detail.
    }
    if (errors.length === 0 && !text.trim()) {
      // HEAD responses (and some proxies) carry no body: name the error as the registry would have.
      const code = fallbackCode(res.status, new URL(url).pathname);
      if (code) errors = [{ code, message: FALLBACK_MESSAGES[code] }];
    }
    return new OciError({ status: res.status, method, url: safeUrl(url), errors, text });
  }
}

/** Downloaded content does not match its descriptor. */
export class DigestMismatchError extends Error {
  readonly expected: string;
  readonly actual: string;

  constructor(expected: string, actual: string, what = 'digest') {
    super(`${what} mismatch: expected ${expected}, got ${actual}`);
    this.name = 'DigestMismatchError';
    this.expected = expected;
    this.actual = actual;
  }
}

/** Codes for bodiless error responses, by status; 404 depends on what was addressed. */
const FALLBACK_BY_STATUS: Record<number, string> = {
  401: 'UNAUTHORIZED',
  403: 'DENIED',
  429: 'TOOMANYREQUESTS',
  503: 'UNAVAILABLE',
};
const FALLBACK_404: ReadonlyArray<readonly [RegExp, string]> = [
  [/\/manifests\/[^/]+$/, 'MANIFEST_UNKNOWN'],
  [/\/blobs\/[^/]+$/, 'BLOB_UNKNOWN'],
  [/\/tags\/list$/, 'NAME_UNKNOWN'],
];
const FALLBACK_MESSAGES: Record<string, string> = {
  UNAUTHORIZED: 'authentication required',
  DENIED: 'requested access to the resource is denied',
  TOOMANYREQUESTS: 'too many requests',
  UNAVAILABLE: 'service unavailable',
  MANIFEST_UNKNOWN: 'manifest unknown',
  BLOB_UNKNOWN: 'blob unknown to registry',
  NAME_UNKNOWN: 'repository name not known to registry',
};

function fallbackCode(status: number, pathname: string): string | undefined {
  if (status === 404) return FALLBACK_404.find(([pattern]) => pattern.test(pathname))?.[1];
  return FALLBACK_BY_STATUS[status];
}

/** The URL without credentials and without distribution's opaque upload state (`_state`, long and useless). */
function safeUrl(url: URL | string): string {
  const u = new URL(url);
  u.username = '';
  u.password = '';
  u.searchParams.delete('_state');
  return u.toString();
}
