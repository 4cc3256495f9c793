/**
 * The contract between tables.ts and the per-kind printers, plus the cell helpers the real printers share
 * (k8s.io/kubernetes/pkg/printers/internalversion): container layout, label formatting, selector strings.
 * A built-in kind's printer is data: a list of columns, each its definition plus the getter of its cell
 * (`printer([...])`), so a column and its cell cannot drift apart.
 * A printer always produces the wide cells: the API server renders Tables with `Wide: true` and kubectl
 * hides `priority > 0` columns itself unless `-o wide`.
 */
import type { Json } from '../kube/json.ts';
import type { KubeObject } from '../kube/types.ts';
import { timestampAge } from './human-duration.ts';
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

/** One column of a built-in kind: its definition and the getter of its cell. */
export interface ColumnSpec extends TableColumnDefinition {
  cell: (obj: Json, now: Date) => unknown;
}

/**
 * A printer from its columns. `view` turns the object into what the getters read first (e.g. an
 * events.k8s.io Event into core/v1 field names); `conditions` adds row conditions (pods).
 */
export function printer(
  specs: ColumnSpec[],
  options: { view?: (obj: Json) => Json; conditions?: Printer['conditions'] } = {},
): Printer {
  const view = options.view ?? ((obj: Json) => obj);
  return {
    columns: specs.map(({ name, type, format, description, priority }) => ({
      name,
      type,
      format,
      description,
      priority,
    })),
    cells: (obj, now) => {
      const o = view(obj);
      return specs.map((spec) => spec.cell(o, now));
    },
    ...(options.conditions ? { conditions: options.conditions } : {}),
  };
}

/** A column spec: `col('Ready', 'integer', 'The number of …', intAt('status.readyReplicas'))`. */
export function col(
  name: string,
  type: string,
  description: string,
  cell: ColumnSpec['cell'],
  options: { priority?: number; format?: string } = {},
): ColumnSpec {
  return { ...column(name, type, description, options), cell };
}

/** The value at a dotted path (`spec.template.spec.containers`), undefined where a step is missing. */
export function at(obj: Json, path: string): Json {
  return path.split('.').reduce((value, key) => value?.[key], obj);
}

/** Getter of an integer cell at `path` (absent: 0). */
export const intAt = (path: string) => (o: Json) => int(at(o, path));
/** Getter of a string cell at `path` (absent: ""). */
export const strAt = (path: string) => (o: Json) => str(at(o, path));

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

/** The Name column with its cell: the first column of almost every kind. */
export const NAME = col('Name', 'string', NAME_DESCRIPTION, strAt('metadata.name'), { format: 'name' });
/** The Age column of built-in kinds with its cell (a preformatted string: `5m`, `2d3h`). */
export const AGE = col('Age', 'string', AGE_DESCRIPTION, (o, now) => timestampAge(o.metadata?.creationTimestamp, now));

/** `layoutContainerCells` of the pod template whose containers are at `path`: the wide Containers and Images columns. */
export function templateColumns(path: string): ColumnSpec[] {
  const list = (o: Json): Json[] => (Array.isArray(at(o, path)) ? at(o, path) : []);
  return [
    col(
      'Containers',
      'string',
      'Names of each container in the template.',
      (o) =>
        list(o)
          .map((c) => str(c?.name))
          .join(','),
      { priority: 1 },
    ),
    col(
      'Images',
      'string',
      'Images referenced by each container in the template.',
      (o) =>
        list(o)
          .map((c) => str(c?.image))
          .join(','),
      { priority: 1 },
    ),
  ];
}

/** An integer cell: absent numbers print as 0, like Go's zero values. */
export function int(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? Math.trunc(value) : 0;
}

/** A string cell from an optional field: absent is "". */
export function str(value: unknown): string {
  return value === undefined || value === null ? '' : String(value);
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
