/**
 * "Safe on a real cluster", against a sandbox started with the CLI: preflight leaves a registry tag and a commit
 * made by someone else alone (and changes nothing at all while any such leftover exists), restores only what a
 * gitops-e2e run provably made, checks credentials with requests that write nothing, and finds a HelmRelease name
 * that no Kustomization applies in seconds. Then interruptions of `gitops-sandbox up` leave no daemon and no state.
 *
 * Run: node --import tsx --test tests/acceptance/real-cluster-safety.test.ts
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { SANDBOX_CLI, SandboxCli } from '../../fixtures/global/sandbox-cli.ts';
import { sandboxEnvironment } from '../../fixtures/global/sandbox-env.ts';
import { GitWorkspace, type GitRemote } from '../../fixtures/git.ts';
import type { Credentials } from '../../fixtures/index.ts';
import { ClusterClient } from '../../fixtures/k8s.ts';
import { Ledger } from '../../fixtures/ledger.ts';
import { BuiltinOras } from '../../fixtures/oras.ts';
import { checkHelmReleaseInventory, checkRegistryAccess } from '../../fixtures/preflight-checks.ts';
import { RunFiles } from '../../fixtures/run-files.ts';
import { Safety } from '../../fixtures/safety.ts';
import { inspectStartState, leftoverActions, restoreRefusal, restoreStartState } from '../../fixtures/start-state.ts';
import { commitTagChange, pushTagChange, readTag } from '../../fixtures/tag-change.ts';
import { RUN_ID_ANNOTATION } from '../../helpers/ownership.ts';
import { createRedactor } from '../../helpers/redact.ts';
import { setYamlValue } from '../../helpers/yaml-edit.ts';
import { artifactFor, loadTarget, type LoadedTarget } from '../../targets/load.ts';
import { registryClient } from 'gitops-sandbox/testing/model-push';
import { SandboxRun } from 'gitops-sandbox/testing/sandbox-cli';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CLI = SANDBOX_CLI;
const FROM = 'v0.1.0';
const TO = 'v0.2.0';

describe('preflight on a registry and a repository others use too', { timeout: 300_000 }, () => {
  let run: SandboxRun;
  let target: LoadedTarget;
  let credentials: Credentials;
  let oras: BuiltinOras;
  let scratch: string;
  const redact = createRedactor([]);
  const lines: string[] = [];
  const log = (line: string) => void lines.push(line);

  const remote = (who: { name: string; email: string }, token?: string): GitRemote => ({
    url: target.git.remote,
    branch: target.git.branch,
    username: credentials.git.username,
    token: token ?? credentials.git.token,
    authorName: who.name,
    authorEmail: who.email,
    tokenEnv: target.git.tokenEnv,
  });
  const SUITE = { name: 'gitops-e2e', email: 'gitops-e2e@users.noreply.github.com' };
  const JANE = { name: 'Jane Doe', email: 'jane@example.com' };
  const clone = (who = SUITE, token?: string) => GitWorkspace.clone({ remote: remote(who, token), redact, log });

  /** What preflight would see now. */
  async function inspect() {
    const ws = await clone();
    const state = await inspectStartState({
      target,
      ws,
      oras,
      registryTags: await oras.tags(),
      gitTag: (await readTag(ws, target.git.file, target.git.yamlPath))!,
    });
    return { ws, state };
  }

  /** A person sets the tag with a commit of their own (no trailer) and pushes it. */
  async function humanSetsTag(value: string, subject: string): Promise<string> {
    const ws = await clone(JANE);
    try {
      const text = await ws.read(target.git.file);
      await ws.write(target.git.file, setYamlValue(text, target.git.yamlPath, value).text);
      await ws.commit([target.git.file], subject, {});
      return (await ws.push()).sha;
    } finally {
      await ws.dispose();
    }
  }

  const safety = new Safety({
    allowMutations: true,
    allowedContexts: ['sandbox'],
    context: 'sandbox',
    profile: 'targets/sandbox.yaml',
  });

  before(async () => {
    run = await SandboxRun.up(['--bootstrap', '--time-scale', '0.1']);
    const env = { ...process.env, ...sandboxEnvironment(run.info as never) };
    target = loadTarget('sandbox', env);
    credentials = {
      registry: { username: run.info.registry.user, password: run.info.registry.password },
      git: { username: run.info.git.user, token: run.info.git.token },
    };
    oras = new BuiltinOras({ registry: target.registry, credentials: credentials.registry, redact, log });
    scratch = await mkdtemp(path.join(tmpdir(), 'safety-acceptance-'));
  });

  after(async () => {
    await run?.down();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  it('leaves a to-tag pushed by someone else alone, naming its digest', async () => {
    const pushed = await registryClient(run.info).pushArtifact(target.registry.repository, TO, {
      artifactType: 'foundry/models',
      files: [{ path: artifactFor(target, TO), mediaType: 'application/gzip', title: 'models.tar.gz' }],
      annotations: { 'org.opencontainers.image.authors': 'release-bot' },
    });
    const { ws, state } = await inspect();
    await ws.dispose();
    assert.equal(state.tagDelete, undefined);
    assert.equal(state.foreign.length, 1);
    assert.match(
      state.foreign[0]!,
      new RegExp(
        `^registry tag .*:${TO} \\(${pushed.digest}, author release-bot, created .*\\) has no ${RUN_ID_ANNOTATION.replace(/\./g, '\\.')} annotation`,
      ),
    );
    const refusal = restoreRefusal(state, safety.check('restoring the start state'), target);
    assert.match(
      refusal ?? '',
      /^start state is not clean and not the suite's to restore; nothing was changed: registry tag/,
    );
    assert.throws(() => leftoverActions(state, target), /nothing may be restored/);
    assert.ok((await oras.tags()).includes(TO), "the other party's tag is still there");
    await registryClient(run.info).deleteManifest(target.registry.repository, TO); // the other party cleans up
  });

  it("leaves a commit made by someone else alone — and, while it is there, the suite's own tag too", async () => {
    const sha = await humanSetsTag(TO, 'Release models v0.2.0');
    const own = await oras.push(TO, artifactFor(target, TO), { [RUN_ID_ANNOTATION]: 'crashed-run-1' });
    const { ws, state } = await inspect();
    await ws.dispose();
    assert.equal(state.gitRestore, undefined);
    assert.ok(state.tagDelete, "the suite's own tag is recognised");
    assert.equal(state.foreign.length, 1);
    assert.match(
      state.foreign[0]!,
      new RegExp(
        `set by commit ${sha.slice(0, 12)} \\(Jane Doe <jane@example\\.com>, \\d{4}-\\d\\d-\\d\\dT[^,]+, "Release models v0\\.2\\.0"\\) without an E2E-Run-Id: trailer`,
      ),
    );
    assert.match(restoreRefusal(state, safety.check('restore'), target) ?? '', /nothing was changed/);
    // Nothing changed: the human's commit is the head, the suite's tag is still in the registry.
    const after = await clone();
    assert.equal(await after.head(), sha);
    await after.dispose();
    assert.equal((await oras.fetch(TO)).digest, own.digest);
    await humanSetsTag(FROM, 'Back to v0.1.0');
  });

  it("restores what a crashed gitops-e2e run left, keeping others' later commits", async () => {
    // The crashed run: its tag edit (with the trailer) and its push (with the annotation; still there from above).
    const ws = await clone();
    const spec = {
      file: target.git.file,
      yamlPath: target.git.yamlPath,
      branch: target.git.branch,
      from: FROM,
      to: TO,
      runId: 'crashed-run-1',
      message: 'Upgrade foundry BYO models tag to v0.2.0',
      reason: 'upgrade',
    };
    await pushTagChange(
      ws,
      new Ledger(new RunFiles(path.join(scratch, 'crashed'))),
      spec,
      await commitTagChange(ws, spec),
    );
    await ws.dispose();
    // Someone commits something else on top.
    const jane = await clone(JANE);
    await jane.write('NOTES.md', 'unrelated\n');
    await jane.commit(['NOTES.md'], 'Add notes', {});
    const janeSha = (await jane.push()).sha;
    await jane.dispose();

    const { ws: check, state } = await inspect();
    assert.deepEqual(state.foreign, []);
    assert.match(
      state.gitRestore?.summary ?? '',
      /of gitops-e2e run crashed-run-1 \(followed by 1 commit that the one-line revert keeps\)/,
    );
    assert.match(state.tagDelete?.summary ?? '', /pushed by gitops-e2e run crashed-run-1/);
    assert.equal(restoreRefusal(state, safety.check('restore'), target), undefined);
    // No Flux objects on this sandbox: the reconcile request after the git restore has nothing to nudge.
    const flux = {
      requestReconcile: async () => undefined,
      reach: () => assert.fail('manual mode waits for no ImagePolicy'),
      setSuspended: () => assert.fail('this run suspended nothing'),
    };
    const restored = await restoreStartState(leftoverActions(state, target), {
      target,
      clone: async () => check,
      oras,
      ledger: new Ledger(new RunFiles(scratch)),
      flux,
      runId: 'this-run',
      by: 'preflight',
      log,
    });
    await check.dispose();
    assert.deepEqual(restored.failures, []);
    assert.equal(restored.done.length, 2);

    assert.ok(!(await oras.tags()).includes(TO), `${TO} deleted`);
    const back = await clone();
    assert.equal(await readTag(back, target.git.file, target.git.yamlPath), FROM);
    assert.equal(await back.read('NOTES.md'), 'unrelated\n', 'the other commit is kept');
    assert.match(await back.message(await back.head()), /E2E-Run-Id: this-run/);
    const ancestor = await execa('git', ['-C', back.dir, 'merge-base', '--is-ancestor', janeSha, 'HEAD'], {
      reject: false,
    });
    assert.equal(ancestor.exitCode, 0, "Jane's commit is in the history, not rewritten");
    await back.dispose();
  });

  it('git: credentials checked with a push that writes nothing; a wrong token is named as such', async () => {
    const ws = await clone();
    const head = await ws.remoteHead();
    await ws.pushDryRun();
    assert.equal(await ws.remoteHead(), head, 'a dry run pushes nothing');
    await ws.dispose();
    await assert.rejects(clone(SUITE, 'wrong-token'), (err: Error) => {
      assert.equal(err.message.split('\n').length, 1, err.message);
      assert.match(
        err.message,
        new RegExp(
          `^git rejected the credentials for ${target.git.remote.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(token from E2E_SANDBOX_GIT_TOKEN`,
        ),
      );
      assert.doesNotMatch(err.message, /wrong-token/);
      return true;
    });
  });

  it('registry: push access checked without storing anything; a wrong password is named as such', async () => {
    const before = await oras.tags();
    assert.match(
      await checkRegistryAccess(target, credentials, { push: true }),
      /accepted for a push to foundry-local-olive-models \(upload session opened and cancelled\)/,
    );
    assert.deepEqual(await oras.tags(), before);
    await assert.rejects(
      checkRegistryAccess(
        target,
        { ...credentials, registry: { ...credentials.registry, password: 'wrong' } },
        { push: true },
      ),
      /^Error: registry 127\.0\.0\.1:\d+ rejected the credentials from E2E_SANDBOX_REGISTRY_USERNAME\/E2E_SANDBOX_REGISTRY_PASSWORD for/,
    );
  });

  it('a HelmRelease no Kustomization applies fails in seconds', async () => {
    const k8s = new ClusterClient({ kubeconfig: target.kubeconfig, context: target.context, log });
    try {
      // The bootstrap ran at `up`: wait (event-free API, so a bounded poll) until the apps Kustomization has applied.
      const deadline = Date.now() + 60_000;
      let ok = await checkHelmReleaseInventory(k8s, target).catch((e: Error) => e);
      while (!(ok instanceof Error) && !ok.note.includes('is applied by') && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 250));
        ok = await checkHelmReleaseInventory(k8s, target).catch((e: Error) => e);
      }
      assert.ok(!(ok instanceof Error) && ok.checked, String(ok instanceof Error ? ok.message : ok.note));
      const started = Date.now();
      await assert.rejects(
        checkHelmReleaseInventory(k8s, { ...target, objects: { ...target.objects, helmRelease: 'foundry-gpu-typo' } }),
        /^Error: HelmRelease foundry-system\/foundry-gpu-typo is in no Kustomization's inventory \(.*applied HelmRelease foundry-system\/foundry-gpu-oras\)/,
      );
      assert.ok(Date.now() - started < 5_000, 'in seconds');
    } finally {
      k8s.close();
    }
  });
});

describe('interrupting gitops-sandbox up leaves nothing behind', { timeout: 300_000 }, () => {
  /** Whether a process exists. */
  const alive = (pid: number) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };

  /** Resolves true once `pid` is gone (a killed process lingers until reaped: poll, bounded). */
  async function gone(pid: number, timeoutMs = 5_000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    return !alive(pid);
  }

  /** The daemon's pid, once `up` has written its pid file into `stateDir`. */
  async function daemonPid(stateDir: string): Promise<number> {
    const pidFile = path.join(stateDir, 'daemon.pid');
    // No event announces a file in a directory that may not exist yet: poll every 20 ms (bounded by the test timeout).
    while (!existsSync(pidFile) || !(await readFile(pidFile, 'utf8')).trim())
      await new Promise((r) => setTimeout(r, 20));
    return Number((await readFile(pidFile, 'utf8')).trim());
  }

  /** Starts `up` in a fresh state dir and resolves once the daemon exists (its pid file), with the daemon's pid. */
  async function upUntilDaemon(
    signal: NodeJS.Signals,
  ): Promise<{ pid: number; stateDir: string; result: { exitCode?: number; stderr: string } }> {
    const parent = await mkdtemp(path.join(tmpdir(), 'sandbox-interrupt-'));
    const stateDir = path.join(parent, 'state');
    const child = execa(process.execPath, [CLI, 'up', '--json', '--state-dir', stateDir], { reject: false });
    const pid = await daemonPid(stateDir);
    assert.ok(!existsSync(path.join(stateDir, 'state.json')), 'interrupted before the sandbox was ready');
    child.kill(signal);
    const result = await child;
    await rm(parent, { recursive: true, force: true });
    return { pid, stateDir, result: { exitCode: result.exitCode, stderr: String(result.stderr) } };
  }

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`${signal} while starting: the daemon is gone and so is the state dir`, async () => {
      const { pid, stateDir, result } = await upUntilDaemon(signal);
      assert.equal(result.exitCode, signal === 'SIGINT' ? 130 : 143);
      assert.match(
        result.stderr,
        new RegExp(`^gitops-sandbox up: ${signal} while starting: sandbox stopped, .* cleaned$`, 'm'),
      );
      assert.equal(await gone(pid), true, `daemon ${pid} still running`);
      assert.equal(existsSync(stateDir), false, `${stateDir} left behind`);
    });
  }

  it("global setup's signal path (downSync) while up runs: no daemon, no state.json with credentials", async () => {
    const parent = await mkdtemp(path.join(tmpdir(), 'sandbox-setup-interrupt-'));
    const stateDir = path.join(parent, 'custom-state');
    const cli = new SandboxCli({ root: ROOT, stateDir, log: () => undefined });
    const up = cli.up([]).catch((err: Error) => err);
    const pid = await daemonPid(stateDir);
    cli.downSync();
    const outcome = await up;
    assert.ok(outcome instanceof Error, 'up reports the interruption');
    assert.equal(outcome.message.split('\n').length, 1, 'one line');
    assert.equal(await gone(pid), true, `daemon ${pid} still running`);
    assert.equal(existsSync(path.join(stateDir, 'state.json')), false);
    assert.equal(existsSync(stateDir), false);
    await rm(parent, { recursive: true, force: true });
  });

  it('up killed outright (SIGKILL, no cleanup possible): down finds the not-yet-ready daemon by its pid file', async () => {
    const parent = await mkdtemp(path.join(tmpdir(), 'sandbox-killed-'));
    const stateDir = path.join(parent, 'state');
    const child = execa(process.execPath, [CLI, 'up', '--json', '--state-dir', stateDir], { reject: false });
    const pid = await daemonPid(stateDir);
    child.kill('SIGKILL');
    await child;
    assert.equal(alive(pid), true, 'the detached daemon survives its up');
    const down = await execa(process.execPath, [CLI, 'down', '--state-dir', stateDir], { reject: false });
    assert.equal(down.exitCode, 0, down.stderr);
    assert.match(down.stdout, /^sandbox in .* stopped$/);
    assert.equal(await gone(pid), true, `daemon ${pid} still running`);
    assert.equal(existsSync(stateDir), false);
    await rm(parent, { recursive: true, force: true });
  });

  it('an unknown flag is one line and starts nothing', async () => {
    const parent = await mkdtemp(path.join(tmpdir(), 'sandbox-badflag-'));
    const cli = new SandboxCli({ root: ROOT, stateDir: path.join(parent, 'state'), log: () => undefined });
    await assert.rejects(cli.up(['--faul', 'x']), (err: Error) => {
      assert.equal(
        err.message,
        "gitops-sandbox up failed (exit 1): gitops-sandbox: unknown option '--faul' (Did you mean --fault?) (gitops-sandbox help [command] lists the options)",
      );
      assert.equal(err.stack, `SandboxStartError: ${err.message}`);
      return true;
    });
    assert.equal(existsSync(path.join(parent, 'state')), false);
    await rm(parent, { recursive: true, force: true });
  });
});
