/**
 * The node's pod network: one IPv4 address per pod from the node's podCIDR (10.244.0.0/24, .2–.254), released
 * when the pod is gone, so `status.podIP` looks like a CNI-assigned address and never collides.
 */

/** Allocates pod IPs from a /24. */
export class PodNetwork {
  readonly #prefix: string;
  readonly #byUid = new Map<string, string>();
  #next = 2;

  /** `prefix` is the first three octets, e.g. `10.244.0`. */
  constructor(prefix = '10.244.0') {
    this.#prefix = prefix;
  }

  /** The pod's address, allocating one on first use. Throws when the range is exhausted. */
  allocate(uid: string): string {
    const existing = this.#byUid.get(uid);
    if (existing) return existing;
    const used = new Set(this.#byUid.values());
    for (let i = 0; i < 253; i++) {
      const host = ((this.#next - 2 + i) % 253) + 2;
      const ip = `${this.#prefix}.${host}`;
      if (used.has(ip)) continue;
      this.#next = host + 1;
      this.#byUid.set(uid, ip);
      return ip;
    }
    throw new Error(
      `failed to allocate for range 0: no IP addresses available in range set: ${this.#prefix}.1-${this.#prefix}.254`,
    );
  }

  release(uid: string): void {
    this.#byUid.delete(uid);
  }
}
