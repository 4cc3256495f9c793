/**
 * Test support shared by the workload, kubelet and foundry tests: a registry holding the sandbox's model
 * artifacts, and an in-process API server with the workload controllers and the kubelet running on it.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { OciClient } from '../../lib/oci/client.ts';
import { LogStore } from '../apiserver/logs.ts';
import { ApiServer } from '../apiserver/server.ts';
import { Faults } from '../faults/faults.ts';
import { SystemClock } from '../kube/clock.ts';
import type { Kube } from '../kube/types.ts';
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
export async function startCluster(options: { dir: string; namespace: string; faults?: Faults; registryAliases?: Record<string, string> }): Promise<TestCluster> {
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
