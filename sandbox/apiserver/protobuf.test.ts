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
  if (typeof value === 'number' || typeof value === 'boolean')
    return Buffer.concat([varint((num << 3) | 0), varint(Number(value))]);
  const data = typeof value === 'string' ? Buffer.from(value) : value;
  return Buffer.concat([varint((num << 3) | 2), varint(data.length), data]);
}
const msg = (...parts: Buffer[]) => Buffer.concat(parts);
const entry = (num: number, k: string, v: string | Buffer) => field(num, msg(field(1, k), field(2, v)));

function envelope(apiVersion: string, kind: string, raw: Buffer): Buffer {
  return Buffer.concat([
    Buffer.from([0x6b, 0x38, 0x73, 0x00]),
    field(1, msg(field(1, apiVersion), field(2, kind))),
    field(2, raw),
  ]);
}

describe('protobuf request bodies', () => {
  it('decodes a Secret as helm sends it: bytes data, labels, Go zero-time and empty strings dropped', () => {
    const zeroTime = msg(field(1, -62135596800));
    const meta = msg(
      field(1, 'sh.helm.release.v1.demo.v1'),
      field(2, ''),
      entry(11, 'owner', 'helm'),
      entry(11, 'version', '1'),
      field(8, zeroTime),
    );
    const secret = msg(
      field(1, meta),
      entry(2, 'release', Buffer.from([0, 1, 2, 255])),
      field(3, 'helm.sh/release.v1'),
      field(5, true),
    );
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

  it('refuses kinds outside its table and bodies that do not parse with 415', () => {
    assert.throws(
      () => decodeProtobufObject(envelope('apps/v1', 'StatefulSet', msg())),
      (e) => isApiError(e, 415) && /apps\/v1\/StatefulSet/.test(e.message),
    );
    assert.throws(
      () => decodeProtobufObject(Buffer.from('{"json":true}')),
      (e) => isApiError(e, 415),
    );
    // A string field sent as a varint, a truncated length, a truncated fixed64 and an unknown wire type (3, groups).
    const broken = [
      msg(field(2, 7)),
      Buffer.from([0x12, 0x05, 0x61]),
      Buffer.from([0x49, 1, 2, 3]),
      Buffer.from([0x4b]),
    ];
    for (const raw of broken)
      assert.throws(
        () => decodeProtobufObject(envelope('v1', 'ConfigMap', msg(field(1, msg(field(1, 'cm'))), raw))),
        (e) => isApiError(e, 415),
        raw.toString('hex'),
      );
  });

  it('steps over fields outside its table by wire type (varint, fixed64, length-delimited, fixed32)', () => {
    const fixed64 = Buffer.concat([varint((9 << 3) | 1), Buffer.alloc(8, 0xff)]);
    const fixed32 = Buffer.concat([varint((10 << 3) | 5), Buffer.alloc(4, 0xff)]);
    const raw = msg(
      field(1, msg(field(1, 'cm'), field(99, 'future'))),
      field(8, 123456789),
      fixed64,
      field(9, msg(field(1, 'x'))),
      fixed32,
      entry(2, 'k', 'v'),
    );
    assert.deepEqual(decodeProtobufObject(envelope('v1', 'ConfigMap', raw)), {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'cm' },
      data: { k: 'v' },
    });
  });

  it('decodes a Pod as kubectl run would send it, with zero-valued non-pointer fields left out as JSON does', () => {
    const zeroTime = msg(field(1, -62135596800));
    const meta = msg(field(1, 'x'), field(3, 'ns'), field(7, 0), field(8, zeroTime), entry(11, 'run', 'x'));
    const quantity = (v: string) => msg(field(1, v));
    const resources = msg(
      entry(1, 'cpu', quantity('500m')),
      entry(1, 'nvidia.com/gpu', quantity('1')),
      entry(2, 'memory', quantity('128Mi')),
    );
    const container = msg(
      field(1, 'x'),
      field(2, 'nginx'),
      field(3, 'sh'),
      field(3, '-c'),
      field(4, 'echo hi'),
      field(5, '/work'),
      field(6, msg(field(1, 'http'), field(2, 0), field(3, 8080), field(4, 'TCP'))),
      field(7, msg(field(1, 'MODE'), field(2, 'demo'))),
      field(7, msg(field(1, 'EMPTY'), field(2, ''))),
      field(8, resources),
      field(13, ''),
      field(14, 'IfNotPresent'),
      field(16, true),
      field(17, false),
      field(18, true),
    );
    const spec = msg(
      field(2, container),
      field(3, 'Never'),
      field(4, 0),
      field(6, 'ClusterFirst'),
      entry(7, 'gpu', 'true'),
      field(8, 'runner'),
      field(11, false),
    );
    const pod = msg(field(1, meta), field(2, spec), field(3, msg()));
    assert.deepEqual(decodeProtobufObject(envelope('v1', 'Pod', pod)), {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'x', namespace: 'ns', labels: { run: 'x' } },
      spec: {
        containers: [
          {
            name: 'x',
            image: 'nginx',
            command: ['sh', '-c'],
            args: ['echo hi'],
            workingDir: '/work',
            ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
            env: [{ name: 'MODE', value: 'demo' }, { name: 'EMPTY' }],
            resources: { limits: { cpu: '500m', 'nvidia.com/gpu': '1' }, requests: { memory: '128Mi' } },
            imagePullPolicy: 'IfNotPresent',
            stdin: true,
            tty: true,
          },
        ],
        restartPolicy: 'Never',
        terminationGracePeriodSeconds: 0,
        dnsPolicy: 'ClusterFirst',
        nodeSelector: { gpu: 'true' },
        serviceAccountName: 'runner',
      },
      status: {},
    });
  });

  it('decodes a Deployment: explicit zero replicas, label selector, template and rolling-update IntOrStrings', () => {
    const template = msg(
      field(1, msg(entry(11, 'app', 'd'))),
      field(2, msg(field(2, msg(field(1, 'nginx'), field(2, 'nginx'), field(8, msg()))))),
    );
    const selector = msg(
      entry(1, 'app', 'd'),
      field(2, msg(field(1, 'tier'), field(2, 'In'), field(3, 'web'), field(3, 'api'))),
    );
    const intOrString = {
      int: (n: number) => msg(field(1, 0), field(2, n)),
      str: (s: string) => msg(field(1, 1), field(3, s)),
    };
    const strategy = msg(
      field(1, 'RollingUpdate'),
      field(2, msg(field(1, intOrString.int(0)), field(2, intOrString.str('25%')))),
    );
    const spec = msg(
      field(1, 0),
      field(2, selector),
      field(3, template),
      field(4, strategy),
      field(5, 0),
      field(6, 3),
      field(7, true),
      field(9, 120),
    );
    const deployment = msg(
      field(1, msg(field(1, 'd'), entry(11, 'app', 'd'))),
      field(2, spec),
      field(3, msg(field(2, 5))),
    );
    assert.deepEqual(decodeProtobufObject(envelope('apps/v1', 'Deployment', deployment)), {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'd', labels: { app: 'd' } },
      spec: {
        replicas: 0,
        selector: {
          matchLabels: { app: 'd' },
          matchExpressions: [{ key: 'tier', operator: 'In', values: ['web', 'api'] }],
        },
        template: {
          metadata: { labels: { app: 'd' } },
          spec: { containers: [{ name: 'nginx', image: 'nginx', resources: {} }] },
        },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: '25%' } },
        revisionHistoryLimit: 3,
        paused: true,
        progressDeadlineSeconds: 120,
      },
      status: {},
    });
  });

  it('decodes a Service: ports with numeric and named target ports, node port, selector, type and affinity', () => {
    const port = (name: string, p: number, target: Buffer, nodePort: number) =>
      field(1, msg(field(1, name), field(2, 'TCP'), field(3, p), field(4, target), field(5, nodePort)));
    const spec = msg(
      port('http', 80, msg(field(1, 0), field(2, 8080)), 30080),
      port('https', 443, msg(field(1, 1), field(3, 'https')), 0),
      port('same', 81, msg(field(1, 0), field(2, 0)), 0),
      entry(2, 'app', 'd'),
      field(3, 'None'),
      field(4, 'NodePort'),
      field(7, 'ClientIP'),
    );
    assert.deepEqual(
      decodeProtobufObject(
        envelope('v1', 'Service', msg(field(1, msg(field(1, 'd'))), field(2, spec), field(3, msg(field(1, msg()))))),
      ),
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'd' },
        spec: {
          ports: [
            { name: 'http', protocol: 'TCP', port: 80, targetPort: 8080, nodePort: 30080 },
            { name: 'https', protocol: 'TCP', port: 443, targetPort: 'https' },
            { name: 'same', protocol: 'TCP', port: 81 },
          ],
          selector: { app: 'd' },
          clusterIP: 'None',
          type: 'NodePort',
          sessionAffinity: 'ClientIP',
        },
        status: {},
      },
    );
  });
});
