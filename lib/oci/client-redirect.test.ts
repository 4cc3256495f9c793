/**
 * The client against two small fakes (node:http): a registry that challenges with Basic and sends the blob
 * download elsewhere (307, as registries backed by object storage do), and that storage host. The registry's
 * credentials must not follow the redirect; the blob must arrive verified.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { OciClient } from './client.ts';

const BLOB = randomBytes(2 * 1024 * 1024 + 5);
const DIGEST = `sha256:${createHash('sha256').update(BLOB).digest('hex')}`;
const listen = async (server: Server) => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
};

let work: string;
let registryPort: number;
const storageAuth: Array<string | undefined> = [];
const storage = createServer((req, res) => {
  storageAuth.push(req.headers.authorization);
  res.writeHead(200, { 'Content-Length': BLOB.length }).end(BLOB);
});
let storagePort: number;
const registry = createServer((req, res) => {
  if (!req.headers.authorization) {
    res
      .writeHead(401, { 'WWW-Authenticate': 'Basic realm="fake"', 'Content-Type': 'application/json' })
      .end('{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}');
    return;
  }
  // "localhost" is another host than "127.0.0.1" for the client, as a storage account is.
  res.writeHead(307, { Location: `http://localhost:${storagePort}/blob?sig=abc` }).end();
});

before(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'oci-redirect-'));
  storagePort = await listen(storage);
  registryPort = await listen(registry);
});
after(async () => {
  storage.closeAllConnections();
  registry.closeAllConnections();
  await Promise.all([new Promise((r) => storage.close(r)), new Promise((r) => registry.close(r))]);
  await rm(work, { recursive: true, force: true });
});

test('a redirected blob download arrives verified, without the registry credentials', async () => {
  const client = new OciClient({
    registry: `127.0.0.1:${registryPort}`,
    plainHttp: true,
    username: 'u',
    password: 'secret',
  });
  const out = path.join(work, 'blob');
  await client.pullBlob('models', { mediaType: 'application/octet-stream', digest: DIGEST, size: BLOB.length }, out);
  assert.deepEqual(await readFile(out), BLOB);
  assert.deepEqual(storageAuth, [undefined]);
});
