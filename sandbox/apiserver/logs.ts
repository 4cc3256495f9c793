/**
 * `GET /api/v1/namespaces/N/pods/P/log`: what `kubectl logs` reads. Validation and wording follow the real API
 * server (PodLogOptions, container selection) and the kubelet (container state checks); the body is
 * `text/plain`, chunked, one write per line while following.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, type KubeObject } from '../kube/types.ts';
import { LogStore, type LogLine } from './log-store.ts';
import { queryBool, queryInt } from './query-values.ts';
import { badRequest, failure, writeStatus } from './status.ts';

export { LogStore };
export type { LogLine, LogListener, LogStoreOptions, LogSubscription, PodRef } from './log-store.ts';

/** What one log request asks for, after validation. */
interface LogRequest {
  container: string;
  follow: boolean;
  previous: boolean;
  timestamps: boolean;
  tailLines?: number;
  since?: Date;
  limitBytes?: number;
}

interface ContainerStatus {
  name: string;
  state?: { running?: object; terminated?: object; waiting?: { reason?: string } };
  lastState?: { terminated?: object };
}

/** `2026-11-26T08:30:00.123000000Z`: RFC 3339 with nine fraction digits, as the kubelet writes them. */
export function logTimestamp(at: Date): string {
  return at.toISOString().replace(/\.(\d{3})Z$/, '.$1000000Z');
}

/**
 * Serves a pod's log for `pod` (already read by the caller) with the query of `kubectl logs`: `container`,
 * `follow`, `timestamps`, `tailLines`, `sinceTime`, `sinceSeconds`, `limitBytes`, `previous`. Errors are
 * written as Status JSON. Resolves when the response has ended: at once without `follow`, else when the
 * container stops or restarts, the pod is removed from `logs`, or the client goes away.
 */
export async function servePodLog(
  req: IncomingMessage,
  res: ServerResponse,
  pod: KubeObject,
  query: URLSearchParams,
  logs: LogStore,
): Promise<void> {
  const ref = { namespace: pod.metadata.namespace, name: pod.metadata.name };
  let request: LogRequest;
  let source: LogSource['source'];
  let running = false;
  try {
    request = parseLogRequest(pod, query, logs.now());
    ({ source, running } = logSource(pod, request.container, request.previous));
  } catch (err) {
    writeStatus(res, err);
    return;
  }
  // The dead instance of a container waiting to restart is the ended current one until the kubelet restarts it.
  if (source === 'last-terminated') source = logs.hasEnded(ref, request.container) ? 'current' : 'previous';
  res.writeHead(200, { 'Content-Type': 'text/plain', 'Cache-Control': 'no-cache, private' });
  res.flushHeaders();
  if (source === 'none') {
    res.end();
    return;
  }
  let remaining = request.limitBytes ?? Infinity;
  const format = (line: LogLine) =>
    Buffer.from(`${request.timestamps ? `${logTimestamp(line.at)} ` : ''}${line.text}\n`);
  const wanted = (line: LogLine) => !request.since || line.at.getTime() >= request.since.getTime();
  /** Writes within limitBytes; answers false once the limit is used up. */
  const write = (data: Buffer): boolean => {
    if (data.length === 0) return remaining > 0;
    const chunk = data.length > remaining ? data.subarray(0, remaining) : data;
    remaining -= chunk.length;
    if (chunk.length > 0) res.write(chunk);
    return remaining > 0;
  };
  await new Promise<void>((resolve) => {
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      subscription.unsubscribe();
      res.end();
      resolve();
    };
    const subscription = logs.subscribe(
      ref,
      request.container,
      {
        line: (line) => {
          if (wanted(line) && !write(format(line))) finish();
        },
        end: finish,
      },
      { previous: source === 'previous' },
    );
    // The kubelet tails first, then drops lines older than `since`.
    const backlog =
      request.tailLines === undefined
        ? subscription.lines
        : request.tailLines === 0
          ? []
          : subscription.lines.slice(-request.tailLines);
    const more = write(Buffer.concat(backlog.filter(wanted).map(format)));
    if (!more || !request.follow || !running || subscription.ended) return finish();
    req.once('close', finish);
    res.once('close', finish);
  });
}

/** Query → LogRequest, with the real server's checks: decoding (400), PodLogOptions validation (422), container (400). */
function parseLogRequest(pod: KubeObject, query: URLSearchParams, now: Date): LogRequest {
  const tailLines = queryInt(query, 'tailLines');
  const sinceSeconds = queryInt(query, 'sinceSeconds');
  const limitBytes = queryInt(query, 'limitBytes');
  const sinceTimeText = query.get('sinceTime');
  let sinceTime: Date | undefined;
  if (sinceTimeText !== null && sinceTimeText !== '') {
    sinceTime = new Date(sinceTimeText);
    if (!/^\d{4}-\d\d-\d\dT/.test(sinceTimeText) || Number.isNaN(sinceTime.getTime())) {
      throw badRequest(
        `parsing time ${JSON.stringify(sinceTimeText)} as "2006-01-02T15:04:05Z07:00": cannot parse ${JSON.stringify(sinceTimeText)} as "2006"`,
      );
    }
  }
  const problems: Array<{ field: string; message: string; reason: string }> = [];
  if (tailLines !== undefined && tailLines < 0)
    problems.push({
      field: 'tailLines',
      message: `Invalid value: ${tailLines}: must be greater than or equal to 0`,
      reason: 'FieldValueInvalid',
    });
  if (limitBytes !== undefined && limitBytes < 1)
    problems.push({
      field: 'limitBytes',
      message: `Invalid value: ${limitBytes}: must be greater than 0`,
      reason: 'FieldValueInvalid',
    });
  if (sinceSeconds !== undefined && sinceTime !== undefined)
    problems.push({
      field: '',
      message: 'Forbidden: at most one of `sinceTime` or `sinceSeconds` may be specified',
      reason: 'FieldValueForbidden',
    });
  else if (sinceSeconds !== undefined && sinceSeconds < 1)
    problems.push({
      field: 'sinceSeconds',
      message: `Invalid value: ${sinceSeconds}: must be greater than 0`,
      reason: 'FieldValueInvalid',
    });
  if (problems.length > 0) {
    const list = problems.map((p) => (p.field ? `${p.field}: ${p.message}` : p.message));
    const summary = list.length === 1 ? list[0] : `[${list.join(', ')}]`;
    throw new ApiError(
      failure(422, 'Invalid', `PodLogOptions "${pod.metadata.name}" is invalid: ${summary}`, {
        name: pod.metadata.name,
        kind: 'PodLogOptions',
        causes: problems.map((p) => ({ reason: p.reason, message: p.message, field: p.field })),
      }),
    );
  }
  return {
    container: chooseContainer(pod, query.get('container') ?? ''),
    follow: queryBool(query, 'follow'),
    previous: queryBool(query, 'previous'),
    timestamps: queryBool(query, 'timestamps'),
    tailLines,
    limitBytes,
    since: sinceTime ?? (sinceSeconds !== undefined ? new Date(now.getTime() - sinceSeconds * 1000) : undefined),
  };
}

/** The API server's container choice for logs: the only container by default; init and ephemeral ones are valid too. */
function chooseContainer(pod: KubeObject, requested: string): string {
  const spec = pod.spec ?? {};
  const names = (list?: Array<{ name: string }>) => (list ?? []).map((c) => c.name);
  const all = [...names(spec.initContainers), ...names(spec.containers), ...names(spec.ephemeralContainers)];
  const name = pod.metadata.name;
  if (requested !== '') {
    if (!all.includes(requested)) throw badRequest(`container ${requested} is not valid for pod ${name}`);
    return requested;
  }
  const containers = names(spec.containers);
  if (containers.length === 1) return containers[0];
  if (containers.length === 0) throw badRequest(`a container name must be specified for pod ${name}`);
  throw badRequest(`a container name must be specified for pod ${name}, choose one of: [${all.join(' ')}]`);
}

/** Which log instance a request reads, and whether it may still grow. */
interface LogSource {
  source: 'current' | 'previous' | 'last-terminated' | 'none';
  running: boolean;
}

/**
 * Which instance the kubelet would read, from the pod's container statuses: the previous one for `previous`
 * (400 when there is none), the running or terminated one, the last terminated one while waiting to restart,
 * and a 400 for a container that has not started. A pod not yet scheduled has an empty log, as upstream.
 */
function logSource(pod: KubeObject, container: string, previous: boolean): LogSource {
  const status = pod.status ?? {};
  const statuses: ContainerStatus[] = [
    ...(status.containerStatuses ?? []),
    ...(status.initContainerStatuses ?? []),
    ...(status.ephemeralContainerStatuses ?? []),
  ];
  const own = statuses.find((s) => s.name === container);
  const name = pod.metadata.name;
  if (!own) {
    if (!pod.spec?.nodeName) return { source: 'none', running: false };
    throw badRequest(`container "${container}" in pod "${name}" is not available`);
  }
  if (previous) {
    if (!own.lastState?.terminated)
      throw badRequest(`previous terminated container "${container}" in pod "${name}" not found`);
    return { source: own.state?.waiting ? 'last-terminated' : 'previous', running: false };
  }
  if (own.state?.running) return { source: 'current', running: true };
  if (own.state?.terminated) return { source: 'current', running: false };
  if (own.lastState?.terminated) return { source: 'last-terminated', running: false };
  const reason = own.state?.waiting?.reason;
  if (reason === undefined)
    throw badRequest(`container "${container}" in pod "${name}" is waiting to start - no logs yet`);
  const explained: Record<string, string> = {
    ErrImagePull: "image can't be pulled",
    ImagePullBackOff: 'trying and failing to pull image',
  };
  throw badRequest(`container "${container}" in pod "${name}" is waiting to start: ${explained[reason] ?? reason}`);
}
