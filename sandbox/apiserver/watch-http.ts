/**
 * Watches over HTTP: status 200, headers flushed at once, then one JSON event per line. Implements the
 * resourceVersion rules (unset/0: synthetic ADDED for the current state; N: replay after N or an ERROR
 * `Expired` event), WatchList (`sendInitialEvents=true`, then a BOOKMARK annotated
 * `k8s.io/initial-events-end`), periodic bookmarks, `timeoutSeconds`, and Table events for `kubectl get -w`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock } from '../kube/clock.ts';
import { ApiError, type KubeObject, type WatchEventType } from '../kube/types.ts';
import { queryBool, queryInt } from './query-values.ts';
import { apiVersionOf, storageKey, type Resolved } from './resources.ts';
import { badRequest, failure } from './status.ts';
import { compileSelectors, type Store } from './store.ts';
import { buildTable } from './tables.ts';
import { ExpiredError, type Delivery } from './watch.ts';

/** How watch events render their objects: plain, or as one-row Tables. */
export type WatchRender = { table: false } | { table: true; includeObject: 'None' | 'Metadata' | 'Object' };

export interface WatchStreamsOptions {
  clock: Clock;
  /** Interval between BOOKMARK events when the client allows them. Default 60 s. */
  bookmarkIntervalMs?: number;
  /** A watcher whose socket buffers more than this is closed (it will re-watch). Default 16 MiB. */
  maxBufferedBytes?: number;
}

function invalidListOptions(field: string, message: string): ApiError {
  return new ApiError(
    failure(422, 'Invalid', `ListOptions.meta.k8s.io "" is invalid: ${field}: Forbidden: ${message}`, {
      kind: 'ListOptions',
      group: 'meta.k8s.io',
      causes: [{ reason: 'FieldValueForbidden', message: `Forbidden: ${message}`, field }],
    }),
  );
}

/** Serves watch requests and remembers the open ones so the server can end them on stop. */
export class WatchStreams {
  readonly #clock: Clock;
  readonly #bookmarkIntervalMs: number;
  readonly #maxBuffered: number;
  readonly #open = new Set<() => void>();

  constructor(options: WatchStreamsOptions) {
    this.#clock = options.clock;
    this.#bookmarkIntervalMs = options.bookmarkIntervalMs ?? 60_000;
    this.#maxBuffered = options.maxBufferedBytes ?? 16 * 1024 * 1024;
  }

  /** Open watch streams. */
  get size(): number {
    return this.#open.size;
  }

  /** Ends every open watch (server stop). */
  closeAll(): void {
    for (const end of [...this.#open]) end();
  }

  /** Serves one watch; throws ApiError (before any byte is written) for bad parameters. */
  serve(
    req: IncomingMessage,
    res: ServerResponse,
    store: Store,
    r: Resolved,
    namespace: string | undefined,
    query: URLSearchParams,
    render: WatchRender,
  ): void {
    const match = compileSelectors(
      r.type,
      query.get('labelSelector') ?? undefined,
      query.get('fieldSelector') ?? undefined,
    );
    const sendInitialEvents = query.has('sendInitialEvents') ? queryBool(query, 'sendInitialEvents') : undefined;
    const allowBookmarks = queryBool(query, 'allowWatchBookmarks');
    const rvMatch = query.get('resourceVersionMatch') ?? '';
    const rvParam = query.get('resourceVersion') ?? '';
    const timeoutSeconds = queryInt(query, 'timeoutSeconds');
    if (sendInitialEvents !== undefined) {
      if (sendInitialEvents && !allowBookmarks)
        throw invalidListOptions(
          'allowWatchBookmarks',
          'sendInitialEvents requires setting allowWatchBookmarks to true',
        );
      if (rvMatch !== 'NotOlderThan')
        throw invalidListOptions(
          'resourceVersionMatch',
          'sendInitialEvents requires setting resourceVersionMatch to NotOlderThan',
        );
    } else if (rvMatch) {
      throw invalidListOptions(
        'resourceVersionMatch',
        'resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided',
      );
    }
    if (rvParam !== '' && !/^\d+$/.test(rvParam))
      throw badRequest(`resourceVersion: Invalid value: "${rvParam}": must be a non-negative integer`);
    const key = storageKey(r.type);
    const filter = { key, namespace, match };
    const initial =
      sendInitialEvents === true || (sendInitialEvents === undefined && (rvParam === '' || rvParam === '0'));
    let replay: Delivery[] = [];
    let expired: ExpiredError | undefined;
    if (!initial && sendInitialEvents === undefined) {
      try {
        replay = store.hub.since(Number(rvParam), filter);
      } catch (err) {
        if (!(err instanceof ExpiredError)) throw err;
        expired = err;
      }
    }

    res.writeHead(200, {
      'Content-Type': 'application/json',
      'Cache-Control': 'no-cache, private',
      'Transfer-Encoding': 'chunked',
    });
    res.flushHeaders();
    res.socket?.setNoDelay(true);

    let ended = false;
    const timers: NodeJS.Timeout[] = [];
    let unsubscribe = () => {};
    const end = () => {
      if (ended) return;
      ended = true;
      unsubscribe();
      for (const t of timers) clearTimeout(t);
      this.#open.delete(end);
      res.end();
    };
    this.#open.add(end);
    req.on('close', end);
    res.on('close', end);

    const apiVersion = apiVersionOf(r.type.group, r.version.name);
    let headersSent = false;
    const renderObject = (obj: KubeObject): unknown => {
      const served = store.serve(obj, r);
      if (!render.table) return served;
      const table = buildTable({
        group: r.type.group,
        kind: r.type.kind,
        objects: [served],
        printerColumns: r.type.crd ? (r.version.printerColumns ?? []) : undefined,
        includeObject: render.includeObject,
        resourceVersion: served.metadata.resourceVersion ?? '',
        now: this.#clock.now(),
        noHeaders: headersSent,
      });
      headersSent = true;
      return table;
    };
    const write = (type: WatchEventType | 'BOOKMARK' | 'ERROR', object: unknown) => {
      if (ended) return;
      res.write(`${JSON.stringify({ type, object })}\n`);
      if (res.writableLength > this.#maxBuffered) end();
    };
    const bookmark = (initialEventsEnd: boolean) =>
      write('BOOKMARK', {
        kind: r.type.kind,
        apiVersion,
        metadata: {
          resourceVersion: String(store.currentRv),
          creationTimestamp: null,
          ...(initialEventsEnd ? { annotations: { 'k8s.io/initial-events-end': 'true' } } : {}),
        },
      });

    if (expired) {
      write('ERROR', failure(410, 'Expired', expired.message));
      end();
      return;
    }
    // Snapshot, replay and subscription happen in one synchronous block: no change can fall in between.
    if (initial) {
      const objects = store.rawList(key, namespace).filter((o) => !match || match(o));
      objects.sort((a, b) =>
        `${a.metadata.namespace ?? ''}/${a.metadata.name}`.localeCompare(
          `${b.metadata.namespace ?? ''}/${b.metadata.name}`,
        ),
      );
      for (const obj of objects) write('ADDED', renderObject(obj));
      if (sendInitialEvents) bookmark(true);
    }
    for (const d of replay) write(d.type, renderObject(d.object));
    unsubscribe = store.hub.subscribe(filter, (d) => write(d.type, renderObject(d.object)));

    if (allowBookmarks && !render.table) {
      const tick = () => {
        bookmark(false);
        timers[0] = setTimeout(tick, this.#bookmarkIntervalMs);
      };
      timers[0] = setTimeout(tick, this.#bookmarkIntervalMs);
    }
    // Like the real server: the requested timeout, else a random 30–60 minutes.
    const timeoutMs =
      timeoutSeconds !== undefined && timeoutSeconds > 0 ? timeoutSeconds * 1000 : (1800 + Math.random() * 1800) * 1000;
    timers.push(setTimeout(end, timeoutMs));
  }
}
