/**
 * The sandbox's fault knobs: named, validated, changeable at run time. Each component receives the one
 * `Faults` instance and asks it at the moment the fault would bite (`faults.active('registry-down')`), so a
 * fault shows up as the component's real behaviour (HTTP errors, conditions, pod states), never as a flag
 * visible to the suite.
 */
import { EventEmitter } from 'node:events';
import { parseDuration } from '../../helpers/durations.ts';

/** Every knob, with how its value is parsed. `flag` knobs take no value. */
export const FAULTS = {
  strategy: { value: 'string', help: 'force the Deployment strategy type (RollingUpdate|Recreate), like a mutating admission policy' },
  'scan-delay': { value: 'duration', help: 'image-reflector sees new tags only after this delay (e.g. 30s)' },
  'scan-error': { value: 'flag', help: 'image-reflector scans fail (ImageRepository Ready=False)' },
  'registry-down': { value: 'flag', help: 'the OCI registry answers 503 to every request' },
  'git-down': { value: 'flag', help: 'the git server answers 503 to every request' },
  'git-push-reject': { value: 'flag', help: 'the git server rejects pushes (pre-receive hook declined)' },
  'crash-on-tag': { value: 'string', help: 'the foundry container exits 1 after start when its BYO tag is this tag' },
  'corrupt-artifact': { value: 'string', help: 'the registry serves corrupted layer bytes for this tag (digest mismatch)' },
  'slow-download': { value: 'number', help: 'limit model download bandwidth to this many bytes per second' },
  'helm-upgrade-fail': { value: 'flag', help: 'helm upgrades fail (UpgradeFailed, remediation retries)' },
  'controller-restart': { value: 'string', help: 'restart the named Flux controller pod once (its restartCount goes up)' },
  pause: { value: 'string', help: 'stop the named controller from reconciling (e.g. source-controller)' },
  'clock-skew': { value: 'duration', help: 'shift every timestamp the cluster writes by this duration (e.g. -30s)' },
  'api-rate-limit': { value: 'flag', help: 'the GitHub-shaped API (git server /api/v3) reports the core rate limit spent: remaining 0, other calls 403' },
  'late-restart': { value: 'duration', help: 'restart the foundry container once, this long after the first pod of a rollout became Ready (a late restart after the flow settled)' },
} as const satisfies Record<string, { value: 'string' | 'duration' | 'number' | 'flag'; help: string }>;

export type FaultName = keyof typeof FAULTS;

/** Parses a Go duration (`1m30s`, `-500ms`, `0`) into milliseconds; throws one line on anything Go would reject. */
export function parseGoDuration(text: string): number {
  try {
    return parseDuration(text);
  } catch {
    throw new Error(`invalid duration "${text}" (use Go syntax such as 30s, 1m30s, 500ms)`);
  }
}

/** Returns `name` as a FaultName, or throws one line listing the known faults. */
export function assertFaultName(name: string): FaultName {
  if (!(name in FAULTS)) throw new Error(`unknown fault "${name}": known faults are ${Object.keys(FAULTS).join(', ')}`);
  return name as FaultName;
}

/** A parsed `NAME[=VALUE]` knob. */
export interface FaultSetting {
  name: FaultName;
  /** The raw value as given (empty for flags). */
  raw: string;
  /** Parsed value: milliseconds for durations, a number for numbers, the string otherwise, true for flags. */
  value: string | number | true;
}

/** Parses `NAME[=VALUE]`, throwing one actionable line on an unknown name or a bad value. */
export function parseFault(spec: string): FaultSetting {
  const eq = spec.indexOf('=');
  const name = (eq < 0 ? spec : spec.slice(0, eq)).trim();
  const raw = eq < 0 ? '' : spec.slice(eq + 1).trim();
  const kind = FAULTS[assertFaultName(name)].value;
  if (kind === 'flag') {
    if (raw !== '' && raw !== 'true') throw new Error(`fault "${name}" takes no value (got "${raw}")`);
    return { name: name as FaultName, raw, value: true };
  }
  if (raw === '') throw new Error(`fault "${name}" needs a value: --fault ${name}=<${kind}>`);
  if (kind === 'duration') return { name: name as FaultName, raw, value: parseGoDuration(raw) };
  if (kind === 'number') {
    const n = Number(raw);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`fault "${name}" needs a positive number (got "${raw}")`);
    return { name: name as FaultName, raw, value: n };
  }
  if (name === 'strategy' && raw !== 'RollingUpdate' && raw !== 'Recreate') {
    throw new Error(`fault "strategy" must be RollingUpdate or Recreate (got "${raw}")`);
  }
  return { name: name as FaultName, raw, value: raw };
}

/** The live set of active faults. Emits `change` with the full list whenever it changes. */
export class Faults extends EventEmitter {
  readonly #active = new Map<FaultName, FaultSetting>();

  constructor(initial: FaultSetting[] = []) {
    super();
    for (const f of initial) this.#active.set(f.name, f);
  }

  /** The setting when the fault is on, else undefined. */
  active(name: FaultName): FaultSetting | undefined {
    return this.#active.get(name);
  }

  set(setting: FaultSetting): void {
    this.#active.set(setting.name, setting);
    this.emit('change', this.list());
  }

  clear(name?: FaultName): void {
    if (name) this.#active.delete(name);
    else this.#active.clear();
    this.emit('change', this.list());
  }

  list(): FaultSetting[] {
    return [...this.#active.values()];
  }
}
