/**
 * Field selectors (`fieldSelector=metadata.name=x,status.phase!=Running`) with the parsing of
 * k8s.io/apimachinery/pkg/fields and the per-kind selectable fields and error wording of the real registries
 * (pkg/registry/<group>/<kind>/strategy.go, pkg/apis/<group>/<version>/conversion.go).
 */
import type { KubeObject } from '../kube/types.ts';
import type { Json } from '../kube/json.ts';

/** One ANDed term: `field=value`, `field==value` or `field!=value` (value unescaped). */
export interface FieldRequirement {
  field: string;
  operator: '=' | '==' | '!=';
  value: string;
}

/** A parsed field selector; no requirements matches everything. */
export interface FieldSelector {
  requirements: FieldRequirement[];
}

/** Checked in this order at every position, as fields.splitTerm does, so `==` is not read as `=`. */
const TERM_OPERATORS = ['!=', '==', '='] as const;

/** Splits on commas that are not escaped with a backslash. */
function splitTerms(text: string): string[] {
  if (text.length === 0) return [];
  const terms: string[] = [];
  let start = 0;
  let inSlash = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inSlash) inSlash = false;
    else if (ch === '\\') inSlash = true;
    else if (ch === ',') {
      terms.push(text.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(text.slice(start));
  return terms;
}

function splitTerm(term: string): { lhs: string; op: FieldRequirement['operator']; rhs: string } | undefined {
  for (let i = 0; i < term.length; i++) {
    const op = TERM_OPERATORS.find((candidate) => term.startsWith(candidate, i));
    if (op) return { lhs: term.slice(0, i), op, rhs: term.slice(i + op.length) };
  }
  return undefined;
}

/** fields.UnescapeValue: `\\`, `\,` and `\=` are the only escapes; bare `,`/`=` in a value are errors. */
function unescapeValue(value: string): string {
  let out = '';
  let inSlash = false;
  for (const ch of value) {
    if (inSlash) {
      if (ch !== '\\' && ch !== ',' && ch !== '=')
        throw new Error(`invalid field selector: invalid escape sequence: \\${ch}`);
      out += ch;
      inSlash = false;
    } else if (ch === '\\') {
      inSlash = true;
    } else if (ch === ',' || ch === '=') {
      throw new Error(`invalid field selector: unescaped character in value: ${ch.codePointAt(0)}`);
    } else {
      out += ch;
    }
  }
  if (inSlash) throw new Error('invalid field selector: invalid escape sequence: \\');
  return out;
}

/**
 * Parses a field selector string. Terms are sorted like the real parser sorts them; whitespace is significant
 * (`a = b` selects the field `a `). Throws `Error` with the server's wording on malformed input.
 */
export function parseFieldSelector(text: string): FieldSelector {
  const requirements: FieldRequirement[] = [];
  for (const part of splitTerms(text).sort()) {
    if (part === '') continue;
    const term = splitTerm(part);
    if (!term) throw new Error(`invalid selector: '${text}'; can't understand '${part}'`);
    requirements.push({ field: term.lhs, operator: term.op, value: unescapeValue(term.rhs) });
  }
  return { requirements };
}

type FieldGetter = (obj: KubeObject) => string;

interface SelectableFields {
  fields: Record<string, FieldGetter>;
  /** The conversion error the real server answers for any other field label. */
  unsupported: (label: string) => string;
}

const str = (v: unknown): string => (v === undefined || v === null ? '' : String(v));
const name: FieldGetter = (o) => o.metadata?.name ?? '';
const namespace: FieldGetter = (o) => o.metadata?.namespace ?? '';
const coreUnsupported = (label: string) => `field label not supported: ${label}`;
const defaultUnsupported = (label: string) =>
  `${JSON.stringify(label)} is not a known field selector: only "metadata.name", "metadata.namespace"`;
const namespaced = { 'metadata.name': name, 'metadata.namespace': namespace };

const involved =
  (field: string): FieldGetter =>
  (o) =>
    str((o as Json).involvedObject?.[field]);

/** Selectable fields per `group/kind`; everything else gets metadata.name and metadata.namespace only. */
const SELECTABLE: Record<string, SelectableFields> = {
  '/Pod': {
    fields: {
      ...namespaced,
      'spec.nodeName': (o) => str(o.spec?.nodeName),
      'spec.restartPolicy': (o) => str(o.spec?.restartPolicy),
      'spec.schedulerName': (o) => str(o.spec?.schedulerName),
      'spec.serviceAccountName': (o) => str(o.spec?.serviceAccountName),
      'spec.hostNetwork': (o) => String(o.spec?.hostNetwork === true),
      'status.phase': (o) => str(o.status?.phase),
      // the real strategy reads podIPs[0]; podIP is the same address when only it is set
      'status.podIP': (o) => str(o.status?.podIPs?.[0]?.ip ?? o.status?.podIP),
      'status.nominatedNodeName': (o) => str(o.status?.nominatedNodeName),
    },
    unsupported: coreUnsupported,
  },
  '/Event': {
    fields: {
      ...namespaced,
      'involvedObject.kind': involved('kind'),
      'involvedObject.namespace': involved('namespace'),
      'involvedObject.name': involved('name'),
      'involvedObject.uid': involved('uid'),
      'involvedObject.apiVersion': involved('apiVersion'),
      'involvedObject.resourceVersion': involved('resourceVersion'),
      'involvedObject.fieldPath': involved('fieldPath'),
      reason: (o) => str((o as Json).reason),
      reportingComponent: (o) => str((o as Json).reportingComponent),
      source: (o) => str((o as Json).source?.component || (o as Json).reportingComponent),
      type: (o) => str((o as Json).type),
    },
    unsupported: coreUnsupported,
  },
  '/Secret': { fields: { ...namespaced, type: (o) => str((o as Json).type) }, unsupported: coreUnsupported },
  '/Namespace': {
    fields: { 'metadata.name': name, 'status.phase': (o) => str(o.status?.phase) },
    unsupported: coreUnsupported,
  },
  '/Node': {
    fields: { 'metadata.name': name, 'spec.unschedulable': (o) => String(o.spec?.unschedulable === true) },
    unsupported: coreUnsupported,
  },
  '/ReplicationController': {
    fields: { ...namespaced, 'status.replicas': (o) => str(o.status?.replicas ?? 0) },
    unsupported: coreUnsupported,
  },
  'apps/ReplicaSet': {
    fields: { ...namespaced, 'status.replicas': (o) => str(o.status?.replicas ?? 0) },
    unsupported: coreUnsupported,
  },
  'batch/Job': {
    fields: { ...namespaced, 'status.successful': (o) => str(o.status?.succeeded ?? 0) },
    unsupported: (label) => `field label ${JSON.stringify(label)} not supported for batchv1.Job`,
  },
};

const DEFAULT_FIELDS: SelectableFields = { fields: namespaced, unsupported: defaultUnsupported };

function groupOf(apiVersion: string | undefined): string {
  const parts = (apiVersion ?? '').split('/');
  return parts.length === 2 ? parts[0] : '';
}

function selectableFor(group: string, kind: string): SelectableFields {
  return SELECTABLE[`${group === 'core' ? '' : group}/${kind}`] ?? DEFAULT_FIELDS;
}

/** The selectable field set of an object (what the real registry's GetAttrs returns), e.g. for debugging. */
export function objectFields(obj: KubeObject): Record<string, string> {
  const { fields } = selectableFor(groupOf(obj.apiVersion), obj.kind);
  return Object.fromEntries(Object.entries(fields).map(([field, get]) => [field, get(obj)]));
}

/** True when `obj` satisfies every term; unknown fields read as "" (as fields.Set.Get does). */
export function matchFieldSelector(sel: FieldSelector, obj: KubeObject): boolean {
  if (sel.requirements.length === 0) return true;
  const { fields } = selectableFor(groupOf(obj.apiVersion), obj.kind);
  return sel.requirements.every((req) => {
    const actual = Object.hasOwn(fields, req.field) ? fields[req.field](obj) : '';
    return req.operator === '!=' ? actual !== req.value : actual === req.value;
  });
}

/**
 * The error message for the first field the kind cannot be selected on (the API server answers it as a 400
 * BadRequest), or undefined when every field is supported. `group` is "" (or "core") for the core group.
 */
export function unsupportedFieldLabel(sel: FieldSelector, group: string, kind: string): string | undefined {
  const selectable = selectableFor(group, kind);
  const bad = sel.requirements.find((req) => !Object.hasOwn(selectable.fields, req.field));
  return bad ? selectable.unsupported(bad.field) : undefined;
}
