/**
 * How the suite names itself to the API server: `gitops-e2e/<version> (<component>)`, on every request and watch,
 * so a server's audit log (and the sandbox's per-client counter) can tell the suite from any other client instead of
 * seeing `undici` or client-node's default.
 */
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: string };

/** `gitops-e2e/0.1.0 (phase)`; `component` says which part of the suite talks (phase, run-observer, …). */
export function suiteUserAgent(component: string): string {
  return `gitops-e2e/${pkg.version ?? '0'} (${component})`;
}
