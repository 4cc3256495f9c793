import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { missingModels, newModels, parseModelListing } from './model-listing.ts';

const ROOT = '/home/foundry/.foundry/cache/models/';

const FROM = `/home/foundry/.foundry/cache/models/:
total 12
drwxr-xr-x 3 foundry foundry 4096 Nov 26 08:30 .
drwxr-xr-x 3 foundry foundry 4096 Nov 26 08:30 ..
drwxr-xr-x 4 foundry foundry 4096 Nov 26 08:30 microsoft

/home/foundry/.foundry/cache/models/microsoft:
total 8
drwxr-xr-x 2 foundry foundry 4096 Nov 26 08:30 phi-3.5-mini-instruct-generic-gpu
drwxr-xr-x 3 foundry foundry 4096 Nov 26 08:30 qwen2.5-0.5b-instruct-generic-gpu

/home/foundry/.foundry/cache/models/microsoft/phi-3.5-mini-instruct-generic-gpu:
total 4
drwxr-xr-x 2 foundry foundry 4096 Nov 26 08:30 v1

/home/foundry/.foundry/cache/models/microsoft/phi-3.5-mini-instruct-generic-gpu/v1:
total 16
-rw-r--r-- 1 foundry foundry  310 Nov 26 08:30 genai_config.json
-rw-r--r-- 1 foundry foundry   64 Nov 26 08:30 inference_model.json
-rw-r--r-- 1 foundry foundry 2.0K Nov 26 08:30 model.onnx

/home/foundry/.foundry/cache/models/microsoft/qwen2.5-0.5b-instruct-generic-gpu:
total 4
drwxr-xr-x 2 foundry foundry 4096 Nov 26 08:30 v1

/home/foundry/.foundry/cache/models/microsoft/qwen2.5-0.5b-instruct-generic-gpu/v1:
total 8
-rw-r--r-- 1 foundry foundry  310 Nov 26 08:30 genai_config.json
-rw-r--r-- 1 foundry foundry   64 Nov 26 08:30 inference_model.json
`;

const TO = `${FROM}
/home/foundry/.foundry/cache/models/meta/llama-3.2-1b-instruct-generic-gpu/v1:
total 8
-rw-r--r-- 1 foundry foundry  310 Nov 26 08:31 genai_config.json
-rw-r--r-- 1 foundry foundry   64 Nov 26 08:31 inference_model.json
lrwxrwxrwx 1 foundry foundry    9 Nov 26 08:31 latest -> model.onnx
`;

describe('parseModelListing', () => {
  it('finds model folders (both marker files) relative to the root', () => {
    const listing = parseModelListing(FROM, ROOT);
    assert.deepEqual(listing.models, [
      'microsoft/phi-3.5-mini-instruct-generic-gpu/v1',
      'microsoft/qwen2.5-0.5b-instruct-generic-gpu/v1',
    ]);
    const onnx = listing.entries.find((e) => e.name === 'model.onnx');
    assert.deepEqual(onnx, {
      dir: 'microsoft/phi-3.5-mini-instruct-generic-gpu/v1',
      name: 'model.onnx',
      type: 'file',
      size: 2048,
    });
    assert.ok(!listing.entries.some((e) => e.name === '.' || e.name === '..'));
  });

  it('does not count a folder with only one marker, and reads link names without their target', () => {
    const partial = `${ROOT}x/v1:\n-rw-r--r-- 1 a a 1 Nov 26 08:30 genai_config.json\n`;
    assert.deepEqual(parseModelListing(partial, ROOT).models, []);
    const link = parseModelListing(TO, ROOT).entries.find((e) => e.type === 'link');
    assert.equal(link?.name, 'latest');
  });

  it('reads a flat `ls -la` of the root as entries of the root', () => {
    const flat = 'total 4\ndrwxr-xr-x 4 foundry foundry 4096 Nov 26 08:30 microsoft\n';
    assert.deepEqual(parseModelListing(flat, ROOT).entries, [{ dir: '', name: 'microsoft', type: 'dir', size: 4096 }]);
  });
});

describe('newModels and missingModels', () => {
  it('reports what the to-tag added', () => {
    assert.deepEqual(newModels(parseModelListing(FROM, ROOT), parseModelListing(TO, ROOT)), [
      'meta/llama-3.2-1b-instruct-generic-gpu/v1',
    ]);
    assert.deepEqual(newModels(parseModelListing(TO, ROOT), parseModelListing(TO, ROOT)), []);
  });

  it('matches expected names at the start of a path segment, not inside longer versions', () => {
    const models = parseModelListing(TO, ROOT).models;
    assert.deepEqual(missingModels(models, ['llama-3.2', 'phi-3.5']), []);
    assert.deepEqual(missingModels(models, ['llama-3', 'mistral']), ['llama-3', 'mistral']);
    assert.deepEqual(missingModels(parseModelListing(FROM, ROOT).models, ['llama-3.2']), ['llama-3.2']);
  });
});
