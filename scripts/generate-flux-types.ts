/**
 * Generates helpers/flux-types.generated.ts: one TypeScript interface per Flux kind and served API version, from the
 * vendored CRDs' `openAPIV3Schema` (sandbox/flux-crds/<line>/), plus a table of the fields waits depend on. Types come
 * from json-schema-to-typescript; this script only turns the Kubernetes schema dialect into plain JSON Schema.
 *
 * A version served by several Flux lines (GitRepository v1 on v2.9 and v2.6) gets one type that accepts the objects
 * of every line: properties are merged, a field is required only where every line requires it, enums are united.
 * The capability table is stricter: a field counts only if every line serving that version has it.
 *
 * What repeats is written once: an object that stands in several places (another version, line or kind) becomes a
 * named type the places refer to, and where a kind's versions differ in a few properties of the same object, what
 * they share becomes a base type each version extends with its own (`HelmReleaseSpecBase & { … }`); where a version
 * has only part of a shared type, that part is the base the shared type extends too. The served-versions table's rows
 * spread the few combinations they repeat (`{ ...SERVED_BY_V2_6_DEPRECATED, ...LACKS_RETRY_INTERVAL }`).
 *
 * Run: node --import tsx scripts/generate-flux-types.ts [--check] [--out PATH]
 *   --check  exit 1 with one line when regenerating would change the output file (npm run check:flux-types)
 *   --out    write (or check) another path; the tests use it
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { isDeepStrictEqual } from 'node:util';
import { compile, type JSONSchema } from 'json-schema-to-typescript';
import { format, resolveConfig } from 'prettier';
import YAML from 'yaml';

const ROOT = resolve(import.meta.dirname, '..');
/** Newest line first: its descriptions win when a version is served by several lines. */
export const FLUX_LINES = ['v2.9', 'v2.6'] as const;
export const DEFAULT_OUT = 'helpers/flux-types.generated.ts';
/** The sandbox package's vendored CRDs (its `flux-crds/*` export), relative to the root: `sandbox/flux-crds`. */
const CRD_DIR = relative(ROOT, dirname(fileURLToPath(import.meta.resolve('gitops-sandbox/flux-crds/README.md'))));
const REGENERATE = 'npm run generate:flux-types';

/** Fields the suite's waits depend on, as paths into the object; the table says which (kind, version) has them. */
const CAPABILITY_FIELDS = {
  lastHandledReconcileAt: ['status', 'lastHandledReconcileAt'],
  interval: ['spec', 'interval'],
  retryInterval: ['spec', 'retryInterval'],
  observedGeneration: ['status', 'observedGeneration'],
} as const;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- CRD schemas are arbitrary JSON, walked by key
export type Schema = Record<string, any>;

/** One (kind, version) as served by one or more Flux lines. */
interface ServedVersion {
  kind: string;
  group: string;
  version: string;
  typeName: string;
  lines: string[];
  storageIn: string[];
  deprecated: boolean;
  schema: Schema;
  /** Per capability: true only while every line serving this version has the field. */
  fields: Record<keyof typeof CAPABILITY_FIELDS, boolean>;
}

const pascal = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
/** Locale-independent order, so that every machine generates the same bytes. */
const byCodePoint = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The CRD files read, relative to the repository root, in generation order. */
export function crdFiles(root = ROOT): string[] {
  return FLUX_LINES.flatMap((line) =>
    readdirSync(resolve(root, CRD_DIR, line))
      .filter((f) => f.endsWith('.yaml'))
      .sort()
      .map((f) => `${CRD_DIR}/${line}/${f}`),
  );
}

function hasPath(schema: Schema, path: readonly string[]): boolean {
  let s: Schema | undefined = schema;
  for (const key of path) s = s?.properties?.[key];
  return s !== undefined;
}

/** Merges the schema of an older line into a newer one so that objects of either line fit the type. */
function mergeSchemas(newer: Schema, older: Schema): Schema {
  if (isDeepStrictEqual(newer, older)) return newer;
  const merged: Schema = { ...newer };
  if (newer.properties || older.properties) {
    merged.properties = { ...older.properties, ...newer.properties };
    for (const key of Object.keys(merged.properties).sort()) {
      if (newer.properties?.[key] && older.properties?.[key])
        merged.properties[key] = mergeSchemas(newer.properties[key], older.properties[key]);
    }
    merged.properties = Object.fromEntries(Object.entries(merged.properties).sort(([a], [b]) => byCodePoint(a, b)));
  }
  const required = (newer.required ?? []).filter((r: string) => (older.required ?? []).includes(r));
  if (required.length) merged.required = required;
  else delete merged.required;
  if (newer.enum && older.enum) merged.enum = [...new Set([...newer.enum, ...older.enum])];
  else delete merged.enum; // one line leaves the field open: so does the type
  if (newer.items && older.items) merged.items = mergeSchemas(newer.items, older.items);
  if (typeof newer.additionalProperties === 'object' && typeof older.additionalProperties === 'object') {
    merged.additionalProperties = mergeSchemas(newer.additionalProperties, older.additionalProperties);
  }
  return merged;
}

/** controller-gen descriptions are Go doc comments; the type keeps the first sentence of the first paragraph. */
export function oneLine(description: string, max = 140): string {
  const paragraph = description
    .split(/\n\s*\n/)[0]
    .replace(/\s+/g, ' ')
    .trim();
  const sentence = paragraph.match(/^.*?[.!?](?=\s|$)/)?.[0] ?? paragraph;
  const short = sentence.length > max ? `${sentence.slice(0, max - 1).trimEnd()}…` : sentence;
  return short.replaceAll('*/', '*\\/');
}

/** Kubernetes structural schema → JSON Schema json-schema-to-typescript understands. */
export function toJsonSchema(s: Schema): Schema {
  const out: Schema = {};
  if (typeof s.description === 'string') out.description = oneLine(s.description);
  // int-or-string and embedded JSON (apiextensions JSON: no type) are typed by hand; their other keywords do not apply.
  if (s['x-kubernetes-int-or-string']) return { ...out, tsType: 'number | string' };
  if (!s.type && !s.properties) return { ...out, tsType: 'unknown' };
  for (const key of ['type', 'enum', 'required'] as const) if (s[key] !== undefined) out[key] = s[key];
  if (s.properties) {
    out.properties = Object.fromEntries(Object.entries(s.properties).map(([k, v]) => [k, toJsonSchema(v as Schema)]));
  }
  if (s.items) out.items = toJsonSchema(s.items);
  if (s.type === 'object') {
    // The API server prunes unknown fields unless the schema preserves them, so closed objects are the truth.
    if (typeof s.additionalProperties === 'object') out.additionalProperties = toJsonSchema(s.additionalProperties);
    else
      out.additionalProperties = Boolean(s['x-kubernetes-preserve-unknown-fields'] || s.additionalProperties === true);
  }
  return out;
}

/** The schema without its descriptions: two shapes are the same type when these are equal. */
function shape(s: unknown): unknown {
  if (Array.isArray(s)) return s.map(shape);
  if (!s || typeof s !== 'object') return s;
  return Object.fromEntries(
    Object.entries(s)
      .filter(([k]) => k !== 'description')
      .map(([k, v]) => [k, shape(v)]),
  );
}

/**
 * Every Flux kind's `status.conditions` is metav1.Condition: it is emitted once as `FluxCondition` (from the first
 * schema) instead of 26 times. A kind whose condition schema differs keeps its own inline type.
 */
function conditionSchema(versions: ServedVersion[]): Schema | undefined {
  return versions[0]?.schema.properties?.status?.properties?.conditions?.items;
}

/** The root of one kind's type: identity fields typed exactly, metadata from client-node (as JSON). */
function rootSchema(v: ServedVersion, condition: Schema | undefined): JSONSchema {
  const root = toJsonSchema(v.schema);
  const apiVersion = `${v.group}/${v.version}`;
  const served = v.lines.map((l) => (v.storageIn.includes(l) ? `${l} (storage)` : l)).join(', ');
  root.description = `${v.kind} ${apiVersion}, served by Flux ${served}${v.deprecated ? '; deprecated' : ''}.`;
  root.properties.apiVersion = { tsType: JSON.stringify(apiVersion) };
  root.properties.kind = { tsType: JSON.stringify(v.kind) };
  root.properties.metadata = { tsType: 'ObjectMeta' };
  root.required = ['apiVersion', 'kind', 'metadata', ...(root.required ?? [])];
  const conditions = v.schema.properties?.status?.properties?.conditions;
  if (condition && conditions && isDeepStrictEqual(shape(conditions.items), shape(condition))) {
    root.properties.status.properties.conditions = {
      description: oneLine(conditions.description ?? ''),
      tsType: 'FluxCondition[]',
    };
  }
  return root as JSONSchema;
}

/** A part of the types that repeats (across versions, lines or places), emitted once under its own name. */
export interface SharedType {
  name: string;
  schema: Schema;
}

/** Objects with fewer properties than this stay inline: a name would say less than the two lines it replaces. */
const MIN_SHARED_PROPERTIES = 2;
/** Property names that say nothing alone: a shared type under one is named after its parents too. */
const VAGUE_KEYS = new Set(['spec', 'status', 'ref', 'items', 'source', 'config', 'metadata']);

/** One object schema reached from a root, with the property path that leads to it (array items keep the array's key). */
interface Site {
  node: Schema;
  owner: string;
  path: string[];
  /** Reached as an array's item. */
  item: boolean;
  replace: (ref: Schema) => void;
}

/**
 * Every object schema with properties below the roots (roots themselves excluded), depth first in key order; with
 * `refs`, also the places that already refer to a shared type (`tsType`).
 */
function sitesOf(roots: ReadonlyArray<{ name: string; schema: Schema }>, options: { refs?: boolean } = {}): Site[] {
  const sites: Site[] = [];
  const visit = (
    node: Schema,
    owner: string,
    path: string[],
    item: boolean,
    replace: ((ref: Schema) => void) | undefined,
  ) => {
    if (!node || typeof node !== 'object') return;
    if (node.tsType) {
      if (options.refs && replace) sites.push({ node, owner, path, item, replace });
      return;
    }
    for (const [key, child] of Object.entries<Schema>(node.properties ?? {}))
      visit(child, owner, [...path, key], false, (ref) => (node.properties[key] = ref));
    if (node.items) visit(node.items, owner, path, true, (ref) => (node.items = ref));
    if (typeof node.additionalProperties === 'object')
      visit(node.additionalProperties, owner, path, false, (ref) => (node.additionalProperties = ref));
    // A based object's own part is a place too: versions may share more of it among themselves (a second base).
    (node.allOf ?? []).forEach((part: Schema, i: number) =>
      visit(
        part,
        owner,
        path,
        item,
        part.tsType ? undefined : (ref) => node.allOf.splice(i, 1, ...(ref.allOf ?? [ref])),
      ),
    );
    if (replace && node.properties && Object.keys(node.properties).length > 0)
      sites.push({ node, owner, path, item, replace });
  };
  for (const root of roots) visit(root.schema, root.name, [], false, undefined);
  return sites;
}

/** How many properties an object declares, nested ones included (shared references count as one). */
function propertyCount(node: Schema): number {
  if (!node || typeof node !== 'object' || node.tsType) return 0;
  const own = Object.values<Schema>(node.properties ?? {});
  return (
    own.length +
    own.reduce((n, child) => n + propertyCount(child), 0) +
    propertyCount(node.items) +
    propertyCount(node.additionalProperties)
  );
}

/**
 * Emits every object that stands in two or more places once, as a named type the places refer to — the largest
 * first, so a repeated `spec` is one type and its parts are not named separately. Each place keeps its own
 * description; the shared type takes the first place's. The roots are changed in place.
 */
export function extractSharedTypes(
  roots: ReadonlyArray<{ name: string; schema: Schema }>,
  reserved: ReadonlySet<string>,
): SharedType[] {
  const shared: SharedType[] = [];
  const taken = new Set([...reserved, ...roots.map((r) => r.name)]);
  for (;;) {
    const groups = new Map<string, Site[]>();
    for (const site of sitesOf([...roots, ...shared])) {
      const key = JSON.stringify(shape(site.node));
      groups.set(key, [...(groups.get(key) ?? []), site]);
    }
    const repeated = [...groups.values()].filter(
      (g) => g.length > 1 && propertyCount(g[0]!.node) >= MIN_SHARED_PROPERTIES,
    );
    if (repeated.length === 0) return shared;
    // The largest first; among equals, the first met (the order of the roots is stable, so the output is too).
    const [sites] = repeated.sort((a, b) => propertyCount(b[0]!.node) - propertyCount(a[0]!.node));
    const first = sites![0]!;
    const name = sharedName(sites!, taken);
    taken.add(name);
    shared.push({ name, schema: { ...first.node } });
    for (const site of sites!)
      site.replace({ ...(site.node.description ? { description: site.node.description } : {}), tsType: name });
  }
}

/** A base is worth its name only when the versions share at least this many properties. */
const MIN_BASE_PROPERTIES = 3;

/**
 * Where the versions of a kind differ in a few properties of the same object (HelmRelease v2beta1 and v2beta2
 * `spec`), the properties they share are emitted once and each version is that base `&` its own properties. The
 * base is a shared type when one version's object already is one (HelmRelease v2's history item is `History & {
 * action?: string }`), else a new `<Kind><Path>Base`. Run after {@link extractSharedTypes}; roots change in place.
 */
export function extractCommonBases(
  roots: ReadonlyArray<{ name: string; schema: Schema }>,
  shared: readonly SharedType[],
  taken: Set<string>,
): SharedType[] {
  const bases: SharedType[] = [];
  const kindOf = (owner: string) => owner.replace(/V\d\w*$/, '');
  const sharedSchema = new Map([...shared].map((t) => [t.name, t.schema]));
  for (;;) {
    const groups = new Map<string, Site[]>();
    for (const site of sitesOf(roots, { refs: true })) {
      if (site.node.tsType && !sharedSchema.has(site.node.tsType)) continue;
      const key = `${kindOf(site.owner)}:${site.path.join('.')}${site.item ? '[]' : ''}`;
      groups.set(key, [...(groups.get(key) ?? []), site]);
    }
    const candidates = [...groups.values()]
      .map((sites) => {
        const all = sites.filter((s) => !s.node.tsType);
        const refNames = [...new Set(sites.filter((s) => s.node.tsType).map((s) => s.node.tsType as string))];
        if (refNames.length > 1 || all.length === 0) return undefined;
        // One shared type already there: it is the base when every inline version has all of it; else what they
        // share is a new base, which the shared type extends too (ImageUpdateAutomation v1beta1's status is a part of
        // the status v1 and v1beta2 share).
        if (refNames.length === 1) {
          const type = shared.find((t) => t.name === refNames[0])!;
          const base = { name: type.name, schema: sharedSchema.get(type.name)! };
          const common = commonProperties([base.schema, ...all.map((s) => s.node)]);
          if (common.length === Object.keys(base.schema.properties ?? {}).length)
            return { inline: all, base, common, stem: undefined };
          const extended: Site = {
            ...all[0]!,
            owner: type.name,
            node: base.schema,
            replace: (ref) => (type.schema = ref),
          };
          return { inline: [...all, extended], base: undefined, common, stem: type.name };
        }
        // Else what all versions share, or, when that is too little, what the two closest share.
        const pairs = all.flatMap((a, i) => all.slice(i + 1).map((b) => [a, b]));
        const options = [all, ...pairs].map((inline) => ({
          inline,
          base: undefined,
          common: commonProperties(inline.map((s) => s.node)),
          stem: undefined,
        }));
        return options.find((o) => o.inline.length > 1 && o.common.length >= MIN_BASE_PROPERTIES) ?? undefined;
      })
      .filter((c) => c !== undefined && c.common.length >= MIN_BASE_PROPERTIES);
    if (candidates.length === 0) return bases;
    // The deepest first, so a parent is compared with its children already based.
    const [{ inline, base, common, stem: named }] = candidates.sort(
      (a, b) => b!.inline[0]!.path.length - a!.inline[0]!.path.length,
    ) as NonNullable<(typeof candidates)[number]>[];
    const first = inline[0]!;
    let name = base?.name;
    if (!name) {
      // A new base of a shared type is named after it (GitRepositoryRef → GitRepositoryRefBase).
      const stem =
        named ??
        [
          kindOf(first.owner),
          ...first.path.filter((k) => !VAGUE_KEYS.has(k) || first.path.length === 1).map(pascal),
          first.item ? 'Item' : '',
        ].join('');
      const versions = inline.map((s) => s.owner.slice(kindOf(s.owner).length)).join('And');
      name = [`${stem}Base`, `${stem}${versions}Base`].find((n) => !taken.has(n));
      if (!name)
        throw new Error(`generate-flux-types: base type names ${stem}Base and ${stem}${versions}Base are taken`);
      taken.add(name);
      bases.push({
        name,
        schema: {
          ...pick(first.node, common),
          description: `What ${inline.map((s) => s.owner).join(', ')} share in ${first.path.join('.')}.`,
        },
      });
    }
    for (const site of inline) {
      const own = Object.keys(site.node.properties).filter((k) => !common.includes(k));
      const ref = { tsType: name };
      site.replace(
        own.length === 0
          ? { ...(site.node.description ? { description: site.node.description } : {}), ...ref }
          : {
              ...(site.node.description ? { description: site.node.description } : {}),
              allOf: [ref, pick(site.node, own)],
            },
      );
    }
  }
}

/** The object schema with only `keys` of its properties (and of its required list). */
function pick(node: Schema, keys: readonly string[]): Schema {
  const required = (node.required ?? []).filter((r: string) => keys.includes(r));
  return {
    type: 'object',
    additionalProperties: node.additionalProperties ?? false,
    properties: Object.fromEntries(keys.map((k) => [k, node.properties[k]])),
    ...(required.length ? { required } : {}),
  };
}

/** The properties every node has with the same shape and the same required-ness, in key order. */
function commonProperties(nodes: readonly Schema[]): string[] {
  const [first, ...rest] = nodes;
  const same = (k: string, n: Schema) =>
    n.properties?.[k] !== undefined &&
    JSON.stringify(shape(n.properties[k])) === JSON.stringify(shape(first!.properties[k])) &&
    Boolean(n.required?.includes(k)) === Boolean(first!.required?.includes(k));
  return Object.keys(first!.properties ?? {}).filter((k) => rest.every((n) => same(k, n)));
}

/**
 * The name of a shared type: its Go type's name where an array item's doc comment gives it
 * (`NamespacedObjectReference`), else the property it stands under most often (`secretRef` → `SecretRef`), with its
 * parents' names in front while that name is vague or taken, and the owning type's name as the last resort.
 */
function sharedName(sites: readonly Site[], taken: ReadonlySet<string>): string {
  // An array item's description is its Go type's doc comment, which starts with the type's name (PostRenderer …).
  const goName = sites
    .map((s) => (s.item ? /^([A-Z][a-z0-9]+(?:[A-Z][a-z0-9]*)+) /.exec(s.node.description ?? '')?.[1] : undefined))
    .find((n) => n && !taken.has(n));
  if (goName) return goName;
  const votes = new Map<string, number>();
  for (const s of sites) {
    const key = s.path.at(-1) ?? '';
    votes.set(key, (votes.get(key) ?? 0) + 1);
  }
  const key = [...votes].sort((a, b) => b[1] - a[1] || byCodePoint(a[0], b[0]))[0]![0];
  const site = sites.find((s) => s.path.at(-1) === key)!;
  const last = site.item ? singular(pascal(key)) : pascal(key);
  const parents = site.path
    .slice(0, -1)
    .filter((k) => !VAGUE_KEYS.has(k))
    .map(pascal);
  const candidates = VAGUE_KEYS.has(key) ? [] : [last];
  for (let i = parents.length - 1; i >= 0; i--) candidates.push([...parents.slice(i), last].join(''));
  const kind = site.owner.replace(/V\d\w*$/, '');
  candidates.push([kind, ...parents, last].join(''), [site.owner, ...parents, last].join(''));
  const free = candidates.find((c) => !taken.has(c));
  if (free) return free;
  for (let n = 2; ; n++) if (!taken.has(`${candidates.at(-1)}${n}`)) return `${candidates.at(-1)}${n}`;
}

/** An array's property name for one of its items: `postRenderers` → `PostRenderer`, `patches` → `Patch`. */
function singular(name: string): string {
  if (/ies$/.test(name)) return name.slice(0, -3) + 'y';
  if (/(ch|sh|x|ss)es$/.test(name)) return name.slice(0, -2);
  if (/[^s]s$/.test(name)) return name.slice(0, -1);
  return name;
}

/** json-schema-to-typescript's output for one root schema, renamed and with one-line doc comments kept on one line. */
export async function compileType(schema: JSONSchema, name: string): Promise<string> {
  const ts = await compile(schema, name, {
    bannerComment: '',
    additionalProperties: false,
    ignoreMinAndMaxItems: true,
    strictIndexSignatures: true,
    unknownAny: true,
    format: true,
    style: { printWidth: 120, singleQuote: true },
  });
  // The library title-cases names (V1beta2 → V1Beta2); the suite uses Kubernetes' spelling. Only the root is named.
  const exported = [...ts.matchAll(/^export (?:interface|type) (\w+)/gm)].map((m) => m[1]);
  if (exported.length !== 1) throw new Error(`${name}: expected one exported type, got ${exported.join(', ')}`);
  return ts
    .replace(new RegExp(`^export (interface|type) ${exported[0]}\\b`, 'm'), `export $1 ${name}`)
    .replace(/\/\*\*\n(\s*) \* ([^\n]*)\n\s* \*\//g, '/** $2 */')
    .trim();
}

/** Reads every vendored CRD and returns its served versions, merged across lines, in a stable order. */
export function servedVersions(root = ROOT): ServedVersion[] {
  const byKey = new Map<string, ServedVersion>();
  for (const file of crdFiles(root)) {
    const line = file.split('/')[2];
    for (const doc of YAML.parseAllDocuments(readFileSync(resolve(root, file), 'utf8'))) {
      const crd = doc.toJS();
      if (crd?.kind !== 'CustomResourceDefinition') throw new Error(`${file}: not a CustomResourceDefinition`);
      for (const ver of crd.spec.versions) {
        if (!ver.served) continue;
        const schema: Schema | undefined = ver.schema?.openAPIV3Schema;
        if (!schema) throw new Error(`${file}: ${crd.spec.names.kind} ${ver.name} has no openAPIV3Schema`);
        const kind: string = crd.spec.names.kind;
        const fields = Object.fromEntries(
          Object.entries(CAPABILITY_FIELDS).map(([name, path]) => [name, hasPath(schema, path)]),
        ) as ServedVersion['fields'];
        const key = `${kind}/${ver.name}`;
        const seen = byKey.get(key);
        if (!seen) {
          byKey.set(key, {
            kind,
            group: crd.spec.group,
            version: ver.name,
            typeName: kind + pascal(ver.name),
            lines: [line],
            storageIn: ver.storage ? [line] : [],
            deprecated: Boolean(ver.deprecated),
            schema,
            fields,
          });
          continue;
        }
        seen.lines.push(line);
        if (ver.storage) seen.storageIn.push(line);
        seen.deprecated ||= Boolean(ver.deprecated);
        seen.schema = mergeSchemas(seen.schema, schema);
        for (const name of Object.keys(fields) as (keyof ServedVersion['fields'])[]) seen.fields[name] &&= fields[name];
      }
    }
  }
  return [...byKey.values()].sort((a, b) => byCodePoint(a.kind, b.kind) || byCodePoint(a.version, b.version));
}

/** Names the hand-written vocabulary exports next to the generated one (helpers/flux-types.ts re-exports both). */
function handWrittenNames(root: string): string[] {
  const text = ['helpers/flux-types.ts', 'helpers/k8s-types.ts']
    .map((f) => readFileSync(resolve(root, f), 'utf8'))
    .join('\n');
  return [...text.matchAll(/^export (?:type|interface|function|const|class) (\w+)/gm)].map((m) => m[1]!);
}

/** A flat literal of identifiers, strings, booleans and string arrays in the repository's style. */
function tsLiteral(value: Record<string, string[] | boolean>): string {
  const item = (v: string[] | boolean) => (Array.isArray(v) ? `[${v.map((x) => `'${x}'`).join(', ')}]` : String(v));
  return `{ ${Object.entries(value)
    .map(([k, v]) => `${k}: ${item(v)}`)
    .join(', ')} }`;
}

/** A constant's name for words: `lastHandledReconcileAt` → `LAST_HANDLED_RECONCILE_AT`, `v2.9` → `V2_9`. */
const constantCase = (words: readonly string[]) =>
  words
    .map((w) =>
      w
        .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
        .replace(/\W/g, '_')
        .toUpperCase(),
    )
    .join('_');

/** Which lines serve a version, store it, and whether it is deprecated: `SERVED_BY_V2_6_DEPRECATED`. */
function servingPart(v: ServedVersion): { name: string; literal: string } {
  const stored = v.storageIn.join() === v.lines.join() ? ['storage'] : v.storageIn.map((l) => `storage ${l}`);
  const name = constantCase(['served by', ...v.lines, ...stored, ...(v.deprecated ? ['deprecated'] : [])]);
  return { name, literal: tsLiteral({ lines: v.lines, storageIn: v.storageIn, deprecated: v.deprecated }) };
}

/** Which of the capability fields a version has: `HAS_ALL_FIELDS`, `LACKS_RETRY_INTERVAL`. */
function fieldsPart(fields: ServedVersion['fields']): { name: string; literal: string } {
  const lacking = Object.entries(fields).flatMap(([field, has]) => (has ? [] : [field]));
  return { name: lacking.length ? constantCase(['lacks', ...lacking]) : 'HAS_ALL_FIELDS', literal: tsLiteral(fields) };
}

/** The whole generated file as a string; deterministic for the same CRD bytes. */
export async function renderFluxTypes(root = ROOT): Promise<string> {
  const versions = servedVersions(root);
  const kinds = [...new Set(versions.map((v) => v.kind))];
  const header = [
    '/**',
    ' * GENERATED FILE, do not edit. Flux types from the vendored CRDs (openAPIV3Schema of every served version):',
    ...crdFiles(root).map((f) => ` *   ${f}`),
    ` * Regenerate: ${REGENERATE} (node --import tsx scripts/generate-flux-types.ts); check: npm run check:flux-types.`,
    ' */',
    "import type { ObjectMeta } from './k8s-types.ts';",
    '',
  ];
  const condition = conditionSchema(versions);
  const bodies: string[] = [];
  if (condition)
    bodies.push(
      await compileType(
        toJsonSchema({
          ...condition,
          description: 'metav1.Condition as every Flux kind reports it in status.conditions.',
        }) as JSONSchema,
        'FluxCondition',
      ),
    );
  const roots = versions.map((v) => ({ name: v.typeName, schema: rootSchema(v, condition) as Schema }));
  const reserved = new Set(['FluxCondition', 'ObjectMeta', ...handWrittenNames(root)]);
  const shared = extractSharedTypes(roots, reserved);
  shared.push(
    ...extractCommonBases(
      roots,
      shared,
      new Set([...reserved, ...roots.map((r) => r.name), ...shared.map((t) => t.name)]),
    ),
  );
  for (const r of roots) bodies.push(await compileType(r.schema as JSONSchema, r.name));
  const sharedHeader =
    '// Parts that stand in more than one place above (another version or line of the kind, or another kind).';
  if (shared.length) bodies.push(sharedHeader.trimEnd());
  for (const t of [...shared].sort((a, b) => byCodePoint(a.name, b.name))) {
    const ts = await compileType(
      { ...t.schema, description: t.schema.description ?? 'Shared by several Flux types.' } as JSONSchema,
      t.name,
    );
    // A type alias, not an interface: object literal types are assignable to index signatures (the inline types were).
    bodies.push(ts.replace(`export interface ${t.name} {`, `export type ${t.name} = {`).replace(/\n\}$/, '\n};'));
  }
  // Most rows repeat one of a few combinations: each is written once, as a constant the rows spread.
  const rowParts = versions.map((v) => ({
    serving: servingPart(v),
    fields: fieldsPart(v.fields),
  }));
  const constants = new Map<string, string>();
  for (const { serving, fields } of rowParts)
    for (const part of [serving, fields]) constants.set(part.name, part.literal);
  const table = [
    '/** Every Flux kind the vendored CRDs define. */',
    `export const FLUX_KINDS = ${JSON.stringify(kinds)} as const;`,
    '',
    "/** Each kind's types by served version; the hand-written unions in flux-types.ts read this. */",
    'export interface FluxTypesByKind {',
    ...kinds.map(
      (k) =>
        `  ${k}: ${versions
          .filter((v) => v.kind === k)
          .map((v) => v.typeName)
          .join(' | ')};`,
    ),
    '}',
    '',
    '// The parts of the rows below: the Flux lines serving a version, where it is stored and whether it is deprecated;',
    '// which of the fields waits rely on its schema has.',
    ...[...constants].map(([name, literal]) => `const ${name} = ${literal} as const;`),
    '',
    '/**',
    ' * Per kind and apiVersion: the Flux lines serving it, where it is the storage version, whether it is deprecated,',
    ' * and whether its schema has the fields waits rely on (true only if every line serving it has the field).',
    ' */',
    'export const FLUX_SERVED_VERSIONS = {',
    ...kinds.flatMap((k) => [
      `  ${k}: {`,
      ...versions.flatMap((v, i) =>
        v.kind === k
          ? [`    '${v.group}/${v.version}': { ...${rowParts[i]!.serving.name}, ...${rowParts[i]!.fields.name} },`]
          : [],
      ),
      '  },',
    ]),
    '} as const;',
    '',
  ];
  const text = [...header, ...bodies.map((b) => b + '\n'), ...table].join('\n');
  // Formatted with the repository's Prettier config, so that `npm run format:check` and --check agree on the bytes.
  const out = resolve(root, DEFAULT_OUT);
  return format(text, { ...(await resolveConfig(out)), filepath: out });
}

/** Null when `path` holds exactly what would be generated, else the one-line reason to show. */
export async function staleMessage(path: string, root = ROOT): Promise<string | null> {
  let current: string | undefined;
  try {
    current = readFileSync(path, 'utf8');
  } catch {
    current = undefined;
  }
  if (current === (await renderFluxTypes(root))) return null;
  const shown = relative(root, path).startsWith('..') ? path : relative(root, path);
  return `${shown} is ${current === undefined ? 'missing' : 'stale'}: run ${REGENERATE}`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { check: { type: 'boolean', default: false }, out: { type: 'string', default: DEFAULT_OUT } },
  });
  const out = resolve(ROOT, values.out);
  if (values.check) {
    const message = await staleMessage(out);
    if (message) {
      console.error(message);
      process.exitCode = 1;
    }
    return;
  }
  const started = performance.now();
  const text = await renderFluxTypes();
  writeFileSync(out, text);
  const lines = text.split('\n').length - 1;
  console.log(`wrote ${relative(ROOT, out)}: ${lines} lines in ${Math.round(performance.now() - started)} ms`);
}

if (import.meta.main) await main();
