import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { describe, it } from 'node:test';
import { RequestLog } from './request-log.ts';

const request = (url: string, userAgent: string, method = 'GET') =>
  ({ url, method, headers: { 'user-agent': userAgent } }) as unknown as IncomingMessage;

describe('RequestLog timeline', () => {
  it('keeps every request in order with its whole User-Agent, so a part of the suite can be told from another', () => {
    const log = new RequestLog();
    const before = Date.now();
    log.record(request('/version', 'gitops-e2e/0.1.0 (phase)'));
    log.record(request('/api/v1/namespaces/a/pods?watch=true', 'gitops-e2e/0.1.0 (run-observer)'));
    log.record(request('/apis', 'kubectl/v1.35.2 (linux/amd64) kubernetes/abc'));
    const timeline = log.timeline();
    assert.deepEqual(
      timeline.map((e) => [e.agent, e.call]),
      [
        ['gitops-e2e/0.1.0 (phase)', 'get /version'],
        ['gitops-e2e/0.1.0 (run-observer)', 'watch pods'],
        ['kubectl/v1.35.2 (linux/amd64) kubernetes/abc', 'get discovery'],
      ],
    );
    assert.ok(timeline.every((e, i) => e.ts >= before && (i === 0 || e.ts >= timeline[i - 1]!.ts)));
    // The per-client counts still key on the product alone.
    assert.deepEqual(Object.keys(log.detail().clients), ['gitops-e2e/0.1.0', 'kubectl/v1.35.2']);
    assert.deepEqual(log.timeline(Date.now() + 1000), []);
  });
});
