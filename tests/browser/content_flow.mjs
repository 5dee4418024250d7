// The web editor's other screens in any browser (browsers.mjs;
// SF_BROWSER=firefox by default), as posts.mjs, theme_editor.mjs and the
// media half of editor_more.mjs do in chromium: a blog post written in
// Markdown and previewed as the store renders it, published and on the
// store; the theme: a starter previewed, a poor accent warned about by
// name, a good one published and on the store; the media library: an image
// uploaded (SF_IMAGE), its alt text saved, chosen for the hero in the
// block's config form, shown in the preview and saved; a block written by
// the model (SF_AI: the tests' fake) taken into the editor. Screenshots
// <browser>-content-*.png.
import { check } from './lib.mjs';
import { launch, browserName, checkAxe, editorSignIn, until } from './browsers.mjs';

const port = process.env.SF_PORT;
const admin = `http://admin.localhost:${port}`;
const store = `http://demo.localhost:${port}`;
const b = await launch(browserName);
console.log('# ' + b.version);

async function onStore(path, fn) {
  const sp = await b.newPage();
  try {
    await sp.goto(store + path);
    return await fn(sp);
  } finally {
    await sp.context.close();
  }
}

let p = null;
try {
  p = await b.newPage({ width: 1400, height: 950 });
  await editorSignIn(p, admin);

  // ---- a blog post -----------------------------------------------------
  await p.click({ css: '.top', link: 'Blog' });
  await p.waitFor({ css: 'h1', text: 'Blog posts', exact: true });
  await checkAxe(p, 'the posts list');
  await p.fill({ label: 'New post title' }, 'Trail notes from ' + b.name);
  await p.click({ button: 'Create draft' });
  await p.waitFor({ css: 'h1', text: 'Editing Trail notes from ' + b.name });
  await p.fill({ label: 'Text (Markdown)' }, '## Packing list\n\nBring *two* layers and a [map](/products).\n\n<script>alert(1)</script>');
  await p.fill({ label: 'Tags (comma-separated)' }, 'hiking, notes');
  await p.waitInFrame('iframe.post-preview', { css: 'h2', text: 'Packing list' });
  const prev = await p.frame('iframe.post-preview');
  check(await prev.count({ css: 'em', text: 'two' }) === 1, b.name + ': the preview renders the Markdown');
  check(await prev.count({ css: 'script', hidden: true }) === 0, b.name + ': raw HTML is dropped, as on the store');
  await p.shot(b.name + '-content-1-post');
  await checkAxe(p, 'the post editor');
  await p.click({ button: 'Save' });
  await p.waitFor({ css: '#status', text: 'Saved' });
  await p.click({ button: 'Publish' });
  await p.waitFor({ css: '#status', text: 'Published' });
  const slug = 'trail-notes-from-' + b.name;
  check(await onStore('/blog/' + slug, (sp) => sp.count({ css: 'h2', text: 'Packing list' })) === 1,
    b.name + ': the store shows the published post');

  // ---- the theme -------------------------------------------------------
  await p.click({ css: '.top', link: 'Theme' });
  await p.waitFor({ css: 'h1', text: 'Theme', exact: true });
  await checkAxe(p, 'the theme editor');
  const bg = async () => (await p.frame('iframe.theme-preview', { timeout: 1000 })).evaluate(() => getComputedStyle(document.body).backgroundColor);
  const before = await until(bg, 'the theme preview');
  await p.click({ button: 'Use the Midnight starter' });
  await p.waitFor({ css: '#status', text: 'midnight starter' });
  const after = await until(async () => { const c = await bg(); return c !== before && c; }, 'the preview to show the starter', 20000);
  check(true, b.name + ': the preview shows the starter: ' + before + ' -> ' + after);
  await p.shot(b.name + '-content-2-theme-starter');
  await p.click({ button: 'Use the Trail starter' });
  await p.waitFor({ css: '#status', text: 'trail starter' });
  await p.setValue('#th-accentColor', '#f5e663');   // a pale yellow on a light page
  await p.waitFor({ css: '.warnings li', text: 'accentColor' });
  check(true, b.name + ': the contrast warning names accentColor');
  await p.shot(b.name + '-content-3-theme-warning');
  await p.setValue('#th-accentColor', '#8a2c0e');
  await p.waitFor({ css: '#status', text: 'Draft saved.' });
  await p.click({ button: 'Publish theme' });
  await p.waitFor({ css: '#status', text: 'Theme published' });
  const accent = await onStore('/', (sp) => sp.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue('--accent').trim()));
  check(accent === '#8a2c0e', b.name + ': the store uses the published accent: ' + accent);

  // ---- the media library -----------------------------------------------
  await p.click({ css: '.top', link: 'Media' });
  await p.waitFor({ css: 'h1', text: 'Media library', exact: true });
  await p.setFiles({ label: 'Upload images' }, process.env.SF_IMAGE);
  await p.waitFor('.media-grid img', { timeout: 30000 });
  await p.fill('.media-tools input', 'A blue tent at dusk');
  await p.press('Tab');
  await p.waitFor({ css: '#status', text: 'Alt text saved' });
  await checkAxe(p, 'the media library');
  await p.shot(b.name + '-content-4-media');
  await p.click({ css: '.top', link: 'Store' });
  await p.click({ css: 'tr', inText: 'Home', link: 'Edit' });
  await p.click({ css: '.blocks .pick', text: 'hero' });
  await p.click({ css: 'summary', text: 'Config and visibility' });
  await p.click({ button: 'Choose an image for image' });
  await p.click({ css: 'dialog', button: 'Choose ', exact: false });
  await p.waitInFrame('iframe.preview.current', 'img[src^="/media/lib/"]', { timeout: 20000 });
  check((await p.evaluate(() => document.querySelector('#cfg').value)).includes('/media/lib/'), b.name + ': the chosen image is in the config');
  await p.click({ button: 'Save draft' });
  await p.waitFor({ css: '#status', text: 'Saved draft' });
  await p.shot(b.name + '-content-5-image-chosen');

  // ---- "write this block for me" (the tests' fake model answers) -------
  await p.click({ button: 'Write this block for me' });
  await p.fill({ label: 'What should it show?' }, 'A banner for the winter sale with the store name');
  await p.click({ css: 'dialog', button: 'Write it' });
  await p.waitFor({ css: 'dialog .status.ok', text: 'Valid' }, { timeout: 30000 });
  await p.waitInFrame('iframe.gen-preview', { css: 'h2', text: 'winter sale' });
  await checkAxe(p, 'the block writer');
  await p.shot(b.name + '-content-6-block-written');
  await p.click({ css: 'dialog', button: 'Use this code' });
  await p.waitFor({ css: '.work .cm-content', text: 'winter sale' });
  await p.waitInFrame('iframe.preview.current', { css: 'h2', text: 'winter sale' }, { timeout: 20000 });
  check(true, b.name + ': the written block is in the editor and its preview');
  const errs = await p.errors();
  check(errs.length === 0, b.name + ': no script errors or CSP violations in the editor: ' + errs.join(' | '));
} catch (e) {
  if (p) await p.shot(b.name + '-content-failed').catch(() => {});
  throw e;
} finally {
  await b.close();
}
