/**
 * The blob transport against a small fake server (node:http): bodies arrive whole and in order through reused
 * buffers, chunked answers are refused for the fallback, error bodies are kept, an early answer stops an upload,
 * and an abort ends a download with the signal's reason.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import * as transport from './transport.ts';

const BLOB = randomBytes(5 * 1024 * 1024 + 123);
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('blob transport', () => {
  let base: string;
  let work: string;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const route = req.url ?? '';
    if (route === '/blob') {
      res.writeHead(200, { 'Content-Length': BLOB.length });
      // Many small writes: the client's reads and the server's writes do not line up.
      for (let i = 0; i < BLOB.length; i += 70_000) res.write(BLOB.subarray(i, i + 70_000));
      res.end();
    } else if (route === '/chunked') {
      res.writeHead(200, { 'Transfer-Encoding': 'chunked' });
      res.end(BLOB.subarray(0, 1000));
    } else if (route === '/missing') {
      res.writeHead(404, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ errors: [{ code: 'BLOB_UNKNOWN', message: 'blob unknown' }] }));
    } else if (route === '/slow') {
      res.writeHead(200, { 'Content-Length': 1_000_000 });
      res.write(BLOB.subarray(0, 1000));
    } else if (route === '/upload') {
      const hash = createHash('sha256');
      req.on('data', (c: Buffer) => hash.update(c));
      req.on('end', () => res.writeHead(202, { Location: '/next', 'X-Sha': hash.digest('hex') }).end());
    } else if (route === '/denied') {
      req.resume();
      req.on('end', () => res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="x"' }).end('{"errors":[]}'));
    }
  });

  before(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    work = await mkdtemp(path.join(tmpdir(), 'oci-transport-'));
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await rm(work, { recursive: true, force: true });
  });

  test('a 200 body lands whole in the file, hashed in order', async () => {
    const file = path.join(work, 'out');
    const fh = await open(file, 'w');
    const hash = createHash('sha256');
    const write = transport.fileSink(fh);
    const answer = await transport.get(new URL(`${base}/blob`), {}, (piece, offset) => {
      hash.update(piece);
      return write(piece, offset);
    });
    await fh.close();
    assert.equal(answer.status, 200);
    assert.equal(hash.digest('hex'), sha(BLOB));
    assert.equal(sha(await readFile(file)), sha(BLOB));
  });

  test('a chunked body is refused for the node:http fallback, which reads it', async () => {
    await assert.rejects(
      transport.get(new URL(`${base}/chunked`), {}, () => undefined),
      transport.ChunkedResponse,
    );
    const pieces: Buffer[] = [];
    const answer = await transport.getChunked(
      new URL(`${base}/chunked`),
      {},
      (piece) => void pieces.push(Buffer.from(piece)),
    );
    assert.equal(answer.status, 200);
    assert.deepEqual(Buffer.concat(pieces), BLOB.subarray(0, 1000));
  });

  test('an error answer comes back with its body; an abort ends the download with the signal’s reason', async () => {
    const missing = await transport.get(new URL(`${base}/missing`), {}, () => assert.fail('no body for a 404'));
    assert.equal(missing.status, 404);
    assert.deepEqual(
      JSON.parse(missing.body.toString()),
      { errors: [{ code: 'BLOB_UNKNOWN', message: 'blob unknown' }] },
      'a chunked error body is decoded',
    );
    const controller = new AbortController();
    const slow = transport.get(
      new URL(`${base}/slow`),
      {},
      () => controller.abort(new Error('stop here')),
      controller.signal,
    );
    await assert.rejects(slow, /stop here/);
  });

  test('an upload streams the file once and reads a refusal', async () => {
    const file = path.join(work, 'up');
    await writeFile(file, BLOB);
    const seen = createHash('sha256');
    const answer = await transport.upload(
      new URL(`${base}/upload`),
      'PATCH',
      {},
      file,
      BLOB.length,
      (chunk) => void seen.update(chunk),
    );
    assert.equal(answer.status, 202);
    assert.equal(answer.headers['x-sha'], sha(BLOB));
    assert.equal(seen.digest('hex'), sha(BLOB));
    const denied = await transport.upload(new URL(`${base}/denied`), 'PATCH', {}, file, BLOB.length, () => undefined);
    assert.equal(denied.status, 401);
    assert.equal(denied.headers['www-authenticate'], 'Basic realm="x"');
  });
});
