// An editor's browser session as chromium keeps it: sign in at the admin
// origin (admin.localhost, no store page is ever served there), the session
// cookie is invisible to scripts (HttpOnly) and SameSite=Strict, reads work
// with the cookie alone, writes need the CSRF token (and the password again
// to mint a token), the store's own origin gets nothing from the cookie,
// and signing out ends it. A page on another origin cannot write with the
// cookie either.
import { launch, check, port, crossOriginWrite } from './lib.mjs';

const { browser, close } = await launch();
try {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  const origin = `http://admin.localhost:${port}`;
  const store = `http://demo.localhost:${port}`;
  // a same-origin document to run from (the web editor will live here)
  await page.goto(origin + '/css/store.css', { waitUntil: 'domcontentloaded' });
  const login = await page.evaluate(async () => {
    const r = await fetch('/api/cms/login', { method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email: 'owner@demo.localhost', password: 'demo-password', session: true, store: 'demo' }) });
    return { status: r.status, body: await r.json() };
  });
  check(login.status === 200 && login.body.csrfToken.length === 64, 'signed in with a session');
  const cookies = await ctx.cookies(origin);
  const sc = cookies.find((c) => c.name === 'sf_session');
  check(sc && sc.httpOnly && sc.sameSite === 'Strict', 'cookie is HttpOnly and SameSite=Strict');
  check(!(await page.evaluate(() => document.cookie)).includes('sf_session'), 'scripts cannot read it');
  const me = await page.evaluate(async () => (await fetch('/api/cms/me')).json());
  check(me.auth === 'session' && me.user.email === 'owner@demo.localhost', 'reads work with the cookie');
  const noCsrf = await page.evaluate(async () => (await fetch('/api/cms/tokens', { method: 'POST',
    headers: { 'Content-Type': 'application/json' }, body: '{"name":"x"}' })).status);
  check(noCsrf === 403, 'a write without the CSRF token is refused');
  const noPassword = await page.evaluate(async (t) => (await (await fetch('/api/cms/tokens', { method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': t }, body: '{"name":"x"}' })).json()).error.code,
  login.body.csrfToken);
  check(noPassword === 'reauth_required', 'minting a token from a session needs the password again');
  const withCsrf = await page.evaluate(async (t) => (await fetch('/api/cms/tokens', { method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': t },
    body: '{"name":"from the browser","currentPassword":"demo-password"}' })).status,
  login.body.csrfToken);
  check(withCsrf === 201, 'a write with the CSRF token and the password works');
  // the store's own pages: the cookie is not theirs, and /api/cms there takes Bearer tokens only
  const storePage = await ctx.newPage();
  await storePage.goto(store + '/', { waitUntil: 'domcontentloaded' });
  const storeMe = await storePage.evaluate(async () => (await fetch('/api/cms/me')).status);
  check(storeMe === 401, 'the store origin gets 401 from /api/cms/me');
  check(!(await ctx.cookies(store)).some((c) => c.name === 'sf_session'), 'no session cookie on the store origin');
  // a store's page (another origin, same site without the PSL entry) posting with credentials
  const other = await ctx.newPage();
  await other.goto(`${store}/`);
  const cross = await crossOriginWrite(other, origin);
  check(cross === 'opaque' || cross === 'error', 'cross-origin request gets nothing back: ' + cross);
  const out = await page.evaluate(async (t) => (await fetch('/api/cms/logout', { method: 'POST',
    headers: { 'X-CSRF-Token': t } })).status, login.body.csrfToken);
  check(out === 200, 'signed out');
  const after = await page.evaluate(async () => (await fetch('/api/cms/me')).status);
  check(after === 401, 'the session is gone');
  check(!(await ctx.cookies(origin)).some((c) => c.name === 'sf_session'), 'and so is the cookie');
} finally {
  await close();
}
