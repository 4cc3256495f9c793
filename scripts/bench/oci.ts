/**
 * OCI push and pull of one large blob by the built-in client against curl, to the same registry, in alternating
 * runs (client, curl, client, curl …) so drift in the machine's speed hits both alike; medians are reported.
 * curl's push is the monolithic PUT of an upload session with the digest known beforehand (its best case); its
 * pull is one GET. The client runs in a child process (oci-child.ts) whose own peak RSS is reported.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { digestFile } from '../../lib/oci/digest.ts';

const run = promisify(execFile);
const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), 'oci-child.ts');

/** A registry to measure against. */
export interface BenchRegistry {
  name: string;
  host: string;
  user: string;
  password: string;
}

/** Medians of one registry's runs. */
export interface OciFigures {
  registry: string;
  pushMBps: number;
  curlPushMBps: number;
  pullMBps: number;
  curlPullMBps: number;
  /** Peak RSS of the client process, the larger of push and pull (MB). */
  pushRssMB: number;
  pullRssMB: number;
}

/** Writes `bytes` of random data to `file` in 8 MiB pieces (random: no registry or disk can shortcut it). */
export async function makeBlobFile(file: string, bytes: number): Promise<void> {
  const out = createWriteStream(file);
  const piece = randomBytes(8 * 1024 * 1024);
  for (let written = 0; written < bytes; written += piece.length) {
    const n = Math.min(piece.length, bytes - written);
    // A fresh first byte per piece keeps the pieces distinct without paying for 1 GiB of randomness.
    piece.writeUInt32BE(written / piece.length, 0);
    if (!out.write(piece.subarray(0, n))) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

async function client(
  mode: 'push' | 'pull',
  reg: BenchRegistry,
  repo: string,
  file: string,
  digest: string,
  size: number,
): Promise<{ ms: number; rssKb: number }> {
  // Node's own type stripping: no transpiler in the client's process.
  const { stdout } = await run(process.execPath, [CHILD, mode, reg.host, repo, file, reg.user, digest, String(size)], {
    env: { ...process.env, BENCH_PASSWORD: reg.password },
    maxBuffer: 1024 * 1024,
  });
  const line = JSON.parse(stdout.trim().split('\n').at(-1)!) as { ms: number; maxRssKb: number };
  return { ms: line.ms, rssKb: line.maxRssKb };
}

async function curlPush(reg: BenchRegistry, repo: string, file: string, digest: string): Promise<number> {
  const auth = `Basic ${Buffer.from(`${reg.user}:${reg.password}`).toString('base64')}`;
  const started = await fetch(`http://${reg.host}/v2/${repo}/blobs/uploads/`, {
    method: 'POST',
    headers: { Authorization: auth },
  });
  await started.body?.cancel();
  const location = new URL(started.headers.get('location')!, `http://${reg.host}`);
  location.searchParams.set('digest', digest);
  const put = ['-X', 'PUT', '-H', 'Content-Type: application/octet-stream', '-T', file, location.toString()];
  return timedCurl(reg, ['-sSf', ...put, '-o', '/dev/null']);
}

async function curlPull(reg: BenchRegistry, repo: string, digest: string, out: string): Promise<number> {
  return timedCurl(reg, ['-sSfL', '-o', out, `http://${reg.host}/v2/${repo}/blobs/${digest}`]);
}

/** Milliseconds one curl run with the registry's credentials takes. */
async function timedCurl(reg: BenchRegistry, args: string[]): Promise<number> {
  const t0 = performance.now();
  await run('curl', ['-u', `${reg.user}:${reg.password}`, ...args]);
  return performance.now() - t0;
}

/** Alternating client/curl runs of push then pull; the blob is deleted from nothing (pushes overwrite the same digest). */
export async function benchOci(reg: BenchRegistry, file: string, runs: number, work: string): Promise<OciFigures> {
  const { digest, size } = await digestFile(file);
  const mb = size / 1e6;
  const repo = 'bench/blob';
  const pushes: number[] = [];
  const curlPushes: number[] = [];
  const pulls: number[] = [];
  const curlPulls: number[] = [];
  let pushRss = 0;
  let pullRss = 0;
  const out = path.join(work, 'pulled.bin');
  for (let i = 0; i < runs; i++) {
    const pushed = await client('push', reg, repo, file, digest, size);
    pushes.push(pushed.ms);
    pushRss = Math.max(pushRss, pushed.rssKb);
    curlPushes.push(await curlPush(reg, repo, file, digest));
    const pulled = await client('pull', reg, repo, out, digest, size);
    pulls.push(pulled.ms);
    pullRss = Math.max(pullRss, pulled.rssKb);
    await rm(out, { force: true });
    curlPulls.push(await curlPull(reg, repo, digest, out));
    await rm(out, { force: true });
  }
  const rate = (ms: number[]) => mb / (median(ms) / 1000);
  return {
    registry: reg.name,
    pushMBps: rate(pushes),
    curlPushMBps: rate(curlPushes),
    pullMBps: rate(pulls),
    curlPullMBps: rate(curlPulls),
    pushRssMB: (pushRss * 1024) / 1e6,
    pullRssMB: (pullRss * 1024) / 1e6,
  };
}
