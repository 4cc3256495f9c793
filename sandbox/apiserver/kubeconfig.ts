/**
 * The kubeconfig a sandbox hands to kubectl, helm and client-node: one cluster (`sandbox`) with the CA inline,
 * one user with a bearer token, one current context.
 */
import { stringify } from 'yaml';

export interface KubeconfigOptions {
  server: string;
  caPem: string;
  token: string;
  /** Cluster, user and context name. Default `sandbox`. */
  name?: string;
  namespace?: string;
}

/** Renders a kubeconfig YAML document. */
export function buildKubeconfig(options: KubeconfigOptions): string {
  const name = options.name ?? 'sandbox';
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name,
        cluster: {
          server: options.server,
          'certificate-authority-data': Buffer.from(options.caPem).toString('base64'),
        },
      },
    ],
    users: [{ name, user: { token: options.token } }],
    contexts: [{ name, context: { cluster: name, user: name, namespace: options.namespace ?? 'default' } }],
    'current-context': name,
    preferences: {},
  });
}
