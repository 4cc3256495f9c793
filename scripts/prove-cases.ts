/**
 * The detection-power matrix of `npm run prove`: for every success criterion of the plan, a fault the sandbox can
 * inject and the test that must fail first because of it, with words its first message must contain. Healthy cases
 * must pass. Faults that must bite mid-flow arm themselves at a moment of the flow (`NAME[=VALUE]@oci-push` /
 * `@git-push`, see sandbox/README.md), so the suite never injects anything itself.
 */
import type { PlanBudgetId } from '../helpers/budgets.ts';

/** Budgets shortened for a case, Go durations by the profile's budget id. */
export type BudgetOverrides = Partial<Record<Exclude<PlanBudgetId, 'policyToAutomationCommit'>, string>>;

/** One run of the plan on a fresh sandbox. */
export interface ProveCase {
  name: string;
  /** The plan's criterion it breaks (healthy runs: what they show). */
  criterion: string;
  /** `gitops-sandbox up` words (E2E_SANDBOX_ARGS). */
  sandboxArgs: string[];
  /** Extra environment, e.g. the bootstrap's GITOPS_INTERVAL. */
  env?: Record<string, string>;
  budgets?: BudgetOverrides;
  /** Profile `intervals` overrides (Go durations), e.g. the --requeue-dependency the case's sandbox runs. */
  intervals?: Record<string, string>;
  /** The sandbox runs the Azure Arc profile: the suite checks the Arc agents (controllers.arc, required). */
  arc?: boolean;
  /** In the quick subset `.ci/run` runs. */
  quick?: boolean;
  /** Absent for healthy runs: every test must pass. */
  expect?: {
    /** Title (start) of the test that must fail first. */
    test: string;
    /** Its first error message must match. */
    message: RegExp;
  };
}

const PHASE = {
  intervals: 'sync intervals optimized',
  push: 'OCI push:',
  git: 'git update:',
  upgrade: 'upgrade:',
  verify: 'verify:',
  staysTrue: 'stays true after the upgrade',
  budget: (name: string) => `budget: ${name}`,
};

/** Every case, in the order the matrix lists them. */
export const PROVE_CASES: readonly ProveCase[] = [
  // Healthy runs: every criterion holds, on every Flux line and profile.
  { name: 'healthy', criterion: 'the plan passes (Flux 2.9)', sandboxArgs: [] },
  { name: 'healthy-again', criterion: 'the plan passes again (deterministic)', sandboxArgs: [] },
  {
    name: 'healthy-clock-skew',
    criterion: 'the plan passes with the cluster clock 30s behind (download subtracted on the suite clock)',
    sandboxArgs: ['--fault', 'clock-skew=-30s'],
  },
  { name: 'healthy-2.6', criterion: 'the plan passes on the Flux 2.6 line', sandboxArgs: ['--flux', '2.6'] },
  {
    name: 'healthy-2.6-arc',
    criterion: 'the plan passes on Flux 2.6 under Azure Arc (agents checked)',
    sandboxArgs: ['--flux', '2.6', '--profile', 'arc'],
    arc: true,
    quick: true,
  },

  // Functional criteria.
  {
    name: 'slow-intervals',
    criterion: 'All sync intervals optimized (3s, 3s/3s, 5s)',
    sandboxArgs: [],
    env: { GITOPS_INTERVAL: '10m', GITOPS_IMAGE_INTERVAL: '10m' },
    quick: true,
    expect: { test: PHASE.intervals, message: /spec\.interval is 10m, expected at most 3s.*budget .* cannot hold/ },
  },
  {
    name: 'scan-error',
    criterion: 'OCI artifact push triggers detection',
    sandboxArgs: ['--fault', 'scan-error@oci-push'],
    expect: { test: PHASE.push, message: /ImageRepository .* Ready=False/ },
  },
  {
    name: 'git-push-rejected',
    criterion: 'Git update triggers deployment',
    sandboxArgs: ['--fault', 'git-push-reject'],
    expect: { test: PHASE.git, message: /rejected by the remote/ },
  },
  // Paused from the OCI push on, so it is in force before the git push: a poll already running when the push
  // lands would still finish and store the commit (a race, not a verdict).
  {
    name: 'source-paused',
    criterion: 'Git update triggers deployment',
    sandboxArgs: ['--fault', 'pause=source-controller@oci-push'],
    expect: { test: PHASE.git, message: /no change to GitRepository .*source-controller reconciling/ },
  },
  {
    name: 'kustomize-paused',
    criterion: 'Git update triggers deployment',
    sandboxArgs: ['--fault', 'pause=kustomize-controller@git-push'],
    expect: { test: PHASE.upgrade, message: /no change to Kustomization .*kustomize-controller reconciling/ },
  },
  {
    name: 'rolling-update',
    criterion: 'Recreate prevents the GPU deadlock',
    sandboxArgs: ['--fault', 'strategy=RollingUpdate'],
    quick: true,
    expect: { test: PHASE.upgrade, message: /GPU deadlock/ },
  },
  {
    name: 'corrupt-artifact',
    criterion: 'BYO download is the right version (digest verified)',
    sandboxArgs: ['--fault', 'corrupt-artifact=v0.2.0'],
    expect: { test: PHASE.upgrade, message: /new pod .*(exited|CrashLoopBackOff|restarted).*(digest|mismatch)/i },
  },
  {
    name: 'wrong-tag-logged',
    criterion: 'BYO download is the right version (pod logs another tag)',
    sandboxArgs: ['--fault', 'log-tag=v9.9.9@git-push'],
    expect: { test: PHASE.verify, message: /announces|v9\.9\.9/ },
  },
  {
    name: 'helm-upgrade-fails',
    criterion: 'the flow completes without errors',
    sandboxArgs: ['--fault', 'helm-upgrade-fail'],
    expect: { test: PHASE.upgrade, message: /UpgradeFailed|RetriesExceeded/ },
  },
  {
    name: 'registry-lost',
    criterion: 'the flow completes without errors (registry lost mid-upgrade)',
    sandboxArgs: ['--fault', 'registry-down@git-push'],
    expect: { test: PHASE.upgrade, message: /new pod .*(exited|CrashLoopBackOff|restarted)/ },
  },

  // Performance criteria: each budget, and no crash or restart.
  {
    name: 'crash-loop',
    criterion: 'no pod crashes or restarts',
    sandboxArgs: ['--fault', 'crash-on-tag=v0.2.0'],
    quick: true,
    expect: { test: PHASE.upgrade, message: /new pod .*(exited 1|CrashLoopBackOff|restarted)/ },
  },
  {
    name: 'slow-scan',
    criterion: 'budget: OCI push → detection < 7s',
    sandboxArgs: ['--fault', 'scan-delay=9s'],
    expect: {
      test: PHASE.budget('OCI push → ImageRepository detection'),
      message: /exceeded by .*scans the registry every/,
    },
  },
  // A stage slowed past its budget by a sandbox fault armed for the git push: exactly that budget's test fails.
  ...(
    [
      ['slow-git', 'git push → GitRepository sync', 'git push → sync < 5s', 'git-slow=2s'],
      [
        'slow-apply',
        'GitRepository → Kustomization apply',
        'GitRepository → Kustomization apply < 5s',
        'apply-delay=7s',
      ],
      [
        'slow-helm',
        'Kustomization → HelmRelease upgrade start',
        'Kustomization → HelmRelease upgrade start < 5s',
        'helm-delay=7s',
      ],
    ] as const
  ).map(([name, budgetName, criterion, fault]) => ({
    name,
    criterion: `budget: ${criterion}`,
    sandboxArgs: ['--fault', `${fault}@git-push`],
    expect: { test: PHASE.budget(budgetName), message: /exceeded by/ },
  })),
  {
    name: 'slow-download',
    criterion: 'budget: old pod termination → new pod Ready with models',
    sandboxArgs: ['--fault', 'slow-download=100@git-push'],
    budgets: { podReplacement: '20s' },
    expect: {
      test: PHASE.budget('old pod termination → new pod Ready with models'),
      message: /exceeded by .*downloaded its models/,
    },
  },
  {
    name: 'dependency-requeue',
    criterion:
      "budget: GitRepository → Kustomization apply, missed through a known mechanism (kustomize-controller at upstream's 30s --requeue-dependency)",
    sandboxArgs: ['--requeue-dependency', '30s'],
    intervals: { requeueDependency: '30s' },
    expect: {
      test: PHASE.budget('GitRepository → Kustomization apply'),
      message: /exceeded by .*DependencyNotReady.*--requeue-dependency \(30s/,
    },
  },
  {
    name: 'tight-end-to-end',
    criterion: 'budget: end-to-end excluding download (tightened below the healthy value)',
    sandboxArgs: [],
    budgets: { endToEnd: '5s' },
    expect: { test: PHASE.budget('end-to-end excluding model download'), message: /exceeded by/ },
  },
  {
    name: 'slow-flow',
    criterion: 'GitOps flow (git push → upgrade start) budget, each stage within its own',
    // helm-controller 4s late: apply → upgrade start stays under its 5s, the flow's sum goes over a 4s flow budget.
    sandboxArgs: ['--fault', 'helm-delay=4s@git-push'],
    budgets: { gitopsFlow: '4s' },
    expect: { test: PHASE.budget('GitOps flow (git push → HelmRelease upgrade start)'), message: /exceeded by/ },
  },

  // Reliability criteria.
  {
    name: 'controller-restart',
    criterion: 'controllers stay healthy (a restart mid-flow)',
    sandboxArgs: ['--fault', 'controller-restart=helm-controller@git-push'],
    expect: { test: PHASE.verify, message: /restart/ },
  },
  {
    name: 'late-restart',
    criterion: 'the end state stays true (a restart after the flow settled)',
    sandboxArgs: ['--fault', 'late-restart=6s'],
    expect: { test: PHASE.staysTrue, message: /Pod .*foundry.* container foundry restarted \(restartCount 1/ },
  },
  {
    name: 'arc-agent-down',
    criterion: 'Arc stays connected',
    sandboxArgs: ['--flux', '2.6', '--profile', 'arc', '--fault', 'arc-agent-down@git-push'],
    arc: true,
    expect: { test: PHASE.verify, message: /Arc agents/ },
  },
  {
    name: 'api-rate-limited',
    criterion: 'no GitHub rate limiting (the API budget spent)',
    sandboxArgs: ['--fault', 'api-rate-limit'],
    expect: { test: PHASE.verify, message: /GitHub core rate limit at .* 0 of 5000 left .*rate limited/ },
  },
  {
    name: 'github-rate-limited',
    criterion: 'no GitHub rate limiting (git host answers 429)',
    sandboxArgs: ['--fault', 'git-rate-limit@git-push'],
    expect: { test: PHASE.git, message: /GitRepository .*(429|rate limit)/i },
  },
];
