/**
 * One transfer by the built-in OCI client in a process of its own, so its peak RSS is the client's alone:
 * `oci-child.ts push|pull <host> <repo> <file> <user> <password> [<digest> <size>]`. Prints one JSON line:
 * `{ "ms": …, "maxRssKb": … }`. The password comes from the environment (`BENCH_PASSWORD`), never argv.
 */
import { OciClient } from '../../lib/oci/client.ts';

const [mode, host, repo, file, user, digest, size] = process.argv.slice(2);
if (!mode || !host || !repo || !file || !user) throw new Error('usage: oci-child.ts push|pull <host> <repo> <file> <user> [<digest> <size>]');
const client = new OciClient({ registry: host, plainHttp: true, username: user, password: process.env.BENCH_PASSWORD, userAgent: 'gitops-e2e-bench' });
const started = performance.now();
if (mode === 'push') {
  await client.pushBlob(repo, file);
} else {
  await client.pullBlob(repo, { mediaType: 'application/octet-stream', digest: digest!, size: Number(size) }, file);
}
const ms = performance.now() - started;
console.log(JSON.stringify({ ms, maxRssKb: process.resourceUsage().maxRSS }));
