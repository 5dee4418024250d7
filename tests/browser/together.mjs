// Two merchants on the same page of the web editor: each sees the other
// (presence), a save reaches the other's editor within seconds, and a save
// over the other's newer version shows both side by side; merging by hand
// keeps both intended changes. Screenshots together-*.png.
import { launch, check, shot, port, checkAxe, editorSignIn } from './lib.mjs';


async function signIn(browser, email, password) {
  const ctx = await browser.newContext({ viewport: { width: 1500, height: 950 } });
  const page = await ctx.newPage();
  await editorSignIn(page, email, password);
  await page.locator('tr', { hasText: 'Home' }).first().getByRole('link', { name: 'Edit' }).click();
  await page.locator('.cm-content').waitFor();
  await page.locator('.blocks .pick', { hasText: 'text' }).first().click();
  await page.locator('.cm-content').waitFor();
  return page;
}

async function typeAt(page, where, text) {
  await page.locator('.work .cm-content').click();
  await page.keyboard.press(where);
  await page.keyboard.insertText(text);
}

const { browser, close } = await launch();
let a = null;
try {
  a = await signIn(browser, 'owner@demo.localhost', 'demo-password');
  const b = await signIn(browser, 'second@demo.localhost', 'second-password-1');
  await a.locator('#presence', { hasText: 'second@demo.localhost' }).waitFor({ timeout: 20000 });
  await b.locator('#presence', { hasText: 'owner@demo.localhost' }).waitFor({ timeout: 20000 });
  await a.locator('#presence', { hasText: 'second@demo.localhost (on the text block)' }).waitFor({ timeout: 20000 });
  check(true, 'presence names the block the other is on');
  await shot(a, 'together-1-presence');

  // A edits (unsaved); B edits the same block and saves first
  await typeAt(a, 'Control+Home', '// A was here\n');
  await typeAt(b, 'Control+End', '\n// B was here\n');
  await b.getByRole('button', { name: 'Save draft' }).click();
  await b.locator('#status', { hasText: 'Saved draft' }).waitFor({ timeout: 15000 });
  await a.locator('#status', { hasText: 'saved a block you are editing' }).waitFor({ timeout: 10000 });
  check(true, "A is told, within seconds, that B saved the block A is editing");

  // A saves: the conflict view shows both; A merges by hand and saves
  await a.getByRole('button', { name: 'Save draft' }).click();
  const dlg = a.locator('dialog');
  await dlg.locator('.cm-mergeView').waitFor({ timeout: 15000 });
  const theirs = await dlg.locator('.cm-merge-b .cm-content').innerText();
  const mine = await dlg.locator('.cm-merge-a .cm-content').innerText();
  check(theirs.includes('B was here') && !theirs.includes('A was here'), 'the right side is what B saved');
  check(mine.includes('A was here') && !mine.includes('B was here'), 'the left side is what A wrote');
  await shot(a, 'together-2-conflict');
  await checkAxe(a, 'the conflict view');
  await dlg.locator('.cm-merge-a .cm-content').click();
  await a.keyboard.press('Control+End');
  await a.keyboard.insertText('\n// B was here\n');
  await dlg.getByRole('button', { name: 'Save my version' }).click();
  await a.locator('#status', { hasText: 'Saved your version' }).waitFor({ timeout: 15000 });
  await shot(a, 'together-3-merged');

  // B's editor (no unsaved edits) follows A's save by itself
  await b.waitForFunction(() => document.querySelector('.work .cm-content').innerText.includes('A was here'), null,
    { timeout: 15000 });
  check(true, "B's editor shows A's merged save without a reload");
  await shot(b, 'together-4-followed');
} catch (e) {
  if (a) await shot(a, 'together-failed');
  throw e;
} finally {
  await close();
}
