/**
 * Event-driven waits on a cluster through @kubernetes/client-node watches: `until()` keeps the current set of
 * objects of one collection up to date from watch events and resolves as soon as a check passes, so no test
 * sleeps to synchronise. Also reads the sandbox API server's journal (`GET /sandbox/v1/journal`) with the
 * kubeconfig's own CA and token.
 */
import https from 'node:https';
import { KubeConfig, Watch } from '@kubernetes/client-node';
import type { JournalEntry } from '../../apiserver/journal.ts';
import type { KubeObject } from '../../kube/types.ts';

/** A Kubernetes object as the tests read it: the sandbox's own object type. */
export type K8sObject = KubeObject;

/** One change the journal recorded, as the API server writes it. */
export type { JournalEntry };

/** What `until()` checks: the objects by name; returns a value to finish, or undefined to keep waiting. */
export type Check<T> = (objects: ReadonlyMap<string, K8sObject>) => T | undefined;

/** Which collection to watch, what the wait is for (for its error message), and for how long. */
export interface WaitSpec {
  path: string;
  what: string;
  timeoutMs: number;
  /** Extra query parameters such as `labelSelector` or `fieldSelector`. */
  query?: Record<string, string>;
  /** Describes the objects in a timeout message; names, phases and Ready conditions by default. */
  describe?: (objects: ReadonlyMap<string, K8sObject>) => string;
}

/** Watches and reads one cluster given its kubeconfig file. */
export class ClusterWatch {
  readonly #kc = new KubeConfig();

  constructor(kubeconfig: string) {
    this.#kc.loadFromFile(kubeconfig);
  }

  /**
   * Watches the collection at `wait.path` (e.g. `/api/v1/namespaces/x/pods`) until `check` returns a value.
   * Rejects after `timeoutMs` with "<what>; last seen: <describe(objects)>", so a failure explains itself.
   */
  until<T>(wait: WaitSpec, check: Check<T>): Promise<T> {
    const { path, what, timeoutMs, query = {}, describe = summary } = wait;
    const objects = new Map<string, K8sObject>();
    const watch = new Watch(this.#kc);
    let finished = false;
    let controller: AbortController | undefined;
    return new Promise<T>((resolve, reject) => {
      const finish = (fn: () => void) => {
        if (finished) return;
        finished = true;
        clearTimeout(timer);
        controller?.abort();
        fn();
      };
      const timer = setTimeout(
        () =>
          finish(() =>
            reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last seen: ${describe(objects)}`)),
          ),
        timeoutMs,
      );
      const evaluate = () => {
        try {
          const value = check(objects);
          if (value !== undefined) finish(() => resolve(value));
        } catch (err) {
          finish(() => reject(err as Error));
        }
      };
      const start = () => {
        if (finished) return;
        // No resourceVersion: the server first sends the current objects as ADDED, then every change.
        objects.clear();
        watch
          .watch(
            path,
            { ...query, allowWatchBookmarks: false },
            (type: string, obj: K8sObject) => {
              if (type === 'ERROR' || type === 'BOOKMARK' || !obj?.metadata?.name) return;
              const key = obj.metadata.namespace ? `${obj.metadata.namespace}/${obj.metadata.name}` : obj.metadata.name;
              if (type === 'DELETED') objects.delete(key);
              else objects.set(key, obj);
              evaluate();
            },
            // The server closed the stream (timeout, 410): watch again from the current state.
            () => setImmediate(start),
          )
          .then(
            (c) => {
              controller = c;
              if (finished) c.abort();
              else evaluate();
            },
            (err: Error) => finish(() => reject(new Error(`watch ${path} failed: ${err.message}`))),
          );
      };
      start();
    });
  }

  /** The API server's journal of object changes, oldest first. */
  async journal(): Promise<JournalEntry[]> {
    const body = await this.getJson('/sandbox/v1/journal');
    return (body as { entries: JournalEntry[] }).entries;
  }

  /** GET of any API path, parsed as JSON; throws on a non-2xx answer. */
  async getJson(path: string): Promise<unknown> {
    const cluster = this.#kc.getCurrentCluster();
    if (!cluster) throw new Error('kubeconfig has no current cluster');
    const url = new URL(path, cluster.server);
    const options: https.RequestOptions = { method: 'GET', headers: { Accept: 'application/json' } };
    await this.#kc.applyToHTTPSOptions(options);
    return await new Promise((resolve, reject) => {
      const req = https.request(url, options, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if ((res.statusCode ?? 0) >= 300) reject(new Error(`GET ${path}: ${res.statusCode} ${text.slice(0, 300)}`));
          else resolve(JSON.parse(text));
        });
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end();
    });
  }
}

/** Default description of the watched objects: name, Ready condition and phase. */
export function summary(objects: ReadonlyMap<string, K8sObject>): string {
  if (objects.size === 0) return '(nothing)';
  return [...objects.values()]
    .map((o) => {
      const ready = (
        o.status?.conditions as Array<{ type: string; status: string; reason?: string; message?: string }> | undefined
      )?.find((c) => c.type === 'Ready');
      const phase = o.status?.phase ? ` phase=${o.status.phase}` : '';
      return `${o.metadata.name}${phase}${ready ? ` Ready=${ready.status} (${ready.reason}: ${ready.message})` : ''}`;
    })
    .join('; ');
}

/** The condition of `type` on an object, if any. */
export function condition(
  obj: K8sObject | undefined,
  type: string,
): { type: string; status: string; reason?: string; message?: string } | undefined {
  return (
    obj?.status?.conditions as Array<{ type: string; status: string; reason?: string; message?: string }> | undefined
  )?.find((c) => c.type === type);
}
