// The web editor's media library and "write this block for me": upload an
// image, give it alt text, choose it for the hero's image in the block's
// config form and see it in the preview; ask the model (a local fake) for
// a block and take its code into the editor. Screenshots editor-media-*.png,
// editor-generate-*.png.
import { launch, check, shot, port, checkAxe, editorSignIn } from './lib.mjs';

const { browser, close } = await launch();
let page = null;
try {
  const ctx = await browser.newContext({ viewport: { width: 1500, height: 1000 } });
  page = await ctx.newPage();
  await editorSignIn(page);

  await page.getByRole('link', { name: 'Media', exact: true }).click();
  await page.getByRole('heading', { name: 'Media library' }).waitFor();
  await page.getByLabel('Upload images').setInputFiles(process.env.SF_IMAGE);
  await page.locator('.media-grid img').first().waitFor({ timeout: 30000 });
  const alt = page.locator('.media-tools input').first();
  await alt.fill('A blue tent at dusk');
  await alt.press('Tab');
  await page.locator('#status', { hasText: 'Alt text saved' }).waitFor({ timeout: 15000 });
  await checkAxe(page, 'the media library');
  await shot(page, 'editor-media-1-library');

  await page.getByRole('link', { name: 'Store', exact: true }).click();
  await page.locator('tr', { hasText: 'Home' }).first().getByRole('link', { name: 'Edit' }).click();
  await page.locator('.blocks .pick', { hasText: 'hero' }).first().click();
  await page.getByText('Config and visibility').click();
  await page.getByRole('button', { name: 'Choose an image for image' }).click();
  await page.locator('dialog').getByRole('button', { name: /^Choose / }).first().click();
  await page.frameLocator('iframe.preview.current').locator('img[src^="/media/lib/"]').first().waitFor({ timeout: 20000 });
  check((await page.locator('#cfg').inputValue()).includes('/media/lib/'), 'the chosen image is in the config');
  await shot(page, 'editor-media-2-chosen');

  await page.getByRole('button', { name: 'Write this block for me' }).click();
  await page.getByLabel('What should it show?').fill('A banner for the winter sale with the store name');
  await page.locator('dialog').getByRole('button', { name: 'Write it' }).click();
  await page.locator('dialog .status.ok', { hasText: 'Valid' }).waitFor({ timeout: 30000 });
  await page.frameLocator('iframe.gen-preview').locator('h2', { hasText: 'winter sale' }).waitFor({ timeout: 15000 });
  await checkAxe(page, 'the block writer');
  await shot(page, 'editor-generate-1-written');
  await page.locator('dialog').getByRole('button', { name: 'Use this code' }).click();
  check((await page.locator('.work .cm-content').innerText()).includes('winter sale'), 'the written code is in the editor');
  await page.frameLocator('iframe.preview.current').locator('h2', { hasText: 'winter sale' }).waitFor({ timeout: 20000 });
  await shot(page, 'editor-generate-2-in-the-editor');
} catch (e) {
  if (page) await shot(page, 'editor-more-failed');
  throw e;
} finally {
  await close();
}
