import assert from 'node:assert/strict';
import { it } from 'node:test';
import { SystemClock } from '../../kube/clock.ts';
import { Conditions } from './conditions.ts';

it('keeps lastTransitionTime unless status, reason or message change, and stamps the generation', () => {
  const clock = new SystemClock({ skewMs: 0 });
  const old = [
    {
      type: 'Ready',
      status: 'True' as const,
      reason: 'Succeeded',
      message: 'ok',
      lastTransitionTime: '2020-01-01T00:00:00Z',
      observedGeneration: 1,
    },
  ];
  const c = new Conditions(old, 3, clock);
  c.markTrue('Ready', 'Succeeded', 'ok');
  assert.equal(c.get('Ready')!.lastTransitionTime, '2020-01-01T00:00:00Z');
  assert.equal(c.get('Ready')!.observedGeneration, 3);
  c.markTrue('Ready', 'Succeeded', 'new message');
  assert.notEqual(c.get('Ready')!.lastTransitionTime, '2020-01-01T00:00:00Z');
  assert.equal(old[0]!.message, 'ok', 'the input array is not mutated');
});

it('orders Ready first and the rest by type; stalled removes reconciling', () => {
  const c = new Conditions([], 1, new SystemClock());
  c.markReconciling('Progressing', 'working');
  c.markTrue('ArtifactInStorage', 'Succeeded', 'x');
  c.markFalse('Ready', 'Failed', 'y');
  assert.deepEqual(
    c.list.map((x) => x.type),
    ['Ready', 'ArtifactInStorage', 'Reconciling'],
  );
  c.markStalled('InvalidPolicy', 'bad');
  assert.equal(c.get('Reconciling'), undefined);
  assert.equal(c.isTrue('Stalled'), true);
  c.delete('Stalled', 'Ready');
  assert.deepEqual(
    c.list.map((x) => x.type),
    ['ArtifactInStorage'],
  );
});
