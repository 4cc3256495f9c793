import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bootstrapEnvironment, describeBootstrapEnv } from './bootstrap-env.ts';

const SUITE_ENV = {
  PATH: '/usr/bin:/bin',
  HOME: '/home/u',
  KUBECONFIG: '/home/u/.kube/config',
  E2E_SANDBOX_GIT_TOKEN: 'git-secret',
  E2E_SANDBOX_REGISTRY_PASSWORD: 'registry-secret',
  GITHUB_TOKEN: 'ghp_x',
  GITOPS_INTERVAL: '10m',
  GITOPS_IMAGE_INTERVAL: '10m',
};

describe('bootstrapEnvironment', () => {
  it('passes PATH, HOME, the run kubeconfig and only the listed variables', () => {
    const env = bootstrapEnvironment({
      env: SUITE_ENV,
      kubeconfig: '/tmp/k/kubeconfig',
      pass: ['GITOPS_INTERVAL', 'GITOPS_IMAGE_INTERVAL', 'GITOPS_IMAGE_AUTOMATION'],
    });
    assert.deepEqual(env, {
      PATH: '/usr/bin:/bin',
      HOME: '/home/u',
      GITOPS_INTERVAL: '10m',
      GITOPS_IMAGE_INTERVAL: '10m',
      KUBECONFIG: '/tmp/k/kubeconfig',
    });
    assert.ok(!Object.values(env).some((v) => /secret|ghp_/.test(v)), 'no credential value reaches the bootstrap');
  });

  it('passes a credential only when the profile lists it', () => {
    const env = bootstrapEnvironment({ env: SUITE_ENV, kubeconfig: '/k', pass: ['E2E_SANDBOX_REGISTRY_PASSWORD'] });
    assert.equal(env.E2E_SANDBOX_REGISTRY_PASSWORD, 'registry-secret');
    assert.equal(env.E2E_SANDBOX_GIT_TOKEN, undefined);
  });

  it('puts the pinned tools first when they are not on PATH, once', () => {
    const env = bootstrapEnvironment({
      env: SUITE_ENV,
      kubeconfig: '/k',
      pass: [],
      toolDirs: ['/cache/kubectl', '/cache/helm', '/cache/kubectl', '/bin'],
    });
    assert.equal(env.PATH, '/cache/kubectl:/cache/helm:/usr/bin:/bin');
  });

  it('keeps the run kubeconfig even when KUBECONFIG is listed', () => {
    assert.equal(
      bootstrapEnvironment({ env: SUITE_ENV, kubeconfig: '/run/kubeconfig', pass: ['KUBECONFIG'] }).KUBECONFIG,
      '/run/kubeconfig',
    );
  });

  it("reads a listed variable from another of the suite's variables, or sets a fixed value", () => {
    const env = bootstrapEnvironment({
      env: SUITE_ENV,
      kubeconfig: '/k',
      pass: ['GIT_TOKEN', 'GITOPS_IMAGE_AUTOMATION', 'GITOPS_INTERVAL'],
      from: { GIT_TOKEN: 'E2E_SANDBOX_GIT_TOKEN' },
      values: { GITOPS_IMAGE_AUTOMATION: 'true' },
    });
    assert.equal(env.GIT_TOKEN, 'git-secret');
    assert.equal(env.GITOPS_IMAGE_AUTOMATION, 'true');
    assert.equal(env.E2E_SANDBOX_GIT_TOKEN, undefined, 'the source variable itself is not passed');
    assert.equal(
      bootstrapEnvironment({ env: SUITE_ENV, kubeconfig: '/k', pass: [], from: { GIT_TOKEN: 'E2E_SANDBOX_GIT_TOKEN' } })
        .GIT_TOKEN,
      undefined,
      'unlisted: nothing',
    );
  });

  it('describes names, never values', () => {
    const env = bootstrapEnvironment({ env: SUITE_ENV, kubeconfig: '/k', pass: ['GITOPS_INTERVAL', 'GITOPS_NAME'] });
    assert.equal(
      describeBootstrapEnv(env, ['GITOPS_INTERVAL', 'GITOPS_NAME']),
      'PATH, HOME, KUBECONFIG, GITOPS_INTERVAL',
    );
  });
});
