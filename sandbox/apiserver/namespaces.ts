/**
 * The namespace controllers of a real control plane, in one place: the namespace lifecycle (a deleted
 * namespace is Terminating until its content is gone, then finalized), the service-account controller (a
 * `default` ServiceAccount in every namespace) and the root-CA publisher (`kube-root-ca.crt`). Also creates
 * the namespaces every cluster starts with.
 */
import type { KubeObject } from '../kube/types.ts';
import type { Resolved } from './resources.ts';
import { AfterCommitController } from './batched-work.ts';
import type { Store } from './store.ts';
import type { ChangeEvent } from './watch.ts';

/** Namespaces a fresh cluster has. */
export const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

export interface NamespaceControllerOptions {
  /** The cluster CA (PEM) published as `kube-root-ca.crt`; undefined until TLS exists. */
  caPem?: () => string | undefined;
}

/** Runs the namespace lifecycle for one store. */
export class NamespaceController extends AfterCommitController {
  readonly #caPem: () => string | undefined;
  readonly #newNamespaces = new Set<string>();

  constructor(store: Store, options: NamespaceControllerOptions = {}) {
    super(store);
    this.#caPem = options.caPem ?? (() => undefined);
  }

  /** Creates the system namespaces and the `kubernetes` Service (synchronously). */
  bootstrap(): void {
    const ns = this.#resolved('v1', 'Namespace');
    for (const name of SYSTEM_NAMESPACES) {
      if (!this.store.rawGet('/Namespace', undefined, name))
        this.store.create(ns, undefined, { metadata: { name } }, { fieldManager: 'kube-apiserver' });
    }
    const svc = this.#resolved('v1', 'Service');
    if (!this.store.rawGet('/Service', 'default', 'kubernetes')) {
      this.store.create(
        svc,
        'default',
        {
          metadata: { name: 'kubernetes', labels: { component: 'apiserver', provider: 'kubernetes' } },
          spec: {
            clusterIP: '10.96.0.1',
            ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }],
            sessionAffinity: 'None',
            type: 'ClusterIP',
          },
        },
        { fieldManager: 'kube-apiserver' },
      );
    }
  }

  /** Publishes `kube-root-ca.crt` into every namespace that lacks it (call once the CA exists). */
  publishRootCa(): void {
    for (const ns of this.store.rawList('/Namespace')) this.#ensureNamespaceContent(ns.metadata.name);
  }

  #resolved(apiVersion: string, kind: string): Resolved {
    const r = this.store.registry.resolve(apiVersion, kind);
    if (!r) throw new Error(`${apiVersion} ${kind} is not registered`);
    return r;
  }

  protected onCommit(ev: ChangeEvent): boolean {
    if (ev.key === '/Namespace') {
      if (ev.type === 'ADDED') this.#newNamespaces.add(ev.object.metadata.name);
      return ev.type === 'ADDED' || !!ev.object.metadata.deletionTimestamp;
    }
    return !!ev.namespace && !!this.store.rawGet('/Namespace', undefined, ev.namespace)?.metadata.deletionTimestamp;
  }

  protected run(): void {
    for (const name of [...this.#newNamespaces]) {
      this.#newNamespaces.delete(name);
      this.#ensureNamespaceContent(name);
    }
    for (const ns of this.store.rawList('/Namespace')) if (ns.metadata.deletionTimestamp) this.#drain(ns);
  }

  #ensureNamespaceContent(name: string): void {
    const ns = this.store.rawGet('/Namespace', undefined, name);
    if (!ns || ns.metadata.deletionTimestamp) return;
    const ctx = { fieldManager: 'kube-controller-manager' };
    if (!this.store.rawGet('/ServiceAccount', name, 'default')) {
      this.store.create(this.#resolved('v1', 'ServiceAccount'), name, { metadata: { name: 'default' } }, ctx);
    }
    const ca = this.#caPem();
    if (ca && !this.store.rawGet('/ConfigMap', name, 'kube-root-ca.crt')) {
      this.store.create(
        this.#resolved('v1', 'ConfigMap'),
        name,
        {
          metadata: {
            name: 'kube-root-ca.crt',
            annotations: {
              'kubernetes.io/description':
                'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.',
            },
          },
          data: { 'ca.crt': ca },
        },
        ctx,
      );
    }
  }

  /** Deletes a terminating namespace's content; finalizes the namespace once nothing is left. */
  #drain(ns: KubeObject): void {
    const name = ns.metadata.name;
    const contents = () => [...this.store.rawAll()].filter((e) => e.object.metadata.namespace === name);
    for (const { key, object } of contents()) {
      if (!object.metadata.deletionTimestamp) this.store.deleteStored(key, object, { propagationPolicy: 'Background' });
    }
    if (contents().length > 0) return;
    const current = this.store.rawGet('/Namespace', undefined, name);
    if (!current || !(current.spec?.finalizers ?? []).length) return;
    const next = structuredClone(current);
    next.spec = { ...(next.spec ?? {}), finalizers: [] };
    this.store.writeStored('/Namespace', next, current);
  }
}
