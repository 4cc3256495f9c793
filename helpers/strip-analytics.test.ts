import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertNoAnalytics, stripAnalytics } from './strip-analytics.ts';

// The tail of the page allure 3.18's awesome plugin writes (its template, with values filled in).
const PAGE = `<body>
    <div id="app"></div>
    <script>
        window.allure = { reportConfig: {"reportName":"x"} }
    </script>
    <script async src="https://www.googletagmanager.com/gtag/js?id=G-LNDJ3J7WT0"></script>
    <script>
        window.dataLayer = window.dataLayer || [];
        function gtag(){dataLayer.push(arguments);}
        gtag('js', new Date());
        gtag('config', 'G-LNDJ3J7WT0', { "report": "awesome", "reportUuid": "1234" });
    </script>
    <script src="app-1.js"></script>
</body>`;

describe('stripAnalytics', () => {
  it('removes the tag manager loader and the gtag call, and nothing else', () => {
    const { html, removed } = stripAnalytics(PAGE);
    assert.equal(removed, 2);
    assert.doesNotMatch(html, /googletagmanager|gtag|reportUuid/);
    assert.match(html, /window\.allure = \{ reportConfig/);
    assert.match(html, /<script src="app-1\.js"><\/script>/);
    assert.doesNotThrow(() => assertNoAnalytics(html, 'index.html'));
  });

  it('leaves a page without analytics as it was', () => {
    const clean = '<script>window.allure = {}</script><script src="a.js"></script>';
    assert.deepEqual(stripAnalytics(clean), { html: clean, removed: 0 });
  });

  it('fails in one line when something it does not know remains', () => {
    assert.throws(
      () => assertNoAnalytics('<script src="https://www.google-analytics.com/analytics.js"></script>', 'r/index.html'),
      /^Error: r\/index\.html: still references analytics \(google-analytics\.com\)/,
    );
  });
});
