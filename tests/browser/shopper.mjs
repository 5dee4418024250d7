// The shopper's browsing in chromium (issue 13), desktop and a 390 px
// phone: choose a variant by its swatch and see price, stock, SKU and image
// follow with ?variant= in the address; add it; the same without
// JavaScript through the form post; filter and sort a listing with the
// form; the cart on a phone without horizontal scrolling, its stepper
// stopping at the stock; checkout in two columns with the live summary.
// Screenshots in tests/artifacts/shopper-*.png.
import { launch, check, shot, port, checkAxe } from './lib.mjs';
import http from 'node:http';

// A POS sale: the admin API's inventory sync, as the POS calls it.
function posSale(sku) {
  const body = JSON.stringify({ items: [{ sku, adjust: -1 }] });
  return new Promise((resolve, reject) => {
    const rq = http.request({ host: '127.0.0.1', port, path: '/api/cms/sync/inventory', method: 'POST',
      headers: { Host: 'demo.localhost', 'Content-Type': 'application/json', Authorization: 'Bearer ' + process.env.SF_TOKEN,
        'Content-Length': Buffer.byteLength(body) } }, (res) => { res.resume(); res.on('end', () => resolve(res.statusCode)); });
    rq.on('error', reject);
    rq.end(body);
  });
}

const base = `http://demo.localhost:${port}`;
const GREEN = process.env.SF_GREEN_ID;
const { browser, close } = await launch();
try {
  const errors = [];
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(base + '/products/picker-tee', { waitUntil: 'networkidle' });
  const price = page.locator('[data-picker-price] .price__now');
  const stock = page.locator('[data-picker-stock]');
  check(await price.innerText() === '$21.00', 'first in-stock variant (M / Red) shown: $21.00');
  check(await page.locator('label[for="opt1-0"]').getAttribute('class').then((c) => c.includes('is-sold-out')),
    'S is marked sold out with Red chosen');
  await shot(page, 'shopper-1-product-default');
  // the Forest Green swatch: price, stock, SKU, image and the URL follow
  await page.locator('label.option-btn--swatch', { hasText: 'Forest Green' }).click();
  await page.waitForFunction(() => document.querySelector('[data-picker-price] .price__now').textContent === '$22.00');
  check(true, 'choosing the Forest Green swatch shows $22.00');
  check(await stock.innerText() === 'In stock: 1 available', 'stock line follows: ' + await stock.innerText());
  check(await page.locator('[data-picker-sku]').innerText() === 'TEE-M-GRN', 'SKU follows');
  check(new URL(page.url()).searchParams.get('variant') === GREEN, 'the address carries ?variant=' + GREEN);
  check((await page.locator('.product-detail__image').first().getAttribute('src')).endsWith('camp-lantern.svg'),
    'the image follows the variant');
  check(await page.locator('[data-picker-qty]').getAttribute('max') === '1', 'quantity max is the variant stock');
  check(await page.locator('[data-picker-price] .price__was').count() === 0, 'no compare-at price on this variant');
  await shot(page, 'shopper-2-variant-swatch');
  await checkAxe(page, 'the product page with its picker');
  // a combination that does not exist: the button says so
  await page.locator('label.option-btn', { hasText: /^L/ }).click();
  await page.waitForFunction(() => document.querySelector('[data-picker-button]').disabled);
  check(await page.locator('[data-picker-button]').innerText() === 'Unavailable', 'L / Forest Green: Unavailable, no add');
  await page.locator('label.option-btn', { hasText: /^M/ }).click();
  await page.waitForFunction(() => !document.querySelector('[data-picker-button]').disabled);
  await page.locator('[data-picker-button]').click();
  await page.waitForFunction(() => document.querySelector('[data-cart-count]').textContent === '1');
  check(page.url().includes('/products/picker-tee'), 'Add to Cart with JavaScript stays on the page, count 1');
  // the reloaded shared link shows the same variant
  await page.goto(base + '/products/picker-tee?variant=' + GREEN, { waitUntil: 'networkidle' });
  check(await price.innerText() === '$22.00' && await page.locator('#opt2-1').isChecked(), 'a shared ?variant= link opens on it');

  // without JavaScript: the radios and the form post do it all
  const nojs = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1280, height: 900 } });
  const np = await nojs.newPage();
  await np.goto(base + '/products/picker-tee', { waitUntil: 'load' });
  await np.locator('label.option-btn--swatch', { hasText: 'Forest Green' }).click();
  await Promise.all([np.waitForURL(base + '/cart'), np.locator('[data-picker-button]').click()]);
  const noJsCart = await np.locator('.cart-table').innerText();
  check(noJsCart.includes('Picker Tee') && noJsCart.includes('Forest Green'),
    'without JavaScript the chosen swatch posts its variant and lands on the cart');
  check((await np.locator('.cart-line').count()) === 1, 'the cart holds the line the form posted');
  await shot(np, 'shopper-3-nojs-cart');
  await nojs.close();

  // filter and sort the listing with its form (each change submits it)
  await page.goto(base + '/products?filter.p.vendor=Picker+Test+Co', { waitUntil: 'networkidle' });
  check(await page.locator('details.listing-filters').getAttribute('open') !== null, 'a filter in the address opens the filter form');
  await Promise.all([page.waitForURL(/filter\.v\.availability=1/), page.locator('input[name="filter.v.availability"][value="1"]').check()]);
  check(true, 'ticking In stock submits the form: ' + page.url());
  await Promise.all([page.waitForURL(/sort_by=price-descending/), page.locator('select[name=sort_by]').selectOption('price-descending')]);
  const names = await page.locator('.product-grid .product-card__name').allInnerTexts();
  check(JSON.stringify(names) === JSON.stringify(['Pt Alpha', 'Pt Charlie', 'Picker Tee']),
    'in stock, price high to low: ' + names.join(', '));
  check(await page.locator('input[name="filter.v.availability"][value="1"]').isChecked(), 'the form keeps the filter');
  check((await page.locator('.product-card', { hasText: 'Pt Alpha' }).innerText()).includes('Sale'), 'sale badge on the card');
  await shot(page, 'shopper-4-listing-filtered');
  await checkAxe(page, 'a filtered listing');

  // phone: the listing, the cart without horizontal scroll, the stepper
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const mp = await phone.newPage();
  mp.on('pageerror', (e) => errors.push(String(e)));
  await mp.goto(base + '/collections/camp-kit?sort_by=price-ascending', { waitUntil: 'networkidle' });
  check(await mp.evaluate(() => document.documentElement.scrollWidth <= 390), 'collection page fits 390 px');
  await shot(mp, 'shopper-5-phone-collection');
  await mp.goto(base + '/products/picker-tee?variant=' + GREEN, { waitUntil: 'networkidle' });
  await mp.locator('[data-picker-button]').click();
  await mp.waitForFunction(() => document.querySelector('[data-cart-count]').textContent === '1');
  await mp.goto(base + '/products/trailhead-rain-jacket', { waitUntil: 'networkidle' });
  await mp.locator('[data-picker-button]').click();
  await mp.waitForFunction(() => document.querySelector('[data-cart-count]').textContent === '2');
  await mp.goto(base + '/cart', { waitUntil: 'networkidle' });
  const width = await mp.evaluate(() => document.documentElement.scrollWidth);
  check(width <= 390, 'cart on a 390 px phone: no horizontal scroll (' + width + ')');
  const rm = await mp.locator('.cart-remove').first().boundingBox();
  check(rm && rm.x >= 0 && rm.x + rm.width <= 390, 'the Remove button is on screen');
  const plus = mp.locator('.cart-line', { hasText: 'Picker Tee' }).locator('.stepper__btn[data-step="1"]');
  check(await plus.isDisabled(), 'the + stepper stops at the stock (1 green tee left)');
  await shot(mp, 'shopper-6-phone-cart');
  await checkAxe(mp, 'the cart on a phone');
  // the jacket: + adds one (page reloads with the server's totals)
  const jplus = mp.locator('.cart-line', { hasText: 'Trailhead' }).locator('.stepper__btn[data-step="1"]');
  await Promise.all([mp.waitForNavigation({ waitUntil: 'networkidle' }), jplus.click()]);
  check(await mp.locator('.cart-line', { hasText: 'Trailhead' }).locator('.cart-qty').inputValue() === '2', '+ makes it 2');
  await mp.goto(base + '/checkout', { waitUntil: 'networkidle' });
  check(await mp.evaluate(() => document.documentElement.scrollWidth <= 390), 'checkout fits 390 px');
  await phone.close();

  // checkout on desktop: two columns, the summary follows the choices
  await page.goto(base + '/checkout', { waitUntil: 'networkidle' });
  const form = await page.locator('#checkout-form').boundingBox();
  const summary = await page.locator('.checkout-summary').boundingBox();
  check(summary.x > form.x + form.width - 1, 'the order summary is a column right of the form');
  await page.waitForFunction(() => document.querySelector('[data-total="total"]').textContent !== '-');
  await page.locator('[data-pickup-express]').click();
  await page.waitForFunction(() => document.querySelector('[data-total="shipping"]').textContent === '$0.00');
  check(await page.locator('fieldset.address').isHidden(), 'Pick up in store hides the address');
  check(await page.locator('input[name=shippingMethod][value=pickup]').isChecked(), 'and chooses pickup');
  check(await page.locator('input[name=line1]').getAttribute('autocomplete') === 'shipping address-line1', 'autocomplete attributes');
  await shot(page, 'shopper-7-checkout-desktop');
  await checkAxe(page, 'the checkout');

  // live stock: a product page and the cart left open see a POS sale
  const live = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  live.on('pageerror', (e) => errors.push(String(e)));
  await live.goto(base + '/products/picker-tee?variant=' + GREEN, { waitUntil: 'networkidle' });
  check(await live.locator('[data-picker-stock]').innerText() === 'In stock: 1 available', 'product page open: 1 green left');
  await page.goto(base + '/cart', { waitUntil: 'networkidle' });
  check(await page.locator('.cart-line.has-problem').count() === 0, 'cart open: no problem yet');
  const t0 = Date.now();
  check(await posSale('TEE-M-GRN') === 200, 'the POS sells the last green tee');
  await live.waitForFunction(() => document.querySelector('[data-picker-stock]').textContent === 'Sold out', null, { timeout: 20000 });
  check(await live.locator('[data-picker-button]').isDisabled(), 'the product page shows Sold out and the button follows, after ' +
    ((Date.now() - t0) / 1000).toFixed(1) + ' s');
  await page.waitForSelector('.cart-line.has-problem', { timeout: 20000 });
  check((await page.locator('.cart-line__problem').first().innerText()).includes('out of stock'),
    'the open cart says the item sold out, after ' + ((Date.now() - t0) / 1000).toFixed(1) + ' s');
  await shot(live, 'shopper-8-live-stock-product');
  await shot(page, 'shopper-9-live-stock-cart');
  check(errors.length === 0, 'no script errors: ' + errors.join('; '));
} finally {
  await close();
}
