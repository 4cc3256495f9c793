import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeGitAuthFailure, isGitAuthFailure } from './git-auth.ts';

describe('git credential failures', () => {
  it("recognises git's ways of saying no", () => {
    for (const m of [
      "fatal: could not read Username for 'https://github.com': terminal prompts disabled",
      "remote: Invalid username or password.\nfatal: Authentication failed for 'https://github.com/o/r.git/'",
      "fatal: unable to access 'http://127.0.0.1:3000/r.git/': The requested URL returned error: 403",
      'remote: Permission to o/r.git denied to bot.',
    ])
      assert.ok(isGitAuthFailure(m), m);
    assert.equal(
      isGitAuthFailure("fatal: unable to access 'http://x/': Failed to connect to x port 80: Connection refused"),
      false,
    );
    assert.equal(isGitAuthFailure('! [rejected] main -> main (fetch first)'), false);
  });

  it('names the remote and where the credentials came from, in one line', () => {
    const line = describeGitAuthFailure(
      'http://127.0.0.1:3000/foundry-gitops.git',
      "remote: x\nfatal: Authentication failed for 'http://127.0.0.1:3000/foundry-gitops.git/'",
      { tokenEnv: 'GIT_TOKEN', usernameEnv: 'GIT_USER' },
    );
    assert.equal(
      line,
      "git rejected the credentials for http://127.0.0.1:3000/foundry-gitops.git (token from GIT_TOKEN, user from GIT_USER): Authentication failed for 'http://127.0.0.1:3000/foundry-gitops.git/'",
    );
    assert.match(
      describeGitAuthFailure('u', 'returned error: 401', {}),
      /\(no git\.tokenEnv in the profile, so no credentials were sent\)/,
    );
  });
});
