/**
 * Watch-storm memory bench for the sandbox API server: creates, updates and deletes objects as fast as a
 * steady batch loop allows while several watchers (in-process and HTTPS, long-lived and churning) follow
 * them, and prints RSS/heap every 30 s. Memory must level off: the watch history ring and the journal are
 * bounded and finished watchers are removed.
 *
 *   node --import tsx scripts/bench-watch-storm.ts [minutes=10] [--interval-s=30]
 */
import { request } from 'node:https';
import { ApiServer } from 'gitops-sandbox/apiserver';

const minutes = Number(process.argv.find((a) => /^\d+(\.\d+)?$/.test(a)) ?? 10);
const intervalS = Number(process.argv.find((a) => a.startsWith('--interval-s='))?.split('=')[1] ?? 30);
const NS = 'storm';
const MiB = 1024 * 1024;

/** Opens an HTTPS watch and counts its events until `close()`; re-opens when the server ends it. */
function httpWatcher(api: ApiServer, path: string, counter: { events: number }): () => void {
  let closed = false;
  let current: ReturnType<typeof request> | undefined;
  const open = () => {
    if (closed) return;
    current = request(
      new URL(path, api.url),
      { headers: { Authorization: `Bearer ${api.token}` }, ca: api.caPem },
      (res) => {
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          for (const ch of chunk) if (ch === '\n') counter.events++;
        });
        res.on('end', () => setImmediate(open));
        res.on('error', () => undefined);
      },
    );
    current.on('error', () => undefined);
    current.end();
  };
  open();
  return () => {
    closed = true;
    current?.destroy();
  };
}

async function main(): Promise<void> {
  const api = new ApiServer({ bookmarkIntervalMs: 5_000 });
  await api.start();
  const kube = api.kube;
  kube.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
  const counter = { events: 0 };
  const stops: Array<() => void> = [];
  // Long-lived watchers: three in process, three over HTTPS (one with bookmarks, one with a selector).
  for (const kind of ['ConfigMap', 'Secret']) {
    stops.push(kube.watch({ apiVersion: 'v1', kind, namespace: NS }, {}, () => void counter.events++));
  }
  stops.push(
    kube.watch(
      { apiVersion: 'apps/v1', kind: 'Deployment' },
      { labelSelector: 'tier=web' },
      () => void counter.events++,
    ),
  );
  stops.push(httpWatcher(api, `/api/v1/namespaces/${NS}/configmaps?watch=1`, counter));
  stops.push(
    httpWatcher(
      api,
      `/api/v1/namespaces/${NS}/configmaps?watch=1&allowWatchBookmarks=true&labelSelector=n%3D1`,
      counter,
    ),
  );
  stops.push(httpWatcher(api, `/apis/apps/v1/deployments?watch=1&timeoutSeconds=20`, counter));

  let ops = 0;
  let churned = 0;
  let i = 0;
  const started = Date.now();
  const deadline = started + minutes * 60_000;
  const labels = { app: 'web', tier: 'web' };
  const report = () => {
    const m = process.memoryUsage();
    const s = Math.round((Date.now() - started) / 1000);
    console.log(
      `t=${String(s).padStart(4)}s rss=${(m.rss / MiB).toFixed(1)}MiB heapUsed=${(m.heapUsed / MiB).toFixed(1)}MiB ` +
        `ops=${ops} events=${counter.events} subscribers=${api.store.hub.subscriberCount} ring=${api.store.hub.historySize} ` +
        `journal=${api.journal.entries().length} churnedWatchers=${churned} rv=${api.store.currentRv}`,
    );
  };
  report();
  const timer = setInterval(report, intervalS * 1000);

  while (Date.now() < deadline) {
    // One batch: a burst of writes, then yield so watchers and sockets drain.
    for (let b = 0; b < 25; b++, i++) {
      const n = i % 200;
      const name = `cm-${n}`;
      const ref = { apiVersion: 'v1', kind: 'ConfigMap', namespace: NS, name };
      if (kube.get(ref)) {
        if (i % 3 === 0) kube.delete(ref);
        else kube.patch(ref, { data: { v: String(i), blob: 'x'.repeat(512) } }, 'merge');
      } else {
        kube.create({
          ...ref,
          metadata: { name, namespace: NS, labels: { n: String(n % 2) } },
          data: { v: String(i) },
        });
      }
      ops++;
      if (i % 10 === 0) {
        const dref = { apiVersion: 'apps/v1', kind: 'Deployment', namespace: NS, name: `web-${n % 20}` };
        if (kube.get(dref)) kube.patch(dref, { spec: { replicas: i % 5 } }, 'merge');
        else {
          kube.create({
            ...dref,
            metadata: { name: dref.name, namespace: NS, labels },
            spec: {
              selector: { matchLabels: labels },
              template: { metadata: { labels }, spec: { containers: [{ name: 'c', image: 'nginx:1' }] } },
            },
          });
        }
        ops++;
      }
    }
    // Short-lived watchers come and go; they must not accumulate.
    if (i % 500 === 0) {
      const stop = kube.watch({ apiVersion: 'v1', kind: 'ConfigMap', namespace: NS }, {}, () => undefined);
      setTimeout(stop, 200);
      const stopHttp = httpWatcher(
        api,
        `/api/v1/namespaces/${NS}/configmaps?watch=1&resourceVersion=${api.store.currentRv}`,
        { events: 0 },
      );
      setTimeout(stopHttp, 300);
      churned += 2;
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  clearInterval(timer);
  report();
  for (const stop of stops) stop();
  await api.stop();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
