import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as tar from 'tar';
import { parseFault } from '../../faults/faults.ts';
import { condition, isReady, Testbed, type TestRepo } from './testbed.ts';

const GR = { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', namespace: 'flux-system' };

describe('GitRepository (source-controller)', () => {
  let bed: Testbed;
  let repo: TestRepo;
  let head: string;

  before(async () => {
    bed = await Testbed.create('2.9');
    repo = await bed.repo('gitops', {
      'apps/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n',
      'logo.png': 'x',
    });
    head = repo.initial;
    // A pod for the controller so its log lines have somewhere to go.
    bed.kube.create({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'source-controller-abc', namespace: 'flux-system', labels: { app: 'source-controller' } },
      spec: { containers: [{ name: 'manager', image: 'ghcr.io/fluxcd/source-controller:v1.9.4' }] },
    });
  });
  after(async () => bed.close());

  it('stores an artifact and reports revision, digest and conditions like Flux', async () => {
    bed.apply({
      ...GR,
      metadata: { name: 'gitops', namespace: 'flux-system' },
      spec: { url: repo.url, interval: '1m', ref: { branch: 'main' } },
    });
    const ready = await bed.waitFor({ ...GR, name: 'gitops' }, isReady, 'to be Ready');
    const artifact = ready.status.artifact;
    assert.equal(artifact.revision, `main@sha1:${head}`);
    assert.match(artifact.digest, /^sha256:[0-9a-f]{64}$/);
    assert.equal(artifact.path, `gitrepository/flux-system/gitops/${head}.tar.gz`);
    assert.equal(
      artifact.url,
      `http://source-controller.flux-system.svc.cluster.local./gitrepository/flux-system/gitops/${head}.tar.gz`,
    );
    assert.match(artifact.lastUpdateTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.ok(artifact.size > 0);
    const msg = `stored artifact for revision 'main@sha1:${head}'`;
    assert.deepEqual(
      ready.status.conditions.map((c: any) => [c.type, c.status, c.reason, c.message, c.observedGeneration]),
      [
        ['Ready', 'True', 'Succeeded', msg, 1],
        ['ArtifactInStorage', 'True', 'Succeeded', msg, 1],
      ],
    );
    const events = bed.kube
      .list({ apiVersion: 'v1', kind: 'Event', namespace: 'flux-system' })
      .filter((e: any) => e.involvedObject.name === 'gitops');
    assert.ok(
      events.some(
        (e: any) =>
          e.reason === 'NewArtifact' &&
          e.message === "stored artifact for commit 'initial commit'" &&
          e.type === 'Normal',
      ),
    );
    // the archive has the tree without .git and without default-ignored files
    const out = await mkdtemp(path.join(tmpdir(), 'artifact-'));
    try {
      await tar.x({ file: path.join(bed.dir, 'flux', 'artifacts', artifact.path), cwd: out });
      assert.deepEqual(await readdir(out, { recursive: true }), ['apps', 'apps/cm.yaml']);
    } finally {
      await rm(out, { recursive: true, force: true });
    }
    const logs = bed.logLines.map((l) => JSON.parse(l.line));
    assert.ok(
      logs.some(
        (l) =>
          l.msg === "stored artifact for commit 'initial commit'" &&
          l.controller === 'gitrepository' &&
          l.controllerGroup === 'source.toolkit.fluxcd.io' &&
          l.controllerKind === 'GitRepository' &&
          l.name === 'gitops' &&
          l.namespace === 'flux-system' &&
          l.level === 'info' &&
          l.reconcileID,
      ),
      `log lines: ${JSON.stringify(logs)}`,
    );
  });

  it('picks up a new commit on reconcile request and records lastHandledReconcileAt', async () => {
    const next = await repo.commit(
      { 'apps/cm2.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n' },
      'add b',
    );
    const token = bed.requestReconcile({ ...GR, name: 'gitops' }, new Date().toISOString());
    const got = await bed.waitFor(
      { ...GR, name: 'gitops' },
      (o) => o.status?.lastHandledReconcileAt === token && o.status?.artifact?.revision === `main@sha1:${next}`,
      'to handle the reconcile request and store the new revision',
    );
    assert.equal(condition(got, 'Ready')!.status, 'True');
    assert.equal(condition(got, 'ArtifactOutdated'), undefined);
    const artifact = (sha: string) =>
      path.join(bed.dir, 'flux', 'artifacts', `gitrepository/flux-system/gitops/${sha}.tar.gz`);
    // Two retention records, as source-controller's default: the previous artifact stays for a consumer mid-fetch.
    assert.ok(existsSync(artifact(head)), 'the previous artifact is kept');
    const third = await repo.commit(
      { 'apps/cm3.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n' },
      'add c',
    );
    bed.requestReconcile({ ...GR, name: 'gitops' }, new Date(Date.now() + 1).toISOString());
    await bed.waitFor(
      { ...GR, name: 'gitops' },
      (o) => o.status?.artifact?.revision === `main@sha1:${third}`,
      'to store the third revision',
    );
    assert.ok(!existsSync(artifact(head)), 'the artifact two revisions back is garbage-collected');
    assert.ok(existsSync(artifact(next)), 'the one before the current is kept');
  });

  it('reports fetch failures as FetchFailed and Ready=False (GitOperationFailed)', async () => {
    bed.apply({
      ...GR,
      metadata: { name: 'missing-branch', namespace: 'flux-system' },
      spec: { url: repo.url, interval: '1m', ref: { branch: 'nope' } },
    });
    const failed = await bed.waitFor(
      { ...GR, name: 'missing-branch' },
      (o) => condition(o, 'Ready')?.status === 'False',
      'to be Ready=False',
    );
    const fetch = condition(failed, 'FetchFailed')!;
    assert.equal(fetch.status, 'True');
    assert.equal(fetch.reason, 'GitOperationFailed');
    assert.equal(
      fetch.message,
      `failed to checkout and determine revision: couldn't find remote ref "refs/heads/nope"`,
    );
    assert.equal(condition(failed, 'Ready')!.message, fetch.message);
    assert.equal(condition(failed, 'Reconciling')?.reason, 'ProgressingWithRetry');
  });

  it('git-rate-limit: the fetch fails with FetchFailed quoting the 429 the way go-git (source-controller) words it', async () => {
    bed.faults.set(parseFault('git-rate-limit'));
    try {
      const token = bed.requestReconcile({ ...GR, name: 'gitops' }, `rl-${Date.now()}`);
      const failed = await bed.waitFor(
        { ...GR, name: 'gitops' },
        (o) => o.status?.lastHandledReconcileAt === token && condition(o, 'FetchFailed')?.status === 'True',
        'to fail the fetch',
      );
      const fetch = condition(failed, 'FetchFailed')!;
      assert.equal(fetch.reason, 'GitOperationFailed');
      assert.equal(
        fetch.message,
        `failed to checkout and determine revision: unable to clone '${repo.url}': unexpected client error: unexpected requesting "${repo.url}/info/refs?service=git-upload-pack" status code: 429`,
      );
      assert.equal(condition(failed, 'Ready')!.status, 'False');
    } finally {
      bed.faults.clear('git-rate-limit');
    }
    const token = bed.requestReconcile({ ...GR, name: 'gitops' }, `ok-${Date.now()}`);
    await bed.waitFor(
      { ...GR, name: 'gitops' },
      (o) => o.status?.lastHandledReconcileAt === token && isReady(o) && condition(o, 'FetchFailed') === undefined,
      'to recover',
    );
  });
});
