/**
 * Allure 3 configuration for `npm run report` (scripts/report.mjs): where the report and its history go, and the
 * failure categories a reader triages by — GPU deadlock, timing budget exceeded, infrastructure unreachable,
 * product defects. Categories match the messages the suite writes (fixtures/budget-check.ts, fixtures/pods.ts).
 */
import { defineConfig } from 'allure';

export default defineConfig({
  name: 'GitOps flow — gitops-e2e',
  output: './reports/allure-report',
  historyPath: './reports/allure-history.jsonl',
  historyLimit: 100,
  // scripts/report.mjs turns this off when it regenerates a run it already recorded.
  appendHistory: process.env.GITOPS_E2E_ALLURE_APPEND_HISTORY !== 'false',
  categories: {
    rules: [
      {
        id: 'gpu-deadlock',
        name: 'GPU deadlock',
        matchers: { message: /GPU deadlock/ },
        groupByMessage: true,
        expand: true,
      },
      {
        id: 'timing-budget',
        name: 'Timing budget exceeded',
        matchers: { message: /timing budget: .*(exceeded by|never reached|before)/ },
        groupByMessage: true,
        expand: true,
      },
      {
        id: 'infrastructure',
        name: 'Infrastructure unreachable',
        matchers: {
          message:
            /ECONNREFUSED|ECONNRESET|ENOTFOUND|ETIMEDOUT|EHOSTUNREACH|socket hang up|fetch failed|unreachable|503 Service Unavailable|no answer within|gitops-sandbox up failed/,
        },
        groupByMessage: true,
      },
      { id: 'product-defects', name: 'Product defects', matchers: { statuses: ['failed'] }, groupByMessage: true },
      { id: 'test-defects', name: 'Test defects', matchers: { statuses: ['broken'] }, groupByMessage: true },
    ],
  },
  plugins: {
    awesome: {
      options: {
        reportName: 'GitOps flow — gitops-e2e',
        singleFile: false,
        groupBy: ['epic', 'feature', 'story'],
      },
    },
  },
});
