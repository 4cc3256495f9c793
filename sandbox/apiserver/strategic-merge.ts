/**
 * Strategic merge patch (`application/strategic-merge-patch+json`), a faithful subset of
 * k8s.io/apimachinery/pkg/util/strategicpatch as the API server applies it: maps merge recursively, `null`
 * deletes, lists tagged `patchStrategy:"merge"` merge by their `patchMergeKey` (or as a set for primitive
 * lists), all other lists are replaced. Directives: `$patch: replace|delete|merge`, `$retainKeys`,
 * `$deleteFromPrimitiveList/<field>`, `$setElementOrder/<field>`. Which lists merge comes from
 * strategic-merge-schema.ts.
 *
 * The server decides whether SMP is allowed at all (a real server answers 415 for custom resources); this
 * module only computes the result and throws `Error` for patches the real library rejects.
 */
import { rootMeta, TYPES, type FieldMeta, type StructMeta } from './strategic-merge-schema.ts';

type Json = null | boolean | number | string | Json[] | JsonMap;
type JsonMap = { [key: string]: Json };

const PATCH = '$patch';
const RETAIN_KEYS = '$retainKeys';
const DELETE_FROM_PRIMITIVE_LIST = '$deleteFromPrimitiveList/';
const SET_ELEMENT_ORDER = '$setElementOrder/';

function isMap(value: unknown): value is JsonMap {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Go's `%v` rendering, so error messages read like the real server's (`map[name:x]`). */
function goFormat(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(goFormat).join(' ')}]`;
  if (isMap(value)) {
    const entries = Object.keys(value)
      .sort()
      .map((k) => `${k}:${goFormat(value[k])}`);
    return `map[${entries.join(' ')}]`;
  }
  return value === null ? '<nil>' : String(value);
}

function badPatchType(directive: unknown, where: JsonMap): Error {
  return new Error(`unknown patch type: ${goFormat(directive)} in map: ${goFormat(where)}`);
}

function metaOf(field: FieldMeta | undefined): StructMeta | undefined {
  return field?.type ? TYPES[field.type] : undefined;
}

/**
 * Applies `patch` to `original` for an object of kind `gk` and returns the result; neither input is modified.
 * Throws `Error` for malformed patches (unknown `$patch`, list elements without their merge key, …).
 */
export function strategicMergePatch(original: object, patch: object, gk: { group: string; kind: string }): object {
  if (!isMap(patch))
    throw new Error(
      `json: cannot unmarshal ${Array.isArray(patch) ? 'array' : typeof patch} into Go value of type map[string]interface {}`,
    );
  if (!isMap(original)) throw new Error('the object to patch must be a JSON object');
  return mergeMap(structuredClone(original), structuredClone(patch), rootMeta(gk.group, gk.kind));
}

/** Merges `patch` into `original` (which it owns and may mutate) under the struct metadata `meta`. */
function mergeMap(original: JsonMap, patch: JsonMap, meta: StructMeta | undefined): JsonMap {
  if (Object.hasOwn(patch, PATCH)) {
    const directive = patch[PATCH];
    const { [PATCH]: _ignored, ...rest } = patch;
    if (directive === 'replace') return mergeMap({}, rest, meta);
    if (directive === 'delete') return {};
    if (directive !== 'merge') throw badPatchType(directive, patch);
    patch = rest;
  }
  applyRetainKeys(original, patch);

  const orders: Array<[string, Json]> = [];
  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith(DELETE_FROM_PRIMITIVE_LIST))
      deleteFromPrimitiveList(original, key.slice(DELETE_FROM_PRIMITIVE_LIST.length), value);
    else if (key.startsWith(SET_ELEMENT_ORDER)) orders.push([key.slice(SET_ELEMENT_ORDER.length), value]);
  }
  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith('$')) continue;
    if (value === null) {
      delete original[key];
      continue;
    }
    original[key] = mergeValue(original[key], value, meta?.[key]);
  }
  for (const [field, order] of orders) {
    const list = original[field];
    if (!Array.isArray(order)) throw new Error('invalid patch format of setElementOrder list');
    if (Array.isArray(list) && meta?.[field]?.merge)
      original[field] = applyElementOrder(list, order, meta[field].mergeKey);
  }
  return original;
}

/** One field: maps merge, merge-lists merge, everything else (including type changes) takes the patch value. */
function mergeValue(current: Json | undefined, value: Json, field: FieldMeta | undefined): Json {
  if (isMap(value)) return mergeMap(isMap(current) ? current : {}, value, metaOf(field));
  if (Array.isArray(value)) {
    if (field?.merge) return mergeList(Array.isArray(current) ? current : [], value, field);
    // an atomic list is replaced, but its elements still lose directives and nulls like any patch value
    return value.map((item) => (isMap(item) ? mergeMap({}, item, metaOf(field)) : item));
  }
  return value;
}

/** `$retainKeys`: keys of the original not listed are cleared; every key the patch sets must be listed. */
function applyRetainKeys(original: JsonMap, patch: JsonMap): void {
  if (!Object.hasOwn(patch, RETAIN_KEYS)) return;
  const retain = patch[RETAIN_KEYS];
  if (!Array.isArray(retain)) throw new Error('invalid patch format of retainKeys');
  const keep = new Set(retain.map(String));
  for (const [key, value] of Object.entries(patch)) {
    if (value === null || key.startsWith('$')) continue;
    if (!keep.has(key)) throw new Error('invalid patch format of retainKeys');
  }
  for (const key of Object.keys(original)) if (!keep.has(key)) delete original[key];
}

function deleteFromPrimitiveList(original: JsonMap, field: string, toDelete: Json): void {
  if (!field || !Array.isArray(toDelete)) throw new Error('invalid patch format of primitive list');
  const current = original[field];
  if (!Array.isArray(current)) return;
  original[field] = current.filter((item) => !toDelete.some((d) => d === item));
}

function mergeList(original: Json[], patch: Json[], field: FieldMeta): Json[] {
  if (original.length === 0 && patch.length === 0) return original;
  const hasMaps = [...original, ...patch].some(isMap);
  if (hasMaps && [...original, ...patch].some((item) => !isMap(item))) {
    throw new Error('list contains both maps and non-maps');
  }
  if (!hasMaps) return dedupe([...original, ...patch]);
  if (!field.mergeKey) throw new Error('cannot merge lists without merge key for type map');
  return mergeMapList(original as JsonMap[], patch as JsonMap[], field.mergeKey, metaOf(field));
}

function dedupe(items: Json[]): Json[] {
  const out: Json[] = [];
  for (const item of items) if (!out.some((seen) => seen === item)) out.push(item);
  return out;
}

/** Lists of objects: `$patch: delete|replace` elements first, then merge-by-key, new elements appended. */
function mergeMapList(
  original: JsonMap[],
  patch: JsonMap[],
  mergeKey: string,
  elemMeta: StructMeta | undefined,
): JsonMap[] {
  let result = original;
  const plain: JsonMap[] = [];
  let replace = false;
  for (const item of patch) {
    if (!Object.hasOwn(item, PATCH)) {
      plain.push(item);
      continue;
    }
    const directive = item[PATCH];
    if (directive === 'delete') {
      if (!Object.hasOwn(item, mergeKey)) throw new Error('delete patch type with no merge key defined');
      result = result.filter((existing) => existing[mergeKey] !== item[mergeKey]);
    } else if (directive === 'replace') {
      replace = true;
    } else if (directive === 'merge') {
      throw new Error('merging lists cannot yet be specified in the patch');
    } else {
      throw badPatchType(directive, item);
    }
  }
  if (replace) return plain.map((item) => mergeMap({}, item, elemMeta));
  for (const item of plain) {
    if (!Object.hasOwn(item, mergeKey))
      throw new Error(`map: ${goFormat(item)} does not contain declared merge key: ${mergeKey}`);
    const at = result.findIndex((existing) => existing[mergeKey] === item[mergeKey]);
    if (at >= 0) result[at] = mergeMap(result[at], item, elemMeta);
    else result.push(mergeMap({}, item, elemMeta));
  }
  return result;
}

/**
 * `$setElementOrder/<field>`: elements named in the order list come in that order; elements only the server
 * had keep their place relative to them (normalizeElementOrder + mergeSortedSlice upstream).
 */
function applyElementOrder(list: Json[], order: Json[], mergeKey: string | undefined): Json[] {
  const keyOf = (item: Json): Json => (mergeKey && isMap(item) ? (item[mergeKey] ?? null) : item);
  const orderKeys = order.map(keyOf);
  const serverKeys = list.map(keyOf);
  const indexIn = (keys: Json[], item: Json) => keys.indexOf(keyOf(item));
  const fromPatch = list
    .filter((item) => indexIn(orderKeys, item) >= 0)
    .sort((a, b) => indexIn(orderKeys, a) - indexIn(orderKeys, b));
  const serverOnly = list.filter((item) => indexIn(orderKeys, item) < 0);
  const out: Json[] = [];
  let i = 0;
  let j = 0;
  while (i < serverOnly.length || j < fromPatch.length) {
    if (j >= fromPatch.length) out.push(serverOnly[i++]);
    else if (i >= serverOnly.length) out.push(fromPatch[j++]);
    else {
      const left = indexIn(serverKeys, serverOnly[i]);
      const right = indexIn(serverKeys, fromPatch[j]);
      // the server-only element goes first only when both were on the server and it came earlier there
      if (left >= 0 && right >= 0 && left < right) out.push(serverOnly[i++]);
      else out.push(fromPatch[j++]);
    }
  }
  return out;
}
