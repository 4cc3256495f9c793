/**
 * The Helm actions helm-controller runs (install, upgrade, rollback and uninstall remediation, unlock),
 * performed with the real `helm template` plus server-side apply, with Helm's release bookkeeping in
 * Secrets, Helm's `--wait` on Deployments, and helm-controller's conditions, counters, history snapshots
 * and events. The `helm-upgrade-fail` fault makes upgrades fail the way a rejected patch does.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as tar from 'tar';
import YAML from 'yaml';
import type { KubeObject } from '../../kube/types.ts';
import { Applier, applyOrder, inventoryEntry, type ChangeSetEntry } from './apply.ts';
import type { FluxContext } from './context.ts';
import { HelmCli } from './helm-cli.ts';
import { valuesDigest } from './helm-values.ts';
import { HelmStorage, type ChartMetadata, type HelmRelease, type HelmStatus } from './helm-storage.ts';
import { FluxError, type Pass } from './reconciler.ts';
import { RolloutWaiter } from './rollout.ts';

/** A chart artifact unpacked for rendering and for the release record. */
export interface LoadedChart {
  /** The packaged .tgz helm renders from. */
  archive: string;
  metadata: ChartMetadata;
  values: Record<string, unknown>;
  templates: Array<{ name: string; data: string }>;
}

/** Unpacks a packaged chart's metadata, default values and templates. */
export async function loadChart(archive: string, scratch: string): Promise<LoadedChart> {
  await tar.x({
    file: archive,
    cwd: scratch,
    strict: true,
    filter: (_p, e) => (e as { type?: string }).type === 'File' || (e as { type?: string }).type === 'Directory',
  });
  const [top] = (await readdir(scratch, { withFileTypes: true })).filter((e) => e.isDirectory());
  if (!top) throw new Error(`chart archive ${path.basename(archive)} is empty`);
  const dir = path.join(scratch, top.name);
  const metadata = YAML.parse(await readFile(path.join(dir, 'Chart.yaml'), 'utf8')) as ChartMetadata;
  const values = (YAML.parse(await readFile(path.join(dir, 'values.yaml'), 'utf8').catch(() => '')) ?? {}) as Record<
    string,
    unknown
  >;
  const templates: LoadedChart['templates'] = [];
  const walk = async (rel: string): Promise<void> => {
    for (const e of await readdir(path.join(dir, rel), { withFileTypes: true }).catch(() => [])) {
      const child = `${rel}/${e.name}`;
      if (e.isDirectory()) await walk(child);
      else templates.push({ name: child, data: (await readFile(path.join(dir, child))).toString('base64') });
    }
  };
  await walk('templates');
  return { archive, metadata, values, templates };
}

/** Everything an action needs about the release it works on. */
export interface ReleaseRequest {
  pass: Pass;
  chart: LoadedChart;
  values: Record<string, unknown>;
  configDigest: string;
  releaseName: string;
  releaseNamespace: string;
  storageNamespace: string;
  timeoutMs: number;
  wait: boolean;
  maxHistory: number;
  scratch: string;
}

/** helm-controller's summary of one stored release (`status.history[]`). */
export interface Snapshot {
  name: string;
  namespace: string;
  version: number;
  status: HelmStatus;
  chartName: string;
  chartVersion: string;
  appVersion?: string;
  configDigest: string;
  digest: string;
  firstDeployed: string;
  lastDeployed: string;
  deleted?: string;
}

const fullName = (r: { namespace: string; name: string; version: number }) => `${r.namespace}/${r.name}.v${r.version}`;
const chartRef = (m: { name: string; version: string }) => `${m.name}@${m.version}`;

/** Runs Helm actions for HelmRelease passes. */
export class ReleaseActions {
  readonly #ctx: FluxContext;
  readonly #helm: HelmCli;
  readonly #applier: Applier;
  readonly #waiter: RolloutWaiter;
  readonly storage: HelmStorage;
  #abort = new AbortController();

  constructor(ctx: FluxContext) {
    this.#ctx = ctx;
    this.#helm = new HelmCli(ctx.tools);
    this.#applier = new Applier(ctx.kube);
    this.#waiter = new RolloutWaiter(ctx.kube, ctx.clock);
    this.storage = new HelmStorage(ctx.kube, () => ctx.clock.now());
  }

  /** Cuts running waits short (controller stopping or "crashing"). */
  abort(): void {
    this.#abort.abort();
    this.#abort = new AbortController();
  }

  async install(req: ReleaseRequest): Promise<void> {
    const { pass } = req;
    pass.status.lastAttemptedReleaseAction = 'install';
    pass.conditions.delete('TestSuccess', 'Remediated');
    const latest = this.storage.latest(req.storageNamespace, req.releaseName);
    if (
      pass.spec.install?.createNamespace &&
      !this.#ctx.kube.get({ apiVersion: 'v1', kind: 'Namespace', name: req.releaseNamespace })
    ) {
      this.#ctx.kube.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: req.releaseNamespace } });
    }
    await this.#release(req, {
      action: 'install',
      version: (latest?.version ?? 0) + 1,
      pending: 'pending-install',
      firstDeployed: undefined,
      previousManifest: latest?.manifest ?? '',
      successDescription: 'Install complete',
      failureDescription: (e) => `Release "${req.releaseName}" failed: ${e}`,
    });
  }

  async upgrade(req: ReleaseRequest): Promise<void> {
    const { pass } = req;
    pass.status.lastAttemptedReleaseAction = 'upgrade';
    pass.conditions.delete('TestSuccess', 'Remediated');
    const latest = this.storage.latest(req.storageNamespace, req.releaseName);
    await this.#release(req, {
      action: 'upgrade',
      version: (latest?.version ?? 0) + 1,
      pending: 'pending-upgrade',
      firstDeployed: latest?.info.first_deployed,
      previousManifest: latest?.manifest ?? '',
      successDescription: 'Upgrade complete',
      failureDescription: (e) => `Upgrade "${req.releaseName}" failed: ${e}`,
    });
  }

  /** Rolls back to `target` (a previous version), as a new release version. */
  async rollback(req: ReleaseRequest, target: number): Promise<void> {
    const { pass } = req;
    const all = this.storage.history(req.storageNamespace, req.releaseName);
    const prev = all.find((r) => r.version === target);
    const current = all.at(-1);
    if (!prev || !current) throw new Error(`missing target release for rollback: release: not found`);
    const now = this.#ctx.clock.now().toISOString();
    const rel: HelmRelease = {
      ...structuredClone(prev),
      version: current.version + 1,
      info: {
        first_deployed: prev.info.first_deployed,
        last_deployed: now,
        deleted: '',
        description: `Rollback to ${prev.version}`,
        status: 'pending-rollback',
      },
    };
    this.#save(req, rel);
    const prevName = fullName(prev);
    try {
      await this.#deploy(req, rel.manifest, current.manifest);
      rel.info.status = 'deployed';
      this.#save(req, rel);
      this.#supersedeOthers(req, rel.version);
      const msg = `Helm rollback to previous release ${prevName} with chart ${chartRef(prev.chart.metadata)} succeeded`;
      pass.conditions.markTrue('Remediated', 'RollbackSucceeded', msg);
      pass.event('Normal', 'RollbackSucceeded', msg);
    } catch (err) {
      rel.info.status = 'failed';
      rel.info.description = `Rollback "${req.releaseName}" failed: ${(err as Error).message}`;
      this.#save(req, rel);
      const msg = `Helm rollback to previous release ${prevName} with chart ${chartRef(prev.chart.metadata)} failed: ${(err as Error).message}`;
      pass.status.failures = (pass.status.failures ?? 0) + 1;
      pass.conditions.markFalse('Remediated', 'RollbackFailed', msg);
      pass.event('Warning', 'RollbackFailed', msg);
    }
    this.storage.trim(req.storageNamespace, req.releaseName, req.maxHistory);
  }

  /** Uninstall remediation (or deletion): removes the objects and every stored version. */
  async uninstall(
    req: ReleaseRequest | Omit<ReleaseRequest, 'chart' | 'values' | 'configDigest'>,
    remediation = true,
  ): Promise<void> {
    const all = this.storage.history(req.storageNamespace, req.releaseName);
    const current = all.at(-1);
    if (!current) return;
    const objects = this.#applier.prepare(parseManifest(current.manifest), { namespace: req.releaseNamespace });
    this.#applier.prune(objects.map(inventoryEntry), []);
    for (const r of all) this.storage.remove(req.storageNamespace, req.releaseName, r.version);
    const now = this.#ctx.clock.nowRfc3339();
    req.pass.status.history = ((req.pass.status.history ?? []) as Snapshot[]).map((s) =>
      s.version === current.version ? { ...s, status: 'uninstalled', deleted: now } : s,
    );
    if (remediation) {
      const msg = `Helm uninstall remediation for release ${fullName(current)} with chart ${chartRef(current.chart.metadata)} succeeded`;
      req.pass.conditions.markTrue('Remediated', 'UninstallSucceeded', msg);
      req.pass.event('Normal', 'UninstallSucceeded', msg);
    }
  }

  /** Marks a release stuck in a pending state as failed, so it can be remediated. */
  unlock(req: ReleaseRequest): void {
    const latest = this.storage.latest(req.storageNamespace, req.releaseName);
    if (!latest) return;
    const was = latest.info.status;
    latest.info.status = 'failed';
    latest.info.description = `Release unlocked from stale '${was}' state`;
    this.#save(req, latest);
    const msg = `Unlocked Helm release ${fullName(latest)} with chart ${chartRef(latest.chart.metadata)} in '${was}' state`;
    req.pass.conditions.markFalse('Released', 'PendingRelease', msg);
    req.pass.event('Normal', 'PendingRelease', msg);
  }

  /** Objects of the latest stored release, as inventory entries (HelmRelease `status.inventory` on 2.7+). */
  inventory(
    req: Pick<ReleaseRequest, 'storageNamespace' | 'releaseName' | 'releaseNamespace'>,
  ): Array<{ id: string; v: string }> {
    const latest = this.storage.latest(req.storageNamespace, req.releaseName);
    if (!latest) return [];
    return this.#applier
      .prepare(parseManifest(latest.manifest), { namespace: req.releaseNamespace })
      .map(inventoryEntry)
      .sort((a, b) => a.id.localeCompare(b.id));
  }

  async #release(
    req: ReleaseRequest,
    how: {
      action: 'install' | 'upgrade';
      version: number;
      pending: HelmStatus;
      firstDeployed?: string;
      previousManifest: string;
      successDescription: string;
      failureDescription: (error: string) => string;
    },
  ): Promise<void> {
    const { pass, chart } = req;
    const Action = how.action === 'install' ? 'Install' : 'Upgrade';
    let manifest: string;
    try {
      manifest = await this.#render(req);
    } catch (err) {
      // Nothing was stored: not counted as a release failure, retried with back-off.
      const msg = `Helm ${how.action} failed for release ${req.releaseNamespace}/${req.releaseName} with chart ${chartRef(chart.metadata)}: ${(err as Error).message}`;
      pass.conditions.markFalse('Released', `${Action}Failed`, msg);
      throw new FluxError(`${Action}Failed`, msg);
    }
    const now = this.#ctx.clock.now().toISOString();
    const rel: HelmRelease = {
      name: req.releaseName,
      namespace: req.releaseNamespace,
      version: how.version,
      info: {
        first_deployed: how.firstDeployed ?? now,
        last_deployed: now,
        deleted: '',
        description: `Initial ${how.action}`,
        status: how.pending,
      },
      chart: {
        metadata: chart.metadata,
        lock: null,
        templates: chart.templates,
        values: chart.values,
        schema: null,
        files: [],
      },
      config: req.values,
      manifest,
    };
    this.#save(req, rel);
    try {
      if (how.action === 'upgrade' && this.#ctx.faults.active('helm-upgrade-fail')) throw upgradeRejected(manifest);
      await this.#deploy(req, manifest, how.previousManifest);
      rel.info.status = 'deployed';
      rel.info.description = how.successDescription;
      this.#save(req, rel);
      this.#supersedeOthers(req, rel.version);
      const msg = `Helm ${how.action} succeeded for release ${fullName(rel)} with chart ${chartRef(chart.metadata)}`;
      pass.conditions.markTrue('Released', `${Action}Succeeded`, msg);
      pass.event('Normal', `${Action}Succeeded`, msg);
      pass.log(msg);
    } catch (err) {
      const error = (err as Error).message;
      rel.info.status = 'failed';
      rel.info.description = how.failureDescription(error);
      this.#save(req, rel);
      const msg = `Helm ${how.action} failed for release ${req.releaseNamespace}/${req.releaseName} with chart ${chartRef(chart.metadata)}: ${error}`;
      pass.status.failures = (pass.status.failures ?? 0) + 1;
      const counter = how.action === 'install' ? 'installFailures' : 'upgradeFailures';
      pass.status[counter] = (pass.status[counter] ?? 0) + 1;
      pass.conditions.markFalse('Released', `${Action}Failed`, msg);
      pass.event('Warning', `${Action}Failed`, msg);
      pass.logError(`${how.action} failed`, error);
    }
    this.storage.trim(req.storageNamespace, req.releaseName, req.maxHistory);
  }

  async #render(req: ReleaseRequest): Promise<string> {
    const valuesFile = path.join(req.scratch, 'values.yaml');
    // JSON, not YAML: Helm reads values as YAML 1.1, where unquoted keys such as `n` or `on` are booleans.
    await writeFile(valuesFile, JSON.stringify(req.values));
    const out = await this.#helm.template(req.releaseName, req.chart.archive, req.releaseNamespace, valuesFile, {
      kubeVersion: '1.32.0',
    });
    // Hooks are not part of the release manifest (and the sandbox runs none).
    return splitDocuments(out)
      .filter((doc) => !(YAML.parse(doc) as KubeObject | null)?.metadata?.annotations?.['helm.sh/hook'])
      .map((doc) => `---\n${doc.trim()}\n`)
      .join('');
  }

  /** Applies the manifest, deletes what the previous manifest had and this one lacks, then waits. */
  async #deploy(req: ReleaseRequest, manifest: string, previousManifest: string): Promise<ChangeSetEntry[]> {
    const owner = req.pass;
    const objects = this.#applier.prepare(parseManifest(manifest), {
      namespace: req.releaseNamespace,
      labels: {
        'app.kubernetes.io/managed-by': 'Helm',
        'helm.toolkit.fluxcd.io/name': owner.name,
        'helm.toolkit.fluxcd.io/namespace': owner.namespace,
      },
      annotations: {
        'meta.helm.sh/release-name': req.releaseName,
        'meta.helm.sh/release-namespace': req.releaseNamespace,
      },
    });
    const changes = this.#applier.apply(objects, 'helm-controller');
    const previous = this.#applier
      .prepare(parseManifest(previousManifest), { namespace: req.releaseNamespace })
      .map(inventoryEntry);
    changes.push(...this.#applier.prune(previous, objects.map(inventoryEntry)));
    if (req.wait) {
      const refs = objects.map((o) => ({
        apiVersion: o.apiVersion,
        kind: o.kind,
        name: o.metadata.name,
        namespace: o.metadata.namespace,
      }));
      const result = await this.#waiter.wait(refs, req.timeoutMs, this.#abort.signal);
      if (!result.ready) throw new Error('context deadline exceeded');
    }
    return changes;
  }

  #save(req: ReleaseRequest, rel: HelmRelease): void {
    this.storage.save(req.storageNamespace, rel);
    recordSnapshot(req.pass, rel, req.configDigest);
  }

  #supersedeOthers(req: ReleaseRequest, keep: number): void {
    for (const r of this.storage.history(req.storageNamespace, req.releaseName)) {
      if (r.version !== keep && r.info.status === 'deployed') {
        r.info.status = 'superseded';
        this.storage.save(req.storageNamespace, r);
        updateSnapshotStatus(req.pass, r);
      }
    }
  }
}

/** Splits `helm template` output into documents (without the `---` separators). */
function splitDocuments(text: string): string[] {
  return text
    .split(/^---\s*$/m)
    .map((d) => d.trim())
    .filter((d) => d.split('\n').some((l) => l.trim() !== '' && !l.trim().startsWith('#')));
}

/** Objects of a release manifest, in apply order. */
export function parseManifest(manifest: string): KubeObject[] {
  return applyOrder(
    splitDocuments(manifest)
      .map((d) => YAML.parse(d) as KubeObject | null)
      .filter((o): o is KubeObject => o !== null && typeof o === 'object' && typeof o.kind === 'string'),
  );
}

/** The error a rejected upgrade produces (names the first workload of the manifest, like Helm does). */
function upgradeRejected(manifest: string): Error {
  const target = parseManifest(manifest).find((o) => o.kind === 'Deployment') ?? parseManifest(manifest)[0];
  const what = target ? `cannot patch "${target.metadata.name}" with kind ${target.kind}: ` : '';
  return new Error(
    `${what}Internal error occurred: failed calling webhook "validate.policy.sandbox.io": failed to call webhook: the server is currently unable to handle the request`,
  );
}

/** Upserts the snapshot of a stored release into `status.history`, newest version first. */
function recordSnapshot(pass: Pass, rel: HelmRelease, configDigest: string): void {
  const history = ((pass.status.history ?? []) as Snapshot[]).filter(
    (s) => !(s.version === rel.version && s.name === rel.name),
  );
  const previous = ((pass.status.history ?? []) as Snapshot[]).find(
    (s) => s.version === rel.version && s.name === rel.name,
  );
  const snapshot: Snapshot = {
    appVersion: rel.chart.metadata.appVersion,
    chartName: rel.chart.metadata.name,
    chartVersion: rel.chart.metadata.version,
    configDigest: previous?.configDigest ?? configDigestOf(rel, configDigest),
    digest: `sha256:${createHash('sha256').update(JSON.stringify(rel)).digest('hex')}`,
    firstDeployed: toRfc3339(rel.info.first_deployed),
    lastDeployed: toRfc3339(rel.info.last_deployed),
    name: rel.name,
    namespace: rel.namespace,
    status: rel.info.status,
    version: rel.version,
  };
  if (snapshot.appVersion === undefined) delete snapshot.appVersion;
  pass.status.history = [snapshot, ...history].sort((a, b) => b.version - a.version);
}

/** A rollback release carries the old values: its digest is the one of the release it copies. */
function configDigestOf(rel: HelmRelease, desired: string): string {
  return rel.info.description.startsWith('Rollback to ') ? valuesDigest(rel.config) : desired;
}

function updateSnapshotStatus(pass: Pass, rel: HelmRelease): void {
  pass.status.history = ((pass.status.history ?? []) as Snapshot[]).map((s) =>
    s.version === rel.version && s.name === rel.name ? { ...s, status: rel.info.status } : s,
  );
}

/** metav1.Time has second precision. */
function toRfc3339(iso: string): string {
  return iso.replace(/\.\d+Z$/, 'Z');
}
