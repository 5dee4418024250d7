// An editor's browser session in any browser (browsers.mjs; SF_BROWSER=
// firefox by default), as session.mjs checks it in chromium: sign in at the
// admin origin, the session cookie is HttpOnly and SameSite=Strict and
// invisible to scripts, reads work with the cookie alone, writes need the
// CSRF token (and the password again to mint a token), the store's origin
// gets nothing from the cookie and cannot write with it, signing out ends it.
import { check, crossOriginWrite } from './lib.mjs';
import { launch, browserName } from './browsers.mjs';

const port = process.env.SF_PORT;
const origin = `http://admin.localhost:${port}`;
const store = `http://demo.localhost:${port}`;
const b = await launch(browserName);
console.log('# ' + b.version);
const json = (method, body, token) => ({ method, headers: { 'Content-Type': 'application/json', ...(token ? { 'X-CSRF-Token': token } : {}) },
  body: body === undefined ? undefined : JSON.stringify(body) });
try {
  const page = await b.newPage();
  await page.goto(origin + '/css/store.css');   // a same-origin document to run from
  const login = await page.evaluate(async (init) => {
    const r = await fetch('/api/cms/login', init);
    return { status: r.status, body: await r.json() };
  }, json('POST', { email: 'owner@demo.localhost', password: 'demo-password', session: true, store: 'demo' }));
  check(login.status === 200 && login.body.csrfToken.length === 64, b.name + ': signed in with a session');
  const token = login.body.csrfToken;
  const sc = (await page.cookies(origin)).find((c) => c.name === 'sf_session');
  check(sc && sc.httpOnly && sc.sameSite === 'Strict', b.name + ': the cookie is HttpOnly and SameSite=Strict');
  check(!(await page.evaluate(() => document.cookie)).includes('sf_session'), b.name + ': scripts cannot read it');
  const me = await page.evaluate(async () => (await fetch('/api/cms/me')).json());
  check(me.auth === 'session' && me.user.email === 'owner@demo.localhost', b.name + ': reads work with the cookie');
  const status = (init) => page.evaluate(async (i) => (await fetch('/api/cms/tokens', i)).status, init);
  check(await status(json('POST', { name: 'x' })) === 403, b.name + ': a write without the CSRF token is refused');
  const code = await page.evaluate(async (i) => (await (await fetch('/api/cms/tokens', i)).json()).error.code, json('POST', { name: 'x' }, token));
  check(code === 'reauth_required', b.name + ': minting a token from a session needs the password again');
  check(await status(json('POST', { name: 'from ' + b.name, currentPassword: 'demo-password' }, token)) === 201,
    b.name + ': a write with the CSRF token and the password works');

  // the store's pages: the cookie is not theirs, and they cannot write with it
  const other = await b.newPage({ beside: page });   // another tab of the same browser
  await other.goto(store + '/');
  const storeMe = await other.evaluate(async () => (await fetch('/api/cms/me')).status);
  check(storeMe === 401, b.name + ': the store origin gets 401 from /api/cms/me');
  check(!(await other.cookies(store)).some((c) => c.name === 'sf_session'), b.name + ': no session cookie on the store origin');
  const cross = await crossOriginWrite(other, origin);
  check(cross === 'opaque' || cross === 'error', b.name + ': a cross-origin request gets nothing back: ' + cross);

  const out = await page.evaluate(async (i) => (await fetch('/api/cms/logout', i)).status, json('POST', undefined, token));
  check(out === 200, b.name + ': signed out');
  check(await page.evaluate(async () => (await fetch('/api/cms/me')).status) === 401, b.name + ': the session is gone');
  check(!(await page.cookies(origin)).some((c) => c.name === 'sf_session'), b.name + ': and so is the cookie');
} finally {
  await b.close();
}
