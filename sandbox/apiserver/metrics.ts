/**
 * `metrics.k8s.io/v1beta1`, as metrics-server serves it through the aggregation layer: PodMetrics and NodeMetrics,
 * listed in discovery like any group (so `kubectl top` and the suite find it the same way they would on a real
 * cluster), computed at request time rather than stored. The values move with the emulated work: a container's
 * CPU is a baseline plus a cost per object change its controller wrote within the metrics window (the journal's
 * entries, attributed by kind), its memory a baseline plus a share per object its controller holds in cache. A
 * node's usage is the sum of its pods plus the system's own. Shapes follow metrics-server v0.7
 * (pkg/api/types.go: `timestamp`, `window`, `containers[].usage` / `usage` with `cpu` in `n`, `memory` in `Ki`).
 */
import type { KubeObject } from '../kube/types.ts';
import type { ResourceRegistry, ResourceType } from './resources.ts';
import type { JsonObject as Json } from '../kube/json.ts';

export const METRICS_GROUP = 'metrics.k8s.io';
export const METRICS_VERSION = 'v1beta1';
/** metrics-server's default resolution: usage is averaged over this window. */
export const METRICS_WINDOW_MS = 15_000;

/** Which controller reconciles a kind: its object changes count as that controller's work. */
const WORK_OF_KIND: Readonly<Record<string, string>> = {
  GitRepository: 'source-controller',
  OCIRepository: 'source-controller',
  HelmRepository: 'source-controller',
  HelmChart: 'source-controller',
  Bucket: 'source-controller',
  Kustomization: 'kustomize-controller',
  HelmRelease: 'helm-controller',
  ImageRepository: 'image-reflector-controller',
  ImagePolicy: 'image-reflector-controller',
  ImageUpdateAutomation: 'image-automation-controller',
  Alert: 'notification-controller',
  Provider: 'notification-controller',
  Receiver: 'notification-controller',
};

/** CPU and memory model (nanocores, bytes); exported so tests state expectations in the same terms. */
export const USAGE_MODEL = {
  baseCpuNanocores: 2_000_000,
  cpuNanocoresPerChange: 4_000_000,
  baseMemoryBytes: 40 * 1024 * 1024,
  memoryBytesPerObject: 256 * 1024,
  systemCpuNanocores: 150_000_000,
  systemMemoryBytes: 900 * 1024 * 1024,
} as const;

/** Where the metrics come from: the pods and nodes of the store, the object changes of the journal. */
export interface MetricsSource {
  pods(namespace: string | undefined, labelSelector: string | undefined): KubeObject[];
  nodes(): KubeObject[];
  /** How many objects of these kinds exist (what a controller caches). */
  countKinds(kinds: readonly string[]): number;
  now(): number;
}

/** The two resources, registered so discovery lists them (get/list only, like metrics-server). */
export function registerMetricsTypes(registry: ResourceRegistry): void {
  const type = (kind: string, plural: string, namespaced: boolean): ResourceType => ({
    group: METRICS_GROUP,
    kind,
    listKind: `${kind}List`,
    plural,
    singular: '',
    namespaced,
    shortNames: [],
    categories: [],
    versions: [{ name: METRICS_VERSION, served: true, storage: true }],
    verbs: ['get', 'list'],
    status: false,
    extraSubresources: [],
    generation: false,
    createOnUpdate: false,
  });
  registry.add(type('PodMetrics', 'pods', true));
  registry.add(type('NodeMetrics', 'nodes', false));
}

/** Computes PodMetrics/NodeMetrics from the emulated work. */
export class MetricsApi {
  readonly #source: MetricsSource;
  /** Change times per controller, newest last; trimmed to the window. */
  readonly #changes = new Map<string, number[]>();

  constructor(source: MetricsSource) {
    this.#source = source;
  }

  /** Feed one committed object change (the journal's `entry` event). */
  observe(entry: { ts: number; kind: string }): void {
    const controller = WORK_OF_KIND[entry.kind];
    if (!controller) return;
    const list = this.#changes.get(controller) ?? [];
    list.push(entry.ts);
    this.#changes.set(controller, list);
  }

  /**
   * Serves `/apis/metrics.k8s.io/v1beta1/...` (segments after the version): `pods`, `namespaces/NS/pods[/NAME]`,
   * `nodes[/NAME]`. Returns the status code and body (a Status for errors).
   */
  handle(rest: readonly string[], query: URLSearchParams): { code: number; body: Json } {
    const selector = query.get('labelSelector') ?? undefined;
    const podMetrics = (pod: KubeObject) => this.podMetrics(pod);
    if (rest[0] === 'pods' && rest.length === 1)
      return this.#listOrOne('PodMetricsList', 'pods', this.#source.pods(undefined, selector), undefined, podMetrics);
    if (rest[0] === 'namespaces' && rest[2] === 'pods' && (rest.length === 3 || rest.length === 4))
      return this.#listOrOne('PodMetricsList', 'pods', this.#source.pods(rest[1], selector), rest[3], podMetrics);
    if (rest[0] === 'nodes' && (rest.length === 1 || rest.length === 2))
      return this.#listOrOne('NodeMetricsList', 'nodes', this.#source.nodes(), rest[1], (node) =>
        this.nodeMetrics(node),
      );
    return { code: 404, body: status(404, 'NotFound', 'the server could not find the requested resource') };
  }

  /** All the objects' metrics as a list (no `name`), or the named one's (a NotFound Status when it is missing). */
  #listOrOne(
    listKind: string,
    resource: string,
    objects: KubeObject[],
    name: string | undefined,
    metricsOf: (obj: KubeObject) => Json,
  ): { code: number; body: Json } {
    if (name === undefined) return ok(this.#list(listKind, objects.map(metricsOf)));
    const found = objects.find((obj) => obj.metadata.name === name);
    return found ? ok(metricsOf(found)) : notFound(resource, name);
  }

  /** One pod's usage, per container. Pods that are not running have no metrics (metrics-server skips them). */
  podMetrics(pod: KubeObject): Json {
    const controller = String(pod.metadata.labels?.app ?? pod.metadata.labels?.['app.kubernetes.io/name'] ?? '');
    const containers = ((pod.spec?.containers ?? []) as Array<{ name: string }>).map((c, i) => ({
      name: c.name,
      usage: i === 0 ? this.#usage(controller) : formatUsage(USAGE_MODEL.baseCpuNanocores, USAGE_MODEL.baseMemoryBytes),
    }));
    return {
      kind: 'PodMetrics',
      apiVersion: `${METRICS_GROUP}/${METRICS_VERSION}`,
      metadata: {
        name: pod.metadata.name,
        namespace: pod.metadata.namespace,
        creationTimestamp: new Date(this.#source.now()).toISOString(),
        ...(pod.metadata.labels ? { labels: pod.metadata.labels } : {}),
      },
      timestamp: new Date(this.#source.now()).toISOString(),
      window: `${METRICS_WINDOW_MS / 1000}s`,
      containers,
    };
  }

  /** A node's usage: the system's own plus every running pod on it. */
  nodeMetrics(node: KubeObject): Json {
    const pods = this.#source.pods(undefined, undefined).filter((p) => p.spec?.nodeName === node.metadata.name);
    let cpu = USAGE_MODEL.systemCpuNanocores;
    let memory = USAGE_MODEL.systemMemoryBytes;
    for (const p of pods) {
      const u = this.#raw(String(p.metadata.labels?.app ?? ''));
      cpu += u.cpu;
      memory += u.memory;
    }
    return {
      kind: 'NodeMetrics',
      apiVersion: `${METRICS_GROUP}/${METRICS_VERSION}`,
      metadata: {
        name: node.metadata.name,
        creationTimestamp: new Date(this.#source.now()).toISOString(),
        ...(node.metadata.labels ? { labels: node.metadata.labels } : {}),
      },
      timestamp: new Date(this.#source.now()).toISOString(),
      window: `${METRICS_WINDOW_MS / 1000}s`,
      usage: formatUsage(cpu, memory),
    };
  }

  #raw(controller: string): { cpu: number; memory: number } {
    const since = this.#source.now() - METRICS_WINDOW_MS;
    const recent = (this.#changes.get(controller) ?? []).filter((t) => t > since);
    this.#changes.set(controller, recent);
    const kinds = Object.entries(WORK_OF_KIND)
      .filter(([, c]) => c === controller)
      .map(([k]) => k);
    return {
      cpu: USAGE_MODEL.baseCpuNanocores + recent.length * USAGE_MODEL.cpuNanocoresPerChange,
      memory:
        USAGE_MODEL.baseMemoryBytes +
        (kinds.length ? this.#source.countKinds(kinds) : 0) * USAGE_MODEL.memoryBytesPerObject,
    };
  }

  #usage(controller: string): { cpu: string; memory: string } {
    const u = this.#raw(controller);
    return formatUsage(u.cpu, u.memory);
  }

  #list(kind: string, items: Json[]): Json {
    return { kind, apiVersion: `${METRICS_GROUP}/${METRICS_VERSION}`, metadata: {}, items };
  }
}

/** `{cpu: "6000000n", memory: "41984Ki"}`, the quantities metrics-server writes. */
export function formatUsage(cpuNanocores: number, memoryBytes: number): { cpu: string; memory: string } {
  return { cpu: `${Math.round(cpuNanocores)}n`, memory: `${Math.round(memoryBytes / 1024)}Ki` };
}

/** Only running pods have usage. */
export function runningPods(pods: KubeObject[]): KubeObject[] {
  return pods.filter((p) => p.status?.phase === 'Running' && !p.metadata.deletionTimestamp);
}

function ok(body: Json): { code: number; body: Json } {
  return { code: 200, body };
}

function notFound(resource: string, name: string): { code: number; body: Json } {
  return { code: 404, body: status(404, 'NotFound', `${resource}.${METRICS_GROUP} "${name}" not found`) };
}

function status(code: number, reason: string, message: string): Json {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
}
