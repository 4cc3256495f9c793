/**
 * Helm's release storage in Secrets, byte-compatible with Helm's `secrets` driver so the real `helm list`
 * and `helm history` read what the sandbox's helm-controller writes: Secret `sh.helm.release.v1.<name>.v<N>`
 * of type `helm.sh/release.v1`, labels `name`, `owner: helm`, `status`, `version`, and `data.release` =
 * base64(gzip(release JSON)) (base64 once more at the API level, as Secret data always is).
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { isApiError, type Kube, type KubeObject } from '../../kube/types.ts';

/** Helm's release statuses. */
export type HelmStatus =
  | 'unknown'
  | 'deployed'
  | 'uninstalled'
  | 'superseded'
  | 'failed'
  | 'uninstalling'
  | 'pending-install'
  | 'pending-upgrade'
  | 'pending-rollback';

/** `Chart.yaml` as Helm keeps it in the release. */
export interface ChartMetadata {
  name: string;
  version: string;
  appVersion?: string;
  apiVersion?: string;
  description?: string;
  type?: string;
  [field: string]: unknown;
}

/** Helm's `release.Release` JSON (the fields `helm list/history/get` read). */
export interface HelmRelease {
  name: string;
  namespace: string;
  version: number;
  info: {
    first_deployed: string;
    last_deployed: string;
    deleted: string;
    description: string;
    status: HelmStatus;
    notes?: string;
  };
  chart: {
    metadata: ChartMetadata;
    lock: null;
    templates: Array<{ name: string; data: string }>;
    values: Record<string, unknown>;
    schema: null;
    files: Array<{ name: string; data: string }>;
  };
  config: Record<string, unknown>;
  manifest: string;
  hooks?: unknown[];
}

const PREFIX = 'sh.helm.release.v1';

/** Encodes a release the way Helm's storage driver does: gzip, then base64. */
export function encodeRelease(release: HelmRelease): string {
  return gzipSync(Buffer.from(JSON.stringify(release))).toString('base64');
}

/** Decodes Helm's encoding (gzip magic detected, plain JSON accepted too). */
export function decodeRelease(encoded: string): HelmRelease {
  const raw = Buffer.from(encoded, 'base64');
  const json = raw[0] === 0x1f && raw[1] === 0x8b ? gunzipSync(raw) : raw;
  return JSON.parse(json.toString('utf8')) as HelmRelease;
}

/** Release Secrets of one storage namespace. */
export class HelmStorage {
  readonly #kube: Kube;
  readonly #now: () => Date;

  constructor(kube: Kube, now: () => Date) {
    this.#kube = kube;
    this.#now = now;
  }

  /** All stored versions of a release, oldest first. */
  history(namespace: string, name: string): HelmRelease[] {
    return this.#kube
      .list({ apiVersion: 'v1', kind: 'Secret', namespace }, { labelSelector: `owner=helm,name=${name}` })
      .map((s) => ({ type: s.type, release: (s.data as Record<string, string> | undefined)?.release }))
      .filter(
        (s): s is { type: string; release: string } => s.type === 'helm.sh/release.v1' && typeof s.release === 'string',
      )
      .map((s) => decodeRelease(Buffer.from(s.release, 'base64').toString('utf8')))
      .sort((a, b) => a.version - b.version);
  }

  latest(namespace: string, name: string): HelmRelease | undefined {
    return this.history(namespace, name).at(-1);
  }

  /** Writes a release (create or replace), keeping the Secret's labels in step with its status. */
  save(namespace: string, release: HelmRelease): void {
    const name = `${PREFIX}.${release.name}.v${release.version}`;
    const now = String(Math.floor(this.#now().getTime() / 1000));
    const existing = this.#kube.get({ apiVersion: 'v1', kind: 'Secret', namespace, name });
    const labels: Record<string, string> = {
      ...(existing?.metadata.labels ?? { createdAt: now }),
      name: release.name,
      owner: 'helm',
      status: release.info.status,
      version: String(release.version),
      ...(existing ? { modifiedAt: now } : {}),
    };
    const secret: KubeObject = {
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'helm.sh/release.v1',
      metadata: { name, namespace, labels },
      data: { release: Buffer.from(encodeRelease(release)).toString('base64') },
    };
    if (existing) this.#kube.update(secret);
    else this.#kube.create(secret);
  }

  /** Deletes one stored version (missing is fine). */
  remove(namespace: string, name: string, version: number): void {
    try {
      this.#kube.delete({ apiVersion: 'v1', kind: 'Secret', namespace, name: `${PREFIX}.${name}.v${version}` });
    } catch (err) {
      if (!isApiError(err, 404)) throw err;
    }
  }

  /** Keeps at most `max` versions (Helm's `--history-max`; 0 keeps all), deleting the oldest. */
  trim(namespace: string, name: string, max: number): void {
    if (max <= 0) return;
    const all = this.history(namespace, name);
    for (const old of all.slice(0, Math.max(0, all.length - max))) this.remove(namespace, name, old.version);
  }
}
