/**
 * Masks credentials in everything the suite writes out (attachments, logs, command echoes, Allure parameters).
 * Build one redactor per run from the run's credentials (`redactorOf` in fixtures/credentials.ts) and pass every
 * outgoing string, or object with {@link Redactor.deep}, through it.
 */

/** The mask written in place of a secret. */
export const MASK = '***';

/** Secrets shorter than this are ignored: masking `ab` would shred ordinary text and protect nothing. */
export const MIN_SECRET_LENGTH = 4;

/** Base64 fragments shorter than this are not searched for inside longer base64 text (too many false hits). */
const MIN_FRAGMENT_LENGTH = 6;

/** Masks secrets in text; `deep` does the same for every string in a JSON-like value and masks secret-named keys. */
export interface Redactor {
  (text: string): string;
  deep<T>(value: T): T;
}

/** Header and URL shapes that carry credentials whatever their value, known or not. */
const STRUCTURAL: ReadonlyArray<[RegExp, string]> = [
  [/\b(authorization|proxy-authorization)(["']?\s*[:=]\s*["']?)(basic|bearer|token)\s+[^\s"',;]+/gi, `$1$2$3 ${MASK}`],
  [/(\bhttp\.extraHeader=Authorization:\s*)(basic|bearer)\s+[^\s"',;]+/gi, `$1$2 ${MASK}`],
  [/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@"'<>]+@/gi, `$1${MASK}@`],
];

/** Object keys whose values are secrets whatever they contain (Kubernetes Secret `data`, tokens, passwords). */
const SECRET_KEY =
  /^(password|passwd|pass|token|accessToken|refreshToken|idToken|secret|clientSecret|apiKey|api_key|authorization|auth|\.dockerconfigjson)$/i;

/**
 * Builds a redactor masking each secret (length ≥ 4) and its encoded forms: base64 (standard and URL-safe, also
 * inside longer base64 such as `user:secret` in a Basic header or a dockerconfig), URL-encoding and JSON
 * escaping; plus `Authorization: Basic/Bearer …` headers and `user:pass@` in URLs, whatever their value.
 */
export function createRedactor(secrets: readonly (string | undefined | null)[]): Redactor {
  const needles = [
    ...new Set(
      secrets.filter((s): s is string => typeof s === 'string' && s.length >= MIN_SECRET_LENGTH).flatMap(forms),
    ),
  ]
    .filter((n) => n.length > 0)
    // Longest first, so a secret containing another is masked whole.
    .sort((a, b) => b.length - a.length);
  const pattern = needles.length > 0 ? new RegExp(needles.map(escapeRegExp).join('|'), 'g') : undefined;

  const redact = ((text: string): string => {
    if (typeof text !== 'string' || text.length === 0) return text;
    let out = pattern ? text.replace(pattern, MASK) : text;
    for (const [re, replacement] of STRUCTURAL) out = out.replace(re, replacement);
    return out;
  }) as Redactor;

  redact.deep = <T>(value: T): T => deepRedact(value, redact, new WeakMap()) as T;
  return redact;
}

function deepRedact(value: unknown, redact: (text: string) => string, seen: WeakMap<object, unknown>): unknown {
  if (typeof value === 'string') return redact(value);
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return seen.get(value);
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    seen.set(value, out);
    for (const item of value) out.push(deepRedact(item, redact, seen));
    return out;
  }
  if (value instanceof Date) return value;
  const out: Record<string, unknown> = {};
  seen.set(value, out);
  const isSecretObject = (value as { kind?: unknown }).kind === 'Secret';
  for (const [key, item] of Object.entries(value)) {
    const maskAll = SECRET_KEY.test(key) || (isSecretObject && (key === 'data' || key === 'stringData'));
    out[key] = maskAll ? maskValues(item) : deepRedact(item, redact, seen);
  }
  return out;
}

/** Replaces every leaf under a secret key with the mask, keeping the shape (keys of a Secret's data stay visible). */
function maskValues(value: unknown): unknown {
  if (value === null || value === undefined || value === '') return value;
  if (Array.isArray(value)) return value.map(maskValues);
  if (typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskValues(v)]));
  return MASK;
}

/** Every textual form a secret may take in output. */
function forms(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  const b64 = bytes.toString('base64');
  return [
    secret,
    encodeURIComponent(secret),
    JSON.stringify(secret).slice(1, -1),
    b64,
    b64.replace(/=+$/, ''),
    bytes.toString('base64url'),
    ...base64Fragments(bytes),
  ];
}

/**
 * The base64 characters determined by the secret alone, for each of the three byte alignments it can have
 * inside a longer encoded value (`base64("user:" + secret)`): characters that also depend on neighbouring bytes
 * are dropped, so the fragment matches wherever the secret sits.
 */
function base64Fragments(bytes: Buffer): string[] {
  const fragments: string[] = [];
  for (let offset = 0; offset < 3; offset++) {
    const encoded = Buffer.concat([Buffer.alloc(offset), bytes, Buffer.alloc(3)]).toString('base64');
    const first = Math.ceil((offset * 8) / 6);
    const last = Math.floor(((offset + bytes.length) * 8) / 6); // exclusive
    const fragment = encoded.slice(first, last);
    if (fragment.length >= MIN_FRAGMENT_LENGTH)
      fragments.push(fragment, fragment.replaceAll('+', '-').replaceAll('/', '_'));
  }
  return fragments;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}
