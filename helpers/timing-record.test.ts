import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluateBudgets, planBudgets } from './budgets.ts';
import { parseTimingRecord, timingRecord } from './timing-record.ts';

const T0 = Date.UTC(2026, 0, 1);
const checkpoints = { ociPushed: T0, imageRepositoryDetected: T0 + 8400 };

describe('timing record', () => {
  const record = timingRecord(
    'run-1',
    [{ title: 'Upgrade', rows: evaluateBudgets(checkpoints, planBudgets()), checkpoints }],
    new Date(T0),
  );

  it('tags every plan row with its budget id and round-trips through JSON', () => {
    const rows = record.sections[0]!.rows;
    assert.equal(rows[0]!.id, 'ociPushToDetection');
    assert.equal(rows[0]!.measuredMs, 8400);
    assert.equal(rows[0]!.ok, false);
    assert.deepEqual(rows[1]!.missing, ['gitPushed', 'gitRepositorySynced']);
    assert.deepEqual(parseTimingRecord(JSON.stringify(record)), JSON.parse(JSON.stringify(record)));
  });

  it('refuses another schema version or a broken file in one line', () => {
    assert.throws(
      () => parseTimingRecord(JSON.stringify({ ...record, schemaVersion: 2 }), 'run/timing.json'),
      /^Error: run\/timing\.json: schemaVersion 2, this reader understands 1$/,
    );
    assert.throws(() => parseTimingRecord('{', 't.json'), /^Error: t\.json: not JSON/);
    assert.throws(
      () => parseTimingRecord(JSON.stringify({ ...record, sections: [{ title: 1 }] })),
      /timing\.json: sections\.0\.title: /,
    );
  });
});
