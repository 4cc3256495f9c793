/**
 * Test support shared by the workload, kubelet and foundry tests: a registry holding the sandbox's model
 * artifacts, an in-process API server with the workload controllers and the kubelet running on it, and waits
 * on its watches (bounded by timeouts that only report).
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { OciClient } from '../../lib/oci/client.ts';
import { LogStore } from '../apiserver/logs.ts';
import { ApiServer } from '../apiserver/server.ts';
import { Faults } from '../faults/faults.ts';
import { SystemClock } from '../kube/clock.ts';
import type { CollectionRef, Kube, KubeObject } from '../kube/types.ts';
import { PodFiles } from '../kubelet/podfs.ts';
import { buildModelsTarGz, publishArtifact } from '../registry/artifacts.ts';
import { Registry } from '../registry/server.ts';
import { Workloads } from './index.ts';

/** The repository the foundry pod pulls from. */
export const MODELS_REPO = 'foundry-local-olive-models';

/** A registry under `dir/registry` holding MODELS_REPO:v0.1.0 and v0.2.0, built as the sandbox builds them. */
export async function registryWithModels(dir: string, faults: Faults): Promise<Registry> {
  const registry = new Registry({ root: path.join(dir, 'registry'), user: 'u', password: 'p', faults });
  await registry.start();
  const client = new OciClient({ registry: registry.host, plainHttp: true, username: 'u', password: 'p' });
  for (const tag of ['v0.1.0', 'v0.2.0']) {
    const file = path.join(dir, tag, 'models.tar.gz');
    await buildModelsTarGz(tag, file);
    await publishArtifact(client, `${MODELS_REPO}:${tag}`, file);
  }
  return registry;
}

export interface TestCluster {
  api: ApiServer;
  kube: Kube;
  workloads: Workloads;
  files: PodFiles;
  logs: LogStore;
  faults: Faults;
  clock: SystemClock;
  /** Stops the controllers and the server, then fails the test file if any background error was reported. */
  stop(): Promise<void>;
}

/**
 * An API server with the workloads running (pod trees under `dir/pods`) and `namespace` created. Time runs 50×
 * faster (time scale 0.02); `faults` is created unless given (a registry made first shares it).
 */
export async function startCluster(options: {
  dir: string;
  namespace: string;
  faults?: Faults;
  registryAliases?: Record<string, string>;
}): Promise<TestCluster> {
  const faults = options.faults ?? new Faults();
  const logs = new LogStore();
  const clock = new SystemClock({ timeScale: 0.02 });
  const errors: string[] = [];
  const files = new PodFiles(path.join(options.dir, 'pods'));
  const api = new ApiServer({ clock, logs, files });
  const workloads = new Workloads({
    kube: api.kube,
    clock,
    faults,
    logs,
    files,
    admission: api.admission,
    ...(options.registryAliases ? { registryAliases: options.registryAliases } : {}),
    onError: (component, error) => errors.push(`${component}: ${error instanceof Error ? error.stack : error}`),
  });
  await workloads.start();
  api.kube.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: options.namespace } });
  return {
    api,
    kube: api.kube,
    workloads,
    files,
    logs,
    faults,
    clock,
    async stop() {
      await workloads.stop();
      await api.stop();
      assert.deepEqual(errors, [], 'no background errors');
    },
  };
}

/** Resolves with the first object of the collection matching `predicate` (now or later). */
export function waitFor(
  kube: Kube,
  ref: CollectionRef,
  what: string,
  predicate: (o: KubeObject) => boolean,
  timeoutMs = 20_000,
): Promise<KubeObject> {
  return new Promise((resolve, reject) => {
    let last: KubeObject | undefined;
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`timed out waiting for ${what}; last seen: ${JSON.stringify(last?.status ?? null)}`));
    }, timeoutMs);
    const stop = kube.watch(ref, {}, (e) => {
      if (e.type === 'DELETED') return;
      last = e.object;
      if (!predicate(e.object)) return;
      clearTimeout(timer);
      queueMicrotask(stop);
      resolve(e.object);
    });
  });
}

/** Resolves once `check()` holds, evaluated now and after every event of the collection (deletions included). */
export function waitUntil(
  kube: Kube,
  ref: CollectionRef,
  what: string,
  check: () => boolean,
  timeoutMs = 20_000,
): Promise<void> {
  return new Promise((resolve, reject) => {
    if (check()) return resolve();
    const timer = setTimeout(() => {
      stop();
      reject(
        new Error(
          `timed out waiting for ${what}: ${kube
            .list(ref)
            .map((o) => o.metadata.name)
            .join(', ')}`,
        ),
      );
    }, timeoutMs);
    const stop = kube.watch(ref, {}, () => {
      if (!check()) return;
      clearTimeout(timer);
      queueMicrotask(stop);
      resolve();
    });
  });
}

/** Resolves once no object of the collection is left. */
export function waitGone(kube: Kube, ref: CollectionRef, what: string): Promise<void> {
  return waitUntil(kube, ref, `${what} to be gone`, () => kube.list(ref).length === 0);
}

/** Records every pod watch event of a namespace, in order. */
