import assert from 'node:assert/strict';
import { once } from 'node:events';
import http, { type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { KubeObject } from '../kube/types.ts';
import { LogStore, logTimestamp, servePodLog } from './logs.ts';

const t0 = new Date('2026-11-26T08:30:00.123Z');
const at = (seconds: number) => new Date(t0.getTime() + seconds * 1000);

function makePod(overrides: { containers?: string[]; status?: object; nodeName?: string | null } = {}): KubeObject {
  const containers = overrides.containers ?? ['foundry'];
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'foundry-0', namespace: 'ai', uid: 'u-1' },
    spec: {
      containers: containers.map((name) => ({ name, image: 'x' })),
      ...(overrides.nodeName === null ? {} : { nodeName: overrides.nodeName ?? 'gpu-node' }),
    },
    status: overrides.status ?? {
      phase: 'Running',
      containerStatuses: containers.map((name) => ({ name, state: { running: { startedAt: t0.toISOString() } } })),
    },
  };
}

describe('LogStore', () => {
  it('keeps current and previous instances and bounds memory', () => {
    const logs = new LogStore({ maxLines: 3 });
    const ref = { namespace: 'ai', name: 'p' };
    for (let i = 1; i <= 5; i++) logs.append(ref, 'c', `line ${i}`, at(i));
    assert.deepEqual(
      logs.lines(ref, 'c').map((l) => l.text),
      ['line 3', 'line 4', 'line 5'],
    );
    logs.restart(ref, 'c');
    logs.append(ref, 'c', 'fresh\nsecond\n', at(9));
    assert.deepEqual(
      logs.lines(ref, 'c').map((l) => l.text),
      ['fresh', 'second'],
    );
    assert.deepEqual(
      logs.lines(ref, 'c', { previous: true }).map((l) => l.text),
      ['line 3', 'line 4', 'line 5'],
    );
    logs.remove(ref);
    assert.deepEqual(logs.lines(ref, 'c'), []);
    assert.equal(logs.hasPrevious(ref, 'c'), false);
  });

  it('follows: existing lines, then appended ones, until the container ends', async () => {
    const logs = new LogStore({ clock: { now: () => t0 } });
    const ref = { namespace: 'ai', name: 'p' };
    logs.append(ref, 'c', 'before');
    const seen: string[] = [];
    const reader = (async () => {
      for await (const line of logs.follow(ref, 'c')) {
        seen.push(line.text);
        if (line.text === 'before') {
          logs.append(ref, 'c', 'after');
          logs.end(ref, 'c');
        }
      }
    })();
    await reader;
    assert.deepEqual(seen, ['before', 'after']);
    assert.equal(logs.lines(ref, 'c')[0].at, t0);
  });

  it('formats timestamps with nine fraction digits', () => {
    assert.equal(logTimestamp(t0), '2026-11-26T08:30:00.123000000Z');
  });
});

describe('servePodLog', { timeout: 20_000 }, () => {
  let server: http.Server;
  let base: string;
  let logs: LogStore;
  let pod: KubeObject;
  let served: Promise<void>[] = [];
  const ref = { namespace: 'ai', name: 'foundry-0' };

  before(async () => {
    server = http.createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      served.push(servePodLog(req, res, pod, url.searchParams, logs));
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/namespaces/ai/pods/foundry-0/log`;
  });
  after(async () => {
    server.closeAllConnections();
    server.close();
    await once(server, 'close');
  });
  beforeEach(() => {
    logs = new LogStore({ clock: { now: () => at(100) } });
    pod = makePod();
    served = [];
    for (let i = 1; i <= 5; i++) logs.append(ref, 'foundry', `line ${i}`, at(i * 10));
  });

  const get = async (query: string) => {
    const res = await fetch(`${base}${query}`);
    return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
  };
  /** The Status body of a refused request, once its HTTP status is checked. */
  const refused = async (query: string, status: number) => {
    const res = await get(query);
    assert.equal(res.status, status);
    return JSON.parse(res.text);
  };

  it('answers the lines as text/plain', async () => {
    assert.deepEqual(await get(''), {
      status: 200,
      type: 'text/plain',
      text: 'line 1\nline 2\nline 3\nline 4\nline 5\n',
    });
  });

  it('honours tailLines, timestamps (Kubernetes booleans), sinceTime, sinceSeconds and limitBytes', async () => {
    assert.equal((await get('?tailLines=2')).text, 'line 4\nline 5\n');
    assert.equal((await get('?tailLines=0')).text, '');
    assert.equal((await get('?tailLines=1&timestamps=true')).text, '2026-11-26T08:30:50.123000000Z line 5\n');
    assert.equal((await get('?tailLines=1&timestamps')).text, '2026-11-26T08:30:50.123000000Z line 5\n');
    assert.equal((await get('?tailLines=1&timestamps=0')).text, 'line 5\n');
    assert.equal((await get('?tailLines=1&timestamps=False')).text, 'line 5\n');
    assert.equal((await get(`?sinceTime=${encodeURIComponent('2026-11-26T08:30:40Z')}`)).text, 'line 4\nline 5\n');
    assert.equal((await get('?sinceSeconds=65')).text, 'line 4\nline 5\n');
    assert.equal((await get('?tailLines=3&sinceSeconds=65')).text, 'line 4\nline 5\n');
    assert.equal((await get('?tailLines=1&sinceSeconds=65')).text, 'line 5\n');
    assert.equal((await get('?limitBytes=10')).text, 'line 1\nlin');
  });

  it('rejects invalid options like the API server', async () => {
    const negative = await refused('?tailLines=-1', 422);
    assert.equal(
      negative.message,
      'PodLogOptions "foundry-0" is invalid: tailLines: Invalid value: -1: must be greater than or equal to 0',
    );
    const both = await refused('?sinceSeconds=5&sinceTime=2026-11-26T08:30:40Z', 422);
    assert.match(both.message, /at most one of `sinceTime` or `sinceSeconds` may be specified/);
    const notNumber = await refused('?tailLines=ten', 400);
    assert.equal(notNumber.reason, 'BadRequest');
  });

  it('chooses the container like the API server', async () => {
    pod = makePod({ containers: ['foundry', 'sidecar'] });
    const none = await refused('', 400);
    assert.deepEqual(none, {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'a container name must be specified for pod foundry-0, choose one of: [foundry sidecar]',
      reason: 'BadRequest',
      code: 400,
    });
    assert.equal(
      JSON.parse((await get('?container=gpu')).text).message,
      'container gpu is not valid for pod foundry-0',
    );
    logs.append(ref, 'sidecar', 'from the sidecar', at(1));
    assert.equal((await get('?container=sidecar')).text, 'from the sidecar\n');
  });

  it('refuses a container still waiting, with the reason from its status', async () => {
    pod = makePod({
      status: {
        phase: 'Pending',
        containerStatuses: [{ name: 'foundry', state: { waiting: { reason: 'ContainerCreating' } } }],
      },
    });
    const waiting = await refused('', 400);
    assert.equal(waiting.message, 'container "foundry" in pod "foundry-0" is waiting to start: ContainerCreating');
    pod = makePod({ nodeName: null, status: { phase: 'Pending' } });
    assert.deepEqual(await get(''), { status: 200, type: 'text/plain', text: '' });
  });

  it('serves --previous only when the container has a terminated last state', async () => {
    const missing = await refused('?previous=true', 400);
    assert.equal(missing.message, 'previous terminated container "foundry" in pod "foundry-0" not found');
    logs.restart(ref, 'foundry');
    logs.append(ref, 'foundry', 'second run', at(60));
    pod = makePod({
      status: {
        phase: 'Running',
        containerStatuses: [{ name: 'foundry', state: { running: {} }, lastState: { terminated: { exitCode: 1 } } }],
      },
    });
    assert.equal((await get('?previous=1&tailLines=1')).text, 'line 5\n');
    assert.equal((await get('')).text, 'second run\n');
    pod = makePod({
      status: {
        phase: 'Running',
        containerStatuses: [
          {
            name: 'foundry',
            state: { waiting: { reason: 'CrashLoopBackOff' } },
            lastState: { terminated: { exitCode: 1 } },
          },
        ],
      },
    });
    assert.equal((await get('?tailLines=1')).text, 'line 5\n', 'during back-off the last terminated instance is shown');
    // The kubelet may restart the log only when the next instance starts: then the dead one is the ended current one.
    logs.end(ref, 'foundry');
    assert.equal((await get('')).text, 'second run\n');
    assert.equal((await get('?previous=true')).text, 'second run\n');
  });

  /** Opens a follow stream and returns a reader that resolves the next chunk of text on demand. */
  const follow = async (query: string) => {
    const req = http.get(`${base}${query}`);
    const [res] = (await once(req, 'response')) as [IncomingMessage];
    res.setEncoding('utf8');
    const chunks: string[] = [];
    let wake: (() => void) | undefined;
    let ended = false;
    res.on('data', (c: string) => {
      chunks.push(c);
      wake?.();
    });
    res.on('end', () => {
      ended = true;
      wake?.();
    });
    const until = async (predicate: (text: string) => boolean) => {
      while (!predicate(chunks.join('')) && !ended) await new Promise<void>((r) => (wake = r));
      return chunks.join('');
    };
    return { req, res, until, ended: () => ended };
  };

  it('follows: delivers lines appended after the request and ends when the container stops', async () => {
    const stream = await follow('?follow=true&tailLines=1');
    assert.equal(await stream.until((t) => t.includes('line 5\n')), 'line 5\n');
    logs.append(ref, 'foundry', 'live 1', at(101));
    logs.append(ref, 'foundry', 'live 2', at(102));
    assert.equal(await stream.until((t) => t.includes('live 2\n')), 'line 5\nlive 1\nlive 2\n');
    logs.end(ref, 'foundry');
    await once(stream.res, 'end');
    await Promise.all(served);
  });

  it('follow ends when the pod is removed, and when the client goes away', async () => {
    const first = await follow('?follow=1');
    await first.until((t) => t.endsWith('line 5\n'));
    logs.remove(ref);
    await once(first.res, 'end');

    served = [];
    logs.append(ref, 'foundry', 'after the pod came back', at(110));
    const second = await follow('?follow=true');
    assert.equal(await second.until((t) => t.endsWith('back\n')), 'after the pod came back\n');
    second.req.destroy();
    await Promise.all(served);
    logs.append(ref, 'foundry', 'nobody listens', at(120));
  });

  it('does not follow a terminated container', async () => {
    pod = makePod({
      status: { phase: 'Failed', containerStatuses: [{ name: 'foundry', state: { terminated: { exitCode: 2 } } }] },
    });
    assert.equal((await get('?follow=true&tailLines=1')).text, 'line 5\n');
  });
});
