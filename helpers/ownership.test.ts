import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  automationCommitFor,
  registryTagOwnership,
  runStartedAt,
  tagEditOwnership,
  trailer,
  type AutomationContext,
  type TagCommitFacts,
  type TagEditContext,
} from './ownership.ts';

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
    const o = registryTagOwnership({ ...facts, annotations: { [ANNOTATION]: 'run-1' } }, ANNOTATION, {
      profile: 'targets/x.yaml',
    });
    assert.deepEqual(o, {
      owned: true,
      runId: 'run-1',
      summary: `reg:5000/models:v0.2.0 (${DIGEST}) pushed by gitops-e2e run run-1`,
    });
  });

  it("leaves someone else's tag alone, naming digest, author, date and what to do", () => {
    const o = registryTagOwnership(
      {
        ...facts,
        annotations: {
          'org.opencontainers.image.created': '2026-12-01T10:00:00Z',
          'org.opencontainers.image.authors': 'release-bot',
        },
      },
      ANNOTATION,
      { profile: 'targets/x.yaml' },
    );
    assert.equal(o.owned, false);
    const reason = o.owned ? '' : o.reason;
    assert.equal(reason.includes('\n'), false, 'one line');
    assert.match(
      reason,
      /^registry tag reg:5000\/models:v0\.2\.0 \(sha256:a{64}, author release-bot, created 2026-12-01T10:00:00Z\) has no dev\.gitops-e2e\.run-id annotation/,
    );
    assert.match(reason, /oras manifest delete reg:5000\/models@sha256:a{64}/);
    assert.match(reason, /set tags\.to in targets\/x\.yaml/);
  });

  it('says unknown when the manifest has no author or date', () => {
    const o = registryTagOwnership(facts, ANNOTATION, { profile: 'p' });
    assert.match(o.owned ? '' : o.reason, /author unknown .*created unknown/);
  });
});

/** The tag edit both tagEditOwnership suites ask about. */
const TAG_EDIT: TagEditContext = {
  file: 'apps/hr.yaml',
  yamlPath: 'spec.values.tag',
  branch: 'main',
  value: 'v0.2.0',
  from: 'v0.1.0',
  trailerKey: 'E2E-Run-Id',
  profile: 'targets/x.yaml',
};

describe('tagEditOwnership', () => {
  const ctx = TAG_EDIT;
  const commit: TagCommitFacts = {
    sha: 'b'.repeat(40),
    author: 'Jane Doe <jane@example.com>',
    date: '2026-12-06T09:00:00+01:00',
    message: 'Bump models to v0.2.0',
    isHead: true,
    laterCommits: 0,
  };

  it("reverts the suite's own commit at the branch head", () => {
    const o = tagEditOwnership(
      { ...commit, message: 'Upgrade foundry BYO models tag to v0.2.0\n\nE2E-Run-Id: run-7' },
      ctx,
    );
    assert.deepEqual(o, {
      owned: true,
      runId: 'run-7',
      summary: `apps/hr.yaml has spec.values.tag: v0.2.0, not v0.1.0, set by commit ${'b'.repeat(12)} of gitops-e2e run run-7 (the branch head)`,
    });
  });

  it("reverts the suite's own commit followed by others' commits with a one-line change", () => {
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
    assert.match(
      tagEditOwnership(undefined, ctx).owned ? '' : (tagEditOwnership(undefined, ctx) as { reason: string }).reason,
      /no commit on main sets that value/,
    );
  });
});

describe("tagEditOwnership in automation mode: the image automation's commit for an interrupted run", () => {
  const file = (tag: string, marker = ' # {"$imagepolicy": "flux-system:models:tag"}') =>
    `spec:\n  values:\n    tag: ${tag}${marker}\n    replicas: 1\n`;
  const signature = {
    authorName: 'fluxcdbot',
    authorEmail: 'fluxcdbot@users.noreply.github.com',
    messageTemplate: 'chore: update model artifact tag',
  };
  const automation: AutomationContext = { signature, ownedTag: { tag: 'v0.2.0', runId: '20261207-212300-ab12cd' } };
  const ctx: TagEditContext & { automation?: AutomationContext } = { ...TAG_EDIT, automation };
  const bot: TagCommitFacts = {
    sha: 'c'.repeat(40),
    author: 'fluxcdbot <fluxcdbot@users.noreply.github.com>',
    authorName: 'fluxcdbot',
    authorEmail: 'fluxcdbot@users.noreply.github.com',
    date: '2026-12-07T21:24:05Z',
    message: 'chore: update model artifact tag',
    isHead: true,
    laterCommits: 0,
    before: file('v0.1.0'),
    after: file('v0.2.0'),
  };
  const why = (c: TagCommitFacts, over: Partial<typeof ctx> = {}) => {
    const r = automationCommitFor(c, { ...ctx, automation, ...over } as TagEditContext & {
      automation: AutomationContext;
    });
    return 'why' in r ? r.why : `owned by ${r.runId}`;
  };

  it("takes the automation's commit of the to-tag a gitops-e2e run pushed as that run's", () => {
    assert.deepEqual(tagEditOwnership(bot, ctx), {
      owned: true,
      runId: '20261207-212300-ab12cd',
      summary: `apps/hr.yaml has spec.values.tag: v0.2.0, not v0.1.0, set by commit ${'c'.repeat(12)} of the image automation (fluxcdbot <fluxcdbot@users.noreply.github.com>) for gitops-e2e run 20261207-212300-ab12cd, which pushed v0.2.0 (the branch head)`,
    });
    assert.equal(runStartedAt('20261207-212300-ab12cd'), Date.parse('2026-12-07T21:23:00Z'));
    assert.equal(runStartedAt('run-7'), undefined);
  });

  it("never takes someone else's change as ours", () => {
    // A real release: the registry's to-tag has no run id (someone pushed it; the automation committed it).
    assert.equal(why(bot, { automation: { signature } }), 'the registry has no v0.2.0 pushed by a gitops-e2e run');
    assert.equal(
      why(bot, { automation: { signature, ownedTag: { tag: 'v0.3.0', runId: '20261207-212300-ab12cd' } } }),
      'the registry has no v0.2.0 pushed by a gitops-e2e run',
    );
    // A person's commit, same message.
    assert.match(
      why({ ...bot, authorName: 'Jane Doe', authorEmail: 'jane@example.com', author: 'Jane Doe <jane@example.com>' }),
      /author name is "Jane Doe", the automation is configured with "fluxcdbot"/,
    );
    assert.match(why({ ...bot, authorEmail: 'other@example.com' }), /author e-mail is "other@example.com"/);
    assert.match(
      why({ ...bot, message: 'Bump models' }),
      /message is "Bump models", the automation's template is "chore: update model artifact tag"/,
    );
    // More than the tag line, the setter marker dropped, a different start value.
    assert.match(
      why({ ...bot, after: file('v0.2.0').replace('replicas: 1', 'replicas: 2') }),
      /changes 2 lines of apps\/hr.yaml, expected exactly the tag line$/,
    );
    assert.match(why({ ...bot, after: file('v0.2.0', '') }), /dropped or changed the setter marker/);
    assert.match(
      why({ ...bot, before: file('v0.0.9') }),
      /sets spec.values.tag v0.0.9 → v0.2.0, expected v0.1.0 → v0.2.0/,
    );
    // Made before the run that pushed the tag started.
    assert.equal(
      why({ ...bot, date: '2026-12-07T21:22:59Z' }),
      'it was made at 2026-12-07T21:22:59Z, before gitops-e2e run 20261207-212300-ab12cd started',
    );
    assert.match(
      why(bot, { automation: { signature, ownedTag: { tag: 'v0.2.0', runId: 'run-7' } } }),
      /cannot tell whether it was made after run run-7 started/,
    );
  });

  it("says in the one refusal line why the automation-looking commit is not the suite's", () => {
    const o = tagEditOwnership({ ...bot, authorName: 'Jane Doe' }, ctx);
    assert.equal(o.owned, false);
    const reason = o.owned ? '' : o.reason;
    assert.equal(reason.includes('\n'), false, 'one line');
    assert.match(
      reason,
      /without an E2E-Run-Id: trailer, so not by a gitops-e2e run nor by the image automation for one \(commit c{12} author name is "Jane Doe", the automation is configured with "fluxcdbot"\): left alone\./,
    );
    // Manual mode (no automation context): the trailer rule alone.
    const manual = tagEditOwnership(bot, { ...ctx, automation: undefined });
    assert.match(manual.owned ? '' : manual.reason, /trailer, so not by a gitops-e2e run: left alone/);
  });
});
