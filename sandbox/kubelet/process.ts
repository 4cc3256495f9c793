/**
 * What runs inside an emulated container. The kubelet's container runner starts a `ContainerProcess` for each
 * container instance and only sees what a runtime would: log lines on stdout, the ports it listens on (what
 * probes see), and its exit code. Behaviours (the foundry server, a generic container) implement this.
 */
import type { Clock } from '../kube/clock.ts';
import type { Faults } from '../faults/faults.ts';
import type { Kube, KubeObject } from '../kube/types.ts';
import type { PodFiles } from './podfs.ts';

type Json = any;

/** Everything a process may use. `log` writes one stdout line; `exit` ends the instance (call once). */
export interface ProcessContext {
  pod: KubeObject;
  /** The container's spec entry. */
  container: Json;
  env: Record<string, string>;
  /** How many times this container restarted before this instance. */
  restartCount: number;
  clock: Clock;
  kube: Kube;
  files: PodFiles;
  faults: Faults;
  /** Registry host aliases: `myacr.azurecr.io` → `127.0.0.1:5000`. */
  registryAliases: Record<string, string>;
  log(line: string): void;
  exit(code: number): void;
}

/** A running container instance. */
export interface ContainerProcess {
  /** True when it accepts connections on `port` (a number or a named container port). */
  listening(port?: number | string): boolean;
  /** SIGTERM: shut down gracefully and `exit` soon. */
  terminate(): void;
  /** SIGKILL: stop everything at once; the runtime records the exit itself. */
  kill(): void;
}

/** One kind of container behaviour: when it applies, and how to start it. */
export interface ProcessKind {
  name: string;
  matches(ctx: ProcessContext): boolean;
  start(ctx: ProcessContext): ContainerProcess;
}
