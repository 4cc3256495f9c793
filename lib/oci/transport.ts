/**
 * Large blob bodies over `node:http`/`node:https` rather than `fetch`: a file piped into a request (and a response
 * piped into a file) moves at the speed of the socket with backpressure and constant memory, where a web-stream
 * body through undici costs a copy per chunk and, without `duplex: 'half'`, buffers the whole body. Small requests
 * (manifests, tags, auth) stay on `fetch`.
 */
import http, { type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import https from 'node:https';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** One request with an optional streamed body. */
export interface StreamRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
  /** Stages piped into the request body (a file stream, then transforms); `Content-Length` from `headers`. */
  body?: Readable[];
  signal?: AbortSignal;
}

/** Redirects followed for a GET (registries send blob downloads to a storage URL, e.g. ACR's blob store). */
const MAX_REDIRECTS = 5;

/** Sends a request; resolves with the response once its headers arrive (the body is left to the caller). */
export function send(request: StreamRequest): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const transport = request.url.protocol === 'https:' ? https : http;
    const req = transport.request(request.url, { method: request.method, headers: request.headers, signal: request.signal }, resolve);
    req.on('error', reject);
    if (!request.body) {
      req.end();
      return;
    }
    // A registry may answer (401, 413…) before reading the whole body: the response settles the promise, and
    // the broken pipe that follows is not the caller's error.
    const stages = request.body;
    pipeline([...stages, req]).catch((err: Error) => {
      for (const stage of stages) stage.destroy();
      reject(err);
    });
  });
}

/**
 * A GET that follows redirects; the `Authorization` header goes only to the registry's own host, as Docker and
 * oras do (a pre-signed storage URL must not receive the registry token).
 */
export async function get(url: URL, headers: Record<string, string>, signal?: AbortSignal): Promise<IncomingMessage> {
  let target = url;
  for (let hop = 0; ; hop++) {
    const sameHost = target.host === url.host;
    const { Authorization: _dropped, ...others } = headers;
    const res = await send({ method: 'GET', url: target, headers: sameHost ? headers : others, signal });
    const location = res.headers.location;
    if (![301, 302, 303, 307, 308].includes(res.statusCode ?? 0) || !location || hop === MAX_REDIRECTS) return res;
    res.resume();
    target = new URL(location, target);
  }
}

/** A `fetch` Response view of a (small, usually error) message, so the client's error handling reads one type. */
export function asResponse(res: IncomingMessage, url: URL): Response {
  const headers = new Headers();
  for (const [name, value] of Object.entries(res.headers as IncomingHttpHeaders)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
  }
  const noBody = res.statusCode === 204 || res.statusCode === 304;
  if (noBody) res.resume();
  const response = new Response(noBody ? null : (Readable.toWeb(res) as ReadableStream<Uint8Array>), { status: res.statusCode ?? 0, headers });
  Object.defineProperty(response, 'url', { value: url.toString() });
  return response;
}
