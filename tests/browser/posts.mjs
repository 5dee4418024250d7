// The blog in the web editor: create a post, write Markdown and see it
// rendered beside it as the store renders it, save, publish, and find it
// on the store's blog. Screenshots posts-*.png.
import { launch, check, shot, port, checkAxe, editorSignIn } from './lib.mjs';

const store = `http://demo.localhost:${port}`;
const { browser, close } = await launch();
let page = null;
try {
  const ctx = await browser.newContext({ viewport: { width: 1400, height: 950 } });
  page = await ctx.newPage();
  await editorSignIn(page);
  await page.getByRole('link', { name: 'Blog' }).click();
  await page.getByRole('heading', { name: 'Blog posts' }).waitFor();
  await checkAxe(page, 'the posts list');
  await page.getByLabel('New post title').fill('Trail notes from the editor');
  await page.getByRole('button', { name: 'Create draft' }).click();
  await page.getByRole('heading', { name: 'Editing Trail notes from the editor' }).waitFor();
  await page.getByLabel('Text (Markdown)').fill('## Packing list\n\nBring *two* layers and a [map](/products).\n\n<script>alert(1)</script>');
  await page.getByLabel('Tags (comma-separated)').fill('hiking, notes');
  const prev = page.frameLocator('iframe.post-preview');
  await prev.locator('h2', { hasText: 'Packing list' }).waitFor({ timeout: 15000 });
  check(await prev.locator('em', { hasText: 'two' }).count() === 1, 'the preview renders the Markdown');
  check(await prev.locator('script').count() === 0, 'raw HTML is dropped, as on the store');
  await shot(page, 'posts-1-editing');
  await checkAxe(page, 'the post editor');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await page.locator('#status', { hasText: 'Saved' }).waitFor({ timeout: 15000 });
  await page.getByRole('button', { name: 'Publish', exact: true }).click();
  await page.locator('#status', { hasText: 'Published' }).waitFor({ timeout: 15000 });
  const sp = await ctx.newPage();
  await sp.goto(store + '/blog/trail-notes-from-the-editor');
  check(await sp.locator('h2', { hasText: 'Packing list' }).count() === 1, 'the store shows the published post');
  await shot(sp, 'posts-2-on-the-store');
} catch (e) {
  if (page) await shot(page, 'posts-failed');
  throw e;
} finally {
  await close();
}
