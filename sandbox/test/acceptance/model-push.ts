/**
 * Pushing a model artifact to the sandbox registry the way the plan's `oras push … --artifact-type
 * foundry/models models.tar.gz:application/gzip` does, with the project's OCI client.
 */
import { OciClient, type PushResult } from '../../../lib/oci/client.ts';
import type { SandboxDescription } from './sandbox-cli.ts';

/** An OCI client logged in to the sandbox registry (plain HTTP on 127.0.0.1). */
export function registryClient(info: SandboxDescription): OciClient {
  return new OciClient({
    registry: info.registry.host,
    plainHttp: true,
    username: info.registry.user,
    password: info.registry.password,
    userAgent: 'gitops-e2e-acceptance',
  });
}

/** Pushes `file` (the artifact the sandbox built for `tag` by default) as `<repository>:<pushTag>`. */
export async function pushModels(
  info: SandboxDescription,
  pushTag: string,
  file = info.artifacts[pushTag],
): Promise<PushResult> {
  if (!file)
    throw new Error(
      `the sandbox built no artifact for ${pushTag} (artifacts: ${Object.keys(info.artifacts).join(', ')})`,
    );
  return await registryClient(info).pushArtifact(info.registry.repository, pushTag, {
    artifactType: 'foundry/models',
    files: [{ path: file, mediaType: 'application/gzip', title: 'models.tar.gz' }],
  });
}
