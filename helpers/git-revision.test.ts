import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gitRevision, revisionCommit, revisionIsCommit } from './git-revision.ts';

const SHA = 'a'.repeat(39) + 'b';

describe('git revisions', () => {
  it('writes the branch form', () => {
    assert.equal(gitRevision('main', SHA), `main@sha1:${SHA}`);
  });

  it('reads every Flux format', () => {
    for (const rev of [`main@sha1:${SHA}`, `refs/heads/main@sha1:${SHA}`, `main/${SHA}`, `sha1:${SHA}`, SHA])
      assert.equal(revisionCommit(rev), SHA, rev);
    assert.equal(revisionCommit('main@sha1:abc'), undefined, 'short SHAs are not commits');
    assert.equal(revisionCommit(undefined), undefined);
  });

  it('compares whole commits only', () => {
    assert.equal(revisionIsCommit(`main@sha1:${SHA}`, SHA.toUpperCase()), true);
    assert.equal(revisionIsCommit(`main@sha1:${'c'.repeat(40)}`, SHA), false);
  });
});
