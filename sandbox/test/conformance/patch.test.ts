/**
 * Changing objects in place with real kubectl: `annotate`, `label`, `patch` (merge, JSON, default strategic on a
 * Deployment with containers merged by name, strategic on a custom resource refused as a real server does),
 * `patch --subresource=status` on a Flux object, and `scale`.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ConformanceCluster } from './conformance-cluster.ts';
import { loadFluxKinds } from './flux-crd-catalog.ts';
import { fluxObject } from './flux-objects.ts';
import { appDeployment } from '../support/objects.ts';
import { KUBECTL_CLIENTS } from './kubectl-clients.ts';
import type { KubectlRunner } from './kubectl-runner.ts';

const cluster = new ConformanceCluster();
const gitRepository = loadFluxKinds('2.9').find((k) => k.kind === 'GitRepository')!;
const repoRef = `${gitRepository.singular}.${gitRepository.group}`;

before(() => cluster.start());
after(() => cluster.stop());

for (const client of KUBECTL_CLIENTS) {
  describe(`annotate, label, patch and scale with ${client.title}`, () => {
    const ns = `${client.id}-patch`;
    let kubectl: KubectlRunner;
    const repo = (name: string) =>
      cluster.api.kube.get({
        apiVersion: `${gitRepository.group}/${gitRepository.version}`,
        kind: 'GitRepository',
        namespace: ns,
        name,
      });
    const deployment = (name: string) =>
      cluster.api.kube.get({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: ns, name });

    before(async () => {
      kubectl = await cluster.kubectl(client);
      const kube = cluster.api.kube;
      kube.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
      for (const name of ['annotated', 'merged', 'json', 'strategic', 'status'])
        kube.create(fluxObject(gitRepository, ns, name));
      kube.create({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'labelled', namespace: ns },
        data: { a: '1' },
      });
      const web = appDeployment(
        'web',
        ns,
        [
          { name: 'app', image: 'registry.example.com/app:1.0' },
          { name: 'sidecar', image: 'registry.example.com/sidecar:1.0' },
        ],
        { replicas: 1 },
      );
      kube.create(web);
    });

    it('annotates a GitRepository, refuses to overwrite without --overwrite, and removes the annotation', async () => {
      assert.equal(
        await kubectl.ok(['annotate', 'gitrepository', 'annotated', '-n', ns, 'note=hello']),
        `${repoRef}/annotated annotated\n`,
      );
      assert.equal(repo('annotated')?.metadata.annotations?.note, 'hello');
      const again = await kubectl.run(['annotate', 'gitrepository', 'annotated', '-n', ns, 'note=bye']);
      assert.equal(again.code, 1);
      assert.match(
        again.stderr,
        /--overwrite is false but found the following declared annotation\(s\): 'note' already has a value \(hello\)/,
      );
      assert.equal(
        await kubectl.ok(['annotate', 'gitrepository', 'annotated', '-n', ns, 'note=bye', '--overwrite']),
        `${repoRef}/annotated annotated\n`,
      );
      assert.equal(repo('annotated')?.metadata.annotations?.note, 'bye');
      assert.equal(
        await kubectl.ok(['annotate', 'gitrepository', 'annotated', '-n', ns, 'note-']),
        `${repoRef}/annotated annotated\n`,
      );
      assert.equal(repo('annotated')?.metadata.annotations?.note, undefined);
      assert.equal(repo('annotated')?.metadata.generation, 1, 'metadata changes do not bump generation');
    });

    it('labels and unlabels a ConfigMap', async () => {
      assert.equal(
        await kubectl.ok(['label', 'configmap', 'labelled', '-n', ns, 'tier=gpu']),
        'configmap/labelled labeled\n',
      );
      assert.equal(
        await kubectl.ok(['get', 'configmap', '-n', ns, '-l', 'tier=gpu', '-o', 'name']),
        'configmap/labelled\n',
      );
      assert.equal(
        await kubectl.ok(['label', 'configmap', 'labelled', '-n', ns, 'tier-']),
        'configmap/labelled unlabeled\n',
      );
      const cm = cluster.api.kube.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name: 'labelled' });
      assert.equal(cm?.metadata.labels?.tier, undefined);
    });

    it('merge-patches a GitRepository, bumping generation once and reporting "no change" after', async () => {
      const patch = JSON.stringify({ spec: { interval: '5m', ref: { tag: 'v1.0.0' } } });
      assert.equal(
        await kubectl.ok(['patch', 'gitrepository', 'merged', '-n', ns, '--type', 'merge', '-p', patch]),
        `${repoRef}/merged patched\n`,
      );
      assert.equal(
        await kubectl.ok(['patch', 'gitrepository', 'merged', '-n', ns, '--type', 'merge', '-p', patch]),
        `${repoRef}/merged patched (no change)\n`,
      );
      const stored = repo('merged');
      assert.equal(stored?.spec.interval, '5m');
      assert.deepEqual(stored?.spec.ref, { branch: 'main', tag: 'v1.0.0' });
      assert.equal(stored?.metadata.generation, 2);
    });

    it('JSON-patches a GitRepository', async () => {
      const patch = JSON.stringify([
        { op: 'replace', path: '/spec/interval', value: '2m' },
        { op: 'add', path: '/metadata/labels/patched', value: 'json' },
        { op: 'remove', path: '/spec/ref' },
      ]);
      assert.equal(
        await kubectl.ok(['patch', 'gitrepository', 'json', '-n', ns, '--type', 'json', '-p', patch]),
        `${repoRef}/json patched\n`,
      );
      const stored = repo('json');
      assert.equal(stored?.spec.interval, '2m');
      assert.equal(stored?.spec.ref, undefined);
      assert.equal(stored?.metadata.labels?.patched, 'json');
    });

    it('strategic-merges a Deployment by default: containers merge by name', async () => {
      const patch = JSON.stringify({
        spec: { template: { spec: { containers: [{ name: 'app', image: 'registry.example.com/app:2.0' }] } } },
      });
      assert.equal(
        await kubectl.ok(['patch', 'deployment', 'web', '-n', ns, '-p', patch]),
        'deployment.apps/web patched\n',
      );
      const containers = deployment('web')?.spec.template.spec.containers as Array<{ name: string; image: string }>;
      assert.deepEqual(
        containers.map((c) => [c.name, c.image]),
        [
          ['app', 'registry.example.com/app:2.0'],
          ['sidecar', 'registry.example.com/sidecar:1.0'],
        ],
      );
      assert.equal(deployment('web')?.metadata.generation, 2);
    });

    it('refuses a strategic merge patch of a custom resource as a real server does (415)', async () => {
      const result = await kubectl.run([
        'patch',
        'gitrepository',
        'strategic',
        '-n',
        ns,
        '-p',
        '{"spec":{"interval":"9m"}}',
      ]);
      assert.equal(result.code, 1);
      assert.match(
        result.stderr,
        /^error: application\/strategic-merge-patch\+json is not supported by source\.toolkit\.fluxcd\.io\/v1, Kind=GitRepository: the body of the request was in an unknown format - accepted media types include: application\/json-patch\+json, application\/merge-patch\+json, application\/apply-patch\+yaml$/m,
      );
      assert.equal(repo('strategic')?.spec.interval, '1m', 'the object is unchanged');
    });

    it('patches the status subresource of a GitRepository; the main resource ignores status', async () => {
      const status = JSON.stringify({
        status: {
          observedGeneration: 1,
          conditions: [
            {
              type: 'Ready',
              status: 'True',
              reason: 'Succeeded',
              message: 'ok',
              lastTransitionTime: '2026-01-01T00:00:00Z',
            },
          ],
        },
      });
      const ignored = await kubectl.ok(['patch', 'gitrepository', 'status', '-n', ns, '--type', 'merge', '-p', status]);
      assert.equal(ignored, `${repoRef}/status patched (no change)\n`);
      assert.equal(repo('status')?.status?.conditions, undefined);
      assert.equal(
        await kubectl.ok([
          'patch',
          'gitrepository',
          'status',
          '-n',
          ns,
          '--subresource=status',
          '--type',
          'merge',
          '-p',
          status,
        ]),
        `${repoRef}/status patched\n`,
      );
      const stored = repo('status');
      assert.equal(stored?.status?.conditions?.[0]?.status, 'True');
      assert.equal(stored?.status?.observedGeneration, 1);
      assert.equal(stored?.metadata.generation, 1, 'status writes do not bump generation');
      const ready = await kubectl.ok([
        'get',
        'gitrepository',
        'status',
        '-n',
        ns,
        '-o',
        'jsonpath={.status.conditions[?(@.type=="Ready")].status}',
      ]);
      assert.equal(ready, 'True');
    });

    it('scales a Deployment through the scale subresource', async () => {
      assert.equal(
        await kubectl.ok(['scale', 'deployment', 'web', '-n', ns, '--replicas=3']),
        'deployment.apps/web scaled\n',
      );
      assert.equal(deployment('web')?.spec.replicas, 3);
      const wrong = await kubectl.run(['scale', 'deployment', 'web', '-n', ns, '--replicas=4', '--current-replicas=1']);
      assert.equal(wrong.code, 1);
      assert.match(wrong.stderr, /Expected replicas to be 1, was 3/);
    });
  });
}
