/**
 * Core Kubernetes kinds as the suite receives them. client-node's model classes type timestamps as `Date` because its
 * typed APIs deserialise them; the suite reads raw JSON (fixtures/k8s.ts, watches), where they are RFC 3339 strings.
 * `Wire<T>` says so, so that `pod.status.startTime.getTime()` is a type error instead of a runtime one.
 */
import type {
  CoreV1Event,
  V1Condition,
  V1Deployment,
  V1ObjectMeta,
  V1Pod,
  V1ReplicaSet,
} from '@kubernetes/client-node';

export type { CoreV1Event, V1Condition, V1Deployment, V1ObjectMeta, V1Pod, V1ReplicaSet };

/** A client-node model as JSON on the wire: every `Date` becomes the string the API server sent. */
export type Wire<T> = T extends Date
  ? string
  : T extends readonly (infer U)[]
    ? Wire<U>[]
    : T extends object
      ? { [K in keyof T]: Wire<T[K]> }
      : T;

/** metadata of any object, as JSON. */
export type ObjectMeta = Wire<V1ObjectMeta>;
export type Pod = Wire<V1Pod>;
export type Deployment = Wire<V1Deployment>;
export type ReplicaSet = Wire<V1ReplicaSet>;
/** A core/v1 Event (named so it does not shadow the DOM-style global `Event`). */
export type KubeEvent = Wire<CoreV1Event>;
/** metav1.Condition as JSON: the shape of every Flux condition too. */
export type Condition = Wire<V1Condition>;
