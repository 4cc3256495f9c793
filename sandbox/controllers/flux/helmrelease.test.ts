import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { execa } from 'execa';
import { pinnedTool } from '../../../lib/tools.ts';
import { parseFault } from '../../faults/faults.ts';
import { decodeRelease } from './helm-storage.ts';
import { condition, isReady, Testbed, waitGone, type TestRepo } from './testbed.ts';

const HR = { apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', namespace: 'apps' };

const chart = {
  'charts/foundry/Chart.yaml': 'apiVersion: v2\nname: foundry\nversion: 0.1.0\nappVersion: "1.0"\n',
  'charts/foundry/values.yaml': 'tag: v0.0.0\nreplicas: 1\n',
  'charts/foundry/templates/configmap.yaml':
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-config\n  labels:\n    app.kubernetes.io/component: foundry\ndata:\n  tag: {{ .Values.tag | quote }}\n',
  'charts/foundry/templates/tests/test.yaml':
    'apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ .Release.Name }}-test\n  annotations:\n    helm.sh/hook: test\nspec:\n  containers: [{name: t, image: busybox}]\n',
};

describe('HelmRelease (helm-controller)', () => {
  let bed: Testbed;
  let repo: TestRepo;

  before(async () => {
    bed = await Testbed.create('2.9');
    repo = await bed.repo('gitops', chart);
    bed.kube.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'apps' } });
    bed.gitRepository('gitops', repo.url);
  });
  after(async () => bed.close());

  const configTag = () =>
    (
      bed.kube.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'apps', name: 'foundry-config' })?.data as
        Record<string, string> | undefined
    )?.tag;

  const release = (values: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
    ...HR,
    metadata: { name: 'foundry', namespace: 'apps' },
    spec: {
      interval: '10m',
      chart: {
        spec: {
          chart: './charts/foundry',
          sourceRef: { kind: 'GitRepository', name: 'gitops', namespace: 'flux-system' },
        },
      },
      values,
      ...extra,
    },
  });

  it('installs v1 through a HelmChart and stores the release like Helm', async () => {
    bed.apply(release({ tag: 'v0.1.0' }));
    const hr = await bed.waitFor({ ...HR, name: 'foundry' }, isReady, 'to be installed');
    assert.equal(
      condition(hr, 'Ready')!.message,
      'Helm install succeeded for release apps/foundry.v1 with chart foundry@0.1.0',
    );
    assert.equal(condition(hr, 'Released')!.reason, 'InstallSucceeded');
    assert.equal(hr.status.helmChart, 'flux-system/apps-foundry');
    assert.equal(hr.status.lastAttemptedRevision, '0.1.0');
    assert.equal(hr.status.lastAttemptedReleaseAction, 'install');
    assert.equal(hr.status.lastAttemptedGeneration, 1);
    assert.match(hr.status.lastAttemptedConfigDigest, /^sha256:[0-9a-f]{64}$/);
    assert.deepEqual(
      hr.status.history.map((s: any) => [
        s.version,
        s.status,
        s.chartName,
        s.chartVersion,
        s.appVersion,
        s.configDigest === hr.status.lastAttemptedConfigDigest,
      ]),
      [[1, 'deployed', 'foundry', '0.1.0', '1.0', true]],
    );
    const chartObj = bed.kube.get({
      apiVersion: 'source.toolkit.fluxcd.io/v1',
      kind: 'HelmChart',
      namespace: 'flux-system',
      name: 'apps-foundry',
    })!;
    assert.equal(condition(chartObj, 'Ready')!.message, "packaged 'foundry' chart with version '0.1.0'");
    const cm = bed.kube.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'apps', name: 'foundry-config' })!;
    assert.equal((cm.data as Record<string, string>).tag, 'v0.1.0');
    assert.equal(cm.metadata.labels!['app.kubernetes.io/managed-by'], 'Helm');
    assert.equal(cm.metadata.labels!['helm.toolkit.fluxcd.io/name'], 'foundry');
    assert.equal(cm.metadata.labels!['helm.toolkit.fluxcd.io/namespace'], 'apps');
    assert.equal(cm.metadata.annotations!['meta.helm.sh/release-name'], 'foundry');
    assert.equal(
      bed.kube.get({ apiVersion: 'v1', kind: 'Pod', namespace: 'apps', name: 'foundry-test' }),
      undefined,
      'hooks are not applied',
    );
    const secret = bed.kube.get({
      apiVersion: 'v1',
      kind: 'Secret',
      namespace: 'apps',
      name: 'sh.helm.release.v1.foundry.v1',
    })!;
    assert.equal(secret.type, 'helm.sh/release.v1');
    const { createdAt, modifiedAt, ...labels } = secret.metadata.labels!;
    assert.deepEqual(labels, { name: 'foundry', owner: 'helm', status: 'deployed', version: '1' });
    assert.match(createdAt!, /^\d+$/);
    assert.match(modifiedAt!, /^\d+$/, 'pending-install was updated to deployed');
    const stored = decodeRelease(Buffer.from((secret.data as any).release, 'base64').toString());
    assert.equal(stored.info.status, 'deployed');
    assert.deepEqual(stored.config, { tag: 'v0.1.0' });
    assert.match(stored.manifest, /# Source: foundry\/templates\/configmap\.yaml/);
  });

  it('upgrades to v2 when the values change, superseding v1', async () => {
    bed.apply(release({ tag: 'v0.2.0' }));
    const hr = await bed.waitFor(
      { ...HR, name: 'foundry' },
      (o) => isReady(o) && o.status.history?.[0]?.version === 2,
      'history[0].version to be 2',
    );
    assert.equal(
      condition(hr, 'Ready')!.message,
      'Helm upgrade succeeded for release apps/foundry.v2 with chart foundry@0.1.0',
    );
    assert.equal(hr.status.lastAttemptedReleaseAction, 'upgrade');
    assert.deepEqual(
      hr.status.history.map((s: any) => [s.version, s.status]),
      [
        [2, 'deployed'],
        [1, 'superseded'],
      ],
    );
    assert.notEqual(hr.status.history[0].configDigest, hr.status.history[1].configDigest);
    assert.equal(configTag(), 'v0.2.0');
    assert.equal(
      bed.kube.get({ apiVersion: 'v1', kind: 'Secret', namespace: 'apps', name: 'sh.helm.release.v1.foundry.v1' })!
        .metadata.labels!.status,
      'superseded',
    );
  });

  it('is readable by the real helm list/history', async (t) => {
    const api = bed.api as unknown as { start?: () => Promise<void>; kubeconfig?: () => string };
    if (!api.start || !api.kubeconfig) return t.skip('ApiServer has no HTTPS endpoint');
    await api.start();
    const kubeconfig = path.join(bed.dir, 'kubeconfig');
    await writeFile(kubeconfig, api.kubeconfig());
    const helm = await pinnedTool('helm');
    const env = {
      HOME: bed.dir,
      PATH: process.env.PATH!,
      HELM_CACHE_HOME: path.join(bed.dir, 'hc'),
      HELM_CONFIG_HOME: path.join(bed.dir, 'hcfg'),
    };
    const list = JSON.parse(
      (await execa(helm, ['list', '-n', 'apps', '-o', 'json', '--kubeconfig', kubeconfig], { env, extendEnv: false }))
        .stdout,
    );
    assert.equal(list.length, 1);
    assert.equal(list[0].name, 'foundry');
    assert.equal(String(list[0].revision), '2');
    assert.equal(list[0].status, 'deployed');
    assert.equal(list[0].chart, 'foundry-0.1.0');
    const history = JSON.parse(
      (
        await execa(helm, ['history', 'foundry', '-n', 'apps', '-o', 'json', '--kubeconfig', kubeconfig], {
          env,
          extendEnv: false,
        })
      ).stdout,
    );
    assert.deepEqual(
      history.map((h: any) => [h.revision, h.status]),
      [
        [1, 'superseded'],
        [2, 'deployed'],
      ],
    );
  });

  it('counts failed upgrades, rolls back, and stalls when retries are exhausted (helm-upgrade-fail)', async () => {
    bed.faults.set({ name: 'helm-upgrade-fail', raw: '', value: true });
    try {
      bed.apply(release({ tag: 'v0.3.0' }, { upgrade: { remediation: { retries: 1 } } }));
      const hr = await bed.waitFor(
        { ...HR, name: 'foundry' },
        (o) => condition(o, 'Stalled')?.status === 'True',
        'to stall after retries',
      );
      assert.equal(condition(hr, 'Stalled')!.reason, 'RetriesExceeded');
      assert.equal(condition(hr, 'Stalled')!.message, 'Failed to upgrade after 2 attempt(s)');
      assert.equal(hr.status.upgradeFailures, 2);
      assert.equal(condition(hr, 'Ready')!.status, 'False');
      assert.equal(condition(hr, 'Remediated')!.reason, 'RollbackSucceeded');
      assert.match(
        condition(hr, 'Released')!.message,
        /^Helm upgrade failed for release apps\/foundry with chart foundry@0\.1\.0: cannot patch/,
      );
      assert.equal(configTag(), 'v0.2.0', 'rolled back');
    } finally {
      bed.faults.clear('helm-upgrade-fail');
    }
    // a spec change resets the counters and the upgrade goes through
    bed.apply(release({ tag: 'v0.4.0' }, { upgrade: { remediation: { retries: 1 } } }));
    const fixed = await bed.waitFor(
      { ...HR, name: 'foundry' },
      (o) => isReady(o) && condition(o, 'Released')?.reason === 'UpgradeSucceeded',
      'to upgrade once the fault is gone',
    );
    assert.equal(fixed.status.upgradeFailures, undefined);
    assert.equal(condition(fixed, 'Stalled'), undefined);
    assert.equal(configTag(), 'v0.4.0');
  });

  it('helm-delay=<d> starts the upgrade that much later (cluster clock)', async () => {
    const started = performance.now();
    let upgradeStart = 0;
    const cancel = bed.kube.watch(HR, {}, (e) => {
      if (!upgradeStart && /^Running 'upgrade' action/.test(condition(e.object, 'Ready')?.message ?? ''))
        upgradeStart = performance.now();
    });
    bed.faults.set(parseFault('helm-delay=1500ms'));
    try {
      bed.apply(release({ tag: 'v0.5.0' }, { upgrade: { remediation: { retries: 1 } } }));
      await bed.waitFor(
        { ...HR, name: 'foundry' },
        (o) => isReady(o) && configTag() === 'v0.5.0',
        'to upgrade to v0.5.0',
      );
    } finally {
      bed.faults.clear('helm-delay');
      cancel();
    }
    assert.ok(upgradeStart > 0, 'the upgrade start was seen');
    assert.ok(
      upgradeStart - started >= 1400,
      `the upgrade started ${(upgradeStart - started).toFixed(0)} ms after the change`,
    );
  });

  it('uninstalls the release when the HelmRelease is deleted', async () => {
    bed.kube.delete({ ...HR, name: 'foundry' });
    await waitGone(bed, { ...HR, name: 'foundry' });
    await waitGone(bed, {
      apiVersion: 'source.toolkit.fluxcd.io/v1',
      kind: 'HelmChart',
      namespace: 'flux-system',
      name: 'apps-foundry',
    });
    assert.equal(configTag(), undefined);
    assert.deepEqual(
      bed.kube.list({ apiVersion: 'v1', kind: 'Secret', namespace: 'apps' }, { labelSelector: 'owner=helm' }),
      [],
    );
  });
});
