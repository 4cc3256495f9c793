/**
 * Node's on-disk compile cache (`module.enableCompileCache`, Node ≥ 22.1) for the runner and every process it
 * starts. Playwright starts a worker process per target (and again after a failed test), and each compiles the
 * same ~1,000 modules again (Playwright's own bundles, @kubernetes/client-node's generated models, the
 * suite): measured in a phase worker, compiling took ~0.7 s of its ~1.5 s CPU before the first test, ~0.15 s with
 * the cache. Setting `NODE_COMPILE_CACHE` hands the cache to the workers (and the sandbox CLI) from their first
 * line. Imported first by playwright.config.ts, for its side effect. A user's own `NODE_COMPILE_CACHE` is kept, and
 * `NODE_DISABLE_COMPILE_CACHE=1` turns it off (Node's own switch).
 */
import module from 'node:module';
import os from 'node:os';
import path from 'node:path';

/** Enables the cache in this process and exports its directory to child processes; returns the directory. */
export function enableCompileCache(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.NODE_DISABLE_COMPILE_CACHE || !module.enableCompileCache) return undefined;
  // Node's own default place; Node keeps one subdirectory per Node version and build below it.
  const base = env.NODE_COMPILE_CACHE || path.join(os.tmpdir(), 'node-compile-cache');
  module.enableCompileCache(base);
  env.NODE_COMPILE_CACHE = base;
  return base;
}

enableCompileCache();
