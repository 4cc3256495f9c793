import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parseFault } from '../../faults/faults.ts';
import { installManifests } from './install.ts';
import { condition, isReady, Testbed, type TestRepo } from './testbed.ts';

const GR = { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', namespace: 'flux-system' };
const HR = { apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', namespace: 'apps' };
const available = (o: { status?: any }) =>
  (o.status?.conditions ?? []).some((c: any) => c.type === 'Available' && c.status === 'True');

const chart = {
  'charts/app/Chart.yaml': 'apiVersion: v2\nname: app\nversion: 0.1.0\n',
  'charts/app/values.yaml': 'gpus: 0\ntag: "1"\n',
  'charts/app/templates/deployment.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}
spec:
  replicas: 1
  strategy: {type: Recreate}
  selector: {matchLabels: {app: {{ .Release.Name }}}}
  template:
    metadata:
      labels: {app: {{ .Release.Name }}}
      annotations: {tag: {{ .Values.tag | quote }}}
    spec:
      containers:
      - name: main
        image: busybox:1.36
        command: [sleep, infinity]
        {{- if .Values.gpus }}
        resources: {limits: {nvidia.com/gpu: {{ .Values.gpus }}}}
        {{- end }}
`,
};

describe('Flux controllers on the sandbox cluster (real Deployment controller, scheduler, kubelet)', () => {
  let bed: Testbed;
  let repo: TestRepo;
  const restarted: string[] = [];

  before(async () => {
    bed = await Testbed.create(
      '2.9',
      {
        onControllerRestart: (name) => {
          restarted.push(name);
          for (const pod of bed.kube.list(
            { apiVersion: 'v1', kind: 'Pod', namespace: 'flux-system' },
            { labelSelector: `app=${name}` },
          )) {
            bed.workloads!.restartContainer('flux-system', pod.metadata.name, 'manager');
          }
        },
      },
      true,
    );
    repo = await bed.repo('gitops', chart);
    bed.kube.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'apps' } });
    bed.gitRepository('gitops', repo.url);
  });
  after(async () => bed.close());

  it('the installed controller Deployments become Available and the controllers log into their pods', async () => {
    // every controller Deployment the install put there (index.test.ts pins which ones those are)
    const deployments = installManifests({ line: '2.9', profile: 'flux', imageAutomation: true }).filter(
      (o) => o.kind === 'Deployment',
    );
    assert.equal(deployments.length, 6);
    for (const name of deployments.map((d) => d.metadata.name)) {
      await bed.waitFor(
        { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'flux-system', name },
        available,
        'to be Available',
      );
    }
    await bed.waitFor({ ...GR, name: 'gitops' }, isReady, 'to be Ready');
    const [pod] = bed.kube.list(
      { apiVersion: 'v1', kind: 'Pod', namespace: 'flux-system' },
      { labelSelector: 'app=source-controller' },
    );
    // a reconcile now that the pod runs, so its log gets lines
    const token = bed.requestReconcile({ ...GR, name: 'gitops' });
    await bed.waitFor(
      { ...GR, name: 'gitops' },
      (o) => o.status?.lastHandledReconcileAt === token,
      'to handle the request',
    );
    const lines = bed.logStore
      .lines({ namespace: 'flux-system', name: pod!.metadata.name }, 'manager')
      .map((l) => JSON.parse(l.text));
    assert.ok(
      lines.some((l) => l.controller === 'gitrepository' && l.name === 'gitops'),
      JSON.stringify(lines),
    );
  });

  it('helm waits for the Deployment to roll out, and times out with context deadline exceeded', async () => {
    const release = (values: Record<string, unknown>) => ({
      ...HR,
      metadata: { name: 'app', namespace: 'apps' },
      spec: {
        interval: '10m',
        timeout: '20s',
        chart: {
          spec: {
            chart: './charts/app',
            sourceRef: { kind: 'GitRepository', name: 'gitops', namespace: 'flux-system' },
          },
        },
        values,
      },
    });
    bed.apply(release({ tag: '1' }));
    const installed = await bed.waitFor({ ...HR, name: 'app' }, isReady, 'to install after the rollout', 90_000);
    assert.equal(condition(installed, 'Released')!.reason, 'InstallSucceeded');
    const deployment = bed.kube.get({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'apps', name: 'app' })!;
    assert.ok(available(deployment), 'the release is only successful once the Deployment is available');

    // two GPUs on a one-GPU node never schedule: the upgrade waits out its timeout
    bed.apply({
      ...release({ tag: '2', gpus: 2 }),
      spec: { ...release({}).spec, timeout: '3s', values: { tag: '2', gpus: 2 } },
    });
    const failed = await bed.waitFor(
      { ...HR, name: 'app' },
      (o) => condition(o, 'Released')?.reason === 'UpgradeFailed',
      'to fail the upgrade',
      90_000,
    );
    assert.equal(
      condition(failed, 'Released')!.message,
      'Helm upgrade failed for release apps/app with chart app@0.1.0: context deadline exceeded',
    );
    assert.equal(failed.status.upgradeFailures, 1);
    await bed.waitFor(
      { ...HR, name: 'app' },
      (o) => condition(o, 'Stalled')?.reason === 'RetriesExceeded',
      'to stall (no retries configured)',
    );
  });

  it('controller-restart restarts the pod container and the controller resumes', async () => {
    const [before] = bed.kube.list(
      { apiVersion: 'v1', kind: 'Pod', namespace: 'flux-system' },
      { labelSelector: 'app=source-controller' },
    );
    const restarts = (before!.status?.containerStatuses ?? [])[0]?.restartCount ?? 0;
    bed.faults.set({ name: 'controller-restart', raw: 'source-controller', value: 'source-controller' });
    assert.deepEqual(restarted, ['source-controller']);
    await bed.waitFor(
      { apiVersion: 'v1', kind: 'Pod', namespace: 'flux-system', name: before!.metadata.name },
      (p) => (p.status?.containerStatuses?.[0]?.restartCount ?? 0) > restarts,
      'restartCount to go up',
    );
    const token = bed.requestReconcile({ ...GR, name: 'gitops' }, `after-restart-${Date.now()}`);
    await bed.waitFor(
      { ...GR, name: 'gitops' },
      (o) => o.status?.lastHandledReconcileAt === token,
      'to reconcile after the restart',
      60_000,
    );
  });

  it('armed for a git push, pause= stops the controller mid-flow and controller-restart= restarts it, which then keeps working', async () => {
    const ref = { ...GR, name: 'gitops' };
    bed.faults.set(parseFault('pause=source-controller@git-push'));
    const paused = await repo.commit({ 'notes.txt': 'paused\n' }, 'while paused');
    assert.equal(bed.flux.controller('gitrepository')!.paused, false, 'armed only: still reconciling');
    bed.faults.fire('git-push', 'test push');
    assert.equal(bed.flux.controller('gitrepository')!.paused, true);
    // A pass already running when the fault fired finishes (a paused controller starts none): let it land first.
    await bed.flux.controller('gitrepository')!.idle();
    const before = bed.kube.get(ref)!;
    const token = bed.requestReconcile(ref);
    await bed.flux.controller('gitrepository')!.idle();
    assert.deepEqual(bed.kube.get(ref)!.status, before.status, 'no reconcile while paused: the status stops changing');
    bed.faults.clear('pause');
    await bed.waitFor(
      ref,
      (o) => o.status?.lastHandledReconcileAt === token && o.status?.artifact?.revision === `main@sha1:${paused}`,
      'to catch up once resumed',
    );

    const [pod] = bed.kube.list(
      { apiVersion: 'v1', kind: 'Pod', namespace: 'flux-system' },
      { labelSelector: 'app=source-controller' },
    );
    const restarts = pod!.status?.containerStatuses?.[0]?.restartCount ?? 0;
    bed.faults.set(parseFault('controller-restart=source-controller@git-push'));
    const next = await repo.commit({ 'notes.txt': 'restarted\n' }, 'during the restart');
    bed.faults.fire('git-push', 'test push');
    await bed.waitFor(
      { apiVersion: 'v1', kind: 'Pod', namespace: 'flux-system', name: pod!.metadata.name },
      (p) => (p.status?.containerStatuses?.[0]?.restartCount ?? 0) > restarts,
      'restartCount to go up',
    );
    const after = bed.requestReconcile(ref);
    await bed.waitFor(
      ref,
      (o) => o.status?.lastHandledReconcileAt === after && o.status?.artifact?.revision === `main@sha1:${next}`,
      'to keep reconciling after the restart',
      60_000,
    );
    bed.faults.clear();
  });
});
