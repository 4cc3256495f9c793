/**
 * Kubernetes `Status` errors: constructors for the reasons the sandbox answers with, and a writer for HTTP.
 * Codes and reasons follow k8s.io/apimachinery/pkg/api/errors.
 */
import type { ServerResponse } from 'node:http';
import { ApiError, type StatusBody } from '../kube/types.ts';

/** A Failure Status. `details` carries name/group/kind/causes as the real server fills them. */
export function failure(code: number, reason: string, message: string, details?: StatusBody['details']): StatusBody {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    code,
    ...(details ? { details } : {}),
  };
}

/** `<resource>.<group> "name" not found`, as the real server words it (`pods "x" not found` for the core group). */
export function notFound(resource: string, group: string, name: string): ApiError {
  const what = group ? `${resource}.${group}` : resource;
  return new ApiError(
    failure(404, 'NotFound', `${what} "${name}" not found`, { name, group: group || undefined, kind: resource }),
  );
}

export function alreadyExists(resource: string, group: string, name: string): ApiError {
  const what = group ? `${resource}.${group}` : resource;
  return new ApiError(
    failure(409, 'AlreadyExists', `${what} "${name}" already exists`, {
      name,
      group: group || undefined,
      kind: resource,
    }),
  );
}

export function conflict(resource: string, group: string, name: string, why: string): ApiError {
  const what = group ? `${resource}.${group}` : resource;
  return new ApiError(
    failure(409, 'Conflict', `Operation cannot be fulfilled on ${what} "${name}": ${why}`, {
      name,
      group: group || undefined,
      kind: resource,
    }),
  );
}

/** 422 Invalid with field causes: `<Kind>.<group> "name" is invalid: [spec.x: Required value, …]`. */
export function invalid(
  kind: string,
  group: string,
  name: string,
  causes: Array<{ field: string; message: string; reason?: string }>,
): ApiError {
  const what = group ? `${kind}.${group}` : kind;
  const list = causes.map((c) => `${c.field}: ${c.message}`);
  const summary = list.length === 1 ? list[0] : `[${list.join(', ')}]`;
  return new ApiError(
    failure(422, 'Invalid', `${what} "${name}" is invalid: ${summary}`, {
      name,
      group: group || undefined,
      kind,
      causes: causes.map((c) => ({ reason: c.reason ?? 'FieldValueInvalid', message: c.message, field: c.field })),
    }),
  );
}

export function badRequest(message: string): ApiError {
  return new ApiError(failure(400, 'BadRequest', message));
}

export function methodNotAllowed(
  message = 'the server does not allow this method on the requested resource',
): ApiError {
  return new ApiError(failure(405, 'MethodNotAllowed', message));
}

export function unsupportedMediaType(contentType: string): ApiError {
  return new ApiError(
    failure(
      415,
      'UnsupportedMediaType',
      `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml (got ${contentType})`,
    ),
  );
}

export function unauthorized(): ApiError {
  return new ApiError(failure(401, 'Unauthorized', 'Unauthorized'));
}

export function forbidden(message: string): ApiError {
  return new ApiError(failure(403, 'Forbidden', message));
}

export function gone(message: string): ApiError {
  return new ApiError(failure(410, 'Expired', message));
}

export function internalError(message: string): ApiError {
  return new ApiError(failure(500, 'InternalError', `Internal error occurred: ${message}`));
}

/** Writes an error (ApiError or anything else, as a 500) to the response as a JSON Status. */
export function writeStatus(res: ServerResponse, err: unknown): void {
  const body =
    err instanceof ApiError
      ? err.status
      : failure(500, 'InternalError', `Internal error occurred: ${String((err as Error)?.message ?? err)}`);
  if (res.headersSent) {
    res.end();
    return;
  }
  res.writeHead(body.code, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}
