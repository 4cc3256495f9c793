/**
 * The target profile: everything the suite needs to know about the cluster it tests (the local sandbox twin or a
 * real Azure Arc GPU cluster), validated with zod. Profiles are YAML files in `targets/`; `load.ts` interpolates
 * `${ENV}` references and validates them against this schema. Durations are Go durations in the file and
 * milliseconds after loading. Secrets never appear in a profile: fields ending in `Env` name the environment
 * variables that hold them.
 */
import { z } from 'zod';
import { PLAN_BUDGETS, type BudgetMode, type PlanBudgetId } from '../helpers/budgets.ts';
import { isGoDuration, parseDuration } from '../helpers/durations.ts';

const GO_DURATION_HINT = 'must be a Go duration such as 90s, 2m or 1m30s';
const POSITIVE_HINT = 'must be positive (a limit of zero or less would fail, or never wait, after the run has mutated)';

/** A Go duration above zero (`-5s` is a Go duration but no limit). */
const positiveGoDuration = () =>
  z
    .string()
    .refine(isGoDuration, { message: GO_DURATION_HINT, abort: true })
    .refine((text) => parseDuration(text) > 0, { message: POSITIVE_HINT });

/** A positive Go duration in the file; milliseconds after loading. */
const duration = () => positiveGoDuration().transform((text) => parseDuration(text));

const k8sName = () =>
  z
    .string()
    .max(253)
    .regex(
      /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/,
      'must be a Kubernetes object name (lowercase letters, digits, "-" and ".")',
    );

const envName = () =>
  z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name such as REGISTRY_PASSWORD');

const ociTag = () => z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/, 'must be an OCI tag such as v0.2.0');

const hostPort = z
  .string()
  .regex(
    /^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?(:\d{1,5})?$/,
    'must be host[:port] without a scheme, e.g. foundryoci.azurecr.io or 127.0.0.1:5000',
  );

const gitRemote = z
  .string()
  .regex(
    /^((https?|ssh|git|file):\/\/\S+|[\w.-]+@[\w.-]+:\S+)$/,
    'must be a git URL such as https://github.com/org/repo.git',
  )
  .refine((url) => !/^[a-z]+:\/\/[^/@]*:[^/@]*@/i.test(url), {
    message: 'must not contain credentials; name them with usernameEnv/tokenEnv',
  });

/** The default budgets as the file would write them, so defaults and overrides go through the same transform. */
const budgetSchema = (id: PlanBudgetId) => {
  const plan = PLAN_BUDGETS.find((b) => b.id === id)!;
  return z
    .preprocess(
      (value) => (typeof value === 'string' ? { limit: value } : value),
      z.strictObject({
        limit: positiveGoDuration().describe('Go duration'),
        mode: z
          .enum(['assert', 'report'])
          .optional()
          .describe('assert fails the run when exceeded; report only measures'),
      }),
    )
    .transform(({ limit, mode }) => ({ limit, limitMs: parseDuration(limit), mode: (mode ?? plan.mode) as BudgetMode }))
    .prefault({ limit: plan.defaultLimit })
    .describe(`${plan.name}: a Go duration or {limit, mode}; default ${plan.defaultLimit} (${plan.mode})`);
};

const budgets = z
  .strictObject(
    Object.fromEntries(PLAN_BUDGETS.map((b) => [b.id, budgetSchema(b.id)])) as Record<
      PlanBudgetId,
      ReturnType<typeof budgetSchema>
    >,
  )
  .prefault({})
  .describe(
    "The plan's seven timing budgets (plus policyToAutomationCommit in automation mode); each may be overridden",
  );

/** The schema of a target profile file. */
export const targetSchema = z
  .strictObject({
    name: z.string().min(1).describe('Short name shown in reports (usually the file name)'),
    description: z.string().default('').describe('One sentence on what this target is'),
    kubeconfig: z
      .string()
      .min(1)
      .optional()
      .describe('Path of the kubeconfig; default $KUBECONFIG, then ~/.kube/config'),
    context: z.string().min(1).optional().describe("kube context to use; default the kubeconfig's current context"),
    safety: z
      .strictObject({
        allowMutations: z
          .boolean()
          .default(false)
          .describe('Allow git push, registry push/delete and bootstrap on this target'),
        allowedContexts: z
          .array(z.string().min(1))
          .default([])
          .describe('Mutations happen only when the current context is one of these'),
      })
      .prefault({})
      .describe('Guards against mutating the wrong cluster'),
    namespaces: z
      .strictObject({
        app: k8sName().default('foundry-system').describe('Namespace of the HelmRelease and the foundry pods'),
        flux: k8sName()
          .default('flux-system')
          .describe('Namespace of the Flux controllers and the Flux source/image objects'),
      })
      .prefault({}),
    objects: z
      .strictObject({
        gitRepository: k8sName().describe('GitRepository name (Arc: the configuration name)'),
        kustomizations: z
          .array(k8sName())
          .min(1)
          .describe('Kustomization names in dependency order (Arc: <config>-<name>)'),
        helmRelease: k8sName().describe('HelmRelease name, in namespaces.app'),
        imageRepository: k8sName().describe('ImageRepository name, in namespaces.flux'),
        imagePolicy: k8sName().describe('ImagePolicy name, in namespaces.flux'),
        imageUpdateAutomation: k8sName()
          .optional()
          .describe('ImageUpdateAutomation name; required for mode automation'),
        podSelector: z
          .string()
          .min(1)
          .default('app.kubernetes.io/component=foundry')
          .describe('Label selector of the foundry pods'),
        container: z.string().min(1).default('foundry').describe('Container name for logs and exec'),
      })
      .describe('Names of the Flux objects and the workload'),
    registry: z
      .strictObject({
        host: hostPort.describe('Registry host[:port]'),
        repository: z
          .string()
          .regex(/^[a-z0-9]+([._/-][a-z0-9]+)*$/, 'must be an OCI repository name such as foundry-local-olive-models')
          .describe('Repository of the model artifacts'),
        plainHttp: z.boolean().default(false).describe('Talk HTTP instead of HTTPS (oras --plain-http)'),
        usernameEnv: envName().optional().describe('Env var holding the registry user name'),
        passwordEnv: envName().optional().describe('Env var holding the registry password or token (a secret)'),
        artifactType: z.string().default('foundry/models').describe('OCI artifactType of the pushed manifest'),
        mediaType: z.string().default('application/gzip').describe('Media type of the models layer'),
        fileName: z
          .string()
          .default('models.tar.gz')
          .describe('File name of the models layer (org.opencontainers.image.title)'),
      })
      .describe('The OCI registry the models are pushed to and Flux scans'),
    artifacts: z.record(ociTag(), z.string().min(1)).optional().describe('Tag → local models.tar.gz path'),
    artifactsDir: z.string().min(1).optional().describe('Directory laid out as <dir>/<tag>/<registry.fileName>'),
    tags: z
      .strictObject({
        from: ociTag().default('v0.1.0').describe('Tag deployed first'),
        to: ociTag().default('v0.2.0').describe('Tag the upgrade pushes and deploys'),
      })
      .prefault({}),
    git: z
      .strictObject({
        remote: gitRemote.describe('Clone URL of the GitOps repository (no credentials)'),
        branch: z.string().min(1).default('main').describe('Branch Flux follows'),
        usernameEnv: envName()
          .optional()
          .describe('Env var holding the git user name (default x-access-token with a token)'),
        tokenEnv: envName().optional().describe('Env var holding the git token or password (a secret)'),
        file: z.string().min(1).default('apps/foundry-gpu-oras/helmrelease.yaml').describe('File carrying the tag'),
        yamlPath: z.string().min(1).default('spec.values.foundry.byo.tag').describe('Path of the tag inside that file'),
        authorName: z.string().min(1).default('gitops-e2e').describe('Commit author name'),
        authorEmail: z
          .string()
          .regex(/^[^\s@]+@[^\s@]+$/, 'must be an e-mail address')
          .default('gitops-e2e@users.noreply.github.com')
          .describe('Commit author e-mail'),
      })
      .describe('The GitOps repository'),
    bootstrap: z
      .strictObject({
        command: z
          .string()
          .min(1)
          .default('bash scripts/gitops-config.sh')
          .describe('Run from a fresh clone with a minimal environment: PATH, HOME, KUBECONFIG and bootstrap.env'),
        timeout: duration().default(parseDuration('5m')).describe('Go duration'),
        env: z
          .array(envName())
          .default([])
          .describe(
            "Environment variables passed from the suite's environment to the command; it gets only these plus PATH, HOME and KUBECONFIG (never the suite's credentials unless listed here)",
          ),
        envFrom: z
          .record(envName(), envName())
          .default({})
          .describe(
            "A listed variable read from another of the suite's variables, e.g. GIT_TOKEN: E2E_SANDBOX_GIT_TOKEN (each key must be listed in env)",
          ),
        envValues: z
          .record(envName(), z.string())
          .default({})
          .describe(
            'A listed variable set to a fixed, non-secret value, e.g. GITOPS_IMAGE_AUTOMATION: "true" (each key must be listed in env)',
          ),
      })
      .prefault({})
      .describe('How the initial deployment is created'),
    pod: z
      .strictObject({
        logPattern: z
          .string()
          .includes('{tag}', { message: 'must contain {tag}' })
          .default('🏷️ Tag: {tag}')
          .describe('Log line proving the running tag'),
        modelCacheDir: z
          .string()
          .min(1)
          .default('/home/foundry/.foundry/cache/models/')
          .describe('Directory listed with exec to see the models'),
        expectedNewModels: z.array(z.string().min(1)).default(['llama-3.2']).describe('Models the to-tag adds'),
      })
      .prefault({}),
    controllers: z
      .strictObject({
        expected: z
          .array(k8sName())
          .min(1)
          .default([
            'source-controller',
            'kustomize-controller',
            'helm-controller',
            'notification-controller',
            'image-reflector-controller',
            'image-automation-controller',
          ])
          .describe('Deployments in namespaces.flux that must be healthy'),
        arc: z
          .strictObject({
            namespace: k8sName().default('azure-arc').describe('Namespace of the Arc agents'),
            required: z.boolean().default(false).describe('Fail preflight when the Arc agents are not running'),
          })
          .optional(),
      })
      .prefault({}),
    budgets,
    intervals: z
      .strictObject({
        gitRepository: duration().default(parseDuration('3s')).describe('GitRepository spec.interval, at most'),
        kustomization: duration().default(parseDuration('3s')).describe('Kustomization spec.interval, at most'),
        kustomizationRetry: duration()
          .default(parseDuration('3s'))
          .describe('Kustomization spec.retryInterval (defaults to spec.interval), at most'),
        imageRepository: duration().default(parseDuration('5s')).describe('ImageRepository spec.interval, at most'),
        helmRelease: duration().optional().describe('HelmRelease spec.interval, at most (recorded only when unset)'),
        requeueDependency: duration()
          .default(parseDuration('30s'))
          .describe(
            'kustomize-controller --requeue-dependency the cluster runs (upstream default 30s): how long a dependant waits after DependencyNotReady',
          ),
      })
      .prefault({})
      .describe(
        'The plan\'s "sync intervals optimized" criterion: live intervals must not exceed these (Go durations)',
      ),
    timeouts: z
      .strictObject({
        preflight: duration()
          .default(parseDuration('2m'))
          .describe('Phase 00: tools, API, Flux, registry and git checks'),
        initialDeploy: duration()
          .default(parseDuration('10m'))
          .describe('Phase 01: bootstrap until the from-tag pod is Ready'),
        ociPush: duration().default(parseDuration('2m')).describe('Phase 02: push and registry detection'),
        gitUpdate: duration().default(parseDuration('2m')).describe('Phase 03: tag edit, push and GitRepository sync'),
        upgrade: duration().default(parseDuration('15m')).describe('Phase 04: apply, Helm upgrade and pod replacement'),
        verify: duration().default(parseDuration('5m')).describe('Phase 05: to-tag checks in the new pod'),
        rollback: duration().default(parseDuration('15m')).describe('Phase 06: back to the from-tag'),
        deadlockGrace: duration()
          .default(parseDuration('30s'))
          .describe(
            'How long a new pod may stay unschedulable while the old one runs before the run fails as a GPU deadlock',
          ),
      })
      .prefault({})
      .describe('Per-phase time limits (Go durations)'),
    mode: z
      .enum(['manual', 'automation'])
      .default('manual')
      .describe('manual: the suite edits the tag in git; automation: ImageUpdateAutomation does'),
    rollbackBy: z
      .enum(['git', 'registry'], {
        error: (issue) =>
          `must be git (push the from-tag commit; in automation mode with the ImageUpdateAutomation suspended meanwhile) or registry (delete the to-tag and let the automation commit the from-tag; automation mode), not ${JSON.stringify(issue.input)}`,
      })
      .default('git')
      .describe(
        'How the rollback goes back to the from-tag: git (the suite pushes the from-tag commit; in automation mode the ImageUpdateAutomation is suspended from before the push until the to-tag is gone, then resumed and seen to commit nothing) or registry (the to-tag is deleted and the ImageUpdateAutomation commits the from-tag; automation mode)',
      ),
    automationCommit: z
      .strictObject({
        authorName: z.string().min(1, 'must not be empty').describe('spec.git.commit.author.name'),
        authorEmail: z.string().min(1, 'must not be empty').describe('spec.git.commit.author.email'),
        messageTemplate: z
          .string()
          .min(1, 'must not be empty')
          .describe('spec.git.commit.messageTemplate (matched up to its first {{)'),
      })
      .optional()
      .describe(
        "Automation mode: how the ImageUpdateAutomation signs its commits (checked against the live object in phase 03). Lets preflight recognise a commit it made for an interrupted run of this suite (the to-tag that run pushed, setter marker kept) and restore it; without it such a commit is left alone as someone else's",
      ),
    rollback: z.boolean().default(true).describe('Run the rollback phase'),
    staysTrue: z
      .string()
      .refine(isGoDuration, { message: GO_DURATION_HINT, abort: true })
      .refine((text) => parseDuration(text) >= 0, { message: 'must be 0s (no window) or positive' })
      .transform((text) => parseDuration(text))
      .default(parseDuration('30s'))
      .describe(
        'After the upgrade (phase 05) and after the rollback (06): how long nothing may move — no new release, ReplicaSet, pod, restart, commit, ImagePolicy tag, applied revision or Warning event (0s: no window)',
      ),
    github: z
      .strictObject({
        tokenEnv: envName().describe('Env var holding a GitHub token (a secret)'),
        apiUrl: z
          .string()
          .regex(
            /^https?:\/\/\S+[^/]$/,
            'must be an http(s) URL without a trailing slash, e.g. https://api.github.com or https://ghe.example.com/api/v3',
          )
          .default('https://api.github.com')
          .describe(
            'GitHub REST API base URL (GET <apiUrl>/rate_limit); GitHub Enterprise Server: https://HOST/api/v3',
          ),
      })
      .optional()
      .describe('Record the GitHub REST rate limit before and after the run; after it, none may be left spent'),
    sandbox: z
      .strictObject({ args: z.array(z.string()).default([]).describe('Extra `gitops-sandbox up` arguments') })
      .optional()
      .describe('Present only for the sandbox: global setup starts it'),
  })
  .superRefine((t, ctx) => {
    if (t.mode === 'automation' && !t.objects.imageUpdateAutomation) {
      ctx.addIssue({
        code: 'custom',
        path: ['objects', 'imageUpdateAutomation'],
        message: 'Required when mode is automation',
      });
    }
    if (t.mode === 'manual' && t.rollbackBy === 'registry') {
      ctx.addIssue({
        code: 'custom',
        path: ['rollbackBy'],
        message: 'registry needs mode automation (nothing would commit the from-tag); use git',
      });
    }
    for (const field of ['envFrom', 'envValues'] as const) {
      for (const name of Object.keys(t.bootstrap[field])) {
        if (!t.bootstrap.env.includes(name))
          ctx.addIssue({
            code: 'custom',
            path: ['bootstrap', field, name],
            message: `must also be listed in bootstrap.env (the bootstrap sees only what env lists)`,
          });
      }
    }
    if (!t.artifacts && !t.artifactsDir) {
      ctx.addIssue({
        code: 'custom',
        path: ['artifactsDir'],
        message: 'Required (or artifacts): where the to-tag models.tar.gz comes from',
      });
    }
    if (t.artifacts && !t.artifactsDir && !t.artifacts[t.tags.to]) {
      ctx.addIssue({
        code: 'custom',
        path: ['artifacts', t.tags.to],
        message: `Required: no artifact for the to-tag ${t.tags.to}`,
      });
    }
    if (t.tags.from === t.tags.to)
      ctx.addIssue({ code: 'custom', path: ['tags', 'to'], message: 'must differ from tags.from' });
    if (t.safety.allowMutations && t.safety.allowedContexts.length === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['safety', 'allowedContexts'],
        message: 'must list at least one context when allowMutations is true',
      });
    }
  });

/** A validated profile (durations in ms, defaults filled). */
export type Target = z.output<typeof targetSchema>;

/** A profile as written in the YAML file. */
export type TargetInput = z.input<typeof targetSchema>;
