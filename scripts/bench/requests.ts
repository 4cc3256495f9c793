/**
 * The suite's requests in the steady state of the flow: the sandbox's per-client counters read live the moment
 * the bootstrap command has finished (GET /sandbox/v1/requests?detail=true, as the bench's own client
 * `gitops-bench`), subtracted from the counters of the whole run (requests.json, written when the sandbox stops).
 */
import { readFile } from 'node:fs/promises';
import { request } from 'node:https';
import path from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import type { ClientRequests, RequestDetail } from 'gitops-sandbox/apiserver/request-log';

/** The bench's own User-Agent product: left out of every figure. */
export const BENCH_CLIENT = 'gitops-bench';

/** `final` minus `before`, per client and call; `first` becomes `from` for clients that had requests before. */
export function requestsSince(final: RequestDetail, before: RequestDetail, from: number): RequestDetail {
  const clients: Record<string, ClientRequests> = {};
  for (const [client, c] of Object.entries(final.clients)) {
    const earlier = before.clients[client];
    const calls: Record<string, number> = {};
    for (const [call, n] of Object.entries(c.calls)) {
      const left = n - (earlier?.calls[call] ?? 0);
      if (left > 0) calls[call] = left;
    }
    const total = Object.values(calls).reduce((a, b) => a + b, 0);
    if (total === 0) continue;
    const first = earlier ? from : c.first;
    const minutes = (c.last - first) / 60_000;
    clients[client] = {
      total,
      first,
      last: c.last,
      calls,
      perMinute: minutes >= 1 / 60 ? Math.round((total / minutes) * 10) / 10 : total,
    };
  }
  return { since: from, until: final.until, clients };
}

/** The live counters of the sandbox in `stateDir` (its state.json names the kubeconfig). */
export async function liveRequests(stateDir: string): Promise<RequestDetail> {
  const state = JSON.parse(await readFile(path.join(stateDir, 'state.json'), 'utf8')) as {
    kubeconfig: string;
    apiServer: string;
  };
  const kc = new KubeConfig();
  kc.loadFromFile(state.kubeconfig);
  const options: import('node:https').RequestOptions = {};
  await kc.applyToHTTPSOptions(options);
  return new Promise((resolve, reject) => {
    const req = request(
      new URL('/sandbox/v1/requests?detail=true', state.apiServer),
      { ...options, headers: { ...options.headers, 'User-Agent': `${BENCH_CLIENT}/1` } },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () =>
          res.statusCode === 200
            ? resolve(JSON.parse(body) as RequestDetail)
            : reject(new Error(`GET /sandbox/v1/requests: ${res.statusCode} ${body.slice(0, 200)}`)),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}
