/**
 * One transfer by the built-in OCI client in a process of its own, so its peak RSS is the client's alone:
 * `oci-child.ts push|pull <host> <repo> <file> <user> <password> [<digest> <size>]`. Prints one JSON line:
 * `{ "ms": …, "maxRssKb": … }` (peak RSS from /proc/self/status VmHWM). The password comes from the environment (`BENCH_PASSWORD`), never argv.
 */
import { readFileSync } from 'node:fs';
import { OciClient } from '../../lib/oci/client.ts';

const [mode, host, repo, file, user, digest, size] = process.argv.slice(2);
if (!mode || !host || !repo || !file || !user)
  throw new Error('usage: oci-child.ts push|pull <host> <repo> <file> <user> [<digest> <size>]');
const client = new OciClient({
  registry: host,
  plainHttp: true,
  username: user,
  password: process.env.BENCH_PASSWORD,
  userAgent: 'gitops-e2e-bench',
});
const started = performance.now();
if (mode === 'push') {
  await client.pushBlob(repo, file);
} else {
  await client.pullBlob(repo, { mediaType: 'application/octet-stream', digest: digest!, size: Number(size) }, file);
}
const ms = performance.now() - started;
// VmHWM is this process image's own peak; getrusage's maxRSS also counts the parent's RSS at fork time.
const hwm = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
console.log(JSON.stringify({ ms, maxRssKb: hwm ? Number(hwm[1]) : process.resourceUsage().maxRSS }));
