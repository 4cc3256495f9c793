/**
 * The test plan, done by hand against a sandbox started with the CLI: the plan's own verification commands
 * with the real kubectl, an ORAS-style push of v0.2.0, a git edit of the tag, and the Recreate upgrade watched
 * with `kubectl get pods -w`. A second sandbox forced to RollingUpdate shows the one-GPU deadlock.
 *
 * Run (in sandbox/): node --import tsx --test test/acceptance/plan-by-hand.test.ts
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { condition, type K8sObject } from './cluster-watch.ts';
import { HELMRELEASE_FILE, type GitopsClone } from './gitops-clone.ts';
import type { ChildLines } from '../support/child-lines.ts';
import { pushModels } from './model-push.ts';
import { maxCoexisting } from './pod-state.ts';
import { PATHS, SandboxWorld } from './sandbox-world.ts';

/** Cluster ms → real ms: a 1m HelmRelease interval lasts 6 s, a 10 s back-off 1 s. */
const TIME_SCALE = '0.1';
const WAIT_MS = 90_000;
const MODELS_DIR = '/home/foundry/.foundry/cache/models/';

/** The plan's `-o` for the GitRepository's stored revision. */
const REVISION = 'jsonpath={.status.artifact.revision}';

describe('the test plan by hand (Recreate, one GPU)', { timeout: 300_000 }, () => {
  let world: SandboxWorld;
  let ns: string;
  let oldPod: K8sObject;
  let newPod: K8sObject;
  let podWatch: ChildLines | undefined;
  let clone: GitopsClone;
  let pushedSha: string;
  /** `kubectl get gitrepository NAME -n NS -o jsonpath={.status.artifact.revision}`, as the plan runs it. */
  const namedRevision = () =>
    world.shell.mustKubectl(['get', 'gitrepository', world.info.objects.gitRepository, '-n', ns, '-o', REVISION]);

  before(async () => {
    world = await SandboxWorld.start(['--bootstrap', '--time-scale', TIME_SCALE]);
    ns = world.ns;
  });

  after(async () => {
    await podWatch?.stop();
    await world?.stop();
  });

  it('deploys the from-tag after the bootstrap: release v1 and a Ready foundry pod', async () => {
    oldPod = await world.initialDeploy(WAIT_MS);
    assert.match(oldPod.metadata.name, /^foundry-gpu-oras-[a-z0-9]+-[a-z0-9]{5}$/);
  });

  it('plan: kubectl get gitrepository,kustomization,helmrelease,pods -n foundry-system', async () => {
    const out = await world.shell.mustKubectl(['get', 'gitrepository,kustomization,helmrelease,pods', '-n', ns]);
    assert.match(
      out,
      /gitrepository\.source\.toolkit\.fluxcd\.io\/foundry-gitops\s+\S+\s+\S+\s+True\s+stored artifact for revision 'main@sha1:[0-9a-f]{40}'/,
    );
    for (const k of world.info.objects.kustomizations) {
      assert.match(
        out,
        new RegExp(
          `kustomization\\.kustomize\\.toolkit\\.fluxcd\\.io/${k}\\s+\\S+\\s+True\\s+Applied revision: main@sha1:[0-9a-f]{40}`,
        ),
      );
    }
    assert.match(
      out,
      /helmrelease\.helm\.toolkit\.fluxcd\.io\/foundry-gpu-oras\s+\S+\s+True\s+Helm install succeeded for release foundry-system\/foundry-gpu-oras\.v1/,
    );
    assert.match(out, new RegExp(`pod/${oldPod.metadata.name}\\s+1/1\\s+Running\\s+0\\s`));
  });

  it('plan: kubectl logs -n foundry-system -l app.kubernetes.io/component=foundry | grep "Tag:"', async () => {
    const { stdout, exitCode } = await world.shell.bash(
      'kubectl logs -n foundry-system -l app.kubernetes.io/component=foundry | grep "Tag:"',
    );
    assert.equal(exitCode, 0, 'grep found no "Tag:" line in the last 10 log lines kubectl -l shows');
    assert.match(stdout, /🏷️ Tag: v0\.1\.0/);
  });

  it('plan: kubectl get imagerepository,imagepolicy -n flux-system', async () => {
    const out = await world.shell.mustKubectl(['get', 'imagerepository,imagepolicy', '-n', 'flux-system']);
    assert.match(
      out,
      /imagerepository\.image\.toolkit\.fluxcd\.io\/foundry-local-olive-models\s+\S+\/foundry-local-olive-models\s+1\s+True\s+successful scan: found 1 tags/,
    );
    assert.match(
      out,
      /imagepolicy\.image\.toolkit\.fluxcd\.io\/foundry-local-olive-models\s+\S+\s+v0\.1\.0\s+True\s+Latest image tag for \S+ resolved to v0\.1\.0/,
    );
  });

  it("plan: kubectl get gitrepository -n foundry-system -o jsonpath='{.status.artifact.revision}'", async () => {
    // Without a name kubectl hands jsonpath a List, and `get` allows missing keys: a real cluster prints
    // nothing here. The plan's command needs the name (or `.items[0]`) to show the revision.
    const verbatim = await world.shell.kubectl(['get', 'gitrepository', '-n', ns, '-o', REVISION]);
    assert.equal(verbatim.exitCode, 0, verbatim.stderr);
    assert.equal(verbatim.stdout, '');
    const named = await namedRevision();
    const listed = await world.shell.mustKubectl([
      'get',
      'gitrepository',
      '-n',
      ns,
      '-o',
      'jsonpath={.items[0].status.artifact.revision}',
    ]);
    const head = (await world.shell.git(['ls-remote', world.info.git.repoUrl, 'refs/heads/main'])).stdout.split(
      /\s/,
    )[0];
    assert.equal(named, `main@sha1:${head}`);
    assert.equal(listed, named);
  });

  it('plan: kubectl exec -n foundry-system <pod> -- ls -la /home/foundry/.foundry/cache/models/', async () => {
    const out = await world.shell.mustKubectl(['exec', '-n', ns, oldPod.metadata.name, '--', 'ls', '-la', MODELS_DIR]);
    assert.match(out, /^total \d+/m);
    assert.match(out, /^d\S+\s+\d+\s+\S+\s+\S+\s+\d+ .+ microsoft$/m);
    assert.doesNotMatch(out, / meta$/m, 'the from-tag carries no llama (meta) models');
  });

  it('pushes v0.2.0 with the OCI client and the ImagePolicy resolves it (watched)', async () => {
    const pushed = await pushModels(world.info, 'v0.2.0');
    assert.equal(pushed.artifactType, 'foundry/models');
    assert.deepEqual(pushed.referenceAsTags, [`${world.info.registry.host}/${world.info.registry.repository}:v0.2.0`]);
    const policy = await world.policyAt('v0.2.0', WAIT_MS);
    assert.ok(
      condition(policy, 'Ready')?.message?.startsWith(
        `Latest image tag for ${world.info.registry.host}/${world.info.registry.repository} resolved to v0.2.0`,
      ),
      condition(policy, 'Ready')?.message,
    );
    const out = await world.shell.mustKubectl(['get', 'imagerepository,imagepolicy', '-n', 'flux-system']);
    assert.match(out, /foundry-local-olive-models\s+\S+\s+2\s+True\s+successful scan: found 2 tags/);
    assert.match(out, /foundry-local-olive-models\s+\S+\s+v0\.2\.0\s+True/);
  });

  it('edits the tag in apps/foundry-gpu-oras/helmrelease.yaml (marker kept), commits and pushes', async () => {
    podWatch = world.shell.background('kubectl', ['get', 'pods', '-n', ns, '-w']);
    // The watch must list the current pod before anything changes, or it could miss the termination.
    await podWatch.line(
      new RegExp(`^${oldPod.metadata.name}\\s+1/1\\s+Running`),
      'kubectl get pods -w listing the running pod',
      30_000,
    );
    clone = await world.cloned();
    const diff = await clone.setTag('v0.2.0');
    const changed = diff.split('\n').filter((l) => /^[-+](?![-+])/.test(l));
    assert.deepEqual(changed, [
      '-        tag: v0.1.0 # {"$imagepolicy": "flux-system:foundry-local-olive-models:tag"}',
      '+        tag: v0.2.0 # {"$imagepolicy": "flux-system:foundry-local-olive-models:tag"}',
    ]);
    pushedSha = await clone.commit('Deliver models v0.2.0');
    const push = await clone.push();
    assert.equal(push.exitCode, 0, push.stderr);
    assert.match(push.stderr, /-> main\n/);
    await world.revisionAt(pushedSha, WAIT_MS);
  });

  it('upgrades the release to v2 with "Helm upgrade succeeded" and replaces the pod', async () => {
    const hr = await world.release(2, WAIT_MS);
    assert.equal(hr.status.history[0].status, 'deployed');
    assert.match(
      condition(hr, 'Ready')?.message ?? '',
      /^Helm upgrade succeeded for release foundry-system\/foundry-gpu-oras\.v2 with chart foundry-gpu-oras@\S+$/,
    );
    assert.equal(hr.spec.values.foundry.byo.tag, 'v0.2.0');
    newPod = await world.readyFoundryPod(WAIT_MS, [oldPod.metadata.name]);
    const revision = await namedRevision();
    assert.equal(revision, `main@sha1:${pushedSha}`);
  });

  it('plan: kubectl get pods -n foundry-system -w showed the old pod Terminating, then the new pod Running', async () => {
    const watch = podWatch!;
    const terminatingLine = new RegExp(`^${oldPod.metadata.name}\\s+\\S+\\s+Terminating\\s`);
    await watch.line(terminatingLine, 'old pod Terminating', 30_000);
    // line() reads on after the line it matched last, so this Running line comes after the Terminating one.
    await watch.line(
      new RegExp(`^${newPod.metadata.name}\\s+1/1\\s+Running\\s`),
      'new pod 1/1 Running after the old pod was Terminating',
      30_000,
    );
    const terminating = watch.lines.findIndex((l) => terminatingLine.test(l));
    const firstNew = watch.lines.findIndex((l) => l.startsWith(`${newPod.metadata.name} `));
    assert.ok(
      firstNew > terminating,
      `the new pod appeared (line ${firstNew}) before the old one was Terminating (line ${terminating})`,
    );
    await watch.stop();
  });

  it('plan: the new pod logs "🏷️ Tag: v0.2.0" (kubectl logs and the plan\'s grep)', async () => {
    const logs = await world.shell.mustKubectl(['logs', '-n', ns, newPod.metadata.name]);
    assert.match(logs, /^🏷️ Tag: v0\.2\.0$/m);
    const { stdout } = await world.shell.bash(
      'kubectl logs -n foundry-system -l app.kubernetes.io/component=foundry | grep "Tag:"',
    );
    assert.match(stdout, /Tag: v0\.2\.0/);
    assert.doesNotMatch(stdout, /Tag: v0\.1\.0/);
  });

  it('plan: kubectl exec lists the llama-3.2 model files in the new pod', async () => {
    const lsNewPod = (dir: string) =>
      world.shell.mustKubectl(['exec', '-n', ns, newPod.metadata.name, '--', 'ls', '-la', dir]);
    const top = await lsNewPod(MODELS_DIR);
    assert.match(top, / meta$/m);
    assert.match(top, / microsoft$/m);
    const publisher = await lsNewPod(`${MODELS_DIR}meta/`);
    const llama = publisher
      .split('\n')
      .map((l) => l.split(/\s+/).pop() ?? '')
      .find((n) => n.startsWith('llama-3.2'));
    assert.ok(llama, `no llama-3.2 folder under ${MODELS_DIR}meta/:\n${publisher}`);
    const files = await lsNewPod(`${MODELS_DIR}meta/${llama}/v1/`);
    assert.match(files, / genai_config\.json$/m);
    assert.match(files, / inference_model\.json$/m);
  });

  it('no overlap: the old pod was gone before the new pod was created (API server journal)', async () => {
    const entries = await world.cluster.journal();
    const pods = entries.filter((e) => e.kind === 'Pod' && e.namespace === ns);
    const gone = pods.find((e) => e.uid === oldPod.metadata.uid && e.type === 'DELETED');
    const created = pods.find((e) => e.uid === newPod.metadata.uid && e.type === 'ADDED');
    assert.ok(gone && created, 'journal lacks the old pod DELETED or the new pod ADDED entry');
    assert.ok(
      Number(gone.resourceVersion) < Number(created.resourceVersion),
      `old pod DELETED at rv ${gone.resourceVersion}, new pod ADDED at rv ${created.resourceVersion}`,
    );
    assert.ok(gone.ts <= created.ts);
    assert.equal(
      maxCoexisting(entries, (e) => e.namespace === ns && e.name.startsWith('foundry-gpu-oras-')),
      1,
      'two foundry pods existed at once',
    );
  });
});

describe(
  'the test plan by hand with --fault strategy=RollingUpdate (the one-GPU deadlock)',
  { timeout: 300_000 },
  () => {
    let world: SandboxWorld;
    let ns: string;
    let oldPod: K8sObject;

    before(async () => {
      world = await SandboxWorld.start([
        '--bootstrap',
        '--time-scale',
        TIME_SCALE,
        '--fault',
        'strategy=RollingUpdate',
      ]);
      ns = world.ns;
    });

    after(async () => {
      await world?.stop();
    });

    it('deploys the from-tag with a RollingUpdate Deployment', async () => {
      oldPod = await world.initialDeploy(WAIT_MS);
      const strategy = await world.shell.mustKubectl([
        'get',
        'deployments',
        '-n',
        ns,
        '-o',
        'jsonpath={.items[*].spec.strategy.type}',
      ]);
      assert.equal(strategy, 'RollingUpdate');
    });

    it('after the same push and edit, the surge pod stays Pending: FailedScheduling … Insufficient nvidia.com/gpu.', async () => {
      await pushModels(world.info, 'v0.2.0');
      await world.policyAt('v0.2.0', WAIT_MS);
      const clone = await world.cloned();
      await clone.setTag('v0.2.0');
      // The chart takes progressDeadlineSeconds from its values: 60 s of cluster time is 6 s here.
      await clone.replaceIn(HELMRELEASE_FILE, '  values:\n', '  values:\n    progressDeadlineSeconds: 60\n');
      const sha = await clone.commit('Deliver models v0.2.0');
      const push = await clone.push();
      assert.equal(push.exitCode, 0, push.stderr);
      await world.revisionAt(sha, WAIT_MS);

      const event = await world.cluster.until(
        {
          path: PATHS.events(ns),
          query: { fieldSelector: 'reason=FailedScheduling' },
          what: 'a FailedScheduling event',
          timeoutMs: WAIT_MS,
        },
        (objects) => [...objects.values()][0],
      );
      assert.equal(event.type, 'Warning');
      assert.match(String(event.message), /^0\/1 nodes are available: 1 Insufficient nvidia\.com\/gpu\./);
      const pending = await world.shell.mustKubectl(['get', 'pods', '-n', ns]);
      assert.match(pending, /foundry-gpu-oras-\S+\s+0\/1\s+Pending\s+0\s/);
      assert.match(pending, new RegExp(`${oldPod.metadata.name}\\s+1/1\\s+Running\\s`), 'the old pod keeps the GPU');
      const events = await world.shell.mustEvents(ns, 'reason=FailedScheduling');
      assert.match(
        events,
        /Warning\s+FailedScheduling\s+pod\/foundry-gpu-oras-\S+\s+0\/1 nodes are available: 1 Insufficient nvidia\.com\/gpu\./,
      );
    });

    it('the Deployment ends in ProgressDeadlineExceeded and the old pod was never removed', async () => {
      const deployment = await world.cluster.until(
        {
          path: PATHS.deployments(ns),
          what: 'Deployment Progressing=False reason ProgressDeadlineExceeded',
          timeoutMs: WAIT_MS,
          describe: (o) => JSON.stringify([...o.values()].map((d) => d.status?.conditions)),
        },
        (objects) =>
          [...objects.values()].find((d) => condition(d, 'Progressing')?.reason === 'ProgressDeadlineExceeded'),
      );
      assert.equal(condition(deployment, 'Progressing')?.status, 'False');
      assert.match(condition(deployment, 'Progressing')?.message ?? '', /has timed out progressing/);
      const rollout = await world.shell.kubectl([
        'rollout',
        'status',
        `deployment/${deployment.metadata.name}`,
        '-n',
        ns,
        '--timeout=20s',
      ]);
      assert.notEqual(rollout.exitCode, 0);
      assert.match(rollout.stderr, /exceeded its progress deadline/);
      const entries = await world.cluster.journal();
      assert.ok(
        !entries.some((e) => e.uid === oldPod.metadata.uid && (e.type === 'DELETED' || e.deleting)),
        'the old pod was deleted',
      );
    });

    it('down stops the sandbox promptly while helm still waits for the stuck rollout', async () => {
      // The daemon is SIGKILLed after 20 s when a stop hangs; a clean stop takes about 2 s.
      const down = await world.run.down();
      assert.equal(down.exitCode, 0, down.stderr);
      assert.ok(down.ms < 10_000, `down took ${down.ms} ms`);
    });
  },
);
