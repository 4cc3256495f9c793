/**
 * HelmRelease values as helm-controller composes them: `valuesFrom` ConfigMaps/Secrets in order (whole
 * documents or one value at `targetPath`), then `spec.values` on top, merged deeply; and the values digest
 * (`sha256:` over the YAML with sorted keys, like fluxcd/pkg/chartutil.DigestValues) stored as
 * `configDigest` to decide whether an upgrade is due.
 */
import { createHash } from 'node:crypto';
import YAML from 'yaml';
import type { Kube } from '../../kube/types.ts';
import { FluxError } from './reconciler.ts';
import { notFoundMessage, readConfigMap, readSecret } from './secrets.ts';

type Values = Record<string, unknown>;

function isMap(v: unknown): v is Values {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Deep merge: maps merge key by key, anything else in `override` replaces. Returns a new object. */
export function mergeValues(base: Values, override: Values): Values {
  const out: Values = { ...base };
  for (const [k, v] of Object.entries(override)) {
    out[k] = isMap(v) && isMap(out[k]) ? mergeValues(out[k] as Values, v) : structuredClone(v);
  }
  return out;
}

/** Sets `value` at a dotted `targetPath` (`a.b.c`; `\.` escapes a dot), creating maps on the way. */
export function setAtPath(values: Values, targetPath: string, value: unknown): Values {
  const parts = targetPath.split(/(?<!\\)\./).map((p) => p.replace(/\\\./g, '.'));
  const out = structuredClone(values);
  let node: Values = out;
  for (const part of parts.slice(0, -1)) {
    if (!isMap(node[part])) node[part] = {};
    node = node[part] as Values;
  }
  node[parts.at(-1)!] = value;
  return out;
}

interface ValuesReference {
  kind: 'ConfigMap' | 'Secret';
  name: string;
  valuesKey?: string;
  targetPath?: string;
  optional?: boolean;
}

/** Composes the final values of a HelmRelease spec; throws FluxError(`ValuesError`) like helm-controller. */
export function composeValues(
  kube: Kube,
  namespace: string,
  spec: { values?: Values; valuesFrom?: ValuesReference[] },
): Values {
  let result: Values = {};
  for (const ref of spec.valuesFrom ?? []) {
    const key = ref.valuesKey || 'values.yaml';
    const data =
      ref.kind === 'Secret' ? readSecret(kube, namespace, ref.name) : readConfigMap(kube, namespace, ref.name);
    const what = `could not resolve ${ref.kind} chart values reference '${namespace}/${ref.name}' with key '${key}'`;
    if (!data) {
      if (ref.optional) continue;
      throw new FluxError(
        'ValuesError',
        `${what}: ${notFoundMessage(ref.kind === 'Secret' ? 'secrets' : 'configmaps', ref.name)}`,
      );
    }
    const raw = data[key];
    if (raw === undefined) {
      if (ref.optional) continue;
      throw new FluxError('ValuesError', `${what}: key not found`);
    }
    if (ref.targetPath) {
      result = setAtPath(result, ref.targetPath, parseScalar(raw));
      continue;
    }
    let doc: unknown;
    try {
      doc = YAML.parse(raw);
    } catch (err) {
      throw new FluxError(
        'ValuesError',
        `unable to read values from key '${key}' in ${ref.kind} '${namespace}/${ref.name}': ${(err as Error).message}`,
      );
    }
    if (doc !== null && doc !== undefined) {
      if (!isMap(doc))
        throw new FluxError(
          'ValuesError',
          `unable to read values from key '${key}' in ${ref.kind} '${namespace}/${ref.name}': not a map`,
        );
      result = mergeValues(result, doc);
    }
  }
  return mergeValues(result, spec.values ?? {});
}

/** Helm's `--set`-style scalar typing for `targetPath` values: true/false/null/ints stay typed. */
function parseScalar(raw: string): unknown {
  if (raw === 'true' || raw === 'false') return raw === 'true';
  if (raw === 'null') return null;
  if (/^-?(0|[1-9]\d{0,15})$/.test(raw)) return Number(raw);
  return raw;
}

/** `sha256:<hex>` of the values (empty values digest as the empty document, like Flux). */
export function valuesDigest(values: Values): string {
  const text = Object.keys(values).length === 0 ? '' : YAML.stringify(values, { sortMapEntries: true });
  return `sha256:${createHash('sha256').update(text).digest('hex')}`;
}
