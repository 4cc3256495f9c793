/**
 * `GET /api/v1/namespaces/N/pods/P/exec` upgraded to a WebSocket: what `kubectl exec` (≥ 1.30, v5 protocol)
 * and client-node's `Exec` (v5…v1) speak. The command runs in the sandbox's small command set inside the pod's
 * own file tree. SPDY (kubectl's fallback) is refused with a Status after the same checks the real server makes,
 * so kubectl still prints the real error for a bad container name or a container that is not running.
 */
import type { IncomingMessage } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { ApiError, type KubeObject } from '../kube/types.ts';
import { ExecutableNotFoundError, runCommand, type CommandFn } from '../kubelet/commands.ts';
import { ByteChannel } from '../kubelet/commands/byte-channel.ts';
import { EMPTY_INPUT } from '../kubelet/commands/command-io.ts';
import { containerEnv, type EnvResolver } from '../kubelet/container-env.ts';
import type { PodFiles } from '../kubelet/podfs.ts';
import {
  Channel,
  chooseProtocol,
  EXEC_PROTOCOLS,
  frame,
  statusMessage,
  unframe,
  type ExecOutcome,
  type ExecProtocol,
} from './exec-protocol.ts';
import { queryBool } from './query-values.ts';
import { badRequest } from './status.ts';

/** Optional hooks from the kubelet side. */
export interface ExecOptions {
  /** More environment for a container (resolved `valueFrom`, image `ENV`); overrides the spec's plain values. */
  env?: EnvResolver;
  /** Extra commands of the image (e.g. an emulated `nvidia-smi`), added to the base set. */
  commands?: Record<string, CommandFn>;
}

/** What the exec query asks for. */
interface ExecRequest {
  argv: string[];
  container: string;
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
}

/** Output bytes in flight before a command's `drain()` waits for the socket. */
const HIGH_WATER = 1 << 20;

/**
 * Handles an HTTP upgrade for a pod's exec subresource (call it from the server's `upgrade` event with the pod
 * already read). Answers 4xx Status JSON on the raw socket for requests the real server refuses, and for SPDY.
 */
export function handleExecUpgrade(
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  pod: KubeObject,
  query: URLSearchParams,
  files: PodFiles,
  options: ExecOptions = {},
): void {
  socket.on('error', () => undefined);
  let request: ExecRequest;
  try {
    request = parseExecRequest(pod, query);
  } catch (err) {
    if (err instanceof ApiError) return refuse(socket, err.code, JSON.stringify(err.status), 'application/json');
    throw err;
  }
  const running = containerRunning(pod, request.container);
  const upgrade = String(req.headers.upgrade ?? '').toLowerCase();
  if (upgrade !== 'websocket') {
    // kubectl falls back to SPDY when the WebSocket upgrade fails: answer it like the kubelet would, or say why not.
    if (!running)
      return refuse(socket, 500, `container not found ("${request.container}")`, 'text/plain; charset=utf-8');
    const why = badRequest(
      `unable to upgrade connection: the sandbox serves exec over WebSocket only (v5.channel.k8s.io, kubectl >= 1.30); ${req.headers.upgrade || 'a request without Upgrade'} is not supported`,
    );
    return refuse(socket, 400, JSON.stringify(why.status), 'application/json');
  }
  const protocol = chooseProtocol(req.headers['sec-websocket-protocol']);
  if (protocol === undefined) {
    const why = badRequest(
      `requested protocol(s) are not supported: [${req.headers['sec-websocket-protocol']}]; supports [${EXEC_PROTOCOLS.join(' ')}]`,
    );
    return refuse(socket, 400, JSON.stringify(why.status), 'application/json');
  }
  // Without the translator (v5) the kubelet itself refuses before upgrading: 500, plain text.
  if (!running && protocol !== 'v5.channel.k8s.io')
    return refuse(socket, 500, `container not found ("${request.container}")`, 'text/plain; charset=utf-8');
  const wss = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    handleProtocols: () => protocol || false,
  });
  wss.handleUpgrade(req, socket, head, (ws) => {
    void runSession(ws, protocol, request, pod, files, options, running).finally(() => wss.close());
  });
}

/** Writes a whole HTTP response on the raw socket and closes it (the connection was never upgraded). */
function refuse(socket: Duplex, code: number, body: string, contentType: string): void {
  const head = [
    `HTTP/1.1 ${code} ${STATUS_CODES[code] ?? ''}`,
    `Content-Type: ${contentType}`,
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Cache-Control: no-cache, private',
    'Connection: close',
  ];
  socket.end(`${head.join('\r\n')}\r\n\r\n${body}`);
}

/** The query as PodExecOptions, with the API server's container checks (400 Status). */
function parseExecRequest(pod: KubeObject, query: URLSearchParams): ExecRequest {
  const request: ExecRequest = {
    argv: query.getAll('command'),
    container: query.get('container') ?? '',
    stdin: queryBool(query, 'stdin'),
    stdout: queryBool(query, 'stdout'),
    stderr: queryBool(query, 'stderr'),
    tty: queryBool(query, 'tty'),
  };
  const name = pod.metadata.name;
  const names = (list?: Array<{ name: string }>) => (list ?? []).map((c) => c.name);
  const containers = names(pod.spec?.containers);
  const inits = names(pod.spec?.initContainers);
  if (request.container === '') {
    if (containers.length === 0) throw badRequest(`a container name must be specified for pod ${name}`);
    if (containers.length > 1) {
      const also = inits.length > 0 ? ` or one of the init containers: [${inits.join(' ')}]` : '';
      throw badRequest(
        `a container name must be specified for pod ${name}, choose one of: [${containers.join(' ')}]${also}`,
      );
    }
    request.container = containers[0];
  } else if (![...containers, ...inits, ...names(pod.spec?.ephemeralContainers)].includes(request.container)) {
    throw badRequest(`container ${request.container} is not valid for pod ${name}`);
  }
  if (!pod.spec?.nodeName && (pod.status?.phase ?? 'Pending') === 'Pending')
    throw badRequest(`pod ${name} does not have a host assigned`);
  if (request.argv.length === 0) throw badRequest('you must specify at least one command for the container');
  if (!request.stdin && !request.stdout && !request.stderr)
    throw badRequest('you must specify at least 1 of stdin, stdout, stderr');
  // The kubelet drops stderr under a TTY: the terminal carries both.
  if (request.tty) request.stderr = false;
  return request;
}

/** True when the container has a running state (or, lacking statuses, the pod is Running). */
function containerRunning(pod: KubeObject, container: string): boolean {
  const status = pod.status ?? {};
  const statuses: Array<{ name: string; state?: { running?: object } }> = [
    ...(status.containerStatuses ?? []),
    ...(status.initContainerStatuses ?? []),
    ...(status.ephemeralContainerStatuses ?? []),
  ];
  const own = statuses.find((s) => s.name === container);
  if (own) return own.state?.running !== undefined;
  return statuses.length === 0 && status.phase === 'Running';
}

/** Runs the command over an upgraded socket, then sends the status and closes with 1000. */
async function runSession(
  ws: WebSocket,
  protocol: ExecProtocol,
  request: ExecRequest,
  pod: KubeObject,
  files: PodFiles,
  options: ExecOptions,
  running: boolean,
): Promise<void> {
  const controller = new AbortController();
  const stdin = request.stdin ? new ByteChannel() : undefined;
  let pending = 0;
  let waiters: Array<() => void> = [];
  const open = () => ws.readyState === ws.OPEN;
  const send = (channel: number, data: Buffer) => {
    if (!open()) return;
    pending += data.length;
    ws.send(frame(protocol, channel, data), () => {
      pending -= data.length;
      if (pending < HIGH_WATER) for (const wake of waiters.splice(0)) wake();
    });
  };
  ws.on('close', () => {
    controller.abort();
    stdin?.end();
    for (const wake of waiters.splice(0)) wake();
  });
  ws.on('error', () => undefined);
  ws.on('message', (message: RawData, isBinary: boolean) => {
    const parsed = unframe(protocol, Buffer.isBuffer(message) ? message : Buffer.concat(message as Buffer[]), isBinary);
    if (!parsed) return;
    if (parsed.channel === Channel.stdin) stdin?.write(parsed.data);
    // v5: [255, 0] is the client closing its stdin.
    else if (parsed.channel === Channel.close && parsed.data[0] === Channel.stdin) stdin?.end();
  });
  // Tell the client the streams are up: an empty message on the lowest writable channel, as the real server does.
  send(request.stdout ? Channel.stdout : request.stderr ? Channel.stderr : Channel.error, Buffer.alloc(0));
  const toBuffer = (chunk: Buffer | string) => (typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  // A terminal turns \n into \r\n (onlcr).
  const terminal = (chunk: Buffer | string) =>
    request.tty ? Buffer.from(toBuffer(chunk).toString('utf8').replace(/\r?\n/g, '\r\n')) : toBuffer(chunk);
  let outcome: ExecOutcome;
  if (!running) outcome = { kind: 'no-container', container: request.container };
  else {
    try {
      const spec = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])].find(
        (c: { name: string }) => c.name === request.container,
      );
      const code = await runCommand(request.argv, {
        files,
        pod,
        env: containerEnv(pod, request.container, { extra: options.env?.(pod, request.container), tty: request.tty }),
        cwd: spec?.workingDir ?? '/',
        stdin: stdin ?? EMPTY_INPUT,
        stdout: (chunk) => request.stdout && send(Channel.stdout, terminal(chunk)),
        stderr: (chunk) =>
          request.tty
            ? request.stdout && send(Channel.stdout, terminal(chunk))
            : request.stderr && send(Channel.stderr, toBuffer(chunk)),
        signal: controller.signal,
        drain: () =>
          pending < HIGH_WATER || !open() ? Promise.resolve() : new Promise<void>((resolve) => waiters.push(resolve)),
        extraCommands: options.commands,
      });
      outcome = { kind: 'exit', code, argv: request.argv };
    } catch (err) {
      outcome =
        err instanceof ExecutableNotFoundError
          ? { kind: 'not-started', message: err.message }
          : { kind: 'internal', message: String((err as Error)?.message ?? err) };
    }
  }
  const status = statusMessage(protocol, outcome);
  if (status) send(Channel.error, status);
  waiters = [];
  if (open()) ws.close(1000);
}
