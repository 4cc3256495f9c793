/**
 * Any container the sandbox has no specific behaviour for (Flux controller pods, whatever a chart renders):
 * it logs a startup line, listens on its ports at once, runs until stopped and exits 0 on SIGTERM. A shell
 * command of the form `… echo TEXT …; exit N` (or `sleep N`) is honoured, so tests can make a container
 * print, finish or crash without a special image.
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
  const echoes = [...text.matchAll(/\becho\s+(?:"([^"]*)"|'([^']*)'|([^;&|]+))/g)].map((m) => (m[1] ?? m[2] ?? m[3] ?? '').trim());
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

class GenericProcess implements ContainerProcess {
  readonly #ctx: ProcessContext;
  #cancel?: () => void;
  #stopped = false;

  constructor(ctx: ProcessContext) {
    this.#ctx = ctx;
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
  }

  #exit(code: number): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#ctx.exit(code);
  }
}

/** The fallback behaviour: matches every container. */
export const GENERIC_PROCESS: ProcessKind = {
  name: 'generic',
  matches: () => true,
  start: (ctx) => new GenericProcess(ctx),
};
