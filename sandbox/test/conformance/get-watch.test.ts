/**
 * `kubectl get -w`: kubectl lists, prints the table, then watches (asking for one-row Tables per event) and
 * prints a line per change. The child's stdout is read as events: each change is made only after kubectl has
 * printed the previous one, and the line for it must arrive.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ChildLines } from '../support/child-lines.ts';
import { ConformanceCluster } from './conformance-cluster.ts';
import { crdHeader, loadFluxKinds } from './flux-crd-catalog.ts';
import { fluxObject } from './flux-objects.ts';
import { KUBECTL_CLIENTS } from './kubectl-clients.ts';
import type { KubectlRunner } from './kubectl-runner.ts';
import { AGE } from './table-text.ts';

const cluster = new ConformanceCluster();
const gitRepository = loadFluxKinds('2.9').find((k) => k.kind === 'GitRepository')!;
const children = new Set<ChildLines>();
/** An AGE cell inside a row pattern (no anchors). */
const AGE_CELL = new RegExp(AGE.source.slice(1, -1));

before(() => cluster.start());
after(async () => {
  await Promise.all([...children].map((c) => c.stop()));
  await cluster.stop();
});

/** A row line: the cells separated by kubectl's column padding. */
const row = (...cells: Array<string | RegExp>) =>
  new RegExp(
    `^${cells.map((c) => (typeof c === 'string' ? c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') : c.source)).join('\\s+')}\\s*$`,
  );

for (const client of KUBECTL_CLIENTS) {
  describe(`get -w with ${client.title}`, () => {
    const ns = `${client.id}-watch`;
    let kubectl: KubectlRunner;
    const start = (args: string[]) => {
      const child = new ChildLines(kubectl.spawn(args));
      children.add(child);
      return child;
    };

    before(async () => {
      kubectl = await cluster.kubectl(client);
      cluster.api.kube.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    });

    it('prints a line for each configmap added and modified while watching', async () => {
      const watch = start(['get', 'configmaps', '-n', ns, '-w']);
      try {
        await watch.line(row('NAME', 'DATA', 'AGE'), 'the table header');
        await watch.line(row('kube-root-ca.crt', '1', AGE_CELL), 'the existing kube-root-ca.crt row');
        const kube = cluster.api.kube;
        const created = kube.create({
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: 'watched', namespace: ns },
          data: { a: '1' },
        });
        await watch.line(row('watched', '1', AGE_CELL), 'the row of the created configmap');
        kube.update({ ...created, data: { a: '1', b: '2' } });
        await watch.line(row('watched', '2', AGE_CELL), 'the row of the updated configmap (DATA 2)');
      } finally {
        await watch.stop();
      }
    });

    it('prints event types with --output-watch-events, including DELETED', async () => {
      const watch = start(['get', 'configmaps', '-n', ns, '-w', '--output-watch-events']);
      try {
        await watch.line(row('EVENT', 'NAME', 'DATA', 'AGE'), 'the table header with EVENT');
        await watch.line(row('ADDED', 'kube-root-ca.crt', '1', AGE_CELL), 'the existing configmap as ADDED');
        const kube = cluster.api.kube;
        kube.create({
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: 'events', namespace: ns },
          data: { a: '1' },
        });
        await watch.line(row('ADDED', 'events', '1', AGE_CELL), 'ADDED for the new configmap');
        kube.patch(
          { apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name: 'events' },
          { data: { b: '2' } },
          'merge',
        );
        await watch.line(row('MODIFIED', 'events', '2', AGE_CELL), 'MODIFIED after the patch');
        kube.delete({ apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name: 'events' });
        await watch.line(row('DELETED', 'events', '2', AGE_CELL), 'DELETED after the delete');
      } finally {
        await watch.stop();
      }
    });

    it('watches a Flux kind with its CRD printer columns', async () => {
      const watch = start(['get', 'gitrepositories', '-n', ns, '-w']);
      try {
        const kube = cluster.api.kube;
        const repo = fluxObject(gitRepository, ns, 'watched-repo');
        kube.create(repo);
        await watch.line(
          new RegExp(`^${crdHeader(gitRepository).join('\\s+')}\\s*$`),
          'the GitRepository header from the CRD',
        );
        await watch.line(row('watched-repo', repo.spec.url, AGE_CELL), 'the row of the created GitRepository');
        const current = kube.get({
          apiVersion: repo.apiVersion,
          kind: repo.kind,
          namespace: ns,
          name: 'watched-repo',
        })!;
        kube.update(
          {
            ...current,
            status: {
              observedGeneration: current.metadata.generation,
              conditions: [
                {
                  type: 'Ready',
                  status: 'True',
                  reason: 'Succeeded',
                  message: 'stored artifact',
                  lastTransitionTime: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
                  observedGeneration: current.metadata.generation,
                },
              ],
            },
          },
          { subresource: 'status' },
        );
        await watch.line(
          row('watched-repo', repo.spec.url, AGE_CELL, 'True', 'stored artifact'),
          'the row with Ready=True after the status update',
        );
      } finally {
        await watch.stop();
      }
      assert.equal(watch.stderr.includes('error'), false, watch.stderr);
    });
  });
}
