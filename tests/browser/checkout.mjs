// A shopper's whole purchase on the demo store in chromium: Add to Cart on
// the seed-style product grid of the home page (header count changes without
// a reload), the cart page (change a quantity), checkout with manual
// payment, and the confirmation page. Also: a sold-out click shows the
// store's message. Screenshots in tests/artifacts/.
import { launch, check, shot, port } from './lib.mjs';

const base = `http://demo.localhost:${port}`;
const { browser, close } = await launch();
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(base + '/', { waitUntil: 'networkidle' });
  const count = page.locator('[data-cart-count]');
  check(await count.innerText() === '0', 'header cart count starts at 0');

  const grid = page.locator('section[data-block-type="product_grid"]');
  const cards = grid.locator('li.product-card:not(.is-sold-out)');
  const first = cards.nth(0), second = cards.nth(1);
  const firstName = await first.locator('.product-card__name').innerText();
  const secondName = await second.locator('.product-card__name').innerText();
  const url0 = page.url();
  await first.locator('button.add-to-cart').click();
  await page.waitForFunction(() => document.querySelector('[data-cart-count]').textContent === '1');
  check(true, `Add to Cart on "${firstName}" turns the header count to 1`);
  check(page.url() === url0, 'no page reload or navigation');
  await page.locator('.toast').first().waitFor();
  check((await page.locator('.toast').first().innerText()).includes('Added'), 'a toast says it was added');
  await second.locator('button.add-to-cart').click();
  await page.waitForFunction(() => document.querySelector('[data-cart-count]').textContent === '2');
  check(true, `Add to Cart on "${secondName}" turns the count to 2`);
  await shot(page, 'checkout-1-home-added');

  // more than the stock: addToCart shows the store's clear message, the count stays
  const id = (await first.locator('button.add-to-cart').getAttribute('onclick')).match(/addToCart\('([^']+)'/)[1];
  await page.evaluate((pid) => window.addToCart(pid, 999), id);
  const toast = page.locator('.toast--error').first();
  await toast.waitFor();
  const msg = await toast.innerText();
  check(/only \d+ of .* left/.test(msg), 'too many: the toast says "' + msg + '"');
  check(await count.innerText() === '2', 'the count stays at 2');

  // the cart page: two lines; change the first one's quantity to 2
  await page.locator('a.cart-link').click();
  await page.waitForURL(base + '/cart');
  check(await page.locator('tr.cart-line').count() === 2, 'cart page lists the two products');
  check((await page.locator('tr.cart-line').first().innerText()).includes(firstName), 'first line is ' + firstName);
  const before = await page.locator('[data-cart-subtotal]').innerText();
  const qty = page.locator('input.cart-qty').first();
  await Promise.all([page.waitForNavigation({ waitUntil: 'networkidle' }), qty.fill('2').then(() => qty.dispatchEvent('change'))]);
  check(await page.locator('input.cart-qty').first().inputValue() === '2', 'quantity is 2 after the change');
  await page.waitForFunction(() => document.querySelector('[data-cart-count]').textContent === '3');
  check(true, 'header count is 3');
  const after = await page.locator('[data-cart-subtotal]').innerText();
  check(after !== before, `subtotal went from ${before} to ${after}`);
  await shot(page, 'checkout-2-cart');

  // checkout with manual payment
  await page.locator('a.checkout-link').click();
  await page.waitForURL(base + '/checkout');
  const form = page.locator('#checkout-form');
  await form.locator('input[name=email]').fill('browser@example.com');
  await form.locator('input[name=name]').fill('Bea Browser');
  await form.locator('input[name=line1]').fill('12 Pine Road');
  await form.locator('input[name=city]').fill('Portland');
  await form.locator('input[name=postalCode]').fill('97201');
  await form.locator('input[name=country]').fill('US');
  await form.locator('input[name=paymentMethod][value=manual]').check();
  // the totals follow the shipping method: express costs, pickup is free
  await form.locator('input[name=shippingMethod][value=express]').check();
  await page.waitForFunction(() => document.querySelector('[data-total="shipping"]').textContent === '$15.00');
  const expressTotal = await page.locator('[data-total="total"]').innerText();
  check(expressTotal === '$342.00', 'express shipping: total ' + expressTotal);
  await form.locator('input[name=shippingMethod][value=standard]').check();
  await page.waitForFunction(() => document.querySelector('[data-total="shipping"]').textContent === '$0.00');
  check(await page.locator('[data-total="total"]').innerText() === '$327.00', 'standard shipping is free over $75: total $327.00');
  // a bad field first: the error is shown and nothing happens
  await form.locator('input[name=email]').fill('not-an-email');
  await form.locator('button.place-order').click();
  await page.locator('.checkout-error').filter({ hasText: 'email' }).waitFor();
  check(page.url() === base + '/checkout', 'a bad email is shown on the page: ' + await page.locator('.checkout-error').innerText());
  await form.locator('input[name=email]').fill('browser@example.com');
  await shot(page, 'checkout-3-form');
  await Promise.all([page.waitForURL(/\/orders\/\d+\?key=[0-9a-f]{32}$/), form.locator('button.place-order').click()]);
  check(true, 'placing the order lands on the confirmation page');
  const h1 = await page.locator('h1').innerText();
  check(h1.includes('Thank you, Bea Browser'), 'confirmation says: ' + h1);
  const body = await page.locator('.order-page').innerText();
  check(body.includes(firstName) && body.includes(secondName), 'the order lists both products');
  check(/Order #\d+/.test(body) && body.includes('pay on pickup or delivery'), 'order number and manual payment shown');
  await page.waitForFunction(() => document.querySelector('[data-cart-count]').textContent === '0');
  check(true, 'the cart is empty after the order');
  await shot(page, 'checkout-4-confirmation');
  check(errors.length === 0, 'no script errors: ' + errors.join('; '));
} finally {
  await close();
}
