/**
 * source-controller's HelmChart reconciler for charts in a GitRepository: take the source artifact,
 * `helm package` the chart directory (optionally merging `valuesFiles`), and store the .tgz as the
 * artifact. The revision is the chart version (`ChartVersion` strategy) or `<version>+<sha[:12]>`
 * (`Revision` strategy) — which is why, like real Flux, a template change without a version bump does not
 * upgrade a release under the default strategy.
 */
import { mkdtemp, mkdir, readFile, rm, writeFile, cp } from 'node:fs/promises';
import path from 'node:path';
import YAML from 'yaml';
import type { Controller, ReconcileResult } from '../manager.ts';
import type { FluxContext } from './context.ts';
import { durationMs } from './duration.ts';
import { HelmCli } from './helm-cli.ts';
import { mergeValues } from './helm-values.ts';
import { FluxError, FluxReconciler, watchReferrers, type Pass } from './reconciler.ts';

/** Reconciles HelmChart objects whose source is a GitRepository. */
export class HelmChartReconciler extends FluxReconciler {
  readonly #helm: HelmCli;

  constructor(ctx: FluxContext) {
    super(ctx, 'HelmChart', 'source-controller');
    this.#helm = new HelmCli(ctx.tools);
  }

  watches(controller: Controller): void {
    watchReferrers(
      controller,
      this.ctx,
      'HelmChart',
      'GitRepository',
      (prev, next) =>
        prev?.status?.artifact?.revision !== next.status?.artifact?.revision ||
        prev?.status?.artifact?.digest !== next.status?.artifact?.digest,
      (c, repo) =>
        c.metadata.namespace === repo.metadata.namespace &&
        c.spec?.sourceRef?.kind === 'GitRepository' &&
        c.spec?.sourceRef?.name === repo.metadata.name,
    );
  }

  async reconcile(pass: Pass): Promise<ReconcileResult> {
    const { spec, status, conditions } = pass;
    const interval = durationMs(spec.interval, 60_000);
    pass.progressingOnNewGeneration();
    const source = this.#source(pass);
    const sourceArtifact = source.status.artifact as { path: string; revision: string };
    const strategy = spec.reconcileStrategy ?? 'ChartVersion';
    const valuesFiles: string[] = spec.valuesFiles ?? (spec.valuesFile ? [spec.valuesFile] : []);

    await mkdir(path.join(this.ctx.stateDir, 'tmp'), { recursive: true });
    const tmp = await mkdtemp(path.join(this.ctx.stateDir, 'tmp', 'helmchart-'));
    try {
      const src = path.join(tmp, 'src');
      await this.ctx.storage.extract(sourceArtifact.path, src);
      const chartDir = path.resolve(src, spec.chart ?? '.');
      if (!chartDir.startsWith(src)) throw this.#buildFailed(conditions, `path '${spec.chart}' escapes the source`);
      const chartYaml = await readFile(path.join(chartDir, 'Chart.yaml'), 'utf8').catch(() => undefined);
      if (chartYaml === undefined) {
        throw this.#buildFailed(conditions, `failed to load chart: Chart.yaml file is missing in '${spec.chart}'`);
      }
      const meta = YAML.parse(chartYaml) as { name: string; version: string };
      const sha = /sha1:([0-9a-f]{12})/.exec(sourceArtifact.revision)?.[1];
      const version = strategy === 'Revision' && sha ? `${meta.version}+${sha}` : meta.version;

      const current = status.artifact as { revision?: string; path?: string } | undefined;
      const upToDate =
        current?.revision === version &&
        status.observedSourceArtifactRevision === sourceArtifact.revision &&
        JSON.stringify(status.observedValuesFiles ?? []) === JSON.stringify(valuesFiles) &&
        status.observedChartName === meta.name &&
        current.path !== undefined &&
        (await this.ctx.storage.exists(current.path));
      const message = `packaged '${meta.name}' chart with version '${version}'`;
      if (!upToDate) {
        if (current)
          conditions.markTrue('ArtifactOutdated', 'NewChart', `pulled '${meta.name}' chart with version '${version}'`);
        pass.progressing(
          `building artifact: ${conditions.get('ArtifactOutdated')?.message ?? `new chart '${meta.name}'`}`,
        );
        const buildDir = path.join(tmp, 'chart', meta.name);
        await cp(chartDir, buildDir, { recursive: true });
        if (valuesFiles.length > 0) await this.#mergeValuesFiles(conditions, src, buildDir, valuesFiles);
        let packaged: string;
        try {
          packaged = await this.#helm.package(
            buildDir,
            path.join(tmp, 'out'),
            version === meta.version ? undefined : version,
          );
        } catch (err) {
          throw this.#buildFailed(conditions, `chart package error: ${(err as Error).message}`);
        }
        const rel = this.ctx.storage.relPath('helmchart', pass.namespace, pass.name, `${meta.name}-${version}.tgz`);
        const { digest, size } = await this.ctx.storage.store(packaged, rel);
        status.artifact = {
          digest,
          lastUpdateTime: this.ctx.clock.nowRfc3339(),
          path: rel,
          revision: version,
          size,
          url: this.ctx.storage.url(rel),
        };
        await this.ctx.storage.prune('helmchart', pass.namespace, pass.name, [rel]);
        pass.event('Normal', 'ChartPackageSucceeded', message);
        pass.log(message);
      }
      status.observedChartName = meta.name;
      status.observedSourceArtifactRevision = sourceArtifact.revision;
      if (valuesFiles.length > 0) status.observedValuesFiles = valuesFiles;
      else delete status.observedValuesFiles;
      conditions.delete('FetchFailed', 'BuildFailed', 'ArtifactOutdated');
      conditions.markTrue('ArtifactInStorage', 'ChartPackageSucceeded', message);
      conditions.markTrue('Ready', 'ChartPackageSucceeded', message);
      return { requeueAfterMs: interval };
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  }

  async finalize(pass: Pass): Promise<void> {
    await this.ctx.storage.prune('helmchart', pass.namespace, pass.name, []);
  }

  #source(pass: Pass) {
    const ref = pass.spec.sourceRef ?? {};
    if (ref.kind !== 'GitRepository') {
      const message = `source kind '${ref.kind}' is not supported by the sandbox (use GitRepository)`;
      pass.conditions.markStalled('UnsupportedSourceKind', message);
      throw new FluxError('UnsupportedSourceKind', message);
    }
    const source = this.ctx.kube.get(this.ctx.apis.ref('GitRepository', pass.namespace, ref.name));
    if (!source) {
      const message = `failed to get source: gitrepositories.source.toolkit.fluxcd.io "${ref.name}" not found`;
      pass.conditions.markTrue('FetchFailed', 'SourceUnavailable', message);
      throw new FluxError('SourceUnavailable', message);
    }
    if (!source.status?.artifact) {
      const message = `no artifact available for GitRepository source '${ref.name}'`;
      pass.conditions.markTrue('FetchFailed', 'NoSourceArtifact', message);
      throw new FluxError('NoSourceArtifact', message);
    }
    return source;
  }

  async #mergeValuesFiles(
    conditions: Pass['conditions'],
    src: string,
    chartDir: string,
    files: string[],
  ): Promise<void> {
    let merged: Record<string, unknown> = {};
    for (const file of files) {
      const full = path.resolve(chartDir, file);
      const fromRoot = path.resolve(src, file);
      const text =
        (await readFile(full, 'utf8').catch(() => undefined)) ??
        (await readFile(fromRoot, 'utf8').catch(() => undefined));
      if (text === undefined)
        throw this.#buildFailed(conditions, `values files merge error: no values file found at path '${file}'`);
      merged = mergeValues(merged, (YAML.parse(text) ?? {}) as Record<string, unknown>);
    }
    await writeFile(path.join(chartDir, 'values.yaml'), YAML.stringify(merged));
  }

  #buildFailed(conditions: Pass['conditions'], message: string): FluxError {
    conditions.markTrue('BuildFailed', 'ChartPackageError', message);
    return new FluxError('ChartPackageError', message);
  }
}
