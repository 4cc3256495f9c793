/**
 * Field ownership (`metadata.managedFields`, FieldsV1) and server-side apply, a faithful subset of
 * sigs.k8s.io/structured-merge-diff: updates take ownership of the fields they change, apply owns exactly the
 * fields of its configuration, drops fields it stopped applying (unless someone else owns them) and reports
 * conflicts with other managers (409 unless `force`). Lists are atomic unless they have merge keys (built-in
 * containers/env/ports/…, or CRD `x-kubernetes-list-type: map|set`).
 */
import { ApiError } from '../kube/types.ts';
import { failure } from './status.ts';
import { OBJECT_META_FIELDS } from './validation.ts';
import type { JsonObject as Json } from '../kube/json.ts';

/** One `metadata.managedFields` entry. */
export interface ManagedFieldsEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time: string;
  fieldsType: 'FieldsV1';
  fieldsV1: Json;
  subresource?: string;
}

/** How a list at a path merges: by these key fields, as a set, or atomically (undefined). */
export type ListKeysFn = (names: string[]) => string[] | 'set' | undefined;

/** Field paths (segments joined by newlines), FieldsV1 segments: `f:name`, `k:{...}`, `v:...`, `.`. */
export type FieldSet = Set<string>;

const SEP = '\n';

function isMap(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Built-in lists that merge by key, by the field's name (and, for ports, where it sits). */
export const builtinListKeys: ListKeysFn = (names) => {
  const last = names[names.length - 1];
  const parent = names[names.length - 3];
  const table: Record<string, string[] | 'set'> = {
    containers: ['name'],
    initContainers: ['name'],
    ephemeralContainers: ['name'],
    env: ['name'],
    volumes: ['name'],
    volumeMounts: ['mountPath'],
    imagePullSecrets: ['name'],
    conditions: ['type'],
    ownerReferences: ['uid'],
    finalizers: 'set',
    hostAliases: ['ip'],
    topologySpreadConstraints: ['topologyKey', 'whenUnsatisfiable'],
  };
  if (last === 'ports')
    return parent === 'containers' || parent === 'initContainers'
      ? ['containerPort', 'protocol']
      : ['port', 'protocol'];
  return last ? table[last] : undefined;
};

/** List keys from a CRD schema (`x-kubernetes-list-type`), metadata lists as built-ins have them. */
export function schemaListKeys(schema: Json | undefined): ListKeysFn {
  return (names) => {
    if (names[0] === 'metadata') return builtinListKeys(names);
    let node: Json | undefined = schema;
    for (const name of names) {
      if (!node) return undefined;
      if (name === '[]') node = node.items as Json | undefined;
      else
        node = ((node.properties as Json | undefined)?.[name] ??
          (isMap(node.additionalProperties) ? node.additionalProperties : undefined)) as Json | undefined;
    }
    const type = node?.['x-kubernetes-list-type'];
    if (type === 'set') return 'set';
    if (type === 'map') return (node?.['x-kubernetes-list-map-keys'] as string[] | undefined) ?? undefined;
    return undefined;
  };
}

function itemKey(item: unknown, keys: string[]): string {
  const picked: Json = {};
  for (const k of keys) if (isMap(item) && item[k] !== undefined) picked[k] = item[k];
  return `k:${JSON.stringify(picked)}`;
}

/** The field paths `obj` sets (leaves; list items with keys also own their `.`). */
export function fieldsOf(obj: unknown, listKeys: ListKeysFn): FieldSet {
  const out: FieldSet = new Set();
  const walk = (value: unknown, segs: string[], names: string[]): void => {
    if (isMap(value) && Object.keys(value).length > 0) {
      for (const [k, v] of Object.entries(value)) walk(v, [...segs, `f:${k}`], [...names, k]);
      return;
    }
    if (Array.isArray(value) && value.length > 0) {
      const keys = listKeys(names);
      if (keys === 'set') {
        for (const item of value) out.add([...segs, `v:${JSON.stringify(item)}`].join(SEP));
        return;
      }
      if (keys) {
        for (const item of value) {
          const seg = itemKey(item, keys);
          out.add([...segs, seg, '.'].join(SEP));
          if (isMap(item))
            for (const [k, v] of Object.entries(item)) walk(v, [...segs, seg, `f:${k}`], [...names, '[]', k]);
        }
        return;
      }
    }
    if (segs.length > 0) out.add(segs.join(SEP));
  };
  walk(obj, [], []);
  return out;
}

/** Encodes a field set as FieldsV1 JSON. */
export function toFieldsV1(set: FieldSet): Json {
  const root: Json = {};
  for (const path of [...set].sort()) {
    let node = root;
    for (const seg of path.split(SEP)) node = (node[seg] ??= {}) as Json;
  }
  return root;
}

/** Decodes FieldsV1 JSON into a field set. */
export function fromFieldsV1(fields: unknown): FieldSet {
  const out: FieldSet = new Set();
  const walk = (node: Json, segs: string[]): void => {
    for (const [k, v] of Object.entries(node)) {
      if (k === '.') out.add([...segs, '.'].join(SEP));
      else if (isMap(v) && Object.keys(v).length > 0) walk(v, [...segs, k]);
      else out.add([...segs, k].join(SEP));
    }
  };
  if (isMap(fields)) walk(fields, []);
  return out;
}

/** The value a path points at (undefined when absent); list items are found by key or value. */
function valueAt(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const seg of path.split(SEP)) {
    if (seg === '.') return cur;
    cur = step(cur, seg);
    if (cur === undefined) return undefined;
  }
  return cur;
}

function step(cur: unknown, seg: string): unknown {
  if (seg.startsWith('f:')) return isMap(cur) ? cur[seg.slice(2)] : undefined;
  if (!Array.isArray(cur)) return undefined;
  if (seg.startsWith('k:')) {
    const want = JSON.parse(seg.slice(2)) as Json;
    return cur.find(
      (item) => isMap(item) && Object.entries(want).every(([k, v]) => JSON.stringify(item[k]) === JSON.stringify(v)),
    );
  }
  if (seg.startsWith('v:')) return cur.find((item) => JSON.stringify(item) === seg.slice(2));
  return undefined;
}

/** Removes what a path points at: a field, a keyed list item (`.`) or a set member. */
function removeAt(obj: unknown, path: string): void {
  const segs = path.split(SEP);
  if (segs[segs.length - 1] === '.') segs.pop();
  const last = segs.pop()!;
  let parent: unknown = obj;
  for (const seg of segs) parent = step(parent, seg);
  if (last.startsWith('f:') && isMap(parent)) delete parent[last.slice(2)];
  else if (Array.isArray(parent)) {
    const target = step(parent, last);
    const i = parent.indexOf(target);
    if (i >= 0) parent.splice(i, 1);
  }
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Merges an applied configuration into `live` (mutated): maps recurse, keyed lists merge, the rest replaces. */
function mergeApplied(live: Json, config: Json, names: string[], listKeys: ListKeysFn): void {
  for (const [key, cv] of Object.entries(config)) {
    const lv = live[key];
    const childNames = [...names, key];
    if (cv === null) {
      delete live[key];
    } else if (isMap(cv) && isMap(lv)) {
      mergeApplied(lv, cv, childNames, listKeys);
    } else if (Array.isArray(cv) && Array.isArray(lv)) {
      const keys = listKeys(childNames);
      if (keys === 'set') {
        for (const item of cv) if (!lv.some((x) => same(x, item))) lv.push(structuredClone(item));
      } else if (keys) {
        for (const item of cv) {
          const existing = lv.find((x) => itemKey(x, keys) === itemKey(item, keys));
          if (existing && isMap(existing) && isMap(item)) mergeApplied(existing, item, [...childNames, '[]'], listKeys);
          else if (existing) lv[lv.indexOf(existing)] = structuredClone(item);
          else lv.push(structuredClone(item));
        }
      } else {
        live[key] = structuredClone(cv);
      }
    } else {
      live[key] = structuredClone(cv);
    }
  }
}

/** Which part of an object a scope tracks: the main resource (minus status when it is a subresource) or status. */
export interface Scope {
  subresource?: 'status';
  /** The kind has a status subresource (main-scope entries then ignore `.status`). */
  statusSubresource: boolean;
}

/** The ObjectMeta fields a client sets; managedFields tracks these and none of the others (identity, server-set). */
const CLIENT_META = new Set(['generateName', 'labels', 'annotations', 'ownerReferences', 'finalizers']);
const UNTRACKED_META = [...OBJECT_META_FIELDS].filter((field) => !CLIENT_META.has(field));

/** The part of an object whose fields a scope tracks. */
export function trackedPart(obj: Json, scope: Scope): Json {
  if (scope.subresource === 'status') return obj.status === undefined ? {} : { status: obj.status };
  const out: Json = { ...obj };
  delete out.apiVersion;
  delete out.kind;
  if (scope.statusSubresource) delete out.status;
  if (isMap(out.metadata)) {
    const meta = { ...out.metadata };
    for (const k of UNTRACKED_META) delete meta[k];
    if (Object.keys(meta).length) out.metadata = meta;
    else delete out.metadata;
  }
  return out;
}

function entriesOf(obj: Json | undefined): ManagedFieldsEntry[] {
  const meta = obj?.metadata as Json | undefined;
  return Array.isArray(meta?.managedFields) ? (structuredClone(meta.managedFields) as ManagedFieldsEntry[]) : [];
}

function inScope(e: ManagedFieldsEntry, scope: Scope): boolean {
  return (e.subresource ?? '') === (scope.subresource ?? '');
}

/**
 * managedFields after a non-apply write by `manager`: it owns the fields it changed; other managers lose them;
 * everyone loses fields that disappeared.
 */
export function recordUpdate(
  old: Json | undefined,
  next: Json,
  manager: string,
  apiVersion: string,
  time: string,
  scope: Scope,
  listKeys: ListKeysFn,
): ManagedFieldsEntry[] {
  const oldPart = old ? trackedPart(old, scope) : {};
  const newPart = trackedPart(next, scope);
  const oldFields = fieldsOf(oldPart, listKeys);
  const newFields = fieldsOf(newPart, listKeys);
  const changed = new Set(
    [...newFields].filter(
      (p) => !oldFields.has(p) || (!p.endsWith('.') && !same(valueAt(oldPart, p), valueAt(newPart, p))),
    ),
  );
  const removed = new Set([...oldFields].filter((p) => !newFields.has(p)));
  const entries: ManagedFieldsEntry[] = [];
  let mine: ManagedFieldsEntry | undefined;
  for (const e of entriesOf(old)) {
    if (!inScope(e, scope)) {
      entries.push(e);
      continue;
    }
    const fields = fromFieldsV1(e.fieldsV1);
    for (const p of [...fields]) if (changed.has(p) || removed.has(p)) fields.delete(p);
    if (e.manager === manager && e.operation === 'Update') {
      for (const p of changed) fields.add(p);
      mine = { ...e, apiVersion, time, fieldsV1: toFieldsV1(fields) };
      if (fields.size) entries.push(mine);
      continue;
    }
    if (fields.size) entries.push({ ...e, fieldsV1: toFieldsV1(fields) });
  }
  if (!mine && changed.size) {
    entries.push({
      manager,
      operation: 'Update',
      apiVersion,
      time,
      fieldsType: 'FieldsV1',
      fieldsV1: toFieldsV1(changed),
      ...(scope.subresource ? { subresource: scope.subresource } : {}),
    });
  }
  return entries;
}

/** The outcome of server-side apply: the merged object (metadata.managedFields set) to store. */
export interface ApplyResult {
  object: Json;
}

/**
 * Server-side apply of `config` by `manager` onto `live` (undefined: create). Throws a 409 Conflict ApiError
 * listing the conflicting fields unless `force`, in which case ownership moves to `manager`.
 */
export function serverSideApply(
  live: Json | undefined,
  config: Json,
  manager: string,
  force: boolean,
  apiVersion: string,
  time: string,
  scope: Scope,
  listKeys: ListKeysFn,
): ApplyResult {
  const applied = fieldsOf(trackedPart(config, scope), listKeys);
  const entries = entriesOf(live);
  const liveObj: Json = live
    ? structuredClone(live)
    : { apiVersion: config.apiVersion, kind: config.kind, metadata: {} };
  const conflicts: Conflict[] = [];
  const livePart = trackedPart(liveObj, scope);
  const configPart = trackedPart(config, scope);
  for (const e of entries) {
    if (!inScope(e, scope) || (e.manager === manager && e.operation === 'Apply')) continue;
    if (e.manager === manager) continue;
    const owned = fromFieldsV1(e.fieldsV1);
    for (const p of applied) {
      if (p.endsWith('.') || !owned.has(p)) continue;
      if (!same(valueAt(livePart, p), valueAt(configPart, p))) conflicts.push({ entry: e, path: p });
    }
  }
  if (conflicts.length && !force) throw conflictError(conflicts);
  const previous = entries.find((e) => e.manager === manager && e.operation === 'Apply' && inScope(e, scope));
  const previousFields = previous ? fromFieldsV1(previous.fieldsV1) : new Set<string>();
  const othersOwn = new Set<string>();
  const nextEntries: ManagedFieldsEntry[] = [];
  for (const e of entries) {
    if (e === previous) continue;
    if (!inScope(e, scope)) {
      nextEntries.push(e);
      continue;
    }
    const owned = fromFieldsV1(e.fieldsV1);
    // Forced: the applier takes the conflicting fields. Unforced same-valued fields stay shared.
    if (force) for (const c of conflicts) if (c.entry === e) owned.delete(c.path);
    for (const p of owned) othersOwn.add(p);
    if (owned.size) nextEntries.push({ ...e, fieldsV1: toFieldsV1(owned) });
  }
  mergeApplied(liveObj, structuredClone(config), [], listKeys);
  const dropped = [...previousFields].filter((p) => !applied.has(p) && !othersOwn.has(p));
  // Remove whole list items before their fields, deepest paths first, so indexes stay valid.
  dropped.sort((a, b) => b.split(SEP).length - a.split(SEP).length);
  for (const p of dropped) {
    const prefix = p.endsWith('.') ? p.slice(0, -1) : undefined;
    if (prefix && [...othersOwn].some((o) => o.startsWith(prefix))) continue;
    removeAt(liveObj, p);
  }
  nextEntries.push({
    manager,
    operation: 'Apply',
    apiVersion,
    time,
    fieldsType: 'FieldsV1',
    fieldsV1: toFieldsV1(applied),
    ...(scope.subresource ? { subresource: scope.subresource } : {}),
  });
  (liveObj.metadata as Json).managedFields = nextEntries;
  return { object: liveObj };
}

/** `.spec.containers[name="c"].image` for a path, as structured-merge-diff prints paths. */
function printPath(path: string): string {
  const element = (seg: string): string => {
    if (seg.startsWith('f:')) return `.${seg.slice(2)}`;
    if (seg.startsWith('k:')) {
      const keys = JSON.parse(seg.slice(2)) as Json;
      return `[${Object.entries(keys)
        .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
        .join(',')}]`;
    }
    if (seg.startsWith('v:')) return `[=${seg.slice(2)}]`;
    return '';
  };
  return path.split(SEP).map(element).join('');
}

/**
 * A manager as conflict messages name it: appliers by name, updaters with their version. No time: upstream
 * builds the manager identifier it prints from with `Time = nil` (fieldmanager BuildManagerIdentifier).
 */
function printManager(e: ManagedFieldsEntry): string {
  let out = JSON.stringify(e.manager);
  if (e.subresource) out += ` with subresource ${JSON.stringify(e.subresource)}`;
  if (e.operation === 'Update') out += ` using ${e.apiVersion}`;
  return out;
}

interface Conflict {
  entry: ManagedFieldsEntry;
  path: string;
}

/** The 409 of a failed apply, worded like the real server's (one line for one conflict, grouped for more). */
function conflictError(conflicts: Conflict[]): ApiError {
  let message: string;
  if (conflicts.length === 1) {
    message = `Apply failed with 1 conflict: conflict with ${printManager(conflicts[0]!.entry)}: ${printPath(conflicts[0]!.path)}`;
  } else {
    const byManager = new Map<string, string[]>();
    for (const c of conflicts) {
      const who = printManager(c.entry);
      byManager.set(who, [...(byManager.get(who) ?? []), printPath(c.path)]);
    }
    const lines = [...byManager.keys()]
      .sort()
      .flatMap((who) => [`conflicts with ${who}:`, ...byManager.get(who)!.map((p) => `- ${p}`)]);
    message = `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
  }
  return new ApiError(
    failure(409, 'Conflict', message, {
      causes: conflicts.map((c) => ({
        reason: 'FieldManagerConflict',
        message: `conflict with ${printManager(c.entry)}`,
        field: printPath(c.path),
      })),
    }),
  );
}
