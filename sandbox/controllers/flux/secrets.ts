/**
 * Reading Secrets and ConfigMaps the way Flux's controllers consume them: decoded `data` (plus
 * `stringData`-style plain values), and the `not found` wording controller-runtime's client reports.
 */
import type { Kube } from '../../kube/types.ts';

/** Decoded key/value data of a Secret, or undefined when it does not exist. */
export function readSecret(kube: Kube, namespace: string, name: string): Record<string, string> | undefined {
  const secret = kube.get({ apiVersion: 'v1', kind: 'Secret', namespace, name });
  if (!secret) return undefined;
  const data = (secret.data ?? {}) as Record<string, string>;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(data)) out[k] = Buffer.from(v, 'base64').toString('utf8');
  for (const [k, v] of Object.entries((secret.stringData ?? {}) as Record<string, string>)) out[k] = v;
  return out;
}

/** `data` of a ConfigMap, or undefined when it does not exist. */
export function readConfigMap(kube: Kube, namespace: string, name: string): Record<string, string> | undefined {
  const cm = kube.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace, name });
  if (!cm) return undefined;
  return { ...((cm.data ?? {}) as Record<string, string>) };
}

/** `secrets "name" not found`, as the Kubernetes API words it. */
export function notFoundMessage(resource: 'secrets' | 'configmaps', name: string): string {
  return `${resource} "${name}" not found`;
}
