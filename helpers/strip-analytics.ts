/**
 * Removes the analytics Allure 3 puts in every generated report page. The awesome plugin (allure 3.18,
 * @allurereport/plugin-awesome dist/generators.js) renders its template with `analyticsEnable: true` hard-coded and
 * no option to turn it off: a `<script async src="https://www.googletagmanager.com/gtag/js?id=…">` tag and an inline
 * script calling `gtag('config', …)` with the report's uuid. Opening a report of a private cluster would tell a third
 * party about it, so `npm run report` strips both; tests/report/report-page.test.ts proves no request leaves
 * 127.0.0.1.
 */

const LOADER = /<script\b[^>]*\bsrc="https:\/\/www\.googletagmanager\.com\/[^"]*"[^>]*>\s*<\/script>\s*/g;
const INLINE = /<script\b[^>]*>(?:(?!<\/script>)[\s\S])*?\bgtag\((?:(?!<\/script>)[\s\S])*<\/script>\s*/g;

/** The page without Google Tag Manager; `removed` counts the script tags taken out. */
export function stripAnalytics(html: string): { html: string; removed: number } {
  let removed = 0;
  const out = html
    .replace(LOADER, () => {
      removed++;
      return '';
    })
    .replace(INLINE, () => {
      removed++;
      return '';
    });
  return { html: out, removed };
}

/** Throws one line when a page still references an analytics host (a new Allure version changed its template). */
export function assertNoAnalytics(html: string, file: string): void {
  const hit = html.match(/googletagmanager\.com|google-analytics\.com|\bgtag\(/);
  if (hit)
    throw new Error(
      `${file}: still references analytics (${hit[0]}) after stripping: update helpers/strip-analytics.ts for this Allure version`,
    );
}
