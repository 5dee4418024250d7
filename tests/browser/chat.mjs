// The shopping assistant's widget on a phone: open it, ask, read the
// answer with product links of this store, follow one; Escape closes it
// and focus returns to its button. With SF_FAKE (a FakeOpenAI's base URL,
// tests/integration/fakes.py) the model's answer streams: its first
// sentence shows, and is announced, while the fake model still holds the
// rest behind the gate "first" (opened here through the fake), a Stop
// button ends the next answer (held at the gate "stop"), axe finds
// nothing, and a screenshot catches the answer mid-stream.
import { launch, check, shot, port, checkAxe } from './lib.mjs';

const fake = process.env.SF_FAKE;
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
  if (fake) {
    const answer = dialog.locator('.chat-msg--assistant .chat-msg__text').last();
    const live = dialog.locator('[role="status"]');
    await page.waitForFunction(() => {
      const t = document.querySelectorAll('.chat-msg--assistant .chat-msg__text');
      return t.length && t[t.length - 1].textContent.includes('merino hat.');
    }, null, { timeout: 15000 });
    const first = await answer.innerText();
    check(first.startsWith('The Fireside Wool Beanie (/products/wool-beanie) is a warm merino hat.'),
      'the first sentence shows while the model is still writing: ' + first);
    check(!first.includes('Enjoy'), 'and only that: the rest is still held by the model');
    check(await dialog.locator('.chat-panel__stop').isVisible(), 'a Stop button while it streams');
    check(await dialog.locator('.chat-msg--assistant[aria-busy="true"]').count() === 1, 'the answer is marked busy');
    check((await live.innerText()).includes('is a warm merino hat.'), 'the finished sentence is announced politely');
    check(await dialog.locator('[role="log"]').getAttribute('aria-live') === 'off', 'the pieces themselves are not announced');
    await shot(page, 'chat-streaming');
    await fetch(`${fake}/test/open/first`, { method: 'POST' });
    await page.waitForFunction(() => {
      const t = document.querySelectorAll('.chat-msg--assistant .chat-msg__text');
      return t[t.length - 1].textContent.endsWith('Enjoy!');
    }, null, { timeout: 15000 });
    check((await answer.innerText()).includes('It fits most heads. Enjoy!'), 'the rest follows once the model goes on');
    await dialog.locator('.chat-msg__products a').first().waitFor({ state: 'visible', timeout: 10000 });
    check(!(await dialog.locator('.chat-panel__stop').isVisible()), 'the Stop button goes when the answer is done');
    check((await live.innerText()).includes('Enjoy!'), 'the end of the answer is announced');
    await checkAxe(page, 'the assistant with a streamed answer');
    // Stop: the next answer is held after its first words; Stop ends it there
    await page.locator('#chat-input').fill('and gloves?');
    await page.locator('#chat-input').press('Enter');
    await page.waitForFunction(() => {
      const t = document.querySelectorAll('.chat-msg--assistant .chat-msg__text');
      return t[t.length - 1].textContent.includes('Gloves too.');
    }, null, { timeout: 15000 });
    await dialog.locator('.chat-panel__stop').click();
    await dialog.locator('.chat-msg__note', { hasText: 'Stopped' }).waitFor({ timeout: 10000 });
    check(await page.evaluate(() => document.activeElement.id) === 'chat-input', 'after Stop, focus is back in the question box');
    check(!(await dialog.locator('.chat-panel__send').isDisabled()), 'and a new question can be sent');
    await shot(page, 'chat-stopped');
  }
  const link = dialog.locator('.chat-msg__products a').first();
  await link.waitFor({ state: 'visible', timeout: 10000 });
  check((await link.innerText()).includes('Fireside Wool Beanie'), 'the answer lists the beanie');
  check(await link.getAttribute('href') === '/products/wool-beanie', 'as a link to this store');
  check((await dialog.locator('.chat-msg__price').first().innerText()).includes('$24.00'), 'with its price');
  const box = await dialog.boundingBox();
  check(box.width >= 380, 'full width on a phone: ' + box.width);
  await shot(page, fake ? 'chat-mobile-model' : 'chat-mobile');
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
