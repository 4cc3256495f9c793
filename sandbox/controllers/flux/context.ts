/**
 * What every emulated Flux controller receives: the cluster, the clock, the fault knobs and the shared
 * helpers (API versions, artifact storage, tool paths, per-Deployment logs). Built once by `FluxControllers`.
 */
import type { Clock } from '../../kube/clock.ts';
import type { EventRecorder } from '../../kube/events.ts';
import type { Kube } from '../../kube/types.ts';
import type { Faults } from '../../faults/faults.ts';
import type { FluxApis } from './apis.ts';
import type { ArtifactStorage } from './artifacts.ts';
import type { ControllerLog } from './logger.ts';

/** The Flux controller Deployments that run reconcilers. */
export type FluxDeployment =
  | 'source-controller'
  | 'kustomize-controller'
  | 'helm-controller'
  | 'image-reflector-controller'
  | 'image-automation-controller';

/** Paths of the real binaries doing the work, and the environment that keeps helm's caches in the state dir. */
export interface FluxTools {
  kubectl: string;
  helm: string;
  helmEnv: Record<string, string>;
}

export interface FluxContext {
  kube: Kube;
  clock: Clock;
  faults: Faults;
  events: EventRecorder;
  apis: FluxApis;
  storage: ArtifactStorage;
  tools: FluxTools;
  /** Scratch and cache space (git mirrors, temp dirs) owned by the controllers. */
  stateDir: string;
  /** Image host → `host:port` of the registry actually serving it. */
  registryAliases: Record<string, string>;
  log(deployment: FluxDeployment): ControllerLog;
}
