import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { changedLines, formatChangedLines } from './line-diff.ts';

const FILE = 'a: 1\nvalues:\n  tag: v0.1.0 # {"$imagepolicy": "flux-system:p:tag"}\nz: 2\n';

describe('changedLines', () => {
  it('finds the single edited line with its number', () => {
    const edited = FILE.replace('v0.1.0', 'v0.2.0');
    assert.deepEqual(changedLines(FILE, edited), [
      {
        line: 3,
        before: '  tag: v0.1.0 # {"$imagepolicy": "flux-system:p:tag"}',
        after: '  tag: v0.2.0 # {"$imagepolicy": "flux-system:p:tag"}',
      },
    ]);
    assert.equal(formatChangedLines(changedLines(FILE, edited)).split('\n').length, 2);
  });

  it('is empty for identical text and reports added or removed lines', () => {
    assert.deepEqual(changedLines(FILE, FILE), []);
    assert.deepEqual(changedLines('a\nb\n', 'a\nx\nb\n'), [{ line: 2, after: 'x' }]);
    assert.deepEqual(changedLines('a\nx\nb\n', 'a\nb\n'), [{ line: 2, before: 'x' }]);
  });

  it('spans scattered edits as one region so a one-line check fails', () => {
    const twice = FILE.replace('a: 1', 'a: 9').replace('z: 2', 'z: 9');
    assert.equal(changedLines(FILE, twice).length, 4);
  });
});
