/**
 * What the sandbox's own HTTP servers (API server, git host, embedded registry, control endpoint) share: binding
 * a loopback address on a port the kernel picks — so two sandboxes run side by side — and checking HTTP Basic
 * credentials (git push, registry push) in constant time.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { AddressInfo, Server } from 'node:net';

export const LOOPBACK = '127.0.0.1';

/**
 * Binds `server` on `host` (default 127.0.0.1) and `port` (default 0: one the kernel picks); resolves with the
 * bound port, rejects with the bind error (e.g. EADDRINUSE) instead of leaving it unhandled.
 */
export function listenOnLoopback(server: Server, options: { host?: string; port?: number } = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? LOOPBACK, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** `127.0.0.1:PORT` of a started server; throws `<what> not started` before `start()`. */
export function loopbackHost(port: number | undefined, what: string): string {
  if (port === undefined) throw new Error(`${what} not started`);
  return `${LOOPBACK}:${port}`;
}

/**
 * A service on a loopback port (the embedded registry, distribution): `host` and `url` once started, and a `stop()`
 * that runs the subclass's `shutdown()` once, however often it is called.
 */
export abstract class LoopbackService {
  /** Set by the subclass's `start()` once the service listens. */
  protected boundPort?: number;
  readonly #what: string;
  #stopping?: Promise<void>;

  /** `what` names the service in the "not started" error. */
  constructor(what: string) {
    this.#what = what;
  }

  /** Stops the service. Safe to call twice. */
  async stop(): Promise<void> {
    this.#stopping ??= this.shutdown();
    return this.#stopping;
  }

  /** `http://127.0.0.1:PORT`. Throws before `start()`. */
  get url(): string {
    return `http://${this.host}`;
  }

  /** `127.0.0.1:PORT` (for the registry, the registry part of image references). Throws before `start()`. */
  get host(): string {
    return loopbackHost(this.boundPort, this.#what);
  }

  protected abstract shutdown(): Promise<void>;
}

/** What a request's credentials amount to. */
export type Credentials = 'none' | 'valid' | 'invalid';

/** An `Authorization: Basic …` header checked against one user and secret. */
export function basicCredentials(authorization: string | undefined, user: string, secret: string): Credentials {
  if (!authorization) return 'none';
  const match = /^Basic\s+(\S+)\s*$/i.exec(authorization);
  if (!match) return 'invalid';
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return 'invalid';
  // Both halves are always compared, so the answer's timing says nothing about which one was wrong.
  const userOk = sameSecret(decoded.slice(0, colon), user);
  const secretOk = sameSecret(decoded.slice(colon + 1), secret);
  return userOk && secretOk ? 'valid' : 'invalid';
}

/** Compares secrets in constant time regardless of their lengths. */
export function sameSecret(given: string, expected: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(given), digest(expected));
}
