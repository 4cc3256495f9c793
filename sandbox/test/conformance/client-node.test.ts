/**
 * @kubernetes/client-node 2.x against the sandbox API server over HTTPS with the generated CA and bearer token:
 * typed lists (`CoreV1Api.listNamespacedPod`), `Watch` and `makeInformer` seeing ADDED/MODIFIED/DELETED,
 * `CustomObjectsApi` list/get/merge-patch of a Flux object, `Log` following a pod log, and `Exec` with its
 * stdout and status callback (exit codes).
 */
import assert from 'node:assert/strict';
import { chmod, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import type { KubeObject } from '../../kube/types.ts';
import { createRunningPod } from './builtin-objects.ts';
import { ConformanceCluster } from './conformance-cluster.ts';
import { loadFluxKinds } from './flux-crd-catalog.ts';
import { fluxObject } from './flux-objects.ts';

const cluster = new ConformanceCluster();
const gitRepository = loadFluxKinds('2.9').find((k) => k.kind === 'GitRepository')!;
const ns = 'client-node';
const kc = new k8s.KubeConfig();
/** Where CustomObjectsApi finds the test namespace's GitRepositories. */
const target = {
  group: gitRepository.group,
  version: gitRepository.version,
  namespace: ns,
  plural: gitRepository.plural,
};
let shell: KubeObject;

before(async () => {
  await cluster.start();
  kc.loadFromString(cluster.api.kubeconfig());
  const kube = cluster.api.kube;
  kube.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  createRunningPod(kube, ns, 'web-1', { labels: { app: 'web' } });
  createRunningPod(kube, ns, 'web-2', { labels: { app: 'web' } });
  createRunningPod(kube, ns, 'batch', { labels: { app: 'batch' } });
  shell = createRunningPod(kube, ns, 'shell');
  await cluster.files.ensure(shell);
  const readme = cluster.files.resolve(shell, '/home/foundry/README.md');
  await writeFile(readme, 'hello from the pod\n');
  await chmod(readme, 0o644);
});
after(() => cluster.stop());

/** A Writable that collects text and lets a test await a substring. */
class TextSink extends Writable {
  text = '';
  readonly #waiters: Array<{ needle: string; resolve: () => void }> = [];

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: () => void): void {
    this.text += chunk.toString('utf8');
    for (const w of [...this.#waiters]) {
      if (!this.text.includes(w.needle)) continue;
      this.#waiters.splice(this.#waiters.indexOf(w), 1);
      w.resolve();
    }
    callback();
  }

  /** Resolves once the collected text contains `needle`. */
  contains(needle: string): Promise<void> {
    if (this.text.includes(needle)) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ needle, resolve }));
  }
}

describe('client-node 2.x', () => {
  it('lists pods with CoreV1Api.listNamespacedPod, by label selector too', async () => {
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const all = await core.listNamespacedPod({ namespace: ns });
    assert.deepEqual(
      all.items.map((p) => p.metadata?.name),
      ['batch', 'shell', 'web-1', 'web-2'],
    );
    assert.equal(all.items[0].status?.phase, 'Running');
    assert.ok(all.metadata?.resourceVersion, 'the list carries a resourceVersion');
    const web = await core.listNamespacedPod({ namespace: ns, labelSelector: 'app=web' });
    assert.deepEqual(
      web.items.map((p) => p.metadata?.name),
      ['web-1', 'web-2'],
    );
    const running = await core.listNamespacedPod({
      namespace: ns,
      fieldSelector: 'status.phase=Running,metadata.name=batch',
    });
    assert.deepEqual(
      running.items.map((p) => p.metadata?.name),
      ['batch'],
    );
  });

  it('receives ADDED, MODIFIED and DELETED through Watch', async () => {
    const seen: string[] = [];
    let deleted!: () => void;
    const gone = new Promise<void>((resolve) => (deleted = resolve));
    let ready!: () => void;
    const added = new Promise<void>((resolve) => (ready = resolve));
    const watch = new k8s.Watch(kc);
    const controller = await watch.watch(
      `/api/v1/namespaces/${ns}/configmaps`,
      { labelSelector: 'watched=yes' },
      (type: string, obj: k8s.V1ConfigMap) => {
        seen.push(`${type} ${obj.metadata?.name} ${JSON.stringify(obj.data ?? {})}`);
        if (type === 'ADDED') ready();
        if (type === 'DELETED') deleted();
      },
      () => undefined,
    );
    try {
      const core = kc.makeApiClient(k8s.CoreV1Api);
      await core.createNamespacedConfigMap({
        namespace: ns,
        body: { metadata: { name: 'w', labels: { watched: 'yes' } }, data: { a: '1' } },
      });
      await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'unwatched' } } });
      await added;
      await core.patchNamespacedConfigMap(
        { namespace: ns, name: 'w', body: { data: { a: '2' } } },
        k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
      );
      await core.deleteNamespacedConfigMap({ namespace: ns, name: 'w' });
      await gone;
    } finally {
      controller.abort();
    }
    assert.deepEqual(seen, ['ADDED w {"a":"1"}', 'MODIFIED w {"a":"2"}', 'DELETED w {"a":"2"}']);
  });

  it('keeps an informer cache in sync (add, update, delete)', async () => {
    const custom = kc.makeApiClient(k8s.CustomObjectsApi);
    const informer = k8s.makeInformer<KubeObject & k8s.KubernetesObject>(
      kc,
      `/apis/${target.group}/${target.version}/namespaces/${ns}/${target.plural}`,
      () => custom.listNamespacedCustomObject(target) as never,
    );
    const events: string[] = [];
    const waiters = new Map<string, () => void>();
    const when = (event: string) => new Promise<void>((resolve) => waiters.set(event, resolve));
    const record = (verb: string) => (obj: KubeObject) => {
      const event = `${verb} ${obj.metadata.name} ${obj.spec?.interval}`;
      events.push(event);
      waiters.get(event)?.();
    };
    informer.on('add', record('add'));
    informer.on('update', record('update'));
    informer.on('delete', record('delete'));
    const kube = cluster.api.kube;
    kube.create(fluxObject(gitRepository, ns, 'before-start'));
    await informer.start();
    try {
      assert.deepEqual(
        informer.list(ns).map((o) => o.metadata?.name),
        ['before-start'],
        'the informer lists first',
      );
      const added = when('add informed 1m');
      kube.create(fluxObject(gitRepository, ns, 'informed'));
      await added;
      const updated = when('update informed 4m');
      await custom.patchNamespacedCustomObject(
        { ...target, name: 'informed', body: { spec: { interval: '4m' } } },
        k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
      );
      await updated;
      assert.equal((informer.get('informed', ns) as KubeObject | undefined)?.spec.interval, '4m');
      const removed = when('delete informed 4m');
      await custom.deleteNamespacedCustomObject({ ...target, name: 'informed' });
      await removed;
      assert.equal(informer.get('informed', ns), undefined);
    } finally {
      await informer.stop();
    }
    assert.deepEqual(events, ['add before-start 1m', 'add informed 1m', 'update informed 4m', 'delete informed 4m']);
  });

  it('lists, gets and merge-patches a GitRepository with CustomObjectsApi', async () => {
    const custom = kc.makeApiClient(k8s.CustomObjectsApi);
    await custom.createNamespacedCustomObject({ ...target, body: fluxObject(gitRepository, ns, 'custom') });
    const list = (await custom.listNamespacedCustomObject({ ...target, labelSelector: 'app=custom' })) as {
      kind: string;
      items: KubeObject[];
    };
    assert.equal(list.kind, 'GitRepositoryList');
    assert.deepEqual(
      list.items.map((i) => i.metadata.name),
      ['custom'],
    );
    const got = (await custom.getNamespacedCustomObject({ ...target, name: 'custom' })) as KubeObject;
    assert.equal(got.spec.url, fluxObject(gitRepository, ns, 'custom').spec.url);
    assert.equal(got.status?.observedGeneration, -1);
    const patched = (await custom.patchNamespacedCustomObject(
      { ...target, name: 'custom', body: { spec: { interval: '10m', suspend: true } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    )) as KubeObject;
    assert.equal(patched.spec.interval, '10m');
    assert.equal(patched.spec.suspend, true);
    assert.equal(patched.metadata.generation, 2);
    await assert.rejects(
      custom.getNamespacedCustomObject({ ...target, name: 'missing' }),
      (err: { code?: number; body?: unknown }) => {
        assert.equal(err.code, 404);
        const body = (typeof err.body === 'string' ? JSON.parse(err.body) : err.body) as {
          kind: string;
          reason: string;
          message: string;
        };
        assert.deepEqual(
          [body.kind, body.reason, body.message],
          ['Status', 'NotFound', 'gitrepositories.source.toolkit.fluxcd.io "missing" not found'],
        );
        return true;
      },
    );
  });

  it('follows a pod log with Log', async () => {
    const pod = { namespace: ns, name: 'web-1' };
    cluster.logs.append(pod, 'app', 'starting');
    const sink = new TextSink();
    const finished = new Promise<void>((resolve) => sink.once('finish', resolve));
    const controller = await new k8s.Log(kc).log(ns, 'web-1', 'app', sink, { follow: true, timestamps: false });
    try {
      await sink.contains('starting\n');
      cluster.logs.append(pod, 'app', 'listening on :8080');
      await sink.contains('listening on :8080\n');
      cluster.logs.end(pod, 'app');
      await finished;
    } finally {
      controller.abort();
    }
    assert.equal(sink.text, 'starting\nlistening on :8080\n');
  });

  it('runs commands with Exec: stdout, and the status callback with exit codes', async () => {
    const exec = new k8s.Exec(kc);
    /** Runs one command; resolves when the socket has closed, so every frame (stdout, then status) has arrived. */
    const run = async (command: string[]) => {
      const stdout = new PassThrough();
      const stderr = new PassThrough();
      let out = '';
      let err = '';
      let status: k8s.V1Status | undefined;
      stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
      stderr.on('data', (c: Buffer) => (err += c.toString('utf8')));
      const ws = await exec.exec(ns, 'shell', 'app', command, stdout, stderr, null, false, (s) => (status = s));
      await new Promise<void>((resolve) =>
        ws.readyState === ws.CLOSED ? resolve() : ws.once('close', () => resolve()),
      );
      assert.ok(status, `a status for ${command.join(' ')}`);
      return { stdout: out, stderr: err, status };
    };
    const ok = await run(['cat', path.posix.join('/home/foundry', 'README.md')]);
    assert.equal(ok.stdout, 'hello from the pod\n');
    assert.equal(ok.status.status, 'Success');
    const failed = await run(['ls', '/nope']);
    assert.equal(failed.status.status, 'Failure');
    assert.equal(failed.status.reason, 'NonZeroExitCode');
    assert.deepEqual(failed.status.details?.causes, [{ reason: 'ExitCode', message: '2' }]);
    assert.match(failed.stderr, /ls: cannot access '\/nope': No such file or directory/);
  });
});
