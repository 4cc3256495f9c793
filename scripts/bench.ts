/**
 * `npm run bench`: the figures of issue 11 in one table, with the machine's load beside it.
 *
 * - OCI push and pull of a 1 GiB blob by the built-in client against curl, to the embedded registry and to CNCF
 *   distribution (`/usr/bin/docker-registry`), alternating runs, medians; the client's peak RSS (scripts/bench/oci.ts);
 * - the twin's reaction times with 1,000 extra tags and 200 other pods against the idle case (scripts/bench/scale.ts);
 * - with `--suite`: one `npx playwright test`, then the suite's requests per minute by verb from the sandbox's
 *   per-client counters (requests.json in its state dir), for the whole run and for the flow after the bootstrap
 *   command (scripts/bench/requests.ts), without the bootstrap command's clients; and the
 *   detection error of the suite's waits against the API server's commit times (scripts/bench/detection.ts); its
 *   start-up and phase-to-phase overhead from the same file's request timeline and summary.json's phase dates
 *   (scripts/bench/suite-timing.ts); without it those rows say "pending".
 *
 * Options: --size-mib N (1024), --runs N (3), --rounds N (3, scale), --only oci|scale|suite, --suite.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { execa } from 'execa';
import { DistributionRegistry } from 'gitops-sandbox/registry/distribution';
import { Registry } from 'gitops-sandbox/registry';
import type { ClientRequests, RequestDetail, TimelineEntry } from 'gitops-sandbox/apiserver/request-log';
import { detectionError, type CommitLine, type DetectionLine } from './bench/detection.ts';
import { benchOci, makeBlobFile, type OciFigures } from './bench/oci.ts';
import { BENCH_CLIENT, liveRequests, requestsSince } from './bench/requests.ts';
import { benchScale, type ScaleFigures } from './bench/scale.ts';
import { suiteTiming, type DatedPhase } from './bench/suite-timing.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const USER = 'bench';
const PASSWORD = 'bench-password';

interface Row {
  figure: string;
  measured: string;
  target: string;
  verdict: 'meets' | 'misses' | 'pending' | '';
}

const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' / ');
const log = (line: string) => process.stderr.write(`${line}\n`);

async function oci(sizeMib: number, runs: number): Promise<OciFigures[]> {
  const work = await mkdtemp(path.join(os.tmpdir(), 'bench-oci-'));
  try {
    const file = path.join(work, 'blob.bin');
    log(`oci: writing a ${sizeMib} MiB blob`);
    await makeBlobFile(file, sizeMib * 1024 * 1024);
    const registries: [string, Registry | DistributionRegistry][] = [
      ['embedded registry', new Registry({ root: path.join(work, 'embedded'), user: USER, password: PASSWORD })],
    ];
    if (await DistributionRegistry.available()) {
      registries.push([
        'CNCF distribution',
        new DistributionRegistry({ root: path.join(work, 'distribution'), user: USER, password: PASSWORD }),
      ]);
    } else {
      log('oci: /usr/bin/docker-registry is not installed; distribution rows skipped');
    }
    const figures: OciFigures[] = [];
    for (const [name, registry] of registries) {
      await registry.start();
      try {
        log(`oci: ${name}`);
        figures.push(await benchOci({ name, host: registry.host, user: USER, password: PASSWORD }, file, runs, work));
      } finally {
        await registry.stop();
      }
    }
    return figures;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

function ociRows(figures: OciFigures[], sizeMib: number): Row[] {
  const rows: Row[] = [];
  for (const f of figures) {
    for (const [what, mine, curl, rss] of [
      ['push', f.pushMBps, f.curlPushMBps, f.pushRssMB],
      ['pull', f.pullMBps, f.curlPullMBps, f.pullRssMB],
    ] as const) {
      const ratio = mine / curl;
      rows.push({
        figure: `OCI ${what} ${sizeMib} MiB, ${f.registry}`,
        measured: `${mine.toFixed(0)} MB/s vs curl ${curl.toFixed(0)} MB/s = ${ratio.toFixed(2)}×`,
        target: '≥ 0.80× curl',
        verdict: ratio >= 0.8 ? 'meets' : 'misses',
      });
      rows.push({
        figure: `  client peak RSS (${what})`,
        measured: `${rss.toFixed(0)} MB`,
        target: '≤ 150 MB',
        verdict: rss <= 150 ? 'meets' : 'misses',
      });
    }
  }
  return rows;
}

function scaleRows(scale: ScaleFigures): Row[] {
  const rows: Row[] = [];
  for (const [what, empty] of Object.entries(scale.empty)) {
    const loaded = scale.loaded[what]!;
    const ratio = loaded / empty;
    // Journal timestamps are whole milliseconds: a figure of a few ms cannot be judged finer than that.
    rows.push({
      figure: `twin: ${what}`,
      measured: `${loaded.toFixed(0)} ms vs ${empty.toFixed(0)} ms empty = ${ratio.toFixed(2)}×`,
      target: '≤ 1.10× empty (or +2 ms)',
      verdict: ratio <= 1.1 || loaded - empty <= 2 ? 'meets' : 'misses',
    });
  }
  return rows;
}

/** Requests per minute by verb (discovery, openapi and non-resource paths by name) of some clients over `minutes`. */
function byVerb(clients: readonly ClientRequests[], minutes: number): string {
  const counts: Record<string, number> = {};
  for (const c of clients) {
    for (const [call, n] of Object.entries(c.calls)) {
      const [verb, resource] = call.split(' ');
      const kind =
        resource === 'discovery' || resource === 'openapi' || resource?.startsWith('/') ? `${verb} ${resource}` : verb!;
      counts[kind] = (counts[kind] ?? 0) + n;
    }
  }
  return Object.entries(counts)
    .sort(([, a], [, b]) => b - a)
    .map(([verb, n]) => `${verb} ${(n / minutes).toFixed(1)}`)
    .join(', ');
}

/** One row per client: its rate and its most frequent calls. */
function clientRows(prefix: string, detail: RequestDetail): Row[] {
  return Object.entries(detail.clients)
    .sort(([, a], [, b]) => b.total - a.total)
    .map(([client, c]) => {
      const top = Object.entries(c.calls)
        .sort(([, a], [, b]) => b - a)
        .slice(0, 4)
        .map(([call, n]) => `${call} ${n}`)
        .join(', ');
      return {
        figure: `${prefix} ${client}`,
        measured: `${c.perMinute} (${c.total} in all: ${top})`,
        target: '',
        verdict: '',
      };
    });
}

/**
 * One `npx playwright test` against a fresh sandbox, then the suite's requests from the sandbox's requests.json:
 * for the whole run, and for the flow's steady state (from the end of the bootstrap command, whose counters are
 * read live at that moment, to the end of the run).
 */
async function suite(): Promise<Row[]> {
  const stateDir = path.join(ROOT, 'reports', '.sandbox');
  const runDir = path.join(ROOT, 'reports', 'run');
  const lines = async <T>(file: string): Promise<T[]> =>
    (await readFile(path.join(runDir, file), 'utf8').catch(() => ''))
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as T);
  await rm(path.join(stateDir, 'requests.json'), { force: true });
  const started = Date.now();
  log('suite: npx playwright test');
  const child = execa('npx', ['playwright', 'test'], {
    cwd: ROOT,
    reject: false,
    all: true,
    env: { ...process.env, CI: '1' },
  });
  // The moment the bootstrap command is done (the ledger's line), the counters so far, read live.
  let running = true;
  const atBootstrap = (async () => {
    while (running) {
      const end = (await lines<{ type: string; at: number }>('ledger.jsonl')).find(
        (e) => e.type === 'bootstrap' && e.at >= started,
      )?.at;
      if (end !== undefined) return { end, detail: await liveRequests(stateDir) };
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return undefined;
  })().catch((err: Error) => {
    log(`suite: counters at the bootstrap's end not read (${err.message})`);
    return undefined;
  });
  const run = await child;
  running = false;
  const wall = (Date.now() - started) / 1000;
  const bootstrap = await atBootstrap;
  const detail = JSON.parse(await readFile(path.join(stateDir, 'requests.json'), 'utf8')) as RequestDetail & {
    timeline?: TimelineEntry[];
  };
  delete detail.clients[`${BENCH_CLIENT}/1`];
  // The bootstrap command (the profile's script, with whatever kubectl it finds) is not the suite: a client other
  // than the suite's library whose every request came before the bootstrap ended is the bootstrap's. helm is the
  // sandbox's helm-controller running the helm binary. The sandbox's other parts make no HTTP requests.
  const bootstrapClients = Object.entries(detail.clients)
    .filter(([client, c]) => !client.startsWith('gitops-e2e/') && bootstrap !== undefined && c.last <= bootstrap.end)
    .map(([client]) => client);
  const isSuite = (client: string) => !client.startsWith('helm/') && !bootstrapClients.includes(client);
  const rows: Row[] = [
    {
      figure: 'suite run (npx playwright test)',
      measured: `exit ${run.exitCode}, ${wall.toFixed(1)} s`,
      target: 'green',
      verdict: run.exitCode === 0 ? 'meets' : 'misses',
    },
  ];
  rows.push(...(await timingRows(started, detail.timeline ?? [], String(run.all ?? ''))));
  rows.push(...clientRows('requests/min, whole run,', detail));
  const whole = Object.entries(detail.clients)
    .filter(([client]) => isSuite(client))
    .map(([, c]) => c);
  const total = whole.reduce((n, c) => n + c.total, 0);
  const minutes = (Math.max(...whole.map((c) => c.last)) - Math.min(...whole.map((c) => c.first))) / 60_000;
  const excluded = bootstrapClients.length
    ? `without the bootstrap's ${bootstrapClients.join(', ')}`
    : 'no bootstrap client told apart';
  rows.push({
    figure: 'suite requests/min by verb, whole run',
    measured: byVerb(whole, minutes),
    target: '',
    verdict: '',
  });
  rows.push({
    figure: 'requests/min, suite clients, whole run',
    measured: `${(total / minutes).toFixed(0)} (${total} over ${minutes.toFixed(1)} min, start-up included, ${excluded})`,
    target: '',
    verdict: '',
  });
  if (bootstrap) {
    const after = requestsSince(detail, bootstrap.detail, bootstrap.end);
    for (const client of Object.keys(after.clients)) if (!isSuite(client)) delete after.clients[client];
    const flow = Object.values(after.clients);
    const flowTotal = flow.reduce((n, c) => n + c.total, 0);
    const flowMinutes = (Math.max(...flow.map((c) => c.last)) - bootstrap.end) / 60_000;
    rows.push(...clientRows('requests/min, flow,', after));
    rows.push({
      figure: 'suite requests/min by verb, flow',
      measured: byVerb(flow, flowMinutes),
      target: '',
      verdict: '',
    });
    rows.push({
      figure: 'requests/min, suite clients, flow (after the bootstrap)',
      measured: `${(flowTotal / flowMinutes).toFixed(1)} (${flowTotal} over ${flowMinutes.toFixed(2)} min)`,
      target: '≤ 20',
      verdict: flowTotal / flowMinutes <= 20 ? 'meets' : 'misses',
    });
  } else {
    rows.push({
      figure: 'requests/min, suite clients, flow (after the bootstrap)',
      measured: 'the bootstrap did not run (no ledger line), or its counters could not be read',
      target: '≤ 20',
      verdict: 'pending',
    });
  }
  const figures = detectionError(
    await lines<DetectionLine>('detections.jsonl'),
    await lines<CommitLine>('sandbox-journal.jsonl'),
  );
  rows.push(
    figures
      ? {
          figure: 'detection error vs journal p50/p95/max',
          measured: `${figures.p50} / ${figures.p95} / ${figures.max} ms (${figures.count} changes waited on, earliest ${figures.min} ms${figures.unmatched ? `, ${figures.unmatched} not in the journal` : ''})`,
          target: 'never early; p95 ≤ 50 ms',
          verdict: figures.min >= 0 && figures.p95 <= 50 ? 'meets' : 'misses',
        }
      : {
          figure: 'detection error vs journal p50/p95/max',
          measured: 'no detection matched the sandbox journal (reports/run/detections.jsonl, sandbox-journal.jsonl)',
          target: 'never early; p95 ≤ 50 ms',
          verdict: 'misses',
        },
  );
  return rows;
}

/** Start-up and phase-to-phase overhead of the run, from the request timeline and summary.json's phase dates. */
async function timingRows(spawnedAt: number, timeline: TimelineEntry[], output: string): Promise<Row[]> {
  const summary = JSON.parse(await readFile(path.join(ROOT, 'reports', 'summary.json'), 'utf8')) as {
    phases: DatedPhase[];
  };
  const t = suiteTiming(spawnedAt, timeline, summary.phases);
  // Global setup says how long the sandbox took to start: the twin's share of the start-up, not the suite's.
  const sandboxUp = /sandbox up in ([\d.]+)s/.exec(output)?.[1];
  const startup = t.startupMs === undefined ? undefined : t.startupMs / 1000;
  const own = startup === undefined ? undefined : startup - (sandboxUp ? Number(sandboxUp) : 0);
  return [
    {
      figure: 'suite start-up to first API request',
      measured:
        startup === undefined
          ? 'no request in the timeline'
          : `${startup.toFixed(1)} s${sandboxUp ? ` (sandbox up ${sandboxUp} s of it; the suite's own ${(startup - Number(sandboxUp)).toFixed(1)} s)` : ''}`,
      target: "≤ 3 s (the suite's own)",
      // The twin's start is the target's, not the suite's: a real cluster is up already.
      verdict: own !== undefined && own <= 3 ? 'meets' : 'misses',
    },
    {
      figure: 'phase-to-phase overhead',
      measured: `${(t.overheadMs / 1000).toFixed(1)} s over ${t.gaps.length} phase changes (${t.gaps.map((g) => (g.ms / 1000).toFixed(1)).join(' + ')}), to each phase's own code; between the tests (runner, worker) ${(t.gaps.reduce((n, g) => n + g.workerMs, 0) / 1000).toFixed(1)} s of it, the rest fixture set-up; to each phase's first API request ${(t.gaps.reduce((n, g) => n + g.toRequestMs, 0) / 1000).toFixed(1)} s (${t.gaps.map((g) => (g.toRequestMs / 1000).toFixed(1)).join(' + ')}: set-up and the phase's own work before it)`,
      target: '≤ 3 s',
      verdict: t.gaps.length > 0 && t.overheadMs <= 3000 ? 'meets' : 'misses',
    },
  ];
}

function pendingSuiteRows(): Row[] {
  return [
    {
      figure: 'suite requests/min by verb',
      measured: 'run with --suite (one npx playwright test)',
      target: '≤ 20',
      verdict: 'pending',
    },
    {
      figure: 'suite start-up to first API request',
      measured: 'run with --suite (one npx playwright test)',
      target: '≤ 3 s',
      verdict: 'pending',
    },
    {
      figure: 'phase-to-phase overhead',
      measured: 'run with --suite (one npx playwright test)',
      target: '≤ 3 s',
      verdict: 'pending',
    },
    {
      figure: 'detection error vs journal p50/p95/max',
      measured: 'run with --suite (one npx playwright test)',
      target: 'never early; p95 ≤ 50 ms',
      verdict: 'pending',
    },
  ];
}

function print(rows: Row[], before: string, after: string): void {
  const widths = [0, 1, 2, 3].map((i) =>
    Math.max(
      ...[
        ['figure', 'measured', 'target', 'verdict'],
        ...rows.map((r) => [r.figure, r.measured, r.target, r.verdict]),
      ].map((r) => r[i]!.length),
    ),
  );
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  console.log(
    `load average (1/5/15 min) before: ${before}; after: ${after}; ${os.cpus().length} CPUs; Node ${process.version}`,
  );
  console.log(line(['figure', 'measured', 'target', 'verdict']));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const r of rows) console.log(line([r.figure, r.measured, r.target, r.verdict]));
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'size-mib': { type: 'string', default: '1024' },
      runs: { type: 'string', default: '3' },
      rounds: { type: 'string', default: '3' },
      only: { type: 'string' },
      suite: { type: 'boolean', default: false },
    },
  });
  const sizeMib = Number(values['size-mib']);
  const before = load();
  const rows: Row[] = [];
  const part = (name: string) => values.only === undefined || values.only === name;
  if (part('oci')) rows.push(...ociRows(await oci(sizeMib, Number(values.runs)), sizeMib));
  if (part('scale')) {
    try {
      rows.push(...scaleRows(await benchScale(Number(values.rounds), log)));
    } catch (err) {
      rows.push({
        figure: 'twin at scale',
        measured: `failed: ${(err as Error).message.split('\n')[0]}`,
        target: '≤ 1.10× empty',
        verdict: 'misses',
      });
    }
  }
  rows.push(...(values.suite || values.only === 'suite' ? await suite() : pendingSuiteRows()));
  print(rows, before, load());
}

main().catch((err: Error) => {
  console.error(err.stack ?? String(err));
  process.exit(1);
});
