/**
 * PATCH bodies: JSON merge patch (RFC 7386), JSON patch (RFC 6902, via fast-json-patch) and strategic merge
 * patch (delegated to strategic-merge.ts; 415 for custom resources like the real server). Server-side apply
 * lives in managed-fields.ts because it is about field ownership. Errors are the real server's Statuses.
 */
import jsonPatchModule from 'fast-json-patch';
import { ApiError, type PatchType } from '../kube/types.ts';
import { failure } from './status.ts';
import { strategicMergePatch } from './strategic-merge.ts';
import type { JsonObject as Json } from '../kube/json.ts';

// fast-json-patch is CommonJS; under NodeNext its default export is the module object.
const jsonPatch = (jsonPatchModule as unknown as { default?: typeof jsonPatchModule }).default ?? jsonPatchModule;

/** The Content-Type of each patch type. */
export const PATCH_CONTENT_TYPES: Readonly<Record<string, PatchType>> = {
  'application/merge-patch+json': 'merge',
  'application/json-patch+json': 'json',
  'application/strategic-merge-patch+json': 'strategic',
  'application/apply-patch+yaml': 'apply',
  'application/apply-patch+json': 'apply',
};

function isMap(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** RFC 7386: maps merge recursively, `null` deletes, everything else replaces. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isMap(patch)) return structuredClone(patch);
  const out: Json = isMap(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = mergePatch(out[key], value);
  }
  return out;
}

/** The 415 a real server answers for strategic merge patches of custom resources. */
export function unsupportedPatch(): ApiError {
  return new ApiError(
    failure(
      415,
      'UnsupportedMediaType',
      'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml',
    ),
  );
}

function unprocessable(message: string): ApiError {
  return new ApiError(failure(422, 'Invalid', message));
}

const APPLIERS: Record<
  Exclude<PatchType, 'apply'>,
  (original: Json, patch: unknown, gk: { group: string; kind: string; custom: boolean }) => Json
> = {
  merge: (original, patch) => {
    if (!isMap(patch))
      throw new ApiError(
        failure(400, 'BadRequest', 'json: cannot unmarshal array into Go value of type map[string]interface {}'),
      );
    return mergePatch(original, patch) as Json;
  },
  json: (original, patch) => {
    if (!Array.isArray(patch)) {
      throw new ApiError(
        failure(400, 'BadRequest', 'json: cannot unmarshal object into Go value of type jsonpatch.Patch'),
      );
    }
    try {
      const result = jsonPatch.applyPatch(structuredClone(original), patch as never, true, false)
        .newDocument as unknown;
      if (!isMap(result)) throw new Error('the patch replaced the whole object with a non-object');
      return result;
    } catch (err) {
      throw unprocessable(jsonPatchMessage(err));
    }
  },
  strategic: (original, patch, gk) => {
    if (gk.custom) throw unsupportedPatch();
    if (!isMap(patch))
      throw new ApiError(
        failure(400, 'BadRequest', 'json: cannot unmarshal array into Go value of type map[string]interface {}'),
      );
    try {
      return strategicMergePatch(original, patch, gk) as Json;
    } catch (err) {
      throw unprocessable((err as Error).message);
    }
  },
};

/** Words a fast-json-patch failure the way evanphx/json-patch (the real server's library) does. */
function jsonPatchMessage(err: unknown): string {
  const e = err as { name?: string; message?: string; operation?: { op?: string; path?: string } };
  const op = e.operation;
  if (e.name === 'TEST_OPERATION_FAILED') return 'the server rejected our request due to an error in our request';
  if (
    op?.path !== undefined &&
    /OPERATION_PATH_UNRESOLVABLE|OPERATION_PATH_CANNOT_ADD|OPERATION_PATH_ILLEGAL_ARRAY_INDEX/.test(e.name ?? '')
  ) {
    return `the server rejected our request due to an error in our request`;
  }
  return (e.message ?? String(err)).split('\n')[0]!;
}

/**
 * Applies a merge, JSON or strategic patch to `original` (not modified) and returns the result.
 * `custom` marks custom resources (strategic → 415).
 */
export function applyPatch(
  original: Json,
  patch: unknown,
  type: Exclude<PatchType, 'apply'>,
  gk: { group: string; kind: string; custom: boolean },
): Json {
  return APPLIERS[type](original, patch, gk);
}
