/**
 * The CI step scripts, run here: the nightly issue against a stand-in GitHub API on 127.0.0.1 (open, update,
 * close), the job summary, the Pages index, and the kubeconfig writer's file mode and silence.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
// @ts-expect-error plain ES module without types
import { collectOutcomes, github, issueBody, syncIssue, LABEL } from './nightly-issue.mjs';
// @ts-expect-error plain ES module without types
import { jobSummary, reportUrl } from './job-summary.mjs';
// @ts-expect-error plain ES module without types
import { arrangeSite, indexHtml } from './pages-index.mjs';

const dir = mkdtempSync(path.join(tmpdir(), 'ci-scripts-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const failed = {
  schemaVersion: 1,
  verdict: 'failed',
  runId: 'r7',
  target: 'sandbox (targets/sandbox.yaml)',
  fluxLine: '2.6 (source-controller v1.6)',
  phases: [],
  errors: [],
  budgets: [{ result: 'exceeded', message: 'git push → GitRepository sync took 6.2s, budget 5s (exceeded by 1.2s)' }],
  firstFailure: {
    phase: '03-git-update',
    test: 'git update',
    criterion: 'GitRepository at the pushed SHA (< 5 s)',
    message: 'timing budget: exceeded by 1.2s',
  },
};

function reportsDir(name: string, summaries: Record<string, unknown>): string {
  const root = path.join(dir, name);
  for (const [target, summary] of Object.entries(summaries)) {
    mkdirSync(path.join(root, `reports-${target}`), { recursive: true });
    writeFileSync(path.join(root, `reports-${target}`, 'summary.json'), JSON.stringify(summary));
  }
  return root;
}

/** A stand-in for the GitHub issues API: keeps issues in memory, records calls. */
async function fakeGitHub() {
  const issues: Array<{ number: number; state: string; body: string; labels: string[]; comments: string[] }> = [];
  const calls: string[] = [];
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      const body = raw ? JSON.parse(raw) : undefined;
      const url = new URL(req.url!, 'http://x');
      calls.push(`${req.method} ${url.pathname}`);
      assert.equal(req.headers.authorization, 'Bearer t0ken');
      const send = (status: number, value: unknown) =>
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
      const m = url.pathname.match(/^\/repos\/o\/r\/issues(?:\/(\d+)(\/comments)?)?$/);
      if (url.pathname === '/repos/o/r/labels') return send(422, { message: 'already_exists' });
      if (!m) return send(404, {});
      const issue = m[1] ? issues.find((i) => i.number === Number(m[1])) : undefined;
      if (req.method === 'GET')
        return send(
          200,
          issues.filter(
            (i) => i.state === url.searchParams.get('state') && i.labels.includes(url.searchParams.get('labels')!),
          ),
        );
      if (req.method === 'POST' && !m[1]) {
        const created = {
          number: issues.length + 1,
          state: 'open',
          body: body.body,
          labels: body.labels,
          comments: [],
        };
        issues.push(created);
        return send(201, created);
      }
      if (req.method === 'POST' && m[2]) return (issue!.comments.push(body.body), send(201, {}));
      if (req.method === 'PATCH') return (Object.assign(issue!, body), send(200, issue));
      send(400, {});
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const api = github({
    apiUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    repo: 'o/r',
    token: 't0ken',
  });
  return { issues, calls, api, close: () => server.close() };
}

describe('nightly issue', () => {
  const links = { runUrl: 'https://ci.example/run/1', pagesUrl: 'https://o.github.io/r' };

  it('describes each failing target: phase, criterion, message, exceeded budgets, links', () => {
    const state = collectOutcomes(
      reportsDir('body', {
        'sandbox-flux-2.6-arc': failed,
        'sandbox-flux-2.9': { ...failed, verdict: 'passed', firstFailure: undefined },
      }),
      { kind: { result: 'failure' } },
    );
    const body = issueBody(state, links);
    assert.match(body, /### sandbox-flux-2\.6-arc/);
    assert.doesNotMatch(body, /### sandbox-flux-2\.9/);
    assert.match(body, /Failing phase: \*\*03-git-update\*\*/);
    assert.match(body, /Criterion: GitRepository at the pushed SHA \(< 5 s\)/);
    assert.match(body, /Budget exceeded: git push → GitRepository sync took 6\.2s/);
    assert.match(body, /\[report\]\(https:\/\/o\.github\.io\/r\/sandbox-flux-2\.6-arc\/\)/);
    assert.match(body, /`kind` \(see the run log\)/, 'a job without a summary still shows');
  });

  it('names the fleet member of an exceeded budget', () => {
    const fleet = { ...failed, budgets: failed.budgets.map((b: { result: string }) => ({ ...b, member: 'edge-2' })) };
    const body = issueBody(collectOutcomes(reportsDir('fleet', { 'fleet-2-of-3': fleet })), links);
    assert.match(body, /Budget exceeded on edge-2: git push → GitRepository sync took 6\.2s/);
  });

  it('opens one labelled issue, updates it while failing, closes it on green', async () => {
    const gh = await fakeGitHub();
    try {
      const red = collectOutcomes(reportsDir('red', { 'sandbox-flux-2.9': failed }));
      assert.deepEqual(await syncIssue(gh.api, red, links), { action: 'opened', number: 1 });
      assert.deepEqual(gh.issues[0]!.labels, [LABEL]);
      assert.deepEqual(await syncIssue(gh.api, red, links), { action: 'updated', number: 1 });
      assert.equal(gh.issues.length, 1);
      assert.match(gh.issues[0]!.comments[0]!, /Still failing/);
      const green = collectOutcomes(reportsDir('green', { 'sandbox-flux-2.9': { ...failed, verdict: 'passed' } }), {
        sandbox: { result: 'success' },
      });
      assert.deepEqual(await syncIssue(gh.api, green, links), { action: 'closed', number: 1 });
      assert.equal(gh.issues[0]!.state, 'closed');
      assert.deepEqual(await syncIssue(gh.api, green, links), { action: 'none' });
    } finally {
      gh.close();
    }
  });
});

describe('job summary and Pages index', () => {
  it('posts the summary with the report link, or says there is none', () => {
    assert.equal(
      reportUrl({ REPORT_TARGET: 'kind-flux-2.6', GITHUB_REPOSITORY: 'Org/repo' }),
      'https://org.github.io/repo/kind-flux-2.6/',
    );
    assert.match(
      jobSummary('## GitOps e2e — ✅ **passed**\n', { REPORT_TARGET: 'x', PAGES_BASE_URL: 'https://p.example/' }),
      /passed[\s\S]*\*\*Allure report:\*\* \[x\]\(https:\/\/p\.example\/x\/\)/,
    );
    assert.match(jobSummary(undefined, {}), /no summary/);
  });

  it('arranges one folder per target and links them', () => {
    const site = path.join(dir, 'site');
    for (const t of ['allure-report-sandbox-flux-2.9', 'allure-report-cluster'])
      mkdirSync(path.join(site, t), { recursive: true });
    const targets = arrangeSite(site);
    assert.deepEqual(targets, ['cluster', 'sandbox-flux-2.9']);
    assert.ok(statSync(path.join(site, 'cluster')).isDirectory());
    assert.match(indexHtml(targets), /<a href="\.\/sandbox-flux-2\.9\/">sandbox-flux-2\.9<\/a>/);
  });
});

describe('write-kubeconfig.sh', () => {
  const script = path.resolve(import.meta.dirname, 'write-kubeconfig.sh');
  const kubeconfig = 'apiVersion: v1\nkind: Config\nclusters: []\nusers:\n- name: u\n  user: {token: s3cret-token}\n';

  for (const [form, data] of [
    ['YAML', kubeconfig],
    ['base64', Buffer.from(kubeconfig).toString('base64')],
  ] as const) {
    it(`writes ${form} to a 0600 file, exports KUBECONFIG and never prints the content`, () => {
      const tmp = mkdtempSync(path.join(dir, 'kc-'));
      const envFile = path.join(tmp, 'github-env');
      writeFileSync(envFile, '');
      const out = execFileSync('bash', [script], {
        env: { PATH: process.env.PATH, RUNNER_TEMP: tmp, GITHUB_ENV: envFile, E2E_KUBECONFIG_DATA: data },
        encoding: 'utf8',
      });
      const file = readFileSync(envFile, 'utf8')
        .trim()
        .replace(/^KUBECONFIG=/, '');
      assert.equal(readFileSync(file, 'utf8'), kubeconfig);
      assert.equal(statSync(file).mode & 0o777, 0o600);
      assert.doesNotMatch(out, /s3cret/);
      execFileSync('bash', [script, '--remove'], { env: { PATH: process.env.PATH, RUNNER_TEMP: tmp } });
      assert.throws(() => statSync(file));
    });
  }

  it('fails in one line when the secret is missing', () => {
    assert.throws(
      () => execFileSync('bash', [script], { env: { PATH: process.env.PATH }, stdio: 'pipe' }),
      /E2E_KUBECONFIG secret is empty/,
    );
  });
});
