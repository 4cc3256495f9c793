import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  describeRestoreAction,
  restoreActions,
  restoreOrder,
  type LedgerEntry,
  type RestoreAction,
} from './restore-plan.ts';

const FILE = 'apps/foundry-gpu-oras/helmrelease.yaml';
const push = (at: number, fromValue: string, toValue: string): LedgerEntry => ({
  type: 'git-push',
  at,
  branch: 'main',
  file: FILE,
  sha: `sha${at}`,
  fromValue,
  toValue,
});

describe('restoreActions', () => {
  it('is empty for an empty ledger and for a run that rolled back and cleaned up', () => {
    assert.deepEqual(restoreActions([], { fromTag: 'v0.1.0' }), []);
    const clean: LedgerEntry[] = [
      { type: 'oci-push', at: 1, repository: 'm', tag: 'v0.2.0', digest: 'sha256:a' },
      push(2, 'v0.1.0', 'v0.2.0'),
      push(3, 'v0.2.0', 'v0.1.0'),
      { type: 'oci-delete', at: 4, repository: 'm', tag: 'v0.2.0' },
    ];
    assert.deepEqual(restoreActions(clean, { fromTag: 'v0.1.0' }), []);
  });

  it('restores git first, then deletes the tag the run pushed (ledger order does not matter)', () => {
    const crashed: LedgerEntry[] = [
      push(2, 'v0.1.0', 'v0.2.0'),
      { type: 'oci-push', at: 1, repository: 'm', tag: 'v0.2.0', digest: 'sha256:a' },
      { type: 'bootstrap', at: 0, command: 'bash x' },
    ];
    const actions = restoreActions(crashed, { fromTag: 'v0.1.0' });
    assert.deepEqual(actions, [
      { action: 'restore-git', branch: 'main', file: FILE, from: 'v0.2.0', to: 'v0.1.0' },
      { action: 'delete-tag', repository: 'm', tag: 'v0.2.0', digest: 'sha256:a' },
    ]);
    assert.deepEqual(actions.map(describeRestoreAction), [
      `restore ${FILE} on main from v0.2.0 to v0.1.0`,
      'delete m:v0.2.0 (sha256:a) pushed by this run',
    ]);
  });

  it('leaves tags the run did not push alone', () => {
    assert.deepEqual(
      restoreActions([{ type: 'oci-delete', at: 1, repository: 'm', tag: 'v0.2.0' }], { fromTag: 'v0.1.0' }),
      [],
    );
  });

  it('resumes what the run suspended and did not resume, after git and the registry', () => {
    const iua = { kind: 'ImageUpdateAutomation', namespace: 'flux-system', name: 'a' };
    const crashed: LedgerEntry[] = [
      { type: 'suspend', at: 3, ...iua },
      push(4, 'v0.2.0', 'v0.1.0'),
      { type: 'oci-push', at: 1, repository: 'm', tag: 'v0.2.0', digest: 'sha256:a' },
      push(2, 'v0.1.0', 'v0.2.0'),
    ];
    const actions = restoreActions(crashed, { fromTag: 'v0.1.0' });
    assert.deepEqual(actions, [
      { action: 'delete-tag', repository: 'm', tag: 'v0.2.0', digest: 'sha256:a' },
      { action: 'resume', ...iua },
    ]);
    assert.equal(
      describeRestoreAction(actions[1]!),
      'resume ImageUpdateAutomation flux-system/a suspended by this run',
    );
    assert.deepEqual(
      restoreActions(
        [...crashed, { type: 'resume', at: 5, ...iua }, { type: 'oci-delete', at: 6, repository: 'm', tag: 'v0.2.0' }],
        { fromTag: 'v0.1.0' },
      ),
      [],
    );
  });
});

describe('restoreOrder', () => {
  const actions: RestoreAction[] = [
    { action: 'restore-git', branch: 'main', file: FILE, from: 'v0.2.0', to: 'v0.1.0' },
    {
      action: 'delete-tag',
      repository: 'm',
      tag: 'v0.2.0',
      digest: 'sha256:a',
      why: 'pushed by gitops-e2e run r1, left behind',
    },
  ];

  it('keeps git first in manual mode, and puts the tag first in automation mode (the automation would commit it again)', () => {
    assert.deepEqual(
      restoreOrder(actions, 'manual').map((a) => a.action),
      ['restore-git', 'delete-tag'],
    );
    assert.deepEqual(
      restoreOrder(actions, 'automation').map((a) => a.action),
      ['delete-tag', 'restore-git'],
    );
  });

  it('describes whose change an action undoes when it is known', () => {
    assert.equal(
      describeRestoreAction(actions[1]!),
      'delete m:v0.2.0 (sha256:a) pushed by gitops-e2e run r1, left behind',
    );
    assert.equal(
      describeRestoreAction({ ...actions[0]!, why: 'set by commit abc of run r1' } as RestoreAction),
      `restore ${FILE} on main from v0.2.0 to v0.1.0 (set by commit abc of run r1)`,
    );
  });
});
