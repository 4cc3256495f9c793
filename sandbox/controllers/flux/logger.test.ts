/** ControllerLog: lines land in the controller's running pod, follow it when it is replaced, and cost no LIST each. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApiServer } from '../../apiserver/server.ts';
import { LogStore } from '../../apiserver/logs.ts';
import { SystemClock } from '../../kube/clock.ts';
import type { Kube, KubeObject } from '../../kube/types.ts';
import { ControllerLog } from './logger.ts';

function controllerPod(name: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'flux-system', labels: { app: 'kustomize-controller' } },
    spec: { containers: [{ name: 'manager', image: 'x' }] },
  };
}

test('lines go to the running controller pod, follow a replacement, and list pods only when the pod changed', () => {
  const clock = new SystemClock();
  const api = new ApiServer({ clock, logs: new LogStore() });
  const sink: Array<{ pod: string; line: string }> = [];
  let lists = 0;
  const kube = new Proxy(api.kube, {
    get: (target, prop) =>
      prop === 'list'
        ? (...args: Parameters<Kube['list']>) => (lists++, target.list(...args))
        : (Reflect.get(target, prop) as (...args: unknown[]) => unknown).bind(target),
  }) as Kube;
  api.kube.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'flux-system' } });
  const first = api.kube.create(controllerPod('kc-1'));
  api.kube.update({ ...first, status: { phase: 'Running' } }, { subresource: 'status' });
  const log = new ControllerLog({
    kube,
    clock,
    deployment: 'kustomize-controller',
    sink: { append: (pod, _c, line) => sink.push({ pod: pod.name, line }) },
  });
  for (let i = 0; i < 10; i++) log.info(`line ${i}`);
  assert.equal(sink.length, 10);
  assert.equal(lists, 1, 'one LIST for ten lines');
  api.kube.delete({ apiVersion: 'v1', kind: 'Pod', namespace: 'flux-system', name: 'kc-1' }, { gracePeriodSeconds: 0 });
  const second = api.kube.create(controllerPod('kc-2'));
  api.kube.update({ ...second, status: { phase: 'Running' } }, { subresource: 'status' });
  log.error('after restart', 'boom');
  assert.deepEqual(sink.at(-1)?.pod, 'kc-2');
  assert.match(sink.at(-1)!.line, /"level":"error".*"error":"boom"/);
});
