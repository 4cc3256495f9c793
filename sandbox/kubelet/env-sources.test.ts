import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Kube, KubeObject, ObjectRef } from '../kube/types.ts';
import { ContainerConfigError, resolveContainerEnv } from './env-sources.ts';

/** Only `get` is used by the resolver. */
function kubeWith(objects: KubeObject[]): Kube {
  return {
    get: (ref: ObjectRef) =>
      objects.find(
        (o) => o.kind === ref.kind && o.metadata.name === ref.name && o.metadata.namespace === ref.namespace,
      ),
  } as unknown as Kube;
}

const pod: KubeObject = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'foundry-abc', namespace: 'foundry-system', uid: 'u1', labels: { app: 'foundry' } },
  spec: { nodeName: 'sandbox-gpu-node' },
  status: { podIP: '10.244.0.9' },
};

describe('container environment', () => {
  const kube = kubeWith([
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'cfg', namespace: 'foundry-system' },
      data: { FOUNDRY_BYO_TAG: 'v0.2.0', FOUNDRY_BYO_REPO: 'models' },
    },
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'sec', namespace: 'foundry-system' },
      data: { token: Buffer.from('s3cret').toString('base64') },
    },
  ]);

  it('resolves envFrom, valueFrom and $(VAR) like the kubelet', () => {
    const env = resolveContainerEnv(kube, pod, {
      envFrom: [{ configMapRef: { name: 'cfg' } }, { secretRef: { name: 'sec' }, prefix: 'S_' }],
      env: [
        { name: 'REF', value: '$(FOUNDRY_BYO_REPO):$(FOUNDRY_BYO_TAG) $$(X)' },
        { name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
        { name: 'APP', valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } },
        { name: 'IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
        { name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'sec', key: 'token' } } },
        { name: 'OPT', valueFrom: { configMapKeyRef: { name: 'missing', key: 'x', optional: true } } },
      ],
    });
    assert.equal(env.FOUNDRY_BYO_TAG, 'v0.2.0');
    assert.equal(env.S_token, 's3cret');
    assert.equal(env.REF, 'models:v0.2.0 $(X)');
    assert.equal(env.POD, 'foundry-abc');
    assert.equal(env.APP, 'foundry');
    assert.equal(env.IP, '10.244.0.9');
    assert.equal(env.TOKEN, 's3cret');
    assert.equal('OPT' in env, false);
    assert.equal(env.HOSTNAME, 'foundry-abc');
    assert.equal(env.KUBERNETES_SERVICE_HOST, '10.96.0.1');
  });

  it('fails like CreateContainerConfigError for missing sources', () => {
    assert.throws(
      () => resolveContainerEnv(kube, pod, { envFrom: [{ configMapRef: { name: 'nope' } }] }),
      (e: unknown) => {
        assert.ok(e instanceof ContainerConfigError);
        assert.equal(e.message, 'configmap "nope" not found');
        return true;
      },
    );
    assert.throws(
      () =>
        resolveContainerEnv(kube, pod, {
          env: [{ name: 'A', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'nokey' } } }],
        }),
      /couldn't find key nokey in ConfigMap foundry-system\/cfg/,
    );
  });
});

describe('exec environment resolver', () => {
  it('resolves lazily through a getter and answers nothing when a source is missing', async () => {
    const { envResolver } = await import('./env-sources.ts');
    let kube: Kube | undefined;
    const resolve = envResolver(() => kube!);
    kube = kubeWith([
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'foundry-system' }, data: { A: '1' } },
    ]);
    const withSpec = {
      ...pod,
      spec: {
        containers: [
          { name: 'c', envFrom: [{ configMapRef: { name: 'cfg' } }] },
          { name: 'd', envFrom: [{ configMapRef: { name: 'nope' } }] },
        ],
      },
    };
    assert.equal(resolve(withSpec, 'c').A, '1');
    assert.deepEqual(resolve(withSpec, 'd'), {});
    assert.deepEqual(resolve(withSpec, 'missing'), {});
  });
});
