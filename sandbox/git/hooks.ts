/**
 * The server-side hook the sandbox installs in every bare repository it serves. Pushes are refused the way a
 * real git host refuses them (a pre-receive hook exiting non-zero), so the client prints git's own
 * `! [remote rejected] main -> main (pre-receive hook declined)` with our `remote:` reason line above it.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Environment variable the git server sets (to `1`) on a push request while the `git-push-reject` fault is on. */
export const PUSH_REJECT_ENV = 'SANDBOX_GIT_PUSH_REJECT';

/** Reason printed by the hook; git shows it to the pusher prefixed with `remote:`. */
export const PUSH_REJECT_REASON = 'push rejected by the sandbox (fault git-push-reject is on)';

// The hook reads stdin to the end so receive-pack never sees a broken pipe, then decides from the env alone:
// the repository stays usable by plain git tools when no server is in front of it.
const PRE_RECEIVE = `#!/bin/sh
# Installed by the gitops-e2e sandbox git server.
cat >/dev/null
if [ "\${${PUSH_REJECT_ENV}:-}" = "1" ]; then
  echo "${PUSH_REJECT_REASON}" >&2
  exit 1
fi
exit 0
`;

/**
 * Writes the sandbox's pre-receive hook into a bare repository (idempotent: a file already holding the same
 * script is left alone). Call it whenever a repository is created or before it receives a push.
 */
export async function installPushHooks(bareDir: string): Promise<void> {
  const hooks = path.join(bareDir, 'hooks');
  const file = path.join(hooks, 'pre-receive');
  const current = await readFile(file, 'utf8').catch(() => undefined);
  if (current === PRE_RECEIVE) return;
  await mkdir(hooks, { recursive: true });
  // Write aside and rename: a push running the old hook right now keeps its file, and no push ever runs a
  // half-written one.
  const tmp = `${file}.${randomUUID()}.tmp`;
  await writeFile(tmp, PRE_RECEIVE, { mode: 0o755 });
  await rename(tmp, file);
}
