/**
 * The one sandbox API server a conformance file talks to: started in `before`, stopped in `after`, with its own
 * temp dir holding the kubeconfig, per-client discovery caches, a HOME, and the pod file trees. The server gets
 * a LogStore and PodFiles of our own so tests can write container logs and files for `logs` and `exec`.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ApiServer } from '../../apiserver/server.ts';
import { LogStore } from '../../apiserver/logs.ts';
import { PodFiles } from '../../kubelet/podfs.ts';
import type { KubectlClient } from './kubectl-clients.ts';
import { KubectlRunner } from './kubectl-runner.ts';

/** A started ApiServer plus everything a real client needs to reach it. */
export class ConformanceCluster {
  readonly logs = new LogStore();
  #api?: ApiServer;
  #files?: PodFiles;
  #dir?: string;
  #stopped = false;

  /** What `start()` made; throws before it. */
  #started(): { api: ApiServer; files: PodFiles; dir: string } {
    if (!this.#api || !this.#files || !this.#dir) throw new Error('ConformanceCluster not started');
    return { api: this.#api, files: this.#files, dir: this.#dir };
  }

  /** The server. */
  get api(): ApiServer {
    return this.#started().api;
  }

  /** Pod file trees served to `exec`. */
  get files(): PodFiles {
    return this.#started().files;
  }

  /** The temp dir of this run. */
  get dir(): string {
    return this.#started().dir;
  }

  /** The kubeconfig file kubectl is pointed at. */
  get kubeconfigPath(): string {
    return path.join(this.dir, 'kubeconfig');
  }

  /** Creates the temp dir, starts the server on 127.0.0.1:0 and writes the kubeconfig. */
  async start(): Promise<void> {
    if (this.#api) return;
    this.#dir = await mkdtemp(path.join(tmpdir(), 'conformance-'));
    this.#files = new PodFiles(path.join(this.#dir, 'pods'));
    this.#api = new ApiServer({ flux: '2.9', logs: this.logs, files: this.#files });
    await this.#api.start();
    await mkdir(path.join(this.#dir, 'home'), { recursive: true });
    await writeFile(this.kubeconfigPath, this.#api.kubeconfig(), { mode: 0o600 });
  }

  /** A runner for one kubectl client, with a discovery cache of its own. */
  async kubectl(client: KubectlClient): Promise<KubectlRunner> {
    const binary = await client.locate();
    return new KubectlRunner({
      binary,
      kubeconfig: this.kubeconfigPath,
      cacheDir: path.join(this.dir, `cache-${client.id}`),
      home: path.join(this.dir, 'home'),
    });
  }

  /** Writes a file under the run's temp dir (manifests for `-f`) and answers its path. */
  async writeFile(name: string, text: string): Promise<string> {
    const file = path.join(this.dir, name);
    await writeFile(file, text);
    return file;
  }

  /** Stops the server and removes the temp dir; safe to call twice or before start. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    await this.#api?.stop();
    if (this.#dir) await rm(this.#dir, { recursive: true, force: true });
  }
}
