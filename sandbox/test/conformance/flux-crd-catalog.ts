/**
 * What the vendored Flux CRDs (sandbox/flux-crds/<version>) promise a client: kinds, plurals, short names,
 * categories and the `additionalPrinterColumns` of the served version. Tests derive the table headers they
 * expect from here, so the expectation comes from the CRDs a real cluster would install, never from the server.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

/** One printer column as the CRD declares it. */
export interface PrinterColumn {
  name: string;
  jsonPath: string;
  type: string;
  priority: number;
}

/** One Flux kind as its CRD declares it. */
export interface FluxKind {
  kind: string;
  group: string;
  version: string;
  plural: string;
  singular: string;
  shortNames: string[];
  categories: string[];
  columns: PrinterColumn[];
}

interface CrdVersion {
  name: string;
  served: boolean;
  storage: boolean;
  additionalPrinterColumns?: Array<{ name: string; jsonPath: string; type: string; priority?: number }>;
}

interface Crd {
  spec: {
    group: string;
    names: { kind: string; plural: string; singular: string; shortNames?: string[]; categories?: string[] };
    versions: CrdVersion[];
  };
}

const CRD_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../flux-crds');

/** Reads every CRD of a vendored Flux version; the storage version is the one kubectl prefers here. */
export function loadFluxKinds(flux: '2.9' | '2.6' = '2.9'): FluxKind[] {
  const dir = path.join(CRD_ROOT, `v${flux}`);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((file) => {
      const crd = parse(readFileSync(path.join(dir, file), 'utf8')) as Crd;
      const version = crd.spec.versions.find((v) => v.storage && v.served) ?? crd.spec.versions[0];
      return {
        kind: crd.spec.names.kind,
        group: crd.spec.group,
        version: version.name,
        plural: crd.spec.names.plural,
        singular: crd.spec.names.singular,
        shortNames: crd.spec.names.shortNames ?? [],
        categories: crd.spec.names.categories ?? [],
        columns: (version.additionalPrinterColumns ?? []).map((c) => ({
          name: c.name,
          jsonPath: c.jsonPath,
          type: c.type,
          priority: c.priority ?? 0,
        })),
      };
    });
}

/**
 * The header kubectl prints for a CRD: NAME, then the printer columns (priority 0 only unless `wide`), each
 * upper-cased as kubectl's table printer does.
 */
export function crdHeader(kind: FluxKind, options: { wide?: boolean } = {}): string[] {
  // Without printer columns the server's default table applies: NAME and AGE.
  if (kind.columns.length === 0) return ['NAME', 'AGE'];
  const columns = kind.columns.filter((c) => options.wide || c.priority === 0).map((c) => c.name.toUpperCase());
  return ['NAME', ...columns];
}
