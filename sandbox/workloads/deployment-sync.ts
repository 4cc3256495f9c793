/**
 * One reconcile pass of one Deployment (pkg/controller/deployment/sync.go): finds the new and old ReplicaSets,
 * creates the new one as `<deployment>-<pod-template-hash>` with its revision annotations, scales ReplicaSets
 * with `ScalingReplicaSet` events, cleans up history, and writes the status. The strategies
 * (deployment-strategies.ts) drive it. All reads are fresh from the in-process API, so there is no stale cache
 * and no expectations bookkeeping.
 */
import type { Clock } from '../kube/clock.ts';
import type { EventRecorder } from '../kube/events.ts';
import { isApiError, type Kube, type KubeObject } from '../kube/types.ts';
import { REASONS, getCondition, newCondition, setCondition } from './deployment-conditions.ts';
import { calculateStatus, hasProgressDeadline, rolloutStatus, type ProgressStamps } from './deployment-status.ts';
import { defaultPodSpec } from './defaults.ts';
import { controllerOf, controllerRef } from './pod-state.ts';
import { desiredReplicas, maxSurge, newReplicaSetReplicas, specReplicas } from './rollout-math.ts';
import { POD_TEMPLATE_HASH_LABEL, canonicalJson, computeTemplateHash } from './template-hash.ts';
import type { Json } from '../kube/json.ts';

const SOURCE = { component: 'deployment-controller' };

/** Deployment annotations the controller owns. */
export const ANNOTATIONS = {
  revision: 'deployment.kubernetes.io/revision',
  revisionHistory: 'deployment.kubernetes.io/revision-history',
  desiredReplicas: 'deployment.kubernetes.io/desired-replicas',
  maxReplicas: 'deployment.kubernetes.io/max-replicas',
} as const;

/** Annotations never copied from a Deployment to its ReplicaSets (`annotationsToSkip`). */
const SKIPPED_ANNOTATIONS = new Set<string>([
  'kubectl.kubernetes.io/last-applied-configuration',
  ANNOTATIONS.revision,
  ANNOTATIONS.revisionHistory,
  ANNOTATIONS.desiredReplicas,
  ANNOTATIONS.maxReplicas,
  'deprecated.deployment.rollback.to',
]);

/** A pod template reduced to what identifies it: defaults filled, the hash label and nulls dropped. */
export function canonicalTemplate(template: Json): Json {
  const t = structuredClone(template ?? {});
  if (t.metadata?.labels) delete t.metadata.labels[POD_TEMPLATE_HASH_LABEL];
  if (t.metadata) delete t.metadata.creationTimestamp;
  defaultPodSpec(t.spec);
  return JSON.parse(canonicalJson(t) ?? '{}') ?? {};
}

/** `EqualIgnoreHash`: the templates are the same apart from the pod-template-hash label. */
export function sameTemplate(a: Json, b: Json): boolean {
  return canonicalJson(canonicalTemplate(a)) === canonicalJson(canonicalTemplate(b));
}

/** The numeric revision annotation of a ReplicaSet (0 when absent). */
export function revisionOf(rs: KubeObject): number {
  const n = Number(rs.metadata.annotations?.[ANNOTATIONS.revision]);
  return Number.isFinite(n) ? n : 0;
}

function byCreation(a: KubeObject, b: KubeObject): number {
  const ta = Date.parse(a.metadata.creationTimestamp ?? '') || 0;
  const tb = Date.parse(b.metadata.creationTimestamp ?? '') || 0;
  return ta - tb || a.metadata.name.localeCompare(b.metadata.name);
}

export interface DeploymentSyncDeps {
  kube: Kube;
  clock: Clock;
  events: EventRecorder;
  stamps: ProgressStamps;
}

/** The state and operations of one pass. `d` is kept current after every write. */
export class DeploymentSync {
  d: KubeObject;
  /** The Deployment's ReplicaSets, oldest first, kept current after every write. */
  sets: KubeObject[];
  /** Pods of those ReplicaSets by ReplicaSet uid, terminating ones included. */
  readonly podsBySet: Map<string, KubeObject[]>;
  readonly #deps: DeploymentSyncDeps;

  constructor(deps: DeploymentSyncDeps, d: KubeObject, sets: KubeObject[], podsBySet: Map<string, KubeObject[]>) {
    this.#deps = deps;
    this.d = d;
    this.sets = [...sets].sort(byCreation);
    this.podsBySet = podsBySet;
  }

  /** `getAllReplicaSetsAndSyncRevision`: the new ReplicaSet (created when asked) and all the old ones. */
  replicaSets(createIfMissing: boolean): { newSet?: KubeObject; oldSets: KubeObject[] } {
    const existing = this.sets.find((rs) => sameTemplate(rs.spec?.template, this.d.spec?.template));
    const oldSets = this.sets.filter((rs) => rs !== existing);
    const newSet = this.#newReplicaSet(existing, oldSets, createIfMissing);
    return { newSet, oldSets: this.sets.filter((rs) => rs.metadata.uid !== newSet?.metadata.uid) };
  }

  #newReplicaSet(existing: KubeObject | undefined, oldSets: KubeObject[], create: boolean): KubeObject | undefined {
    const newRevision = String(Math.max(0, ...oldSets.map(revisionOf)) + 1);
    if (existing) {
      const copy = structuredClone(existing);
      const annotationsUpdated = this.#setNewSetAnnotations(copy, newRevision, true);
      const minReady = this.d.spec?.minReadySeconds ?? 0;
      if (annotationsUpdated || (copy.spec?.minReadySeconds ?? 0) !== minReady) {
        copy.spec.minReadySeconds = minReady;
        return this.#updateSet(copy);
      }
      let changed = this.#setRevision(copy.metadata.annotations?.[ANNOTATIONS.revision] ?? newRevision);
      if (hasProgressDeadline(this.d) && !getCondition(this.d.status?.conditions, 'Progressing')) {
        this.#setProgressing(REASONS.foundNewRS, `Found new replica set "${copy.metadata.name}"`);
        changed = true;
      }
      if (changed) this.commit();
      return copy;
    }
    if (!create) return undefined;
    return this.#createNewSet(oldSets, newRevision);
  }

  #createNewSet(oldSets: KubeObject[], newRevision: string): KubeObject {
    const d = this.d;
    const hash = computeTemplateHash(canonicalTemplate(d.spec.template), d.status?.collisionCount);
    const template = structuredClone(d.spec.template);
    template.metadata ??= {};
    template.metadata.labels = { ...(template.metadata.labels ?? {}), [POD_TEMPLATE_HASH_LABEL]: hash };
    const selector = structuredClone(d.spec.selector ?? {});
    selector.matchLabels = { ...(selector.matchLabels ?? {}), [POD_TEMPLATE_HASH_LABEL]: hash };
    const rs: KubeObject = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: `${d.metadata.name}-${hash}`,
        namespace: d.metadata.namespace,
        labels: { ...template.metadata.labels },
        ownerReferences: [controllerRef(d)],
      },
      spec: { replicas: 0, minReadySeconds: d.spec.minReadySeconds ?? 0, selector, template },
    };
    rs.spec.replicas = newReplicaSetReplicas(d, [...oldSets, rs], rs);
    this.#setNewSetAnnotations(rs, newRevision, false);
    let created: KubeObject;
    let alreadyExisted = false;
    try {
      created = this.#deps.kube.create(rs);
    } catch (error) {
      if (isApiError(error, 409)) {
        const found = this.#deps.kube.get(refOf(rs));
        if (
          found &&
          controllerOf(found)?.uid === d.metadata.uid &&
          sameTemplate(found.spec?.template, d.spec.template)
        ) {
          created = found;
          alreadyExisted = true;
        } else {
          // A hash collision: bump collisionCount so the next pass hashes differently.
          this.d = this.#writeStatus({ ...(d.status ?? {}), collisionCount: (d.status?.collisionCount ?? 0) + 1 });
          throw new Error(`hash collision for replica set "${rs.metadata.name}"`);
        }
      } else {
        const message = `Failed to create new replica set "${rs.metadata.name}": ${error instanceof Error ? error.message : error}`;
        if (hasProgressDeadline(d)) {
          this.d.status = {
            ...(d.status ?? {}),
            conditions: setCondition(
              d.status?.conditions,
              newCondition('Progressing', 'False', REASONS.failedRSCreate, message, this.#deps.clock.nowRfc3339()),
            ),
          };
          this.commit();
        }
        this.#event('Warning', REASONS.failedRSCreate, message);
        throw error;
      }
    }
    if (!alreadyExisted && specReplicas(created) > 0) {
      this.#event(
        'Normal',
        'ScalingReplicaSet',
        `Scaled up replica set ${created.metadata.name} from 0 to ${specReplicas(created)}`,
      );
    }
    this.sets = [...this.sets.filter((s) => s.metadata.name !== created.metadata.name), created].sort(byCreation);
    let changed = this.#setRevision(newRevision);
    if (!alreadyExisted && hasProgressDeadline(d)) {
      this.#setProgressing(REASONS.newRSCreated, `Created new replica set "${created.metadata.name}"`);
      changed = true;
    }
    if (changed) this.commit();
    return created;
  }

  /** `SetNewReplicaSetAnnotations`: copies the Deployment's annotations and raises the revision. */
  #setNewSetAnnotations(rs: KubeObject, newRevision: string, exists: boolean): boolean {
    const annotations = (rs.metadata.annotations ??= {});
    let changed = false;
    for (const [k, v] of Object.entries(this.d.metadata.annotations ?? {})) {
      if (SKIPPED_ANNOTATIONS.has(k) || annotations[k] === v) continue;
      annotations[k] = v;
      changed = true;
    }
    const oldRevision = annotations[ANNOTATIONS.revision];
    const oldInt = oldRevision === undefined ? 0 : Number(oldRevision);
    if (Number.isNaN(oldInt)) return false;
    if (oldInt < Number(newRevision)) {
      annotations[ANNOTATIONS.revision] = newRevision;
      changed = true;
      if (oldRevision !== undefined) {
        const history = annotations[ANNOTATIONS.revisionHistory];
        annotations[ANNOTATIONS.revisionHistory] = history ? `${history},${oldRevision}` : oldRevision;
      }
    }
    if (!exists && this.#setReplicasAnnotations(rs)) changed = true;
    return changed;
  }

  /** `SetReplicasAnnotations`: desired-replicas and max-replicas (= replicas + maxSurge). */
  #setReplicasAnnotations(rs: KubeObject): boolean {
    const annotations = (rs.metadata.annotations ??= {});
    const desired = String(desiredReplicas(this.d));
    const max = String(desiredReplicas(this.d) + maxSurge(this.d));
    if (annotations[ANNOTATIONS.desiredReplicas] === desired && annotations[ANNOTATIONS.maxReplicas] === max)
      return false;
    annotations[ANNOTATIONS.desiredReplicas] = desired;
    annotations[ANNOTATIONS.maxReplicas] = max;
    return true;
  }

  /** `SetDeploymentRevision` on the in-memory Deployment; written by `commit()`. */
  #setRevision(revision: string): boolean {
    const annotations = (this.d.metadata.annotations ??= {});
    if (annotations[ANNOTATIONS.revision] === revision) return false;
    annotations[ANNOTATIONS.revision] = revision;
    return true;
  }

  #setProgressing(reason: string, message: string): void {
    const now = this.#deps.clock.nowRfc3339();
    this.d.status = {
      ...(this.d.status ?? {}),
      conditions: setCondition(this.d.status?.conditions, newCondition('Progressing', 'True', reason, message, now)),
    };
    this.#deps.stamps.note(this.d.metadata.uid ?? '', now, this.#deps.clock.now().getTime());
  }

  /**
   * `scaleReplicaSetAndRecordEvent`: sets `spec.replicas` (and the replicas annotations) and records
   * `Scaled up|down replica set X from A to B`. Returns whether the size changed.
   */
  scale(rs: KubeObject, newScale: number): boolean {
    const fresh = this.#deps.kube.get(refOf(rs));
    if (!fresh) return false;
    const oldScale = specReplicas(fresh);
    const copy = structuredClone(fresh);
    copy.spec.replicas = newScale;
    const annotationsChanged = this.#setReplicasAnnotations(copy);
    if (oldScale === newScale && !annotationsChanged) return false;
    this.#updateSet(copy);
    if (oldScale === newScale) return false;
    const op = oldScale < newScale ? 'up' : 'down';
    this.#event(
      'Normal',
      'ScalingReplicaSet',
      `Scaled ${op} replica set ${copy.metadata.name} from ${oldScale} to ${newScale}`,
    );
    return true;
  }

  #updateSet(rs: KubeObject): KubeObject {
    const updated = this.#deps.kube.update(rs);
    this.sets = this.sets.map((s) => (s.metadata.uid === updated.metadata.uid ? updated : s));
    return updated;
  }

  /** The current version of a ReplicaSet this pass knows. */
  current(rs: KubeObject | undefined): KubeObject | undefined {
    return rs && this.sets.find((s) => s.metadata.uid === rs.metadata.uid);
  }

  /** `cleanupDeployment`: deletes the oldest scaled-down ReplicaSets beyond revisionHistoryLimit. */
  cleanup(oldSets: KubeObject[]): void {
    const limit = this.d.spec?.revisionHistoryLimit;
    if (typeof limit !== 'number') return;
    const cleanable = oldSets.map((rs) => this.current(rs) ?? rs).filter((rs) => !rs.metadata.deletionTimestamp);
    const excess = cleanable.length - limit;
    if (excess <= 0) return;
    cleanable.sort((a, b) => revisionOf(a) - revisionOf(b) || byCreation(a, b));
    for (const rs of cleanable.slice(0, excess)) {
      if ((rs.status?.replicas ?? 0) !== 0 || specReplicas(rs) !== 0) continue;
      if ((rs.metadata.generation ?? 0) > (rs.status?.observedGeneration ?? 0)) continue;
      try {
        this.#deps.kube.delete(refOf(rs), { propagationPolicy: 'Background' });
      } catch (error) {
        if (!isApiError(error, 404)) throw error;
      }
    }
  }

  /** `syncDeploymentStatus`: counters and Available only (paused Deployments, scaling events). */
  syncStatus(allSets: KubeObject[], newSet: KubeObject | undefined): void {
    const status = calculateStatus(
      this.d,
      allSets.map((s) => this.current(s) ?? s),
      this.current(newSet),
      this.#deps.clock.nowRfc3339(),
    );
    this.d.status = status;
    this.commit();
  }

  /** `syncRolloutStatus`: writes the status; returns cluster ms after which to check the deadline again. */
  syncRolloutStatus(allSets: KubeObject[], newSet: KubeObject | undefined): number | undefined {
    const { status, requeueAfterMs } = rolloutStatus(
      this.d,
      allSets.map((s) => this.current(s) ?? s),
      this.current(newSet),
      this.#deps.clock,
      this.#deps.stamps,
    );
    this.d.status = status;
    this.commit();
    return requeueAfterMs;
  }

  /** Sets a paused/resumed Progressing condition (`checkPausedConditions`). */
  checkPaused(): void {
    if (!hasProgressDeadline(this.d)) return;
    const cond = getCondition(this.d.status?.conditions, 'Progressing');
    if (cond?.reason === REASONS.timedOut) return;
    const pausedCond = cond?.reason === REASONS.paused;
    const now = this.#deps.clock.nowRfc3339();
    const set = (reason: string, message: string): void => {
      this.d.status = {
        ...(this.d.status ?? {}),
        conditions: setCondition(
          this.d.status?.conditions,
          newCondition('Progressing', 'Unknown', reason, message, now),
        ),
      };
      this.commit();
    };
    if (this.d.spec?.paused && !pausedCond) set(REASONS.paused, 'Deployment is paused');
    else if (!this.d.spec?.paused && pausedCond) set(REASONS.resumed, 'Deployment is resumed');
  }

  /**
   * Writes what changed in memory: the revision annotation through the main resource (a metadata-only
   * change, no generation bump) and the status through the status subresource.
   */
  commit(): void {
    const kube = this.#deps.kube;
    const stored = kube.get(refOf(this.d));
    if (!stored) return;
    const wantedRevision = this.d.metadata.annotations?.[ANNOTATIONS.revision];
    let current = stored;
    if (wantedRevision !== undefined && stored.metadata.annotations?.[ANNOTATIONS.revision] !== wantedRevision) {
      current = kube.patch(
        refOf(stored),
        { metadata: { annotations: { [ANNOTATIONS.revision]: wantedRevision } } },
        'merge',
      );
    }
    const wantedStatus = this.d.status ?? {};
    if (canonicalJson(current.status ?? {}) !== canonicalJson(wantedStatus)) {
      current = kube.update({ ...current, status: wantedStatus }, { subresource: 'status' });
    }
    this.d = current;
  }

  #writeStatus(status: Json): KubeObject {
    this.d.status = status;
    this.commit();
    return this.d;
  }

  #event(type: 'Normal' | 'Warning', reason: string, message: string): void {
    this.#deps.events.record(this.d, type, reason, message, SOURCE);
  }
}

function refOf(obj: KubeObject): { apiVersion: string; kind: string; namespace?: string; name: string } {
  return { apiVersion: obj.apiVersion, kind: obj.kind, namespace: obj.metadata.namespace, name: obj.metadata.name };
}
