/**
 * Health of controller Deployments (the Flux controllers, Arc's agents) from their Deployment and Pod objects:
 * "N/N healthy", which one is not and why, per-pod restart counts recorded in preflight and compared after the
 * upgrade ("controllers still healthy with restart counts unchanged").
 */

/** The parts of a Deployment this reads (raw API JSON). */
export interface DeploymentLike {
  metadata: { name: string; labels?: Record<string, string> };
  spec?: {
    replicas?: number;
    selector?: { matchLabels?: Record<string, string> };
    template?: { spec?: { containers?: Array<{ name: string; image?: string }> } };
  };
  status?: {
    readyReplicas?: number;
    availableReplicas?: number;
    conditions?: Array<{ type: string; status: string; reason?: string; message?: string }>;
  };
}

/** The parts of a Pod this reads (raw API JSON). */
export interface PodLike {
  metadata: { name: string; labels?: Record<string, string>; deletionTimestamp?: string };
  status?: {
    phase?: string;
    conditions?: Array<{ type: string; status: string }>;
    containerStatuses?: Array<{ name: string; ready?: boolean; restartCount?: number }>;
  };
}

/** One controller's Deployment and pods, judged. */
export interface ControllerHealth {
  name: string;
  found: boolean;
  desired: number;
  ready: number;
  available: boolean;
  pods: Array<{ name: string; ready: boolean; phase?: string; restarts: number }>;
  /** Container image tags, e.g. `v1.6.0` (the controller's release). */
  versions: string[];
  healthy: boolean;
  /** Why it is not healthy, in words (empty when healthy). */
  problem: string;
}

/** All expected controllers, judged, with a one-line summary. */
export interface HealthReport {
  controllers: ControllerHealth[];
  healthyCount: number;
  /** `6/6 healthy` */
  summary: string;
  /** One line per unhealthy controller. */
  problems: string[];
}

/** Restart counts keyed by `<controller>/<pod>`. */
export type RestartCounts = Record<string, number>;

/** Evaluates each expected controller; `expected` undefined means every Deployment given. */
export function controllerHealth(
  deployments: readonly DeploymentLike[],
  pods: readonly PodLike[],
  expected?: readonly string[],
): HealthReport {
  const names = expected ?? deployments.map((d) => d.metadata.name).sort();
  const controllers = names.map((name) =>
    evaluate(
      name,
      deployments.find((d) => d.metadata.name === name),
      pods,
    ),
  );
  const healthyCount = controllers.filter((c) => c.healthy).length;
  return {
    controllers,
    healthyCount,
    summary: `${healthyCount}/${controllers.length} healthy`,
    problems: controllers.filter((c) => !c.healthy).map((c) => `${c.name}: ${c.problem}`),
  };
}

function evaluate(name: string, deployment: DeploymentLike | undefined, pods: readonly PodLike[]): ControllerHealth {
  if (!deployment) {
    return {
      name,
      found: false,
      desired: 0,
      ready: 0,
      available: false,
      pods: [],
      versions: [],
      healthy: false,
      problem: 'Deployment not found',
    };
  }
  const selector = deployment.spec?.selector?.matchLabels ?? {};
  const own = pods.filter(
    (p) => !p.metadata.deletionTimestamp && Object.entries(selector).every(([k, v]) => p.metadata.labels?.[k] === v),
  );
  const podRows = own.map((p) => ({
    name: p.metadata.name,
    phase: p.status?.phase,
    ready: p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false,
    restarts: (p.status?.containerStatuses ?? []).reduce((sum, c) => sum + (c.restartCount ?? 0), 0),
  }));
  const desired = deployment.spec?.replicas ?? 1;
  const ready = deployment.status?.readyReplicas ?? 0;
  const availableCondition = deployment.status?.conditions?.find((c) => c.type === 'Available');
  const available = availableCondition?.status === 'True';
  const versions = (deployment.spec?.template?.spec?.containers ?? [])
    .map((c) => imageTag(c.image))
    .filter((t): t is string => Boolean(t));
  const readyPods = podRows.filter((p) => p.ready).length;
  const problems = [
    ...(available
      ? []
      : [
          `Available=${availableCondition?.status ?? 'absent'}${availableCondition?.reason ? ` (${availableCondition.reason})` : ''}`,
        ]),
    ...(ready >= desired ? [] : [`${ready}/${desired} replicas ready`]),
    ...(readyPods >= desired
      ? []
      : [
          `${readyPods}/${desired} pods Ready${podRows.length ? ` (${podRows.map((p) => `${p.name} ${p.phase ?? 'Unknown'}`).join(', ')})` : ''}`,
        ]),
  ];
  return {
    name,
    found: true,
    desired,
    ready,
    available,
    pods: podRows,
    versions,
    healthy: problems.length === 0,
    problem: problems.join('; '),
  };
}

/** Restart counts of every controller pod, for a later {@link restartChanges}. */
export function restartCounts(report: HealthReport): RestartCounts {
  return Object.fromEntries(report.controllers.flatMap((c) => c.pods.map((p) => [`${c.name}/${p.name}`, p.restarts])));
}

/**
 * What changed between two records: restarts that went up, and pods that were replaced (a new pod name means
 * the controller restarted even though its count starts again at 0).
 */
export function restartChanges(before: RestartCounts, after: RestartCounts): string[] {
  const changes: string[] = [];
  const controllerOf = (key: string) => key.slice(0, key.indexOf('/'));
  for (const [key, count] of Object.entries(after)) {
    const previous = before[key];
    if (previous !== undefined && count > previous)
      changes.push(
        `${key} restarted ${count - previous} time${count - previous === 1 ? '' : 's'} (${previous} → ${count})`,
      );
  }
  const beforeControllers = new Set(Object.keys(before).map(controllerOf));
  for (const key of Object.keys(after)) {
    if (before[key] === undefined && beforeControllers.has(controllerOf(key)))
      changes.push(`${key} is a new pod (the controller's pod was replaced)`);
  }
  return changes;
}

/** `ghcr.io/fluxcd/source-controller:v1.6.0@sha256:…` → `v1.6.0`. */
export function imageTag(image: string | undefined): string | undefined {
  if (!image) return undefined;
  const withoutDigest = image.split('@')[0]!;
  const colon = withoutDigest.lastIndexOf(':');
  return colon > withoutDigest.lastIndexOf('/') ? withoutDigest.slice(colon + 1) : undefined;
}
