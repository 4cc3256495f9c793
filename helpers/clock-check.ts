/**
 * Cross-checking the suite's clock with the controllers': for each checkpoint seen both ways, how far the client
 * time (watch arrival) is from the controller's status time. Kubernetes and Flux write whole seconds, and an event
 * arrives after it was written, so a healthy difference lies in (−latency, 1 s + latency); anything outside the
 * tolerance suggests clock skew between the machine and the cluster.
 */
import { formatDuration } from './durations.ts';

export interface ClockSample {
  name: string;
  clientAt: number;
  serverAt: number;
}

export interface ClockCheck {
  /** clientAt − serverAt per checkpoint. */
  samples: Array<{ name: string; deltaMs: number }>;
  /** Samples outside the tolerance. */
  suspicious: string[];
  summary: string;
}

/** Compares the times; `toleranceMs` is how far beyond the [0, 1 s) rounding window a sample may lie. */
export function checkClocks(samples: readonly ClockSample[], toleranceMs = 2_000): ClockCheck {
  const rows = samples.map((s) => ({ name: s.name, deltaMs: s.clientAt - s.serverAt }));
  const suspicious = rows
    .filter((r) => r.deltaMs < -toleranceMs || r.deltaMs > 1_000 + toleranceMs)
    .map((r) => `${r.name}: client ${r.deltaMs >= 0 ? '+' : ''}${formatDuration(r.deltaMs)} from the controller`);
  if (rows.length === 0) return { samples: [], suspicious: [], summary: 'no checkpoint carries a controller time' };
  const max = rows.reduce((a, b) => (Math.abs(b.deltaMs) > Math.abs(a.deltaMs) ? b : a));
  const summary = suspicious.length
    ? `clock skew suspected: ${suspicious.join('; ')}`
    : `client and controller clocks agree (${rows.length} checkpoints, largest difference ${formatDuration(max.deltaMs)} at ${max.name})`;
  return { samples: rows, suspicious, summary };
}
