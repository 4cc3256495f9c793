/**
 * Generates helpers/flux-types.generated.ts: one TypeScript interface per Flux kind and served API version, from the
 * vendored CRDs' `openAPIV3Schema` (sandbox/flux-crds/<line>/), plus a table of the fields waits depend on. Types come
 * from json-schema-to-typescript; this script only turns the Kubernetes schema dialect into plain JSON Schema.
 *
 * A version served by several Flux lines (GitRepository v1 on v2.9 and v2.6) gets one type that accepts the objects
 * of every line: properties are merged, a field is required only where every line requires it, enums are united.
 * The capability table is stricter: a field counts only if every line serving that version has it.
 *
 * Run: node --import tsx scripts/generate-flux-types.ts [--check] [--out PATH]
 *   --check  exit 1 with one line when regenerating would change the output file (npm run check:flux-types)
 *   --out    write (or check) another path; the tests use it
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { isDeepStrictEqual } from 'node:util';
import { compile, type JSONSchema } from 'json-schema-to-typescript';
import { format, resolveConfig } from 'prettier';
import YAML from 'yaml';

const ROOT = resolve(import.meta.dirname, '..');
/** Newest line first: its descriptions win when a version is served by several lines. */
export const FLUX_LINES = ['v2.9', 'v2.6'] as const;
export const DEFAULT_OUT = 'helpers/flux-types.generated.ts';
const CRD_DIR = 'sandbox/flux-crds';
const REGENERATE = 'npm run generate:flux-types';

/** Fields the suite's waits depend on, as paths into the object; the table says which (kind, version) has them. */
const CAPABILITY_FIELDS = {
  lastHandledReconcileAt: ['status', 'lastHandledReconcileAt'],
  interval: ['spec', 'interval'],
  retryInterval: ['spec', 'retryInterval'],
  observedGeneration: ['status', 'observedGeneration'],
} as const;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- CRD schemas are arbitrary JSON, walked by key
type Schema = Record<string, any>;

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
      if (newer.properties?.[key] && older.properties?.[key]) merged.properties[key] = mergeSchemas(newer.properties[key], older.properties[key]);
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
  const paragraph = description.split(/\n\s*\n/)[0].replace(/\s+/g, ' ').trim();
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
    else out.additionalProperties = Boolean(s['x-kubernetes-preserve-unknown-fields'] || s.additionalProperties === true);
  }
  return out;
}

/** The schema without its descriptions: two shapes are the same type when these are equal. */
function shape(s: unknown): unknown {
  if (Array.isArray(s)) return s.map(shape);
  if (!s || typeof s !== 'object') return s;
  return Object.fromEntries(Object.entries(s).filter(([k]) => k !== 'description').map(([k, v]) => [k, shape(v)]));
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
    root.properties.status.properties.conditions = { description: oneLine(conditions.description ?? ''), tsType: 'FluxCondition[]' };
  }
  return root as JSONSchema;
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
            kind, group: crd.spec.group, version: ver.name, typeName: kind + pascal(ver.name),
            lines: [line], storageIn: ver.storage ? [line] : [], deprecated: Boolean(ver.deprecated), schema, fields,
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

/** A flat literal of identifiers, strings, booleans and string arrays in the repository's style. */
function tsLiteral(value: Record<string, string[] | boolean>): string {
  const item = (v: string[] | boolean) => (Array.isArray(v) ? `[${v.map((x) => `'${x}'`).join(', ')}]` : String(v));
  return `{ ${Object.entries(value).map(([k, v]) => `${k}: ${item(v)}`).join(', ')} }`;
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
  if (condition) bodies.push(await compileType(toJsonSchema({ ...condition, description: 'metav1.Condition as every Flux kind reports it in status.conditions.' }) as JSONSchema, 'FluxCondition'));
  for (const v of versions) bodies.push(await compileType(rootSchema(v, condition), v.typeName));
  const table = [
    '/** Every Flux kind the vendored CRDs define. */',
    `export const FLUX_KINDS = ${JSON.stringify(kinds)} as const;`,
    '',
    '/** Each kind\'s types by served version; the hand-written unions in flux-types.ts read this. */',
    'export interface FluxTypesByKind {',
    ...kinds.map((k) => `  ${k}: ${versions.filter((v) => v.kind === k).map((v) => v.typeName).join(' | ')};`),
    '}',
    '',
    '/**',
    ' * Per kind and apiVersion: the Flux lines serving it, where it is the storage version, whether it is deprecated,',
    ' * and whether its schema has the fields waits rely on (true only if every line serving it has the field).',
    ' */',
    'export const FLUX_SERVED_VERSIONS = {',
    ...kinds.flatMap((k) => [
      `  ${k}: {`,
      ...versions
        .filter((v) => v.kind === k)
        .map((v) => `    '${v.group}/${v.version}': ${tsLiteral({ lines: v.lines, storageIn: v.storageIn, deprecated: v.deprecated, ...v.fields })},`),
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
  const { values } = parseArgs({ options: { check: { type: 'boolean', default: false }, out: { type: 'string', default: DEFAULT_OUT } } });
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
