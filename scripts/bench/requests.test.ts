import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { requestsSince } from './requests.ts';

describe('requestsSince', () => {
  it('keeps only what came after the snapshot, per client and call, over the window since then', () => {
    const before = {
      since: 0,
      until: 100,
      clients: {
        suite: { total: 3, perMinute: 0, first: 0, last: 90, calls: { 'list pods': 2, 'get discovery': 1 } },
        boot: { total: 5, perMinute: 0, first: 10, last: 50, calls: { 'get openapi': 5 } },
      },
    };
    const final = {
      since: 0,
      until: 200,
      clients: {
        suite: {
          total: 6,
          perMinute: 0,
          first: 0,
          last: 60_100,
          calls: { 'list pods': 3, 'get discovery': 1, 'patch helmreleases': 2 },
        },
        boot: { total: 5, perMinute: 0, first: 10, last: 50, calls: { 'get openapi': 5 } },
        late: { total: 1, perMinute: 0, first: 150, last: 150, calls: { 'get pods': 1 } },
      },
    };
    const after = requestsSince(final, before, 100);
    assert.deepEqual(Object.keys(after.clients), ['suite', 'late']);
    assert.deepEqual(after.clients.suite!.calls, { 'list pods': 1, 'patch helmreleases': 2 });
    assert.equal(after.clients.suite!.total, 3);
    assert.equal(after.clients.suite!.perMinute, 3);
    assert.equal(after.clients.late!.first, 150);
  });
});
