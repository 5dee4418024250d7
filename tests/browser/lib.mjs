// Shared browser-test helpers: Debian's chromium through playwright-core,
// headless, loopback only, a fresh temporary profile per run. Hosts like
// demo.localhost resolve to 127.0.0.1 inside chromium by itself.
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';

export const port = process.env.SF_PORT;
export const artifacts = process.env.SF_ARTIFACTS || path.resolve('artifacts');

export async function launch() {
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const close = async () => {
    await browser.close();  // playwright removes its own temporary profile
  };
  return { browser, close };
}

export function check(cond, msg) {
  if (!cond) throw new Error('check failed: ' + msg);
  console.log('ok - ' + msg);
}

export async function shot(page, name) {
  fs.mkdirSync(artifacts, { recursive: true });
  await page.screenshot({ path: path.join(artifacts, name + '.png'), fullPage: true });
}
