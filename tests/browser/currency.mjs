// A shopper who reads euros in chromium (issue 13): the currency menu on a
// listing (remembered by a cookie), the prices of the demo home page's grid
// (vibe code) in euros with the merchant's fixed price, the cart, checkout
// (the summary in euros as the shipping method changes; the page's script
// sends the rate and the items' subtotal it showed) and
// the confirmation page with the euro total beside the store's.
// Screenshots: tests/artifacts/currency-*.png.
import { launch, check, shot, port } from './lib.mjs';

const base = `http://demo.localhost:${port}`;
const NAME = process.env.SF_FX_NAME, FIXED = process.env.SF_FX_FIXED;
const { browser, close } = await launch();
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(base + '/products', { waitUntil: 'networkidle' });
  await Promise.all([page.waitForNavigation({ waitUntil: 'networkidle' }),
    page.locator('form.currency-form select').selectOption('EUR')]);
  check(page.url() === base + '/products', 'the menu brings the shopper back to the listing');
  check((await page.locator('.product-card .price__now').first().innerText()).startsWith('€'), 'listing prices in euros');

  await page.goto(base + '/', { waitUntil: 'networkidle' });
  const card = page.locator('section[data-block-type="product_grid"] li.product-card', { hasText: NAME });
  const shown = await card.locator('.price__now').innerText();
  check(shown === FIXED, `the home grid shows ${NAME} at its fixed price ${FIXED}: ${shown}`);
  await card.locator('button.add-to-cart').click();
  await page.waitForFunction(() => document.querySelector('[data-cart-count]').textContent === '1');
  await shot(page, 'currency-1-home');

  await page.goto(base + '/cart', { waitUntil: 'networkidle' });
  check((await page.locator('tr.cart-line').first().innerText()).includes(FIXED), 'the cart line is ' + FIXED);
  await page.goto(base + '/checkout', { waitUntil: 'networkidle' });
  check((await page.locator('[data-total="subtotal"]').innerText()) === FIXED, 'the summary\'s items total is ' + FIXED);
  const form = page.locator('#checkout-form');
  // the live summary (the quote) follows the shipping method, in euros
  await form.locator('input[name=shippingMethod][value=express]').check();
  await page.waitForFunction(() => /^€/.test(document.querySelector('[data-total="shipping"]').textContent) &&
    document.querySelector('[data-total="shipping"]').textContent !== '€0.00');
  const total = await page.locator('[data-total="total"]').innerText();
  check(total.startsWith('€'), 'the summary\'s total is in euros: ' + total);
  await form.locator('input[name=email]').fill('euro@example.com');
  await form.locator('input[name=name]').fill('Eva Euro');
  await form.locator('input[name=line1]').fill('1 Rue de la Paix');
  await form.locator('input[name=city]').fill('Paris');
  await form.locator('input[name=postalCode]').fill('75002');
  await form.locator('input[name=country]').fill('FR');
  await form.locator('input[name=paymentMethod][value=manual]').check();
  await shot(page, 'currency-2-checkout');
  await Promise.all([page.waitForURL(/\/orders\/\d+\?key=[0-9a-f]{32}$/), form.locator('button.place-order').click()]);
  const body = await page.locator('.order-page').innerText();
  check(body.includes('In EUR') && body.includes(total), `the confirmation shows the euro total the summary showed (${total})`);
  await shot(page, 'currency-3-confirmation');
  check(errors.length === 0, 'no script errors: ' + errors.join('; '));
} finally {
  await close();
}
