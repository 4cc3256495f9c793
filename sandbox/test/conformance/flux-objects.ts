/**
 * Minimal valid objects of every Flux kind (the fields their CRD schemas require), for tests that need one of
 * each to `get`, `apply`, `patch` or `wait` on. One spec builder per kind, in a table.
 */
import { stringify } from 'yaml';
import type { KubeObject } from '../../kube/types.ts';
import type { FluxKind } from './flux-crd-catalog.ts';

type SpecBuilder = (name: string) => Record<string, unknown>;

/** The smallest spec each kind's schema accepts (and its CEL rules, e.g. HelmRelease needs a chart). */
const SPECS: Record<string, SpecBuilder> = {
  GitRepository: (name) => ({ interval: '1m', url: `https://git.example.com/${name}.git`, ref: { branch: 'main' } }),
  HelmChart: (name) => ({ chart: name, interval: '1m', sourceRef: { kind: 'HelmRepository', name } }),
  HelmRelease: (name) => ({
    interval: '5m',
    chart: { spec: { chart: name, sourceRef: { kind: 'HelmRepository', name } } },
  }),
  HelmRepository: (name) => ({ url: `https://charts.example.com/${name}`, interval: '10m' }),
  ImagePolicy: (name) => ({ imageRepositoryRef: { name }, policy: { semver: { range: '>=1.0.0' } } }),
  ImageRepository: (name) => ({ image: `registry.example.com/${name}`, interval: '5m' }),
  ImageUpdateAutomation: (name) => ({
    interval: '30m',
    sourceRef: { kind: 'GitRepository', name },
    git: { commit: { author: { name: 'flux', email: 'flux@example.com' } } },
  }),
  Kustomization: (name) => ({ interval: '10m', prune: true, path: './', sourceRef: { kind: 'GitRepository', name } }),
  OCIRepository: (name) => ({ interval: '5m', url: `oci://registry.example.com/${name}`, ref: { tag: 'latest' } }),
};

/** A minimal object of `kind` named `name` in `namespace`, labelled `app=<name>`. */
export function fluxObject(kind: FluxKind, namespace: string, name: string): KubeObject {
  const spec = SPECS[kind.kind];
  if (!spec) throw new Error(`no minimal spec for Flux kind ${kind.kind}: add one to flux-objects.ts`);
  return {
    apiVersion: `${kind.group}/${kind.version}`,
    kind: kind.kind,
    metadata: { name, namespace, labels: { app: name } },
    spec: spec(name),
  };
}

/** Several objects as one multi-document YAML stream for `kubectl apply -f -`. */
export function yamlStream(objects: KubeObject[]): string {
  return objects.map((o) => stringify(o)).join('---\n');
}
