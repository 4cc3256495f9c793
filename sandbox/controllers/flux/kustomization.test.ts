import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pinnedTool } from '../../../lib/tools.ts';
import { parseFault } from '../../faults/faults.ts';
import { DEFAULT_REQUEUE_DEPENDENCY_MS, requeueDependencyMs } from './kustomization.ts';
import { condition, isReady, Testbed, waitGone, type TestRepo } from './testbed.ts';

const GR = { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', namespace: 'flux-system' };
const KS = { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', namespace: 'flux-system' };
const cm = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  key: value\n`;

describe('Kustomization (kustomize-controller)', () => {
  let bed: Testbed;
  let repo: TestRepo;

  before(async () => {
    bed = await Testbed.create('2.9');
    repo = await bed.repo('gitops', {
      'infrastructure/ns.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: apps\n',
      'apps/a.yaml': cm('a'),
      'apps/b.yaml': cm('b'),
    });
    bed.gitRepository('gitops', repo.url);
  });
  after(async () => bed.close());

  it('reads --requeue-dependency from the kustomize-controller Deployment (default 30s)', () => {
    assert.equal(requeueDependencyMs(bed.kube), DEFAULT_REQUEUE_DEPENDENCY_MS);
    setRequeueDependency(bed, '1s');
    assert.equal(requeueDependencyMs(bed.kube), 1000);
  });

  it('waits for dependsOn, then applies with owner labels, inventory and history', async () => {
    bed.apply({
      ...KS,
      metadata: { name: 'apps', namespace: 'flux-system' },
      spec: {
        interval: '10m',
        retryInterval: '10m',
        path: './apps',
        prune: true,
        targetNamespace: 'apps',
        sourceRef: { kind: 'GitRepository', name: 'gitops' },
        dependsOn: [{ name: 'infrastructure' }],
      },
    });
    const blocked = await bed.waitFor(
      { ...KS, name: 'apps' },
      (o) => condition(o, 'Ready')?.reason === 'DependencyNotReady',
      'to wait for its dependency',
    );
    assert.equal(
      condition(blocked, 'Ready')!.message,
      `dependency 'flux-system/infrastructure' not found: kustomizations.kustomize.toolkit.fluxcd.io "infrastructure" not found`,
    );
    const note = bed.kube
      .list({ apiVersion: 'v1', kind: 'Event', namespace: 'flux-system' })
      .find((e: any) => e.involvedObject.name === 'apps' && e.reason === 'DependencyNotReady');
    assert.equal(note?.type, 'Normal');
    assert.equal(note?.message, 'Dependencies do not meet ready condition, retrying in 1s');
    assert.equal(bed.kube.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'apps', name: 'a' }), undefined);

    bed.apply({
      ...KS,
      metadata: { name: 'infrastructure', namespace: 'flux-system' },
      spec: {
        interval: '10m',
        path: './infrastructure',
        prune: true,
        sourceRef: { kind: 'GitRepository', name: 'gitops' },
      },
    });
    const apps = await bed.waitFor({ ...KS, name: 'apps' }, isReady, 'to be Ready after its dependency');
    const revision = `main@sha1:${repo.initial}`;
    assert.equal(condition(apps, 'Ready')!.reason, 'ReconciliationSucceeded');
    assert.equal(condition(apps, 'Ready')!.message, `Applied revision: ${revision}`);
    assert.equal(apps.status.lastAppliedRevision, revision);
    assert.equal(apps.status.lastAttemptedRevision, revision);
    assert.deepEqual(apps.status.inventory.entries, [
      { id: 'apps_a__ConfigMap', v: 'v1' },
      { id: 'apps_b__ConfigMap', v: 'v1' },
    ]);
    const [h] = apps.status.history;
    assert.equal(h.lastReconciledStatus, 'ReconciliationSucceeded');
    assert.equal(h.metadata.revision, revision);
    assert.match(h.digest, /^sha256:/);
    const a = bed.kube.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'apps', name: 'a' })!;
    assert.deepEqual(a.metadata.labels, {
      'kustomize.toolkit.fluxcd.io/name': 'apps',
      'kustomize.toolkit.fluxcd.io/namespace': 'flux-system',
    });
    const infra = bed.kube.get({ ...KS, name: 'infrastructure' })!;
    assert.deepEqual(infra.status.inventory.entries, [{ id: '_apps__Namespace', v: 'v1' }]);
  });

  it('a new revision: the dependant finds its dependency behind, waits --requeue-dependency, then applies', async () => {
    const next = await repo.commit({ 'apps/c.yaml': cm('c') }, 'add c');
    const revision = `main@sha1:${next}`;
    const seen: string[] = [];
    const cancel = bed.kube.watch(KS, { fieldSelector: 'metadata.name=apps' }, (e) => {
      const ready = condition(e.object, 'Ready');
      if (ready?.reason === 'DependencyNotReady') seen.push(ready.message);
    });
    try {
      bed.requestReconcile({ ...GR, name: 'gitops' }, `t-${Date.now()}`);
      await bed.waitFor(
        { ...KS, name: 'apps' },
        (o) => o.status?.lastAppliedRevision === revision && isReady(o),
        'to apply the new revision after the dependency',
      );
    } finally {
      cancel();
    }
    assert.ok(
      seen.some(
        (m) =>
          m === "dependency 'flux-system/infrastructure' revision is not up to date" ||
          m === "dependency 'flux-system/infrastructure' is not ready",
      ),
      `apps waited for infrastructure: ${JSON.stringify(seen)}`,
    );
  });

  it('apply-delay=<d> makes kustomize-controller apply that much later (cluster clock)', async () => {
    const measure = async () => {
      const token = `d-${Date.now()}-${Math.random()}`;
      const started = performance.now();
      bed.requestReconcile({ ...KS, name: 'infrastructure' }, token);
      await bed.waitFor(
        { ...KS, name: 'infrastructure' },
        (o) => o.status?.lastHandledReconcileAt === token && isReady(o),
        'to reconcile on request',
      );
      return performance.now() - started;
    };
    bed.faults.set(parseFault('apply-delay=1500ms'));
    let delayed: number;
    try {
      delayed = await measure();
    } finally {
      bed.faults.clear('apply-delay');
    }
    assert.ok(delayed >= 1400, `with apply-delay=1500ms the pass took ${delayed.toFixed(0)} ms`);
    const plain = await measure();
    assert.ok(plain < delayed - 1000, `without it ${plain.toFixed(0)} ms`);
  });

  it('prunes objects removed from the source', async () => {
    const next = await repo.commit({ 'apps/b.yaml': null }, 'remove b');
    bed.requestReconcile({ ...GR, name: 'gitops' }, `t-${Date.now()}`);
    const apps = await bed.waitFor(
      { ...KS, name: 'apps' },
      (o) => o.status?.lastAppliedRevision === `main@sha1:${next}`,
      'to apply the new revision',
    );
    assert.deepEqual(apps.status.inventory.entries, [
      { id: 'apps_a__ConfigMap', v: 'v1' },
      { id: 'apps_c__ConfigMap', v: 'v1' },
    ]);
    const b = bed.kube.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'apps', name: 'b' });
    assert.ok(b === undefined || b.metadata.deletionTimestamp, 'b deleted');
    const events = bed.kube
      .list({ apiVersion: 'v1', kind: 'Event', namespace: 'flux-system' })
      .filter((e: any) => e.involvedObject.name === 'apps');
    assert.ok(
      events.some((e: any) => e.reason === 'Progressing' && /ConfigMap\/apps\/b deleted/.test(e.message)),
      JSON.stringify(events.map((e: any) => e.message)),
    );
  });

  it('reports build failures as BuildFailed', async () => {
    await repo.commit({ 'broken/kustomization.yaml': 'resources: [missing.yaml]\n' }, 'broken');
    bed.requestReconcile({ ...GR, name: 'gitops' }, `t-${Date.now()}`);
    bed.apply({
      ...KS,
      metadata: { name: 'broken', namespace: 'flux-system' },
      spec: { interval: '10m', path: './broken', prune: true, sourceRef: { kind: 'GitRepository', name: 'gitops' } },
    });
    // (until the source has the new commit the path is missing: ArtifactFailed; then the build fails)
    const broken = await bed.waitFor(
      { ...KS, name: 'broken' },
      (o) => condition(o, 'Ready')?.reason === 'BuildFailed',
      'to fail the build',
    );
    assert.equal(condition(broken, 'Ready')!.status, 'False');
    assert.match(condition(broken, 'Ready')!.message, /^kustomize build failed: .*missing\.yaml/);
  });

  it('handles a reconcile request and sets lastHandledReconcileAt', async () => {
    const token = bed.requestReconcile({ ...KS, name: 'apps' }, `req-${Date.now()}`);
    // (a pass may first find the dependency mid-reconcile and retry; the request stays handled)
    const apps = await bed.waitFor(
      { ...KS, name: 'apps' },
      (o) => o.status?.lastHandledReconcileAt === token && isReady(o),
      'to handle the request and be Ready',
    );
    assert.equal(condition(apps, 'Ready')!.reason, 'ReconciliationSucceeded');
  });

  it('garbage-collects its objects when deleted (prune: true)', async () => {
    bed.kube.delete({ ...KS, name: 'apps' });
    await waitGone(bed, { ...KS, name: 'apps' });
    await waitGone(bed, { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'apps', name: 'a' });
  });
});

describe('Kustomization builds', () => {
  it('runs kubectl kustomize again only for a new artifact or new kustomize fields, not for a periodic pass or a request', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'kustomize-calls-'));
    const calls = path.join(dir, 'calls');
    const kubectl = path.join(dir, 'kubectl');
    await writeFile(kubectl, `#!/bin/sh\necho "$*" >> '${calls}'\nexec '${await pinnedTool('kubectl')}' "$@"\n`, {
      mode: 0o755,
    });
    const counted = async () =>
      (await readFile(calls, 'utf8').catch(() => '')).split('\n').filter((l) => l.startsWith('kustomize ')).length;
    const bed = await Testbed.create('2.9', { tools: { kubectl } });
    try {
      const repo = await bed.repo('gitops', { 'apps/a.yaml': cm('a') });
      bed.gitRepository('gitops', repo.url);
      bed.apply({
        ...KS,
        metadata: { name: 'apps', namespace: 'flux-system' },
        spec: {
          interval: '10m',
          path: './apps',
          prune: true,
          targetNamespace: 'flux-system',
          sourceRef: { kind: 'GitRepository', name: 'gitops' },
        },
      });
      await bed.waitFor({ ...KS, name: 'apps' }, isReady, 'to be Ready');
      assert.equal(await counted(), 1);

      const token = bed.requestReconcile({ ...KS, name: 'apps' }, `req-${Date.now()}`);
      await bed.waitFor(
        { ...KS, name: 'apps' },
        (o) => o.status?.lastHandledReconcileAt === token && isReady(o),
        'to handle the request',
      );
      assert.equal(await counted(), 1, 'the same artifact and spec reuse the build');

      bed.kube.patch({ ...KS, name: 'apps' }, { spec: { namePrefix: 'p-' } }, 'merge');
      await bed.waitFor(
        { ...KS, name: 'apps' },
        (o) => o.status?.observedGeneration === o.metadata.generation && isReady(o),
        'to apply the new spec',
      );
      assert.equal(await counted(), 2);
      assert.ok(
        bed.kube.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'flux-system', name: 'p-a' }),
        'the new build is applied',
      );

      const next = await repo.commit({ 'apps/b.yaml': cm('b') }, 'add b');
      bed.requestReconcile({ ...GR, name: 'gitops' }, `t-${Date.now()}`);
      await bed.waitFor(
        { ...KS, name: 'apps' },
        (o) => o.status?.lastAppliedRevision === `main@sha1:${next}` && isReady(o),
        'to apply the new revision',
      );
      assert.equal(await counted(), 3);
      assert.ok(bed.kube.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'flux-system', name: 'p-b' }));
    } finally {
      await bed.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

/** Sets kustomize-controller's `--requeue-dependency` the way users do: patching the controller's args. */
function setRequeueDependency(bed: Testbed, value: string): void {
  const ref = { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'flux-system', name: 'kustomize-controller' };
  const deployment = bed.kube.get(ref)!;
  const containers = structuredClone(deployment.spec.template.spec.containers) as Array<{
    name: string;
    args: string[];
  }>;
  containers[0]!.args = [
    ...containers[0]!.args.filter((a) => !a.startsWith('--requeue-dependency=')),
    `--requeue-dependency=${value}`,
  ];
  bed.kube.patch(ref, { spec: { template: { spec: { containers } } } }, 'strategic');
}
