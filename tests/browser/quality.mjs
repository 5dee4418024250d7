// Page quality of the demo store: the W3C Nu Html Checker (vnu.jar, run
// with Java) on the HTML the server sends, and axe-core in chromium on the
// rendered page, for the home page, a product, a collection, the blog and
// a post. Prints one JSON line per page ({page, vnu:[...], axe:[...]}) and
// exits 1 when any page has a vnu error or an axe violation, except the
// ones named in SF_KNOWN ("rule@path,..."; rule is an axe rule id or
// "vnu"), which are reported as known and do not fail the run.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { launch, port } from './lib.mjs';

const require = createRequire(import.meta.url);
const HOST = 'demo.localhost';
export const PAGES = ['/', '/products/trailhead-rain-jacket', '/collections/outerwear', '/blog', '/blog/layering-101'];
const pages = process.env.SF_PAGES ? process.env.SF_PAGES.split(',') : PAGES;
const known = new Set((process.env.SF_KNOWN || '').split(',').filter(Boolean));

function get(p) {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path: p, headers: { Host: HOST } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => { body += c; });
      res.on('end', () => resolve({ status: res.statusCode, body }));
    }).on('error', reject);
  });
}

// vnu on every page at once (one JVM): {file: [messages]}
function vnu(files) {
  const jar = require('vnu-jar');   // the module is the jar's path
  const r = spawnSync('java', ['-Xss1m', '-jar', jar, '--format', 'json', '--stdout', ...files],
    { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.error || !r.stdout) throw new Error('vnu did not run: ' + (r.error || r.stderr));
  const out = {};
  for (const m of JSON.parse(r.stdout).messages) {
    if (m.type !== 'error' && m.subType !== 'warning') continue;
    const f = decodeURIComponent(new URL(m.url).pathname);
    (out[f] = out[f] || []).push({ type: m.type === 'error' ? 'error' : 'warning', message: m.message,
      line: m.lastLine, extract: (m.extract || '').slice(0, 120) });
  }
  return out;
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sf-vnu-'));
const files = [];
for (const [i, p] of pages.entries()) {
  const r = await get(p);
  if (r.status !== 200) throw new Error(`${p} answered ${r.status}`);
  const f = path.join(dir, `page${i}.html`);
  fs.writeFileSync(f, r.body);
  files.push(f);
}
const checked = vnu(files);
fs.rmSync(dir, { recursive: true, force: true });

const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const { browser, close } = await launch();
let failed = 0;
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  for (const [i, p] of pages.entries()) {
    await page.goto(`http://${HOST}:${port}${p}`, { waitUntil: 'networkidle' });
    await page.addScriptTag({ content: axeSource });
    const res = await page.evaluate(async () => {
      // eslint-disable-next-line no-undef
      const r = await axe.run(document, { resultTypes: ['violations'] });
      return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
    });
    const v = (checked[files[i]] || []).filter((m) => m.type === 'error');
    const line = { page: p, vnu: v, axe: res, known: [] };
    for (const a of res) if (known.has(`${a.id}@${p}`)) line.known.push(a.id);
    if (v.length && known.has(`vnu@${p}`)) line.known.push('vnu');
    const bad = res.filter((a) => !line.known.includes(a.id)).length + (line.known.includes('vnu') ? 0 : v.length);
    failed += bad;
    console.log(JSON.stringify(line));
  }
} finally {
  await close();
}
process.exit(failed ? 1 : 0);
