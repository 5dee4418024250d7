// An editor's browser session as chromium keeps it: sign in from the
// store's origin, the session cookie is invisible to scripts (HttpOnly)
// and SameSite=Strict, reads work with the cookie alone, writes need the
// CSRF token, and signing out ends it. A page on another origin cannot
// write with the cookie either.
import { launch, check, port } from './lib.mjs';

const { browser, close } = await launch();
try {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  const origin = `http://demo.localhost:${port}`;
  await page.goto(origin + '/', { waitUntil: 'domcontentloaded' });
  const login = await page.evaluate(async () => {
    const r = await fetch('/api/cms/login', { method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email: 'owner@demo.localhost', password: 'demo-password', session: true }) });
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
  const withCsrf = await page.evaluate(async (t) => (await fetch('/api/cms/tokens', { method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': t }, body: '{"name":"from the browser"}' })).status,
  login.body.csrfToken);
  check(withCsrf === 201, 'a write with the CSRF token works');
  // another origin (a page served by a different port) posting with credentials
  const other = await ctx.newPage();
  await other.goto(`http://127.0.0.1:${port}/`);
  const cross = await other.evaluate(async (o) => {
    try {
      const r = await fetch(o + '/api/cms/tokens', { method: 'POST', credentials: 'include', mode: 'no-cors',
        headers: { 'Content-Type': 'text/plain' }, body: '{"name":"csrf"}' });
      return r.type;
    } catch (e) { return 'error'; }
  }, origin);
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
