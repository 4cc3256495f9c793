/**
 * Every fault knob, switched at run time with `gitops-sandbox fault` and observed the way it shows up on a real
 * cluster (HTTP answers, git's own messages, Flux conditions, pod states, logs, timestamps), on one shared
 * sandbox; then bad input to the CLI and two sandboxes side by side (one with a fault given at `up`).
 *
 * Run (in sandbox/): node --import tsx --test test/acceptance/faults.test.ts
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { FAULTS } from '../../faults/faults.ts';
import { appDeployment } from '../support/objects.ts';
import { condition, type K8sObject } from './cluster-watch.ts';
import { pushModels, registryClient } from './model-push.ts';
import { isReady, livePods, restarts, waitingReason } from './pod-state.ts';
import { runCli, SandboxRun } from './sandbox-cli.ts';
import { PATHS, SandboxWorld } from './sandbox-world.ts';
import { UserShell } from './user-shell.ts';

const TIME_SCALE = '0.1';
const WAIT_MS = 60_000;
const CREATION_TIMESTAMP = 'jsonpath={.metadata.creationTimestamp}';

/** `1.978s`, `15ms`, `1m2.5s` (what the foundry log prints) in milliseconds. */
function goDurationMs(text: string): number {
  let ms = 0;
  for (const [, n, unit] of text.matchAll(/(\d+(?:\.\d+)?)(ms|µs|us|ns|s|m|h)/g)) {
    ms +=
      Number(n) *
      ({ h: 3_600_000, m: 60_000, s: 1000, ms: 1, us: 1e-3, µs: 1e-3, ns: 1e-6 } as Record<string, number>)[unit!]!;
  }
  return ms;
}

/** The download line of a foundry log: bytes and how long they took. */
function download(log: string): { bytes: number; ms: number } {
  const m = /^✅ Downloaded (\d+) bytes in (\S+) /m.exec(log);
  assert.ok(m, `no "✅ Downloaded … bytes in …" line in:\n${log}`);
  return { bytes: Number(m[1]), ms: goDurationMs(m[2]!) };
}

describe('fault knobs at run time, on one shared sandbox', { timeout: 900_000 }, () => {
  let world: SandboxWorld;
  let ns: string;
  let fluxNs: string;

  before(async () => {
    world = await SandboxWorld.start(['--bootstrap', '--time-scale', TIME_SCALE]);
    ns = world.ns;
    fluxNs = world.fluxNs;
    await world.initialDeploy(WAIT_MS);
  });

  // A failed test must not leave its fault on for the next one.
  afterEach(async () => {
    await world?.run.clear();
  });

  after(async () => {
    await world?.stop();
  });

  /**
   * A wait for the sandbox's `kind` object (`object` in world.info.objects, in namespace `namespace()`, read once
   * the world is up) until `check` holds for it; `what` names the expectation in a timeout.
   */
  const watcher =
    (
      kind: string,
      listPath: (ns: string) => string,
      namespace: () => string,
      object: 'imageRepository' | 'gitRepository' | 'helmRelease',
    ) =>
    (what: string, check: (o: K8sObject) => boolean, timeoutMs = WAIT_MS) => {
      const key = `${namespace()}/${world.info.objects[object]}`;
      return world.cluster.until(
        { path: listPath(namespace()), what: `${kind} ${key} ${what}`, timeoutMs },
        (objects) => (objects.get(key) && check(objects.get(key)!) ? objects.get(key) : undefined),
      );
    };
  const imageRepository = watcher('ImageRepository', PATHS.imageRepositories, () => fluxNs, 'imageRepository');
  const gitRepository = watcher('GitRepository', PATHS.gitRepositories, () => ns, 'gitRepository');
  const helmRelease = watcher('HelmRelease', PATHS.helmReleases, () => ns, 'helmRelease');

  /** The only foundry pod now, which must be Ready. */
  const currentPod = () => world.readyFoundryPod(WAIT_MS);
  /** Deletes the foundry pod `old` and waits for a replacement that `check` accepts (`what` names it in a timeout). */
  const replacement = async (old: K8sObject, what: string, check: (pod: K8sObject) => boolean): Promise<K8sObject> => {
    await world.shell.mustKubectl(['delete', 'pod', old.metadata.name, '-n', ns]);
    return world.cluster.until(
      { path: PATHS.pods(ns), query: { labelSelector: world.info.objects.podSelector }, what, timeoutMs: WAIT_MS },
      (o) => livePods(o).find((p) => p.metadata.name !== old.metadata.name && check(p)),
    );
  };

  it('registry-down: every registry request answers 503 UNAVAILABLE; scans fail; --clear restores it', async () => {
    await world.run.mustFault('registry-down');
    const res = await fetch(`${world.info.registry.url}/v2/`);
    assert.equal(res.status, 503);
    const body = (await res.json()) as { errors: Array<{ code: string }> };
    assert.equal(body.errors[0]?.code, 'UNAVAILABLE');
    await assert.rejects(registryClient(world.info).listTags(world.info.registry.repository), /503 UNAVAILABLE/);
    const failing = await imageRepository(
      'Ready=False after a failed scan',
      (o) => condition(o, 'Ready')?.status === 'False',
    );
    assert.match(condition(failing, 'Ready')?.message ?? '', /503/);

    await world.run.mustClear('registry-down');
    assert.notEqual((await fetch(`${world.info.registry.url}/v2/`)).status, 503);
    assert.deepEqual(await registryClient(world.info).listTags(world.info.registry.repository), ['v0.1.0']);
    await imageRepository('Ready=True again', (o) => condition(o, 'Ready')?.status === 'True');
  });

  it('git-down: git clone fails with HTTP 503 and the GitRepository reports FetchFailed; --clear restores it', async () => {
    await world.run.mustFault('git-down');
    const clone = await world.clone().clone();
    assert.notEqual(clone.exitCode, 0);
    assert.match(clone.stderr, /The requested URL returned error: 503/);
    const failing = await gitRepository('FetchFailed=True', (o) => condition(o, 'FetchFailed')?.status === 'True');
    assert.equal(condition(failing, 'Ready')?.status, 'False');

    await world.run.mustClear('git-down');
    assert.equal((await world.clone().clone()).exitCode, 0);
    await gitRepository(
      'Ready=True again',
      (o) => condition(o, 'Ready')?.status === 'True' && !condition(o, 'FetchFailed'),
    );
  });

  it('git-push-reject: git push is refused by the pre-receive hook; after --clear the same push goes through', async () => {
    const clone = await world.cloned();
    const before = (await world.shell.git(['ls-remote', world.info.git.repoUrl, 'refs/heads/main'])).stdout;
    await clone.touch('NOTES.md', 'push-reject probe');
    const sha = await clone.commit('probe: push while rejected');
    await world.run.mustFault('git-push-reject');
    const rejected = await clone.push();
    assert.notEqual(rejected.exitCode, 0);
    assert.match(rejected.stderr, /remote: push rejected by the sandbox/);
    assert.match(rejected.stderr, /! \[remote rejected\] HEAD -> main \(pre-receive hook declined\)/);
    assert.equal((await world.shell.git(['ls-remote', world.info.git.repoUrl, 'refs/heads/main'])).stdout, before);

    await world.run.mustClear('git-push-reject');
    const pushed = await clone.push();
    assert.equal(pushed.exitCode, 0, pushed.stderr);
    await world.revisionAt(sha, WAIT_MS);
  });

  it('scan-error: the ImageRepository goes Ready=False (scan failed), and Ready=True after --clear', async () => {
    await world.run.mustFault('scan-error');
    const failing = await imageRepository('Ready=False', (o) => condition(o, 'Ready')?.status === 'False');
    assert.match(condition(failing, 'Ready')?.message ?? '', /^scan failed: /);
    const out = await world.shell.mustKubectl(['get', 'imagerepository', '-n', fluxNs]);
    assert.match(out, /foundry-local-olive-models\s+\S+\s+\d+\s+False\s+scan failed: /);
    await world.run.mustClear('scan-error');
    await imageRepository('Ready=True again', (o) => condition(o, 'Ready')?.status === 'True');
  });

  it('scan-delay: a newly pushed tag shows up in scans only after the delay', async () => {
    const delayMs = 4000;
    await world.run.mustFault(`scan-delay=${delayMs / 1000}s`);
    const pushedAt = Date.now();
    await pushModels(world.info, 'v0.3.0', world.info.artifacts['v0.2.0']);
    let scannedWithout = 0;
    await imageRepository(
      'latestTags to include v0.3.0',
      (o) => {
        const tags: string[] = o.status?.lastScanResult?.latestTags ?? [];
        if (tags.includes('v0.3.0')) return true;
        if (Date.parse(o.status?.lastScanResult?.scanTime ?? '') >= pushedAt - 1000) scannedWithout++;
        return false;
      },
      WAIT_MS,
    );
    const tookMs = Date.now() - pushedAt;
    assert.ok(tookMs >= delayMs - 250, `v0.3.0 appeared after ${tookMs} ms, before the ${delayMs} ms delay`);
    assert.ok(scannedWithout > 0, 'no scan ran (without the tag) during the delay');
    await world.policyAt('v0.3.0', WAIT_MS);
  });

  it('pause=source-controller: no new artifact while paused, even on a reconcile request; resumes after --clear', async () => {
    const name = world.info.objects.gitRepository;
    await world.run.mustFault('pause=source-controller');
    const clone = await world.cloned();
    await clone.touch('NOTES.md', 'pause probe');
    const sha = await clone.commit('probe: push while source-controller is paused');
    assert.equal((await clone.push()).exitCode, 0);
    const requestedAt = new Date().toISOString();
    await world.shell.mustKubectl([
      'annotate',
      'gitrepository',
      name,
      '-n',
      ns,
      `reconcile.fluxcd.io/requestedAt=${requestedAt}`,
      '--overwrite',
    ]);
    // Nothing announces "did not happen": watch for a bounded time (many 0.3 s intervals) and expect no new revision.
    await assert.rejects(world.revisionAt(sha, 3000), /timed out/);
    const paused = await world.shell.mustKubectl([
      'get',
      'gitrepository',
      name,
      '-n',
      ns,
      '-o',
      'jsonpath={.status.artifact.revision}|{.status.lastHandledReconcileAt}',
    ]);
    assert.doesNotMatch(paused, new RegExp(sha));
    assert.ok(!paused.endsWith(`|${requestedAt}`), 'the reconcile request was handled while paused');

    await world.run.mustClear('pause');
    const resumed = await world.revisionAt(sha, WAIT_MS);
    assert.equal(condition(resumed, 'Ready')?.status, 'True');
  });

  it('controller-restart=source-controller: the controller pod restarts (restartCount up) and keeps reconciling', async () => {
    const pods = PATHS.pods(fluxNs);
    const query = { labelSelector: 'app=source-controller' };
    const before = await world.cluster.until(
      { path: pods, query, what: 'a Ready source-controller pod', timeoutMs: WAIT_MS },
      (o) => livePods(o).find(isReady),
    );
    await world.run.mustFault('controller-restart=source-controller');
    const restarted = await world.cluster.until(
      { path: pods, query, what: `source-controller restartCount > ${restarts(before)} and Ready`, timeoutMs: WAIT_MS },
      (o) =>
        livePods(o).find(
          (p) => p.metadata.name === before.metadata.name && restarts(p) > restarts(before) && isReady(p),
        ),
    );
    assert.equal(restarts(restarted), restarts(before) + 1);
    const out = await world.shell.mustKubectl(['get', 'pods', '-n', fluxNs, '-l', 'app=source-controller']);
    assert.match(out, new RegExp(`${before.metadata.name}\\s+1/1\\s+Running\\s+${restarts(before) + 1}\\s`));

    const clone = await world.cloned();
    await clone.touch('NOTES.md', 'restart probe');
    const sha = await clone.commit('probe: after a controller restart');
    assert.equal((await clone.push()).exitCode, 0);
    await world.revisionAt(sha, WAIT_MS);
  });

  it('NAME@git-push: git-rate-limit waits armed, switches on at the next push (status, sandbox.log, journal), then the GitRepository reports the 429', async () => {
    await world.run.mustFault('git-rate-limit@git-push');
    const armed = await world.run.status();
    assert.deepEqual(armed.faults, ['git-rate-limit@git-push']);
    const clone = await world.cloned();
    assert.equal(
      (await world.shell.git(['ls-remote', world.info.git.repoUrl, 'refs/heads/main'])).exitCode,
      0,
      'armed only: fetches still work',
    );
    await clone.touch('NOTES.md', 'trigger probe');
    await clone.commit('probe: the push that arms git-rate-limit');
    assert.equal((await clone.push()).exitCode, 0);
    const failed = await gitRepository(
      'FetchFailed quoting 429',
      (o) => condition(o, 'FetchFailed')?.status === 'True',
    );
    assert.match(
      condition(failed, 'FetchFailed')?.message ?? '',
      /^failed to checkout and determine revision: unable to clone '.*': unexpected client error: unexpected requesting ".*\/info\/refs\?service=git-upload-pack" status code: 429$/,
    );
    const log = await readFile(path.join(world.run.stateDir, 'sandbox.log'), 'utf8');
    assert.match(
      log,
      /fault git-rate-limit@git-push switched on: git push received: POST \/foundry-gitops\.git\/git-receive-pack/,
    );
    const journal = (await readFile(path.join(world.run.stateDir, 'journal.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.ok(
      journal.some((e) => e.kind === 'SandboxFault' && e.name === 'git-rate-limit@git-push'),
      'journal entry for the switch',
    );
    await world.run.mustClear('git-rate-limit');
    await gitRepository(
      'Ready again',
      (o) => condition(o, 'FetchFailed') === undefined && condition(o, 'Ready')?.status === 'True',
    );
  });

  it('clock-skew: objects created while skewed carry shifted timestamps; --clear puts the clock back', async () => {
    const createdAt = async (configmap: string) =>
      Date.parse(
        await world.shell.mustKubectl(['get', 'configmap', configmap, '-n', 'default', '-o', CREATION_TIMESTAMP]),
      );
    await world.run.mustFault('clock-skew=-1h');
    await world.shell.mustKubectl(['create', 'configmap', 'skew-probe-1', '-n', 'default']);
    const skewed = await createdAt('skew-probe-1');
    assert.ok(
      Math.abs(Date.now() - 3_600_000 - skewed) < 60_000,
      `creationTimestamp ${new Date(skewed).toISOString()} is not about one hour ago`,
    );
    // AGE stays "0s": the server computes it with the same skewed clock, as a skewed API server would.
    assert.match(
      await world.shell.mustKubectl(['get', 'configmap', 'skew-probe-1', '-n', 'default', '--no-headers']),
      /\s\ds\s*$/,
    );

    await world.run.mustClear('clock-skew');
    await world.shell.mustKubectl(['create', 'configmap', 'skew-probe-2', '-n', 'default']);
    const normal = await createdAt('skew-probe-2');
    assert.ok(Math.abs(Date.now() - normal) < 60_000, `creationTimestamp ${new Date(normal).toISOString()} is not now`);
  });

  it('strategy: Deployments written while it is on get the forced strategy, like a mutating policy', async () => {
    /** Creates Deployment `name` with kubectl (no strategy in it) and answers the strategy type it was stored with. */
    const createdStrategy = async (name: string) => {
      const pause = { name: 'pause', image: 'registry.k8s.io/pause:3.10' };
      const manifest = JSON.stringify(appDeployment(name, 'default', [pause], { replicas: 0 }));
      const done = await world.shell.bash(`kubectl create -f - <<'EOF'\n${manifest}\nEOF`);
      assert.equal(done.exitCode, 0, done.stderr);
      return world.shell.mustKubectl([
        'get',
        'deployment',
        name,
        '-n',
        'default',
        '-o',
        'jsonpath={.spec.strategy.type}',
      ]);
    };
    await world.run.mustFault('strategy=Recreate');
    const forced = await createdStrategy('strategy-probe-1');
    assert.equal(forced, 'Recreate');
    await world.run.mustClear('strategy');
    const defaulted = await createdStrategy('strategy-probe-2');
    assert.equal(defaulted, 'RollingUpdate');
  });

  it('kubectl create deployment (kubectl sends a protobuf body) is accepted, and kubectl expose serves it', async () => {
    const done = await world.shell.kubectl([
      'create',
      'deployment',
      'imperative-probe',
      '--image=registry.k8s.io/pause:3.10',
      '--replicas=0',
      '-n',
      'default',
    ]);
    assert.equal(done.exitCode, 0, done.stderr);
    assert.match(done.stdout, /^deployment\.apps\/imperative-probe created$/m);
    const stored = await world.shell.mustKubectl([
      'get',
      'deployment',
      'imperative-probe',
      '-n',
      'default',
      '-o',
      'jsonpath={.spec.replicas} {.spec.selector.matchLabels.app} {.spec.template.spec.containers[0].image}',
    ]);
    assert.equal(stored, '0 imperative-probe registry.k8s.io/pause:3.10');
    const exposed = await world.shell.mustKubectl([
      'expose',
      'deployment',
      'imperative-probe',
      '--port=80',
      '--target-port=8080',
      '-n',
      'default',
    ]);
    assert.match(exposed, /^service\/imperative-probe exposed$/m);
    const service = await world.shell.mustKubectl([
      'get',
      'service',
      'imperative-probe',
      '-n',
      'default',
      '-o',
      'jsonpath={.spec.selector.app} {.spec.ports[0].port} {.spec.ports[0].targetPort}',
    ]);
    assert.equal(service, 'imperative-probe 80 8080');
    await world.shell.mustKubectl(['delete', 'service,deployment', 'imperative-probe', '-n', 'default']);
  });

  it('slow-download: a new foundry pod downloads its models at the limited rate', async () => {
    const old = await currentPod();
    const baseline = download(await world.shell.mustKubectl(['logs', '-n', ns, old.metadata.name]));
    const rate = 500;
    await world.run.mustFault(`slow-download=${rate}`);
    await world.shell.mustKubectl(['delete', 'pod', old.metadata.name, '-n', ns]);
    const fresh = await world.readyFoundryPod(WAIT_MS, [old.metadata.name]);
    const slow = download(await world.shell.mustKubectl(['logs', '-n', ns, fresh.metadata.name]));
    assert.equal(slow.bytes, baseline.bytes);
    const floor = (slow.bytes / rate) * 1000 * 0.8;
    assert.ok(
      slow.ms >= floor,
      `downloaded ${slow.bytes} bytes in ${slow.ms} ms at ${rate} B/s (expected at least ${floor} ms)`,
    );
    assert.ok(baseline.ms < floor, `the unthrottled download already took ${baseline.ms} ms`);
  });

  it('corrupt-artifact: a new foundry pod fails with a digest mismatch in its log, and recovers after --clear', async () => {
    const old = await currentPod();
    await world.run.mustFault('corrupt-artifact=v0.1.0');
    const failed = await replacement(old, 'the new foundry pod to fail (restartCount ≥ 1)', (p) => restarts(p) >= 1);
    const log = await world.shell.mustKubectl(['logs', '-n', ns, failed.metadata.name, '--previous']);
    assert.match(
      log,
      /❌ Failed to deploy BYO models from \S+:v0\.1\.0: .*digest mismatch: expected sha256:[0-9a-f]{64}, got sha256:[0-9a-f]{64}/,
    );
    assert.doesNotMatch(log, /Foundry Local is ready/);

    await world.run.mustClear('corrupt-artifact');
    await world.readyFoundryPod(WAIT_MS, [old.metadata.name]);
  });

  it('crash-on-tag: a new foundry pod with that tag crash-loops (CrashLoopBackOff, restarts), and recovers after --clear', async () => {
    const old = await currentPod();
    await world.run.mustFault('crash-on-tag=v0.1.0');
    const looping = await replacement(
      old,
      'the new foundry pod in CrashLoopBackOff with restarts',
      (p) => waitingReason(p) === 'CrashLoopBackOff' && restarts(p) >= 1,
    );
    const out = await world.shell.mustKubectl(['get', 'pods', '-n', ns]);
    assert.match(out, new RegExp(`${looping.metadata.name}\\s+0/1\\s+CrashLoopBackOff\\s+[1-9]\\d*\\s`));
    const log = await world.shell.mustKubectl(['logs', '-n', ns, looping.metadata.name, '--previous']);
    assert.match(log, /🏷️ Tag: v0\.1\.0/);
    assert.match(log, /❌ Foundry Local exited with code 1/);
    const events = await world.shell.mustEvents(ns, `involvedObject.name=${looping.metadata.name},reason=BackOff`);
    assert.match(events, /Back-off restarting failed container/);

    await world.run.mustClear('crash-on-tag');
    await world.readyFoundryPod(WAIT_MS, [old.metadata.name]);
  });

  it('helm-upgrade-fail: the next upgrade fails (Released=False UpgradeFailed, upgradeFailures counted)', async () => {
    const name = world.info.objects.helmRelease;
    await world.run.mustFault('helm-upgrade-fail');
    const clone = await world.cloned();
    await clone.setTag('v0.2.0');
    const sha = await clone.commit('Deliver models v0.2.0 (upgrade will fail)');
    assert.equal((await clone.push()).exitCode, 0);
    await world.revisionAt(sha, WAIT_MS);
    const failed = await helmRelease(
      'Released=False reason UpgradeFailed',
      (hr) => condition(hr, 'Released')?.reason === 'UpgradeFailed',
    );
    assert.equal(condition(failed, 'Released')?.status, 'False');
    assert.match(
      condition(failed, 'Released')?.message ?? '',
      /^Helm upgrade failed for release foundry-system\/foundry-gpu-oras with chart foundry-gpu-oras@\S+: /,
    );
    assert.ok((failed.status.upgradeFailures ?? 0) >= 1, `upgradeFailures ${failed.status.upgradeFailures}`);
    assert.equal(failed.status.lastAttemptedReleaseAction, 'upgrade');
    // Remediation retries (3, rolling back in between) run out; then the release stays failed.
    const stalled = await helmRelease(
      'Stalled=True reason RetriesExceeded',
      (hr) => condition(hr, 'Stalled')?.reason === 'RetriesExceeded',
    );
    assert.match(condition(stalled, 'Stalled')?.message ?? '', /^Failed to upgrade after \d+ attempt\(s\)$/);
    assert.ok(stalled.status.upgradeFailures >= 2, `upgradeFailures ${stalled.status.upgradeFailures}`);
    const out = await world.shell.mustKubectl(['get', 'helmrelease', name, '-n', ns]);
    assert.match(out, new RegExp(`${name}\\s+\\S+\\s+False\\s`));
    const events = await world.shell.mustEvents(ns, 'reason=UpgradeFailed');
    assert.match(events, /Warning\s+UpgradeFailed\s+helmrelease\/foundry-gpu-oras\s+Helm upgrade failed/);
  });

  it('bad input: an unknown fault name is one clear line, exit 1, and changes nothing', async () => {
    const before = await world.run.status();
    const result = await world.run.fault('scan-error', 'no-such-fault');
    assert.equal(result.exitCode, 1);
    const lines = result.stderr.trim().split('\n');
    assert.equal(lines.length, 1, result.stderr);
    // The line lists every knob the sandbox has, in its own order (sandbox/faults/faults.ts FAULTS).
    assert.equal(
      lines[0],
      `gitops-sandbox: unknown fault "no-such-fault": known faults are ${Object.keys(FAULTS).join(', ')}`,
    );
    assert.deepEqual((await world.run.status()).faults, before.faults);
    assert.ok(
      !(await world.run.status()).faults.includes('scan-error'),
      'a valid knob given with a bad one was applied',
    );
    const badValue = await world.run.fault('slow-download=fast');
    assert.equal(badValue.exitCode, 1);
    assert.equal(badValue.stderr.trim().split('\n').length, 1, badValue.stderr);
    assert.match(badValue.stderr, /fault "slow-download" needs a positive number \(got "fast"\)/);
    const badTrigger = await world.run.fault('registry-down@deploy');
    assert.equal(badTrigger.exitCode, 1);
    assert.equal(badTrigger.stderr.trim().split('\n').length, 1, badTrigger.stderr);
    assert.match(
      badTrigger.stderr,
      /unknown trigger "@deploy" in "registry-down@deploy": use NAME\[=VALUE\]@TRIGGER with TRIGGER one of oci-push, git-push/,
    );
    const noArc = await world.run.fault('arc-agent-down');
    assert.equal(noArc.exitCode, 1);
    assert.match(noArc.stderr, /fault arc-agent-down needs --profile arc/);
  });

  it('bad input: up twice in the same state dir is a clear error and leaves the first sandbox running', async () => {
    const again = await runCli(['up', '--json', '--state-dir', world.run.stateDir]);
    assert.equal(again.exitCode, 1);
    assert.match(
      again.stderr,
      new RegExp(`^gitops-sandbox: a sandbox already runs in ${world.run.stateDir} \\(pid ${world.info.pid}\\)`),
    );
    const status = await world.run.status();
    assert.equal(status.running, true);
    assert.equal(status.exitCode, 0);
  });

  it('bad input: down where nothing runs succeeds; up with an unknown fault starts nothing', async () => {
    const empty = await mkdtemp(path.join(tmpdir(), 'acceptance-empty-'));
    try {
      const down = await runCli(['down', '--state-dir', empty]);
      assert.equal(down.exitCode, 0, down.stderr);
      assert.match(down.stdout, /^no sandbox in /);
      const never = path.join(empty, 'never');
      const up = await runCli(['up', '--state-dir', never, '--fault', 'bogus']);
      assert.equal(up.exitCode, 1);
      assert.equal(up.stderr.trim().split('\n').length, 1, up.stderr);
      assert.match(up.stderr, /unknown fault "bogus"/);
      await assert.rejects(stat(never), { code: 'ENOENT' });
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });

  it('two sandboxes at once (different state dirs) both work; a fault given at up is on from the start', async () => {
    const second = await SandboxRun.up(['--time-scale', TIME_SCALE, '--fault', 'registry-down']);
    try {
      assert.notEqual(second.info.apiServer, world.info.apiServer);
      assert.notEqual(second.info.registry.url, world.info.registry.url);
      assert.deepEqual((await second.status()).faults, ['registry-down']);
      assert.deepEqual(second.info.faults, ['registry-down']);
      assert.equal((await fetch(`${second.info.registry.url}/v2/`)).status, 503);
      assert.notEqual((await fetch(`${world.info.registry.url}/v2/`)).status, 503);
      const secondShell = new UserShell({
        kubeconfig: second.info.kubeconfig,
        cacheDir: path.join(world.scratch, 'kube-cache-second'),
      });
      assert.match(await world.shell.mustKubectl(['get', 'nodes']), /sandbox-gpu-node\s+Ready/);
      assert.match(await secondShell.mustKubectl(['get', 'nodes']), /sandbox-gpu-node\s+Ready/);
    } finally {
      const down = await second.down();
      assert.equal(down.exitCode, 0, down.stderr);
    }
    assert.equal((await world.run.status()).running, true, 'stopping the second sandbox stopped the first');
    await world.shell.mustKubectl(['get', 'nodes']);
  });
});
