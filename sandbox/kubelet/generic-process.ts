/**
 * Any container the sandbox has no specific behaviour for (Flux controller pods, whatever a chart renders):
 * it logs a startup line, listens on its ports at once, runs until stopped and exits 0 on SIGTERM. A shell
 * command of the form `… echo TEXT …; exit N` (or `sleep N`) is honoured, so tests can make a container
 * print, finish or crash without a special image.
 *
 * `arc-agent-down`: Azure Arc's config-agent (namespace `azure-arc`, container `config-agent`) fails the way a
 * disconnected agent does: it logs the error and exits 1, at once when the fault switches on while it runs and
 * shortly after every restart while it stays on, so the kubelet shows CrashLoopBackOff and the Deployment loses
 * its available replica.
 */
import type { ContainerProcess, ProcessContext, ProcessKind } from './process.ts';

/** How long a generic process takes to shut down after SIGTERM (cluster ms). */
const SHUTDOWN_MS = 100;

/** What a command line asks for: lines to print, and an exit after a delay. */
interface Script {
  echoes: string[];
  exitCode?: number;
  runMs: number;
}

function parseScript(argv: string[]): Script {
  const text = argv.join(' ');
  const echoes = [...text.matchAll(/\becho\s+(?:"([^"]*)"|'([^']*)'|([^;&|]+))/g)].map((m) =>
    (m[1] ?? m[2] ?? m[3] ?? '').trim(),
  );
  const exit = /\bexit\s+(\d+)/.exec(text);
  const sleep = /\bsleep\s+(\d+(?:\.\d+)?)/.exec(text);
  const isShell = /(^|\/)(sh|bash|ash)$/.test(argv[0] ?? '');
  const runMs = sleep ? Number(sleep[1]) * 1000 : 100;
  if (exit) return { echoes, exitCode: Number(exit[1]), runMs };
  // `sh -c "sleep 5"` ends after the sleep; a bare `sleep infinity`-style command keeps running.
  if (isShell && sleep && !/\bwhile\b|\binfinity\b/.test(text)) return { echoes, exitCode: 0, runMs };
  if (argv[0] === 'true' || argv[0] === '/bin/true') return { echoes, exitCode: 0, runMs: 0 };
  if (argv[0] === 'false' || argv[0] === '/bin/false') return { echoes, exitCode: 1, runMs: 0 };
  return { echoes, runMs };
}

/** The Arc agent container `arc-agent-down` takes down. */
export const DOWN_AGENT = { namespace: 'azure-arc', component: 'config-agent', container: 'config-agent' } as const;
/** Cluster ms an agent runs before failing (the fault on at start). */
const AGENT_FAIL_AFTER_MS = 500;

function isDownAgent(ctx: ProcessContext): boolean {
  return (
    ctx.pod.metadata.namespace === DOWN_AGENT.namespace &&
    ctx.pod.metadata.labels?.['app.kubernetes.io/component'] === DOWN_AGENT.component &&
    ctx.container.name === DOWN_AGENT.container
  );
}

class GenericProcess implements ContainerProcess {
  readonly #ctx: ProcessContext;
  #cancel?: () => void;
  #stopped = false;
  #unwatch?: () => void;

  constructor(ctx: ProcessContext) {
    this.#ctx = ctx;
    if (isDownAgent(ctx)) this.#watchAgentFault();
    const argv: string[] = [...(ctx.container.command ?? []), ...(ctx.container.args ?? [])];
    const script = parseScript(argv);
    if (script.echoes.length) for (const line of script.echoes) ctx.log(line);
    else if (argv.length === 0) ctx.log(`Starting ${ctx.container.name} (${ctx.container.image})`);
    if (script.exitCode !== undefined) {
      const code = script.exitCode;
      this.#cancel = ctx.clock.after(script.runMs, () => this.#exit(code));
    }
  }

  listening(): boolean {
    return !this.#stopped;
  }

  terminate(): void {
    if (this.#stopped) return;
    this.#cancel?.();
    this.#cancel = this.#ctx.clock.after(SHUTDOWN_MS, () => this.#exit(0));
  }

  kill(): void {
    this.#stopped = true;
    this.#cancel?.();
    this.#unwatch?.();
  }

  #exit(code: number): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#unwatch?.();
    this.#ctx.exit(code);
  }

  #watchAgentFault(): void {
    const { faults, clock } = this.#ctx;
    let failing = false;
    const fail = (afterMs: number) => {
      if (failing || this.#stopped) return;
      failing = true;
      this.#cancel?.();
      this.#cancel = clock.after(afterMs, () => {
        this.#ctx.log(
          '{"Level":"error","Message":"Failed to refresh the Arc connection: Post \\"https://eastus.dp.kubernetesconfiguration.azure.com/subscriptions/…/configurations\\": dial tcp: i/o timeout","Source":"config-agent"}',
        );
        this.#ctx.log(
          '{"Level":"fatal","Message":"config-agent cannot reach Azure Arc; exiting","Source":"config-agent"}',
        );
        this.#exit(1);
      });
    };
    if (faults.active('arc-agent-down')) fail(AGENT_FAIL_AFTER_MS);
    const onChange = () => {
      if (faults.active('arc-agent-down')) fail(0);
    };
    faults.on('change', onChange);
    this.#unwatch = () => faults.off('change', onChange);
  }
}

/** The fallback behaviour: matches every container. */
export const GENERIC_PROCESS: ProcessKind = {
  name: 'generic',
  matches: () => true,
  start: (ctx) => new GenericProcess(ctx),
};
