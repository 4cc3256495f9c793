/**
 * The scheduler's filter step for one pod against the nodes, with kube-scheduler's plugin order and wording
 * (NodeUnschedulable, TaintToleration, NodeAffinity, NodeResourcesFit) and its FitError message:
 * `0/1 nodes are available: 1 Insufficient nvidia.com/gpu. preemption: 0/1 nodes are available: 1 No preemption
 * victims found for incoming pod..` — the doubled period is upstream's (the preemption reason ends in one, and
 * the FitError separator adds another).
 */
import type { KubeObject } from '../kube/types.ts';
import { isPodTerminal, podRequests } from './pod-state.ts';
import { parseQuantity } from './quantity.ts';
import type { Json } from '../kube/json.ts';

/** The filter plugins, named as kube-scheduler names them. */
export type FilterPlugin = 'NodeUnschedulable' | 'TaintToleration' | 'NodeAffinity' | 'NodeResourcesFit';

/** Why one node rejected the pod; `resolvable` is false when preemption could never help (node-level mismatch). */
interface NodeVerdict {
  plugin: FilterPlugin;
  reasons: string[];
  resolvable: boolean;
}

/**
 * The outcome for a pod: a node to bind to, or the FitError message with the plugins that rejected it (the
 * scheduler requeues the pod only on cluster events that may change those plugins' minds).
 */
export type FitResult = { node: KubeObject } | { message: string; plugins: FilterPlugin[] };

function tolerates(tolerations: Json[], taint: Json): boolean {
  return tolerations.some((t) => {
    if (t.effect && t.effect !== taint.effect) return false;
    if (t.operator === 'Exists') return !t.key || t.key === taint.key;
    return t.key === taint.key && (t.value ?? '') === (taint.value ?? '');
  });
}

function matchesExpression(labels: Record<string, string>, expr: Json): boolean {
  const value = labels[expr.key];
  const handlers: Record<string, () => boolean> = {
    In: () => value !== undefined && (expr.values ?? []).includes(value),
    NotIn: () => value === undefined || !(expr.values ?? []).includes(value),
    Exists: () => value !== undefined,
    DoesNotExist: () => value === undefined,
    Gt: () => value !== undefined && Number(value) > Number(expr.values?.[0]),
    Lt: () => value !== undefined && Number(value) < Number(expr.values?.[0]),
  };
  return handlers[expr.operator]?.() ?? false;
}

function affinityMatches(pod: KubeObject, node: KubeObject): boolean {
  const labels = node.metadata.labels ?? {};
  for (const [k, v] of Object.entries(pod.spec?.nodeSelector ?? {})) if (labels[k] !== v) return false;
  const terms: Json[] | undefined =
    pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  if (!terms?.length) return true;
  return terms.some((term) => (term.matchExpressions ?? []).every((e: Json) => matchesExpression(labels, e)));
}

/** The filter plugins in upstream order; the first that rejects a node decides its reasons. */
const FILTERS: Array<(pod: KubeObject, node: KubeObject, assigned: KubeObject[]) => NodeVerdict | undefined> = [
  (_pod, node) =>
    node.spec?.unschedulable
      ? { plugin: 'NodeUnschedulable', reasons: ['node(s) were unschedulable'], resolvable: false }
      : undefined,
  (pod, node) => {
    const tolerations: Json[] = pod.spec?.tolerations ?? [];
    const taint = (node.spec?.taints ?? []).find(
      (t: Json) => (t.effect === 'NoSchedule' || t.effect === 'NoExecute') && !tolerates(tolerations, t),
    );
    return taint
      ? {
          plugin: 'TaintToleration',
          reasons: [`node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`],
          resolvable: false,
        }
      : undefined;
  },
  (pod, node) =>
    affinityMatches(pod, node)
      ? undefined
      : { plugin: 'NodeAffinity', reasons: ["node(s) didn't match Pod's node affinity/selector"], resolvable: false },
  (pod, node, assigned) => {
    const allocatable: Record<string, string> = node.status?.allocatable ?? {};
    const reasons: string[] = [];
    if (assigned.length + 1 > parseQuantity(allocatable.pods ?? '110')) reasons.push('Too many pods');
    const wanted = podRequests(pod);
    const used: Record<string, number> = {};
    for (const p of assigned) for (const [r, v] of Object.entries(podRequests(p))) used[r] = (used[r] ?? 0) + v;
    for (const [resource, amount] of Object.entries(wanted).sort(([a], [b]) => a.localeCompare(b))) {
      if (amount <= 0) continue;
      const capacity = allocatable[resource] === undefined ? 0 : parseQuantity(allocatable[resource]);
      // A small epsilon absorbs float noise from milli-cpu sums.
      if ((used[resource] ?? 0) + amount > capacity + 1e-9) reasons.push(`Insufficient ${resource}`);
    }
    return reasons.length ? { plugin: 'NodeResourcesFit', reasons, resolvable: true } : undefined;
  },
];

/**
 * Pods that occupy a node: bound to it and not in a final phase. Terminating pods still count — their
 * containers hold the GPU until the kubelet has stopped them and the pod object is gone.
 */
export function podsOnNode(pods: KubeObject[], nodeName: string): KubeObject[] {
  return pods.filter((p) => p.spec?.nodeName === nodeName && !isPodTerminal(p));
}

/** Runs the filters over every node; returns the first feasible node or the FitError message. */
export function findNode(pod: KubeObject, nodes: KubeObject[], pods: KubeObject[]): FitResult {
  if (nodes.length === 0) return { message: 'no nodes available to schedule pods', plugins: [] };
  const verdicts: NodeVerdict[] = [];
  for (const node of nodes) {
    const assigned = podsOnNode(pods, node.metadata.name).filter((p) => p.metadata.uid !== pod.metadata.uid);
    const verdict = FILTERS.reduce<NodeVerdict | undefined>(
      (found, filter) => found ?? filter(pod, node, assigned),
      undefined,
    );
    if (!verdict) return { node };
    verdicts.push(verdict);
  }
  return {
    message: fitErrorMessage(pod, nodes.length, verdicts),
    plugins: [...new Set(verdicts.map((v) => v.plugin))],
  };
}

function histogram(reasons: string[]): string {
  const counts = new Map<string, number>();
  for (const r of reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
  return [...counts.entries()]
    .map(([r, n]) => `${n} ${r}`)
    .sort()
    .join(', ');
}

/** `FitError.Error()` plus the PostFilter (preemption) message, as kube-scheduler 1.32 words them. */
export function fitErrorMessage(pod: KubeObject, nodeCount: number, verdicts: NodeVerdict[]): string {
  let message = `0/${nodeCount} nodes are available:`;
  const reasons = histogram(verdicts.flatMap((v) => v.reasons));
  if (reasons) message += ` ${reasons}.`;
  let preemption: string;
  if (pod.spec?.preemptionPolicy === 'Never') {
    preemption = 'not eligible due to preemptionPolicy=Never.';
  } else {
    const parts = verdicts.map((v) =>
      v.resolvable ? 'No preemption victims found for incoming pod.' : 'Preemption is not helpful for scheduling.',
    );
    preemption = `0/${nodeCount} nodes are available: ${histogram(parts)}.`;
  }
  return `${message} preemption: ${preemption}`;
}
