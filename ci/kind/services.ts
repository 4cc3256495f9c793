#!/usr/bin/env node
/**
 * The kind lane's services on the Docker host (runs in the background for the whole job; ci/kind/up.sh starts it):
 * the sandbox's git server seeded with the template GitOps repository (registry placeholder filled in), reachable
 * from the pods through a TCP forward on <kind gateway>:8081, and the model artifacts of both tags built into an
 * artifacts dir, the from-tag pushed to the distribution registry at <kind gateway>:5000. Writes the variables
 * targets/kind.yaml reads to $GITHUB_ENV (or prints them), masking the token.
 *
 * Usage: node ci/kind/services.ts <kind-gateway-ip> <state-dir>
 * Untested here: needs the registry container and the kind network (README, "Nightly CI").
 */
import { randomBytes } from 'node:crypto';
import { appendFileSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { OciClient } from '../../lib/oci/client.ts';
import { seedRepo } from 'gitops-sandbox/git/repos';
import { GitServer } from 'gitops-sandbox/git';
import { buildModelsTarGz, publishArtifact } from 'gitops-sandbox/registry/artifacts';

const [gateway, stateDir] = process.argv.slice(2);
if (!gateway || !stateDir) {
  console.error('usage: node ci/kind/services.ts <kind-gateway-ip> <state-dir>');
  process.exit(2);
}
const registryHost = `${gateway}:5000`;
const user = 'gitops-e2e';
const token = randomBytes(16).toString('hex');

const repos = path.join(stateDir, 'git');
await seedRepo(
  repos,
  'foundry-gitops',
  path.dirname(fileURLToPath(import.meta.resolve('gitops-sandbox/template-repo/README.md'))),
  { substitutions: { REGISTRY_HOST: registryHost } },
);
const git = new GitServer({ root: repos, user, token, log: (line) => console.log(`git: ${line}`) });
await git.start();
const gitPort = Number(new URL(git.url).port);
// Pods reach the host at the kind network's gateway; the git server listens on 127.0.0.1 only.
const forward = createServer((socket) => socket.pipe(createConnection(gitPort, '127.0.0.1')).pipe(socket));
await new Promise<void>((resolve) => forward.listen(8081, gateway, resolve));

const artifacts = path.join(stateDir, 'artifacts');
for (const tag of ['v0.1.0', 'v0.2.0']) await buildModelsTarGz(tag, path.join(artifacts, tag, 'models.tar.gz'));
await publishArtifact(
  new OciClient({ registry: registryHost, plainHttp: true }),
  `foundry-local-olive-models:v0.1.0`,
  path.join(artifacts, 'v0.1.0', 'models.tar.gz'),
);

const vars = {
  E2E_KIND_HOST: gateway,
  E2E_KIND_GIT_USERNAME: user,
  E2E_KIND_GIT_TOKEN: token,
  E2E_KIND_ARTIFACTS_DIR: artifacts,
};
console.log(`::add-mask::${token}`);
const lines =
  Object.entries(vars)
    .map(([k, v]) => `${k}=${v}`)
    .join('\n') + '\n';
if (process.env.GITHUB_ENV) appendFileSync(process.env.GITHUB_ENV, lines);
writeFileSync(path.join(stateDir, 'ready'), 'ready\n');
console.log(
  `kind services: git http://${gateway}:8081/foundry-gitops.git, registry ${registryHost}, artifacts ${artifacts}`,
);
