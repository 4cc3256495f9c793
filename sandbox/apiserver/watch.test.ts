import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { KubeObject } from '../kube/types.ts';
import { ApiServer } from './server.ts';
import { TestClient } from './test-client.ts';
import { ExpiredError, WatchHub, type ChangeEvent } from './watch.ts';

const obj = (name: string, labels: Record<string, string> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'ns', labels },
});
const ev = (rv: number, type: ChangeEvent['type'], object: KubeObject, old?: KubeObject): ChangeEvent => ({
  rv,
  type,
  key: '/ConfigMap',
  namespace: 'ns',
  object,
  old,
});

describe('watch hub', () => {
  it('replays the history after a resourceVersion and expires versions older than the ring', () => {
    const hub = new WatchHub({ capacity: 10 });
    for (let rv = 1; rv <= 30; rv++) hub.publish(ev(rv, 'ADDED', obj(`o${rv}`)));
    assert.ok(hub.historySize <= 11);
    const after25 = hub.since(25, { key: '/ConfigMap' });
    assert.deepEqual(
      after25.map((d) => d.rv),
      [26, 27, 28, 29, 30],
    );
    assert.throws(
      () => hub.since(3, { key: '/ConfigMap' }),
      (e) => e instanceof ExpiredError && /^too old resource version: 3 \(\d+\)$/.test(e.message),
    );
    assert.deepEqual(hub.since(30, { key: '/ConfigMap' }), []);
  });

  it('turns selector transitions into ADDED and DELETED, like the watch cache', () => {
    const hub = new WatchHub();
    const seen: string[] = [];
    const match = (o: KubeObject) => o.metadata.labels?.tier === 'gpu';
    const unsubscribe = hub.subscribe({ key: '/ConfigMap', namespace: 'ns', match }, (d) =>
      seen.push(`${d.type} ${d.object.metadata.name}`),
    );
    hub.publish(ev(1, 'ADDED', obj('a')));
    hub.publish(ev(2, 'MODIFIED', obj('a', { tier: 'gpu' }), obj('a')));
    hub.publish(ev(3, 'MODIFIED', obj('a', { tier: 'gpu', x: '1' }), obj('a', { tier: 'gpu' })));
    hub.publish(ev(4, 'MODIFIED', obj('a'), obj('a', { tier: 'gpu', x: '1' })));
    hub.publish({ ...ev(5, 'ADDED', obj('b', { tier: 'gpu' })), namespace: 'other' });
    unsubscribe();
    hub.publish(ev(6, 'ADDED', obj('c', { tier: 'gpu' })));
    assert.deepEqual(seen, ['ADDED a', 'MODIFIED a', 'DELETED a']);
    assert.equal(hub.subscriberCount, 0);
  });
});

describe('in-process watch', () => {
  const api = new ApiServer();
  after(() => api.stop());

  it('delivers ADDED for current objects, then changes, asynchronously and in order', async () => {
    api.kube.create({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'pre', namespace: 'default', labels: { w: '1' } },
    });
    const seen: string[] = [];
    let resolveDone!: () => void;
    const done = new Promise<void>((r) => (resolveDone = r));
    const stop = api.kube.watch(
      { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'default' },
      { labelSelector: 'w=1' },
      (e) => {
        seen.push(
          `${e.type} ${e.object.metadata.name} ${(e.object.data as Record<string, string> | undefined)?.k ?? ''}`.trim(),
        );
        if (e.type === 'DELETED') resolveDone();
      },
    );
    assert.deepEqual(seen, [], 'nothing is delivered synchronously');
    const ref = { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'default', name: 'x' };
    api.kube.create({ ...ref, metadata: { name: 'x', namespace: 'default', labels: { w: '1' } }, data: { k: '1' } });
    api.kube.patch(ref, { data: { k: '2' } }, 'merge');
    api.kube.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'unlabelled', namespace: 'default' } });
    api.kube.delete(ref);
    await done;
    stop();
    assert.deepEqual(seen, ['ADDED pre', 'ADDED x 1', 'MODIFIED x 2', 'DELETED x 2']);
  });

  it('stops delivering once unsubscribed, even for queued events', async () => {
    const seen: string[] = [];
    const stop = api.kube.watch({ apiVersion: 'v1', kind: 'Namespace' }, {}, (e) => seen.push(e.object.metadata.name));
    stop();
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(seen, []);
    assert.equal(api.store.hub.subscriberCount, 0);
  });
});

describe('HTTP watch', () => {
  const api = new ApiServer({ bookmarkIntervalMs: 50, historyCapacity: 20 });
  let client: TestClient;
  before(async () => {
    await api.start();
    client = new TestClient(api.url, api.caPem, api.token);
  });
  after(() => api.stop());
  const base = '/api/v1/namespaces/default/configmaps';

  it('streams synthetic ADDED for the current state, then live changes, one JSON per line', async () => {
    api.kube.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'w1', namespace: 'default' } });
    const w = await client.watch(`${base}?watch=true`);
    assert.equal(w.status, 200);
    assert.equal(w.headers['content-type'], 'application/json');
    assert.deepEqual(await w.next().then((e) => [e.type, e.object.metadata.name]), ['ADDED', 'kube-root-ca.crt']);
    assert.deepEqual(await w.next().then((e) => [e.type, e.object.metadata.name]), ['ADDED', 'w1']);
    api.kube.patch(
      { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'default', name: 'w1' },
      { data: { a: 'b' } },
      'merge',
    );
    const modified = await w.next();
    assert.equal(modified.type, 'MODIFIED');
    assert.equal(modified.object.data.a, 'b');
    assert.equal(modified.object.apiVersion, 'v1');
    w.close();
  });

  it('replays changes after a resourceVersion and answers ERROR 410 Expired when it is too old', async () => {
    const rv = api.store.currentRv;
    api.kube.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'w2', namespace: 'default' } });
    const w = await client.watch(`${base}?watch=1&resourceVersion=${rv}`);
    const first = await w.next();
    assert.deepEqual([first.type, first.object.metadata.name], ['ADDED', 'w2']);
    w.close();
    for (let i = 0; i < 40; i++)
      api.kube.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `flood-${i}`, namespace: 'default' } });
    const old = await client.watch(`${base}?watch=1&resourceVersion=${rv}`);
    assert.equal(old.status, 200);
    const err = await old.next();
    assert.equal(err.type, 'ERROR');
    assert.equal(err.object.code, 410);
    assert.equal(err.object.reason, 'Expired');
    assert.match(err.object.message, /^too old resource version: /);
    assert.equal(await old.next(), undefined, 'the stream ends after the error');
  });

  it('sends periodic bookmarks when allowed and ends at timeoutSeconds', async () => {
    const w = await client.watch(
      `${base}?watch=1&resourceVersion=${api.store.currentRv}&allowWatchBookmarks=true&timeoutSeconds=1`,
    );
    const bookmark = await w.next();
    assert.equal(bookmark.type, 'BOOKMARK');
    assert.equal(bookmark.object.kind, 'ConfigMap');
    assert.equal(bookmark.object.metadata.resourceVersion, String(api.store.currentRv));
    let next;
    do next = await w.next();
    while (next?.type === 'BOOKMARK');
    assert.equal(next, undefined, 'the server closed the stream at timeoutSeconds');
  });

  it('implements WatchList: initial ADDED events, then the initial-events-end bookmark', async () => {
    const w = await client.watch(
      `${base}?watch=1&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true&fieldSelector=metadata.name%3Dw1`,
    );
    const added = await w.next();
    assert.deepEqual([added.type, added.object.metadata.name], ['ADDED', 'w1']);
    const end = await w.next();
    assert.equal(end.type, 'BOOKMARK');
    assert.deepEqual(end.object.metadata.annotations, { 'k8s.io/initial-events-end': 'true' });
    w.close();
    const bad = await client.call(`${base}?watch=1&sendInitialEvents=true&resourceVersionMatch=NotOlderThan`);
    assert.equal(bad.status, 422);
    assert.equal(bad.json.reason, 'Invalid');
  });

  it('renders watch events as one-row Tables when asked', async () => {
    const w = await client.watch(`${base}?watch=1&fieldSelector=metadata.name%3Dw1`, {
      headers: { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' },
    });
    const e = await w.next();
    assert.equal(e.type, 'ADDED');
    assert.equal(e.object.kind, 'Table');
    assert.equal(e.object.rows.length, 1);
    assert.equal(e.object.rows[0].cells[0], 'w1');
    w.close();
  });
});
