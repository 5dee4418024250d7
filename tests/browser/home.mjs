// The demo home page as a shopper sees it: six blocks, products with
// prices, the header cart count filled in by store.js, no script errors.
import { launch, check, shot, port } from './lib.mjs';

const { browser, close } = await launch();
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  const resp = await page.goto(`http://demo.localhost:${port}/`, { waitUntil: 'networkidle' });
  check(resp.status() === 200, 'home page answers 200');
  const types = await page.$$eval('section[data-block-type]', (els) => els.map((e) => e.dataset.blockType));
  check(JSON.stringify(types) === JSON.stringify(['hero', 'product_grid', 'text', 'gallery', 'blog', 'custom']),
    'six blocks in order: ' + types.join(','));
  check(await page.locator('h1').first().innerText() !== '', 'hero has a heading');
  const buttons = await page.locator('button.add-to-cart').count();
  check(buttons >= 20, `product grid shows ${buttons} add-to-cart buttons`);
  const css = await page.evaluate(() => getComputedStyle(document.body).fontFamily);
  check(css.length > 0 && css !== 'Times New Roman', 'store.css is applied: ' + css);
  check(await page.locator('[data-cart-count]').count() === 1, 'header has the cart count');
  // the demo's own grid block has wishlist hearts, shown by wishlist.js like the listings'
  const hearts = page.locator('section[data-block-type="product_grid"] .wish-btn');
  check(await hearts.count() >= 20, 'the grid has a heart per product');
  check(await hearts.first().isVisible(), 'wishlist.js shows the grid\'s hearts');
  await hearts.first().click();
  await page.waitForFunction(() => document.querySelector('section[data-block-type="product_grid"] .wish-btn')
    .getAttribute('aria-pressed') === 'true');
  const kept = await page.evaluate(() => JSON.parse(localStorage.getItem('sf_wishlist') || '[]')[0] || {});
  const card = await page.evaluate(() => {
    const c = document.querySelector('section[data-block-type="product_grid"] .product-card');
    return { name: c.querySelector('.product-card__name').textContent, price: c.querySelector('.price__now').textContent };
  });
  check(kept.productId && kept.name === card.name && kept.price === card.price && /^\/|^http/.test(kept.image || '') && kept.slug,
    'a guest\'s heart is kept in the browser, with the name, price, image and slug its card shows: ' + JSON.stringify(kept));
  await shot(page, 'home-grid-hearts');
  await hearts.first().click();   /* leave the list as it was */
  await page.waitForFunction(() => document.querySelector('section[data-block-type="product_grid"] .wish-btn')
    .getAttribute('aria-pressed') === 'false');
  check(errors.length === 0, 'no script errors: ' + errors.join('; '));
  await shot(page, 'home-desktop');
  const mobile = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true });
  await mobile.goto(`http://demo.localhost:${port}/products/trailhead-rain-jacket`, { waitUntil: 'networkidle' });
  check((await mobile.locator('h1').innerText()).includes('Trailhead Rain Jacket'), 'product page on a phone');
  await shot(mobile, 'product-mobile');
} finally {
  await close();
}
