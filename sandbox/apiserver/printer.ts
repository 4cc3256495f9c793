/**
 * The contract between tables.ts and the per-kind printers, plus the cell helpers the real printers share
 * (k8s.io/kubernetes/pkg/printers/internalversion): container layout, label formatting, selector strings.
 * A printer always produces the wide cells: the API server renders Tables with `Wide: true` and kubectl
 * hides `priority > 0` columns itself unless `-o wide`.
 */
import type { KubeObject } from '../kube/types.ts';
import { labelSelectorFromMatch, stringifyLabelSelector, type LabelSelectorSpec } from './selectors.ts';

/** `metav1.TableColumnDefinition`; every field is always present in the JSON, as the Go struct has no omitempty. */
export interface TableColumnDefinition {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

/** `metav1.TableRowCondition` (pods only: Completed when Succeeded or Failed). */
export interface TableRowCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

/** How one kind becomes Table rows. */
export interface Printer {
  columns: TableColumnDefinition[];
  cells(obj: KubeObject, now: Date): unknown[];
  conditions?(obj: KubeObject): TableRowCondition[] | undefined;
}

/** Builds a column definition; `format: "name"` marks the column kubectl prefixes with `kind/`. */
export function column(
  name: string,
  type: string,
  description: string,
  options: { priority?: number; format?: string } = {},
): TableColumnDefinition {
  return { name, type, format: options.format ?? '', description, priority: options.priority ?? 0 };
}

export const NAME_DESCRIPTION =
  'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names';
export const AGE_DESCRIPTION =
  'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata';

/** The first column of almost every kind. */
export const NAME_COLUMN = column('Name', 'string', NAME_DESCRIPTION, { format: 'name' });
/** The Age column of built-in kinds (a preformatted string). */
export const AGE_COLUMN = column('Age', 'string', AGE_DESCRIPTION);
export const CONTAINERS_COLUMN = column('Containers', 'string', 'Names of each container in the template.', { priority: 1 });
export const IMAGES_COLUMN = column('Images', 'string', 'Images referenced by each container in the template.', { priority: 1 });

export type Loose = any;

/** An integer cell: absent numbers print as 0, like Go's zero values. */
export function int(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? Math.trunc(value) : 0;
}

/** A string cell from an optional field: absent is "". */
export function str(value: unknown): string {
  return value === undefined || value === null ? '' : String(value);
}

/** `layoutContainerCells`: names and images joined with commas. */
export function containerCells(containers: unknown): [string, string] {
  const list: Loose[] = Array.isArray(containers) ? containers : [];
  return [list.map((c) => str(c?.name)).join(','), list.map((c) => str(c?.image)).join(',')];
}

/** `labels.FormatLabels`: sorted `k=v` pairs, `<none>` when empty. */
export function formatLabels(labels: unknown): string {
  const map = (labels && typeof labels === 'object' ? labels : {}) as Record<string, string>;
  const keys = Object.keys(map).sort();
  return keys.length === 0 ? '<none>' : keys.map((k) => `${k}=${map[k]}`).join(',');
}

/** `metav1.LabelSelectorAsSelector(...).String()`: "" for nil or empty, `<invalid>` when unparsable. */
export function selectorString(selector: unknown): string {
  try {
    return stringifyLabelSelector(labelSelectorFromMatch(selector as LabelSelectorSpec | undefined));
  } catch {
    return '<invalid>';
  }
}

/** `metav1.FormatLabelSelector`: like selectorString but `<none>` for nil or empty, `<error>` when unparsable. */
export function formatLabelSelectorCell(selector: unknown): string {
  try {
    const text = stringifyLabelSelector(labelSelectorFromMatch(selector as LabelSelectorSpec | undefined));
    return text === '' ? '<none>' : text;
  } catch {
    return '<error>';
  }
}

/** `intstr.IntOrString.String()`. */
export function intOrString(value: unknown): string {
  return typeof value === 'number' ? String(Math.trunc(value)) : str(value);
}

/** Go's `printBool`: "True" or "False" (callers print `<unset>` for an absent pointer, as `printBoolPtr` does). */
export function goBool(value: boolean): string {
  return value ? 'True' : 'False';
}
