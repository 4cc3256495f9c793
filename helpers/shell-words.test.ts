import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { splitShellWords } from './shell-words.ts';

describe('splitShellWords', () => {
  it('splits on any whitespace and ignores blanks', () => {
    assert.deepEqual(splitShellWords('  --fault strategy=RollingUpdate\t--flux 2.6 \n'), [
      '--fault',
      'strategy=RollingUpdate',
      '--flux',
      '2.6',
    ]);
    assert.deepEqual(splitShellWords(''), []);
    assert.deepEqual(splitShellWords('   '), []);
  });

  it('keeps quoted spaces, empty quoted words and escapes', () => {
    assert.deepEqual(splitShellWords(`--repo "/tmp/my repo" --x '' a\\ b`), [
      '--repo',
      '/tmp/my repo',
      '--x',
      '',
      'a b',
    ]);
    assert.deepEqual(splitShellWords(`"a\\"b" 'c\\d' "e\\f"`), ['a"b', 'c\\d', 'e\\f']);
    assert.deepEqual(splitShellWords(`x"y z"'w'`), ['xy zw']);
  });

  it('rejects an unterminated quote', () => {
    assert.throws(() => splitShellWords('--fault "strategy'), /unterminated double quote/);
    assert.throws(() => splitShellWords("it's"), /unterminated single quote/);
  });
});
