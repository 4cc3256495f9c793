import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkClocks } from './clock-check.ts';

describe('checkClocks', () => {
  it('accepts whole-second controller times a little before the client saw them', () => {
    const check = checkClocks([
      { name: 'gitRepositorySynced', clientAt: 10_988, serverAt: 10_000 },
      { name: 'imageRepositoryDetected', clientAt: 20_150, serverAt: 20_000 },
    ]);
    assert.deepEqual(check.suspicious, []);
    assert.match(check.summary, /agree \(2 checkpoints, largest difference 988ms at gitRepositorySynced\)/);
  });

  it('flags a controller clock far ahead or behind', () => {
    const check = checkClocks([
      { name: 'a', clientAt: 10_000, serverAt: 40_000 },
      { name: 'b', clientAt: 50_000, serverAt: 10_000 },
      { name: 'c', clientAt: 5_500, serverAt: 5_000 },
    ]);
    assert.deepEqual(check.suspicious, ['a: client -30s from the controller', 'b: client +40s from the controller']);
    assert.match(check.summary, /^clock skew suspected/);
  });

  it('says so when nothing can be compared', () => {
    assert.equal(checkClocks([]).summary, 'no checkpoint carries a controller time');
  });
});
