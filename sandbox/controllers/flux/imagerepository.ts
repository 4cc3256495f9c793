/**
 * image-reflector-controller's ImageRepository reconciler: list the tags of `spec.image` with the OCI
 * client (the image host resolved through the sandbox's registry aliases), drop `exclusionList` matches,
 * store them in the tag database and report `lastScanResult` and `canonicalImageName` with Flux's Ready
 * message for the served line. Faults: `scan-error` fails scans with a registry-like auth error;
 * `scan-delay=<dur>` hides each tag until <dur> after this controller first saw it.
 */
import { OciClient } from '../../../lib/oci/client.ts';
import type { ReconcileResult } from '../manager.ts';
import type { FluxContext } from './context.ts';
import { durationMs, formatGoDuration } from './duration.ts';
import { FluxError, FluxReconciler, type Pass } from './reconciler.ts';
import { readSecret } from './secrets.ts';
import type { TagDatabase } from './tag-database.ts';

const LATEST_TAGS = 10;

/** An image reference split like go-containerregistry's `name.Repository`. */
export interface ImageName {
  host: string;
  repository: string;
  canonical: string;
}

/** Parses `host[:port]/path` (Docker Hub when the first part is not a host), without tag or digest. */
export function parseImageName(image: string): ImageName {
  let bare = image.replace(/@sha256:[0-9a-f]+$/, '');
  const colon = bare.lastIndexOf(':');
  if (colon > bare.lastIndexOf('/')) bare = bare.slice(0, colon);
  const first = bare.split('/')[0]!;
  const isHost = bare.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  const host = isHost ? first : 'index.docker.io';
  let repository = isHost ? bare.slice(first.length + 1) : bare;
  if (!isHost && !repository.includes('/')) repository = `library/${repository}`;
  return { host, repository, canonical: `${host}/${repository}` };
}

/** go-containerregistry's scheme choice: plain HTTP for insecure, loopback and private hosts. */
function plainHttp(host: string, insecure: boolean): boolean {
  const name = host.replace(/:\d+$/, '');
  return (
    insecure ||
    name === 'localhost' ||
    /^127\./.test(name) ||
    name.endsWith('.local') ||
    name.endsWith('.localhost') ||
    /^(10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.)/.test(name)
  );
}

/** Reconciles ImageRepository objects. */
export class ImageRepositoryReconciler extends FluxReconciler {
  readonly #db: TagDatabase;
  /** When this controller process first saw each tag (for `scan-delay`); lost on restart. */
  #firstSeen = new Map<string, number>();
  /** Tags hidden by `scan-delay` at the last scan, with the time they become visible. */
  #pending = new Map<string, number>();
  /** Tags already reported once: a delay switched on later does not hide them again. */
  #shown = new Set<string>();

  constructor(ctx: FluxContext, db: TagDatabase) {
    super(ctx, 'ImageRepository', 'image-reflector-controller');
    this.#db = db;
  }

  /** Drops in-memory state, as a restarted process would. */
  reset(): void {
    this.#firstSeen = new Map();
    this.#pending = new Map();
    this.#shown = new Set();
  }

  async reconcile(pass: Pass): Promise<ReconcileResult> {
    const { spec, status, conditions } = pass;
    const interval = durationMs(spec.interval, 600_000);
    const now = this.ctx.clock.now().getTime();
    const image = parseImageName(spec.image ?? '');
    const exclusion: string[] = spec.exclusionList ?? ['^.*\\.sig$'];
    conditions.markReconciling('Progressing', 'reconciliation in progress');
    pass.progressingOnNewGeneration();

    const last = status.lastScanResult?.scanTime ? Date.parse(status.lastScanResult.scanTime) : undefined;
    const reason =
      last === undefined
        ? 'first scan'
        : pass.requested
          ? 'reconcile requested'
          : status.canonicalImageName !== image.canonical
            ? 'new image name'
            : JSON.stringify(status.observedExclusionList ?? []) !== JSON.stringify(exclusion)
              ? 'updated exclusion list'
              : this.#db.tags(image.canonical).length === 0
                ? 'no tags in database'
                : [...this.#pending.values()].some((at) => at <= now)
                  ? 'delayed tags became visible'
                  : interval - (now - last) < 1000
                    ? 'triggered by interval'
                    : undefined;
    let nextScan = interval;
    let note: string;
    if (reason) {
      pass.progressing(`scanning: ${reason}`);
      const before = status.lastScanResult?.revision ?? JSON.stringify(status.lastScanResult?.latestTags ?? null);
      await this.#scan(pass, image, exclusion);
      const after = status.lastScanResult?.revision ?? JSON.stringify(status.lastScanResult?.latestTags ?? null);
      note = `${before === after ? 'tags did not change, ' : 'successful scan, '}next scan in ${formatGoDuration(interval)}`;
    } else {
      nextScan = Math.max(1000, interval - (now - last!));
      note = `no change in repository configuration since last scan, next scan in ${formatGoDuration(nextScan)}`;
    }
    status.canonicalImageName = image.canonical;
    status.observedExclusionList = exclusion;
    const wasReady = conditions.get('Ready');
    const count = status.lastScanResult.tagCount;
    const message = this.ctx.apis.hasStatusField('ImageRepository', 'lastScanResult.revision')
      ? `successful scan: found ${count} tags with checksum ${status.lastScanResult.revision}`
      : `successful scan: found ${count} tags`;
    conditions.markTrue('Ready', 'Succeeded', message);
    if (wasReady?.status !== 'True' || wasReady.message !== message) pass.event('Normal', 'Succeeded', message);
    pass.log(wasReady?.message !== message ? message : note);
    const due = Math.min(...[...this.#pending.values()].map((at) => Math.max(1, at - now)));
    return { requeueAfterMs: Math.min(nextScan, due) };
  }

  async #scan(pass: Pass, image: ImageName, exclusion: string[]): Promise<void> {
    const { spec, status } = pass;
    const host = this.ctx.registryAliases[image.host] ?? image.host;
    let tags: string[];
    try {
      if (this.ctx.faults.active('scan-error')) {
        throw new Error(
          `GET https://${image.host}/v2/${image.repository}/tags/list: UNAUTHORIZED: authentication required; [map[Action:pull Class: Name:${image.repository} Type:repository]]`,
        );
      }
      const auth = this.#credentials(pass, image.host, host);
      const client = new OciClient({
        registry: host,
        plainHttp: plainHttp(host, spec.insecure === true),
        ...auth,
        userAgent: 'flux-image-reflector-controller',
      });
      tags = await withTimeout(client.listTags(image.repository), durationMs(spec.timeout, 60_000));
    } catch (err) {
      const message = `scan failed: ${(err as Error).message}`;
      throw new FluxError('ReadOperationFailed', message);
    }
    const patterns = exclusion.map((p) => new RegExp(p.replace(/\(\?P</g, '(?<')));
    const now = this.ctx.clock.now().getTime();
    const delay = this.ctx.faults.active('scan-delay');
    const delayMs = typeof delay?.value === 'number' ? delay.value : 0;
    for (const key of [...this.#pending.keys()]) if (key.startsWith(`${image.canonical}:`)) this.#pending.delete(key);
    const visible = tags.filter((tag) => {
      if (patterns.some((re) => re.test(tag))) return false;
      const key = `${image.canonical}:${tag}`;
      if (!this.#firstSeen.has(key)) this.#firstSeen.set(key, now);
      const visibleAt = this.#firstSeen.get(key)! + delayMs;
      if (visibleAt > now && !this.#shown.has(key)) {
        this.#pending.set(key, visibleAt);
        return false;
      }
      this.#shown.add(key);
      return true;
    });
    // Flux sorts descending (plain string order) in place before storing; the checksum covers that order.
    visible.sort((a, b) => (a < b ? 1 : a > b ? -1 : 0));
    const checksum = this.#db.set(image.canonical, visible);
    status.lastScanResult = {
      ...(this.ctx.apis.hasStatusField('ImageRepository', 'lastScanResult.revision') ? { revision: checksum } : {}),
      tagCount: visible.length,
      scanTime: this.ctx.clock.nowRfc3339(),
      ...(visible.length > 0 ? { latestTags: visible.slice(0, LATEST_TAGS) } : {}),
    };
  }

  /** Credentials from a `kubernetes.io/dockerconfigjson` Secret for the image host (or its alias). */
  #credentials(pass: Pass, imageHost: string, host: string): { username?: string; password?: string } {
    const name = pass.spec.secretRef?.name as string | undefined;
    if (!name) return {};
    const data = readSecret(this.ctx.kube, pass.namespace, name);
    if (!data) throw new Error(`auth secret '${pass.namespace}/${name}' not found`);
    const config = JSON.parse(data['.dockerconfigjson'] ?? data['.dockercfg'] ?? '{}') as {
      auths?: Record<string, { username?: string; password?: string; auth?: string }>;
    };
    const auths = config.auths ?? (config as Record<string, { username?: string; password?: string; auth?: string }>);
    const entry = auths[imageHost] ?? auths[host] ?? auths[`https://${imageHost}`];
    if (!entry) return {};
    if (entry.auth) {
      const [username, ...rest] = Buffer.from(entry.auth, 'base64').toString('utf8').split(':');
      return { username, password: rest.join(':') };
    }
    return { username: entry.username, password: entry.password };
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error('context deadline exceeded')), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
