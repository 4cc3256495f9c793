import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  controllerHealth,
  imageTag,
  restartChanges,
  restartCounts,
  type DeploymentLike,
  type PodLike,
} from './controller-health.ts';

const deployment = (name: string, ready = 1, available = true): DeploymentLike => ({
  metadata: { name },
  spec: {
    replicas: 1,
    selector: { matchLabels: { app: name } },
    template: { spec: { containers: [{ name: 'manager', image: `ghcr.io/fluxcd/${name}:v1.6.0` }] } },
  },
  status: {
    readyReplicas: ready,
    availableReplicas: ready,
    conditions: [
      {
        type: 'Available',
        status: available ? 'True' : 'False',
        reason: available ? 'MinimumReplicasAvailable' : 'MinimumReplicasUnavailable',
      },
    ],
  },
});
const pod = (app: string, name: string, ready = true, restarts = 0): PodLike => ({
  metadata: { name, labels: { app } },
  status: {
    phase: ready ? 'Running' : 'Pending',
    conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
    containerStatuses: [{ name: 'manager', ready, restartCount: restarts }],
  },
});

describe('controllerHealth', () => {
  it('counts healthy controllers with versions and restarts', () => {
    const report = controllerHealth(
      [deployment('source-controller'), deployment('helm-controller')],
      [pod('source-controller', 'source-controller-abc', true, 2), pod('helm-controller', 'helm-controller-def')],
      ['source-controller', 'helm-controller'],
    );
    assert.equal(report.summary, '2/2 healthy');
    assert.deepEqual(report.controllers[0]!.versions, ['v1.6.0']);
    assert.deepEqual(restartCounts(report), {
      'source-controller/source-controller-abc': 2,
      'helm-controller/helm-controller-def': 0,
    });
  });

  it('names what is wrong: missing Deployment, unavailable, pod not Ready', () => {
    const report = controllerHealth(
      [deployment('source-controller', 0, false)],
      [pod('source-controller', 'source-controller-abc', false)],
      ['source-controller', 'image-reflector-controller'],
    );
    assert.equal(report.summary, '0/2 healthy');
    assert.match(
      report.problems[0]!,
      /^source-controller: Available=False \(MinimumReplicasUnavailable\); 0\/1 replicas ready; 0\/1 pods Ready \(source-controller-abc Pending\)$/,
    );
    assert.equal(report.problems[1], 'image-reflector-controller: Deployment not found');
  });

  it('takes every Deployment when no list is expected, ignoring terminating pods', () => {
    const terminating = pod('a', 'a-old');
    terminating.metadata.deletionTimestamp = '2025-01-01T00:00:00Z';
    const report = controllerHealth(
      [deployment('b'), deployment('a')],
      [terminating, pod('a', 'a-new'), pod('b', 'b-1')],
    );
    assert.deepEqual(
      report.controllers.map((c) => c.name),
      ['a', 'b'],
    );
    assert.deepEqual(
      report.controllers[0]!.pods.map((p) => p.name),
      ['a-new'],
    );
  });
});

describe('restartChanges', () => {
  it('reports increased counts and replaced pods, nothing when unchanged', () => {
    const before = { 'source-controller/s-1': 0, 'helm-controller/h-1': 1 };
    assert.deepEqual(restartChanges(before, { ...before }), []);
    assert.deepEqual(restartChanges(before, { 'source-controller/s-1': 1, 'helm-controller/h-2': 0 }), [
      'source-controller/s-1 restarted 1 time (0 → 1)',
      "helm-controller/h-2 is a new pod (the controller's pod was replaced)",
    ]);
  });
});

describe('imageTag', () => {
  it('reads the tag, not a registry port, and drops digests', () => {
    assert.equal(imageTag('ghcr.io/fluxcd/source-controller:v1.6.0'), 'v1.6.0');
    assert.equal(imageTag('127.0.0.1:5000/x@sha256:abc'), undefined);
    assert.equal(imageTag('127.0.0.1:5000/x:v2@sha256:abc'), 'v2');
  });
});
