// The header's search box on a page that is not the search page: type,
// see suggestions in an accessible combobox, choose one by keyboard, land
// on the product; Enter without a choice lands on /search with results.
import { launch, check, shot, port } from './lib.mjs';

const { browser, close } = await launch();
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`http://demo.localhost:${port}/blog`, { waitUntil: 'networkidle' });
  const box = page.locator('header form[role="search"] input[name="q"]');
  check(await box.getAttribute('role') === 'combobox', 'the header box is a combobox');
  check(await box.getAttribute('aria-expanded') === 'false', 'collapsed before typing');
  await box.click();
  await box.pressSequentially('ten', { delay: 40 });
  const list = page.locator('#' + await box.getAttribute('aria-controls'));
  await list.locator('[role="option"]').first().waitFor({ state: 'visible', timeout: 10000 });
  check(await box.getAttribute('aria-expanded') === 'true', 'expanded with suggestions');
  const texts = await list.locator('[role="option"]').allInnerTexts();
  check(texts.some((t) => t.includes('Basecamp 2 Tent') && t.includes('$249.00')), 'the tent is suggested with its price: ' + texts.join(' | '));
  check((await page.locator('[role="status"]').last().innerText()).includes('suggestion'), 'the live region announces them');
  await shot(page, 'search-suggest');
  // keyboard: down until the tent is the active option, then Enter
  let found = false;
  for (let i = 0; i < texts.length && !found; i++) {
    await box.press('ArrowDown');
    const id = await box.getAttribute('aria-activedescendant');
    check(id && await page.locator('#' + id).getAttribute('aria-selected') === 'true', 'option ' + i + ' is active');
    found = (await page.locator('#' + id).innerText()).includes('Basecamp 2 Tent');
  }
  check(found, 'the arrow keys reach the tent');
  await Promise.all([page.waitForURL('**/products/basecamp-2-tent'), box.press('Enter')]);
  check((await page.locator('h1').innerText()).includes('Basecamp 2 Tent'), 'Enter lands on the product page');
  // Escape closes; Enter with no active option searches
  const box2 = page.locator('header form[role="search"] input[name="q"]');
  await box2.click();
  await box2.pressSequentially('jacket', { delay: 30 });
  await page.locator('.search-suggest [role="option"]').first().waitFor({ state: 'visible', timeout: 10000 });
  await box2.press('Escape');
  check(await box2.getAttribute('aria-expanded') === 'false', 'Escape closes the list');
  await Promise.all([page.waitForURL('**/search?q=jacket'), box2.press('Enter')]);
  check(await page.locator('.search-results .product-card').count() >= 1, 'the results page lists products');
  check((await page.locator('.search-results mark').first().innerText()).toLowerCase() === 'jacket', 'the match is highlighted');
  await shot(page, 'search-results');
  check(errors.length === 0, 'no script errors: ' + errors.join('; '));
} finally {
  await close();
}
