/**
 * What a running sandbox tells the world: `state.json` in its state dir, printed by `up --json`, read by
 * `status`, `down` and `fault`. It is the sandbox's only published interface besides its endpoints.
 */
import { readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { faultSpec, type FaultSetting } from './faults/faults.ts';
import type { FluxLine, Profile, RegistryKind } from './options.ts';

export interface SandboxInfo {
  /** Path of the kubeconfig (context `sandbox`, CA data, bearer token). */
  kubeconfig: string;
  /** HTTPS URL of the API server. */
  apiServer: string;
  stateDir: string;
  /** PID of the daemon process (it leads its own process group). */
  pid: number;
  /** ISO time the sandbox became ready, and how long `up` took to get there. */
  startedAt: string;
  startupMs: number;
  flux: FluxLine;
  profile: Profile;
  timeScale: number;
  git: {
    url: string;
    /** Clone URL of the seeded GitOps repository. */
    repoUrl: string;
    repository: string;
    branch: string;
    user: string;
    token: string;
  };
  /** The GitHub-shaped REST API on the git server (`GET <apiUrl>/rate_limit`); the git token is its token. */
  github: { apiUrl: string; token: string };
  registry: {
    kind: RegistryKind;
    url: string;
    host: string;
    user: string;
    password: string;
    aliases: string[];
    /** Repository holding the model artifacts. */
    repository: string;
  };
  /** Local model artifacts (`models.tar.gz`) by tag, for pushing with an OCI client. */
  artifacts: Record<string, string>;
  tags: { from: string; to: string };
  /** Names of the objects the seeded repo's bootstrap creates. */
  objects: {
    namespace: string;
    fluxNamespace: string;
    gitRepository: string;
    kustomizations: string[];
    helmRelease: string;
    imageRepository: string;
    imagePolicy: string;
    podSelector: string;
  };
  /** Local control endpoint of the daemon (faults, status); token-protected. */
  control: { url: string; token: string };
  faults: string[];
}

export const STATE_FILE = 'state.json';

/** Writes state.json atomically with owner-only permissions (it carries credentials). */
export async function writeState(stateDir: string, info: SandboxInfo): Promise<void> {
  const file = path.join(stateDir, STATE_FILE);
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(info, null, 2) + '\n', { mode: 0o600 });
  await rename(tmp, file);
}

/** Reads state.json, or undefined when the directory holds no sandbox. */
export async function readState(stateDir: string): Promise<SandboxInfo | undefined> {
  try {
    return JSON.parse(await readFile(path.join(stateDir, STATE_FILE), 'utf8')) as SandboxInfo;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** True when a process with this pid exists. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Formats fault settings the way they are given on the command line (armed ones keep their `@TRIGGER`). */
export function faultSpecs(faults: FaultSetting[]): string[] {
  return faults.map(faultSpec);
}
