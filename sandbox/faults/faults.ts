/**
 * The sandbox's fault knobs: named, validated, changeable at run time. Each component receives the one
 * `Faults` instance and asks it at the moment the fault would bite (`faults.active('registry-down')`), so a
 * fault shows up as the component's real behaviour (HTTP errors, conditions, pod states), never as a flag
 * visible to the suite.
 *
 * A knob may be armed for a moment of the flow instead of switched on at once: `NAME[=VALUE]@TRIGGER`, where
 * TRIGGER is `oci-push` (the registry receives a manifest PUT for a tag it did not have) or `git-push` (the git
 * server accepts a push). The component that sees the moment calls `fire(trigger)`; armed knobs of that trigger
 * switch on then (event `armed`, logged by the daemon and recorded in the journal) and stay on.
 */
import { EventEmitter } from 'node:events';
import { parseDuration } from '../../helpers/durations.ts';

/** Every knob, with how its value is parsed. `flag` knobs take no value. */
export const FAULTS = {
  strategy: {
    value: 'string',
    help: 'force the Deployment strategy type (RollingUpdate|Recreate), like a mutating admission policy',
  },
  'scan-delay': { value: 'duration', help: 'image-reflector sees new tags only after this delay (e.g. 30s)' },
  'scan-error': { value: 'flag', help: 'image-reflector scans fail (ImageRepository Ready=False)' },
  'registry-down': { value: 'flag', help: 'the OCI registry answers 503 to every request' },
  'git-down': { value: 'flag', help: 'the git server answers 503 to every request' },
  'git-push-reject': { value: 'flag', help: 'the git server rejects pushes (pre-receive hook declined)' },
  'crash-on-tag': { value: 'string', help: 'the foundry container exits 1 after start when its BYO tag is this tag' },
  'corrupt-artifact': {
    value: 'string',
    help: 'the registry serves corrupted layer bytes for this tag (digest mismatch)',
  },
  'slow-download': { value: 'number', help: 'limit model download bandwidth to this many bytes per second' },
  'helm-upgrade-fail': { value: 'flag', help: 'helm upgrades fail (UpgradeFailed, remediation retries)' },
  'controller-restart': {
    value: 'string',
    help: 'restart the named Flux controller pod once (its restartCount goes up)',
  },
  pause: { value: 'string', help: 'stop the named controller from reconciling (e.g. source-controller)' },
  'clock-skew': { value: 'duration', help: 'shift every timestamp the cluster writes by this duration (e.g. -30s)' },
  'arc-agent-down': {
    value: 'flag',
    help: 'with --profile arc: the config-agent pod in azure-arc crash-loops (Deployment Available=False)',
  },
  'log-tag': {
    value: 'string',
    help: 'the foundry container downloads its real BYO tag but logs "🏷️ Tag: <this tag>"',
  },
  'git-rate-limit': {
    value: 'flag',
    help: 'the git server answers like GitHub under secondary rate limiting (HTTP 429, Retry-After)',
  },
  'git-slow': {
    value: 'duration',
    help: 'the git server delays each fetch/ls-refs response by this duration (cluster clock)',
  },
  'apply-delay': {
    value: 'duration',
    help: 'kustomize-controller applies this much later after building (cluster clock)',
  },
  'helm-delay': {
    value: 'duration',
    help: 'helm-controller starts each install/upgrade this much later (cluster clock)',
  },
  'api-rate-limit': {
    value: 'flag',
    help: 'the GitHub-shaped API (git server /api/v3) reports the core rate limit spent: remaining 0, other calls 403',
  },
  'late-restart': {
    value: 'duration',
    help: 'restart the foundry container once, this long after the first pod of a rollout became Ready (a late restart after the flow settled)',
  },
} as const satisfies Record<string, { value: 'string' | 'duration' | 'number' | 'flag'; help: string }>;

export type FaultName = keyof typeof FAULTS;

/** The moments a knob can be armed for (`NAME[=VALUE]@TRIGGER`). */
export const TRIGGERS = {
  'oci-push': 'the registry receives a manifest PUT for a tag it did not have',
  'git-push': 'the git server accepts a push',
} as const;

export type FaultTrigger = keyof typeof TRIGGERS;

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

/** A parsed `NAME[=VALUE][@TRIGGER]` knob. */
export interface FaultSetting {
  name: FaultName;
  /** The raw value as given (empty for flags). */
  raw: string;
  /** Parsed value: milliseconds for durations, a number for numbers, the string otherwise, true for flags. */
  value: string | number | true;
  /** When set, the knob waits armed for this moment instead of biting at once. */
  trigger?: FaultTrigger;
}

/** Parses `NAME[=VALUE][@TRIGGER]`, throwing one actionable line on an unknown name, value or trigger. */
export function parseFault(text: string): FaultSetting {
  const at = text.lastIndexOf('@');
  if (at < 0) return parseKnob(text);
  const trigger = text.slice(at + 1).trim();
  if (!(trigger in TRIGGERS)) {
    throw new Error(
      `unknown trigger "@${trigger}" in "${text}": use NAME[=VALUE]@TRIGGER with TRIGGER one of ${Object.keys(TRIGGERS).join(', ')}`,
    );
  }
  return { ...parseKnob(text.slice(0, at)), trigger: trigger as FaultTrigger };
}

/** `NAME=VALUE@TRIGGER` back from a setting (the `fault`/`status` display and `up --json`). */
export function faultSpec(f: FaultSetting): string {
  return `${f.raw ? `${f.name}=${f.raw}` : f.name}${f.trigger ? `@${f.trigger}` : ''}`;
}

function parseKnob(spec: string): FaultSetting {
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

/** What `fire` switched on: emitted as `armed`. */
export interface FaultFired {
  setting: FaultSetting;
  trigger: FaultTrigger;
  /** What happened, e.g. `manifest PUT foundry-local-olive-models:v0.2.0`. */
  detail: string;
}

/**
 * The live set of faults: active ones bite, armed ones wait for their trigger. Emits `change` with the active
 * list whenever it changes, and `armed` (a FaultFired) for each knob a trigger switched on.
 */
export class Faults extends EventEmitter {
  readonly #active = new Map<FaultName, FaultSetting>();
  readonly #armed = new Map<FaultName, FaultSetting>();

  constructor(initial: FaultSetting[] = []) {
    super();
    for (const f of initial) (f.trigger ? this.#armed : this.#active).set(f.name, f);
  }

  /** The setting when the fault is on, else undefined. */
  active(name: FaultName): FaultSetting | undefined {
    return this.#active.get(name);
  }

  /** Switches the knob on, or arms it when it has a trigger (replacing an earlier setting of the same name). */
  set(setting: FaultSetting): void {
    if (setting.trigger) {
      this.#armed.set(setting.name, setting);
      this.#active.delete(setting.name);
    } else {
      this.#armed.delete(setting.name);
      this.#active.set(setting.name, setting);
    }
    this.emit('change', this.list());
  }

  clear(name?: FaultName): void {
    if (name) {
      this.#active.delete(name);
      this.#armed.delete(name);
    } else {
      this.#active.clear();
      this.#armed.clear();
    }
    this.emit('change', this.list());
  }

  /** Active knobs. */
  list(): FaultSetting[] {
    return [...this.#active.values()];
  }

  /** Knobs waiting for their trigger. */
  armed(): FaultSetting[] {
    return [...this.#armed.values()];
  }

  /** The moment `trigger` happened: its armed knobs switch on now. Returns what switched on. */
  fire(trigger: FaultTrigger, detail: string): FaultFired[] {
    const fired: FaultFired[] = [];
    for (const setting of [...this.#armed.values()]) {
      if (setting.trigger !== trigger) continue;
      this.#armed.delete(setting.name);
      this.#active.set(setting.name, setting);
      fired.push({ setting, trigger, detail });
    }
    if (fired.length === 0) return fired;
    for (const f of fired) this.emit('armed', f);
    this.emit('change', this.list());
    return fired;
  }
}

/** Resolves after `ms` cluster milliseconds of `clock` (so `--time-scale` applies), or at once for 0. */
export function delayOn(clock: { after(ms: number, fn: () => void): () => void }, ms: number): Promise<void> {
  if (!(ms > 0)) return Promise.resolve();
  return new Promise((resolve) => clock.after(ms, resolve));
}
