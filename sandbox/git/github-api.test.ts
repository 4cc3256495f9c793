import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { Faults, parseFault } from '../faults/faults.ts';
import { CORE_LIMIT, GitHubApi } from './github-api.ts';

describe('GitHub-shaped API on the git server', () => {
  const faults = new Faults();
  const api = new GitHubApi({ token: () => 'pat-123', faults });
  const server = createServer((req, res) => api.handle(req, res, new URL(req.url ?? '/', 'http://x').pathname));
  let base = '';
  before(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v3`;
  });
  after(() => server.close());
  const get = (path: string, token = 'pat-123') =>
    fetch(`${base}${path}`, { headers: { Authorization: `Bearer ${token}` } });

  it("answers GET /rate_limit in GitHub's shape with the x-ratelimit headers; asking costs nothing", async () => {
    const res = await get('/rate_limit');
    assert.equal(res.status, 200);
    const body = (await res.json()) as {
      resources: { core: { limit: number; remaining: number; used: number; reset: number } };
      rate: unknown;
    };
    assert.equal(body.resources.core.limit, CORE_LIMIT);
    assert.equal(body.resources.core.remaining, CORE_LIMIT);
    assert.deepEqual(body.rate, body.resources.core);
    assert.ok(body.resources.core.reset > Date.now() / 1000);
    assert.equal(res.headers.get('x-ratelimit-resource'), 'core');
    assert.equal(((await (await get('/rate_limit')).json()) as typeof body).resources.core.used, 0);
  });

  it('counts other calls against core, refuses a bad token, and spends everything under the api-rate-limit fault', async () => {
    assert.equal((await get('/repos/x/y')).status, 404);
    const used = ((await (await get('/rate_limit')).json()) as { resources: { core: { used: number } } }).resources.core
      .used;
    assert.equal(used, 1);
    const bad = await get('/rate_limit', 'wrong');
    assert.equal(bad.status, 401);
    assert.equal(((await bad.json()) as { message: string }).message, 'Bad credentials');
    faults.set(parseFault('api-rate-limit'));
    const spent = (await (await get('/rate_limit')).json()) as { resources: { core: { remaining: number } } };
    assert.equal(spent.resources.core.remaining, 0);
    const refused = await get('/repos/x/y');
    assert.equal(refused.status, 403);
    assert.match(((await refused.json()) as { message: string }).message, /API rate limit exceeded/);
    faults.clear('api-rate-limit');
  });

  it('routes only /api/v3 paths away from git http-backend', () => {
    assert.equal(GitHubApi.handles('/api/v3/rate_limit'), true);
    assert.equal(GitHubApi.handles('/foundry-gitops.git/info/refs'), false);
  });
});
