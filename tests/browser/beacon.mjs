// The analytics beacon from a real browser: store.js reports each page view
// once (navigator.sendBeacon) after the page loaded. A desktop Chrome user
// agent (a headless one counts as a bot), two pages, then a phone.
import { launch, check, port } from './lib.mjs';

const UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36';
const PHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148 Safari/604.1';
const { browser, close } = await launch();
try {
  const ctx = await browser.newContext({ userAgent: UA });
  const page = await ctx.newPage();
  const beacons = [];
  page.on('request', (r) => { if (r.url().endsWith('/api/analytics/view')) beacons.push(r); });
  await page.goto(`http://demo.localhost:${port}/`, { waitUntil: 'networkidle' });
  await page.click('a[href^="/products/"]');
  await page.waitForLoadState('networkidle');
  check(beacons.length === 2, `two beacons for two pages (${beacons.length})`);
  const buf = beacons[1].postDataBuffer();     // a Blob body: playwright may not show it
  if (buf) {
    const body = JSON.parse(buf.toString());
    check(body.path.startsWith('/products/') && body.referrer.startsWith(`http://demo.localhost:${port}/`),
      'the beacon names the path and the referrer: ' + JSON.stringify(body));
  }
  check((await beacons[1].response()).status() === 204, 'the store answers 204');
  const phone = await (await browser.newContext({ userAgent: PHONE, viewport: { width: 390, height: 844 } })).newPage();
  // the browser is closed next: wait for this page's beacon to be answered
  // (on a busy machine it could still be on its way)
  const answered = phone.waitForResponse((r) => r.url().endsWith('/api/analytics/view'));
  await phone.goto(`http://demo.localhost:${port}/blog`, { waitUntil: 'networkidle' });
  check((await answered).status() === 204, 'the phone page\'s beacon is answered');
} finally {
  await close();
}
