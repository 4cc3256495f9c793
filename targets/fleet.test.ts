import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { fleetShard, peekFleet } from './fleet.ts';
import { TargetError } from './load.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'fleet-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('peekFleet', () => {
  it('reads the bundled three-sandbox fleet, and is undefined for an ordinary profile', () => {
    const fleet = peekFleet('fleet-sandbox')!;
    assert.equal(fleet.fleet, 'sandbox-fleet');
    assert.deepEqual(
      fleet.members.map((m) => [m.name, m.profile, m.sandboxArgs.length]),
      [
        ['edge-1', 'sandbox', 0],
        ['edge-2', 'sandbox', 0],
        ['edge-3', 'sandbox', 0],
      ],
    );
    assert.equal(peekFleet('sandbox'), undefined);
  });

  it('reads the automation fleet: one profile, per-member overrides and Flux lines', () => {
    const fleet = peekFleet('fleet-automation')!;
    assert.deepEqual(
      fleet.members.map((m) => [m.name, m.profile, m.sandboxArgs.join(' '), m.overrides]),
      [
        ['registry-29', 'sandbox-automation', '', undefined],
        ['git-29', 'sandbox-automation', '', { rollbackBy: 'git' }],
        ['registry-26', 'sandbox-automation', '--flux 2.6', undefined],
        ['git-26', 'sandbox-automation', '--flux 2.6', { rollbackBy: 'git' }],
      ],
    );
  });

  it('names a duplicate member and a bad name in one line each', () => {
    const file = path.join(dir, 'bad.yaml');
    writeFileSync(
      file,
      'fleet: f\nmembers:\n  - { name: a, profile: sandbox }\n  - { name: a, profile: sandbox }\n  - { name: "Not OK", profile: sandbox }\n',
    );
    assert.throws(
      () => peekFleet(file),
      (err: unknown) => {
        assert.ok(err instanceof TargetError);
        assert.deepEqual(
          err.problems.map((p) => p.replace(file, 'FILE')),
          [
            'FILE: members.2.name: must be a short lowercase name (letters, digits, "-"), used in project names and paths',
            'FILE: members.1.name: "a" is used twice',
          ],
        );
        return true;
      },
    );
  });
});

describe('fleetShard (E2E_FLEET_SHARD)', () => {
  const members = ['edge-1', 'edge-2', 'edge-3'];

  it("gives every member to exactly one shard, whole, in the fleet's order", () => {
    assert.deepEqual(
      [1, 2, 3].map((i) => fleetShard(members, `${i}/3`)),
      [['edge-1'], ['edge-2'], ['edge-3']],
    );
    assert.deepEqual(
      [1, 2].map((i) => fleetShard(members, `${i}/2`)),
      [['edge-1', 'edge-2'], ['edge-3']],
    );
    const five = ['a', 'b', 'c', 'd', 'e'];
    assert.deepEqual(
      [1, 2, 3].map((i) => fleetShard(five, `${i}/3`)),
      [['a', 'b'], ['c', 'd'], ['e']],
    );
    assert.deepEqual(fleetShard(members, '1/1'), members);
    assert.deepEqual(fleetShard(members, undefined), members);
  });

  it('refuses a malformed spec or more shards than members, in one line', () => {
    for (const bad of ['0/3', '4/3', '2', 'a/b', '1/0'])
      assert.throws(() => fleetShard(members, bad), /^Error: E2E_FLEET_SHARD=.*: expected I\/N/);
    assert.throws(() => fleetShard(members, '1/4'), /the fleet has 3 members, so at most 3 shards/);
  });
});
