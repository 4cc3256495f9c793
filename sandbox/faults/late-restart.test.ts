import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject, WatchEvent } from '../kube/types.ts';
import { ManualClock } from '../workloads/manual-clock.ts';
import { Faults, parseFault } from './faults.ts';
import { LateRestart } from './late-restart.ts';

function pod(name: string, isReady: boolean): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'foundry-system', uid: `uid-${name}` },
    spec: { containers: [{ name: 'foundry' }] },
    status: { conditions: [{ type: 'Ready', status: isReady ? 'True' : 'False' }] },
  };
}

function setup(fault?: string) {
  const clock = new ManualClock();
  const faults = new Faults(fault ? [parseFault(fault)] : []);
  let deliver: (e: WatchEvent) => void = () => undefined;
  const restarts: string[] = [];
  const late = new LateRestart({
    kube: { watch: (_ref, _opts, onEvent) => ((deliver = onEvent as (e: WatchEvent) => void), () => undefined) },
    clock,
    faults,
    restart: (ns, name, container) => (restarts.push(`${ns}/${name}/${container}`), true),
  });
  late.start();
  const send = (p: KubeObject) => deliver({ type: 'MODIFIED', object: p });
  return { clock, faults, restarts, send };
}

describe('late-restart fault', () => {
  it("restarts the container of a rollout's new pod once, the delay after it became Ready", () => {
    const { clock, restarts, send } = setup('late-restart=10s');
    send(pod('first', true));
    clock.advance(60_000);
    assert.deepEqual(restarts, [], 'the first deploy is not a rollout');
    send(pod('second', false));
    send(pod('second', true));
    clock.advance(9_999);
    assert.deepEqual(restarts, []);
    clock.advance(1);
    assert.deepEqual(restarts, ['foundry-system/second/foundry']);
    send(pod('third', true));
    clock.advance(60_000);
    assert.deepEqual(restarts, ['foundry-system/second/foundry'], 'fires once per setting');
  });

  it('does nothing without the fault, or when it is cleared before it fires', () => {
    const off = setup();
    off.send(pod('first', true));
    off.send(pod('second', true));
    off.clock.advance(60_000);
    assert.deepEqual(off.restarts, []);

    const cleared = setup('late-restart=5s');
    cleared.send(pod('first', true));
    cleared.send(pod('second', true));
    cleared.faults.clear('late-restart');
    cleared.clock.advance(60_000);
    assert.deepEqual(cleared.restarts, []);
  });

  it('counts a pod once, however often it reports Ready', () => {
    const { clock, restarts, send } = setup('late-restart=1s');
    send(pod('first', true));
    send(pod('first', true));
    clock.advance(5_000);
    assert.deepEqual(restarts, []);
  });
});
