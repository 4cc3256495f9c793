/**
 * Test objects built the same way in several suites: a Deployment whose selector and pod labels are
 * `app: <name>`, as `kubectl create deployment` writes them.
 */
import type { KubeObject } from '../../kube/types.ts';

/** A container of a pod template: its name and image, and anything else the test needs. */
export type Container = { name: string; image: string } & Record<string, unknown>;

/** Deployment `name` in `namespace` running `containers`, with `spec` fields (replicas, strategy …) added. */
export function appDeployment(
  name: string,
  namespace: string,
  containers: Container[],
  spec: Record<string, unknown> = {},
): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace },
    spec: {
      ...spec,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers } },
    },
  };
}
