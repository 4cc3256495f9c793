/**
 * Sandbox numbers: how long `gitops-sandbox up` takes (cold: tsx's transpile cache disabled, so every
 * TypeScript file is compiled again; warm: cache filled), what the idle daemon and its children cost in CPU and
 * memory over 30 s after the bootstrap's first deploy, and the plan's flow at default intervals (time scale 1):
 * push v0.2.0 → ImagePolicy → git edit + push → GitRepository → HelmRelease v2 → new pod Ready with v0.2.0.
 *
 * Run: npx tsx scripts/bench-sandbox.ts [--idle-seconds 30] [--warm-runs 3]
 */
import { readdirSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { pushModels } from 'gitops-sandbox/testing/model-push';
import { SandboxRun } from 'gitops-sandbox/testing/sandbox-cli';
import { SandboxWorld } from 'gitops-sandbox/testing/sandbox-world';

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ; 100 on Linux x86-64). */
const CLK_TCK = 100;
const FLOW_TIMEOUT_MS = 300_000;

/** CPU ticks and RSS of one process, from /proc. */
interface ProcSample {
  pid: number;
  ppid: number;
  pgrp: number;
  /** utime + stime */
  ticks: number;
  /** cutime + cstime: children already reaped */
  childTicks: number;
  rssKb: number;
}

function readProc(pid: number): ProcSample | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces and parentheses: fields start after the last ')'.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const rss = /^VmRSS:\s+(\d+) kB/m.exec(status);
    return {
      pid,
      ppid: Number(f[1]),
      pgrp: Number(f[2]),
      ticks: Number(f[11]) + Number(f[12]),
      childTicks: Number(f[13]) + Number(f[14]),
      rssKb: rss ? Number(rss[1]) : 0,
    };
  } catch {
    return undefined; // exited meanwhile
  }
}

/** The daemon and every process in its group or below it. */
function sampleGroup(daemon: number): Map<number, ProcSample> {
  const all = readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map((d) => readProc(Number(d)))
    .filter((p): p is ProcSample => !!p);
  const members = new Map<number, ProcSample>();
  for (const p of all) if (p.pid === daemon || p.pgrp === daemon) members.set(p.pid, p);
  let grew = true;
  while (grew) {
    grew = false;
    for (const p of all) {
      if (!members.has(p.pid) && members.has(p.ppid)) {
        members.set(p.pid, p);
        grew = true;
      }
    }
  }
  return members;
}

/**
 * CPU % (of one core) and RSS of the group over `seconds`, sampled each second. CPU = the daemon's own and
 * reaped children's ticks, plus ticks of children seen alive in two consecutive samples.
 */
async function idleUsage(
  daemon: number,
  seconds: number,
): Promise<{ cpuPercent: number; rssAvgMb: number; rssMaxMb: number; processes: number }> {
  let previous = sampleGroup(daemon);
  let ticks = 0;
  const rss: number[] = [];
  let processes = 0;
  const started = performance.now();
  for (let i = 0; i < seconds; i++) {
    // A fixed sampling period is the measurement itself here, not synchronisation.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const current = sampleGroup(daemon);
    for (const [pid, now] of current) {
      const before = previous.get(pid);
      if (!before) continue;
      ticks += now.ticks - before.ticks + (pid === daemon ? now.childTicks - before.childTicks : 0);
    }
    rss.push([...current.values()].reduce((kb, p) => kb + p.rssKb, 0));
    processes = Math.max(processes, current.size);
    previous = current;
  }
  const elapsed = (performance.now() - started) / 1000;
  return {
    cpuPercent: (ticks / CLK_TCK / elapsed) * 100,
    rssAvgMb: rss.reduce((a, b) => a + b, 0) / rss.length / 1024,
    rssMaxMb: Math.max(...rss) / 1024,
    processes,
  };
}

/** `up` then `down`, timed; returns [up wall ms, daemon-reported startupMs, down wall ms]. */
async function upDown(env: Record<string, string>): Promise<[number, number, number]> {
  const run = await SandboxRun.up([], env);
  const down = await run.down();
  return [run.upResult.ms, run.info.startupMs, down.ms];
}

async function flow(world: SandboxWorld): Promise<Array<[string, number]>> {
  const marks: Array<[string, number]> = [];
  const clone = await world.cloned(); // preparation, not part of the flow
  const t0 = performance.now();
  const mark = (what: string) => marks.push([what, performance.now() - t0]);
  await pushModels(world.info, 'v0.2.0');
  mark('OCI push v0.2.0 done');
  await world.policyAt('v0.2.0', FLOW_TIMEOUT_MS);
  mark('ImagePolicy resolved v0.2.0');
  const old = await world.readyFoundryPod(FLOW_TIMEOUT_MS);
  await clone.setTag('v0.2.0');
  const sha = await clone.commit('Deliver models v0.2.0');
  const push = await clone.push();
  if (push.exitCode !== 0) throw new Error(`git push failed: ${push.stderr}`);
  mark('git push of the tag edit done');
  await world.revisionAt(sha, FLOW_TIMEOUT_MS);
  mark('GitRepository at the pushed revision');
  for (const name of world.info.objects.kustomizations) {
    await world.appliedAt(name, sha, FLOW_TIMEOUT_MS);
    mark(`Kustomization ${name} applied it`);
  }
  await world.release(2, FLOW_TIMEOUT_MS);
  mark('HelmRelease v2 Ready (upgrade succeeded)');
  const fresh = await world.readyFoundryPod(FLOW_TIMEOUT_MS, [old.metadata.name]);
  const logs = await world.shell.mustKubectl(['logs', '-n', world.ns, fresh.metadata.name]);
  if (!/🏷️ Tag: v0\.2\.0/.test(logs)) throw new Error(`new pod ${fresh.metadata.name} does not log Tag: v0.2.0`);
  mark('new pod Ready with 🏷️ Tag: v0.2.0');
  return marks;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { 'idle-seconds': { type: 'string', default: '30' }, 'warm-runs': { type: 'string', default: '3' } },
  });
  const idleSeconds = Number(values['idle-seconds']);
  const warmRuns = Number(values['warm-runs']);
  console.log(`bench-sandbox on ${process.version}, ${(await import('node:os')).cpus().length} CPUs (shared)\n`);

  const cold = await upDown({ TSX_DISABLE_CACHE: '1' });
  console.log(
    `up, cold (TSX_DISABLE_CACHE=1):   ${seconds(cold[0])} wall (daemon start ${seconds(cold[1])}); down ${seconds(cold[2])}`,
  );
  await upDown({}); // fills tsx's cache
  const warm: Array<[number, number, number]> = [];
  for (let i = 0; i < warmRuns; i++) warm.push(await upDown({}));
  console.log(
    `up, warm (median of ${warmRuns}):        ${seconds(median(warm.map((w) => w[0])))} wall (daemon start ${seconds(median(warm.map((w) => w[1])))}); down ${seconds(median(warm.map((w) => w[2])))}`,
  );
  console.log(`  warm runs: ${warm.map((w) => seconds(w[0])).join(', ')}`);

  const world = await SandboxWorld.start(['--bootstrap']);
  try {
    console.log(`\nup --bootstrap (time scale 1):    ${seconds(world.run.upResult.ms)} wall`);
    const deployStarted = performance.now();
    await world.initialDeploy(FLOW_TIMEOUT_MS);
    console.log(
      `  first deploy after up:          ${seconds(performance.now() - deployStarted)} (release v1 + foundry pod Ready)`,
    );
    const idle = await idleUsage(world.info.pid, idleSeconds);
    console.log(
      `\nidle over ${idleSeconds} s (daemon pid ${world.info.pid} + children, up to ${idle.processes} processes):`,
    );
    console.log(
      `  CPU ${idle.cpuPercent.toFixed(1)} % of one core; RSS avg ${idle.rssAvgMb.toFixed(0)} MB, max ${idle.rssMaxMb.toFixed(0)} MB`,
    );

    console.log('\nflow at default intervals (time scale 1), from the start of the OCI push:');
    for (const [what, ms] of await flow(world)) console.log(`  ${seconds(ms).padStart(9)}  ${what}`);
  } finally {
    await world.stop();
  }
}

main().catch((err: Error) => {
  console.error(err.stack ?? String(err));
  process.exit(1);
});
