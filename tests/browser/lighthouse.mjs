// Lighthouse on the demo store's home, a product and the blog, in Debian's
// chromium (chrome-launcher, headless): prints one JSON line per page with
// the accessibility, SEO, best-practices and performance scores (0-100)
// and the failing audits of the first three. `make bench` prints the
// performance score; tests/browser/test_quality.py asserts the others.
// SF_PORT: the stack's port; SF_LH_PAGES overrides the pages (comma-separated).
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';

const port = process.env.SF_PORT;
const host = process.env.SF_HOST || 'demo.localhost';
const pages = (process.env.SF_LH_PAGES || '/,/products/trailhead-rain-jacket,/blog').split(',');
const categories = ['accessibility', 'seo', 'best-practices', 'performance'];

const chrome = await chromeLauncher.launch({
  chromePath: '/usr/bin/chromium',
  chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-quic',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
let failed = 0;
try {
  for (const p of pages) {
    const url = `http://${host}:${port}${p}`;
    const r = await lighthouse(url, { port: chrome.port, output: 'json', logLevel: 'error', onlyCategories: categories },
      { extends: 'lighthouse:default', settings: { formFactor: 'desktop', screenEmulation: { disabled: true },
        throttlingMethod: 'provided' } });
    if (!r || !r.lhr) { failed++; console.log(JSON.stringify({ page: p, error: 'no result' })); continue; }
    const scores = {};
    const failing = {};
    for (const c of categories) {
      const cat = r.lhr.categories[c];
      scores[c] = cat && cat.score !== null ? Math.round(cat.score * 100) : null;
      if (c === 'performance') continue;
      failing[c] = cat.auditRefs.map((a) => r.lhr.audits[a.id])
        .filter((a) => a && a.score !== null && a.score < 1 && a.scoreDisplayMode !== 'informative'
          && a.scoreDisplayMode !== 'manual' && a.scoreDisplayMode !== 'notApplicable')
        .map((a) => a.id);
    }
    const line = { page: p, scores, failing };
    const cons = r.lhr.audits['errors-in-console'];
    if (cons && cons.score !== null && cons.score < 1)     // say what the console said
      line.console = ((cons.details && cons.details.items) || []).map((i) => `${i.source}: ${i.description} ${i.sourceLocation && i.sourceLocation.url || i.url || ''}`);
    console.log(JSON.stringify(line));
  }
} finally {
  await chrome.kill();
}
process.exit(failed ? 1 : 0);
