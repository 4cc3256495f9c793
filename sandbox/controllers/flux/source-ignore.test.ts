import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, it } from 'node:test';
import { IgnoreRules } from './source-ignore.ts';

const dirs: string[] = [];
after(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

it('matches gitignore patterns: anchors, globs, directories, negation', () => {
  const r = new IgnoreRules(['/docs/', '*.md', '!keep.md', 'build/**', '**/secret.yaml', 'a?c']);
  assert.equal(r.ignores('docs', true), true);
  assert.equal(r.ignores('sub/docs', true), false, 'leading slash anchors');
  assert.equal(r.ignores('README.md', false), true);
  assert.equal(r.ignores('deep/x/notes.md', false), true);
  assert.equal(r.ignores('keep.md', false), false);
  assert.equal(r.ignores('build/out/x', false), true);
  assert.equal(r.ignores('x/y/secret.yaml', false), true);
  assert.equal(r.ignores('abc', false), true);
  assert.equal(r.ignores('abbc', false), false);
  assert.equal(r.ignores('apps/app.yaml', false), false);
});

it('lists the files source-controller would archive (defaults, .sourceignore, spec.ignore)', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'ignore-'));
  dirs.push(dir);
  for (const f of [
    'apps/a.yaml',
    '.git/HEAD',
    '.github/workflows/ci.yml',
    'img/logo.png',
    'tests/t.yaml',
    'charts/c/Chart.yaml',
  ]) {
    await mkdir(path.dirname(path.join(dir, f)), { recursive: true });
    await writeFile(path.join(dir, f), 'x');
  }
  await writeFile(path.join(dir, '.sourceignore'), 'tests/\n');
  assert.deepEqual(await (await IgnoreRules.forSource(dir)).files(dir), [
    '.sourceignore',
    'apps/a.yaml',
    'charts/c/Chart.yaml',
  ]);
  // spec.ignore replaces the defaults (the png comes back) but VCS files stay out
  assert.deepEqual(await (await IgnoreRules.forSource(dir, '/charts/\n')).files(dir), [
    '.github/workflows/ci.yml',
    '.sourceignore',
    'apps/a.yaml',
    'img/logo.png',
  ]);
});
