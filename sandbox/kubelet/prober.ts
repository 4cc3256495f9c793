/**
 * One probe worker of a container (pkg/kubelet/prober/worker.go): ticks every `periodSeconds` from container
 * start, skips ticks before `initialDelaySeconds`, skips readiness/liveness ticks until the container has
 * started (startup probe passed), and reports a result after `successThreshold` consecutive successes or
 * `failureThreshold` consecutive failures. A check asks the emulated process whether it listens; failures are
 * worded like the real prober's (`Get "http://10.244.0.7:5000/v1/models": dial tcp …: connect: connection refused`).
 */
import type { Clock } from '../kube/clock.ts';
import type { Json } from '../kube/json.ts';

export type ProbeKind = 'startup' | 'readiness' | 'liveness';

/** What a prober needs from its container. */
export interface ProbeTarget {
  clock: Clock;
  podIP(): string;
  /** The container's declared ports, to resolve named probe ports. */
  ports: Array<{ name?: string; containerPort?: number }>;
  /** Whether the process accepts connections on the port. */
  listening(port: number | string | undefined): boolean;
  /** False until the startup probe passed (readiness/liveness skip their ticks meanwhile). */
  started(): boolean;
  /** Real wall-clock ms when the container started. */
  startedAt(): number;
  /** A threshold was crossed: `ok` true = success, false = failure. */
  onResult(kind: ProbeKind, ok: boolean): void;
  /** One failed check, for the `Unhandled` event (`Readiness probe failed: …`). */
  onFailure(kind: ProbeKind, output: string): void;
}

function portOf(spec: Json, ports: ProbeTarget['ports']): number | string | undefined {
  const port = spec?.port;
  if (typeof port === 'string' && !/^\d+$/.test(port)) return ports.find((p) => p.name === port)?.containerPort ?? port;
  return port === undefined ? undefined : Number(port);
}

/** How each handler type checks, and what it prints when it fails. */
const HANDLERS: Record<string, (probe: Json, t: ProbeTarget) => { ok: boolean; output: string }> = {
  httpGet: (probe, t) => {
    const port = portOf(probe.httpGet, t.ports);
    const host = probe.httpGet.host ?? t.podIP();
    const url = `${String(probe.httpGet.scheme ?? 'HTTP').toLowerCase()}://${host}:${port}${probe.httpGet.path ?? '/'}`;
    return { ok: t.listening(port), output: `Get "${url}": dial tcp ${host}:${port}: connect: connection refused` };
  },
  tcpSocket: (probe, t) => {
    const port = portOf(probe.tcpSocket, t.ports);
    const host = probe.tcpSocket.host ?? t.podIP();
    return { ok: t.listening(port), output: `dial tcp ${host}:${port}: connect: connection refused` };
  },
  grpc: (probe, t) => {
    const port = Number(probe.grpc.port);
    return { ok: t.listening(port), output: `timeout: failed to connect service "${t.podIP()}:${port}" within 1s` };
  },
  exec: (probe, t) => ({
    ok: t.listening(undefined),
    output: `command ${JSON.stringify((probe.exec.command ?? []).join(' '))} exited with 1`,
  }),
};

/** A running probe worker. */
export class Prober {
  readonly kind: ProbeKind;
  readonly #spec: Json;
  readonly #target: ProbeTarget;
  #cancel?: () => void;
  #successes = 0;
  #failures = 0;
  #result?: boolean;
  #stopped = false;

  constructor(kind: ProbeKind, spec: Json, target: ProbeTarget) {
    this.kind = kind;
    this.#spec = spec;
    this.#target = target;
  }

  /** Starts ticking: the first tick right away, then every period. */
  start(): void {
    this.#tick();
  }

  stop(): void {
    this.#stopped = true;
    this.#cancel?.();
  }

  #tick(): void {
    if (this.#stopped) return;
    this.#probe();
    if (this.#stopped) return;
    this.#cancel = this.#target.clock.after((this.#spec.periodSeconds ?? 10) * 1000, () => this.#tick());
  }

  #probe(): void {
    const t = this.#target;
    if (this.kind !== 'startup' && !t.started()) return;
    const elapsedReal = t.clock.now().getTime() - t.startedAt();
    if (elapsedReal < t.clock.scale((this.#spec.initialDelaySeconds ?? 0) * 1000)) return;
    const handler = Object.keys(HANDLERS).find((k) => this.#spec[k]);
    const { ok, output } = handler ? HANDLERS[handler]!(this.#spec, t) : { ok: true, output: '' };
    if (ok) {
      this.#failures = 0;
      this.#successes++;
      if (this.#result !== true && this.#successes >= (this.#spec.successThreshold ?? 1)) {
        this.#result = true;
        t.onResult(this.kind, true);
      }
      return;
    }
    this.#successes = 0;
    this.#failures++;
    t.onFailure(this.kind, output);
    if (this.#result !== false && this.#failures >= (this.#spec.failureThreshold ?? 3)) {
      this.#result = false;
      t.onResult(this.kind, false);
    }
  }
}
