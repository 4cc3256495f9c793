/**
 * The registry's errors in the distribution spec's own shape: `{errors: [{code, message, detail}]}` with the
 * status and message CNCF distribution uses for each code. Handlers throw `RegistryError`; the server turns it
 * into the response, so every failure a client sees is one a real registry could send.
 */
import type { ServerResponse } from 'node:http';

/** Every code the registry emits, with its HTTP status and distribution's message. */
export const ERROR_CODES = {
  BLOB_UNKNOWN: { status: 404, message: 'blob unknown to registry' },
  BLOB_UPLOAD_INVALID: { status: 400, message: 'blob upload invalid' },
  BLOB_UPLOAD_UNKNOWN: { status: 404, message: 'blob upload unknown to registry' },
  DIGEST_INVALID: { status: 400, message: 'provided digest did not match uploaded content' },
  MANIFEST_BLOB_UNKNOWN: { status: 400, message: 'blob unknown to registry' },
  MANIFEST_INVALID: { status: 400, message: 'manifest invalid' },
  MANIFEST_UNKNOWN: { status: 404, message: 'manifest unknown' },
  NAME_INVALID: { status: 400, message: 'invalid repository name' },
  NAME_UNKNOWN: { status: 404, message: 'repository name not known to registry' },
  TAG_INVALID: { status: 400, message: 'manifest tag did not match URI' },
  SIZE_INVALID: { status: 400, message: 'provided length did not match content length' },
  RANGE_INVALID: { status: 416, message: 'invalid content range' },
  UNAUTHORIZED: { status: 401, message: 'authentication required' },
  DENIED: { status: 403, message: 'requested access to the resource is denied' },
  UNSUPPORTED: { status: 405, message: 'The operation is unsupported.' },
  UNAVAILABLE: { status: 503, message: 'service unavailable' },
  UNKNOWN: { status: 500, message: 'unknown error' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** A failure to report to the client as OCI error JSON. */
export class RegistryError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly detail: unknown;
  /** Extra response headers (Range on 416, WWW-Authenticate on 401). */
  readonly headers: Record<string, string>;

  constructor(
    code: ErrorCode,
    detail: unknown = {},
    options: { message?: string; status?: number; headers?: Record<string, string> } = {},
  ) {
    super(options.message ?? ERROR_CODES[code].message);
    this.name = 'RegistryError';
    this.code = code;
    this.status = options.status ?? ERROR_CODES[code].status;
    this.detail = detail;
    this.headers = options.headers ?? {};
  }
}

/** Writes `err` as OCI error JSON (no body for HEAD, as HTTP requires). */
export function sendError(res: ServerResponse, err: RegistryError, method: string | undefined): void {
  const body = JSON.stringify({ errors: [{ code: err.code, message: err.message, detail: err.detail }] }) + '\n';
  res.writeHead(err.status, {
    ...err.headers,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
  });
  res.end(method === 'HEAD' ? undefined : body);
}
