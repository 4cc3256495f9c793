/**
 * Imperative creation with real kubectl: `kubectl run`, `kubectl create deployment`, `kubectl expose deployment`
 * and `kubectl create service clusterip`. `create deployment` and `create service` go through client-go's typed
 * clients, which send `Content-Type: application/vnd.kubernetes.protobuf` (measured with -v=9 on kubectl 1.32
 * and 1.35); `run` and `expose` send JSON. Every response is JSON, which kubectl accepts since it asks for
 * `application/vnd.kubernetes.protobuf,application/json`. The stored objects are read back with `get -o json`
 * to show that every field kubectl filled arrived.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ConformanceCluster } from './conformance-cluster.ts';
import { KUBECTL_CLIENTS } from './kubectl-clients.ts';
import type { KubectlRunner } from './kubectl-runner.ts';

/** The parts of the objects the assertions read. */
interface Container {
  name: string;
  image: string;
  command?: string[];
  ports?: { containerPort: number; protocol?: string }[];
  env?: { name: string; value?: string }[];
}
interface Workload {
  metadata: { name: string; labels?: Record<string, string> };
  spec: {
    replicas?: number;
    selector?: { matchLabels?: Record<string, string> };
    template?: { metadata: { labels?: Record<string, string> }; spec: { containers: Container[] } };
    containers?: Container[];
    ports?: { name?: string; port: number; targetPort?: number | string; protocol?: string }[];
    type?: string;
  };
}

const cluster = new ConformanceCluster();

before(() => cluster.start());
after(() => cluster.stop());

for (const client of KUBECTL_CLIENTS) {
  describe(`run, create deployment, expose and create service with ${client.title}`, () => {
    const ns = `${client.id}-create`;
    let kubectl: KubectlRunner;
    const getJson = async (ref: string): Promise<Workload> =>
      JSON.parse(await kubectl.ok(['get', ref, '-n', ns, '-o', 'json'])) as Workload;

    before(async () => {
      kubectl = await cluster.kubectl(client);
      cluster.api.kube.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    });

    it('kubectl run creates a pod with its image, port, env and the run label', async () => {
      const out = await kubectl.ok(['run', 'x', '--image=nginx', '--port=8080', '--env=MODE=demo', '-n', ns]);
      assert.equal(out, 'pod/x created\n');
      const pod = await getJson('pod/x');
      assert.deepEqual(pod.metadata.labels, { run: 'x' });
      const [container] = pod.spec.containers ?? [];
      assert.equal(container?.name, 'x');
      assert.equal(container?.image, 'nginx');
      assert.deepEqual(
        container?.ports?.map((p) => p.containerPort),
        [8080],
      );
      assert.deepEqual(container?.env, [{ name: 'MODE', value: 'demo' }]);
    });

    it('kubectl create deployment (a protobuf body) keeps replicas, selector, template, port and command', async () => {
      const out = await kubectl.ok([
        'create',
        'deployment',
        'd',
        '--image=nginx',
        '--replicas=2',
        '--port=80',
        '-n',
        ns,
        '--',
        'nginx',
        '-g',
        'daemon off;',
      ]);
      assert.equal(out, 'deployment.apps/d created\n');
      const deployment = await getJson('deployment/d');
      assert.deepEqual(deployment.metadata.labels, { app: 'd' });
      assert.equal(deployment.spec.replicas, 2);
      assert.deepEqual(deployment.spec.selector, { matchLabels: { app: 'd' } });
      assert.deepEqual(deployment.spec.template?.metadata.labels, { app: 'd' });
      const [container] = deployment.spec.template?.spec.containers ?? [];
      assert.equal(container?.name, 'nginx');
      assert.equal(container?.image, 'nginx');
      assert.deepEqual(container?.command, ['nginx', '-g', 'daemon off;']);
      assert.deepEqual(
        container?.ports?.map((p) => p.containerPort),
        [80],
      );
    });

    it('kubectl create deployment --replicas=0 keeps the explicit zero', async () => {
      await kubectl.ok(['create', 'deployment', 'zero', '--image=nginx', '--replicas=0', '-n', ns]);
      assert.equal((await getJson('deployment/zero')).spec.replicas, 0);
    });

    it('kubectl expose deployment creates a service selecting its pods', async () => {
      const out = await kubectl.ok(['expose', 'deployment', 'd', '--port=80', '--target-port=8080', '-n', ns]);
      assert.equal(out, 'service/d exposed\n');
      const service = await getJson('service/d');
      assert.deepEqual((service.spec as { selector?: Record<string, string> }).selector, { app: 'd' });
      assert.deepEqual(
        service.spec.ports?.map((p) => [p.port, p.targetPort, p.protocol]),
        [[80, 8080, 'TCP']],
      );
      assert.equal(service.spec.type, 'ClusterIP');
    });

    it('kubectl create service nodeport (a protobuf body) keeps the ports, the named target port and the type', async () => {
      const out = await kubectl.ok(['create', 'service', 'nodeport', 'np', '--tcp=8443:https', '-n', ns]);
      assert.equal(out, 'service/np created\n');
      const service = await getJson('service/np');
      assert.equal(service.spec.type, 'NodePort');
      assert.deepEqual((service.spec as { selector?: Record<string, string> }).selector, { app: 'np' });
      assert.deepEqual(
        service.spec.ports?.map((p) => [p.name, p.port, p.targetPort]),
        [['8443-https', 8443, 'https']],
      );
    });
  });
}
