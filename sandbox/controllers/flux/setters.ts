/**
 * image-automation-controller's Setters strategy: find scalars carrying the marker comment
 * `# {"$imagepolicy": "<ns>:<policy>[:tag|:name|:digest]"}` in YAML files under a path and set them to the
 * policy's latest image (or its tag / name / digest). Only the scalar's characters change; comments,
 * quoting and layout stay, so the commit diff is what a person would write.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseAllDocuments, visit, type Scalar } from 'yaml';

/** A policy's result as the setters use it. */
export interface PolicyResult {
  name: string;
  tag: string;
  digest?: string;
}

/** One replaced value. */
export interface SetterChange {
  file: string;
  object: { Kind: string; Name: string; Namespace: string; APIVersion: string };
  OldValue: string;
  NewValue: string;
  Setter: string;
}

const MARKER = /\{\s*"\$imagepolicy"\s*:\s*"([^"]+)"\s*\}/;

/** The value a marker asks for, or undefined when the policy has no result for it. */
function valueFor(field: string | undefined, p: PolicyResult): string | undefined {
  const table: Record<string, () => string | undefined> = {
    '': () => (p.digest ? `${p.name}:${p.tag}@${p.digest}` : `${p.name}:${p.tag}`),
    tag: () => (p.digest ? `${p.tag}@${p.digest}` : p.tag),
    name: () => p.name,
    digest: () => p.digest,
  };
  return table[field ?? '']?.();
}

function render(style: Scalar['type'], value: string): string {
  if (style === 'QUOTE_DOUBLE') return JSON.stringify(value);
  if (style === 'QUOTE_SINGLE') return `'${value.replace(/'/g, "''")}'`;
  return value;
}

/**
 * Rewrites one file's text. `policies` is keyed `<namespace>:<name>`; markers naming other policies are
 * left alone (the controller only sees policies of its own namespace).
 */
export function applySetters(
  text: string,
  file: string,
  policies: Map<string, PolicyResult>,
): { text: string; changes: SetterChange[] } {
  const edits: Array<{ start: number; end: number; value: string; change: SetterChange }> = [];
  for (const doc of parseAllDocuments(text)) {
    const js = (doc.toJS() ?? {}) as {
      kind?: string;
      apiVersion?: string;
      metadata?: { name?: string; namespace?: string };
    };
    const object = {
      Kind: js.kind ?? '',
      Name: js.metadata?.name ?? '',
      Namespace: js.metadata?.namespace ?? '',
      APIVersion: js.apiVersion ?? '',
    };
    visit(doc, {
      Scalar(_key, node) {
        const m = node.comment ? MARKER.exec(node.comment) : null;
        if (!m || !node.range) return;
        const [ns, name, field] = m[1]!.split(':');
        const policy = policies.get(`${ns}:${name}`);
        if (!policy) return;
        const value = valueFor(field, policy);
        const old = String(node.value);
        if (value === undefined || value === old) return;
        edits.push({
          start: node.range[0],
          end: node.range[1],
          value: render(node.type, value),
          change: { file, object, OldValue: old, NewValue: value, Setter: m[1]! },
        });
      },
    });
  }
  let out = text;
  for (const e of edits.sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.value + out.slice(e.end);
  return { text: out, changes: edits.map((e) => e.change).reverse() };
}

/** Applies setters to every YAML file under `dir/updatePath`; returns the changes (paths relative to `dir`). */
export async function applySettersInTree(
  dir: string,
  updatePath: string,
  policies: Map<string, PolicyResult>,
): Promise<SetterChange[]> {
  const root = path.resolve(dir, updatePath);
  if (!root.startsWith(path.resolve(dir))) throw new Error(`update path '${updatePath}' escapes the repository`);
  const changes: SetterChange[] = [];
  const walk = async (abs: string): Promise<void> => {
    for (const entry of (await readdir(abs, { withFileTypes: true }).catch(() => [])).sort((a, b) =>
      a.name.localeCompare(b.name),
    )) {
      if (entry.name === '.git') continue;
      const full = path.join(abs, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (/\.ya?ml$/.test(entry.name)) {
        const text = await readFile(full, 'utf8');
        if (!text.includes('$imagepolicy')) continue;
        const rel = path.relative(dir, full).split(path.sep).join('/');
        const result = applySetters(text, rel, policies);
        if (result.changes.length) {
          await writeFile(full, result.text);
          changes.push(...result.changes);
        }
      }
    }
  };
  await walk(root);
  return changes;
}
