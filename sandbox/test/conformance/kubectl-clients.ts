/**
 * The two real kubectl clients every conformance file runs against: the machine's `kubectl` (gcloud's dispatcher,
 * which picks kubectl 1.32 because the sandbox reports minor 32) and the pinned kubectl 1.35. Test files loop
 * over this list to generate one suite per client.
 */
import { findOnPath, pinnedTool } from '../../../lib/tools.ts';

/** One kubectl client under test. */
export interface KubectlClient {
  /** Short id, used for per-client namespaces and cache dirs (`k132`, `k135`). */
  id: string;
  title: string;
  /** The client minor version the binary must report. */
  minor: number;
  /** The binary; throws when it is not installed. */
  locate(): Promise<string>;
  /** What `kubectl delete` prints for a deleted object (1.35 names the namespace it deleted from). */
  deleted(ref: string, namespace?: string): string;
}

/** kubectl 1.32 (via the PATH dispatcher) and kubectl 1.35 (pinned). */
export const KUBECTL_CLIENTS: readonly KubectlClient[] = [
  {
    id: 'k132',
    title: 'kubectl 1.32 (PATH dispatcher)',
    minor: 32,
    deleted: (ref) => `${ref} deleted`,
    locate: async () => {
      const found = await findOnPath('kubectl');
      if (!found) throw new Error('kubectl is not on PATH');
      return found;
    },
  },
  {
    id: 'k135',
    title: 'kubectl 1.35 (pinned)',
    minor: 35,
    deleted: (ref, namespace) => (namespace ? `${ref} deleted from ${namespace} namespace` : `${ref} deleted`),
    locate: () => pinnedTool('kubectl'),
  },
];
