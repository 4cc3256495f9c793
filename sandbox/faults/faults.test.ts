import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SystemClock } from '../kube/clock.ts';
import { delayOn, faultSpec, Faults, parseFault, type FaultFired } from './faults.ts';

describe('fault knobs', () => {
  it('parses the new knobs with their value kinds', () => {
    assert.deepEqual(parseFault('arc-agent-down'), { name: 'arc-agent-down', raw: '', value: true });
    assert.deepEqual(parseFault('git-rate-limit'), { name: 'git-rate-limit', raw: '', value: true });
    assert.deepEqual(parseFault('log-tag=v0.3.0'), { name: 'log-tag', raw: 'v0.3.0', value: 'v0.3.0' });
    assert.equal(parseFault('git-slow=2s').value, 2000);
    assert.equal(parseFault('apply-delay=1m30s').value, 90_000);
    assert.equal(parseFault('helm-delay=500ms').value, 500);
    assert.throws(() => parseFault('git-slow=soon'), /invalid duration "soon"/);
    assert.throws(() => parseFault('arc-agent-down=yes'), /takes no value/);
  });

  it('parses NAME[=VALUE]@TRIGGER, keeps the old syntax, and refuses unknown triggers in one line', () => {
    assert.deepEqual(parseFault('registry-down@git-push'), {
      name: 'registry-down',
      raw: '',
      value: true,
      trigger: 'git-push',
    });
    assert.deepEqual(parseFault('controller-restart=source-controller@oci-push'), {
      name: 'controller-restart',
      raw: 'source-controller',
      value: 'source-controller',
      trigger: 'oci-push',
    });
    assert.equal(parseFault('scan-delay=30s').trigger, undefined);
    assert.throws(
      () => parseFault('registry-down@deploy'),
      /unknown trigger "@deploy" in "registry-down@deploy": use NAME\[=VALUE\]@TRIGGER with TRIGGER one of oci-push, git-push/,
    );
    assert.throws(() => parseFault('nope@git-push'), /unknown fault "nope"/);
    for (const spec of ['pause=helm-controller@git-push', 'git-rate-limit@oci-push', 'log-tag=v9', 'arc-agent-down'])
      assert.equal(faultSpec(parseFault(spec)), spec);
  });

  it('an armed knob does not bite until its trigger fires, then it is on and announced', () => {
    const faults = new Faults();
    const changes: string[][] = [];
    const fired: FaultFired[] = [];
    faults.on('change', (list) => changes.push(list.map(faultSpec)));
    faults.on('armed', (f) => fired.push(f));
    faults.set(parseFault('registry-down@git-push'));
    faults.set(parseFault('pause=kustomize-controller@oci-push'));
    assert.equal(faults.active('registry-down'), undefined);
    assert.deepEqual(faults.armed().map(faultSpec), ['registry-down@git-push', 'pause=kustomize-controller@oci-push']);

    assert.deepEqual(faults.fire('oci-push', 'manifest PUT models:v0.2.0'), [
      {
        setting: parseFault('pause=kustomize-controller@oci-push'),
        trigger: 'oci-push',
        detail: 'manifest PUT models:v0.2.0',
      },
    ]);
    assert.equal(faults.active('pause')?.value, 'kustomize-controller');
    assert.equal(faults.active('registry-down'), undefined, 'another trigger is not fired');

    faults.fire('git-push', 'POST /foundry-gitops.git/git-receive-pack');
    assert.equal(faults.active('registry-down')?.value, true);
    assert.deepEqual(faults.armed(), []);
    assert.deepEqual(
      fired.map((f) => `${f.setting.name}@${f.trigger}: ${f.detail}`),
      [
        'pause@oci-push: manifest PUT models:v0.2.0',
        'registry-down@git-push: POST /foundry-gitops.git/git-receive-pack',
      ],
    );
    assert.deepEqual(changes.at(-1), ['pause=kustomize-controller@oci-push', 'registry-down@git-push']);
    assert.deepEqual(faults.fire('git-push', 'second push'), [], 'nothing left to fire');
  });

  it('set without a trigger replaces an armed one; clear removes armed knobs too', () => {
    const faults = new Faults([parseFault('git-down@git-push'), parseFault('scan-error')]);
    assert.equal(faults.active('scan-error')?.value, true);
    assert.deepEqual(faults.armed().map(faultSpec), ['git-down@git-push']);
    faults.set(parseFault('git-down'));
    assert.equal(faults.active('git-down')?.value, true);
    assert.deepEqual(faults.armed(), []);
    faults.set(parseFault('helm-delay=2s@git-push'));
    faults.clear('helm-delay');
    assert.deepEqual(faults.fire('git-push', 'x'), []);
    faults.set(parseFault('log-tag=v1@oci-push'));
    faults.clear();
    assert.deepEqual([...faults.list(), ...faults.armed()], []);
  });

  it('delays run on the cluster clock (time scale applies)', async () => {
    const clock = new SystemClock({ timeScale: 0.01 });
    const started = performance.now();
    await delayOn(clock, 10_000);
    const elapsed = performance.now() - started;
    assert.ok(elapsed >= 50 && elapsed < 2000, `10s of cluster time at scale 0.01 took ${elapsed.toFixed(0)} ms`);
    await delayOn(clock, 0);
  });
});
