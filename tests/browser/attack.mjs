// An editor's block carries a <script> that tries to take over the store:
// read the session's CSRF token from /api/cms/me and create an owner,
// from the store's own origin and from the admin origin. The owner, signed
// in at the admin origin, views the store and the page's preview. The
// script runs both times (it leaves its log in data-attack) and gets
// nothing: the store origin has no session, and the preview runs in an
// opaque origin (CSP sandbox without allow-same-origin). test_browser.py
// checks the database: no user was created.
import { launch, check, port } from './lib.mjs';

const pageId = process.env.SF_ATTACK_PAGE;
const admin = `http://admin.localhost:${port}`;
const store = `http://demo.localhost:${port}`;

async function attackLog(page) {
  await page.waitForFunction(() => document.body && document.body.dataset.attack
    && document.body.dataset.attack.endsWith('done'), null, { timeout: 30000 });
  return page.evaluate(() => document.body.dataset.attack);
}

const { browser, close } = await launch();
try {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await page.goto(admin + '/css/store.css', { waitUntil: 'domcontentloaded' });
  const login = await page.evaluate(async () => {
    const r = await fetch('/api/cms/login', { method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email: 'owner@demo.localhost', password: 'demo-password', session: true, store: 'demo' }) });
    return r.status;
  });
  check(login === 200, 'the owner signed in at the admin origin');

  const shop = await ctx.newPage();
  await shop.goto(store + '/', { waitUntil: 'domcontentloaded' });
  // signing in on the store's own host (where sessions used to live) is refused
  const there = await shop.evaluate(async () => {
    const r = await fetch('/api/cms/login', { method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email: 'owner@demo.localhost', password: 'demo-password', session: true }) });
    return r.status;
  });
  check(there === 403, 'no session can be started on the store host');
  await shop.reload({ waitUntil: 'domcontentloaded' });
  const shopLog = await attackLog(shop);
  console.log('store page: ' + shopLog);
  check(shopLog.includes('same me 401'), 'on the store origin /api/cms/me answers 401');
  check(!/users 20\d/.test(shopLog) && !shopLog.includes('csrf '), 'and the script got no CSRF token nor a user');

  const preview = await ctx.newPage();
  const resp = await preview.goto(`${admin}/api/cms/pages/${pageId}/preview`, { waitUntil: 'domcontentloaded' });
  check(resp.status() === 200, 'the owner sees the preview');
  const previewLog = await attackLog(preview);
  console.log('preview: ' + previewLog);
  check(!/me 200/.test(previewLog) && !previewLog.includes('csrf ') && !/users 20\d/.test(previewLog),
    'the preview script reads no session, no CSRF token, creates no user');
  check(previewLog.includes('origin null'), 'it runs in an opaque origin');
  const csp = resp.headers()['content-security-policy'] || '';
  check(/sandbox allow-scripts/.test(csp) && !csp.includes('allow-same-origin'), 'preview CSP: ' + csp);

  // the owner's own session still works and lists no new user
  const users = await page.evaluate(async () => (await (await fetch('/api/cms/users')).json()).users.map((u) => u.email));
  check(!users.includes('evil@attack.test'), 'no user was created: ' + users.join(','));
} finally {
  await close();
}
