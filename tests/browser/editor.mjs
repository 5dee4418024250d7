// The merchant's web editor on the admin host, as a merchant uses it: sign
// in, open the home page, break the hero's code and see the marker at the
// right line, fix it and see the live preview follow, save, publish, see
// the store change, roll back. Screenshots of each step (editor-*.png).
import { launch, check, shot, port, checkAxe } from './lib.mjs';

const admin = `http://admin.localhost:${port}`;
const store = `http://demo.localhost:${port}`;
const BROKEN = "function renderHero(storefront, helpers) {\n  const name = helpers.escapeHtml(storefront.name);\n" +
  "  return '<section class=\"hero\"><h1>' + name + ';\n}\n";
const FIXED = "function renderHero(storefront, helpers) {\n  const name = helpers.escapeHtml(storefront.name);\n" +
  "  return `<section class=\"hero\"><h1>${name}: edited in the browser</h1></section>`;\n}\n";

// The live store's home page HTML, as a shopper's browser gets it.
async function liveHome(ctx) {
  const p = await ctx.newPage();
  try {
    await p.goto(store + '/', { waitUntil: 'domcontentloaded' });
    return await p.content();
  } finally {
    await p.close();
  }
}

// Replace the whole document of the code editor, as a paste would.
async function setCode(page, text) {
  await page.locator('.cm-content').click();
  await page.keyboard.press('Control+A');
  await page.keyboard.insertText(text);
}

const { browser, close } = await launch();
let page = null;
try {
  const ctx = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
  page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  // the editor's own document: CSP violations and script errors (the
  // preview frame's store script and the optional cards' 404s are not it)
  page.on('console', (m) => {
    const at = (m.location() && m.location().url) || '';
    if (m.type() === 'error' && /Content Security Policy|Uncaught/.test(m.text()) && !at.includes('/preview')) errors.push(m.text());
  });

  const resp = await page.goto(admin + '/', { waitUntil: 'domcontentloaded' });
  const csp = resp.headers()['content-security-policy'] || '';
  check(/script-src 'self'/.test(csp) && !/script-src[^;]*unsafe-inline/.test(csp), 'the editor has a strict CSP: ' + csp);
    await page.getByLabel('Email', { exact: true }).fill('owner@demo.localhost');
  await page.getByLabel('Password', { exact: true }).fill('demo-password');
  await shot(page, 'editor-1-sign-in');
  await checkAxe(page, 'the sign-in screen');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Pages' }).waitFor();
  check(await page.locator('h1').innerText() !== '', 'the Storefront Manager names the store');
  const revenue = await page.evaluate(() => {
    const dt = [...document.querySelectorAll('dt')].find((d) => d.textContent === 'Revenue');
    return dt ? dt.nextElementSibling.textContent : null;
  });
  check(revenue !== null && !/[[\]{}"]/.test(revenue) && /None yet|\d/.test(revenue), "today's revenue is written as money: " + revenue);
  await shot(page, 'editor-2-manager');
  await checkAxe(page, 'the Storefront Manager');

  const homeRow = page.locator('tr', { hasText: 'Home' }).first();
  await homeRow.getByRole('link', { name: 'Edit' }).click();
  await page.locator('.cm-content').waitFor();
  const hero = page.locator('.blocks .pick', { hasText: 'hero' }).first();
  await hero.click();
  await page.locator('.cm-content').waitFor();

  // a syntax error: the marker is on line 3, where the string is not closed
  await setCode(page, BROKEN);
  const mark = page.locator('.cm-lintRange-error').first();
  await mark.waitFor({ timeout: 15000 });
  const line = await mark.evaluate((el) => {
    const l = el.closest('.cm-line');
    return [...l.parentElement.querySelectorAll('.cm-line')].indexOf(l) + 1;
  });
  check(line === 3, 'the syntax error is marked at line 3 (got ' + line + ')');
  check(await page.locator('.cm-gutter-lint .cm-lint-marker-error').count() >= 1, 'the gutter shows the error');
  await mark.hover();
  const tip = page.locator('.cm-tooltip-lint').first();
  await tip.waitFor({ timeout: 10000 });
  check((await tip.innerText()).length > 5, 'hovering shows the message: ' + (await tip.innerText()));
  await shot(page, 'editor-3-syntax-error');
  await checkAxe(page, 'the page editor with an error marker');

  // fixed: the marker goes, the live preview shows the new heading
  await setCode(page, FIXED);
  await page.locator('.cm-lintRange-error').waitFor({ state: 'detached', timeout: 15000 });
  const frame = page.frameLocator('iframe.preview.current');
  await frame.locator('h1', { hasText: 'edited in the browser' }).waitFor({ timeout: 15000 });
  check(true, 'the preview follows the code before it is saved');
  const live0 = await liveHome(ctx);
  check(!live0.includes('edited in the browser'), 'nothing is live before publishing');
  await shot(page, 'editor-4-preview');

  // completion from the engine's reference
  await page.locator('.cm-content').click();
  await page.keyboard.press('Control+End');
  await page.keyboard.type('\n// helpers.form');
  const opt = page.locator('.cm-tooltip-autocomplete li', { hasText: 'formatPrice' });
  await opt.first().waitFor({ timeout: 10000 });
  check(true, 'typing helpers. offers the helpers of the reference');
  await page.keyboard.press('Escape');
  await setCode(page, FIXED);

  await page.getByRole('button', { name: 'Save draft' }).click();
  await page.locator('#status', { hasText: 'Saved draft' }).waitFor({ timeout: 15000 });
  await page.getByRole('button', { name: 'Publish' }).click();
  await page.locator('#status', { hasText: 'Published version' }).waitFor({ timeout: 15000 });
  const published = Number((await page.locator('#status').innerText()).match(/version (\d+)/)[1]);
  const live1 = await liveHome(ctx);
  check(live1.includes('edited in the browser'), 'the store shows the published change');
  await shot(page, 'editor-5-published');

  // roll back to the version before: the store loses the change
  await page.getByRole('button', { name: 'Roll back to version ' + (published - 1), exact: true }).click();
  await page.locator('#status', { hasText: 'Rolled back' }).waitFor({ timeout: 15000 });
  const live2 = await liveHome(ctx);
  check(!live2.includes('edited in the browser'), 'after the rollback the store shows the earlier version');
  await shot(page, 'editor-6-rolled-back');

  // block-level history: the hero's saved versions; restore the edited one
  // to the draft of this block alone
  await page.getByText('History of this block').click();
  const restoreBtn = page.getByRole('button', { name: 'Restore version 2 of this block' });
  await restoreBtn.waitFor({ timeout: 10000 });
  check(await page.locator('.history-list li').count() >= 3, 'the history lists every saved version');
  await shot(page, 'editor-7-block-history');
  await checkAxe(page, 'the block history');
  await page.getByRole('button', { name: 'Compare version 2 with the editor' }).click();
  await page.locator('dialog .cm-mergeView').waitFor();
  check(await page.locator('dialog .cm-changedLine, dialog .cm-changedText').count() > 0, 'the compare view marks the differences');
  await shot(page, 'editor-8-block-diff');
  await checkAxe(page, 'the compare dialog');
  await page.locator('dialog').getByRole('button', { name: 'Close' }).click();
  await restoreBtn.click();
  await page.locator('#status', { hasText: 'Restored version 2' }).waitFor({ timeout: 15000 });
  check((await page.locator('.cm-content').first().innerText()).includes('edited in the browser'), 'the editor holds the restored code');
  const live3 = await liveHome(ctx);
  check(!live3.includes('edited in the browser'), 'restoring a block version touches only the draft');

  // two published versions, compared block by block
  await page.locator('#cmp-from').selectOption('1');
  await page.locator('#cmp-to').selectOption('2');
  await page.getByRole('button', { name: 'Compare', exact: true }).click();
  const dlg = page.locator('dialog');
  await dlg.waitFor();
  check(/1 block/.test(await dlg.locator('h2').innerText()), 'version 1 to 2 changed one block: ' + await dlg.locator('h2').innerText());
  await shot(page, 'editor-9-versions-diff');
  await dlg.getByRole('button', { name: 'Close' }).click();

  // the block's config as a form: the text block's heading, live in the preview
  await page.locator('.blocks .pick', { hasText: 'text' }).first().click();
  await page.getByText('Config and visibility').click();
  await page.getByLabel('heading', { exact: true }).fill('Heading from the form');
  await page.frameLocator('iframe.preview.current').locator('text=Heading from the form').waitFor({ timeout: 15000 });
  check((await page.locator('#cfg').inputValue()).includes('Heading from the form'), 'the form writes the config JSON');
  await checkAxe(page, 'the config form');
  await shot(page, 'editor-10-config-form');

  // phone-width preview
  await page.getByRole('button', { name: 'phone' }).click();
  const w = await page.locator('iframe.preview.current').evaluate((el) => el.getBoundingClientRect().width);
  check(w <= 400, 'the phone preview is phone-wide: ' + w);
  check(errors.length === 0, 'no script errors or CSP violations: ' + errors.join(' | '));
} catch (e) {
  if (page) await shot(page, 'editor-failed');   // what the merchant saw when it broke
  throw e;
} finally {
  await close();
}
