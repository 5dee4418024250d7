// The shopping assistant's widget on a phone: open it, ask, read the
// answer with product links of this store, follow one; Escape closes it
// and focus returns to its button.
import { launch, check, shot, port } from './lib.mjs';

const { browser, close } = await launch();
try {
  const page = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`http://demo.localhost:${port}/blog`, { waitUntil: 'networkidle' });
  const open = page.locator('button.chat-open');
  check(await open.getAttribute('aria-expanded') === 'false', 'the assistant button is there, closed');
  await open.click();
  const dialog = page.locator('[role="dialog"]');
  check(await dialog.isVisible(), 'the dialog opens');
  check(await page.evaluate(() => document.activeElement.id) === 'chat-input', 'focus moves to the question box');
  await page.locator('#chat-input').fill('a warm beanie under 30');
  await page.locator('#chat-input').press('Enter');
  const link = dialog.locator('.chat-msg__products a').first();
  await link.waitFor({ state: 'visible', timeout: 10000 });
  check((await link.innerText()).includes('Fireside Wool Beanie'), 'the answer lists the beanie');
  check(await link.getAttribute('href') === '/products/wool-beanie', 'as a link to this store');
  check((await dialog.locator('.chat-msg__price').first().innerText()).includes('$24.00'), 'with its price');
  const box = await dialog.boundingBox();
  check(box.width >= 380, 'full width on a phone: ' + box.width);
  await shot(page, 'chat-mobile');
  await page.keyboard.press('Escape');
  check(!(await dialog.isVisible()), 'Escape closes it');
  check(await page.evaluate(() => document.activeElement.className) === 'chat-open', 'focus returns to the button');
  await open.click();
  await Promise.all([page.waitForURL('**/products/wool-beanie'), dialog.locator('.chat-msg__products a').first().click()]);
  check((await page.locator('h1').innerText()).includes('Fireside Wool Beanie'), 'the link lands on the product');
  check(errors.length === 0, 'no script errors: ' + errors.join('; '));
} finally {
  await close();
}
