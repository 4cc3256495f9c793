/**
 * Pod-template hashing and generated-name suffixes, as k8s.io/kubernetes/pkg/controller (ComputeHash) and
 * k8s.io/apimachinery/pkg/util/rand (SafeEncodeString, String) produce them: a Deployment's ReplicaSet is
 * `<deployment>-<hash>` where the hash is a fnv-32a digest of the pod template written with the
 * vowel-free alphabet, and pods get a 5-character random suffix from the same alphabet.
 */
import { randomInt } from 'node:crypto';

/** The alphabet `rand.SafeEncodeString` and `rand.String` use: no vowels, no 0/1/3 (no accidental words). */
export const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** The label the Deployment controller stamps on ReplicaSets and pods (`pod-template-hash`). */
export const POD_TEMPLATE_HASH_LABEL = 'pod-template-hash';

/** fnv-32a over UTF-8 bytes, the hash `hash/fnv.New32a` computes. */
export function fnv32a(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/** Maps every character to the safe alphabet by its code, like `rand.SafeEncodeString`. */
export function safeEncode(text: string): string {
  let out = '';
  for (const ch of text) out += SAFE_ALPHABET[ch.charCodeAt(0) % SAFE_ALPHABET.length];
  return out;
}

/**
 * Stable JSON: keys sorted, `null`/`undefined` and empty maps/lists dropped, so two templates that differ only
 * in how a client spelled "nothing" (`creationTimestamp: null`, `env: []`) hash and compare the same.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(prune(value)) ?? 'null';
}

function prune(value: unknown): unknown {
  if (Array.isArray(value)) {
    const items = value.map(prune).filter((v) => v !== undefined);
    return items.length ? items : undefined;
  }
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = prune((value as Record<string, unknown>)[key]);
      if (v !== undefined) out[key] = v;
    }
    return Object.keys(out).length ? out : undefined;
  }
  return value === null ? undefined : value;
}

/**
 * The `pod-template-hash` of a pod template (`controller.ComputeHash`): fnv-32a of the canonical template,
 * plus the collision count when the Deployment has one, printed in decimal and safe-encoded.
 * Upstream hashes Go's struct dump; the sandbox hashes canonical JSON — same shape, different digits.
 */
export function computeTemplateHash(template: unknown, collisionCount?: number): string {
  const base = canonicalJson(template);
  const text = collisionCount ? `${base}#${collisionCount}` : base;
  return safeEncode(String(fnv32a(text)));
}

/** A random suffix of `n` safe characters, what `generateName` gets from the API server (`rand.String(5)`). */
export function randomSuffix(n = 5): string {
  let out = '';
  for (let i = 0; i < n; i++) out += SAFE_ALPHABET[randomInt(SAFE_ALPHABET.length)];
  return out;
}
