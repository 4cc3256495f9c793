/**
 * One container of a pod through its instances, as the kubelet's runtime manager drives it: resolve the
 * environment (CreateContainerConfigError until it resolves), pull the image (`Pulling`/`Pulled` or `already
 * present on machine`), create and start it (`Created`/`Started`), run its probes, and when it exits apply the
 * restart policy with the crash-loop back-off (`BackOff`, waiting `CrashLoopBackOff`, restartCount and
 * lastState). `stop()` is the graceful termination of a deleted pod: SIGTERM, then SIGKILL after the grace period.
 */
import { randomBytes } from 'node:crypto';
import type { Clock } from '../kube/clock.ts';
import type { Faults } from '../faults/faults.ts';
import type { Kube, KubeObject } from '../kube/types.ts';
import { realToCluster } from '../workloads/pod-state.ts';
import { ContainerConfigError, resolveContainerEnv } from './env-sources.ts';
import { CrashBackoff } from './crash-backoff.ts';
import { formatGoDuration as goDuration } from '../../helpers/durations.ts';
import { imageId, imageSize, normalizeImage, pullDurationMs, type ImageCache } from './images.ts';
import type { ContainerProcess, ProcessContext, ProcessKind } from './process.ts';
import { Prober, type ProbeKind } from './prober.ts';
import type { PodFiles } from './podfs.ts';
import type { Json } from '../kube/json.ts';

/** The part of the API server's LogStore the kubelet writes to. */
export interface ContainerLogSink {
  append(pod: { namespace: string; name: string }, container: string, line: string, at?: Date): void;
  restart(pod: { namespace: string; name: string }, container: string): void;
  end(pod: { namespace: string; name: string }, container: string): void;
  remove(pod: { namespace: string; name: string }): void;
}

/** What a runner needs from its pod worker and node. */
export interface RunnerDeps {
  clock: Clock;
  kube: Kube;
  files: PodFiles;
  faults: Faults;
  registryAliases: Record<string, string>;
  logs: ContainerLogSink;
  images: ImageCache;
  kinds: ProcessKind[];
  /** The pod as last seen. */
  pod(): KubeObject;
  podIP(): string;
  event(type: 'Normal' | 'Warning', reason: string, message: string): void;
  /** The container's status changed: the worker writes the pod status. */
  changed(): void;
}

/** Cluster ms before a config error is retried, and before an immediate restart happens. */
const CONFIG_RETRY_MS = 10_000;
const RESTART_DELAY_MS = 100;
const PROBE_LABEL: Record<ProbeKind, string> = { startup: 'Startup', readiness: 'Readiness', liveness: 'Liveness' };

/** Drives one container. Init containers report completion through `onCompleted`. */
export class ContainerRunner {
  readonly name: string;
  readonly spec: Json;
  readonly #deps: RunnerDeps;
  readonly #init: boolean;
  readonly #backoff = new CrashBackoff();
  #state: Json = { waiting: { reason: 'ContainerCreating' } };
  #lastState: Json = {};
  #restartCount = 0;
  #containerID?: string;
  #imageID = '';
  #started = false;
  #readinessOk = false;
  #process?: ContainerProcess;
  #instance = 0;
  #startedAtMs = 0;
  #hasRun = false;
  /** The instance that exited, shown as lastState once the next one runs. */
  #previous?: Json;
  #probers: Prober[] = [];
  #timers = new Set<() => void>();
  #stopping = false;
  #stopWaiters: Array<() => void> = [];
  /** Called when an init container exited 0. */
  onCompleted?: () => void;

  constructor(spec: Json, deps: RunnerDeps, options: { init?: boolean } = {}) {
    this.name = spec.name;
    this.spec = spec;
    this.#deps = deps;
    this.#init = options.init ?? false;
  }

  /** True while an instance runs. */
  get running(): boolean {
    return this.#process !== undefined;
  }

  /** Shows `reason` as the waiting state before the container may begin (init containers still running). */
  hold(reason: string): void {
    this.#state = { waiting: { reason } };
  }

  /** Begins the first instance; the status shows ContainerCreating until it runs. */
  begin(): void {
    this.#state = { waiting: { reason: 'ContainerCreating' } };
    this.#attempt();
  }

  /** The `containerStatuses[]` entry. */
  status(): Json {
    const ready = this.#process !== undefined && this.#started && (this.spec.readinessProbe ? this.#readinessOk : true);
    return {
      ...(this.#containerID ? { containerID: this.#containerID } : {}),
      image: this.spec.image ? normalizeImage(this.spec.image) : '',
      imageID: this.#imageID,
      lastState: this.#lastState,
      name: this.name,
      ready,
      restartCount: this.#restartCount,
      started: this.#process !== undefined && this.#started,
      state: this.#state,
    };
  }

  /** Terminates the container gracefully: SIGTERM now, SIGKILL after `graceMs` cluster ms. */
  stop(graceMs: number): Promise<void> {
    this.#stopping = true;
    this.#clearTimers();
    if (!this.#process) return Promise.resolve();
    this.#deps.event('Normal', 'Killing', `Stopping container ${this.name}`);
    const done = new Promise<void>((resolve) => this.#stopWaiters.push(resolve));
    const process = this.#process;
    const instance = this.#instance;
    process.terminate();
    this.#timer(graceMs, () => {
      if (this.#instance !== instance || !this.#process) return;
      process.kill();
      this.#onExit(instance, 137);
    });
    return done;
  }

  /** Ends everything at once without status (the sandbox is shutting down or the pod vanished). */
  abandon(): void {
    this.#stopping = true;
    this.#clearTimers();
    for (const p of this.#probers) p.stop();
    this.#process?.kill();
    this.#process = undefined;
    for (const w of this.#stopWaiters.splice(0)) w();
  }

  /** The process dies with `exitCode` (the `controller-restart` fault); the restart policy takes over. */
  crash(exitCode = 1): boolean {
    if (!this.#process) return false;
    this.#process.kill();
    this.#onExit(this.#instance, exitCode);
    return true;
  }

  #timer(ms: number, fn: () => void): void {
    const cancel = this.#deps.clock.after(ms, () => {
      this.#timers.delete(cancel);
      fn();
    });
    this.#timers.add(cancel);
  }

  #clearTimers(): void {
    for (const cancel of this.#timers) cancel();
    this.#timers.clear();
  }

  #clusterNow(): number {
    return realToCluster(this.#deps.clock, this.#deps.clock.now().getTime());
  }

  #attempt(): void {
    if (this.#stopping) return;
    let env: Record<string, string>;
    try {
      env = resolveContainerEnv(this.#deps.kube, this.#deps.pod(), this.spec);
    } catch (error) {
      if (!(error instanceof ContainerConfigError)) throw error;
      this.#state = { waiting: { reason: 'CreateContainerConfigError', message: error.message } };
      this.#deps.event('Warning', 'Failed', `Error: ${error.message}`);
      this.#deps.changed();
      this.#timer(CONFIG_RETRY_MS, () => this.#attempt());
      return;
    }
    const image: string = this.spec.image ?? '';
    const policy = this.spec.imagePullPolicy ?? 'IfNotPresent';
    if (policy === 'Always' || (policy !== 'Never' && !this.#deps.images.has(image))) {
      this.#deps.event('Normal', 'Pulling', `Pulling image "${image}"`);
      const ms = pullDurationMs(image);
      this.#timer(ms, () => {
        this.#deps.images.add(image);
        const took = goDuration(ms);
        this.#deps.event(
          'Normal',
          'Pulled',
          `Successfully pulled image "${image}" in ${took} (${took} including waiting). Image size: ${imageSize(image)} bytes.`,
        );
        this.#run(env);
      });
      return;
    }
    this.#deps.event('Normal', 'Pulled', `Container image "${image}" already present on machine`);
    this.#run(env);
  }

  #run(env: Record<string, string>): void {
    if (this.#stopping) return;
    const pod = this.#deps.pod();
    const podRef = { namespace: pod.metadata.namespace ?? 'default', name: pod.metadata.name };
    if (this.#hasRun) {
      this.#restartCount++;
      this.#deps.logs.restart(podRef, this.name);
      if (this.#previous) this.#lastState = { terminated: this.#previous };
    }
    this.#hasRun = true;
    this.#containerID = `containerd://${randomBytes(32).toString('hex')}`;
    this.#imageID = imageId(this.spec.image ?? '');
    this.#deps.event('Normal', 'Created', `Created container: ${this.name}`);
    this.#deps.event('Normal', 'Started', `Started container ${this.name}`);
    const instance = ++this.#instance;
    this.#startedAtMs = this.#deps.clock.now().getTime();
    this.#state = { running: { startedAt: this.#deps.clock.nowRfc3339() } };
    this.#started = !this.spec.startupProbe;
    this.#readinessOk = false;
    const ctx: ProcessContext = {
      pod,
      container: this.spec,
      env,
      restartCount: this.#restartCount,
      clock: this.#deps.clock,
      kube: this.#deps.kube,
      files: this.#deps.files,
      faults: this.#deps.faults,
      registryAliases: this.#deps.registryAliases,
      log: (line) => {
        if (this.#instance === instance) this.#deps.logs.append(podRef, this.name, line, this.#deps.clock.now());
      },
      exit: (code) => this.#onExit(instance, code),
    };
    const kind = this.#deps.kinds.find((k) => k.matches(ctx));
    this.#process = kind!.start(ctx);
    if (this.#instance !== instance || !this.#process) return;
    this.#startProbers(instance);
    this.#deps.changed();
  }

  #startProbers(instance: number): void {
    const kinds: Array<[ProbeKind, Json]> = [
      ['startup', this.spec.startupProbe],
      ['readiness', this.spec.readinessProbe],
      ['liveness', this.spec.livenessProbe],
    ];
    for (const [kind, spec] of kinds) {
      if (!spec) continue;
      const prober = new Prober(kind, spec, {
        clock: this.#deps.clock,
        podIP: () => this.#deps.podIP(),
        ports: this.spec.ports ?? [],
        listening: (port) => this.#instance === instance && (this.#process?.listening(port) ?? false),
        started: () => this.#started,
        startedAt: () => this.#startedAtMs,
        onResult: (k, ok) => this.#onProbeResult(instance, k, ok),
        onFailure: (k, output) => this.#deps.event('Warning', 'Unhealthy', `${PROBE_LABEL[k]} probe failed: ${output}`),
      });
      this.#probers.push(prober);
    }
    // Start after all exist: a startup success may start readiness ticks right away.
    for (const p of this.#probers) p.start();
  }

  #onProbeResult(instance: number, kind: ProbeKind, ok: boolean): void {
    if (this.#instance !== instance || !this.#process) return;
    const handlers: Record<ProbeKind, () => void> = {
      startup: () => {
        if (!ok) return this.#killForProbe(instance, 'startup');
        this.#started = true;
        this.#probers.find((p) => p.kind === 'startup')?.stop();
        this.#deps.changed();
      },
      readiness: () => {
        this.#readinessOk = ok;
        this.#deps.changed();
      },
      liveness: () => {
        if (!ok) this.#killForProbe(instance, 'liveness');
      },
    };
    handlers[kind]();
  }

  #killForProbe(instance: number, kind: ProbeKind): void {
    this.#deps.event('Normal', 'Killing', `Container ${this.name} failed ${kind} probe, will be restarted`);
    this.#process?.kill();
    this.#onExit(instance, 137);
  }

  #onExit(instance: number, exitCode: number): void {
    if (this.#instance !== instance || !this.#process) return;
    for (const p of this.#probers) p.stop();
    this.#probers = [];
    this.#process = undefined;
    this.#started = false;
    const pod = this.#deps.pod();
    const podRef = { namespace: pod.metadata.namespace ?? 'default', name: pod.metadata.name };
    const terminated = {
      containerID: this.#containerID,
      exitCode,
      finishedAt: this.#deps.clock.nowRfc3339(),
      reason: exitCode === 0 ? 'Completed' : 'Error',
      startedAt: this.#state.running?.startedAt,
    };
    this.#state = { terminated };
    this.#deps.logs.end(podRef, this.name);
    if (this.#stopping) {
      this.#deps.changed();
      for (const w of this.#stopWaiters.splice(0)) w();
      return;
    }
    if (this.#init && exitCode === 0) {
      this.#deps.changed();
      this.onCompleted?.();
      return;
    }
    const policy = pod.spec?.restartPolicy ?? 'Always';
    const restart = this.#init
      ? policy !== 'Never' && exitCode !== 0
      : policy === 'Always' || (policy === 'OnFailure' && exitCode !== 0);
    if (!restart) {
      this.#deps.changed();
      return;
    }
    const finishedAt = this.#clusterNow();
    const wait = this.#backoff.remaining(finishedAt, finishedAt);
    if (wait <= 0) {
      this.#backoff.next(finishedAt);
      this.#deps.changed();
      this.#timer(RESTART_DELAY_MS, () => this.#restart(terminated));
      return;
    }
    const who = `${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`;
    this.#lastState = { terminated };
    this.#state = {
      waiting: {
        reason: 'CrashLoopBackOff',
        message: `back-off ${goDuration(this.#backoff.currentMs)} restarting failed container=${this.name} pod=${who}`,
      },
    };
    this.#deps.event('Warning', 'BackOff', `Back-off restarting failed container ${this.name} in pod ${who}`);
    this.#deps.changed();
    this.#timer(wait, () => {
      this.#backoff.next(this.#clusterNow());
      this.#restart(terminated);
    });
  }

  #restart(previous: Json): void {
    this.#previous = previous;
    this.#attempt();
  }
}
