import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { registryTagOwnership, tagEditOwnership, trailer, type TagCommitFacts } from './ownership.ts';

const ANNOTATION = 'dev.gitops-e2e.run-id';
const DIGEST = 'sha256:' + 'a'.repeat(64);

describe('trailer', () => {
  it('reads a trailer of the last paragraph only', () => {
    assert.equal(trailer('Upgrade\n\nE2E-Run-Id: 20261207-abc', 'E2E-Run-Id'), '20261207-abc');
    assert.equal(trailer('Upgrade\n\nbody\n\nSigned-off-by: x\ne2e-run-id: r1\n', 'E2E-Run-Id'), 'r1');
    assert.equal(trailer('E2E-Run-Id: in the subject', 'E2E-Run-Id'), undefined);
    assert.equal(trailer('Subject\n\nE2E-Run-Id: r1 said in the body\n\nSigned-off-by: x', 'E2E-Run-Id'), undefined);
  });
});

describe('registryTagOwnership', () => {
  const facts = { reference: 'reg:5000/models:v0.2.0', tag: 'v0.2.0', digest: DIGEST };

  it('owns a tag whose manifest carries the run id annotation', () => {
    const o = registryTagOwnership({ ...facts, annotations: { [ANNOTATION]: 'run-1' } }, ANNOTATION, { profile: 'targets/x.yaml' });
    assert.deepEqual(o, { owned: true, runId: 'run-1', summary: `reg:5000/models:v0.2.0 (${DIGEST}) pushed by gitops-e2e run run-1` });
  });

  it('leaves someone else\'s tag alone, naming digest, author, date and what to do', () => {
    const o = registryTagOwnership({ ...facts, annotations: { 'org.opencontainers.image.created': '2026-12-01T10:00:00Z', 'org.opencontainers.image.authors': 'release-bot' } }, ANNOTATION, { profile: 'targets/x.yaml' });
    assert.equal(o.owned, false);
    const reason = o.owned ? '' : o.reason;
    assert.equal(reason.includes('\n'), false, 'one line');
    assert.match(reason, /^registry tag reg:5000\/models:v0\.2\.0 \(sha256:a{64}, author release-bot, created 2026-12-01T10:00:00Z\) has no dev\.gitops-e2e\.run-id annotation/);
    assert.match(reason, /oras manifest delete reg:5000\/models@sha256:a{64}/);
    assert.match(reason, /set tags\.to in targets\/x\.yaml/);
  });

  it('says unknown when the manifest has no author or date', () => {
    const o = registryTagOwnership(facts, ANNOTATION, { profile: 'p' });
    assert.match(o.owned ? '' : o.reason, /author unknown .*created unknown/);
  });
});

describe('tagEditOwnership', () => {
  const ctx = { file: 'apps/hr.yaml', yamlPath: 'spec.values.tag', branch: 'main', value: 'v0.2.0', from: 'v0.1.0', trailerKey: 'E2E-Run-Id', profile: 'targets/x.yaml' };
  const commit: TagCommitFacts = { sha: 'b'.repeat(40), author: 'Jane Doe <jane@example.com>', date: '2026-12-06T09:00:00+01:00', message: 'Bump models to v0.2.0', isHead: true, laterCommits: 0 };

  it('reverts the suite\'s own commit at the branch head', () => {
    const o = tagEditOwnership({ ...commit, message: 'Upgrade foundry BYO models tag to v0.2.0\n\nE2E-Run-Id: run-7' }, ctx);
    assert.deepEqual(o, { owned: true, runId: 'run-7', summary: `apps/hr.yaml has spec.values.tag: v0.2.0, not v0.1.0, set by commit ${'b'.repeat(12)} of gitops-e2e run run-7 (the branch head)` });
  });

  it('reverts the suite\'s own commit followed by others\' commits with a one-line change', () => {
    const o = tagEditOwnership({ ...commit, message: 'x\n\nE2E-Run-Id: run-7', isHead: false, laterCommits: 2 }, ctx);
    assert.match(o.owned ? o.summary : '', /followed by 2 commits that the one-line revert keeps/);
  });

  it('leaves a human commit alone, naming commit, author, date and what to do', () => {
    const o = tagEditOwnership(commit, ctx);
    assert.equal(o.owned, false);
    const reason = o.owned ? '' : o.reason;
    assert.equal(reason.includes('\n'), false, 'one line');
    assert.equal(
      reason,
      `apps/hr.yaml has spec.values.tag: v0.2.0, not v0.1.0, set by commit ${'b'.repeat(12)} (Jane Doe <jane@example.com>, 2026-12-06T09:00:00+01:00, "Bump models to v0.2.0") without an E2E-Run-Id: trailer, so not by a gitops-e2e run: left alone. Set it back to v0.1.0 on main yourself if the run may change it, or set tags.from in targets/x.yaml to v0.2.0.`,
    );
  });

  it('leaves a value alone that no commit set', () => {
    assert.match(tagEditOwnership(undefined, ctx).owned ? '' : (tagEditOwnership(undefined, ctx) as { reason: string }).reason, /no commit on main sets that value/);
  });
});
