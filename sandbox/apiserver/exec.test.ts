import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { Exec, KubeConfig, type V1Status } from '@kubernetes/client-node';
import selfsigned from 'selfsigned';
import WebSocket from 'ws';
import type { KubeObject } from '../kube/types.ts';
import { PodFiles } from '../kubelet/podfs.ts';
import { handleExecUpgrade } from './exec.ts';

function makePod(overrides: { containers?: string[]; running?: boolean } = {}): KubeObject {
  const containers = overrides.containers ?? ['foundry'];
  const running = overrides.running ?? true;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'foundry-0', namespace: 'ai', uid: 'u-1' },
    spec: {
      nodeName: 'gpu-node',
      containers: containers.map((name) => ({
        name,
        image: 'x',
        env: [
          { name: 'MODEL', value: 'phi-4-mini' },
          { name: 'MODEL_DIR', value: '/models/$(MODEL)' },
        ],
      })),
    },
    status: {
      phase: running ? 'Running' : 'Pending',
      containerStatuses: containers.map((name) => ({
        name,
        state: running ? { running: {} } : { waiting: { reason: 'ContainerCreating' } },
      })),
    },
  };
}

/** One exec over a WebSocket: every message received, how the socket closed, or the refusal's status and body. */
interface Session {
  protocol: string;
  frames: Array<{ channel: number; text: string }>;
  closeCode?: number;
  refused?: { status: number; body: string };
}

describe('exec over WebSocket', { timeout: 20_000 }, () => {
  let dir: string;
  let files: PodFiles;
  let pod: KubeObject;
  let server: http.Server;
  let port: number;

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'exec-'));
    files = new PodFiles(dir);
    pod = makePod();
    const root = await files.ensure(pod);
    writeFileSync(path.join(root, 'tmp/hello.txt'), 'hello from the pod\n');
    server = http.createServer((_req, res) => res.writeHead(404).end());
    server.on('upgrade', (req, socket, head) => {
      const url = new URL(req.url ?? '/', 'http://x');
      handleExecUpgrade(req, socket, head, pod, url.searchParams, files, { env: () => ({ FROM_HOOK: 'yes' }) });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    port = (server.address() as AddressInfo).port;
  });
  after(async () => {
    server.closeAllConnections();
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const query = (command: string[], extra = 'stdout=true&stderr=true') =>
    `${command.map((c) => `command=${encodeURIComponent(c)}`).join('&')}&${extra}`;

  const open = (q: string, protocols: string[] = ['v5.channel.k8s.io'], stdin?: Buffer[]) =>
    new Promise<Session>((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/api/v1/namespaces/ai/pods/foundry-0/exec?${q}`, protocols);
      const session: Session = { protocol: '', frames: [] };
      ws.on('open', () => {
        session.protocol = ws.protocol;
        for (const chunk of stdin ?? []) ws.send(chunk);
      });
      ws.on('message', (data: Buffer) =>
        session.frames.push({ channel: data[0], text: data.subarray(1).toString('utf8') }),
      );
      ws.on('close', (code) => resolve({ ...session, closeCode: code }));
      ws.on('unexpected-response', (_req, res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c));
        res.on('end', () => resolve({ ...session, refused: { status: res.statusCode ?? 0, body } }));
      });
      ws.on('error', (err) => (err.message.startsWith('Unexpected server response') ? undefined : reject(err)));
    });
  const text = (s: Session, channel: number) =>
    s.frames
      .filter((f) => f.channel === channel)
      .map((f) => f.text)
      .join('');
  const status = (s: Session) => JSON.parse(text(s, 3));

  it('streams stdout and ends with a Success status and close 1000 (v5)', async () => {
    const session = await open(query(['cat', '/tmp/hello.txt']));
    assert.equal(session.protocol, 'v5.channel.k8s.io');
    assert.deepEqual(session.frames[0], { channel: 1, text: '' }, 'an empty frame on stdout announces the streams');
    assert.equal(text(session, 1), 'hello from the pod\n');
    assert.deepEqual(status(session), { metadata: {}, status: 'Success' });
    assert.equal(session.closeCode, 1000);
  });

  it('separates stderr and reports a non-zero exit code the way kubectl parses it', async () => {
    const session = await open(query(['sh', '-c', 'echo out; echo oops >&2; exit 3']));
    assert.equal(text(session, 1), 'out\n');
    assert.equal(text(session, 2), 'oops\n');
    assert.deepEqual(status(session), {
      metadata: {},
      status: 'Failure',
      message: 'command terminated with non-zero exit code: command terminated with exit code 3',
      reason: 'NonZeroExitCode',
      details: { causes: [{ reason: 'ExitCode', message: '3' }] },
    });
  });

  it('speaks v4 when that is what the client offers, with the kubelet wording', async () => {
    const session = await open(query(['ls', '/nope']), ['v4.channel.k8s.io']);
    assert.equal(session.protocol, 'v4.channel.k8s.io');
    assert.equal(text(session, 2), "ls: cannot access '/nope': No such file or directory\n");
    assert.equal(
      status(session).message,
      'command terminated with non-zero exit code: error executing command [ls /nope], exit code 2',
    );
  });

  it('feeds stdin and honours the v5 close signal', async () => {
    const session = await open(query(['cat'], 'stdin=true&stdout=true&stderr=true'), undefined, [
      Buffer.from('\x00one\ntwo\n'),
      Buffer.from([255, 0]),
    ]);
    assert.equal(text(session, 1), 'one\ntwo\n', 'cat ends only because the close signal (channel 255) closed stdin');
    assert.equal(status(session).status, 'Success');
  });

  it('uses the container environment: spec env with $(VAR) references, the hook, HOSTNAME, HOME', async () => {
    const session = await open(query(['sh', '-c', 'echo "$MODEL_DIR $FROM_HOOK $HOSTNAME $HOME"']));
    assert.equal(text(session, 1), '/models/phi-4-mini yes foundry-0 /root\n');
  });

  it('answers an unknown program with the container runtime error, as an InternalError status', async () => {
    const session = await open(query(['nvidia-smi']));
    const s = status(session);
    assert.equal(s.reason, 'InternalError');
    assert.equal(s.code, 500);
    assert.match(
      s.message,
      /^Internal error occurred: Internal error occurred: error executing command in container: failed to exec in container: failed to start exec "[0-9a-f]{64}": OCI runtime exec failed: exec failed: unable to start container process: exec: "nvidia-smi": executable file not found in \$PATH: unknown$/,
    );
  });

  it('merges stderr into stdout with \\r\\n line ends under a TTY', async () => {
    const session = await open(query(['sh', '-c', 'echo a; echo b >&2'], 'stdout=true&stderr=true&tty=true'));
    assert.equal(text(session, 1), 'a\r\nb\r\n');
    assert.equal(text(session, 2), '');
    assert.equal(status(session).status, 'Success');
  });

  it('speaks the base64 text protocol of old clients, with plain-text errors', async () => {
    const channel = (s: Session, n: number) =>
      Buffer.concat(
        s.frames.filter((f) => f.channel === String(n).charCodeAt(0)).map((f) => Buffer.from(f.text, 'base64')),
      ).toString('utf8');
    const ok = await open(query(['echo', 'hi']), ['base64.channel.k8s.io']);
    assert.equal(ok.protocol, 'base64.channel.k8s.io');
    assert.equal(channel(ok, 1), 'hi\n');
    assert.equal(channel(ok, 3), '', 'v1 protocols send nothing on success');
    const failed = await open(query(['false']), ['base64.channel.k8s.io']);
    assert.equal(
      channel(failed, 3),
      'command terminated with non-zero exit code: error executing command [false], exit code 1',
    );
  });

  it('refuses SPDY with a 400 Status after the real checks', async () => {
    const req = http.request({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: `/api/v1/namespaces/ai/pods/foundry-0/exec?${query(['ls'])}`,
      headers: { Connection: 'Upgrade', Upgrade: 'SPDY/3.1', 'X-Stream-Protocol-Version': 'v4.channel.k8s.io' },
    });
    req.end();
    const [res] = (await once(req, 'response')) as [http.IncomingMessage];
    let body = '';
    for await (const chunk of res) body += chunk;
    assert.equal(res.statusCode, 400);
    assert.equal(res.headers['content-type'], 'application/json');
    const s = JSON.parse(body);
    assert.equal(s.kind, 'Status');
    assert.equal(s.reason, 'BadRequest');
    assert.match(s.message, /SPDY\/3\.1 is not supported/);
  });

  it('refuses an unsupported subprotocol and a bad container name before upgrading', async () => {
    const wrong = await open(query(['ls']), ['v9.channel.k8s.io']);
    assert.equal(wrong.refused?.status, 400);
    assert.match(JSON.parse(wrong.refused?.body ?? '{}').message, /requested protocol\(s\) are not supported/);
    const bad = await open(`${query(['ls'])}&container=gpu`);
    assert.equal(bad.refused?.status, 400);
    assert.equal(JSON.parse(bad.refused?.body ?? '{}').message, 'container gpu is not valid for pod foundry-0');
  });

  it('reports a container that is not running like the real server does', async () => {
    const running = pod;
    pod = makePod({ running: false });
    try {
      const v5 = await open(query(['ls']));
      assert.equal(
        status(v5).message,
        'Internal error occurred: unable to upgrade connection: container not found ("foundry")',
      );
      const v4 = await open(query(['ls']), ['v4.channel.k8s.io']);
      assert.deepEqual(v4.refused, { status: 500, body: 'container not found ("foundry")' });
    } finally {
      pod = running;
    }
  });
});

describe("client-node's Exec against a TLS server", { timeout: 30_000 }, () => {
  let dir: string;
  let files: PodFiles;
  let server: https.Server;
  const pod = makePod();
  let kc: KubeConfig;

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'exec-tls-'));
    files = new PodFiles(dir);
    await files.ensure(pod);
    const pems = await selfsigned.generate([{ name: 'commonName', value: '127.0.0.1' }], {
      algorithm: 'sha256',
      keySize: 2048,
      extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
    });
    server = https.createServer({ key: pems.private, cert: pems.cert }, (_req, res) => res.writeHead(404).end());
    server.on('upgrade', (req, socket, head) => {
      if (req.headers.authorization !== 'Bearer sandbox-token') {
        socket.end('HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      handleExecUpgrade(req, socket, head, pod, new URL(req.url ?? '/', 'https://x').searchParams, files);
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [
        {
          name: 'sandbox',
          server: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
          caData: Buffer.from(pems.cert).toString('base64'),
        },
      ],
      users: [{ name: 'sandbox', token: 'sandbox-token' }],
      contexts: [{ name: 'sandbox', cluster: 'sandbox', user: 'sandbox' }],
      currentContext: 'sandbox',
    });
  });
  after(() => {
    server.closeAllConnections();
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const exec = async (command: string[]) => {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    let out = '';
    let err = '';
    stdout.on('data', (c) => (out += c));
    stderr.on('data', (c) => (err += c));
    let resolveStatus: (s: V1Status) => void = () => undefined;
    const statusReceived = new Promise<V1Status>((r) => (resolveStatus = r));
    const ws = await new Exec(kc).exec('ai', 'foundry-0', 'foundry', command, stdout, stderr, null, false, (s) =>
      resolveStatus(s),
    );
    const [status] = await Promise.all([statusReceived, once(ws as unknown as WebSocket, 'close')]);
    return { status, out, err, protocol: ws.protocol };
  };

  it('gets stdout, stderr and Success', async () => {
    const result = await exec(['sh', '-c', 'echo $HOSTNAME; echo warn >&2']);
    assert.equal(result.protocol, 'v5.channel.k8s.io');
    assert.equal(result.out, 'foundry-0\n');
    assert.equal(result.err, 'warn\n');
    assert.equal(result.status.status, 'Success');
  });

  it('gets NonZeroExitCode with the exit code as a cause', async () => {
    const result = await exec(['ls', '/missing']);
    assert.equal(result.status.status, 'Failure');
    assert.equal(result.status.reason, 'NonZeroExitCode');
    assert.deepEqual(result.status.details?.causes, [{ reason: 'ExitCode', message: '2' }]);
    assert.equal(result.err, "ls: cannot access '/missing': No such file or directory\n");
  });
});
