// A shopper's account in chromium (issue 13): a guest hearts a product
// (kept in the browser), signs in with a one-time code (the test reads it
// from the SMTP sink and hands it over on stdin after "NEED_CODE <email>"),
// the wishlist joins the account, a saved address prefills checkout, the
// order shows in the account's history; the account page on a 390 px
// phone; a password sign-up in another browser. Screenshots:
// tests/artifacts/account-*.png.
import { launch, check, shot, port, checkAxe } from './lib.mjs';
import readline from 'node:readline';

const base = `http://demo.localhost:${port}`;
const EMAIL = process.env.SF_EMAIL;
const lines = readline.createInterface({ input: process.stdin });
const nextLine = () => new Promise((resolve) => lines.once('line', resolve));

const { browser, close } = await launch();
try {
  const errors = [];
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await ctx.newPage();
  page.on('pageerror', (e) => errors.push(String(e)));

  // a guest's heart: kept in this browser
  await page.goto(base + '/products/camp-lantern', { waitUntil: 'networkidle' });
  const heart = page.locator('.wish-btn--page');
  await heart.click();
  await page.waitForFunction(() => document.querySelector('.wish-btn--page').getAttribute('aria-pressed') === 'true');
  check(true, 'a guest hearts Camp Lantern');
  await page.goto(base + '/wishlist', { waitUntil: 'networkidle' });
  check((await page.locator('[data-wishlist-guest] .product-card__name').allInnerTexts()).join() === 'Glow Camp Lantern',
    'the guest wishlist page lists it (from the browser)');
  await shot(page, 'account-1-guest-wishlist');
  await checkAxe(page, 'the wishlist');

  // sign in with a code from the email
  await page.goto(base + '/account', { waitUntil: 'networkidle' });
  await page.locator('[data-account-form="code"] input[name=email]').fill(EMAIL);
  await page.locator('[data-account-form="code"] button').click();
  await page.locator('[data-account-form="verify"]').waitFor({ state: 'visible' });
  check((await page.locator('.account-message').innerText()).includes(EMAIL), 'the page says a code was sent');
  console.log('NEED_CODE ' + EMAIL);
  const code = (await nextLine()).trim();
  check(/^\d{6}$/.test(code), 'the code came by email');
  await page.locator('[data-account-form="verify"] input[name=code]').fill(code);
  await Promise.all([page.waitForNavigation({ waitUntil: 'networkidle' }),
    page.locator('[data-account-form="verify"] button').click()]);
  check((await page.locator('[data-account-email]').innerText()) === EMAIL, 'signed in with the code');
  await page.goto(base + '/wishlist', { waitUntil: 'networkidle' });
  check((await page.locator('.wishlist-grid .product-card__name').allInnerTexts()).join() === 'Glow Camp Lantern',
    'the guest wishlist joined the account (served by the store now)');
  check(await page.evaluate(() => window.localStorage.getItem('sf_wishlist')) === '[]', 'and left the browser');
  await shot(page, 'account-2-merged-wishlist');

  // a saved address, then an order that uses it
  await page.goto(base + '/account', { waitUntil: 'networkidle' });
  const af = page.locator('[data-account-form="address"]');
  await af.locator('input[name=line1]').fill('7 Birch Lane');
  await af.locator('input[name=city]').fill('Bend');
  await af.locator('input[name=postalCode]').fill('97701');
  await Promise.all([page.waitForNavigation({ waitUntil: 'networkidle' }), af.locator('button').click()]);
  check((await page.locator('.account-addresses').innerText()).includes('7 Birch Lane'), 'the address is saved');
  await page.goto(base + '/products/camp-lantern', { waitUntil: 'networkidle' });
  await page.locator('[data-picker-button]').click();
  await page.waitForFunction(() => document.querySelector('[data-cart-count]').textContent === '1');
  await page.goto(base + '/checkout', { waitUntil: 'networkidle' });
  const form = page.locator('#checkout-form');
  check(await form.locator('input[name=email]').inputValue() === EMAIL, 'checkout: email prefilled');
  check(await form.locator('input[name=line1]').inputValue() === '7 Birch Lane', 'checkout: the saved address prefilled');
  await form.locator('input[name=name]').fill('Ada Account');
  await shot(page, 'account-3-checkout-prefilled');
  await Promise.all([page.waitForURL(/\/orders\/\d+\?key=/), form.locator('button.place-order').click()]);
  const number = (await page.locator('.order-number strong').innerText()).replace('#', '');
  check(/^\d+$/.test(number), 'order #' + number + ' placed');
  await page.goto(base + '/account', { waitUntil: 'networkidle' });
  const row = page.locator(`.account-order[data-order="${number}"]`);
  check(await row.count() === 1, 'the account lists order #' + number);
  check((await row.innerText()).includes('unfulfilled'), 'with its status');
  await shot(page, 'account-4-order-history');
  await checkAxe(page, 'the account page');
  // order again: the items go back in the cart
  await Promise.all([page.waitForURL(base + '/cart'), row.locator('[data-reorder]').click()]);
  check((await page.locator('.cart-line').innerText()).includes('Camp Lantern'), 'Order again fills the cart');

  // the account page on a phone
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true,
    storageState: await ctx.storageState() });
  const mp = await phone.newPage();
  await mp.goto(base + '/account', { waitUntil: 'networkidle' });
  check(await mp.evaluate(() => document.documentElement.scrollWidth <= 390), 'account page fits 390 px');
  await shot(mp, 'account-5-phone');
  await checkAxe(mp, 'the account page on a phone');
  await phone.close();

  // a password sign-up in another browser
  const other = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const op = await other.newPage();
  op.on('pageerror', (e) => errors.push(String(e)));
  await op.goto(base + '/account', { waitUntil: 'networkidle' });
  const sf = op.locator('[data-account-form="signup"]');
  await sf.locator('input[name=name]').fill('Pat Password');
  await sf.locator('input[name=email]').fill('pat-' + EMAIL);
  await sf.locator('input[name=password]').fill('correct-horse-battery');
  await Promise.all([op.waitForNavigation({ waitUntil: 'networkidle' }), sf.locator('button').click()]);
  check((await op.locator('[data-account-email]').innerText()) === 'pat-' + EMAIL, 'signed up with a password');
  await Promise.all([op.waitForNavigation({ waitUntil: 'networkidle' }), op.locator('[data-account-logout]').click()]);
  check(await op.locator('[data-account-form="login"]').count() === 1, 'signed out: the sign-in forms again');
  await other.close();
  check(errors.length === 0, 'no script errors: ' + errors.join('; '));
} finally {
  lines.close();
  await close();
}
