// Shared browser-test helpers: Debian's chromium through playwright-core,
// headless, loopback only, a fresh temporary profile per run. Hosts like
// demo.localhost resolve to 127.0.0.1 inside chromium by itself.
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';

export const port = process.env.SF_PORT;
export const artifacts = process.env.SF_ARTIFACTS || path.resolve('artifacts');

export async function launch() {
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const close = async () => {
    await browser.close();  // playwright removes its own temporary profile
  };
  return { browser, close };
}

export function check(cond, msg) {
  if (!cond) throw new Error('check failed: ' + msg);
  console.log('ok - ' + msg);
}

export async function shot(page, name) {
  fs.mkdirSync(artifacts, { recursive: true });
  // A full-page picture shows the whole page: images below the fold that
  // wait to be scrolled to (loading="lazy") are fetched first (at most 3 s).
  await page.evaluate(async () => {
    const lazy = [...document.images].filter((i) => i.loading === 'lazy' && !i.complete);
    lazy.forEach((i) => { i.loading = 'eager'; });
    await Promise.race([Promise.all(lazy.map((i) => i.decode().catch(() => {}))), new Promise((r) => setTimeout(r, 3000))]);
  }).catch(() => {});
  await page.screenshot({ path: path.join(artifacts, name + '.png'), fullPage: true });
}

// axe-core's accessibility rules on what the page shows now (WCAG 2.x A
// and AA): the violations, each with its rule and first element. The
// source is evaluated through the browser's devtools protocol, which a
// page's CSP does not govern (the admin's forbids inline script).
const axeSource = fs.readFileSync(path.join(path.dirname(new URL(import.meta.url).pathname),
  'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
export async function axeViolations(page) {
  if (!(await page.evaluate(() => typeof window.axe !== 'undefined'))) await page.evaluate(axeSource);
  const r = await page.evaluate(() => window.axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
  }));
  return r.violations.map((v) => v.id + ' (' + v.impact + '): ' + v.help + ' at ' + (v.nodes[0] && v.nodes[0].target.join(' ')));
}

export async function checkAxe(page, what) {
  const v = await axeViolations(page);
  check(v.length === 0, 'axe finds no violations on ' + what + (v.length ? ': ' + v.join('; ') : ''));
}

// From a page of another origin (a store's), try to write to the admin
// API with the browser's credentials: the request's type as the page sees
// it ('opaque' or 'error': nothing comes back). Any page with evaluate(fn,
// arg): playwright's or browsers.mjs's.
export function crossOriginWrite(page, adminOrigin) {
  return page.evaluate(async (o) => {
    try {
      const r = await fetch(o + '/api/cms/tokens', { method: 'POST', credentials: 'include', mode: 'no-cors',
        headers: { 'Content-Type': 'text/plain' }, body: '{"name":"csrf"}' });
      return r.type;
    } catch (e) { return 'error'; }
  }, adminOrigin);
}

// Sign in to the web editor on the admin host (the demo owner by default)
// and wait for the Storefront Manager.
export async function editorSignIn(page, email = 'owner@demo.localhost', password = 'demo-password') {
  await page.goto(`http://admin.localhost:${port}/`);
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Pages' }).waitFor();
}
