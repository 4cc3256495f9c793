/**
 * bcrypt password hashing (`$2y$`), written out because Node has none built in and CNCF distribution's htpasswd
 * authentication accepts bcrypt hashes only. Use it to write an htpasswd line for `DistributionRegistry`; it is
 * not meant as a general-purpose password library (no timing hardening beyond what bcrypt itself gives).
 *
 * Blowfish's initial state is the fractional hex digits of pi; they are computed here (Machin's formula on
 * BigInt, a few milliseconds) instead of carrying a 4 KB table of constants.
 */
import { randomBytes } from 'node:crypto';

/** bcrypt's own base64 alphabet (not RFC 4648's). */
const ALPHABET = './ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** The 24-byte plaintext every bcrypt hash encrypts 64 times. */
const MAGIC = Buffer.from('OrpheanBeholderScryDoubt', 'latin1');
const P_WORDS = 18;
const S_WORDS = 4 * 256;
/** bcrypt reads at most 72 bytes of key, counting the trailing NUL. */
const MAX_KEY_BYTES = 72;

/** Options of `bcryptHash`. */
export interface BcryptOptions {
  /** log2 of the number of key-expansion rounds, 4–31. Distribution compares on every request: keep it low. */
  cost?: number;
  /** 16 bytes of salt; random when absent (give one only for reproducible tests). */
  salt?: Buffer;
}

/** Hashes `password` into a `$2y$NN$<salt><hash>` string, the form `htpasswd -B` writes. */
export function bcryptHash(password: string, options: BcryptOptions = {}): string {
  const cost = options.cost ?? 5;
  if (!Number.isInteger(cost) || cost < 4 || cost > 31) throw new Error(`bcrypt cost must be an integer 4..31 (got ${cost})`);
  const salt = options.salt ?? randomBytes(16);
  if (salt.length !== 16) throw new Error(`bcrypt salt must be 16 bytes (got ${salt.length})`);
  const hash = bcryptRaw(password, salt, cost);
  return `$2y$${String(cost).padStart(2, '0')}$${encode(salt, 16)}${encode(hash, 23)}`;
}

/** True when `password` matches `hash` (`$2a$`, `$2b$` or `$2y$`). Use it to check a written htpasswd line. */
export function bcryptVerify(password: string, hash: string): boolean {
  const match = /^\$2[aby]\$(\d\d)\$([./A-Za-z0-9]{22})([./A-Za-z0-9]{31})$/.exec(hash);
  if (!match) return false;
  const salt = decode(match[2]!, 16);
  return encode(bcryptRaw(password, salt, Number(match[1])), 23) === match[3];
}

/** The 23 significant bytes of bcrypt's output. */
function bcryptRaw(password: string, salt: Buffer, cost: number): Buffer {
  const key = Buffer.concat([Buffer.from(password, 'utf8'), Buffer.from([0])]).subarray(0, MAX_KEY_BYTES);
  const state = new BlowfishState();
  state.expand(key, salt);
  for (let i = 0, rounds = 2 ** cost; i < rounds; i++) {
    state.expand(key);
    state.expand(salt);
  }
  const words = new Uint32Array(6);
  for (let i = 0; i < 6; i++) words[i] = MAGIC.readUInt32BE(i * 4);
  const block = new Uint32Array(2);
  for (let i = 0; i < 64; i++) {
    for (let j = 0; j < 6; j += 2) {
      block[0] = words[j]!;
      block[1] = words[j + 1]!;
      state.encrypt(block);
      words[j] = block[0]!;
      words[j + 1] = block[1]!;
    }
  }
  const out = Buffer.alloc(24);
  for (let i = 0; i < 6; i++) out.writeUInt32BE(words[i]!, i * 4);
  return out.subarray(0, 23);
}

/** Blowfish's P-array and S-boxes, with the "expensive key schedule" step bcrypt adds. */
class BlowfishState {
  readonly p: Uint32Array;
  readonly s: Uint32Array;

  constructor() {
    const digits = piWords(P_WORDS + S_WORDS);
    this.p = digits.slice(0, P_WORDS);
    this.s = digits.slice(P_WORDS);
  }

  /** Mixes `key` into P, then re-encrypts P and S, XOR-ing in `salt` (when given) cyclically as bcrypt does. */
  expand(key: Buffer, salt?: Buffer): void {
    const keyStream = new WordStream(key);
    for (let i = 0; i < P_WORDS; i++) this.p[i] = (this.p[i]! ^ keyStream.next()) >>> 0;
    const saltStream = salt ? new WordStream(salt) : undefined;
    const block = new Uint32Array(2);
    const refill = (target: Uint32Array, length: number) => {
      for (let i = 0; i < length; i += 2) {
        if (saltStream) {
          block[0] = block[0]! ^ saltStream.next();
          block[1] = block[1]! ^ saltStream.next();
        }
        this.encrypt(block);
        target[i] = block[0]!;
        target[i + 1] = block[1]!;
      }
    };
    refill(this.p, P_WORDS);
    refill(this.s, S_WORDS);
  }

  /** Encrypts one 64-bit block in place. */
  encrypt(block: Uint32Array): void {
    const p = this.p;
    let left = block[0]!;
    let right = block[1]!;
    for (let i = 0; i < 16; i += 2) {
      left = (left ^ p[i]!) >>> 0;
      right = (right ^ this.#f(left)) >>> 0;
      right = (right ^ p[i + 1]!) >>> 0;
      left = (left ^ this.#f(right)) >>> 0;
    }
    block[0] = (right ^ p[17]!) >>> 0;
    block[1] = (left ^ p[16]!) >>> 0;
  }

  #f(x: number): number {
    const s = this.s;
    const a = s[x >>> 24]!;
    const b = s[256 + ((x >>> 16) & 0xff)]!;
    const c = s[512 + ((x >>> 8) & 0xff)]!;
    const d = s[768 + (x & 0xff)]!;
    return ((((a + b) >>> 0) ^ c) + d) >>> 0;
  }
}

/** Reads big-endian 32-bit words from bytes, wrapping around at the end (Blowfish's key and salt cycling). */
class WordStream {
  readonly #bytes: Buffer;
  #pos = 0;

  constructor(bytes: Buffer) {
    this.#bytes = bytes;
  }

  next(): number {
    let word = 0;
    for (let i = 0; i < 4; i++) {
      word = ((word << 8) | this.#bytes[this.#pos]!) >>> 0;
      this.#pos = (this.#pos + 1) % this.#bytes.length;
    }
    return word;
  }
}

/** The first `count` 32-bit words of pi's fractional part in binary (0x243f6a88, 0x85a308d3, …). */
function piWords(count: number): Uint32Array {
  const guard = 64n;
  const bits = BigInt(count * 32) + guard;
  const one = 1n << bits;
  const arctanInverse = (x: bigint): bigint => {
    // arctan(1/x) = 1/x - 1/(3x^3) + 1/(5x^5) - …, in fixed point with `bits` fractional bits.
    let sum = 0n;
    let power = one / x;
    const xSquared = x * x;
    for (let n = 1n, sign = 1n; power !== 0n; n += 2n, sign = -sign) {
      sum += (sign * power) / n;
      power /= xSquared;
    }
    return sum;
  };
  const pi = 16n * arctanInverse(5n) - 4n * arctanInverse(239n);
  const fraction = (pi - 3n * one) >> guard;
  const words = new Uint32Array(count);
  for (let i = 0; i < count; i++) {
    words[i] = Number((fraction >> BigInt((count - 1 - i) * 32)) & 0xffffffffn);
  }
  return words;
}

/** bcrypt's base64: no padding, its own alphabet; `length` input bytes. */
function encode(bytes: Buffer, length: number): string {
  let out = '';
  for (let i = 0; i < length; ) {
    const c1 = bytes[i++]!;
    out += ALPHABET[c1 >> 2];
    let c = (c1 & 0x03) << 4;
    if (i >= length) {
      out += ALPHABET[c];
      break;
    }
    const c2 = bytes[i++]!;
    out += ALPHABET[c | (c2 >> 4)];
    c = (c2 & 0x0f) << 2;
    if (i >= length) {
      out += ALPHABET[c];
      break;
    }
    const c3 = bytes[i++]!;
    out += ALPHABET[c | (c3 >> 6)] + ALPHABET[c3 & 0x3f];
  }
  return out;
}

/** Inverse of `encode` for `length` output bytes. */
function decode(text: string, length: number): Buffer {
  const values = [...text].map((ch) => ALPHABET.indexOf(ch));
  const out: number[] = [];
  for (let i = 0; out.length < length && i + 1 < values.length; i += 4) {
    const [a, b, c, d] = [values[i]!, values[i + 1]!, values[i + 2] ?? 0, values[i + 3] ?? 0];
    out.push(((a << 2) | (b >> 4)) & 0xff);
    if (out.length < length && i + 2 < values.length) out.push(((b << 4) | (c >> 2)) & 0xff);
    if (out.length < length && i + 3 < values.length) out.push(((c << 6) | d) & 0xff);
  }
  return Buffer.from(out);
}
