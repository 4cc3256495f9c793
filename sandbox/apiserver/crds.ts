/**
 * CustomResourceDefinitions: turning a CRD into served kinds (all served versions, conversion `None`), the
 * CRD's own validation and defaulting, its status (NamesAccepted, Established), the cleanup finalizer that
 * deletes instances before the CRD goes, and installing the vendored Flux CRDs.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from '../kube/types.ts';
import type { PrinterColumn, ResourceType, ScaleSpec } from './resources.ts';
import { AfterCommitController } from './batched-work.ts';
import type { Store } from './store.ts';
import type { Cause } from './strategies.ts';
import type { ChangeEvent } from './watch.ts';

const CRD_KEY = 'apiextensions.k8s.io/CustomResourceDefinition';
const CLEANUP_FINALIZER = 'customresourcecleanup.apiextensions.k8s.io';
const STANDARD_VERBS = ['delete', 'deletecollection', 'get', 'list', 'patch', 'create', 'update', 'watch'];
const FLUX_CRDS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'flux-crds');

interface CrdVersion {
  name: string;
  served?: boolean;
  storage?: boolean;
  deprecated?: boolean;
  deprecationWarning?: string;
  schema?: { openAPIV3Schema?: Record<string, unknown> };
  subresources?: { status?: object; scale?: ScaleSpec };
  additionalPrinterColumns?: PrinterColumn[];
}

/** The served kind a CRD defines. */
export function typeFromCrd(crd: KubeObject): ResourceType {
  const spec = crd.spec ?? {};
  const names = spec.names ?? {};
  const versions = (spec.versions ?? []) as CrdVersion[];
  return {
    group: spec.group,
    kind: names.kind,
    listKind: names.listKind ?? `${names.kind}List`,
    plural: names.plural,
    singular: names.singular ?? String(names.kind).toLowerCase(),
    namespaced: spec.scope !== 'Cluster',
    shortNames: names.shortNames ?? [],
    categories: names.categories ?? [],
    versions: versions.map((v) => ({
      name: v.name,
      served: v.served !== false,
      storage: !!v.storage,
      deprecated: !!v.deprecated,
      deprecationWarning: v.deprecated
        ? (v.deprecationWarning ?? `${spec.group}/${v.name} ${names.kind} is deprecated`)
        : undefined,
      schema: v.schema?.openAPIV3Schema,
      printerColumns: v.additionalPrinterColumns,
    })),
    verbs: STANDARD_VERBS,
    status: versions.some((v) => v.subresources?.status !== undefined),
    scale: versions.find((v) => v.subresources?.scale)?.subresources?.scale,
    extraSubresources: [],
    generation: true,
    createOnUpdate: false,
    crd: crd.metadata.name,
  };
}

/** Defaults the API server applies to CRDs (conversion None, derived names). */
export function defaultCrd(crd: KubeObject): void {
  const spec = (crd.spec ??= {});
  spec.conversion ??= { strategy: 'None' };
  const names = (spec.names ??= {});
  if (names.kind) {
    names.singular ??= String(names.kind).toLowerCase();
    names.listKind ??= `${names.kind}List`;
  }
}

/** The cheap structural rules the real apiextensions validation enforces first. */
export function validateCrd(crd: KubeObject): Cause[] {
  const spec = crd.spec ?? {};
  const names = spec.names ?? {};
  const causes: Cause[] = [];
  const req = (field: string) => causes.push({ field, message: 'Required value', reason: 'FieldValueRequired' });
  if (!spec.group) req('spec.group');
  if (!names.plural) req('spec.names.plural');
  if (!names.kind) req('spec.names.kind');
  if (spec.scope !== 'Namespaced' && spec.scope !== 'Cluster') {
    causes.push({
      field: 'spec.scope',
      message: `Unsupported value: ${JSON.stringify(spec.scope ?? '')}: supported values: "Cluster", "Namespaced"`,
      reason: 'FieldValueNotSupported',
    });
  }
  if (spec.group && names.plural && crd.metadata.name !== `${names.plural}.${spec.group}`) {
    causes.push({
      field: 'metadata.name',
      message: `Invalid value: ${JSON.stringify(crd.metadata.name)}: must be spec.names.plural+"."+spec.group`,
      reason: 'FieldValueInvalid',
    });
  }
  const versions = (spec.versions ?? []) as CrdVersion[];
  if (!versions.length) req('spec.versions');
  else if (versions.filter((v) => v.storage).length !== 1) {
    causes.push({
      field: 'spec.versions',
      message: `Invalid value: ${JSON.stringify(versions.map((v) => v.name))}: must have exactly one version marked as storage version`,
      reason: 'FieldValueInvalid',
    });
  }
  versions.forEach((v, i) => {
    if (!v.schema?.openAPIV3Schema) {
      causes.push({
        field: `spec.versions[${i}].schema.openAPIV3Schema`,
        message: 'Required value: schemas are required',
        reason: 'FieldValueRequired',
      });
    }
  });
  return causes;
}

/** Keeps the registry in step with CRD objects and runs their status and cleanup. */
export class CrdController extends AfterCommitController {
  readonly #pending = new Set<string>();
  /** Storage keys of deleted CRDs whose leftover instances must go. */
  readonly #purge = new Set<string>();

  protected onCommit(ev: ChangeEvent): boolean {
    if (ev.key === CRD_KEY) {
      const type = typeFromCrd(ev.object);
      // Serving starts (and stops) synchronously so a create right after the CRD's create works.
      if (ev.type === 'DELETED') {
        this.store.registry.remove(type.group, type.kind);
        this.#purge.add(`${type.group}/${type.kind}`);
      } else {
        this.store.registry.add(type);
      }
      this.#pending.add(ev.object.metadata.name);
    } else {
      // An instance of a terminating CRD went away: its cleanup may be able to finish now.
      const terminating = ev.type === 'DELETED' ? this.#terminatingCrdFor(ev.key) : undefined;
      if (!terminating) return false;
      this.#pending.add(terminating);
    }
    return true;
  }

  #terminatingCrdFor(key: string): string | undefined {
    for (const crd of this.store.rawList(CRD_KEY)) {
      if (crd.metadata.deletionTimestamp && `${crd.spec?.group}/${crd.spec?.names?.kind}` === key)
        return crd.metadata.name;
    }
    return undefined;
  }

  protected run(): void {
    for (const name of [...this.#pending]) {
      this.#pending.delete(name);
      const crd = this.store.rawGet(CRD_KEY, undefined, name);
      if (!crd) continue;
      if (crd.metadata.deletionTimestamp) this.#cleanup(crd);
      else this.#accept(crd);
    }
    for (const key of [...this.#purge]) {
      this.#purge.delete(key);
      const [group, kind] = [key.slice(0, key.lastIndexOf('/')), key.slice(key.lastIndexOf('/') + 1)];
      // A CRD deleted without its cleanup finalizer leaves instances behind; a re-created CRD keeps them.
      if (!this.store.registry.get(group, kind)) this.store.purge(key);
    }
  }

  /** Sets the finalizer and NamesAccepted/Established conditions once per generation. */
  #accept(crd: KubeObject): void {
    const next = structuredClone(crd);
    const fins = next.metadata.finalizers ?? [];
    if (!fins.includes(CLEANUP_FINALIZER)) next.metadata.finalizers = [...fins, CLEANUP_FINALIZER];
    const now = this.store.clock.nowRfc3339();
    const spec = next.spec;
    const storage = (spec.versions as CrdVersion[]).find((v) => v.storage)?.name;
    const oldConditions = (crd.status?.conditions ?? []) as Array<Record<string, unknown>>;
    const condition = (type: string, reason: string, message: string) => {
      const prev = oldConditions.find((c) => c.type === type);
      return {
        type,
        status: 'True',
        lastTransitionTime: prev?.status === 'True' ? prev.lastTransitionTime : now,
        reason,
        message,
      };
    };
    const stored = new Set<string>([
      ...((crd.status?.storedVersions as string[] | undefined) ?? []),
      ...(storage ? [storage] : []),
    ]);
    next.status = {
      acceptedNames: { ...spec.names },
      conditions: [
        condition('NamesAccepted', 'NoConflicts', 'no conflicts found'),
        condition('Established', 'InitialNamesAccepted', 'the initial names have been accepted'),
      ],
      storedVersions: [...stored],
    };
    if (JSON.stringify(next) !== JSON.stringify(crd)) this.store.writeStored(CRD_KEY, next, crd);
  }

  /** Deletes the CRD's instances; removes the cleanup finalizer once none is left. */
  #cleanup(crd: KubeObject): void {
    const key = `${crd.spec?.group}/${crd.spec?.names?.kind}`;
    for (const obj of this.store.rawList(key)) {
      if (!obj.metadata.deletionTimestamp) this.store.deleteStored(key, obj, { propagationPolicy: 'Background' });
    }
    if (this.store.rawList(key).length > 0) return;
    const fins = crd.metadata.finalizers ?? [];
    if (!fins.includes(CLEANUP_FINALIZER)) return;
    const next = structuredClone(crd);
    next.metadata.finalizers = fins.filter((f) => f !== CLEANUP_FINALIZER);
    if (!next.metadata.finalizers.length) delete next.metadata.finalizers;
    this.store.writeStored(CRD_KEY, next, crd);
  }
}

/** The CRD manifests of a vendored Flux line (`2.9` or `2.6`). */
export function fluxCrdManifests(version: '2.9' | '2.6'): KubeObject[] {
  const dir = path.join(FLUX_CRDS_DIR, `v${version}`);
  const out: KubeObject[] = [];
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()) {
    for (const doc of parseAllDocuments(readFileSync(path.join(dir, file), 'utf8'))) {
      const obj = doc.toJS() as KubeObject | null;
      if (obj?.kind === 'CustomResourceDefinition') out.push(obj);
    }
  }
  return out;
}

/** Installs the Flux CRDs of one line into the store (skipping ones already present). */
export function installFluxCrds(store: Store, version: '2.9' | '2.6'): void {
  const r = store.registry.resolve('apiextensions.k8s.io/v1', 'CustomResourceDefinition');
  if (!r) throw new Error('CustomResourceDefinition is not registered');
  for (const crd of fluxCrdManifests(version)) {
    if (store.rawGet(CRD_KEY, undefined, crd.metadata.name)) continue;
    store.create(r, undefined, crd, { fieldManager: 'flux', fieldValidation: 'Ignore' });
  }
}
