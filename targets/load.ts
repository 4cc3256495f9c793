/**
 * Loads a target profile: resolves a name (`sandbox` → `targets/sandbox.yaml`) or a path, interpolates
 * `${NAME}` / `${NAME:-default}` from the environment, validates it against the schema, and reports every problem
 * as one line naming the file and the field (`targets/x.yaml: registry.host: Required`). Call it once, in the
 * Playwright config / global setup; fixtures receive the result.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { targetSchema, type Target } from './schema.ts';

export type { Target } from './schema.ts';

/** The directory holding the bundled profiles. */
export const TARGETS_DIR = path.dirname(fileURLToPath(import.meta.url));

/** The profile used when none is named. */
export const DEFAULT_TARGET = 'sandbox';

/** A loaded profile and the file it came from. */
export type LoadedTarget = Target & { readonly file: string };

export interface LoadTargetOptions {
  /** Base for relative `kubeconfig`, `artifactsDir` and `artifacts` paths; default the current directory. */
  cwd?: string;
  /**
   * Fields that replace the profile's before it is interpolated and validated (a fleet member's `overrides`):
   * mappings are merged key by key, lists and values replaced ({@link overlay}).
   */
  overrides?: Record<string, unknown>;
}

const isMapping = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** `base` with `over` laid on it: mappings merged key by key, anything else (lists included) replaced. Pure. */
export function overlay(base: unknown, over: unknown): unknown {
  if (!isMapping(base) || !isMapping(over)) return over;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) out[key] = overlay(base[key], value);
  return out;
}

/** Thrown for a bad profile; `problems` holds one line per bad field, `message` all of them. */
export class TargetError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(problems.join('\n'));
    this.name = 'TargetError';
    this.problems = problems;
  }
}

/**
 * Resolves, interpolates and validates a profile. `nameOrPath` undefined or empty → `sandbox`; a value with a
 * slash or a .yaml/.yml suffix is a path, anything else a name in `targets/`. `kubeconfig` defaults to
 * `$KUBECONFIG`. Throws {@link TargetError}.
 */
export function loadTarget(
  nameOrPath: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
  options: LoadTargetOptions = {},
): LoadedTarget {
  const file = resolveTargetFile(nameOrPath);
  const shown = displayPath(file);
  const problems: string[] = [];
  const raw = options.overrides ? overlay(readYaml(file), options.overrides) : readYaml(file);
  const interpolated = interpolate(raw, [], env, (fieldPath, problem) =>
    problems.push(`${shown}: ${fieldPath}: ${problem.message}`),
  );
  if (problems.length > 0) throw new TargetError(problems);

  const result = targetSchema.safeParse(interpolated, { error: requiredMessage });
  if (!result.success)
    throw new TargetError(result.error.issues.flatMap((issue) => issueLines(issue).map((line) => `${shown}: ${line}`)));
  const target = result.data;
  const cwd = options.cwd ?? process.cwd();
  const absolute = (p: string | undefined) => (p === undefined ? undefined : path.resolve(cwd, p));
  return {
    ...target,
    kubeconfig: absolute(target.kubeconfig ?? (env.KUBECONFIG || undefined)),
    artifactsDir: absolute(target.artifactsDir),
    artifacts:
      target.artifacts && Object.fromEntries(Object.entries(target.artifacts).map(([tag, p]) => [tag, absolute(p)!])),
    file,
  };
}

/**
 * Reads only what is needed before the target's environment exists: its name and `sandbox` block (whether global
 * setup must start a sandbox, and with which arguments). Unset `${NAME}` references are left as text here.
 */
export function peekTarget(
  nameOrPath: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): { file: string; name: string; sandbox?: { args: string[] } } {
  const file = resolveTargetFile(nameOrPath);
  const raw = interpolate(readYaml(file), [], env, () => {}) as { name?: unknown; sandbox?: { args?: unknown } | null };
  const args = raw.sandbox?.args ?? [];
  if (!Array.isArray(args) || args.some((a) => typeof a !== 'string')) {
    throw new TargetError([`${displayPath(file)}: sandbox.args: must be a list of strings`]);
  }
  const name = typeof raw.name === 'string' ? raw.name : path.basename(file).replace(/\.ya?ml$/i, '');
  return { file, name, ...(raw.sandbox === undefined ? {} : { sandbox: { args: args as string[] } }) };
}

/** The local models.tar.gz for a tag: `artifacts[tag]`, else `<artifactsDir>/<tag>/<registry.fileName>`. */
export function artifactFor(target: Target, tag: string): string {
  const mapped = target.artifacts?.[tag];
  if (mapped) return mapped;
  if (target.artifactsDir) return path.join(target.artifactsDir, tag, target.registry.fileName);
  throw new Error(`target ${target.name}: no artifact for tag ${tag} (set artifacts.${tag} or artifactsDir)`);
}

/**
 * The environment variables a profile refers to, without loading it: `interpolated` (`${NAME}` references, with
 * whether they have a default) and `credentials` (names given in `*Env` fields). Global setup uses it to know
 * what to export.
 */
export function targetEnvReferences(nameOrPath: string | undefined): {
  interpolated: Array<{ name: string; hasDefault: boolean }>;
  credentials: string[];
} {
  const text = readFileSync(resolveTargetFile(nameOrPath), 'utf8');
  const interpolated = new Map<string, boolean>();
  for (const m of text.matchAll(/(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)(:-)?/g)) {
    interpolated.set(m[1]!, (interpolated.get(m[1]!) ?? false) || m[2] !== undefined);
  }
  const credentials = [...text.matchAll(/^\s*\w+Env:\s*["']?([A-Za-z_][A-Za-z0-9_]*)/gm)].map((m) => m[1]!);
  return {
    interpolated: [...interpolated].map(([name, hasDefault]) => ({ name, hasDefault })),
    credentials: [...new Set(credentials)],
  };
}

/** The absolute file of a profile name or path; throws listing the bundled profiles when it does not exist. */
export function resolveTargetFile(nameOrPath: string | undefined): string {
  const ref = nameOrPath?.trim() || DEFAULT_TARGET;
  const isPath = ref.includes('/') || ref.includes(path.sep) || /\.ya?ml$/i.test(ref);
  const file = isPath ? path.resolve(ref) : path.join(TARGETS_DIR, `${ref}.yaml`);
  const available = () =>
    readdirSync(TARGETS_DIR)
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => f.slice(0, -'.yaml'.length))
      .join(', ');
  if (existsSync(file) && statSync(file).isDirectory()) {
    throw new TargetError([
      `target ${JSON.stringify(ref)}: ${displayPath(file) || '.'} is a directory, not a profile file: name a .yaml file in it (bundled profiles: ${available()})`,
    ]);
  }
  if (existsSync(file)) return file;
  throw new TargetError([
    `target ${JSON.stringify(ref)} not found: no file ${displayPath(file)} (available: ${available()})`,
  ]);
}

function readYaml(file: string): unknown {
  const doc = parseDocument(readFileSync(file, 'utf8'));
  const yamlError = doc.errors[0];
  if (yamlError) {
    const line = yamlError.linePos?.[0]?.line;
    const message = yamlError.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    throw new TargetError([`${displayPath(file)}: not valid YAML${line ? ` (line ${line})` : ''}: ${message}`]);
  }
  return doc.toJS() ?? {};
}

const REFERENCE = /\$\$\{|\$\{([^}]*)\}?/g;
const VARIABLE = /^([A-Za-z_][A-Za-z0-9_]*)(?::-(.*))?$/s;

type Report = (fieldPath: string, problem: { message: string; missing: boolean }) => void;

/** Replaces references in every string of the tree; `report` gets the field path and problem of each bad one. */
function interpolate(value: unknown, at: Array<string | number>, env: NodeJS.ProcessEnv, report: Report): unknown {
  if (Array.isArray(value)) return value.map((item, i) => interpolate(item, [...at, i], env, report));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolate(v, [...at, k], env, report)]));
  }
  if (typeof value !== 'string') return value;
  return value.replace(REFERENCE, (whole, inner: string | undefined) => {
    if (whole === '$${') return '${';
    const m = whole.endsWith('}') ? VARIABLE.exec(inner ?? '') : null;
    if (!m) {
      report(formatFieldPath(at), {
        message: `malformed variable reference ${whole} (use \${NAME} or \${NAME:-default})`,
        missing: false,
      });
      return whole;
    }
    const [, name, fallback] = m;
    const set = env[name!];
    if (set !== undefined && set !== '') return set;
    if (fallback !== undefined) return fallback;
    report(formatFieldPath(at), { message: `environment variable ${name} is not set (or empty)`, missing: true });
    return whole;
  });
}

/** zod error map: a missing field reads `Required`, everything else keeps zod's wording. */
function requiredMessage(issue: { code?: string; input?: unknown }): string | undefined {
  return issue.code === 'invalid_type' && issue.input === undefined ? 'Required' : undefined;
}

/** One line per bad field: an unknown-keys issue names each key on its own line. */
function issueLines(issue: z.core.$ZodIssue): string[] {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => `${formatFieldPath([...issue.path, key] as Array<string | number>)}: unknown field`);
  }
  return [`${formatFieldPath(issue.path as Array<string | number>)}: ${issue.message}`];
}

function formatFieldPath(parts: Array<string | number>): string {
  return parts.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('') || '(profile)';
}

function displayPath(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative && !relative.startsWith('..') ? relative : file;
}
