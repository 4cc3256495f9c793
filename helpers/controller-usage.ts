/**
 * The plan's "Flux controller CPU/memory" row from `metrics.k8s.io` PodMetrics: one line per controller with its
 * CPU in millicores and memory in MiB, and which expected controllers have no metrics (a metrics API that answers
 * but does not cover the controllers measures nothing). client-node keeps its quantity parser internal, so the
 * suffixes metrics-server writes are read here (Kubernetes resource.Quantity: decimal n/u/m/k/M/G, binary Ki/Mi/Gi).
 */

/** A PodMetrics item as metrics-server serves it. */
export interface PodMetricsLike {
  metadata: { name: string; labels?: Record<string, string> };
  containers: Array<{ name: string; usage: { cpu: string; memory: string } }>;
}

export interface ControllerUsage {
  controller: string;
  pod: string;
  cpuMillicores: number;
  memoryMiB: number;
}

const SUFFIX: Readonly<Record<string, number>> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
};

/** A Kubernetes quantity as a number (`250m` → 0.25, `40Mi` → 41943040); throws one line on anything else. */
export function parseQuantity(text: string): number {
  const m = /^([+-]?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)(n|u|m|k|M|G|T|Ki|Mi|Gi|Ti)?$/.exec(text.trim());
  if (!m) throw new Error(`not a Kubernetes quantity: "${text}"`);
  return Number(m[1]) * SUFFIX[m[2] ?? '']!;
}

/** The controller a pod belongs to: its `app` label (Flux's manifests), else the pod name without its hashes. */
function controllerOf(m: PodMetricsLike): string {
  return m.metadata.labels?.app ?? m.metadata.name.replace(/(-[a-z0-9]{8,10})?-[a-z0-9]{5}$/, '');
}

/** Usage per controller pod (containers summed), and the expected controllers with no metrics at all. */
export function controllerUsage(
  items: readonly PodMetricsLike[],
  expected: readonly string[],
): { rows: ControllerUsage[]; missing: string[]; lines: string[] } {
  const rows = items.map((m) => ({
    controller: controllerOf(m),
    pod: m.metadata.name,
    cpuMillicores: m.containers.reduce((n, c) => n + parseQuantity(c.usage.cpu) * 1000, 0),
    memoryMiB: m.containers.reduce((n, c) => n + parseQuantity(c.usage.memory) / 2 ** 20, 0),
  }));
  const missing = expected.filter((name) => !rows.some((r) => r.controller === name));
  const lines = rows.map(
    (r) => `${r.controller} (${r.pod}): cpu ${r.cpuMillicores.toFixed(1)}m, memory ${r.memoryMiB.toFixed(1)}Mi`,
  );
  return { rows, missing, lines };
}
