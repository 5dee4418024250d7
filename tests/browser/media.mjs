// The product page's gallery as a shopper sees it: images uploaded through
// the media API and attached to a product (test_browser.py does that),
// each <img> with a srcset of WebP renditions that chromium picks from,
// thumbnails that move the gallery, no broken image, no script error.
import { launch, check, shot, port } from './lib.mjs';

const slug = process.env.SF_PRODUCT_SLUG;
const { browser, close } = await launch();
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors = [];
  const failed = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('response', (r) => { if (r.url().includes('/media/lib/') && r.status() !== 200) failed.push(r.url()); });
  const resp = await page.goto(`http://demo.localhost:${port}/products/${slug}`, { waitUntil: 'networkidle' });
  check(resp.status() === 200, 'product page answers 200');
  const imgs = page.locator('.product-gallery__track img');
  check(await imgs.count() === 2, 'the gallery holds both images');
  const first = await imgs.nth(0).evaluate((el) => ({
    srcset: el.getAttribute('srcset'), sizes: el.getAttribute('sizes'), current: el.currentSrc,
    natural: el.naturalWidth, complete: el.complete, width: el.getAttribute('width'), alt: el.alt,
  }));
  check(/-320\.webp 320w/.test(first.srcset) && /-1024\.webp 1024w/.test(first.srcset),
    'srcset lists the WebP renditions: ' + first.srcset);
  check(first.sizes && first.sizes.includes('vw'), 'sizes is set: ' + first.sizes);
  check(first.complete && first.natural > 0, 'the first image loaded (' + first.natural + ' px wide)');
  check(first.current.endsWith('.webp'), 'chromium chose a WebP rendition: ' + first.current);
  check(first.width === '2000' && first.alt === 'Blue chair, front', 'width and alt from the library');
  const thumbs = page.locator('.product-gallery__thumbs a');
  check(await thumbs.count() === 2, 'two thumbnails');
  await thumbs.nth(1).click();
  await page.waitForFunction(() => document.querySelector('.product-gallery__track').scrollLeft > 100);
  check(true, 'the second thumbnail scrolls the gallery to the second image');
  const second = await imgs.nth(1).evaluate((el) => ({ natural: el.naturalWidth, current: el.currentSrc }));
  check(second.natural > 0 && second.current.endsWith('.webp'), 'the second image loaded: ' + second.current);
  await shot(page, 'media-product-gallery');
  // a phone picks a narrower rendition than the desktop did
  const mobile = await browser.newPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 1, isMobile: true });
  await mobile.goto(`http://demo.localhost:${port}/products/${slug}`, { waitUntil: 'networkidle' });
  const phone = await mobile.locator('.product-gallery__track img').first().evaluate((el) => el.currentSrc);
  check(/-(320|640)\.webp$/.test(phone), 'a phone loads a narrow rendition: ' + phone);
  await shot(mobile, 'media-product-gallery-mobile');
  check(failed.length === 0, 'no media request failed: ' + failed.join(', '));
  check(errors.length === 0, 'no script errors: ' + errors.join('; '));
} finally {
  await close();
}
