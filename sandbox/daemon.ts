/**
 * The detached sandbox process that `gitops-sandbox up` spawns. It starts the sandbox, publishes
 * `state.json` once everything is ready (that file's appearance is the readiness signal), and stops
 * cleanly on SIGTERM/SIGINT or a control-endpoint request.
 */
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { ControlServer } from './control.ts';
import { OPTIONS_ENV } from './daemon-env.ts';
import type { SandboxOptions } from './options.ts';
import { Sandbox } from './sandbox.ts';
import { STATE_FILE, writeState } from './state.ts';
import { faultSpec, type FaultFired } from './faults/faults.ts';

async function main(): Promise<void> {
  const options = JSON.parse(process.env[OPTIONS_ENV] ?? 'null') as SandboxOptions | null;
  if (!options) throw new Error(`${OPTIONS_ENV} is not set: start the sandbox with \`gitops-sandbox up\``);
  const sandbox = new Sandbox(options);
  let stopping: Promise<void> | undefined;
  const control = new ControlServer({
    faults: sandbox.faults,
    registry: sandbox.options.registry,
    profile: sandbox.options.profile,
    onStop: () => void shutdown('control'),
  });
  const shutdown = (why: string): Promise<void> => {
    stopping ??= (async () => {
      console.log(`${new Date().toISOString()} stopping (${why})`);
      await rm(path.join(options.stateDir, STATE_FILE), { force: true });
      await Promise.allSettled([sandbox.stop(), control.stop()]);
      console.log(`${new Date().toISOString()} stopped`);
      process.exit(0);
    })();
    return stopping;
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  sandbox.faults.on('change', () => {
    const armed = sandbox.faults.armed().map(faultSpec);
    console.log(
      `${new Date().toISOString()} faults: ${
        sandbox.faults
          .list()
          .map((f) => f.name)
          .join(', ') || 'none'
      }${armed.length ? ` (armed: ${armed.join(', ')})` : ''}`,
    );
  });
  sandbox.faults.on('armed', (f: FaultFired) =>
    console.log(`${new Date().toISOString()} fault ${faultSpec(f.setting)} switched on: ${f.detail}`),
  );

  await control.start();
  try {
    const info = await sandbox.start({ url: control.url, token: control.token });
    await writeState(options.stateDir, info);
    console.log(
      `${new Date().toISOString()} ready in ${info.startupMs} ms: api ${info.apiServer}, git ${info.git.url}, registry ${info.registry.url}`,
    );
  } catch (err) {
    console.error(`${new Date().toISOString()} start failed: ${(err as Error).stack ?? err}`);
    await Promise.allSettled([sandbox.stop(), control.stop()]);
    process.exit(1);
  }
}

main().catch((err: Error) => {
  console.error(err.stack ?? String(err));
  process.exit(1);
});
