/**
 * The small object-lifecycle rules the store applies: which finalizers still block removal, when generation
 * bumps, what counts as a no-op update, a pod's grace period, generated name suffixes and continue tokens.
 */
import type { KubeObject } from '../kube/types.ts';
import { badRequest } from './status.ts';
import type { Cause } from './strategies.ts';
import type { JsonObject as Json } from '../kube/json.ts';

const GENERATE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** Finalizers still blocking removal: metadata finalizers, plus a Namespace's spec.finalizers. */
export function pendingFinalizers(obj: KubeObject): string[] {
  const out = [...(obj.metadata.finalizers ?? [])];
  if (obj.kind === 'Namespace' && obj.apiVersion === 'v1')
    out.push(...((obj.spec?.finalizers as string[] | undefined) ?? []));
  return out;
}

/** 422 causes for finalizers added to an object that is being deleted. */
export function finalizerCauses(next: KubeObject, old: KubeObject): Cause[] {
  if (!old.metadata.deletionTimestamp) return [];
  const before = new Set(old.metadata.finalizers ?? []);
  const added = (next.metadata.finalizers ?? []).filter((f) => !before.has(f));
  if (!added.length) return [];
  return [
    {
      field: 'metadata.finalizers',
      message: `Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{${added.map((f) => JSON.stringify(f)).join(', ')}}`,
      reason: 'FieldValueForbidden',
    },
  ];
}

/** True when anything but metadata (and status when it is a subresource) differs. */
export function specChanged(next: KubeObject, old: KubeObject, statusSubresource: boolean): boolean {
  const strip = (o: KubeObject) => {
    const { metadata: _m, status, ...rest } = o;
    return statusSubresource ? rest : { ...rest, status };
  };
  return JSON.stringify(strip(next)) !== JSON.stringify(strip(old));
}

/** True when an update changes nothing but resourceVersion and managedFields timestamps. */
export function unchanged(next: KubeObject, old: KubeObject): boolean {
  const strip = (o: KubeObject) => {
    const managed = ((o.metadata.managedFields ?? []) as Array<Json>).map(({ time: _t, ...rest }) => rest);
    return JSON.stringify({ ...o, metadata: { ...o.metadata, resourceVersion: undefined, managedFields: managed } });
  };
  return strip(next) === strip(old);
}

/** The grace period a pod deletion gets: 0 for unbound or finished pods, as the real pod strategy decides. */
export function podGrace(pod: KubeObject, requested: number | undefined): number {
  if (!pod.spec?.nodeName) return 0;
  if (pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') return 0;
  const grace = requested ?? pod.metadata.deletionGracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? 30;
  return Math.max(0, Number(grace));
}

/** Five characters from the real server's generateName alphabet. */
export function randomSuffix(): string {
  let out = '';
  for (let i = 0; i < 5; i++) out += GENERATE_ALPHABET[Math.floor(Math.random() * GENERATE_ALPHABET.length)];
  return out;
}

/** An opaque continue token: the last key served, in the real server's token shape. */
export function encodeContinue(rv: number, start: string): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv, start })).toString('base64url');
}

/** The last key served, from a continue token; 400 when the token is not ours. */
export function decodeContinue(token: string): string {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { v?: string; start?: string };
    if (parsed.v !== 'meta.k8s.io/v1' || typeof parsed.start !== 'string') throw new Error('bad');
    return parsed.start;
  } catch {
    throw badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  }
}
