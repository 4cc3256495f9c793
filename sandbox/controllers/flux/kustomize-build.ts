/**
 * kustomize-controller's build step with the real `kubectl kustomize`: generate a kustomization.yaml when
 * the path has none (like Flux's generator: every manifest file and every sub-kustomization), fold the
 * Kustomization's `targetNamespace`, `namePrefix`/`nameSuffix`, `patches`, `images` and `components` into it,
 * build, then apply `commonMetadata` and `postBuild` variable substitution to the result.
 */
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import YAML from 'yaml';
import type { Kube, KubeObject } from '../../kube/types.ts';
import { readConfigMap, readSecret, notFoundMessage } from './secrets.ts';

const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

async function exists(p: string): Promise<boolean> {
  return stat(p).then(
    () => true,
    () => false,
  );
}

async function kustomizationFile(dir: string): Promise<string | undefined> {
  for (const f of KUSTOMIZATION_FILES) if (await exists(path.join(dir, f))) return path.join(dir, f);
  return undefined;
}

/** Whether a YAML file holds Kubernetes objects (every document has apiVersion and kind). */
async function isManifest(file: string): Promise<boolean> {
  try {
    const docs = YAML.parseAllDocuments(await readFile(file, 'utf8')).map((d) => d.toJS() as unknown);
    const objects = docs.filter((d) => d !== null && d !== undefined);
    return (
      objects.length > 0 &&
      objects.every((d) => typeof d === 'object' && 'apiVersion' in (d as object) && 'kind' in (d as object))
    );
  } catch {
    return false;
  }
}

/** The resources Flux's generator lists for a folder without a kustomization file. */
async function scanResources(root: string, rel = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of (await readdir(path.join(root, rel), { withFileTypes: true })).sort((a, b) =>
    a.name.localeCompare(b.name),
  )) {
    if (entry.name.startsWith('.')) continue;
    const child = rel ? `${rel}/${entry.name}` : entry.name;
    if (entry.isDirectory()) {
      if (await kustomizationFile(path.join(root, child))) out.push(child);
      else out.push(...(await scanResources(root, child)));
    } else if (/\.(ya?ml|json)$/.test(entry.name) && (await isManifest(path.join(root, child)))) {
      out.push(child);
    }
  }
  return out;
}

/** Writes (or amends) the kustomization file of `dir` with what the Kustomization spec asks for. */
export async function prepareKustomization(dir: string, spec: Record<string, any>): Promise<void> {
  const existing = await kustomizationFile(dir);
  const doc: Record<string, any> = existing
    ? ((YAML.parse(await readFile(existing, 'utf8')) as Record<string, any>) ?? {})
    : { apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: await scanResources(dir) };
  if (spec.targetNamespace) doc.namespace = spec.targetNamespace;
  if (spec.namePrefix) doc.namePrefix = spec.namePrefix;
  if (spec.nameSuffix) doc.nameSuffix = spec.nameSuffix;
  if (spec.patches?.length) doc.patches = [...(doc.patches ?? []), ...spec.patches];
  if (spec.images?.length) doc.images = [...(doc.images ?? []), ...spec.images];
  if (spec.components?.length) doc.components = [...(doc.components ?? []), ...spec.components];
  await writeFile(existing ?? path.join(dir, 'kustomization.yaml'), YAML.stringify(doc));
}

/** Runs `kubectl kustomize` on a prepared folder and parses the objects; throws with kustomize's message. */
export async function kustomizeBuild(kubectl: string, dir: string, timeoutMs: number): Promise<KubeObject[]> {
  const result = await execa(kubectl, ['kustomize', '--load-restrictor=LoadRestrictionsNone', dir], {
    reject: false,
    timeout: timeoutMs,
    env: { KUBECONFIG: '/dev/null' },
  });
  if (result.timedOut) throw new Error('context deadline exceeded');
  if (result.exitCode !== 0) throw new Error(result.stderr.trim().replace(/^error:\s*/i, ''));
  return YAML.parseAllDocuments(result.stdout)
    .map((d) => d.toJS() as KubeObject | null)
    .filter((o): o is KubeObject => o !== null && typeof o === 'object');
}

/** Adds `commonMetadata` labels and annotations to every object. */
export function applyCommonMetadata(
  objects: KubeObject[],
  common?: { labels?: Record<string, string>; annotations?: Record<string, string> },
): KubeObject[] {
  if (!common) return objects;
  return objects.map((o) => ({
    ...o,
    metadata: {
      ...o.metadata,
      labels: { ...o.metadata.labels, ...common.labels },
      annotations: { ...o.metadata.annotations, ...common.annotations },
    },
  }));
}

/** Collects `postBuild.substitute` and `substituteFrom` variables (later sources win, inline last). */
export function substitutionVariables(
  kube: Kube,
  namespace: string,
  postBuild?: Record<string, any>,
): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const ref of (postBuild?.substituteFrom ?? []) as Array<{ kind: string; name: string; optional?: boolean }>) {
    const data =
      ref.kind === 'Secret' ? readSecret(kube, namespace, ref.name) : readConfigMap(kube, namespace, ref.name);
    if (!data) {
      if (ref.optional) continue;
      throw new Error(
        `substitute from '${ref.kind}/${ref.name}' failed: ${notFoundMessage(ref.kind === 'Secret' ? 'secrets' : 'configmaps', ref.name)}`,
      );
    }
    Object.assign(vars, data);
  }
  return Object.assign(vars, postBuild?.substitute ?? {});
}

const DISABLED = 'kustomize.toolkit.fluxcd.io/substitute';

/**
 * envsubst as Flux uses it: `${var}`, `${var:=default}`, `${var:-default}`; `$${var}` escapes. Objects
 * labelled or annotated `kustomize.toolkit.fluxcd.io/substitute: disabled` are left alone.
 */
export function substitute(objects: KubeObject[], vars: Record<string, string>): KubeObject[] {
  return objects.map((o) => {
    if (o.metadata?.annotations?.[DISABLED] === 'disabled' || o.metadata?.labels?.[DISABLED] === 'disabled') return o;
    const text = YAML.stringify(o);
    const replaced = text.replace(
      /\$(\$)?\{([A-Za-z_][A-Za-z0-9_]*)(?::?([=-])([^}]*))?\}/g,
      (all, escaped: string | undefined, name: string, _op: string | undefined, def: string | undefined) => {
        if (escaped) return all.slice(1);
        return vars[name] ?? def ?? '';
      },
    );
    return replaced === text ? o : (YAML.parse(replaced) as KubeObject);
  });
}
