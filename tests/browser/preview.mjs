// The admin preview of a page whose block fails: the error box is a
// visible, styled box (store.css) naming the kind, the limit and the line.
// SF_TOKEN is an owner's API token, SF_PAGE the page id.
import { launch, check, shot, port } from './lib.mjs';

const { browser, close } = await launch();
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.setExtraHTTPHeaders({ Authorization: 'Bearer ' + process.env.SF_TOKEN });
  const resp = await page.goto(`http://demo.localhost:${port}/api/cms/pages/${process.env.SF_PAGE}/preview`,
    { waitUntil: 'networkidle' });
  check(resp.status() === 200, 'preview answers 200');
  const boxes = page.locator('.vibe-error');
  check(await boxes.count() === 2, 'two failed blocks, two error boxes');
  const runtime = boxes.nth(0);
  check(await runtime.isVisible(), 'the box is visible');
  const text = await runtime.innerText();
  check(/failed \(runtime\)/.test(text) && /at line 3/.test(text), 'names the kind and the line: ' + text);
  const out = await boxes.nth(1).innerText();
  check(/failed \(output\)/.test(out) && /the limit is 1048576/.test(out), 'names the limit: ' + out);
  const st = await runtime.evaluate((el) => {
    const s = getComputedStyle(el), at = getComputedStyle(el.querySelector('.vibe-error-at'));
    const r = el.getBoundingClientRect();
    return { bg: s.backgroundColor, border: s.borderTopWidth + ' ' + s.borderTopStyle + ' ' + s.borderTopColor,
             left: s.borderLeftWidth, atBg: at.backgroundColor, h: r.height, w: r.width };
  });
  check(st.bg === 'rgb(253, 236, 234)', 'tinted background: ' + st.bg);
  check(st.border === '2px solid rgb(179, 38, 30)' && st.left === '6px', 'red border: ' + st.border + ', left ' + st.left);
  check(st.atBg === 'rgb(179, 38, 30)', 'the line is a badge: ' + st.atBg);
  check(st.h > 40 && st.w > 300, `box has room: ${st.w}x${st.h}`);
  check(await page.locator('text=<p>fine</p>').count() === 0 && await page.locator('p.fine').isVisible(),
    'the rest of the page renders');
  await runtime.scrollIntoViewIfNeeded();
  await shot(page, 'preview-error-box');
} finally {
  await close();
}
