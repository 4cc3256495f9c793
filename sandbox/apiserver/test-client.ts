/**
 * A small HTTPS client for the API server's own tests: trusts the server's CA, sends the bearer token, and
 * returns status, headers and the decoded body, or streams watch lines. Test support only.
 */
import { request } from 'node:https';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';

/** A finished response. */
export interface TestResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  json: any;
}

export interface TestRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: unknown;
  /** Sends no Authorization header. */
  anonymous?: boolean;
}

/** Talks to one ApiServer. */
export class TestClient {
  constructor(
    private readonly url: string,
    private readonly caPem: string,
    private readonly token: string,
  ) {}

  #open(path: string, req: TestRequest): { send: () => Promise<IncomingMessage> } {
    const url = new URL(path, this.url);
    const headers: Record<string, string> = { ...(req.headers ?? {}) };
    if (!req.anonymous) headers.Authorization = `Bearer ${this.token}`;
    let payload: string | undefined;
    if (req.body !== undefined) {
      payload = typeof req.body === 'string' ? req.body : JSON.stringify(req.body);
      headers['Content-Type'] ??= 'application/json';
      // Node sends DELETE bodies without chunked encoding: the length must be explicit.
      headers['Content-Length'] = String(Buffer.byteLength(payload));
    }
    return {
      send: () =>
        new Promise((resolve, reject) => {
          const r = request(url, { method: req.method ?? 'GET', headers, ca: this.caPem }, resolve);
          r.on('error', reject);
          r.end(payload);
        }),
    };
  }

  /** Sends a request and reads the whole response. */
  async call(path: string, req: TestRequest = {}): Promise<TestResponse> {
    const res = await this.#open(path, req).send();
    const chunks: Buffer[] = [];
    for await (const chunk of res) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.statusCode ?? 0, headers: res.headers, text, json };
  }

  /**
   * Opens a watch and hands back its events as they arrive: `next()` resolves with the next decoded line,
   * or undefined once the stream ended. `close()` aborts it.
   */
  async watch(
    path: string,
    req: TestRequest = {},
  ): Promise<{ status: number; headers: IncomingHttpHeaders; next: () => Promise<any>; close: () => void }> {
    const res = await this.#open(path, req).send();
    const lines: unknown[] = [];
    const waiters: Array<(v: unknown) => void> = [];
    let ended = false;
    let buffer = '';
    const deliver = (v: unknown) => {
      const w = waiters.shift();
      if (w) w(v);
      else lines.push(v);
    };
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      buffer += chunk;
      let i: number;
      while ((i = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, i);
        buffer = buffer.slice(i + 1);
        if (line.trim()) deliver(JSON.parse(line));
      }
    });
    const finish = () => {
      ended = true;
      while (waiters.length) waiters.shift()!(undefined);
    };
    res.on('end', finish);
    res.on('close', finish);
    res.on('error', finish);
    return {
      status: res.statusCode ?? 0,
      headers: res.headers,
      next: () => {
        if (lines.length) return Promise.resolve(lines.shift());
        if (ended) return Promise.resolve(undefined);
        return new Promise((resolve) => waiters.push(resolve));
      },
      close: () => res.destroy(),
    };
  }
}
