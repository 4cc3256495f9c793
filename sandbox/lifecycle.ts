/**
 * What the CLI verbs do: `up` spawns the daemon detached and waits for its state.json, `status` reads it,
 * `fault` talks to the daemon's control endpoint, `down` stops the daemon's process group and removes what
 * `up` created.
 */
import { spawn } from 'node:child_process';
import { rmSync, rmdirSync, watch, writeFileSync } from 'node:fs';
import { mkdir, open, readFile, rm, rmdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseFault } from './faults/faults.ts';
import { OPTIONS_ENV } from './daemon-env.ts';
import { assertFaultsSupported, parseSandboxFlags, type RawSandboxFlags } from './options.ts';
import { isAlive, readState, STATE_FILE, type SandboxInfo } from './state.ts';

const DAEMON = path.join(path.dirname(fileURLToPath(import.meta.url)), 'daemon.ts');
const LOG_FILE = 'sandbox.log';
/** The daemon's pid, written the moment it is spawned: `down` finds a daemon that has not written state.json yet. */
const PID_FILE = 'daemon.pid';
/** Everything `up` and the daemon create inside the state dir; `down` removes exactly these. */
const CREATED = [
  STATE_FILE,
  PID_FILE,
  'kubeconfig',
  LOG_FILE,
  'journal.jsonl',
  'git',
  'registry',
  'pods',
  'artifacts',
  'flux',
  'bootstrap-clone',
];
const UP_TIMEOUT_MS = 180_000;
const DOWN_TIMEOUT_MS = 20_000;

/** `up`: starts the daemon and prints the SandboxInfo (only JSON with --json). */
export async function up(flags: RawSandboxFlags & { json?: boolean }): Promise<void> {
  const options = parseSandboxFlags(flags);
  const existing = await readState(options.stateDir);
  if (existing && isAlive(existing.pid)) {
    throw new Error(
      `a sandbox already runs in ${options.stateDir} (pid ${existing.pid}): run \`gitops-sandbox down --state-dir ${options.stateDir}\` first`,
    );
  }
  // Interrupted while starting: stop the daemon and remove what was created (state.json holds credentials), so
  // nothing outlives this command. Installed before the daemon exists, so no moment is left uncovered.
  let daemonPid: number | undefined;
  const abort = (signal: NodeJS.Signals) => {
    if (daemonPid) killGroup(daemonPid, 'SIGKILL');
    removeCreatedSync(options.stateDir);
    console.error(`gitops-sandbox up: ${signal} while starting: sandbox stopped, ${options.stateDir} cleaned`);
    process.exit(128 + (signal === 'SIGINT' ? 2 : 15));
  };
  process.once('SIGINT', abort);
  process.once('SIGTERM', abort);
  await mkdir(options.stateDir, { recursive: true });
  await rm(path.join(options.stateDir, STATE_FILE), { force: true });
  const log = await open(path.join(options.stateDir, LOG_FILE), 'a');
  const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), DAEMON], {
    detached: true,
    stdio: ['ignore', log.fd, log.fd],
    env: { ...process.env, [OPTIONS_ENV]: JSON.stringify(options) },
  });
  daemonPid = child.pid;
  if (daemonPid) writeFileSync(path.join(options.stateDir, PID_FILE), `${daemonPid}\n`);
  await log.close();
  const info = await waitForReady(options.stateDir, child);
  process.off('SIGINT', abort);
  process.off('SIGTERM', abort);
  child.unref();
  if (flags.json) process.stdout.write(JSON.stringify(info, null, 2) + '\n');
  else printSummary(info);
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // group already gone
  }
}

/** Synchronous {@link CREATED} removal, for signal handlers. */
function removeCreatedSync(stateDir: string): void {
  for (const name of CREATED) rmSync(path.join(stateDir, name), { recursive: true, force: true });
  try {
    rmdirSync(stateDir); // only when empty: never remove a user's own files
  } catch {
    // not empty, or gone
  }
}

/** The daemon's pid from state.json, else from the pid file `up` wrote before the daemon was ready. */
async function daemonPidOf(stateDir: string): Promise<{ pid: number; info?: SandboxInfo } | undefined> {
  const info = await readState(stateDir);
  if (info) return { pid: info.pid, info };
  const text = await readFile(path.join(stateDir, PID_FILE), 'utf8').catch(() => '');
  const pid = Number(text.trim());
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  // A pid file left by an `up` killed with SIGKILL may name a pid reused since: signal it only if it is our daemon.
  const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => undefined);
  return cmdline === undefined || cmdline.includes(DAEMON) ? { pid } : undefined;
}

/** Resolves with state.json once the daemon wrote it; rejects with the log's tail if the daemon exits first. */
async function waitForReady(stateDir: string, child: ReturnType<typeof spawn>): Promise<SandboxInfo> {
  return await new Promise<SandboxInfo>((resolve, reject) => {
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      watcher.close();
      clearTimeout(timer);
      child.off('exit', onExit);
      fn();
    };
    const check = () => {
      readState(stateDir).then(
        (info) => info && finish(() => resolve(info)),
        () => undefined,
      );
    };
    const onExit = (code: number | null) => {
      void logTail(stateDir).then((tail) =>
        finish(() => reject(new Error(`sandbox failed to start (exit ${code}); last log lines:\n${tail}`))),
      );
    };
    const watcher = watch(stateDir, (_event, name) => name === STATE_FILE && check());
    const timer = setTimeout(() => {
      process.kill(-child.pid!, 'SIGTERM');
      void logTail(stateDir).then((tail) =>
        finish(() => reject(new Error(`sandbox not ready after ${UP_TIMEOUT_MS / 1000}s; last log lines:\n${tail}`))),
      );
    }, UP_TIMEOUT_MS);
    child.on('exit', onExit);
    check();
  });
}

async function logTail(stateDir: string, lines = 20): Promise<string> {
  const text = await readFile(path.join(stateDir, LOG_FILE), 'utf8').catch(() => '');
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

function printSummary(info: SandboxInfo): void {
  const lines = [
    `sandbox ready in ${(info.startupMs / 1000).toFixed(1)}s (pid ${info.pid}, Flux ${info.flux}, profile ${info.profile})`,
    `  export KUBECONFIG=${info.kubeconfig}`,
    `  api server   ${info.apiServer}`,
    `  git          ${info.git.repoUrl} (push as ${info.git.user}; token in ${path.join(info.stateDir, STATE_FILE)})`,
    `  registry     ${info.registry.url} (${info.registry.kind}; repository ${info.registry.repository}, tags ${info.tags.from} published)`,
    `  artifacts    ${Object.entries(info.artifacts)
      .map(([tag, file]) => `${tag}=${file}`)
      .join(' ')}`,
    `  faults       ${info.faults.join(', ') || 'none'}`,
    `stop it with: gitops-sandbox down --state-dir ${info.stateDir}`,
  ];
  console.log(lines.join('\n'));
}

/** `status`: exit 0 and the endpoints when running, exit 1 otherwise. */
export async function status(flags: { stateDir: string; json?: boolean }): Promise<void> {
  const stateDir = path.resolve(flags.stateDir);
  const info = await readState(stateDir);
  const running = !!info && isAlive(info.pid);
  const faults = running ? await control(info!, 'GET', '/faults').then((r) => (r as { faults: string[] }).faults) : [];
  if (flags.json) {
    process.stdout.write(JSON.stringify({ running, stateDir, ...(info ? { ...info, faults } : {}) }, null, 2) + '\n');
  } else if (running) {
    console.log(
      `running: pid ${info!.pid}, api ${info!.apiServer}, up since ${info!.startedAt}, faults: ${faults.join(', ') || 'none'}`,
    );
  } else {
    console.log(
      info
        ? `not running (stale state from pid ${info.pid}): run \`gitops-sandbox down --state-dir ${stateDir}\``
        : `no sandbox in ${stateDir}`,
    );
  }
  if (!running) process.exitCode = 1;
}

/** `fault`: sets knobs or clears them on the running sandbox; validates everything before sending. */
export async function fault(specs: string[], flags: { stateDir: string; clear?: string | boolean }): Promise<void> {
  if (!specs.length && flags.clear === undefined)
    throw new Error('name a fault (NAME[=VALUE][@TRIGGER]) or use --clear [NAME]');
  const parsed = specs.map((spec) => parseFault(spec));
  const info = await runningState(flags.stateDir);
  assertFaultsSupported(info.registry.kind, parsed, info.profile);
  const result = (await control(info, 'POST', '/faults', { set: specs, clear: flags.clear })) as { faults: string[] };
  console.log(`faults: ${result.faults.join(', ') || 'none'}`);
}

/** `down`: stops the daemon (control endpoint, then SIGTERM, then SIGKILL to its group) and removes its files. */
export async function down(flags: { stateDir: string; keep?: boolean }): Promise<void> {
  const stateDir = path.resolve(flags.stateDir);
  const found = await daemonPidOf(stateDir);
  const info = found?.info;
  if (found && isAlive(found.pid)) {
    const pid = found.pid;
    const stop = info ? control(info, 'POST', '/stop') : Promise.reject(new Error('not ready: no control endpoint'));
    await stop.catch(() => killGroup(pid, 'SIGTERM'));
    if (!(await exited(pid, DOWN_TIMEOUT_MS))) {
      killGroup(pid, 'SIGKILL');
      await exited(pid, 5_000);
    }
    // Children (git http-backend, docker-registry, helm) share the daemon's process group.
    killGroup(pid, 'SIGKILL');
  }
  if (!flags.keep) {
    await Promise.all(CREATED.map((name) => rm(path.join(stateDir, name), { recursive: true, force: true })));
    await rmdir(stateDir).catch(() => undefined); // only when empty: never remove a user's own files
  }
  console.log(found ? `sandbox in ${stateDir} stopped` : `no sandbox in ${stateDir}`);
}

async function runningState(stateDir: string): Promise<SandboxInfo> {
  const info = await readState(path.resolve(stateDir));
  if (!info || !isAlive(info.pid))
    throw new Error(`no running sandbox in ${path.resolve(stateDir)}: start one with \`gitops-sandbox up\``);
  return info;
}

async function control(info: SandboxInfo, method: string, route: string, body?: unknown): Promise<unknown> {
  const res = await fetch(info.control.url + route, {
    method,
    headers: { Authorization: `Bearer ${info.control.token}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await res.json()) as { error?: string };
  if (!res.ok) throw new Error(json.error ?? `control endpoint answered ${res.status}`);
  return json;
}

/** Waits until the process is gone. No event exists for a non-child process, so this polls every 100 ms. */
async function exited(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return !isAlive(pid);
}
