import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { controllerUsage, parseQuantity } from './controller-usage.ts';

describe('controllerUsage', () => {
  it('sums containers per controller pod in millicores and MiB, and names controllers without metrics', () => {
    const { rows, missing, lines } = controllerUsage(
      [
        {
          metadata: { name: 'helm-controller-7d9f8c6b5-abcde', labels: { app: 'helm-controller' } },
          containers: [{ name: 'manager', usage: { cpu: '6000000n', memory: '40960Ki' } }],
        },
        {
          metadata: { name: 'source-controller-5c8d9f7b6-xyz12' },
          containers: [
            { name: 'manager', usage: { cpu: '2m', memory: '64Mi' } },
            { name: 'sidecar', usage: { cpu: '1m', memory: '0' } },
          ],
        },
      ],
      ['helm-controller', 'source-controller', 'kustomize-controller'],
    );
    assert.deepEqual(
      rows.map((r) => [r.controller, Math.round(r.cpuMillicores * 1000) / 1000, r.memoryMiB]),
      [
        ['helm-controller', 6, 40],
        ['source-controller', 3, 64],
      ],
    );
    assert.deepEqual(missing, ['kustomize-controller']);
    assert.equal(lines[0], 'helm-controller (helm-controller-7d9f8c6b5-abcde): cpu 6.0m, memory 40.0Mi');
  });

  it('parses the quantities metrics-server writes, and refuses anything else in one line', () => {
    assert.equal(parseQuantity('250m'), 0.25);
    assert.equal(parseQuantity('1Gi'), 2 ** 30);
    assert.equal(parseQuantity('2'), 2);
    assert.throws(() => parseQuantity('12 cores'), /not a Kubernetes quantity: "12 cores"/);
  });
});
