// The theme in the web editor: apply a starter, change a colour and see
// the preview follow and a contrast warning name the pair, publish, and
// the store shows the new colour. Screenshots theme-editor-*.png.
import { launch, check, shot, port, checkAxe, editorSignIn } from './lib.mjs';

const store = `http://demo.localhost:${port}`;
const { browser, close } = await launch();
let page = null;
try {
  const ctx = await browser.newContext({ viewport: { width: 1400, height: 950 } });
  page = await ctx.newPage();
  await editorSignIn(page);
  await page.getByRole('link', { name: 'Theme' }).click();
  await page.getByRole('heading', { name: 'Theme', exact: true }).waitFor();
  await checkAxe(page, 'the theme editor');
  const bgOf = async () => page.frameLocator('iframe.theme-preview').locator('body')
    .evaluate((b) => getComputedStyle(b).backgroundColor);
  const before = await bgOf();
  await page.getByRole('button', { name: /Use the Midnight starter/ }).click();
  await page.locator('#status', { hasText: 'Midnight' }).or(page.locator('#status', { hasText: 'midnight' })).waitFor({ timeout: 15000 });
  // the frame is sandboxed (an opaque origin): poll it through playwright
  // until the reloaded preview shows the starter (at most 20 s)
  let after = before;
  for (let i = 0; i < 200 && after === before; i++) { await page.waitForTimeout(100); after = await bgOf().catch(() => before); }
  check(after !== before, 'the preview shows the starter: ' + before + ' -> ' + after);
  await shot(page, 'theme-editor-1-starter');
  // a poor accent on a light page: a warning names the pair
  await page.getByRole('button', { name: /Use the Trail starter/ }).click();
  await page.locator('#status', { hasText: /trail/i }).waitFor({ timeout: 15000 });
  await page.locator('#th-accentColor').fill('#f5e663');
  await page.locator('.warnings li', { hasText: 'accentColor' }).first().waitFor({ timeout: 15000 });
  check(true, 'the contrast warning names accentColor');
  await shot(page, 'theme-editor-2-warning');
  await page.locator('#th-accentColor').fill('#8a2c0e');
  await page.locator('#status', { hasText: 'Draft saved.' }).waitFor({ timeout: 15000 });
  await page.getByRole('button', { name: 'Publish theme' }).click();
  await page.locator('#status', { hasText: 'Theme published' }).waitFor({ timeout: 15000 });
  const sp = await ctx.newPage();
  await sp.goto(store + '/');
  const accent = await sp.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue('--accent').trim());
  check(accent === '#8a2c0e', 'the store uses the published accent: ' + accent);
  await shot(sp, 'theme-editor-3-store');
} catch (e) {
  if (page) await shot(page, 'theme-editor-failed');
  throw e;
} finally {
  await close();
}
