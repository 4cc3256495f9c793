/**
 * The `/scale` subresource: an `autoscaling/v1` Scale view of a kind's replicas (`kubectl scale`, HPAs),
 * read from and written to the paths the kind declares (built-in workloads or a CRD's `subresources.scale`).
 */
import type { KubeObject, PatchType } from '../kube/types.ts';
import { mergePatch } from './patch.ts';
import type { Resolved, ScaleSpec } from './resources.ts';
import { formatLabelSelector, labelSelectorFromMatch, stringifyLabelSelector } from './selectors.ts';
import { badRequest, notFound } from './status.ts';
import type { Store, WriteContext } from './store.ts';
import type { JsonObject as Json } from '../kube/json.ts';

function read(obj: unknown, path: string): unknown {
  let cur = obj;
  for (const seg of path.replace(/^\./, '').split('.')) cur = (cur as Json | undefined)?.[seg];
  return cur;
}

function write(obj: Json, path: string, value: unknown): void {
  const segs = path.replace(/^\./, '').split('.');
  let cur = obj;
  for (const seg of segs.slice(0, -1)) cur = (cur[seg] ??= {}) as Json;
  cur[segs[segs.length - 1]!] = value;
}

function selectorOf(obj: KubeObject, spec: ScaleSpec, builtin: boolean): string {
  if (builtin) {
    const sel = obj.spec?.selector;
    if (!sel) return '';
    try {
      return stringifyLabelSelector(labelSelectorFromMatch(sel));
    } catch {
      return formatLabelSelector(sel.matchLabels);
    }
  }
  const value = spec.labelSelectorPath ? read(obj, spec.labelSelectorPath) : undefined;
  return typeof value === 'string' ? value : '';
}

/** The Scale object for a workload. */
export function scaleOf(r: Resolved, obj: KubeObject): Json {
  const spec = r.type.scale!;
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: {
      name: obj.metadata.name,
      namespace: obj.metadata.namespace,
      uid: obj.metadata.uid,
      resourceVersion: obj.metadata.resourceVersion,
      creationTimestamp: obj.metadata.creationTimestamp,
    },
    spec: { replicas: Number(read(obj, spec.specReplicasPath) ?? 0) },
    status: { replicas: Number(read(obj, spec.statusReplicasPath) ?? 0), selector: selectorOf(obj, spec, !r.type.crd) },
  };
}

/** GET …/scale. */
export function getScale(store: Store, r: Resolved, namespace: string | undefined, name: string): Json {
  return scaleOf(r, store.get(r, namespace, name));
}

/** PUT or PATCH …/scale: computes the new Scale and writes `spec.replicas` through the normal update path. */
export function writeScale(
  store: Store,
  r: Resolved,
  namespace: string | undefined,
  name: string,
  body: unknown,
  patchType: PatchType | undefined,
  ctx: WriteContext,
): Json {
  const current = store.find(r, namespace, name);
  if (!current) throw notFound(r.type.plural, r.type.group, name);
  const scale = scaleOf(r, current);
  let next: Json;
  if (patchType === undefined) next = body as Json;
  else if (patchType === 'merge' || patchType === 'strategic') next = mergePatch(scale, body) as Json;
  else throw badRequest(`patch type ${patchType} is not supported for the scale subresource`);
  const replicas = (next?.spec as Json | undefined)?.replicas;
  if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
    throw badRequest(
      `Scale.autoscaling "${name}" is invalid: spec.replicas: Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`,
    );
  }
  const rv = (next.metadata as Json | undefined)?.resourceVersion;
  const updated = structuredClone(current) as unknown as Json;
  write(updated, r.type.scale!.specReplicasPath, replicas);
  if (typeof rv === 'string' && rv) (updated.metadata as Json).resourceVersion = rv;
  const result = store.update(r, namespace, name, updated, { ...ctx, subresource: undefined });
  return scaleOf(r, result);
}
