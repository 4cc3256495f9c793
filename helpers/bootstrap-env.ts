/**
 * The environment the bootstrap command runs with: PATH (with the directories of the pinned kubectl/helm in front
 * when none is installed), HOME, KUBECONFIG (a file holding only the target's context) and the variables the
 * profile lists in `bootstrap.env` — nothing else. The suite's own environment holds credentials (registry
 * password, git token, GitHub token); a bootstrap script that prints its environment must not see them.
 * A listed variable may be taken from another of the suite's variables (`bootstrap.envFrom`, e.g. GIT_TOKEN from
 * E2E_SANDBOX_GIT_TOKEN) or set to a fixed, non-secret value (`bootstrap.envValues`, e.g.
 * GITOPS_IMAGE_AUTOMATION=true): still only what the profile lists, each by name.
 */
import path from 'node:path';

/** What {@link bootstrapEnvironment} builds from. */
export interface BootstrapEnvInput {
  /** The suite's environment (only PATH, HOME and the listed names are read). */
  env: NodeJS.ProcessEnv;
  kubeconfig: string;
  /** `bootstrap.env` of the profile: names passed through when set. */
  pass: readonly string[];
  /** Directories to put before PATH (the pinned tools' directories when none is on PATH). */
  toolDirs?: readonly string[];
  /** Listed name → the suite's variable it is read from instead of its own name. */
  from?: Readonly<Record<string, string>>;
  /** Listed name → a fixed value (wins over the environment). */
  values?: Readonly<Record<string, string>>;
}

/** The exact environment of the bootstrap command. */
export function bootstrapEnvironment(input: BootstrapEnvInput): Record<string, string> {
  const { env, kubeconfig, pass, toolDirs = [], from = {}, values = {} } = input;
  const searchPath = (env.PATH ?? '').split(path.delimiter).filter(Boolean);
  const extra = toolDirs.filter((dir, i) => !searchPath.includes(dir) && toolDirs.indexOf(dir) === i);
  const result: Record<string, string> = { PATH: [...extra, ...searchPath].join(path.delimiter) };
  if (env.HOME) result.HOME = env.HOME;
  for (const name of pass) {
    const value = values[name] ?? env[from[name] ?? name];
    if (value !== undefined && !(name in result)) result[name] = value;
  }
  // Last, so a listed KUBECONFIG cannot widen the bootstrap to the suite's whole kubeconfig.
  result.KUBECONFIG = kubeconfig;
  return result;
}

/** `NAME, NAME (unset)` for logs: which listed variables the command got, never their values. */
export function describeBootstrapEnv(env: Record<string, string>, pass: readonly string[]): string {
  const given = pass.filter((name) => name in env && name !== 'KUBECONFIG');
  return ['PATH', 'HOME', 'KUBECONFIG', ...given].filter((name) => name in env).join(', ');
}
