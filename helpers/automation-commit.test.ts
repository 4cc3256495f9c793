import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { automationCommitProblems, signatureMismatches } from './automation-commit.ts';

const file = (tag: string, marker = ' # {"$imagepolicy": "flux-system:models:tag"}') =>
  `spec:\n  values:\n    foundry:\n      byo:\n        tag: ${tag}${marker}\n`;
const spec = {
  authorName: 'fluxcdbot',
  authorEmail: 'fluxcdbot@users.noreply.github.com',
  messageTemplate: 'chore: update model artifact tag',
};
const expected = { file: 'hr.yaml', yamlPath: 'spec.values.foundry.byo.tag', from: 'v0.1.0', to: 'v0.2.0', spec };
const good = {
  sha: 'a'.repeat(40),
  authorName: 'fluxcdbot',
  authorEmail: 'fluxcdbot@users.noreply.github.com',
  message: 'chore: update model artifact tag',
  before: file('v0.1.0'),
  after: file('v0.2.0'),
};

describe('automationCommitProblems', () => {
  it('accepts the one-line tag change with the marker kept, the configured author and message', () => {
    const { problems, diff } = automationCommitProblems(good, expected);
    assert.deepEqual(problems, []);
    assert.match(diff, /v0\.1\.0[\s\S]*v0\.2\.0/);
  });

  it('names a wrong tag, a dropped marker, a foreign author and another message', () => {
    const { problems } = automationCommitProblems(
      { ...good, authorName: 'someone', message: 'bump', after: file('v0.3.0', '') },
      expected,
    );
    assert.deepEqual(problems, [
      'commit aaaaaaaaaaaa sets spec.values.foundry.byo.tag v0.1.0 → v0.3.0, expected v0.1.0 → v0.2.0',
      'commit aaaaaaaaaaaa dropped or changed the setter marker: # {"$imagepolicy": "flux-system:models:tag"} → (none)',
      'commit aaaaaaaaaaaa author name is "someone", the automation is configured with "fluxcdbot"',
      'commit aaaaaaaaaaaa message is "bump", the automation\'s template is "chore: update model artifact tag"',
    ]);
  });

  it('matches a templated message up to its first action, and counts changed lines', () => {
    const templated = {
      ...expected,
      spec: { messageTemplate: 'Update image {{range .Changed.Changes}}{{.NewValue}}{{end}}' },
    };
    assert.deepEqual(automationCommitProblems({ ...good, message: 'Update image v0.2.0' }, templated).problems, []);
    const twoLines = { ...good, after: `${file('v0.2.0')}extra: 1\n` };
    assert.match(automationCommitProblems(twoLines, expected).problems[0]!, /changes 2 lines of hr\.yaml/);
  });
});

describe('signatureMismatches', () => {
  it('is empty when the profile says what the live object says, one line per differing field otherwise', () => {
    assert.deepEqual(
      signatureMismatches(spec, { ...spec, messageTemplate: ' chore: update model artifact tag\n' }, 'targets/x.yaml'),
      [],
    );
    assert.deepEqual(
      signatureMismatches(spec, { authorName: 'flux', authorEmail: spec.authorEmail }, 'targets/x.yaml'),
      [
        'automationCommit.authorName is "fluxcdbot" in targets/x.yaml, the ImageUpdateAutomation\'s spec.git.commit.author.name is "flux": preflight could not recognise its commits',
        'automationCommit.messageTemplate is "chore: update model artifact tag" in targets/x.yaml, the ImageUpdateAutomation\'s spec.git.commit.messageTemplate is null: preflight could not recognise its commits',
      ],
    );
  });
});
