/**
 * Server-side Tables (`Accept: application/json;as=Table;v=v1;g=meta.k8s.io`), which is what `kubectl get`
 * prints. Built-in kinds use ports of the real printers (pod-printer.ts, workload-printers.ts,
 * resource-printers.ts); custom resources use their CRD's `additionalPrinterColumns` evaluated with JSONPath,
 * like apiextensions-apiserver's tableconvertor. Cells always include the wide (`priority > 0`) columns.
 */
import type { KubeObject } from '../kube/types.ts';
import { dateCell } from './human-duration.ts';
import { compileJsonPath } from './jsonpath.ts';
import {
  AGE_DESCRIPTION,
  NAME,
  col,
  printer,
  type Printer,
  type TableColumnDefinition,
  type TableRowCondition,
} from './printer.ts';
import { POD_PRINTER } from './pod-printer.ts';
import { RESOURCE_PRINTERS } from './resource-printers.ts';
import type { PrinterColumn } from './resources.ts';
import { WORKLOAD_PRINTERS } from './workload-printers.ts';

export type { TableColumnDefinition, TableRowCondition } from './printer.ts';

export type { PrinterColumn };

/** `metav1.TableRow`; `object` follows `includeObject`, `conditions` only appears for finished pods. */
export interface TableRow {
  cells: unknown[];
  object?: unknown;
  conditions?: TableRowCondition[];
}

/** `metav1.Table`. */
export interface Table {
  kind: 'Table';
  apiVersion: 'meta.k8s.io/v1';
  metadata: { resourceVersion: string; continue?: string };
  columnDefinitions: TableColumnDefinition[];
  rows: TableRow[];
}

/** What `buildTable` needs; `printerColumns` (even `[]`) marks a custom resource. */
export interface BuildTableArgs {
  group: string;
  kind: string;
  objects: KubeObject[];
  printerColumns?: PrinterColumn[];
  includeObject?: 'None' | 'Metadata' | 'Object';
  resourceVersion: string;
  continueToken?: string;
  now: Date;
  /** `TableOptions.noHeaders`: omit column definitions (watch events after the first may use it). */
  noHeaders?: boolean;
}

const BUILTIN_PRINTERS: Readonly<Record<string, Printer>> = {
  '/Pod': POD_PRINTER,
  ...WORKLOAD_PRINTERS,
  ...RESOURCE_PRINTERS,
};

/** The column a CRD gets when it declares none (apiextensions `serveDefaultColumnsIfEmpty`). */
const DEFAULT_CRD_COLUMNS: PrinterColumn[] = [
  { name: 'Age', type: 'date', description: AGE_DESCRIPTION, jsonPath: '.metadata.creationTimestamp' },
];

/**
 * Renders `objects` as a Table for `group/kind`. Built-in kinds get their real columns; custom resources (or
 * any kind passed with `printerColumns`) get Name plus the printer columns; kinds the sandbox knows nothing
 * about get Name and Age, which is what a CRD without printer columns shows.
 */
export function buildTable(args: BuildTableArgs): Table {
  const group = args.group === 'core' ? '' : args.group;
  const printer = args.printerColumns
    ? crdPrinter(args.printerColumns.length ? args.printerColumns : DEFAULT_CRD_COLUMNS)
    : (BUILTIN_PRINTERS[`${group}/${args.kind}`] ?? crdPrinter(DEFAULT_CRD_COLUMNS));
  const includeObject = args.includeObject ?? 'Metadata';
  const rows = args.objects.map((obj): TableRow => {
    const row: TableRow = { cells: printer.cells(obj, args.now) };
    const conditions = printer.conditions?.(obj);
    if (conditions) row.conditions = conditions;
    if (includeObject === 'Object') row.object = obj;
    if (includeObject === 'Metadata')
      row.object = { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata };
    return row;
  });
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: {
      resourceVersion: args.resourceVersion,
      ...(args.continueToken ? { continue: args.continueToken } : {}),
    },
    columnDefinitions: args.noHeaders ? [] : printer.columns,
    rows,
  };
}

/** Non-string column types turn the first JSONPath match into a typed cell or null (`cellForJSONValue`). */
const TYPED_CELL: Record<string, (value: unknown, now: Date) => unknown> = {
  integer: (v) => (typeof v === 'number' ? Math.trunc(v) : null),
  number: (v) => (typeof v === 'number' ? v : null),
  boolean: (v) => (typeof v === 'boolean' ? v : null),
  date: (v, now) => dateCell(v, now),
};

/** A printer built from CRD printer columns: Name first, then one cell per column, null where nothing matched. */
function crdPrinter(printerColumns: PrinterColumn[]): Printer {
  return printer([
    NAME,
    ...printerColumns.map((c) => {
      const evaluate = compiled(c.jsonPath);
      const description = c.description || `Custom resource definition column (in JSONPath format): ${c.jsonPath}`;
      return col(
        c.name,
        c.type,
        description,
        (obj, now) => {
          const results = evaluate(obj);
          if (results.length === 0) return null;
          if (c.type === 'string') return goText(results[0]);
          return TYPED_CELL[c.type]?.(results[0], now) ?? null;
        },
        { priority: c.priority ?? 0, format: c.format ?? '' },
      );
    }),
  ]);
}

/** The column's JSONPath evaluator; the real server keeps serving with an unparsable column, its cells empty. */
function compiled(jsonPath: string): (obj: unknown) => unknown[] {
  try {
    return compileJsonPath(jsonPath);
  } catch {
    return () => [];
  }
}

/**
 * How client-go's jsonpath prints one value: strings as-is, integers plainly, other numbers like Go's `%v`,
 * maps and lists as compact JSON with sorted keys, and null as `<no value>`.
 */
export function goText(value: unknown): string {
  if (value === null || value === undefined) return '<no value>';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return goNumber(value);
  if (typeof value === 'object') return goJson(value);
  return String(value);
}

function goNumber(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return String(n);
  if (!Number.isFinite(n)) return n > 0 ? '+Inf' : n < 0 ? '-Inf' : 'NaN';
  const [mantissa, exponentText] = n.toExponential().split('e');
  const exponent = Number(exponentText);
  // Whole numbers arrive as int64 in unstructured objects and print plainly (above). Other floats print with
  // strconv 'g' at shortest precision, which switches to exponent form below 1e-4 and from 1e6 on.
  if (exponent < -4 || exponent >= 6)
    return `${mantissa}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
  return String(n);
}

/** encoding/json output: sorted map keys and HTML-safe escapes. */
function goJson(value: unknown): string {
  const sorted = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sorted);
    if (v && typeof v === 'object') {
      return Object.fromEntries(
        Object.keys(v)
          .sort()
          .map((k) => [k, sorted((v as Record<string, unknown>)[k])]),
      );
    }
    return v;
  };
  return JSON.stringify(sorted(value))
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}
