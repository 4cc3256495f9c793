#!/usr/bin/env node
/**
 * CI step "Job summary": posts reports/summary.md (written by the summary reporter) as the job's summary, with a
 * link to the target's published Allure report. GitHub Actions: appended to $GITHUB_STEP_SUMMARY. Azure Pipelines
 * (TF_BUILD set): attached with the `##vso[task.uploadsummary]` logging command. Elsewhere: printed.
 * No summary (the run died before its reporter wrote one) is said in the summary itself, never an error here.
 *
 * Env: REPORT_TARGET (the report's folder on Pages), PAGES_BASE_URL (optional; GitHub: derived from the repo).
 */
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const summaryFile = path.join(root, 'reports', 'summary.md');
const env = process.env;

/** The Pages address of this target's report, when one can be known. */
export function reportUrl(environment) {
  const target = environment.REPORT_TARGET;
  if (!target) return undefined;
  let base = environment.PAGES_BASE_URL;
  if (!base && environment.GITHUB_REPOSITORY) {
    const [owner, repo] = environment.GITHUB_REPOSITORY.split('/');
    base = `https://${owner.toLowerCase()}.github.io/${repo}`;
  }
  return base ? `${base.replace(/\/+$/, '')}/${encodeURIComponent(target)}/` : undefined;
}

/** The Markdown to post: the summary, or a line saying there is none, plus the report link. */
export function jobSummary(summaryMarkdown, environment) {
  const body =
    summaryMarkdown ??
    '## GitOps e2e — no summary\n\nThe run ended before `reports/summary.md` was written: see the job log and the `reports-*` artifact.\n';
  const url = reportUrl(environment);
  return url ? `${body}\n**Allure report:** [${environment.REPORT_TARGET}](${url}) (latest published)\n` : body;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const markdown = jobSummary(existsSync(summaryFile) ? readFileSync(summaryFile, 'utf8') : undefined, env);
  if (env.GITHUB_STEP_SUMMARY) {
    appendFileSync(env.GITHUB_STEP_SUMMARY, markdown);
  } else if (env.TF_BUILD) {
    const file = path.join(root, 'reports', 'job-summary.md');
    writeFileSync(file, markdown);
    console.log(`##vso[task.uploadsummary]${file}`);
  } else {
    console.log(markdown);
  }
}
