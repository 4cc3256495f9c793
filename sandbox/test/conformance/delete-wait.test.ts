/**
 * Deleting and waiting with real kubectl: `delete --wait` (kubectl waits until the object is gone), deletion held
 * by a finalizer until it is removed, and `wait --for=condition=Ready`, `--for=delete` and `--for=jsonpath` on
 * Flux objects whose status the test writes through the in-process client (as a controller would, with
 * observedGeneration set). Changes are made after kubectl's watch is open, so the watch path is what is tested.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { KubeObject, ObjectRef, WatchEvent } from '../../kube/types.ts';
import { ChildLines } from '../support/child-lines.ts';
import { ConformanceCluster } from './conformance-cluster.ts';
import { loadFluxKinds } from './flux-crd-catalog.ts';
import { fluxObject } from './flux-objects.ts';
import { KUBECTL_CLIENTS } from './kubectl-clients.ts';
import type { KubectlRunner } from './kubectl-runner.ts';
import { untilWatchers } from './watch-opened.ts';

const cluster = new ConformanceCluster();
const gitRepository = loadFluxKinds('2.9').find((k) => k.kind === 'GitRepository')!;
const repoRef = `${gitRepository.singular}.${gitRepository.group}`;
const children = new Set<ChildLines>();
/** Watches open on the server while no command runs (the sandbox's own, if any). */
let idleWatchers = 0;

before(async () => {
  await cluster.start();
  idleWatchers = cluster.api.store.hub.subscriberCount;
});
after(async () => {
  await Promise.all([...children].map((c) => c.stop()));
  await cluster.stop();
});

/** Resolves with the first watch event on `ref` that `accept` takes (the object as the in-process watch saw it). */
function nextEvent(ref: ObjectRef, accept: (event: WatchEvent) => boolean): Promise<WatchEvent> {
  return new Promise((resolve) => {
    const stop = cluster.api.kube.watch(
      { apiVersion: ref.apiVersion, kind: ref.kind, namespace: ref.namespace },
      { fieldSelector: `metadata.name=${ref.name}` },
      (event) => {
        if (!accept(event)) return;
        setImmediate(stop);
        resolve(event);
      },
    );
  });
}

const now = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

/** Writes the Ready condition (and observedGeneration) the way the Flux source controller does. */
function markReady(obj: KubeObject, generation: number): void {
  cluster.api.kube.update(
    {
      ...obj,
      status: {
        observedGeneration: generation,
        conditions: [
          {
            type: 'Ready',
            status: 'True',
            reason: 'Succeeded',
            message: 'stored artifact for revision main@sha1:abc',
            observedGeneration: generation,
            lastTransitionTime: now(),
          },
        ],
      },
    },
    { subresource: 'status' },
  );
}

for (const client of KUBECTL_CLIENTS) {
  describe(`delete and wait with ${client.title}`, () => {
    const ns = `${client.id}-delete`;
    let kubectl: KubectlRunner;
    /** `kubectl wait --for=condition=Ready` on one GitRepository in the test namespace. */
    const waitReady = (name: string, timeout: string) => [
      'wait',
      '--for=condition=Ready',
      `gitrepository/${name}`,
      '-n',
      ns,
      `--timeout=${timeout}`,
    ];
    const ref = (name: string): ObjectRef => ({
      apiVersion: `${gitRepository.group}/${gitRepository.version}`,
      kind: 'GitRepository',
      namespace: ns,
      name,
    });
    const start = (args: string[]) => {
      const child = new ChildLines(kubectl.spawn(args));
      children.add(child);
      return child;
    };
    /**
     * Starts a long-running kubectl and resolves once it has opened its watch: first the watches of earlier
     * commands must have closed (back to the idle count), then one more must appear.
     */
    const startWatching = async (args: string[]) => {
      const what = `kubectl ${args.join(' ')}`;
      await untilWatchers(cluster.api, (n) => n <= idleWatchers, `earlier watches to close before ${what}`);
      const child = start(args);
      const early = child.exited.then((e) =>
        Promise.reject(new Error(`${what} exited early (${e.code}): ${child.stderr}`)),
      );
      early.catch(() => undefined);
      const opened = untilWatchers(cluster.api, (n) => n > idleWatchers, `${what} to open its watch`);
      opened.catch(() => undefined);
      await Promise.race([opened, early]);
      return child;
    };

    before(async () => {
      kubectl = await cluster.kubectl(client);
      cluster.api.kube.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    });

    it('deletes a ConfigMap and a GitRepository with --wait', async () => {
      const kube = cluster.api.kube;
      kube.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'doomed', namespace: ns } });
      kube.create(fluxObject(gitRepository, ns, 'doomed'));
      const [cm, repo] = await Promise.all([
        kubectl.ok(['delete', 'configmap', 'doomed', '-n', ns, '--wait']),
        kubectl.ok(['delete', 'gitrepository', 'doomed', '-n', ns, '--wait']),
      ]);
      assert.equal(cm, `${client.deleted('configmap "doomed"', ns)}\n`);
      assert.equal(repo, `${client.deleted(`${repoRef} "doomed"`, ns)}\n`);
      assert.equal(kube.get(ref('doomed')), undefined);
      const missing = await kubectl.run(['delete', 'configmap', 'doomed', '-n', ns]);
      assert.equal(missing.code, 1);
      assert.match(missing.stderr, /Error from server \(NotFound\): configmaps "doomed" not found/);
    });

    it('keeps an object with a finalizer until the finalizer is removed, while kubectl delete waits', async () => {
      const kube = cluster.api.kube;
      kube.create({
        ...fluxObject(gitRepository, ns, 'held'),
        metadata: { name: 'held', namespace: ns, finalizers: ['finalizers.fluxcd.io'] },
      });
      const marked = nextEvent(ref('held'), (e) => e.type === 'MODIFIED' && !!e.object.metadata.deletionTimestamp);
      const deletion = start(['delete', 'gitrepository', 'held', '-n', ns, '--timeout=30s']);
      const { object } = await marked;
      assert.deepEqual(object.metadata.finalizers, ['finalizers.fluxcd.io']);
      const shown = JSON.parse(
        await kubectl.ok(['get', 'gitrepository', 'held', '-n', ns, '-o', 'json']),
      ) as KubeObject;
      assert.ok(shown.metadata.deletionTimestamp, 'kubectl get shows the deletionTimestamp');
      assert.equal(
        await kubectl.ok([
          'patch',
          'gitrepository',
          'held',
          '-n',
          ns,
          '--type',
          'json',
          '-p',
          '[{"op":"remove","path":"/metadata/finalizers"}]',
        ]),
        `${repoRef}/held patched\n`,
      );
      const exit = await deletion.exited;
      assert.equal(exit.code, 0, deletion.stderr);
      assert.deepEqual(deletion.lines, [client.deleted(`${repoRef} "held"`, ns)]);
      assert.equal(kube.get(ref('held')), undefined);
    });

    it('waits for condition=Ready once the controller reports the current generation', async () => {
      const kube = cluster.api.kube;
      const created = kube.create(fluxObject(gitRepository, ns, 'ready'));
      const wait = await startWatching(waitReady('ready', '30s'));
      markReady(kube.get(ref('ready'))!, created.metadata.generation!);
      const exit = await wait.exited;
      assert.equal(exit.code, 0, wait.stderr);
      assert.deepEqual(wait.lines, [`${repoRef}/ready condition met`]);
      // Already Ready: answered from the first read.
      assert.equal(await kubectl.ok(waitReady('ready', '10s')), `${repoRef}/ready condition met\n`);
    });

    it('ignores a Ready condition observed for an older generation, and times out', async () => {
      const kube = cluster.api.kube;
      kube.create(fluxObject(gitRepository, ns, 'stale'));
      const changed = kube.patch(ref('stale'), { spec: { interval: '2m' } }, 'merge');
      assert.equal(changed.metadata.generation, 2);
      markReady(changed, 1);
      const result = await kubectl.run(waitReady('stale', '1s'));
      assert.equal(result.code, 1);
      assert.match(result.stderr, /error: timed out waiting for the condition on gitrepositories\/stale/);
      markReady(kube.get(ref('stale'))!, 2);
      assert.equal(await kubectl.ok(waitReady('stale', '10s')), `${repoRef}/stale condition met\n`);
    });

    it('waits for --for=delete', async () => {
      const kube = cluster.api.kube;
      kube.create(fluxObject(gitRepository, ns, 'vanishing'));
      const wait = await startWatching(['wait', '--for=delete', 'gitrepository/vanishing', '-n', ns, '--timeout=30s']);
      kube.delete(ref('vanishing'));
      const exit = await wait.exited;
      assert.equal(exit.code, 0, wait.stderr);
      assert.deepEqual(wait.lines, [`${repoRef}/vanishing condition met`]);
    });

    it('waits for --for=jsonpath on a spec field', async () => {
      const kube = cluster.api.kube;
      kube.create(fluxObject(gitRepository, ns, 'tuned'));
      const wait = await startWatching([
        'wait',
        '--for=jsonpath={.spec.interval}=7m',
        'gitrepository/tuned',
        '-n',
        ns,
        '--timeout=30s',
      ]);
      kube.patch(ref('tuned'), { spec: { interval: '7m' } }, 'merge');
      const exit = await wait.exited;
      assert.equal(exit.code, 0, wait.stderr);
      assert.deepEqual(wait.lines, [`${repoRef}/tuned condition met`]);
    });
  });
}
