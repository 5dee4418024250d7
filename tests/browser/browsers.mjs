// One small page API over two browsers, so a flow is written once and runs
// in both: Debian's chromium through playwright-core (lib.mjs's launch) and
// Debian's firefox-esr through puppeteer-core over WebDriver BiDi (no
// patched browser, no download). launch(name) gives { name, version,
// newPage, close };
// a page (or the frame of an iframe) finds elements by a query object
// { css, text, label, button, link, inText } evaluated in the page itself
// (the same code in both engines), and clicks, hovers and types through the
// browser's real input (trusted events), waiting for the element first.
// Firefox runs headless with a throwaway profile under SF_TMP (or the
// system's temporary directory), removed on close, and prefs that keep it
// off the network (no updates, telemetry, remote settings, safe browsing).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { launch as launchChromium, artifacts, check } from './lib.mjs';

export const browserName = process.env.SF_BROWSER || 'firefox';
const offline = 'http://127.0.0.1:9/';   // nothing listens: a pref that must hold a URL points here

const firefoxPrefs = {
  'app.update.auto': false,
  'app.update.enabled': false,
  'app.update.url': offline,
  'app.shield.optoutstudies.enabled': false,
  'browser.aboutwelcome.enabled': false,
  'browser.newtabpage.activity-stream.feeds.section.topstories': false,
  'browser.newtabpage.activity-stream.showSponsored': false,
  'browser.ping-centre.telemetry': false,
  'browser.region.network.url': '',
  'browser.region.update.enabled': false,
  'browser.safebrowsing.provider.google4.updateURL': '',
  'browser.safebrowsing.provider.mozilla.updateURL': '',
  'browser.topsites.contile.enabled': false,
  'captivedetect.canonicalURL': '',
  'datareporting.policy.dataSubmissionEnabled': false,
  'extensions.systemAddon.update.enabled': false,
  'extensions.blocklist.enabled': false,
  'messaging-system.rsexperimentloader.enabled': false,
  'network.captive-portal-service.enabled': false,
  'network.connectivity-service.enabled': false,
  'network.dns.disablePrefetch': true,
  'network.prefetch-next': false,
  'network.proxy.type': 0,              // never the environment's proxy: the stack is on loopback
  'network.trr.mode': 5,                // no DNS over HTTPS
  'services.settings.server': offline,  // remote settings
  'toolkit.telemetry.enabled': false,
  'toolkit.telemetry.server': offline,
  'toolkit.telemetry.unified': false,
};

// ---- in the page: find an element (the same function in both engines) ----
// q: { css, text, exact, label, button, link, inText, all, hidden }: a
// button or link by its accessible name, within q.css elements holding
// q.inText; visible elements only unless q.hidden. Returns the first match
// (with q.all: how many match).
function findIn(q) {
  const norm = (s) => (s || '').replace(/\s+/g, ' ').trim();
  const visible = (e) => q.hidden || (e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden');
  const name = (e) => norm(e.getAttribute('aria-label') || e.innerText || e.value || '');
  let els;
  if (q.label) {
    els = [...document.querySelectorAll('label')].filter((l) => norm(l.textContent) === q.label).map((l) => l.control)
      .concat([...document.querySelectorAll('[aria-label]')].filter((e) => e.getAttribute('aria-label') === q.label))
      .filter(Boolean);
  } else if (q.button !== undefined || q.link !== undefined) {
    const want = q.button !== undefined ? q.button : q.link;
    const sel = q.button !== undefined ? 'button, [role=button], input[type=submit], input[type=button]' : 'a[href], [role=link]';
    const roots = [...document.querySelectorAll(q.css || 'html')].filter((r) => !q.inText || norm(r.innerText).includes(q.inText));
    els = roots.flatMap((root) => [...root.querySelectorAll(sel)])
      .filter((e) => (q.exact === false ? name(e).includes(want) : name(e) === want));
  } else {
    els = [...document.querySelectorAll(q.css)];
  }
  if (q.text !== undefined) els = els.filter((e) => (q.exact ? norm(e.innerText) === q.text : norm(e.innerText).includes(q.text)));
  els = els.filter(visible);
  return q.all ? els.length : (els[0] || null);
}

const asQuery = (q) => (typeof q === 'string' ? { css: q } : q);
const show = (q) => JSON.stringify(asQuery(q));

// Poll cond() until it is truthy (no fixed sleeps): its value, or an
// error naming what did not happen.
export async function until(cond, what, timeout = 15000) {
  const end = Date.now() + timeout;
  let last = null;
  for (;;) {
    try {
      const v = await cond();
      if (v) return v;
    } catch (e) {
      last = e;   // a frame navigating away mid-evaluation: try again
    }
    if (Date.now() > end) throw new Error('timed out (' + timeout + ' ms) waiting for ' + what + (last ? ': ' + last.message : ''));
    await new Promise((r) => setTimeout(r, 100));
  }
}

// A document (a page or an iframe's frame) in either engine.
class Doc {
  constructor(raw, page) {
    this.raw = raw;    // playwright Page/Frame or puppeteer Page/Frame
    this.page = page;  // the Page wrapper (input, screenshots)
  }

  evaluate(fn, arg) { return this.raw.evaluate(fn, arg); }

  async find(q) {
    const h = await this.raw.evaluateHandle(findIn, asQuery(q));
    const el = h.asElement();
    if (!el) await h.dispose();
    return el;
  }

  count(q) { return this.raw.evaluate(findIn, { ...asQuery(q), all: true }); }

  waitFor(q, { timeout = 15000 } = {}) { return until(() => this.find(q), show(q), timeout); }

  async waitGone(q, { timeout = 15000 } = {}) {
    await until(async () => (await this.count(q)) === 0, show(q) + ' to go', timeout);
  }

  async text(q, opts) {
    const el = await this.waitFor(q, opts);
    return el.evaluate((e) => e.innerText);
  }

  // act on the element matching q: found afresh and tried again when the
  // app re-rendered it between finding and acting (a detached element)
  async act(q, fn, { timeout = 15000 } = {}) {
    await until(async () => {
      const el = await this.find(q);
      if (!el) return false;
      await fn(el);
      return true;
    }, show(q), timeout);
  }

  click(q, opts) { return this.act(q, (el) => el.click(), opts); }

  hover(q, opts) { return this.act(q, (el) => el.hover(), opts); }

  // a form field: focus it, select what it holds, type the text (real keys)
  async fill(q, value, opts) {
    await this.act(q, async (el) => {
      await el.click();
      await el.evaluate((e) => e.select());
    }, opts);
    await this.page.raw.keyboard.type(value);
  }

  selectOption(q, value, opts) {
    return this.act(q, (el) => (this.page.engine === 'chromium' ? el.selectOption(value) : el.select(value)), opts);
  }

  // set a value the way a native picker does (a colour input's dialog is
  // the browser's, not the page's): the value, then input and change
  setValue(q, value, opts) {
    return this.act(q, (el) => el.evaluate((e, v) => {
      e.value = v;
      e.dispatchEvent(new Event('input', { bubbles: true }));
      e.dispatchEvent(new Event('change', { bubbles: true }));
    }, value), opts);
  }

  // choose a file in an <input type=file> (as the file dialog would)
  setFiles(q, file, opts) {
    return this.act(q, (el) => (this.page.engine === 'chromium' ? el.setInputFiles(file) : el.uploadFile(file)), opts);
  }

  // the document of an <iframe> matching q (as it is now)
  async frame(q, opts) {
    const el = await this.waitFor(q, opts);
    const f = await el.contentFrame();
    if (!f) throw new Error('no frame in ' + show(q));
    return new Doc(f, this.page);
  }

  // wait until the iframe matching frameQ (looked up afresh each time: the
  // editor swaps its preview frames) holds an element matching q
  async waitInFrame(frameQ, q, { timeout = 15000 } = {}) {
    return until(async () => (await (await this.frame(frameQ, { timeout: 1000 })).find(q)), show(q) + ' in ' + show(frameQ), timeout);
  }
}

class Page extends Doc {
  constructor(raw, engine, context) {
    super(raw, null);
    this.page = this;
    this.engine = engine;
    this.context = context;
  }

  async goto(url) {
    const r = await this.raw.goto(url, { waitUntil: 'domcontentloaded' });
    return { status: r ? r.status() : 0, header: (n) => (r ? r.headers()[n.toLowerCase()] || '' : '') };
  }

  url() { return this.raw.url(); }

  // the cookies this page's context would send to url ({name, httpOnly, sameSite, ...})
  cookies(url) { return this.engine === 'chromium' ? this.context.cookies(url) : this.raw.cookies(url); }

  content() { return this.raw.content(); }

  async setViewport(width, height) {
    await (this.engine === 'chromium' ? this.raw.setViewportSize({ width, height }) : this.raw.setViewport({ width, height }));
  }

  // a key or a chord as playwright writes it: 'Escape', 'Control+A'
  async press(keys) {
    if (this.engine === 'chromium') return this.raw.keyboard.press(keys);
    const parts = keys.split('+');
    const key = parts.pop();
    for (const m of parts) await this.raw.keyboard.down(m);
    await this.raw.keyboard.press(key.length === 1 ? key.toLowerCase() : key);
    for (const m of parts.reverse()) await this.raw.keyboard.up(m);
  }

  async type(text) { await this.raw.keyboard.type(text); }

  // insert text at the focused element's cursor in one input, as a paste
  // or an input method commits it (a code editor takes it whole: no
  // auto-indent, no closing brackets added). Chromium: the devtools
  // protocol's insertText; Firefox (a page cannot forge a paste's data
  // there, and BiDi has no clipboard): the editing command insertText,
  // which fires the same beforeinput/input a committed text does.
  async insertText(text) {
    if (this.engine === 'chromium') return this.raw.keyboard.insertText(text);
    const ok = await this.raw.evaluate((t) => document.execCommand('insertText', false, t), text);
    if (!ok) throw new Error('the focused element took no text');
  }

  // answer the page's next alert/confirm/prompt: accept (true) or dismiss;
  // resolves to its message once it was shown and answered
  nextDialog(accept) {
    return new Promise((resolve) => {
      this.raw.once('dialog', async (d) => {
        const msg = d.message();
        await (accept ? d.accept() : d.dismiss());
        resolve(msg);
      });
    });
  }

  // make this page the one the user looks at (a page in a background tab
  // is hidden, and the editor stops polling there)
  async front() { await this.raw.bringToFront(); }

  async waitForUrl(re, timeout = 15000) { await until(() => re.test(this.raw.url()), 'the address ' + re, timeout); }

  async shot(name) {
    fs.mkdirSync(artifacts, { recursive: true });
    await this.raw.screenshot({ path: path.join(artifacts, name + '.png'), fullPage: true });
  }

  // script errors, unhandled rejections and CSP violations of the top
  // document, recorded in the page itself the same way in both engines (the
  // engines' own error events also carry the sandboxed preview frame's,
  // which are the store's and not the editor's)
  errors() { return this.raw.evaluate(() => window.__sfErrors || ['the error recorder is missing']); }
}

// Recorded in every document before its own scripts run.
function recordErrors() {
  if (window.top !== window) return;
  window.__sfErrors = [];
  document.addEventListener('securitypolicyviolation', (e) => window.__sfErrors.push('CSP: ' + e.violatedDirective + ' ' + e.blockedURI));
  window.addEventListener('error', (e) => window.__sfErrors.push('error: ' + e.message));
  window.addEventListener('unhandledrejection', (e) => window.__sfErrors.push('unhandled rejection: ' + (e.reason && e.reason.message || e.reason)));
}

async function launchFirefox() {
  const { default: puppeteer } = await import('puppeteer-core');
  const tmp = fs.mkdtempSync(path.join(process.env.SF_TMP || os.tmpdir(), 'firefox-profile-'));
  let browser;
  try {
    browser = await puppeteer.launch({
      browser: 'firefox',
      executablePath: process.env.SF_FIREFOX || '/usr/bin/firefox-esr',
      headless: true,
      userDataDir: tmp,
      extraPrefsFirefox: firefoxPrefs,
      env: { ...process.env, MOZ_CRASHREPORTER_DISABLE: '1' },
    });
  } catch (e) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  return {
    browser,
    version: await browser.version(),
    newContext: () => browser.createBrowserContext(),
    close: async () => {
      try { await browser.close(); } finally { fs.rmSync(tmp, { recursive: true, force: true }); }
    },
  };
}

// launch(name): 'firefox' or 'chromium'. newPage({width, height}) opens a
// page in a context of its own (its own cookies: a second merchant), or
// beside another page in that page's context ({beside: page}: another tab).
export async function launch(name = browserName) {
  let b;
  if (name === 'chromium') {
    const { browser, close } = await launchChromium();
    b = { browser, close, version: 'chromium/' + browser.version(), newContext: () => browser.newContext() };
  } else if (name === 'firefox') {
    b = await launchFirefox();
  } else {
    throw new Error('unknown browser ' + name);
  }
  return {
    name,
    version: b.version,
    async newPage({ width = 1400, height = 950, beside } = {}) {
      const ctx = beside ? beside.context : await b.newContext();
      const raw = await ctx.newPage();
      const p = new Page(raw, name, ctx);
      await (name === 'chromium' ? raw.addInitScript(recordErrors) : raw.evaluateOnNewDocument(recordErrors));
      await p.setViewport(width, height);
      return p;
    },
    close: b.close,
  };
}

// axe-core's WCAG 2.x A/AA rules on what the page shows now, injected the
// same way in both engines (evaluated by the automation protocol, which the
// page's CSP does not govern).
const axeSource = fs.readFileSync(path.join(path.dirname(new URL(import.meta.url).pathname),
  'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
export async function axeViolations(page) {
  if (!(await page.evaluate(() => typeof window.axe !== 'undefined'))) await page.raw.evaluate(axeSource);
  const r = await page.evaluate(() => window.axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
  }).then((x) => x.violations.map((v) => v.id + ' (' + v.impact + '): ' + v.help + ' at ' + (v.nodes[0] && v.nodes[0].target.join(' ')))));
  return r;
}

export async function checkAxe(page, what) {
  const v = await axeViolations(page);
  check(v.length === 0, page.engine + ': axe finds no violations on ' + what + (v.length ? ': ' + v.join('; ') : ''));
}

// Sign in to the web editor on the admin host and wait for the Storefront
// Manager; beforeSubmit(page) runs with the form filled in (screenshots).
export async function editorSignIn(p, admin, email = 'owner@demo.localhost', password = 'demo-password',
  { beforeSubmit } = {}) {
  const r = await p.goto(admin + '/');
  await p.fill({ label: 'Email' }, email);
  await p.fill({ label: 'Password' }, password);
  if (beforeSubmit) await beforeSubmit(p);
  await p.click({ button: 'Sign in' });
  await p.waitFor({ css: 'h2', text: 'Pages', exact: true });
  return r;
}
