/**
 * A container's environment as the kubelet builds it at container start (kubelet_pods.go
 * `makeEnvironmentVariables`): the `kubernetes` service-link variables, `envFrom` ConfigMaps/Secrets (with
 * prefix), then `env` entries with `$(VAR)` expansion and `valueFrom` (fieldRef, resourceFieldRef,
 * configMapKeyRef, secretKeyRef) resolved through the API. A missing non-optional source is the kubelet's
 * `CreateContainerConfigError`, worded like upstream. `envResolver(kube)` offers the same values to exec.
 */
import type { Kube, KubeObject } from '../kube/types.ts';
import type { Json } from '../kube/json.ts';

/** The container cannot be configured yet (`CreateContainerConfigError`); the kubelet retries later. */
export class ContainerConfigError extends Error {
  override readonly name = 'ContainerConfigError';
}

/** The `kubernetes` Service's variables every pod gets with enableServiceLinks (the default). */
const SERVICE_LINKS: Record<string, string> = {
  KUBERNETES_SERVICE_HOST: '10.96.0.1',
  KUBERNETES_SERVICE_PORT: '443',
  KUBERNETES_SERVICE_PORT_HTTPS: '443',
  KUBERNETES_PORT: 'tcp://10.96.0.1:443',
  KUBERNETES_PORT_443_TCP: 'tcp://10.96.0.1:443',
  KUBERNETES_PORT_443_TCP_PROTO: 'tcp',
  KUBERNETES_PORT_443_TCP_PORT: '443',
  KUBERNETES_PORT_443_TCP_ADDR: '10.96.0.1',
};

const KIND_WORD: Record<'ConfigMap' | 'Secret', string> = { ConfigMap: 'configmap', Secret: 'secret' };

/** Reads a ConfigMap's or Secret's data as text (Secrets are base64 in `data`). */
function sourceData(
  kube: Kube,
  kind: 'ConfigMap' | 'Secret',
  namespace: string,
  name: string,
): Record<string, string> | undefined {
  const obj = kube.get({ apiVersion: 'v1', kind, namespace, name });
  if (!obj) return undefined;
  const data = (obj.data as Record<string, string> | undefined) ?? {};
  if (kind === 'ConfigMap') return { ...data };
  return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]));
}

/** Field paths `fieldRef` may name, as the downward API allows them. */
const FIELD_REFS: Record<string, (pod: KubeObject) => string | undefined> = {
  'metadata.name': (p) => p.metadata.name,
  'metadata.namespace': (p) => p.metadata.namespace,
  'metadata.uid': (p) => p.metadata.uid,
  'spec.nodeName': (p) => p.spec?.nodeName,
  'spec.serviceAccountName': (p) => p.spec?.serviceAccountName,
  'status.hostIP': (p) => p.status?.hostIP,
  'status.hostIPs': (p) => (p.status?.hostIPs ?? []).map((x: Json) => x.ip).join(','),
  'status.podIP': (p) => p.status?.podIP,
  'status.podIPs': (p) => (p.status?.podIPs ?? []).map((x: Json) => x.ip).join(','),
};

function fieldRef(pod: KubeObject, path: string): string {
  const m = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(path);
  if (m) return (pod.metadata[m[1] as 'labels' | 'annotations'] ?? {})[m[2]!] ?? '';
  return FIELD_REFS[path]?.(pod) ?? '';
}

function resourceField(container: Json, ref: Json): string {
  const [section, resource] = String(ref.resource).split('.') as [string, string];
  const value = container.resources?.[section === 'limits' ? 'limits' : 'requests']?.[resource];
  return value === undefined ? '0' : String(value);
}

/** `$(VAR)` expansion against what is defined so far; `$$` escapes; unknown references stay as written. */
function expand(value: string, env: Record<string, string>): string {
  return value.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (match, name: string | undefined) => {
    if (name === undefined) return '$';
    return Object.hasOwn(env, name) ? env[name]! : match;
  });
}

/** The ConfigMap or Secret a reference names (`configMapRef`/`secretRef`, `configMapKeyRef`/`secretKeyRef`). */
function pick(configMap: Json, secret: Json): ['ConfigMap' | 'Secret', Json] {
  return configMap ? ['ConfigMap', configMap] : ['Secret', secret];
}

/**
 * The environment of the container spec `container` in `pod`. `HOSTNAME` is the pod's hostname, as the
 * runtime sets it. Throws ContainerConfigError for a missing ConfigMap/Secret/key that is not optional.
 */
export function resolveContainerEnv(kube: Kube, pod: KubeObject, container: Json): Record<string, string> {
  const namespace = pod.metadata.namespace ?? 'default';
  const env: Record<string, string> = {
    PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    HOSTNAME: String(pod.spec?.hostname ?? pod.metadata.name).slice(0, 63),
  };
  if (pod.spec?.enableServiceLinks !== false) Object.assign(env, SERVICE_LINKS);
  for (const from of container.envFrom ?? []) {
    const [kind, ref] = pick(from.configMapRef, from.secretRef);
    if (!ref) continue;
    const data = sourceData(kube, kind, namespace, ref.name);
    if (!data) {
      if (ref.optional) continue;
      throw new ContainerConfigError(`${KIND_WORD[kind]} "${ref.name}" not found`);
    }
    for (const [k, v] of Object.entries(data)) env[`${from.prefix ?? ''}${k}`] = v;
  }
  for (const e of container.env ?? []) {
    const vf = e.valueFrom;
    if (!vf) {
      env[e.name] = expand(String(e.value ?? ''), env);
    } else if (vf.fieldRef) {
      env[e.name] = fieldRef(pod, vf.fieldRef.fieldPath);
    } else if (vf.resourceFieldRef) {
      env[e.name] = resourceField(container, vf.resourceFieldRef);
    } else {
      const [kind, ref] = pick(vf.configMapKeyRef, vf.secretKeyRef);
      if (!ref) continue;
      const data = sourceData(kube, kind, namespace, ref.name);
      if (!data || !(ref.key in data)) {
        if (ref.optional) continue;
        throw new ContainerConfigError(
          data
            ? `couldn't find key ${ref.key} in ${kind} ${namespace}/${ref.name}`
            : `${KIND_WORD[kind]} "${ref.name}" not found`,
        );
      }
      env[e.name] = data[ref.key]!;
    }
  }
  return env;
}

/**
 * An exec environment resolver (the `EnvResolver` shape of container-env.ts): the container's resolved
 * `envFrom`/`valueFrom` values, or nothing when they cannot be resolved right now. `kube` may be a getter,
 * so the resolver can be handed to `new ApiServer({exec: {env}})` before its in-process client exists.
 */
export function envResolver(kube: Kube | (() => Kube)): (pod: KubeObject, container: string) => Record<string, string> {
  return (pod, name) => {
    const spec = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])].find(
      (c: Json) => c.name === name,
    );
    if (!spec) return {};
    try {
      return resolveContainerEnv(typeof kube === 'function' ? kube() : kube, pod, spec);
    } catch {
      return {};
    }
  };
}
