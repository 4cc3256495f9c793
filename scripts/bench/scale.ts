/**
 * The twin at scale: its reaction times on an idle sandbox, then again with 1,000 extra tags in the models
 * repository and 200 other pods (pending: a node selector no node has, so every cluster event retries them),
 * measured through the sandbox's own API and journal rather than through the suite:
 *
 * - pod replaced: the foundry pod deleted → its replacement created (journal timestamps; ReplicaSet reaction);
 * - pod back Running: the old pod gone → the replacement Running (scheduler wake-up, kubelet start);
 * - manifest delete: `DELETE /v2/<repo>/manifests/<digest>` of a tag pushed for the purpose (client wall time);
 * - image scan: `reconcile.fluxcd.io/requestedAt` written on the ImageRepository (the journal entry of that write,
 *   by its resourceVersion) → the status write that reports it handled, from the journal (the scan lists every tag);
 * - kustomization: the same on the apps Kustomization (build, apply, health).
 *
 * Measured empty, loaded, then empty again after the load is removed, so a drift in the machine's speed over the
 * minutes of the run does not pass for an effect of the load.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'yaml';
import { EMPTY_CONFIG, EMPTY_CONFIG_BYTES, MEDIA_TYPES } from '../../lib/oci/manifest.ts';
import type { JournalEntry, K8sObject } from 'gitops-sandbox/testing/cluster-watch';
import { registryClient } from 'gitops-sandbox/testing/model-push';
import { PATHS, SandboxWorld } from 'gitops-sandbox/testing/sandbox-world';

const TIMEOUT_MS = 180_000;
const EXTRA_TAGS = 1000;
const OTHER_PODS = 200;

/** Median reaction times (ms) by figure. */
export type Reactions = Record<string, number>;

export interface ScaleFigures {
  empty: Reactions;
  loaded: Reactions;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

async function journalSince(world: SandboxWorld, ts: number): Promise<JournalEntry[]> {
  return (await world.cluster.journal()).filter((e) => e.ts >= ts);
}

/** Deletes the foundry pod; returns [delete → replacement created, old gone → replacement Running] from the journal. */
async function replacePod(world: SandboxWorld): Promise<[number, number]> {
  const old = await world.readyFoundryPod(TIMEOUT_MS);
  const started = Date.now();
  await world.shell.mustKubectl(['delete', 'pod', '-n', world.ns, old.metadata.name, '--wait=false']);
  const fresh = await world.readyFoundryPod(TIMEOUT_MS, [old.metadata.name]);
  const entries = (await journalSince(world, started - 1000)).filter(
    (e) => e.kind === 'Pod' && e.namespace === world.ns,
  );
  const deleting = entries.find((e) => e.name === old.metadata.name && e.deleting);
  const created = entries.find((e) => e.name === fresh.metadata.name && e.type === 'ADDED');
  const gone = entries.find((e) => e.name === old.metadata.name && e.type === 'DELETED');
  const running = entries.find((e) => e.name === fresh.metadata.name && e.phase === 'Running');
  if (!deleting || !created || !gone || !running)
    throw new Error(
      `journal lacks the pod replacement: ${JSON.stringify(entries.map((e) => [e.type, e.name, e.phase, e.deleting]))}`,
    );
  return [created.ts - deleting.ts, running.ts - gone.ts];
}

/** Pushes a tiny manifest under a fresh tag, then times deleting it. */
async function deleteManifest(world: SandboxWorld, round: number): Promise<number> {
  const client = registryClient(world.info);
  const repo = world.info.registry.repository;
  const config = await client.pushBlob(repo, EMPTY_CONFIG_BYTES, EMPTY_CONFIG.mediaType);
  const tag = `bench-delete-${round}-${Date.now()}`;
  // Its own bytes (the tag in an annotation): deleting it must not take the load's tags along.
  await client.pushManifest(repo, tag, {
    schemaVersion: 2,
    mediaType: MEDIA_TYPES.imageManifest,
    artifactType: 'application/vnd.bench.delete',
    config,
    layers: [],
    annotations: { tag },
  } as never);
  const digest = await client.resolve(repo, tag);
  const started = performance.now();
  await client.deleteManifest(repo, digest);
  return performance.now() - started;
}

/**
 * Asks Flux to reconcile `kind/name` now; returns the journal's time from the annotation's write to the status
 * write that reports it handled (kubectl's own start-up and the watch to this process are not the twin's).
 */
async function reconcileNow(
  world: SandboxWorld,
  kind: 'imagerepository' | 'kustomization',
  namespace: string,
  name: string,
  path: string,
): Promise<number> {
  const token = `${Date.now()}`;
  const started = Date.now();
  // The annotation's own write, by its resourceVersion: the objects' periodic passes (every 3s and 5s) write status
  // too, and "the first write since the command started" could be one of those, up to a second early.
  const annotatedRv = (
    await world.shell.mustKubectl([
      'annotate',
      '--overwrite',
      '-n',
      namespace,
      `${kind}/${name}`,
      `reconcile.fluxcd.io/requestedAt=${token}`,
      '-o',
      'jsonpath={.metadata.resourceVersion}',
    ])
  ).trim();
  const handled = await world.cluster.until(
    { path, what: `${kind} ${namespace}/${name} to handle ${token}`, timeoutMs: TIMEOUT_MS },
    (objects) => {
      const obj = objects.get(`${namespace}/${name}`);
      return obj?.status?.lastHandledReconcileAt === token ? obj : undefined;
    },
  );
  const entries = (await journalSince(world, started - 1000)).filter(
    (e) => e.namespace === namespace && e.name === name && e.kind.toLowerCase() === kind,
  );
  const annotated = entries.find((e) => e.resourceVersion === annotatedRv);
  const done = entries.find((e) => e.resourceVersion === handled.metadata.resourceVersion);
  if (!annotated || !done) throw new Error(`journal lacks ${kind} ${namespace}/${name} around ${token}`);
  return done.ts - annotated.ts;
}

async function reactions(world: SandboxWorld, rounds: number): Promise<Record<string, number[]>> {
  const samples: Record<string, number[]> = {};
  const add = (what: string, ms: number) => (samples[what] ??= []).push(ms);
  for (let round = 0; round < rounds; round++) {
    const [created, running] = await replacePod(world);
    add('pod deleted → replacement created', created);
    add('old pod gone → replacement Running', running);
    add('manifest delete (registry)', await deleteManifest(world, round));
    add(
      'image scan on request',
      await reconcileNow(
        world,
        'imagerepository',
        world.fluxNs,
        world.info.objects.imageRepository,
        PATHS.imageRepositories(world.fluxNs),
      ),
    );
    const kustomization = world.info.objects.kustomizations.at(-1)!;
    add(
      `kustomization ${kustomization} on request`,
      await reconcileNow(world, 'kustomization', world.ns, kustomization, PATHS.kustomizations(world.ns)),
    );
  }
  return samples;
}

/** 1,000 tags on one tiny manifest and 200 pending pods in their own namespace. */
async function addLoad(world: SandboxWorld): Promise<void> {
  const client = registryClient(world.info);
  const repo = world.info.registry.repository;
  const config = await client.pushBlob(repo, EMPTY_CONFIG_BYTES, EMPTY_CONFIG.mediaType);
  const raw = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.imageManifest,
      artifactType: 'application/vnd.bench.load',
      config,
      layers: [],
    }),
  );
  for (let i = 0; i < EXTRA_TAGS; i++)
    await client.pushManifest(repo, `load-${String(i).padStart(4, '0')}`, raw, MEDIA_TYPES.imageManifest);
  const pods: K8sObject[] = Array.from({ length: OTHER_PODS }, (_, i) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `other-${i}`, namespace: 'crowd' },
    spec: { nodeSelector: { 'bench.gitops-e2e/absent': 'true' }, containers: [{ name: 'c', image: 'busybox:1.36' }] },
  }));
  await world.shell.mustKubectl(['create', 'namespace', 'crowd']);
  const file = path.join(world.scratch, 'crowd.yaml');
  await writeFile(file, pods.map((pod) => stringify(pod)).join('---\n'));
  await world.shell.mustKubectl(['apply', '-f', file], 120_000);
}

/** Removes the load again: the one manifest behind the 1,000 tags, and the pods' namespace. */
async function removeLoad(world: SandboxWorld): Promise<void> {
  const client = registryClient(world.info);
  await client.deleteManifest(world.info.registry.repository, 'load-0000');
  await world.shell.mustKubectl(['delete', 'namespace', 'crowd', '--wait=true', '--timeout=120s'], 150_000);
}

/**
 * Starts a bootstrapped sandbox and measures it empty, loaded, and empty again once the load is gone (the
 * machine's speed drifts over minutes; the empty figure is the median over both empty phases).
 */
export async function benchScale(rounds: number, log: (line: string) => void): Promise<ScaleFigures> {
  const world = await SandboxWorld.start(['--bootstrap']);
  try {
    await world.initialDeploy(TIMEOUT_MS);
    log('scale: sandbox up, first deploy done; measuring empty');
    const before = await reactions(world, rounds);
    log(`scale: adding ${EXTRA_TAGS} tags and ${OTHER_PODS} pending pods`);
    await addLoad(world);
    log('scale: measuring loaded');
    const loaded = await reactions(world, rounds);
    log('scale: removing the load; measuring empty again');
    await removeLoad(world);
    const after = await reactions(world, rounds);
    const empty = Object.fromEntries(Object.keys(before).map((k) => [k, median([...before[k]!, ...after[k]!])]));
    return { empty, loaded: Object.fromEntries(Object.entries(loaded).map(([k, v]) => [k, median(v)])) };
  } finally {
    await world.stop();
  }
}
