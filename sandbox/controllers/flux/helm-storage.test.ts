import assert from 'node:assert/strict';
import { gunzipSync } from 'node:zlib';
import { it } from 'node:test';
import { decodeRelease, encodeRelease, type HelmRelease } from './helm-storage.ts';

it('encodes releases as Helm does (base64 of gzip of JSON) and decodes them back', () => {
  const rel: HelmRelease = {
    name: 'foundry',
    namespace: 'foundry-system',
    version: 2,
    info: {
      first_deployed: '2025-01-01T00:00:00Z',
      last_deployed: '2025-01-02T00:00:00Z',
      deleted: '',
      description: 'Upgrade complete',
      status: 'deployed',
    },
    chart: {
      metadata: { name: 'foundry', version: '0.1.0' },
      lock: null,
      templates: [],
      values: {},
      schema: null,
      files: [],
    },
    config: { a: 1 },
    manifest: '---\nkind: X\n',
  };
  const encoded = encodeRelease(rel);
  const raw = Buffer.from(encoded, 'base64');
  assert.deepEqual([raw[0], raw[1]], [0x1f, 0x8b], 'gzip magic');
  assert.deepEqual(JSON.parse(gunzipSync(raw).toString()), rel);
  assert.deepEqual(decodeRelease(encoded), rel);
});
