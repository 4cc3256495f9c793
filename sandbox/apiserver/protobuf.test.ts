import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isApiError } from '../kube/types.ts';
import { decodeProtobufObject } from './protobuf.ts';

/** Minimal protobuf writer for the test: (field number, value) pairs; nested messages are Buffers. */
function varint(n: number | bigint): Buffer {
  let v = BigInt.asUintN(64, BigInt(n));
  const out: number[] = [];
  do {
    const byte = Number(v & 0x7fn);
    v >>= 7n;
    out.push(v ? byte | 0x80 : byte);
  } while (v);
  return Buffer.from(out);
}
function field(num: number, value: string | Buffer | number | boolean): Buffer {
  if (typeof value === 'number' || typeof value === 'boolean') return Buffer.concat([varint((num << 3) | 0), varint(Number(value))]);
  const data = typeof value === 'string' ? Buffer.from(value) : value;
  return Buffer.concat([varint((num << 3) | 2), varint(data.length), data]);
}
const msg = (...parts: Buffer[]) => Buffer.concat(parts);
const entry = (num: number, k: string, v: string | Buffer) => field(num, msg(field(1, k), field(2, v)));

function envelope(apiVersion: string, kind: string, raw: Buffer): Buffer {
  return Buffer.concat([Buffer.from([0x6b, 0x38, 0x73, 0x00]), field(1, msg(field(1, apiVersion), field(2, kind))), field(2, raw)]);
}

describe('protobuf request bodies', () => {
  it('decodes a Secret as helm sends it: bytes data, labels, Go zero-time and empty strings dropped', () => {
    const zeroTime = msg(field(1, -62135596800));
    const meta = msg(field(1, 'sh.helm.release.v1.demo.v1'), field(2, ''), entry(11, 'owner', 'helm'), entry(11, 'version', '1'), field(8, zeroTime));
    const secret = msg(field(1, meta), entry(2, 'release', Buffer.from([0, 1, 2, 255])), field(3, 'helm.sh/release.v1'), field(5, true));
    const obj = decodeProtobufObject(envelope('v1', 'Secret', secret));
    assert.deepEqual(obj, {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'sh.helm.release.v1.demo.v1', labels: { owner: 'helm', version: '1' } },
      data: { release: Buffer.from([0, 1, 2, 255]).toString('base64') },
      type: 'helm.sh/release.v1',
      immutable: true,
    });
  });

  it('decodes DeleteOptions with a zero grace period and preconditions', () => {
    const opts = msg(field(1, 0), field(2, msg(field(1, 'uid-1'))), field(4, 'Foreground'));
    assert.deepEqual(decodeProtobufObject(envelope('meta.k8s.io/v1', 'DeleteOptions', opts)), {
      apiVersion: 'meta.k8s.io/v1',
      kind: 'DeleteOptions',
      gracePeriodSeconds: 0,
      preconditions: { uid: 'uid-1' },
      propagationPolicy: 'Foreground',
    });
  });

  it('refuses kinds and fields outside its table with 415', () => {
    assert.throws(() => decodeProtobufObject(envelope('apps/v1', 'Deployment', msg())), (e) => isApiError(e, 415) && /apps\/v1\/Deployment/.test(e.message));
    assert.throws(() => decodeProtobufObject(envelope('v1', 'ConfigMap', msg(field(9, 'x')))), (e) => isApiError(e, 415) && /field 9 of ConfigMap/.test(e.message));
    assert.throws(() => decodeProtobufObject(Buffer.from('{"json":true}')), (e) => isApiError(e, 415));
  });
});
