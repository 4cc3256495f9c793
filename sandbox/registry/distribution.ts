/**
 * The reference registry: Debian's `docker-registry` (CNCF distribution 2.8) run as a child process with a
 * generated config — filesystem storage under `root`, deletes enabled, htpasswd auth with a bcrypt hash made
 * in-process (`bcrypt.ts`). Same shape as `Registry` so tests and the sandbox can swap one for the other.
 *
 * Differences from the embedded registry a caller must know:
 * - htpasswd protects every request: pulls, `GET /v2/` and `_catalog` need credentials too (no anonymous pull);
 * - no fault knobs (registry-down, corrupt-artifact, slow-download are the embedded registry's);
 * - `tags/list` ignores `n`/`last` and returns tags unsorted; no referrers API (404);
 * - `POST …/blobs/uploads/?digest=` with a body is answered 202 (the client must PUT the body again);
 * - PATCH does not check that `Content-Range` starts at the current offset;
 * - DELETE of a manifest by tag is refused with DIGEST_INVALID (the embedded registry does the same).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { access, constants, mkdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { listenOnLoopback, LoopbackService } from '../loopback-server.ts';
import { bcryptHash } from './bcrypt.ts';
import { REGISTRY_REALM } from './auth.ts';

/** Where Debian installs distribution. */
export const DISTRIBUTION_BINARY = '/usr/bin/docker-registry';

/** Options of a DistributionRegistry. */
export interface DistributionRegistryOptions {
  /** Directory for the config, htpasswd and the storage (`<root>/data`). */
  root: string;
  user: string;
  password: string;
  /** The binary; `/usr/bin/docker-registry` by default. */
  binary?: string;
  /** Receives distribution's log lines. */
  log?: (line: string) => void;
}

/** How long to wait for distribution to exit on SIGTERM before SIGKILL. */
const STOP_GRACE_MS = 5000;
/** Ports picked from the kernel can be taken again before distribution binds them; retry that many times. */
const PORT_ATTEMPTS = 3;

/** CNCF distribution as a child process. */
export class DistributionRegistry extends LoopbackService {
  readonly #options: DistributionRegistryOptions;
  #child?: ChildProcess;
  #exited?: Promise<void>;

  constructor(options: DistributionRegistryOptions) {
    super('DistributionRegistry');
    this.#options = options;
  }

  /** True when the binary exists and is executable; tests skip with a reason otherwise. */
  static async available(binary: string = DISTRIBUTION_BINARY): Promise<boolean> {
    return access(binary, constants.X_OK).then(
      () => true,
      () => false,
    );
  }

  /** Writes the config and starts distribution; resolves once it logs that it is listening. */
  async start(): Promise<void> {
    if (this.#child) throw new Error('DistributionRegistry already started');
    const root = path.resolve(this.#options.root);
    await mkdir(path.join(root, 'data'), { recursive: true });
    const htpasswd = path.join(root, 'htpasswd');
    await writeFile(htpasswd, `${this.#options.user}:${bcryptHash(this.#options.password)}\n`, { mode: 0o600 });
    let lastError: Error | undefined;
    for (let attempt = 0; attempt < PORT_ATTEMPTS; attempt++) {
      const port = await freePort();
      const config = path.join(root, 'config.yml');
      await writeFile(config, configYaml({ root: path.join(root, 'data'), port, htpasswd }), { mode: 0o600 });
      try {
        await this.#spawn(config);
        this.boundPort = port;
        return;
      } catch (err) {
        lastError = err as Error;
        if (!/address already in use/.test(lastError.message)) throw lastError;
      }
    }
    throw lastError!;
  }

  async #spawn(config: string): Promise<void> {
    const child = spawn(this.#options.binary ?? DISTRIBUTION_BINARY, ['serve', config], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
    });
    const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
    let output = '';
    let ready = false;
    await new Promise<void>((resolve, reject) => {
      // Keep reading after readiness (a full pipe would block distribution), but stop collecting.
      const onLine = (text: string) => {
        for (const line of text.split('\n').filter(Boolean)) this.#options.log?.(line);
        if (ready) return;
        output += text;
        if (/msg="listening on /.test(output)) {
          ready = true;
          child.off('close', onClose);
          resolve();
        }
      };
      const onClose = (code: number | null) =>
        reject(new Error(`docker-registry exited (${code}) before listening:\n${output.trim()}`));
      child.stdout!.setEncoding('utf8').on('data', onLine);
      child.stderr!.setEncoding('utf8').on('data', onLine);
      child.once('error', (err) => reject(err));
      child.once('close', onClose);
    });
    this.#child = child;
    this.#exited = exited;
  }

  /** Stops distribution (SIGTERM, then SIGKILL after a grace period). */
  protected async shutdown(): Promise<void> {
    const child = this.#child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    await this.#exited;
    clearTimeout(timer);
  }
}

/** distribution's config: filesystem storage, deletes on, htpasswd, info logs (the readiness line), no access log. */
function configYaml(opts: { root: string; port: number; htpasswd: string }): string {
  return [
    'version: 0.1',
    'log:',
    '  level: info',
    '  formatter: text',
    '  accesslog:',
    '    disabled: true',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${JSON.stringify(opts.root)}`,
    '  delete:',
    '    enabled: true',
    '  maintenance:',
    '    uploadpurging:',
    '      enabled: false',
    'http:',
    `  addr: 127.0.0.1:${opts.port}`,
    `  secret: ${randomBytes(16).toString('hex')}`,
    'auth:',
    '  htpasswd:',
    `    realm: ${REGISTRY_REALM}`,
    `    path: ${JSON.stringify(opts.htpasswd)}`,
    '',
  ].join('\n');
}

/** A port the kernel just handed out on 127.0.0.1 (free now; distribution binds it a moment later). */
async function freePort(): Promise<number> {
  const server = createServer();
  const port = await listenOnLoopback(server);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
