import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { peekFleet } from './fleet.ts';
import { TargetError } from './load.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'fleet-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('peekFleet', () => {
  it('reads the bundled three-sandbox fleet, and is undefined for an ordinary profile', () => {
    const fleet = peekFleet('fleet-sandbox')!;
    assert.equal(fleet.fleet, 'sandbox-fleet');
    assert.deepEqual(fleet.members.map((m) => [m.name, m.profile, m.sandboxArgs.length]), [
      ['edge-1', 'sandbox', 0],
      ['edge-2', 'sandbox', 0],
      ['edge-3', 'sandbox', 0],
    ]);
    assert.equal(peekFleet('sandbox'), undefined);
  });

  it('names a duplicate member and a bad name in one line each', () => {
    const file = path.join(dir, 'bad.yaml');
    writeFileSync(file, 'fleet: f\nmembers:\n  - { name: a, profile: sandbox }\n  - { name: a, profile: sandbox }\n  - { name: "Not OK", profile: sandbox }\n');
    assert.throws(() => peekFleet(file), (err: unknown) => {
      assert.ok(err instanceof TargetError);
      assert.deepEqual(err.problems.map((p) => p.replace(file, 'FILE')), [
        'FILE: members.2.name: must be a short lowercase name (letters, digits, "-"), used in project names and paths',
        'FILE: members.1.name: "a" is used twice',
      ]);
      return true;
    });
  });
});
