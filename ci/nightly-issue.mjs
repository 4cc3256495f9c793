#!/usr/bin/env node
/**
 * CI step of the nightly's `notify` job (scheduled runs only): one GitHub issue, found by its fixed label
 * `nightly-e2e`, says what broke. A failed run opens it — or, when it is still open, updates its body and adds a
 * comment — with each failing target's phase, criterion, message and links to the run and its report; a green run
 * closes it with a comment. Reads the `summary.json` files of the downloaded `reports-<target>` artifacts and the
 * jobs' results (NEEDS_JSON), so a job that died before writing a summary still counts as a failure.
 *
 * Usage: node ci/nightly-issue.mjs <dir-with-reports-artifacts>
 * Env: GITHUB_TOKEN, GITHUB_REPOSITORY, GITHUB_API_URL (default https://api.github.com), RUN_URL, PAGES_URL,
 *      NEEDS_JSON (`toJSON(needs)`).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const LABEL = 'nightly-e2e';
const TITLE = 'Nightly GitOps e2e is failing';

/** Per-target outcomes from `<dir>/reports-<target>/summary.json`, plus jobs that failed without one. */
export function collectOutcomes(dir, needs = {}) {
  const outcomes = [];
  if (existsSync(dir)) {
    for (const name of readdirSync(dir).sort()) {
      const file = path.join(dir, name, 'summary.json');
      if (!existsSync(file)) continue;
      const summary = JSON.parse(readFileSync(file, 'utf8'));
      outcomes.push({ target: name.replace(/^reports-/, ''), summary });
    }
  }
  const failedJobs = Object.entries(needs)
    .filter(([, job]) => job?.result === 'failure')
    .map(([id]) => id);
  return { outcomes, failedJobs };
}

/** True when anything failed: a summary's verdict or a job's result. */
export function isFailing({ outcomes, failedJobs }) {
  return failedJobs.length > 0 || outcomes.some((o) => o.summary.verdict !== 'passed');
}

/** The issue body: one section per failing target, then the jobs that failed without a summary. */
export function issueBody({ outcomes, failedJobs }, links) {
  const lines = [`The scheduled run [${links.runUrl ?? 'run'}](${links.runUrl ?? '#'}) failed.`, ''];
  for (const { target, summary } of outcomes.filter((o) => o.summary.verdict !== 'passed')) {
    const f = summary.firstFailure;
    const report = links.pagesUrl ? `${links.pagesUrl.replace(/\/+$/, '')}/${encodeURIComponent(target)}/` : undefined;
    lines.push(
      `### ${target}`,
      '',
      `- Target: ${summary.target}, Flux ${summary.fluxLine}, run id \`${summary.runId}\``,
    );
    if (f) lines.push(`- Failing phase: **${f.phase}**`, `- Criterion: ${f.criterion}`, '', '```', f.message, '```');
    else lines.push(`- No failing test recorded${summary.errors?.length ? `: ${summary.errors[0]}` : ''}`);
    const exceeded = (summary.budgets ?? []).filter((b) => b.result === 'exceeded');
    if (exceeded.length > 0)
      lines.push('', ...exceeded.map((b) => `- Budget exceeded${b.member ? ` on ${b.member}` : ''}: ${b.message}`));
    lines.push('', `Links: [run](${links.runUrl ?? '#'})${report ? ` · [report](${report})` : ''}`, '');
  }
  const silent = failedJobs.filter(
    (job) => !outcomes.some((o) => o.target.startsWith(job) && o.summary.verdict !== 'passed'),
  );
  if (silent.length > 0)
    lines.push('### Jobs that failed', '', ...silent.map((j) => `- \`${j}\` (see the run log)`), '');
  lines.push(
    `_Opened and updated by ci/nightly-issue.mjs; closed by the next green scheduled run. Label: \`${LABEL}\`._`,
  );
  return lines.join('\n');
}

/** A small GitHub REST client over fetch. */
export function github({ apiUrl = 'https://api.github.com', repo, token, fetchImpl = fetch }) {
  return async (method, route, body) => {
    const res = await fetchImpl(`${apiUrl.replace(/\/+$/, '')}/repos/${repo}${route}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        accept: 'application/vnd.github+json',
        'x-github-api-version': '2022-11-28',
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    if (!res.ok && !(method === 'POST' && route === '/labels' && res.status === 422)) {
      throw new Error(`GitHub ${method} ${route}: ${res.status} ${(await res.text()).slice(0, 200)}`);
    }
    return res.status === 204 ? undefined : res.json();
  };
}

/** Opens, updates or closes the issue; returns what it did. */
export async function syncIssue(api, state, links) {
  const open = await api('GET', `/issues?labels=${LABEL}&state=open&per_page=10`);
  const existing = open.find((i) => !i.pull_request);
  if (isFailing(state)) {
    const body = issueBody(state, links);
    if (existing) {
      await api('PATCH', `/issues/${existing.number}`, { body });
      await api('POST', `/issues/${existing.number}/comments`, {
        body: `Still failing: ${links.runUrl ?? 'this run'}`,
      });
      return { action: 'updated', number: existing.number };
    }
    await api('POST', '/labels', {
      name: LABEL,
      color: 'b60205',
      description: 'Nightly GitOps e2e failure (managed by CI)',
    });
    const created = await api('POST', '/issues', { title: TITLE, body, labels: [LABEL] });
    return { action: 'opened', number: created.number };
  }
  if (existing) {
    await api('POST', `/issues/${existing.number}/comments`, {
      body: `Green again: ${links.runUrl ?? 'this run'}. Closing.`,
    });
    await api('PATCH', `/issues/${existing.number}`, { state: 'closed', state_reason: 'completed' });
    return { action: 'closed', number: existing.number };
  }
  return { action: 'none' };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const env = process.env;
  for (const name of ['GITHUB_TOKEN', 'GITHUB_REPOSITORY']) {
    if (!env[name]) {
      console.error(`nightly-issue: ${name} is not set`);
      process.exit(2);
    }
  }
  const state = collectOutcomes(process.argv[2] ?? 'all-reports', env.NEEDS_JSON ? JSON.parse(env.NEEDS_JSON) : {});
  const api = github({ apiUrl: env.GITHUB_API_URL, repo: env.GITHUB_REPOSITORY, token: env.GITHUB_TOKEN });
  const result = await syncIssue(api, state, { runUrl: env.RUN_URL, pagesUrl: env.PAGES_URL });
  console.log(`nightly-issue: ${result.action}${result.number ? ` #${result.number}` : ''}`);
}
