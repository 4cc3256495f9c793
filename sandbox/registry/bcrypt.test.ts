/** bcrypt against published vectors and libxcrypt's output, so distribution's htpasswd check accepts our hashes. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bcryptHash, bcryptVerify } from './bcrypt.ts';

const VECTORS: Array<[password: string, hash: string, matches: boolean]> = [
  ['', '$2a$06$DCq7YPn5Rq63x1Lad4cll.TV4S6ytwfsfvkgY8jIucDrjc8deX1s.', true],
  ['abc', '$2b$06$If6bvum7DFjUnE9p2uDeDu0YHzrHM6tf.iqN8.yx.jNN1ILEf7h0i', true],
  ['abd', '$2b$06$If6bvum7DFjUnE9p2uDeDu0YHzrHM6tf.iqN8.yx.jNN1ILEf7h0i', false],
  ['abc', '$2y$06$/uaF/uaF/uaF/uaF/uaF/u2dxeOQdy9ZavBDEOduVKWL7xvgc1DIC', true],
  ['abc', 'not a hash', false],
];

test('verifies published bcrypt vectors ($2a$, $2b$) and a libxcrypt $2y$ hash', () => {
  for (const [password, hash, matches] of VECTORS)
    assert.equal(bcryptVerify(password, hash), matches, `${password} ~ ${hash}`);
});

test('random salts differ at the low default cost', () => {
  const a = bcryptHash('secret');
  const b = bcryptHash('secret');
  assert.notEqual(a, b);
  assert.ok(bcryptVerify('secret', a) && bcryptVerify('secret', b));
  assert.match(a, /^\$2b\$05\$[./A-Za-z0-9]{53}$/);
});
