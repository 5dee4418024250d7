// Staff sign-in with a code by email in the web editor (issue 14): an
// email of two stores asks for a code ("Email me a code" beside the
// password), the test reads it from the SMTP sink and hands it over on
// stdin after "NEED_CODE <email>"; a wrong code is announced, the right
// one asks which store, and the chosen store's Storefront Manager opens.
// Each screen axe-clean. Screenshots: tests/artifacts/editor-code-*.png.
import { launch, check, shot, port, checkAxe } from './lib.mjs';
import readline from 'node:readline';

const admin = `http://admin.localhost:${port}`;
const EMAIL = process.env.SF_EMAIL;
const lines = readline.createInterface({ input: process.stdin });
const nextLine = () => new Promise((resolve) => lines.once('line', resolve));

const { browser, close } = await launch();
let page = null;
try {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));

  await page.goto(admin + '/', { waitUntil: 'domcontentloaded' });
  const ask = page.getByRole('button', { name: 'Email me a code' });
  await ask.waitFor();
  // no email yet: the browser says so, nothing is sent
  await ask.click();
  check((await page.locator('#status').innerText()).includes('Enter your email first'), 'asking without an email is refused, announced');
  await page.getByLabel('Email', { exact: true }).fill(EMAIL);
  await shot(page, 'editor-code-1-ask');
  await ask.click();
  await page.getByRole('heading', { name: 'Enter the code from your email' }).waitFor();
  const field = page.getByLabel(/^Code/);
  check(await field.getAttribute('autocomplete') === 'one-time-code' && await field.getAttribute('inputmode') === 'numeric',
    'the code field is a one-time-code field with a numeric keypad');
  check(await field.evaluate((el) => el === document.activeElement), 'the code field has the focus');
  check((await page.locator('#status').innerText()).includes(EMAIL), 'the status line says where the code went');
  await checkAxe(page, 'the code screen');
  await shot(page, 'editor-code-2-enter');

  console.log('NEED_CODE ' + EMAIL);
  const code = (await nextLine()).trim();
  check(/^\d{8}$/.test(code), 'the code came by email');

  // a wrong code: announced in the live region, the field marked invalid
  const wrong = String((Number(code) + 1) % 1e8).padStart(8, '0');
  await field.fill(wrong);
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.waitForFunction(() => /code is wrong/.test(document.querySelector('#status').textContent));
  check(await page.locator('#status').getAttribute('aria-live') === 'polite', 'the error is in a live region');
  check(await field.getAttribute('aria-invalid') === 'true', 'the wrong code is marked invalid');
  await shot(page, 'editor-code-3-wrong');

  // the right code: this email has two stores, so it asks which
  await field.fill(code);
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByRole('group', { name: 'Which store?' }).waitFor();
  await checkAxe(page, 'the store picker after the code');
  await shot(page, 'editor-code-4-stores');
  await page.getByLabel(/Demo/).check();
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByRole('heading', { name: 'Pages' }).waitFor();
  check((await page.locator('#who').innerText()).includes(EMAIL), 'signed in with the code: the header names the user');
  // the session is the editor's own: a write with its CSRF token works
  const saved = await page.evaluate(async () => {
    const r = await fetch('/api/cms/pages', { method: 'POST', credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': sessionStorage.getItem('sf-csrf') },
      body: JSON.stringify({ slug: 'signed-in-by-code', title: 'Signed in by code' }) });
    return r.status;
  });
  check(saved === 201, 'a write with the session and its CSRF token is accepted');
  await shot(page, 'editor-code-5-manager');
  check(errors.length === 0, 'no script errors: ' + errors.join('; '));
} catch (e) {
  if (page) await shot(page, 'editor-code-failure').catch(() => {});
  console.error(e);
  process.exitCode = 1;
} finally {
  lines.close();
  await close();
}
