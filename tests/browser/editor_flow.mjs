// The web editor's main flow written once for any browser (browsers.mjs):
// SF_BROWSER=firefox (the default: Debian's firefox-esr over WebDriver
// BiDi) or chromium. At desktop width: sign in, the Storefront Manager,
// open the home page, break the hero's code and see the marker at its line,
// fix it and see the live preview of the unsaved code, completion from the
// reference, Ctrl-F search, save, publish, the store shows it, roll back, the block's
// history (compare, restore), two versions compared, the config form,
// blocks added, moved, copied and deleted (a confirm), the phone-wide
// preview. At phone width:
// sign in, the manager, edit the text block, its preview, save. axe-core on
// every screen; screenshots <browser>-editor-*.png, <browser>-phone-*.png.
import { check } from './lib.mjs';
import { launch, browserName, checkAxe, until, editorSignIn } from './browsers.mjs';

const port = process.env.SF_PORT;
const admin = `http://admin.localhost:${port}`;
const store = `http://demo.localhost:${port}`;
const BROKEN = "function renderHero(storefront, helpers) {\n  const name = helpers.escapeHtml(storefront.name);\n" +
  "  return '<section class=\"hero\"><h1>' + name + ';\n}\n";
const FIXED = "function renderHero(storefront, helpers) {\n  const name = helpers.escapeHtml(storefront.name);\n" +
  `  return \`<section class="hero"><h1>\${name}: edited in ${browserName}</h1></section>\`;\n}\n`;
const PHONE_TEXT = "function renderText(storefront, helpers) {\n" +
  `  return '<section class="text"><h2>Written on a phone in ${browserName}</h2></section>';\n}\n`;

const b = await launch(browserName);
console.log('# ' + b.version);
let page = null;

// the live store's home page HTML, as a shopper's browser gets it
async function liveHome() {
  const p = await b.newPage();
  try {
    await p.goto(store + '/');
    return await p.content();
  } finally {
    await p.context.close();
  }
}

// replace the whole document of the code editor, as a paste would
async function setCode(p, text) {
  await p.click('.work .cm-content');
  await p.press('Control+A');
  await p.insertText(text);
  await until(async () => (await p.text('.work .cm-content')).includes(text.split('\n')[1].trim()), 'the editor to hold the pasted code');
}

async function signIn(p, shotName) {
  const r = await editorSignIn(p, admin, 'owner@demo.localhost', 'demo-password', {
    beforeSubmit: async () => {
      await p.shot(shotName + '-1-sign-in');
      await checkAxe(p, 'the sign-in screen (' + shotName + ')');
    },
  });
  const csp = r.header('Content-Security-Policy');
  check(/script-src 'self'/.test(csp) && !/script-src[^;]*unsafe-inline/.test(csp), 'the editor has a strict CSP');
  check((await p.text('h1')) !== '', 'the Storefront Manager names the store');
  await p.shot(shotName + '-2-manager');
  await checkAxe(p, 'the Storefront Manager (' + shotName + ')');
}

try {
  // ---- desktop ---------------------------------------------------------
  page = await b.newPage({ width: 1600, height: 1000 });
  const p = page;
  await signIn(p, b.name + '-editor');

  await p.click({ css: 'tr', inText: 'Home', link: 'Edit' });
  await p.waitFor('.work .cm-content');
  await p.click({ css: '.blocks .pick', text: 'hero' });
  await p.waitFor('.work .cm-content');

  // a syntax error: the marker is on line 3, where the string is not closed
  await setCode(p, BROKEN);
  const mark = await p.waitFor('.cm-lintRange-error');
  const line = await mark.evaluate((el) => {
    const l = el.closest('.cm-line');
    return [...l.parentElement.querySelectorAll('.cm-line')].indexOf(l) + 1;
  });
  check(line === 3, b.name + ': the syntax error is marked at line 3 (got ' + line + ')');
  check(await p.count('.cm-gutter-lint .cm-lint-marker-error') >= 1, b.name + ': the gutter shows the error');
  await p.hover('.cm-lintRange-error');
  const tip = await p.text('.cm-tooltip-lint', { timeout: 10000 });
  check(tip.length > 5, b.name + ': hovering shows the message: ' + tip);
  await p.shot(b.name + '-editor-3-syntax-error');
  await checkAxe(p, 'the page editor with an error marker');

  // fixed: the marker goes, the live preview shows the unsaved code
  await setCode(p, FIXED);
  await p.waitGone('.cm-lintRange-error');
  await p.waitInFrame('iframe.preview.current', { css: 'h1', text: 'edited in ' + b.name });
  check(true, b.name + ': the preview follows the code before it is saved');
  check(!(await liveHome()).includes('edited in ' + b.name), 'nothing is live before publishing');
  await p.shot(b.name + '-editor-4-preview');

  // completion from the engine's reference, typed key by key
  await p.click('.work .cm-content');
  await p.press('Control+End');
  await p.type('\n// helpers.form');
  await p.waitFor({ css: '.cm-tooltip-autocomplete li', text: 'formatPrice' }, { timeout: 10000 });
  check(true, b.name + ': typing helpers. offers the helpers of the reference');
  await p.press('Escape');
  await setCode(p, FIXED);

  // Ctrl-F is the code editor's search (not the browser's find bar)
  await p.click('.work .cm-content');
  await p.press('Control+F');
  await p.waitFor('.work .cm-search input[name=search]');
  await p.type('escapeHtml');
  await p.press('Enter');
  await p.waitFor('.work .cm-searchMatch');
  check(true, b.name + ': Ctrl-F opens the code search and finds the text');
  await p.press('Escape');
  await p.waitGone('.work .cm-search');

  // no keyboard trap: in the code Tab indents, Escape then Tab moves on
  await p.click('.work .cm-content');
  await p.press('Escape');
  await p.press('Tab');
  const out = await p.evaluate(() => !document.activeElement.closest('.cm-editor') && document.activeElement.tagName);
  check(!!out, b.name + ': Escape then Tab leaves the code editor (focus on ' + out + ')');

  await p.click({ button: 'Save draft' });
  await p.waitFor({ css: '#status', text: 'Saved draft' });
  const saved = Number((await p.text('#status')).match(/version (\d+)/)[1]);
  await p.click({ button: 'Publish' });
  await p.waitFor({ css: '#status', text: 'Published version' });
  const published = Number((await p.text('#status')).match(/version (\d+)/)[1]);
  check((await liveHome()).includes('edited in ' + b.name), b.name + ': the store shows the published change');
  await p.shot(b.name + '-editor-5-published');

  await p.click({ button: 'Roll back to version ' + (published - 1) });
  await p.waitFor({ css: '#status', text: 'Rolled back' });
  check(!(await liveHome()).includes('edited in ' + b.name), b.name + ': after the rollback the store shows the earlier version');
  await p.shot(b.name + '-editor-6-rolled-back');

  // block-level history: the hero's saved versions; compare the edited one
  // with the editor, restore it to the draft of this block alone
  await p.click({ css: 'summary', text: 'History of this block' });
  const restore = { button: 'Restore version ' + saved + ' of this block' };
  await p.waitFor(restore);
  check(await p.count('.history-list li') >= 3, b.name + ': the history lists every saved version');
  await p.shot(b.name + '-editor-7-block-history');
  await checkAxe(p, 'the block history');
  await p.click({ button: 'Compare version ' + saved + ' with the editor' });
  await p.waitFor('dialog .cm-mergeView');
  check(await p.count('dialog .cm-changedLine, dialog .cm-changedText') > 0, b.name + ': the compare view marks the differences');
  await p.shot(b.name + '-editor-8-block-diff');
  await checkAxe(p, 'the compare dialog');
  await p.click({ css: 'dialog', button: 'Close' });
  await p.waitGone('dialog .cm-mergeView');
  await p.click(restore);
  await p.waitFor({ css: '#status', text: 'Restored version ' + saved });
  await p.waitFor({ css: '.work .cm-content', text: 'edited in ' + b.name });
  check(true, b.name + ': the editor holds the restored code');
  check(!(await liveHome()).includes('edited in ' + b.name), b.name + ': restoring a block version touches only the draft');

  // the two newest published versions, compared block by block
  await p.selectOption('#cmp-from', String(published - 1));
  await p.selectOption('#cmp-to', String(published));
  await p.click({ button: 'Compare', exact: true });
  const h = await p.text('dialog h2');
  check(/1 block$/.test(h), b.name + ': version ' + (published - 1) + ' to ' + published + ' changed one block: ' + h);
  await p.shot(b.name + '-editor-9-versions-diff');
  await p.click({ css: 'dialog', button: 'Close' });

  // the block's config as a form: the text block's heading, live in the preview
  await p.click({ css: '.blocks .pick', text: 'text' });
  await p.click({ css: 'summary', text: 'Config and visibility' });
  await p.fill({ label: 'heading' }, 'Heading from the form in ' + b.name);
  await p.waitInFrame('iframe.preview.current', { css: 'h2', text: 'Heading from the form in ' + b.name });
  check((await p.evaluate(() => document.querySelector('#cfg').value)).includes('Heading from the form'), b.name + ': the form writes the config JSON');
  await checkAxe(p, 'the config form');
  await p.shot(b.name + '-editor-10-config-form');

  // the block list: add, move, copy, delete (the browser's confirm, both
  // ways). (A copy of a block in the middle lands after its neighbour: the
  // API inserts at a position without shifting the others; so the copy
  // here is of the last block.)
  const picks = () => p.evaluate(() => [...document.querySelectorAll('.blocks .pick')].map((e) => e.innerText.replace(' •', '')));
  const n = (await picks()).length;
  await p.selectOption({ label: 'Type of the new block' }, 'gallery');
  await p.click({ button: 'Add block' });
  await until(async () => (await picks())[n] === (n + 1) + '. gallery', 'the new gallery block last');
  await p.click({ button: 'Move block ' + (n + 1) + ' up' });
  await until(async () => (await picks()).slice(n - 1).join() === n + '. gallery,' + (n + 1) + '. custom', 'the new block moved up');
  await p.click({ button: 'Copy block ' + (n + 1) });
  await until(async () => (await picks())[n + 1] === (n + 2) + '. custom', 'the copy of the last block');
  check(true, b.name + ': blocks are added, moved and copied with the buttons');
  let asked = p.nextDialog(false);
  await p.click({ button: 'Delete block ' + n });
  check(/Delete this gallery block/.test(await asked), b.name + ': deleting asks first');
  check((await picks()).length === n + 2, b.name + ': "Cancel" keeps the block');
  asked = p.nextDialog(true);
  await p.click({ button: 'Delete block ' + n });
  await asked;
  await until(async () => (await picks()).length === n + 1, 'the block to go');
  check((await picks())[n - 1] === n + '. custom', b.name + ': "OK" deletes it, the list closes up');
  asked = p.nextDialog(true);
  await p.click({ button: 'Delete block ' + (n + 1) });
  await asked;
  await until(async () => (await picks()).length === n, 'the copy to go');

  // the phone-width preview inside the desktop editor
  await p.click({ button: 'phone' });
  const w = await (await p.waitFor('iframe.preview.current')).evaluate((el) => el.getBoundingClientRect().width);
  check(w <= 400, b.name + ': the phone preview is phone-wide: ' + w);
  const errs = await p.errors();
  check(errs.length === 0, b.name + ': no script errors or CSP violations in the editor: ' + errs.join(' | '));
  await p.context.close();

  // ---- phone width -----------------------------------------------------
  page = await b.newPage({ width: 390, height: 844 });
  const m = page;
  await signIn(m, b.name + '-phone');
  const wide = await m.evaluate(() => document.documentElement.scrollWidth);
  check(wide <= 390, b.name + ': the manager fits a phone-wide screen (scrollWidth ' + wide + ')');
  await m.click({ css: 'tr', inText: 'Home', link: 'Edit' });
  await m.waitFor('.work .cm-content');
  await m.click({ css: '.blocks .pick', text: 'text' });
  await m.waitFor('.work .cm-content');
  await setCode(m, PHONE_TEXT);
  await m.waitInFrame('iframe.preview.current', { css: 'h2', text: 'Written on a phone in ' + b.name });
  check(true, b.name + ': the phone-width editor previews the unsaved code');
  await m.click({ button: 'Save draft' });
  await m.waitFor({ css: '#status', text: 'Saved draft' });
  const ewide = await m.evaluate(() => document.documentElement.scrollWidth);
  check(ewide <= 390, b.name + ': the page editor fits a phone-wide screen, long code lines scroll in the editor (scrollWidth ' + ewide + ')');
  await m.shot(b.name + '-phone-3-saved');
  await checkAxe(m, 'the page editor at phone width');
  const merrs = await m.errors();
  check(merrs.length === 0, b.name + ': no script errors or CSP violations at phone width: ' + merrs.join(' | '));
} catch (e) {
  if (page) await page.shot(b.name + '-editor-failed').catch(() => {});   // what the merchant saw when it broke
  throw e;
} finally {
  await b.close();
}
