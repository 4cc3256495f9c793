/**
 * The environment a process exec'ed into a container sees, assembled the way a container runtime does:
 * PATH and HOSTNAME first, the pod spec's `env` (with `$(VAR)` references expanded), service variables,
 * and HOME from the container's user when nothing set it.
 */
import type { KubeObject } from '../kube/types.ts';
import { DEFAULT_PATH } from './commands/command-io.ts';
import { containerIdentity } from './container-identity.ts';
import { podHostname } from './podfs.ts';

/** Resolves what plain values cannot say (`valueFrom` secrets, config maps, fields), for one container. */
export type EnvResolver = (pod: KubeObject, container: string) => Record<string, string>;

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: unknown;
}

/**
 * The environment of `container` in `pod`. `extra` (from an EnvResolver) adds or overrides variables, e.g.
 * the resolved `valueFrom` entries; `tty` adds `TERM=xterm` as kubectl exec -t gets.
 */
export function containerEnv(
  pod: KubeObject,
  container: string,
  options: { extra?: Record<string, string>; tty?: boolean } = {},
): Record<string, string> {
  const spec = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])].find(
    (c: { name: string }) => c.name === container,
  );
  const env: Record<string, string> = { PATH: DEFAULT_PATH, HOSTNAME: podHostname(pod) };
  if (options.tty) env.TERM = 'xterm';
  for (const v of (spec?.env ?? []) as EnvVar[]) {
    if (v.value !== undefined) env[v.name] = expandReferences(v.value, env);
    else if (v.valueFrom === undefined) env[v.name] = '';
  }
  Object.assign(env, options.extra ?? {});
  env.KUBERNETES_SERVICE_HOST ??= '10.96.0.1';
  env.KUBERNETES_SERVICE_PORT ??= '443';
  env.KUBERNETES_PORT ??= 'tcp://10.96.0.1:443';
  env.HOME ??= containerIdentity(pod, container).home;
  return env;
}

/** Kubernetes' `$(VAR)` expansion in env values: earlier variables only; `$$` escapes; unknown references stay. */
function expandReferences(value: string, env: Record<string, string>): string {
  return value.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (all, name?: string) => {
    if (name === undefined) return '$';
    return Object.hasOwn(env, name) ? env[name] : all;
  });
}
