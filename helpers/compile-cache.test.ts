import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';

const dir = mkdtempSync(path.join(tmpdir(), 'compile-cache-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Imports the module in a fresh Node and prints what a child process of it would inherit. */
function childSees(env: NodeJS.ProcessEnv): string {
  const script =
    "await import('./helpers/compile-cache.ts'); await import('yaml'); console.log(process.env.NODE_COMPILE_CACHE ?? '(unset)')";
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) => !k.startsWith('NODE_COMPILE_CACHE') && k !== 'NODE_DISABLE_COMPILE_CACHE',
    ),
  );
  return execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    env: { ...clean, ...env },
    encoding: 'utf8',
  }).trim();
}

describe('compile cache', () => {
  it('is enabled on import and handed to child processes through NODE_COMPILE_CACHE, in the directory asked for', () => {
    const cache = path.join(dir, 'cache');
    assert.equal(childSees({ NODE_COMPILE_CACHE: cache }), cache);
    // Node writes the compiled modules there when the process exits.
    assert.ok(existsSync(cache) && readdirSync(cache).length > 0, 'cache directory filled');
  });

  it("uses Node's default directory when none is set", () => {
    assert.equal(childSees({}), path.join(tmpdir(), 'node-compile-cache'));
  });

  it('stays off with NODE_DISABLE_COMPILE_CACHE', () => {
    assert.equal(childSees({ NODE_DISABLE_COMPILE_CACHE: '1' }), '(unset)');
  });
});
