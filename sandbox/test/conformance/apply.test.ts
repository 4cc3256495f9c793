/**
 * Writing with `kubectl apply` (client-side: created → configured → unchanged, for a built-in kind merged
 * strategically and a Flux kind merged with a JSON merge patch), `apply --server-side` (managed fields, field
 * conflicts), strict field validation of unknown fields, and `create` of an existing object (AlreadyExists).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { ConformanceCluster } from './conformance-cluster.ts';
import { loadFluxKinds } from './flux-crd-catalog.ts';
import { fluxObject } from './flux-objects.ts';
import { KUBECTL_CLIENTS } from './kubectl-clients.ts';
import type { KubectlRunner } from './kubectl-runner.ts';
import type { KubeObject } from '../../kube/types.ts';

const cluster = new ConformanceCluster();
const gitRepository = loadFluxKinds('2.9').find((k) => k.kind === 'GitRepository')!;

before(() => cluster.start());
after(() => cluster.stop());

/** managedFields entries as the server returns them. */
interface ManagedField {
  manager: string;
  operation: string;
  apiVersion: string;
  fieldsType: string;
  fieldsV1: Record<string, unknown>;
}

for (const client of KUBECTL_CLIENTS) {
  describe(`apply and create with ${client.title}`, () => {
    const ns = `${client.id}-apply`;
    let kubectl: KubectlRunner;
    /** Writes `obj` to a YAML file named after the client and answers its path. */
    const manifest = (name: string, obj: KubeObject) => cluster.writeFile(`${client.id}-${name}.yaml`, stringify(obj));

    before(async () => {
      kubectl = await cluster.kubectl(client);
      cluster.api.kube.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    });

    it('applies a ConfigMap client-side: created, configured, unchanged', async () => {
      const cm: KubeObject = {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'settings', namespace: ns },
        data: { a: '1' },
      };
      const file = await manifest('cm', cm);
      assert.equal(await kubectl.ok(['apply', '-f', file]), 'configmap/settings created\n');
      await manifest('cm', { ...cm, data: { a: '1', b: '2' } });
      assert.equal(await kubectl.ok(['apply', '-f', file]), 'configmap/settings configured\n');
      assert.equal(await kubectl.ok(['apply', '-f', file]), 'configmap/settings unchanged\n');
      // Removing a key from the manifest removes it from the object (three-way merge with last-applied).
      await manifest('cm', { ...cm, data: { b: '2' } });
      assert.equal(await kubectl.ok(['apply', '-f', file]), 'configmap/settings configured\n');
      const stored = cluster.api.kube.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name: 'settings' });
      assert.deepEqual(stored?.data, { b: '2' });
      const lastApplied = JSON.parse(
        stored?.metadata.annotations?.['kubectl.kubernetes.io/last-applied-configuration'] ?? '{}',
      );
      assert.deepEqual(lastApplied.data, { b: '2' });
    });

    it('applies a GitRepository client-side: created, configured, unchanged, generation bumped once', async () => {
      const repo = fluxObject(gitRepository, ns, 'client-side');
      const file = await manifest('repo', repo);
      const ref = `${gitRepository.singular}.${gitRepository.group}/client-side`;
      assert.equal(await kubectl.ok(['apply', '-f', file]), `${ref} created\n`);
      await manifest('repo', { ...repo, spec: { ...repo.spec, interval: '7m' } });
      assert.equal(await kubectl.ok(['apply', '-f', file]), `${ref} configured\n`);
      assert.equal(await kubectl.ok(['apply', '-f', file]), `${ref} unchanged\n`);
      const stored = cluster.api.kube.get({
        apiVersion: repo.apiVersion,
        kind: repo.kind,
        namespace: ns,
        name: 'client-side',
      });
      assert.equal(stored?.spec.interval, '7m');
      assert.equal(stored?.metadata.generation, 2);
      assert.equal(stored?.status?.observedGeneration, -1, 'the CRD default for status.observedGeneration applies');
    });

    it('applies a GitRepository server-side, records the manager, and reports field conflicts', async () => {
      const repo = fluxObject(gitRepository, ns, 'server-side');
      const file = await manifest('ssa', repo);
      const ref = `${gitRepository.singular}.${gitRepository.group}/server-side`;
      assert.equal(await kubectl.ok(['apply', '--server-side', '-f', file]), `${ref} serverside-applied\n`);
      await manifest('ssa', { ...repo, spec: { ...repo.spec, interval: '3m' } });
      assert.equal(await kubectl.ok(['apply', '--server-side', '-f', file]), `${ref} serverside-applied\n`);
      const stored = JSON.parse(
        await kubectl.ok(['get', 'gitrepository', 'server-side', '-n', ns, '-o', 'json', '--show-managed-fields']),
      ) as KubeObject;
      assert.equal(stored.spec.interval, '3m');
      const managed = stored.metadata.managedFields as ManagedField[];
      const kubectlEntry = managed.find((m) => m.manager === 'kubectl' && m.operation === 'Apply');
      assert.ok(kubectlEntry, `an Apply entry for manager kubectl in ${JSON.stringify(managed)}`);
      assert.equal(kubectlEntry.apiVersion, 'source.toolkit.fluxcd.io/v1');
      assert.ok(
        (kubectlEntry.fieldsV1['f:spec'] as Record<string, unknown>)?.['f:interval'],
        'kubectl owns spec.interval',
      );
      // Another manager changing a field kubectl owns conflicts unless forced.
      const other = await manifest('ssa-other', { ...repo, spec: { ...repo.spec, interval: '9m' } });
      const conflict = await kubectl.run(['apply', '--server-side', '--field-manager', 'other', '-f', other]);
      assert.equal(conflict.code, 1);
      // An applier is named without a version (upstream printManager); only Update managers get `using <version>`.
      assert.match(
        conflict.stderr,
        /^error: Apply failed with 1 conflict: conflict with "kubectl": \.spec\.interval$/m,
      );
      const forced = await kubectl.ok([
        'apply',
        '--server-side',
        '--field-manager',
        'other',
        '--force-conflicts',
        '-f',
        other,
      ]);
      assert.equal(forced, `${ref} serverside-applied\n`);
      assert.equal(
        cluster.api.kube.get({ apiVersion: repo.apiVersion, kind: repo.kind, namespace: ns, name: 'server-side' })?.spec
          .interval,
        '9m',
      );
    });

    it('names an Update manager with its API version in a server-side apply conflict', async () => {
      const repo = fluxObject(gitRepository, ns, 'migrated');
      cluster.api.kube.create(repo);
      await kubectl.ok([
        'patch',
        'gitrepository',
        'migrated',
        '-n',
        ns,
        '--type',
        'merge',
        '-p',
        '{"spec":{"interval":"4m"}}',
      ]);
      const file = await manifest('migrated', { ...repo, spec: { ...repo.spec, interval: '8m' } });
      const conflict = await kubectl.run(['apply', '--server-side', '-f', file]);
      assert.equal(conflict.code, 1);
      // Upstream builds manager identifiers without the time, so an updater prints as `"m" using <version>`.
      assert.match(
        conflict.stderr,
        /^error: Apply failed with 1 conflict: conflict with "kubectl-patch" using source\.toolkit\.fluxcd\.io\/v1: \.spec\.interval$/m,
      );
    });

    it('rejects an unknown field with strict validation, on create and on update', async () => {
      const repo = fluxObject(gitRepository, ns, 'strict');
      const file = await manifest('strict', { ...repo, spec: { ...repo.spec, foo: 'bar' } });
      const create = await kubectl.run(['apply', '-f', file]);
      assert.equal(create.code, 1, create.stdout);
      assert.match(
        create.stderr,
        /Error from server \(BadRequest\): error when creating ".*strict\.yaml": GitRepository in version "v1" cannot be handled as a GitRepository: strict decoding error: unknown field "spec\.foo"/,
      );
      assert.equal(
        cluster.api.kube.get({ apiVersion: repo.apiVersion, kind: repo.kind, namespace: ns, name: 'strict' }),
        undefined,
        'nothing was created',
      );
      const cm = await manifest('strict-cm', {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'strict', namespace: ns },
        data: { a: '1' },
        foo: 'bar',
      } as KubeObject);
      const builtin = await kubectl.run(['apply', '-f', cm]);
      assert.equal(builtin.code, 1);
      assert.match(
        builtin.stderr,
        /ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "foo"/,
      );
      // The same field on an existing object: the patch is rejected too.
      await manifest('strict', repo);
      await kubectl.ok(['apply', '-f', file]);
      await manifest('strict', { ...repo, spec: { ...repo.spec, foo: 'bar' } });
      const update = await kubectl.run(['apply', '-f', file]);
      assert.equal(update.code, 1, update.stdout);
      assert.match(update.stderr, /error when patching ".*strict\.yaml".*unknown field "spec\.foo"/s);
    });

    it('refuses to create an object twice with AlreadyExists', async () => {
      const cm = await manifest('twice-cm', {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'twice', namespace: ns },
        data: { a: '1' },
      });
      const repo = await manifest('twice-repo', fluxObject(gitRepository, ns, 'twice'));
      for (const [file, out] of [
        [cm, 'configmap/twice created\n'],
        [repo, `${gitRepository.singular}.${gitRepository.group}/twice created\n`],
      ]) {
        assert.equal(await kubectl.ok(['create', '-f', file]), out);
      }
      const [again, againRepo] = await Promise.all([
        kubectl.run(['create', '-f', cm]),
        kubectl.run(['create', '-f', repo]),
      ]);
      assert.equal(again.code, 1);
      assert.match(
        again.stderr,
        /Error from server \(AlreadyExists\): error when creating ".*twice-cm\.yaml": configmaps "twice" already exists/,
      );
      assert.equal(againRepo.code, 1);
      assert.match(
        againRepo.stderr,
        /Error from server \(AlreadyExists\): error when creating ".*twice-repo\.yaml": gitrepositories\.source\.toolkit\.fluxcd\.io "twice" already exists/,
      );
      const imperative = await kubectl.run(['create', 'configmap', 'twice', '-n', ns, '--from-literal', 'a=1']);
      assert.equal(imperative.code, 1);
      assert.match(imperative.stderr, /error: failed to create configmap: configmaps "twice" already exists/);
    });
  });
}
