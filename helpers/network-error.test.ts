import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeUnreachable, hostPort, isUnreachable, networkCode } from './network-error.ts';
import { closedPort } from './closed-port.ts';

describe('network errors name the host and port', () => {
  it('spells out default ports', () => {
    assert.equal(hostPort('https://arc.example.com'), 'arc.example.com:443');
    assert.equal(hostPort('http://127.0.0.1:5000/v2/'), '127.0.0.1:5000');
    assert.equal(hostPort('not a url'), 'not a url');
  });

  it('reads the system error code from a fetch failure', async () => {
    const port = await closedPort();
    const err = await fetch(`http://127.0.0.1:${port}/`).catch((e: unknown) => e);
    assert.equal(networkCode(err), 'ECONNREFUSED');
    assert.ok(isUnreachable(err));
    assert.equal(
      describeUnreachable('registry', `http://127.0.0.1:${port}/v2/`, err),
      `registry 127.0.0.1:${port} unreachable (http://127.0.0.1:${port}/v2/): connection refused (ECONNREFUSED)`,
    );
  });

  it('keeps the innermost message when there is no code ("bad port")', async () => {
    const err = await fetch('http://127.0.0.1:1/').catch((e: unknown) => e);
    assert.ok(isUnreachable(err));
    assert.equal(
      describeUnreachable('API server', 'http://127.0.0.1:1', err),
      'API server 127.0.0.1:1 unreachable (http://127.0.0.1:1): bad port',
    );
  });

  it('does not call an HTTP answer unreachable', () => {
    assert.equal(isUnreachable(new Error('GET /v2/: 401 UNAUTHORIZED')), false);
    const answered = Object.assign(
      new Error('POST /v2/x/blobs/uploads/: 401 UNAUTHORIZED: authentication required (ECONNREFUSED in a body)'),
      { status: 401, code: 'UNAUTHORIZED' },
    );
    assert.equal(isUnreachable(answered), false);
    assert.equal(networkCode(answered), undefined);
  });
});
