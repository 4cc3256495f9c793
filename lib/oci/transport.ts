/**
 * Blob bodies at socket speed in constant memory. `fetch` (undici) copies a web-stream body chunk by chunk and,
 * without `duplex: 'half'`, buffers it whole; `node:http` allocates a fresh buffer for every socket read and
 * every file read, and that garbage waits for the GC: a 1 GiB transfer peaked at 150–180 MB of RSS. Here:
 *
 * - upload: the file is read into four reused 1 MiB buffers, each handed to the request (`node:http`) and
 *   taken back when the socket has flushed it; `onChunk` sees every byte on the way (hashing, progress);
 * - download: a GET on a socket that reads into reused buffers (`net`/`tls` `onread`), with the HTTP/1.1
 *   response head parsed here and the body written to the file at its offset as it arrives. Only a
 *   `Content-Length` body takes this path; a chunked one (no registry serves blobs so, but a proxy might) is
 *   refused with `ChunkedResponse` and the caller falls back to `node:http`.
 *
 * Small requests (manifests, tags, auth) stay on `fetch`.
 */
import { once } from 'node:events';
import type { FileHandle } from 'node:fs/promises';
import { open } from 'node:fs/promises';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';

/** Size and number of the reused buffers of a transfer. */
const PIECE = 1024 * 1024;
const PIECES = 4;
/** A response head larger than this is not a registry's. */
const MAX_HEAD = 64 * 1024;
/** Error bodies (JSON) are kept up to this size. */
const MAX_ERROR_BODY = 1024 * 1024;

/** A response to a streamed request: status, lower-case headers, and for anything but the streamed body its bytes. */
export interface Answer {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** The server sent a chunked body; `get` below cannot stream it into reused buffers. */
export class ChunkedResponse extends Error {}

/**
 * PATCHes (or PUTs) `size` bytes of `file` to `url`. Resolves with the answer once the server has answered; a
 * server that answers early (401, 413) stops the upload.
 */
export async function upload(
  url: URL,
  method: string,
  headers: Record<string, string>,
  file: string,
  size: number,
  onChunk: (chunk: Buffer) => void,
  signal?: AbortSignal,
): Promise<Answer> {
  const transport = url.protocol === 'https:' ? https : http;
  const req = transport.request(url, { method, headers: { ...headers, 'Content-Length': String(size) }, signal });
  let responded = false;
  const answered = new Promise<Answer>((resolve, reject) => {
    req.on('response', (res: IncomingMessage) => {
      responded = true;
      void collect(res).then(resolve, reject);
    });
    // After an early answer the rest of the body meets a closed socket (EPIPE): the answer is what counts.
    req.on('error', (err) => {
      if (!responded)
        reject(
          new Error(
            `${method} ${url.host}${url.pathname}: ${err.message} (the registry closed the connection before answering)`,
            { cause: err },
          ),
        );
    });
  });
  let finished = false;
  void answered.finally(() => (finished = true)).catch(() => undefined);
  const fh = await open(file, 'r');
  try {
    const free: Buffer[] = Array.from({ length: PIECES }, () => Buffer.allocUnsafe(PIECE));
    let returned: (() => void) | undefined;
    for (let position = 0; position < size && !finished;) {
      if (free.length === 0)
        await Promise.race([
          new Promise<void>((r) => (returned = r)),
          answered.then(
            () => undefined,
            () => undefined,
          ),
        ]);
      if (finished) break;
      const buffer = free.pop()!;
      const { bytesRead } = await fh.read(buffer, 0, Math.min(PIECE, size - position), position);
      if (bytesRead === 0) throw new Error(`${file} is shorter than ${size} bytes (it changed while it was uploaded)`);
      position += bytesRead;
      const chunk = buffer.subarray(0, bytesRead);
      onChunk(chunk);
      // The socket holds the buffer until it is flushed; only then may it be read into again.
      req.write(chunk, () => {
        free.push(buffer);
        returned?.();
      });
    }
    if (!finished) req.end();
  } catch (err) {
    req.destroy(err as Error);
    throw err;
  } finally {
    await fh.close();
  }
  return answered;
}

async function collect(res: IncomingMessage): Promise<Answer> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of res) {
    if (length < MAX_ERROR_BODY) chunks.push(chunk as Buffer);
    length += (chunk as Buffer).length;
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(res.headers))
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  return { status: res.statusCode ?? 0, headers, body: Buffer.concat(chunks) };
}

/** What `get` does with a 200 body: each piece in order, at its offset; resolve once it may be reused. */
export type BodySink = (piece: Buffer, offset: number) => Promise<void> | void;

/**
 * GET `url` on its own connection (`Connection: close`). A 200 body goes to `sink` piece by piece; any other
 * answer comes back with its (small) body. Rejects with `ChunkedResponse` for a chunked 200 body, and with the
 * signal's reason when aborted.
 */
export function get(url: URL, headers: Record<string, string>, sink: BodySink, signal?: AbortSignal): Promise<Answer> {
  signal?.throwIfAborted();
  return new Promise<Answer>((resolve, reject) => {
    // Buffers are free, in flight (being written) or the socket's next read target. Node asks `onread.buffer`
    // for the next target after every read; with none free it keeps the one just filled, so reading stops
    // until that one's write is done (`blocked`).
    const free: Buffer[] = Array.from({ length: PIECES }, () => Buffer.allocUnsafe(PIECE));
    let blocked: Buffer | undefined;
    let head = Buffer.alloc(0);
    let answer: Answer | undefined;
    let expected = -1;
    let received = 0;
    let writing = 0;
    let failed: Error | undefined;
    let ended = false;
    const errorBody: Buffer[] = [];

    const fail = (err: Error) => {
      if (failed) return;
      failed = err;
      socket.destroy();
      reject(err);
    };
    const settle = () => {
      if (failed || !answer) return;
      const errorLength = errorBody.reduce((n, b) => n + b.length, 0);
      const errorDone =
        ended ||
        (answer.headers['content-length'] !== undefined && errorLength >= Number(answer.headers['content-length']));
      if (answer.status === 200 ? received >= expected && writing === 0 : errorDone) {
        if (answer.status !== 200)
          answer.body = /chunked/i.test(answer.headers['transfer-encoding'] ?? '')
            ? dechunk(Buffer.concat(errorBody))
            : Buffer.concat(errorBody);
        socket.destroy();
        resolve(answer);
      }
    };
    const release = (buffer: Buffer | undefined) => {
      if (!buffer) return;
      if (buffer !== blocked) {
        free.push(buffer);
        return;
      }
      blocked = undefined;
      if (!failed) socket.resume();
    };
    /** Hands a piece of the body to the sink; `owner` is the read buffer it lives in (none for a copy), held until written. */
    const body = (piece: Buffer, owner: Buffer | undefined) => {
      if (answer!.status !== 200) {
        if (errorBody.reduce((n, b) => n + b.length, 0) < MAX_ERROR_BODY) errorBody.push(Buffer.from(piece));
        release(owner);
        return;
      }
      const take = piece.subarray(0, Math.max(0, Math.min(piece.length, expected - received)));
      const offset = received;
      received += take.length;
      writing++;
      Promise.resolve()
        .then(() => sink(take, offset))
        .then(
          () => {
            writing--;
            release(owner);
            settle();
          },
          (err: Error) => fail(err),
        );
    };
    /** Returns false (stop reading) when no buffer is free: the one just filled stays the next target. */
    const done = (owner: Buffer): boolean => {
      if (free.length > 0 || free.includes(owner)) return true;
      blocked = owner;
      return false;
    };
    const onRead = (n: number, buffer: Buffer): boolean => {
      if (failed) return false;
      if (!answer) {
        head = Buffer.concat([head, buffer.subarray(0, n)]);
        free.push(buffer);
        const end = head.indexOf('\r\n\r\n');
        if (end < 0) {
          if (head.length > MAX_HEAD)
            fail(new Error(`GET ${url.host}${url.pathname}: response head larger than ${MAX_HEAD} bytes`));
          return !failed;
        }
        try {
          answer = parseHead(head.subarray(0, end).toString('latin1'));
        } catch (err) {
          fail(err as Error);
          return false;
        }
        if (answer.status === 200) {
          if (
            /chunked/i.test(answer.headers['transfer-encoding'] ?? '') ||
            answer.headers['content-length'] === undefined
          ) {
            fail(new ChunkedResponse('the registry sent the blob without Content-Length'));
            return false;
          }
          expected = Number(answer.headers['content-length']);
        }
        // The head was copied out of the read buffer, and so is the start of the body: the buffer is reusable.
        const rest = Buffer.from(head.subarray(end + 4));
        head = Buffer.alloc(0);
        if (rest.length > 0) body(rest, undefined);
        settle();
        return true;
      }
      body(buffer.subarray(0, n), buffer);
      settle();
      return done(buffer);
    };
    const options = {
      host: url.hostname.replace(/^\[|\]$/g, ''),
      port: Number(url.port || (url.protocol === 'https:' ? 443 : 80)),
      onread: { buffer: () => free.pop(), callback: onRead },
    };
    const socket: net.Socket =
      url.protocol === 'https:'
        ? tls.connect({
            ...options,
            servername: net.isIP(url.hostname) ? undefined : url.hostname,
          } as tls.ConnectionOptions)
        : net.connect(options as net.NetConnectOpts);
    const target = `${url.pathname}${url.search}`;
    const lines = [
      `GET ${target} HTTP/1.1`,
      `Host: ${url.host}`,
      'Connection: close',
      ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
    ];
    socket.write(`${lines.join('\r\n')}\r\n\r\n`);
    socket.on('error', fail);
    socket.on('end', () => {
      ended = true;
      if (!answer) return fail(new Error(`GET ${url.host}${url.pathname}: connection closed before a response`));
      if (answer.status === 200 && received < expected)
        return fail(
          new Error(`GET ${url.host}${url.pathname}: connection closed after ${received} of ${expected} bytes`),
        );
      settle();
    });
    signal?.addEventListener('abort', () => fail(signal.reason as Error), { once: true });
  });
}

/** The payload of a small chunked body (RFC 9112 §7.1), for error answers. */
function dechunk(raw: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  while (at < raw.length) {
    const eol = raw.indexOf('\r\n', at);
    if (eol < 0) break;
    const size = parseInt(raw.subarray(at, eol).toString('latin1').split(';')[0]!, 16);
    if (!Number.isFinite(size) || size === 0) break;
    parts.push(raw.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
  return Buffer.concat(parts);
}

function parseHead(text: string): Answer {
  const [statusLine, ...lines] = text.split('\r\n');
  const match = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine ?? '');
  if (!match) throw new Error(`not an HTTP/1.1 response: ${JSON.stringify((statusLine ?? '').slice(0, 80))}`);
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  return { status: Number(match[1]), headers, body: Buffer.alloc(0) };
}

/** A GET through `node:http` for the rare chunked blob: the pieces come in Node's own buffers. */
export async function getChunked(
  url: URL,
  headers: Record<string, string>,
  sink: BodySink,
  signal?: AbortSignal,
): Promise<Answer> {
  const transport = url.protocol === 'https:' ? https : http;
  const req = transport.request(url, { method: 'GET', headers, signal });
  req.end();
  const [res] = (await once(req, 'response')) as [IncomingMessage];
  if (res.statusCode !== 200) return collect(res);
  let offset = 0;
  for await (const chunk of res) {
    await sink(chunk as Buffer, offset);
    offset += (chunk as Buffer).length;
  }
  return { status: 200, headers: {}, body: Buffer.alloc(0) };
}

/** Writes body pieces into a file at their offsets. */
export function fileSink(fh: FileHandle): BodySink {
  return async (piece, offset) => {
    for (let done = 0; done < piece.length;)
      done += (await fh.write(piece, done, piece.length - done, offset + done)).bytesWritten;
  };
}
