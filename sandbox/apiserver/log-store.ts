/**
 * Container logs as the kubelet keeps them: per (namespace, pod, container) the lines of the current container
 * instance and of the previous one, each with the time it was written. The sandbox kubelet appends what its
 * emulated containers print; the API server reads and follows them for `kubectl logs`.
 */
import type { Clock } from '../kube/clock.ts';

/** Which pod a log belongs to (the pod's identity is its namespace and name). */
export interface PodRef {
  namespace?: string;
  name: string;
}

/** One log line, without its newline. */
export interface LogLine {
  at: Date;
  text: string;
}

/** Receives lines appended to a followed instance, then `end` once (container stopped, restarted, pod removed). */
export interface LogListener {
  line(line: LogLine): void;
  end(): void;
}

/** What `subscribe` hands back: the lines so far and whether more can come, taken atomically with the subscription. */
export interface LogSubscription {
  lines: LogLine[];
  ended: boolean;
  unsubscribe(): void;
}

export interface LogStoreOptions {
  /** Lines kept per container instance; older ones are dropped (default 10 000). */
  maxLines?: number;
  /** Where default timestamps come from (the sandbox clock, so clock skew shows in logs too). */
  clock?: Pick<Clock, 'now'>;
}

class Instance {
  readonly lines: LogLine[] = [];
  ended = false;
  readonly listeners = new Set<LogListener>();

  finish(): void {
    if (this.ended) return;
    this.ended = true;
    for (const listener of [...this.listeners]) listener.end();
    this.listeners.clear();
  }
}

interface ContainerLogs {
  current: Instance;
  previous?: Instance;
}

/** All container logs of the sandbox. Create one per sandbox and share it between kubelet and API server. */
export class LogStore {
  readonly #maxLines: number;
  readonly #clock: Pick<Clock, 'now'>;
  readonly #containers = new Map<string, ContainerLogs>();

  constructor(options: LogStoreOptions = {}) {
    this.#maxLines = options.maxLines ?? 10_000;
    this.#clock = options.clock ?? { now: () => new Date() };
  }

  /** The time as the store's clock sees it (for `sinceSeconds`). */
  now(): Date {
    return this.#clock.now();
  }

  /** Appends a line (several if it contains newlines) to the container's current instance. */
  append(pod: PodRef, container: string, line: string, at: Date = this.#clock.now()): void {
    const instance = this.#entry(pod, container).current;
    const texts = line.replace(/\n$/, '').split('\n');
    for (const text of texts) {
      const entry = { at, text };
      instance.lines.push(entry);
      for (const listener of instance.listeners) listener.line(entry);
    }
    // Trim in batches: shifting one line per append would make a busy container quadratic.
    if (instance.lines.length > this.#maxLines * 1.1) instance.lines.splice(0, instance.lines.length - this.#maxLines);
  }

  /**
   * The container stopped: followers of its current instance finish. Call it when the container exits
   * (before the kubelet records it as terminated).
   */
  end(pod: PodRef, container: string): void {
    this.#containers.get(key(pod, container))?.current.finish();
  }

  /**
   * The current instance becomes the previous one and a new, empty one begins: call it when the container
   * starts again. (During a back-off before that, `servePodLog` finds the dead instance as the ended current one.)
   */
  restart(pod: PodRef, container: string): void {
    const logs = this.#entry(pod, container);
    logs.current.finish();
    logs.previous = logs.current;
    logs.current = new Instance();
  }

  /** Forgets every container of a deleted pod; its followers finish. */
  remove(pod: PodRef): void {
    const prefix = `${pod.namespace ?? 'default'}/${pod.name}/`;
    for (const [k, logs] of this.#containers) {
      if (!k.startsWith(prefix)) continue;
      logs.current.finish();
      logs.previous?.finish();
      this.#containers.delete(k);
    }
  }

  /** The lines of the current (or previous) instance, oldest first. */
  lines(pod: PodRef, container: string, options: { previous?: boolean } = {}): LogLine[] {
    const logs = this.#containers.get(key(pod, container));
    const instance = options.previous ? logs?.previous : logs?.current;
    return instance ? instance.lines.slice(-this.#maxLines) : [];
  }

  /** True when the container's current instance has stopped (`end`) and no new one has begun. */
  hasEnded(pod: PodRef, container: string): boolean {
    return this.#containers.get(key(pod, container))?.current.ended ?? false;
  }

  /** True when the container has a previous instance (it restarted at least once). */
  hasPrevious(pod: PodRef, container: string): boolean {
    return this.#containers.get(key(pod, container))?.previous !== undefined;
  }

  /**
   * Takes the current (or previous) instance's lines and subscribes to later ones in one step, so a
   * follower neither misses nor repeats a line. A previous or ended instance answers `ended: true`.
   */
  subscribe(
    pod: PodRef,
    container: string,
    listener: LogListener,
    options: { previous?: boolean } = {},
  ): LogSubscription {
    const logs = this.#entry(pod, container);
    const instance = options.previous ? logs.previous : logs.current;
    if (!instance) return { lines: [], ended: true, unsubscribe: () => undefined };
    const lines = instance.lines.slice(-this.#maxLines);
    const ended = instance.ended || options.previous === true;
    if (!ended) instance.listeners.add(listener);
    return { lines, ended, unsubscribe: () => instance.listeners.delete(listener) };
  }

  /**
   * The current instance's lines so far, then each new line as it is appended, until the container stops,
   * restarts, the pod is removed, or `signal` aborts. For in-process readers (tests, diagnostics).
   */
  async *follow(pod: PodRef, container: string, options: { signal?: AbortSignal } = {}): AsyncGenerator<LogLine> {
    const queue: LogLine[] = [];
    let done = false;
    let wake: (() => void) | undefined;
    const notify = () => {
      const w = wake;
      wake = undefined;
      w?.();
    };
    const subscription = this.subscribe(pod, container, {
      line: (line) => {
        queue.push(line);
        notify();
      },
      end: () => {
        done = true;
        notify();
      },
    });
    const onAbort = () => {
      done = true;
      notify();
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      yield* subscription.lines;
      done ||= subscription.ended;
      while (true) {
        const line = queue.shift();
        if (line) {
          yield line;
          continue;
        }
        if (done || options.signal?.aborted) return;
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
      }
    } finally {
      subscription.unsubscribe();
      options.signal?.removeEventListener('abort', onAbort);
    }
  }

  #entry(pod: PodRef, container: string): ContainerLogs {
    const k = key(pod, container);
    let logs = this.#containers.get(k);
    if (!logs) {
      logs = { current: new Instance() };
      this.#containers.set(k, logs);
    }
    return logs;
  }
}

function key(pod: PodRef, container: string): string {
  return `${pod.namespace ?? 'default'}/${pod.name}/${container}`;
}
