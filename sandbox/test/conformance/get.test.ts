/**
 * `kubectl get` of the built-in kinds and of every Flux kind in every output format a user reaches for: the
 * default table, `-o wide|json|yaml|jsonpath|name`, `-l`, `-A`, `--field-selector`, `--show-labels`, and
 * multi-kind / category gets. Table headers are compared with what real kubectl prints against a real cluster:
 * built-ins from the upstream printers (k8s.io/kubernetes/pkg/printers/internalversion/printers.go), Flux kinds
 * from the vendored CRDs' additionalPrinterColumns.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { createBuiltin } from './builtin-objects.ts';
import { ConformanceCluster } from './conformance-cluster.ts';
import { crdHeader, loadFluxKinds } from './flux-crd-catalog.ts';
import { fluxObject, yamlStream } from './flux-objects.ts';
import { KUBECTL_CLIENTS } from './kubectl-clients.ts';
import type { KubectlRunner } from './kubectl-runner.ts';
import { AGE, columnValues, parseTable, parseTables } from './table-text.ts';
import { TaskPool } from './task-pool.ts';

/** One kind as `kubectl get` addresses and prints it. */
interface Subject {
  resource: string;
  kind: string;
  /** `kubectl get -o name` prefix: `pod`, `deployment.apps`, `gitrepository.source.toolkit.fluxcd.io`. */
  nameRef: string;
  namespaced: boolean;
  header: string[];
  wideHeader: string[];
  /** The column that identifies a row (events print their name only with -o wide; the message carries it). */
  idColumn: string;
}

/**
 * One built-in kind (namespaced unless said), its columns comma-separated: `-o wide` prints `header` then `wide`;
 * rows are told apart by NAME.
 */
function builtin(resource: string, kind: string, nameRef: string, header: string, wide = '', namespaced = true) {
  const columns = header.split(',');
  const wideHeader = wide ? [...columns, ...wide.split(',')] : columns;
  return { resource, kind, nameRef, namespaced, header: columns, wideHeader, idColumn: 'NAME' };
}

/** What real kubectl prints for the built-ins (upstream printers.go column definitions, upper-cased). */
const BUILTIN_SUBJECTS: Subject[] = [
  builtin('namespaces', 'Namespace', 'namespace', 'NAME,STATUS,AGE', '', false),
  builtin(
    'nodes',
    'Node',
    'node',
    'NAME,STATUS,ROLES,AGE,VERSION',
    'INTERNAL-IP,EXTERNAL-IP,OS-IMAGE,KERNEL-VERSION,CONTAINER-RUNTIME',
    false,
  ),
  builtin('pods', 'Pod', 'pod', 'NAME,READY,STATUS,RESTARTS,AGE', 'IP,NODE,NOMINATED NODE,READINESS GATES'),
  builtin(
    'deployments',
    'Deployment',
    'deployment.apps',
    'NAME,READY,UP-TO-DATE,AVAILABLE,AGE',
    'CONTAINERS,IMAGES,SELECTOR',
  ),
  builtin('configmaps', 'ConfigMap', 'configmap', 'NAME,DATA,AGE'),
  builtin('services', 'Service', 'service', 'NAME,TYPE,CLUSTER-IP,EXTERNAL-IP,PORT(S),AGE', 'SELECTOR'),
  {
    // events insert SUBOBJECT and SOURCE before MESSAGE with -o wide, and print their name only then
    ...builtin('events', 'Event', 'event', 'LAST SEEN,TYPE,REASON,OBJECT,MESSAGE'),
    wideHeader: 'LAST SEEN,TYPE,REASON,OBJECT,SUBOBJECT,SOURCE,MESSAGE,FIRST SEEN,COUNT,NAME'.split(','),
    idColumn: 'MESSAGE',
  },
];

const fluxKinds = loadFluxKinds('2.9');
const FLUX_SUBJECTS: Subject[] = fluxKinds.map((k) => ({
  resource: k.plural,
  kind: k.kind,
  nameRef: `${k.singular}.${k.group}`,
  namespaced: true,
  header: crdHeader(k),
  wideHeader: crdHeader(k, { wide: true }),
  idColumn: 'NAME',
}));

const cluster = new ConformanceCluster();
before(() => cluster.start());
after(() => cluster.stop());

/** A list as kubectl prints it with -o json / -o yaml. */
interface PrintedList {
  kind: string;
  apiVersion: string;
  items: Array<{
    kind: string;
    apiVersion: string;
    metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  }>;
}

for (const client of KUBECTL_CLIENTS) {
  describe(`get with ${client.title}`, () => {
    const ns = client.id;
    const [alpha, beta] = [`${client.id}-alpha`, `${client.id}-beta`];
    let kubectl: KubectlRunner;

    before(async () => {
      kubectl = await cluster.kubectl(client);
      const kube = cluster.api.kube;
      kube.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
      for (const subject of BUILTIN_SUBJECTS)
        for (const name of [alpha, beta]) createBuiltin(kube, subject.resource, ns, name);
      const objects = fluxKinds.flatMap((k) => [fluxObject(k, ns, alpha), fluxObject(k, ns, beta)]);
      const applied = await kubectl.ok(['apply', '-f', '-'], { input: yamlStream(objects) });
      for (const k of fluxKinds)
        assert.match(applied, new RegExp(`^${k.singular}\\.${k.group.replace(/\./g, '\\.')}/${alpha} created$`, 'm'));
    });

    /** Every output format of `get` for one kind; failures name the command. */
    const everyFormat = async (subject: Subject) => {
      const scope = subject.namespaced ? ['-n', ns] : [];
      const get = (...args: string[]) => kubectl.ok(['get', subject.resource, ...scope, ...args]);
      const ids = (out: string, header = subject.header) => {
        const table = parseTable(out);
        assert.deepEqual(table.header, header, `kubectl get ${subject.resource} ${scope.join(' ')} header`);
        return { table, ids: columnValues(table, subject.idColumn) };
      };
      const mine = (names: string[]) => names.filter((n) => n === alpha || n === beta).sort();
      const checkList = (list: PrintedList, format: string) => {
        assert.equal(list.kind, 'List', `-o ${format} prints a List`);
        const names = list.items.map((i) => i.metadata.name);
        assert.deepEqual(mine(names), [alpha, beta], `-o ${format} lists both objects`);
        for (const item of list.items) assert.equal(item.kind, subject.kind, `-o ${format} items carry kind`);
        if (subject.namespaced)
          assert.deepEqual(names, [...names].sort(), `-o ${format} lists namespace ${ns} sorted by name`);
        if (subject.namespaced)
          for (const item of list.items)
            assert.equal(item.metadata.namespace, ns, `-o ${format} lists only namespace ${ns}`);
      };
      await new TaskPool(4).all([
        async () => {
          const { ids: names } = ids(await get());
          assert.deepEqual(mine(names), [alpha, beta], 'default table lists both objects');
        },
        async () => {
          const { ids: names } = ids(await get('-o', 'wide'), subject.wideHeader);
          assert.deepEqual(mine(names), [alpha, beta], '-o wide lists both objects');
        },
        async () => checkList(JSON.parse(await get('-o', 'json')) as PrintedList, 'json'),
        async () => checkList(parse(await get('-o', 'yaml')) as PrintedList, 'yaml'),
        async () => {
          const names = (await get('-o', 'jsonpath={.items[*].metadata.name}')).trim().split(' ');
          assert.deepEqual(mine(names), [alpha, beta], '-o jsonpath prints both names');
          if (subject.namespaced) assert.deepEqual(names, [...names].sort(), '-o jsonpath lists names sorted');
        },
        async () => {
          const lines = (await get('-o', 'name')).trim().split('\n');
          assert.deepEqual(lines.filter((l) => l.endsWith(`/${alpha}`) || l.endsWith(`/${beta}`)).sort(), [
            `${subject.nameRef}/${alpha}`,
            `${subject.nameRef}/${beta}`,
          ]);
        },
        async () => {
          const { ids: names } = ids(await get('-l', `app=${alpha}`));
          assert.deepEqual(names, [alpha], `-l app=${alpha} selects one object`);
        },
        async () => {
          const out = await kubectl.ok(['get', subject.resource, '-A']);
          const header = subject.namespaced ? ['NAMESPACE', ...subject.header] : subject.header;
          const { table, ids: names } = ids(out, header);
          assert.deepEqual(mine(names), [alpha, beta], '-A lists both objects');
          if (subject.namespaced)
            assert.deepEqual(
              [
                ...new Set(
                  table.rows.filter((r) => mine([r[header.indexOf(subject.idColumn)]]).length).map((r) => r[0]),
                ),
              ],
              [ns],
            );
        },
        async () => {
          const { ids: names } = ids(await get('--field-selector', `metadata.name=${beta}`));
          assert.deepEqual(names, [beta], `--field-selector metadata.name=${beta} selects one object`);
        },
        async () => {
          const { table, ids: names } = ids(await get('--show-labels'), [...subject.header, 'LABELS']);
          const labelsOf = columnValues(table, 'LABELS')[names.indexOf(alpha)];
          assert.ok(
            labelsOf?.split(',').includes(`app=${alpha}`),
            `--show-labels prints app=${alpha}, got ${labelsOf}`,
          );
        },
      ]);
    };

    for (const subject of BUILTIN_SUBJECTS) {
      it(`gets ${subject.resource} in every output format`, () => everyFormat(subject));
    }
    for (const subject of FLUX_SUBJECTS) {
      it(`gets ${subject.resource} in every output format`, () => everyFormat(subject));
    }

    it('prints the cells real kubectl prints for the built-ins (-o wide)', async () => {
      /** Expected wide cells per kind for the `alpha` object, as a real cluster shows the same objects. */
      const expected: Record<string, Record<string, RegExp | string>> = {
        namespaces: { NAME: alpha, STATUS: 'Active', AGE },
        nodes: {
          NAME: alpha,
          STATUS: 'Ready',
          ROLES: 'worker',
          VERSION: 'v1.32.9',
          'INTERNAL-IP': '10.0.0.10',
          'EXTERNAL-IP': '<none>',
          'OS-IMAGE': 'Debian GNU/Linux 12 (bookworm)',
          'KERNEL-VERSION': '6.1.0',
          'CONTAINER-RUNTIME': 'containerd://1.7.24',
        },
        pods: {
          NAME: alpha,
          READY: '1/1',
          STATUS: 'Running',
          RESTARTS: '0',
          AGE,
          IP: '10.244.0.17',
          NODE: 'sandbox-node',
          'NOMINATED NODE': '<none>',
          'READINESS GATES': '<none>',
        },
        deployments: {
          NAME: alpha,
          READY: '0/1',
          'UP-TO-DATE': '0',
          AVAILABLE: '0',
          CONTAINERS: 'app',
          IMAGES: 'registry.example.com/app:1.0',
          SELECTOR: `app=${alpha}`,
        },
        configmaps: { NAME: alpha, DATA: '1' },
        services: {
          NAME: alpha,
          TYPE: 'ClusterIP',
          'CLUSTER-IP': /^\d+\.\d+\.\d+\.\d+$/,
          'EXTERNAL-IP': '<none>',
          'PORT(S)': '80/TCP',
          SELECTOR: `app=${alpha}`,
        },
        events: {
          'LAST SEEN': AGE,
          TYPE: 'Normal',
          REASON: 'Started',
          OBJECT: `pod/${alpha}`,
          SOURCE: 'kubelet',
          MESSAGE: alpha,
          COUNT: '1',
          NAME: alpha,
        },
      };
      await new TaskPool(4).all(
        BUILTIN_SUBJECTS.map((subject) => async () => {
          const scope = subject.namespaced ? ['-n', ns] : [];
          const table = parseTable(
            await kubectl.ok([
              'get',
              subject.resource,
              ...scope,
              '-o',
              'wide',
              '--field-selector',
              `metadata.name=${alpha}`,
            ]),
          );
          assert.equal(table.rows.length, 1, `one ${subject.resource} row`);
          for (const [columnName, want] of Object.entries(expected[subject.resource])) {
            const cell = columnValues(table, columnName)[0];
            if (typeof want === 'string') assert.equal(cell, want, `${subject.resource} ${columnName}`);
            else assert.match(cell, want, `${subject.resource} ${columnName}`);
          }
        }),
      );
    });

    it('prints the CRD printer columns of Flux objects from their specs', async () => {
      const kind = fluxKinds.find((k) => k.kind === 'GitRepository')!;
      const table = parseTable(await kubectl.ok(['get', 'gitrepo', alpha, '-n', ns]));
      const expected = fluxObject(kind, ns, alpha).spec.url;
      assert.deepEqual(columnValues(table, 'URL'), [expected]);
      assert.match(columnValues(table, 'AGE')[0], AGE);
    });

    it('prints one table per kind, names as kind/name, for a multi-kind get', async () => {
      const out = await kubectl.ok(['get', 'gitrepository,kustomization,helmrelease', '-n', ns]);
      const tables = parseTables(out);
      const kinds = ['GitRepository', 'Kustomization', 'HelmRelease'].map((name) =>
        fluxKinds.find((k) => k.kind === name)!,
      );
      assert.equal(tables.length, 3, out);
      tables.forEach((table, i) => {
        assert.deepEqual(table.header, crdHeader(kinds[i]));
        assert.deepEqual(
          columnValues(table, 'NAME'),
          [alpha, beta].map((n) => `${kinds[i].singular}.${kinds[i].group}/${n}`),
        );
      });
    });

    it('expands categories (fluxcd-appliers, all) into one table per kind', async () => {
      const [appliers, all] = await Promise.all([
        kubectl.ok(['get', 'fluxcd-appliers', '-n', ns, '-o', 'name']),
        kubectl.ok(['get', 'all', '-n', ns]),
      ]);
      const expectedAppliers = fluxKinds
        .filter((k) => k.categories.includes('fluxcd-appliers'))
        .flatMap((k) => [alpha, beta].map((n) => `${k.singular}.${k.group}/${n}`));
      assert.deepEqual(appliers.trim().split('\n').sort(), expectedAppliers.sort());
      const prefixes = new Set(parseTables(all).flatMap((t) => columnValues(t, 'NAME').map((n) => n.split('/')[0])));
      for (const expected of [
        'pod',
        'service',
        'deployment.apps',
        ...fluxKinds.map((k) => `${k.singular}.${k.group}`),
      ]) {
        assert.ok(prefixes.has(expected), `get all lists ${expected}; saw ${[...prefixes].join(' ')}`);
      }
    });

    it('describes a pod with its events, lists events with kubectl events, and pages with --chunk-size', async () => {
      const [describe, events, chunked, whole, describeRepo] = await Promise.all([
        kubectl.ok(['describe', 'pod', alpha, '-n', ns]),
        kubectl.ok(['events', '-n', ns]),
        kubectl.ok(['get', 'configmaps', '-n', ns, '--chunk-size=1', '-o', 'name']),
        kubectl.ok(['get', 'configmaps', '-n', ns, '-o', 'name']),
        kubectl.ok(['describe', 'gitrepository', alpha, '-n', ns]),
      ]);
      assert.match(describe, new RegExp(`^Name:\\s+${alpha}$`, 'm'));
      assert.match(describe, /^Status:\s+Running$/m);
      assert.match(describe, /^IP:\s+10\.244\.0\.17$/m);
      assert.match(
        describe,
        new RegExp(
          `^Events:\\n\\s+Type\\s+Reason\\s+Age\\s+From\\s+Message\\n\\s+-+.*\\n\\s+Normal\\s+Started\\s+\\S+\\s+kubelet\\s+${alpha}$`,
          'm',
        ),
      );
      const eventTable = parseTable(events);
      assert.deepEqual(eventTable.header, ['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE']);
      assert.deepEqual(columnValues(eventTable, 'OBJECT').sort(), [`Pod/${alpha}`, `Pod/${beta}`]);
      assert.equal(chunked, whole, 'paging with limit/continue lists the same objects');
      assert.ok(whole.split('\n').length >= 3, whole);
      assert.match(describeRepo, /^Kind:\s+GitRepository$/m);
      assert.match(
        describeRepo,
        new RegExp(
          `^\\s+URL:\\s+${fluxObject(
            fluxKinds.find((k) => k.kind === 'GitRepository')!,
            ns,
            alpha,
          ).spec.url.replace(/\./g, '\\.')}$`,
          'm',
        ),
      );
    });

    it('answers a missing object with NotFound and exit code 1', async () => {
      const result = await kubectl.run(['get', 'gitrepository', 'missing', '-n', ns]);
      assert.equal(result.code, 1);
      assert.match(
        result.stderr,
        /Error from server \(NotFound\): gitrepositories\.source\.toolkit\.fluxcd\.io "missing" not found/,
      );
      const pod = await kubectl.run(['get', 'pod', 'missing', '-n', ns]);
      assert.equal(pod.code, 1);
      assert.match(pod.stderr, /Error from server \(NotFound\): pods "missing" not found/);
    });
  });
}
