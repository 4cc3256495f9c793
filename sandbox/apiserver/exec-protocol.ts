/**
 * The Kubernetes remote-command WebSocket protocols: subprotocol choice, channel framing (binary
 * `[channel][payload]` or base64 text `'1'+base64`), and the status message ending a session — for v5 as the
 * API server's stream translator writes it, for v4 as the kubelet writes it, for v1 as plain error text.
 */
import { randomBytes } from 'node:crypto';

/** Subprotocols the sandbox accepts, in the API server's and kubelet's spelling. */
export const EXEC_PROTOCOLS = [
  'v5.channel.k8s.io',
  'v4.channel.k8s.io',
  'v4.base64.channel.k8s.io',
  'channel.k8s.io',
  'base64.channel.k8s.io',
] as const;

/** One accepted subprotocol; `''` is a client that asked for none (binary, v1 semantics). */
export type ExecProtocol = (typeof EXEC_PROTOCOLS)[number] | '';

/** Channel numbers of the protocol. */
export const Channel = { stdin: 0, stdout: 1, stderr: 2, error: 3, resize: 4, close: 255 } as const;

/** The first offered subprotocol the sandbox supports (client preference wins, as in wsstream); undefined when none. */
export function chooseProtocol(header: string | undefined): ExecProtocol | undefined {
  if (header === undefined || header.trim() === '') return '';
  const offered = header.split(',').map((p) => p.trim());
  return offered.find((p): p is ExecProtocol => (EXEC_PROTOCOLS as readonly string[]).includes(p));
}

/** True for the base64 text variants. */
export function isBase64(protocol: ExecProtocol): boolean {
  return protocol.includes('base64');
}

/** A frame for `channel` carrying `data`, binary or base64 text as the protocol wants. */
export function frame(protocol: ExecProtocol, channel: number, data: Buffer): Buffer | string {
  return isBase64(protocol) ? `${channel}${data.toString('base64')}` : Buffer.concat([Buffer.from([channel]), data]);
}

/** Splits a client message into its channel and payload. */
export function unframe(
  protocol: ExecProtocol,
  message: Buffer,
  isBinary: boolean,
): { channel: number; data: Buffer } | undefined {
  if (message.length === 0) return undefined;
  if (isBase64(protocol) && !isBinary) {
    const text = message.toString('utf8');
    return { channel: Number(text[0]), data: Buffer.from(text.slice(1), 'base64') };
  }
  return { channel: message[0], data: message.subarray(1) };
}

/** How a session ended. */
export type ExecOutcome =
  | { kind: 'exit'; code: number; argv: string[] }
  /** The runtime could not start the process (runc's message, e.g. `exec: "x": executable file not found in $PATH`). */
  | { kind: 'not-started'; message: string }
  /** The container is not running (the kubelet's `container not found ("x")`). */
  | { kind: 'no-container'; container: string }
  | { kind: 'internal'; message: string };

/** `metav1.Status` as Go marshals it onto the error channel (no kind/apiVersion; fields in struct order). */
interface ChannelStatus {
  metadata: Record<string, never>;
  status: 'Success' | 'Failure';
  message?: string;
  reason?: string;
  details?: { causes: Array<{ reason?: string; message: string }> };
  code?: number;
}

function internalError(inner: string): ChannelStatus {
  return {
    metadata: {},
    status: 'Failure',
    message: `Internal error occurred: ${inner}`,
    reason: 'InternalError',
    details: { causes: [{ message: inner }] },
    code: 500,
  };
}

function nonZero(code: number, message: string): ChannelStatus {
  return {
    metadata: {},
    status: 'Failure',
    message,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(code) }] },
  };
}

/** containerd's wording for a process it could not start. */
function runtimeFailure(message: string): string {
  return `error executing command in container: failed to exec in container: failed to start exec "${randomBytes(32).toString('hex')}": OCI runtime exec failed: exec failed: unable to start container process: ${message}: unknown`;
}

/**
 * The kubelet's status (what v4 and older clients get directly): containerd's exit error text
 * (`error executing command [sh -c exit 3], exit code 3`) inside `command terminated with non-zero exit code: …`.
 */
function kubeletStatus(outcome: ExecOutcome): ChannelStatus {
  const byKind: { [K in ExecOutcome['kind']]: (o: Extract<ExecOutcome, { kind: K }>) => ChannelStatus } = {
    exit: (o) =>
      o.code === 0
        ? { metadata: {}, status: 'Success' }
        : nonZero(
            o.code,
            `command terminated with non-zero exit code: error executing command [${o.argv.join(' ')}], exit code ${o.code}`,
          ),
    'not-started': (o) => internalError(runtimeFailure(o.message)),
    'no-container': (o) => internalError(`container not found ("${o.container}")`),
    internal: (o) => internalError(o.message),
  };
  return (byKind[outcome.kind] as (o: ExecOutcome) => ChannelStatus)(outcome);
}

/**
 * The API server's stream translator (v5) re-wraps what the kubelet said: exit codes become
 * `command terminated with non-zero exit code: command terminated with exit code N`, other failures
 * another `Internal error occurred: …` around the kubelet's message.
 */
function translatorStatus(outcome: ExecOutcome): ChannelStatus {
  if (outcome.kind === 'exit')
    return outcome.code === 0
      ? { metadata: {}, status: 'Success' }
      : nonZero(
          outcome.code,
          `command terminated with non-zero exit code: command terminated with exit code ${outcome.code}`,
        );
  // The SPDY leg failed to upgrade when the kubelet answered 500 with plain text.
  if (outcome.kind === 'no-container')
    return internalError(`unable to upgrade connection: container not found ("${outcome.container}")`);
  return internalError(kubeletStatus(outcome).message as string);
}

/**
 * The error-channel payload ending a session, or undefined when nothing is sent (v1 protocols say nothing
 * on success).
 */
export function statusMessage(protocol: ExecProtocol, outcome: ExecOutcome): Buffer | undefined {
  if (protocol === 'v5.channel.k8s.io') return Buffer.from(JSON.stringify(translatorStatus(outcome)));
  const status = kubeletStatus(outcome);
  if (protocol.startsWith('v4.')) return Buffer.from(JSON.stringify(status));
  return status.status === 'Success' ? undefined : Buffer.from(status.message ?? '');
}
