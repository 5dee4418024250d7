// The merchant's web editor (htdocs/admin/, served on the admin host only):
// sign in, the Storefront Manager, and the page editor (blocks, code with
// validation at the cursor, config and visibility, live preview, save,
// publish, versions and rollback). It speaks only the public /api/cms/
// endpoints the TAR POS app uses; the session cookie is HttpOnly, writes
// carry the session's CSRF token. No inline script: the CSP forbids it.
import { codeEditor, diffView, mergeView } from './code.js';

const $ = (sel, root = document) => root.querySelector(sel);
const main = () => $('#main');
let csrf = sessionStorage.getItem('sf-csrf') || '';
let me = null;
let reference = null;

// ---- the API ---------------------------------------------------------
class ApiError extends Error {
  constructor(status, body) {
    const e = (body && body.error) || {};
    super(e.message || 'request failed (' + status + ')');
    this.status = status;
    this.code = e.code;
    this.details = e.details;
  }
}

async function api(method, path, body) {
  const headers = {};
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && csrf) headers['X-CSRF-Token'] = csrf;
  const r = await fetch('/api/cms' + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'same-origin' });
  const type = r.headers.get('Content-Type') || '';
  const data = type.includes('json') ? await r.json() : await r.text();
  if (r.status === 401 && !path.startsWith('/login')) { showLogin('Your session ended: sign in again.'); throw new ApiError(401, data); }
  if (!r.ok) throw new ApiError(r.status, data);
  return data;
}

// ---- small DOM helpers ------------------------------------------------
function h(tag, attrs = {}, ...kids) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'text') el.textContent = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const k of kids.flat()) if (k !== null && k !== undefined && k !== false) el.append(k);
  return el;
}

function status(msg, kind = 'info') {
  const s = $('#status');
  s.textContent = msg;
  s.className = 'status ' + kind;
}

function fail(e) { status(e.message + (e.details && e.details.field ? ' (' + e.details.field + ')' : ''), 'error'); }

function debounce(fn, ms) {
  let t = 0;
  return (...a) => { clearTimeout(t); t = setTimeout(() => fn(...a), ms); };
}

// A modal dialog (the platform's <dialog>: focus is trapped and Escape
// closes it). buttons: [[label, fn(close)]]. Returns close().
function openDialog(title, body, buttons = []) {
  const d = h('dialog', { class: 'dialog', 'aria-labelledby': 'dlg-h' });
  const close = () => { d.close(); d.remove(); };
  d.append(h('h2', { id: 'dlg-h', text: title }), body,
    h('div', { class: 'dialog-buttons' }, buttons.map(([label, fn, cls]) => h('button', { class: cls || '', onclick: () => fn(close), text: label })),
      h('button', { onclick: close, text: 'Close' })));
  d.addEventListener('close', () => d.remove());
  document.body.append(d);
  d.showModal();
  return close;
}

function when(iso) { return iso ? new Date(iso).toLocaleString() : ''; }

// ---- sign in --------------------------------------------------------
function showLogin(message) {
  me = null;
  $('#who').textContent = '';
  const storeBox = h('div', { class: 'store-choice', hidden: true });
  const form = h('form', { class: 'card login', 'aria-labelledby': 'login-h' },
    h('h1', { id: 'login-h', text: 'Sign in to your store' }),
    message ? h('p', { class: 'status error', role: 'alert', text: message }) : null,
    h('label', { for: 'l-email', text: 'Email' }), h('input', { id: 'l-email', name: 'email', type: 'email', autocomplete: 'username', required: true }),
    h('label', { for: 'l-password', text: 'Password' }),
    h('input', { id: 'l-password', name: 'password', type: 'password', autocomplete: 'current-password', required: true }),
    h('label', { for: 'l-store', text: 'Store (its username; only needed when your email has several)' }),
    h('input', { id: 'l-store', name: 'store', autocomplete: 'organization' }),
    storeBox,
    h('button', { type: 'submit', class: 'primary', text: 'Sign in' }),
    h('p', { class: 'or', text: 'No password at hand?' }),
    h('button', { type: 'button', id: 'l-code', text: 'Email me a code', onclick: () => askCode(form) }));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const f = new FormData(form);
    const body = { email: f.get('email'), password: f.get('password'), session: true };
    const store = f.get('pick') || f.get('store');
    if (store) body.store = store;
    try {
      signedIn(await api('POST', '/login', body));
    } catch (e) {
      if (!offerStores(storeBox, e, 'sign in again')) fail(e);
    }
  });
  main().replaceChildren(form);
  $('#l-email').focus();
}

// A session began (password or code): keep its CSRF token, open the manager.
async function signedIn(r) {
  csrf = r.csrfToken;
  sessionStorage.setItem('sf-csrf', csrf);
  location.hash = '#/';
  await route();
}

// The email belongs to several stores (422 with details.stores, said once
// the password or code is right): offer them, then `then` (what to do
// next, for the announcement); true when it did.
function offerStores(box, e, then) {
  if (!(e.details && Array.isArray(e.details.stores))) return false;
  box.hidden = false;
  box.replaceChildren(h('fieldset', {}, h('legend', { text: 'Which store?' }),
    e.details.stores.map((st, i) => h('label', { class: 'choice' },
      h('input', { type: 'radio', name: 'pick', value: st.username, required: true, checked: i === 0 }),
      ' ' + st.name + ' (' + st.username + ')'))));
  status('Your email belongs to several stores: choose one and ' + then + '.', 'error');
  return true;
}

// ---- sign in with a code by email (POST /api/cms/login/code) ----------
// The server answers the same whether or not the email is anyone's; 503
// when it sends no email (then only the password works).
async function askCode(form) {
  const email = $('#l-email', form);
  if (!email.checkValidity()) { email.reportValidity(); status('Enter your email first: the code goes there.', 'error'); return; }
  const store = $('#l-store', form).value.trim();
  const body = { email: email.value.trim() };
  if (store) body.store = store;
  try {
    const r = await api('POST', '/login/code', body);
    showCodeForm(body.email, store, r);
  } catch (e) { fail(e); }
}

function showCodeForm(email, store, sent) {
  const digits = sent.digits || 8;
  const storeBox = h('div', { class: 'store-choice', hidden: true });
  const note = h('p', { id: 'c-note', text: 'If ' + email + ' belongs to a store, a sign-in code is on its way there. It works once, for ' +
    Math.round((sent.expiresIn || 600) / 60) + ' minutes.' });
  const form = h('form', { class: 'card login', 'aria-labelledby': 'code-h' },
    h('h1', { id: 'code-h', text: 'Enter the code from your email' }),
    note,
    h('label', { for: 'c-code', text: 'Code (' + digits + ' digits)' }),
    h('input', { id: 'c-code', name: 'code', autocomplete: 'one-time-code', inputmode: 'numeric', pattern: '[0-9]{' + digits + '}',
      maxlength: String(digits), required: true, 'aria-describedby': 'c-note', spellcheck: 'false' }),
    storeBox,
    h('button', { type: 'submit', class: 'primary', text: 'Continue' }),
    h('button', { type: 'button', text: 'Send a new code', onclick: async () => {
      try { await api('POST', '/login/code', store ? { email, store } : { email }); status('A new code is on its way; the earlier one no longer works.', 'ok'); } catch (e) { fail(e); }
    } }),
    h('button', { type: 'button', text: 'Use my password instead', onclick: () => showLogin() }));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const f = new FormData(form);
    const body = { email, code: String(f.get('code')).replace(/\s+/g, ''), session: true };
    const pick = f.get('pick') || store;
    if (pick) body.store = pick;
    try {
      signedIn(await api('POST', '/login/code/verify', body));
    } catch (e) {
      if (offerStores(storeBox, e, 'continue')) return;
      fail(e);
      $('#c-code', form).setAttribute('aria-invalid', 'true');
      $('#c-code', form).focus();
    }
  });
  main().replaceChildren(form);
  status('Code sent to ' + email + ' (if it belongs to a store).', 'ok');
  $('#c-code').focus();
}

async function signOut() {
  try { await api('POST', '/logout'); } catch (e) { /* gone already */ }
  csrf = '';
  sessionStorage.removeItem('sf-csrf');
  showLogin('Signed out.');
}

// ---- the Storefront Manager ----------------------------------------
async function optional(path) {
  try { return await api('GET', path); } catch (e) { if (e.status === 401) throw e; return null; }
}

async function showManager() {
  const [pages, domains, orders, analytics] = await Promise.all([
    api('GET', '/pages'), optional('/domains'), optional('/orders?limit=5'), optional('/analytics'),
  ]);
  const storeUrl = '//' + me.store.username + '.' + location.host.replace(/^admin\./, '');
  const today = analytics && analytics.today;
  main().replaceChildren(...[
    h('h1', { text: me.store.name }),
    h('section', { class: 'card', 'aria-labelledby': 'store-h' },
      h('h2', { id: 'store-h', text: 'Store' }),
      h('dl', { class: 'facts' },
        h('dt', { text: 'Address' }), h('dd', {}, h('a', { href: storeUrl + '/', target: '_blank', rel: 'noopener', text: storeUrl.slice(2) })),
        h('dt', { text: 'Status' }), h('dd', { text: me.store.status }),
        h('dt', { text: 'Custom domains' }),
        h('dd', {}, domains && (domains.domains || domains.items || []).length
          ? h('ul', {}, (domains.domains || domains.items).map((d) => h('li', { text: d.hostname + ' — ' + (d.status || (d.verified ? 'verified' : 'pending')) })))
          : 'none'))),
    today ? h('section', { class: 'card', 'aria-labelledby': 'today-h' },
      h('h2', { id: 'today-h', text: 'Today' }),
      h('dl', { class: 'facts' },
        h('dt', { text: 'Visitors' }), h('dd', { text: String(today.visitors ?? 0) }),
        h('dt', { text: 'Orders' }), h('dd', { text: String(today.orders ?? 0) }),
        // one line per currency charged (never added together)
        h('dt', { text: 'Revenue' }), h('dd', { text: (Array.isArray(today.revenue) ? today.revenue : [])
          .map((x) => x.amountFormatted || (x.amount + ' ' + x.currency)).join(', ') || 'None yet' }))) : null,
    h('section', { class: 'card', 'aria-labelledby': 'pages-h' },
      h('h2', { id: 'pages-h', text: 'Pages' }),
      h('table', { class: 'list' },
        h('thead', {}, h('tr', {}, h('th', { text: 'Title' }), h('th', { text: 'Address' }), h('th', { text: 'Live' }), h('th', { text: 'Actions' }))),
        h('tbody', {}, (pages.pages || pages.items || pages).map((p) => h('tr', {},
          h('td', { text: p.title }), h('td', { text: '/' + (p.slug === 'home' ? '' : p.slug) }),
          h('td', { text: p.isPublished || p.liveVersion ? 'published' : 'draft' }),
          h('td', {}, h('a', { href: '#/pages/' + p.id, class: 'button', text: 'Edit' }), ' ',
            h('a', { href: storeUrl + '/' + (p.slug === 'home' ? '' : p.slug), target: '_blank', rel: 'noopener', text: 'View' }))))))),
    orders && (orders.orders || orders.items) ? h('section', { class: 'card', 'aria-labelledby': 'orders-h' },
      h('h2', { id: 'orders-h', text: 'Recent orders' }),
      (orders.orders || orders.items).length
        ? h('ul', {}, (orders.orders || orders.items).map((o) => h('li', { text: '#' + (o.number || o.id) + ' — ' + o.status + ' — ' + (o.totalFormatted || o.total) })))
        : h('p', { text: 'No orders yet.' })) : null,
  ].filter(Boolean));
  status('');
}

// ---- the page editor -------------------------------------------------
const TYPES = ['hero', 'product_grid', 'text', 'gallery', 'blog', 'custom'];
const WIDTHS = { desktop: 1280, tablet: 820, phone: 390 };

async function showPage(id) {
  if (!reference) reference = await api('GET', '/vibe/reference');
  const page = await api('GET', '/pages/' + id);
  let blocks = (await api('GET', '/pages/' + id + '/blocks')).blocks;
  let current = blocks.length ? blocks[0].id : null;
  let editor = null;
  const unsaved = new Map();   // block id -> {vibeCode, config, visibility}
  let width = 'desktop';

  const list = h('ol', { class: 'blocks', 'aria-label': 'Blocks in position order' });
  const codeHost = h('div', { class: 'code', id: 'code' });
  // Two frames: the next preview loads in the hidden one and takes the
  // place of the shown one when it has loaded, so typing never flashes an
  // empty frame.
  const frames = [0, 1].map((i) => h('iframe', { title: 'Preview of the page', sandbox: 'allow-scripts allow-forms',
    class: 'preview desktop' + (i ? ' loading' : ' current'), tabindex: i ? '-1' : null, 'aria-hidden': i ? 'true' : null }));
  let shown = 0;
  for (const [i, f] of frames.entries()) {
    f.addEventListener('load', () => {
      if (i === shown || !f.src) return;
      frames[shown].classList.replace('current', 'loading');
      frames[shown].setAttribute('aria-hidden', 'true');
      frames[shown].setAttribute('tabindex', '-1');
      f.classList.replace('loading', 'current');
      f.removeAttribute('aria-hidden');
      f.removeAttribute('tabindex');
      shown = i;
    });
  }
  const frameBox = h('div', { class: 'frames' }, frames);
  const cfgArea = h('textarea', { id: 'cfg', rows: 6, spellcheck: 'false' });
  const devices = ['desktop', 'tablet', 'mobile'].map((d) => h('input', { type: 'checkbox', id: 'vis-' + d, value: d }));
  const users = ['guest', 'customer'].map((u) => h('input', { type: 'checkbox', id: 'vis-' + u, value: u }));
  const start = h('input', { type: 'datetime-local', id: 'vis-start' });
  const end = h('input', { type: 'datetime-local', id: 'vis-end' });
  const versions = h('ol', { class: 'versions', 'aria-label': 'Published versions' });
  const historyList = h('ol', { class: 'history-list', 'aria-label': 'Saved versions of this block' });
  const historyBox = h('details', { class: 'settings history' }, h('summary', { text: 'History of this block' }), historyList);
  const others = h('span', { id: 'presence', 'aria-live': 'polite' });
  const cmpFrom = h('select', { id: 'cmp-from', 'aria-label': 'Compare from' });
  const cmpTo = h('select', { id: 'cmp-to', 'aria-label': 'Compare to' });
  let timers = [];
  let lastActivity = '';

  const block = () => blocks.find((b) => b.id === current);
  const edits = (b) => unsaved.get(b.id) || {};

  function renderList() {
    list.replaceChildren(...blocks.map((b, i) => h('li', { class: b.id === current ? 'current' : '' },
      h('button', { class: 'pick', 'aria-current': b.id === current ? 'true' : null, onclick: () => choose(b.id),
        text: (i + 1) + '. ' + b.type + (unsaved.has(b.id) ? ' •' : '') }),
      h('span', { class: 'tools' },
        h('button', { 'aria-label': 'Move block ' + (i + 1) + ' up', disabled: i === 0, onclick: () => move(b, -1), text: '↑' }),
        h('button', { 'aria-label': 'Move block ' + (i + 1) + ' down', disabled: i === blocks.length - 1, onclick: () => move(b, 1), text: '↓' }),
        h('button', { 'aria-label': 'Copy block ' + (i + 1), onclick: () => duplicate(b), text: 'Copy' }),
        h('button', { 'aria-label': 'Delete block ' + (i + 1), onclick: () => remove(b), text: 'Delete' })))));
  }

  // The block's config as a small form: one field per key by its type
  // (text, number, on/off); nested values and new keys in the JSON box.
  const cfgForm = h('div', { class: 'cfg-form' });
  function fillForm(obj) {
    cfgForm.replaceChildren(...Object.entries(obj || {}).filter(([, v]) => v === null || typeof v !== 'object').map(([k, v]) => {
      const fid = 'cfg-' + k.replace(/[^\w-]/g, '_');
      const input = typeof v === 'boolean' ? h('input', { type: 'checkbox', id: fid, checked: v })
        : h('input', { type: typeof v === 'number' ? 'number' : 'text', id: fid, value: v === null ? '' : String(v), step: 'any' });
      input.addEventListener('input', () => {
        let o;
        try { o = JSON.parse(cfgArea.value || '{}'); } catch (e) { status('Fix the JSON first: ' + e.message, 'error'); return; }
        o[k] = typeof v === 'boolean' ? input.checked : typeof v === 'number' ? Number(input.value) : input.value;
        cfgArea.value = JSON.stringify(o, null, 2);
        cfgArea.dispatchEvent(new Event('input'));
      });
      const pick = typeof v === 'string' && /image|logo|src|photo|picture/i.test(k)
        ? h('button', { type: 'button', 'aria-label': 'Choose an image for ' + k, text: 'Choose…',
          onclick: async () => { input.value = await pickMedia(); input.dispatchEvent(new Event('input')); } }) : null;
      return h('div', { class: 'cfg-field' }, h('label', { for: fid, text: k }), h('span', { class: 'cfg-input' }, input, pick));
    }));
  }

  function fillSide(b) {
    const e = edits(b);
    cfgArea.value = JSON.stringify(e.config ?? b.config ?? {}, null, 2);
    fillForm(e.config ?? b.config ?? {});
    const vis = e.visibility ?? b.visibility ?? {};
    for (const c of devices) c.checked = !vis.devices || vis.devices.includes(c.value);
    for (const c of users) c.checked = !vis.userTypes || vis.userTypes.includes(c.value);
    const dr = vis.dateRange || {};
    start.value = dr.start ? dr.start.slice(0, 16) : '';
    end.value = dr.end ? dr.end.slice(0, 16) : '';
  }

  function sideValues() {
    let config;
    try { config = JSON.parse(cfgArea.value || '{}'); } catch (err) { throw new Error('The config is not valid JSON: ' + err.message); }
    const vis = {};
    const d = devices.filter((c) => c.checked).map((c) => c.value);
    const u = users.filter((c) => c.checked).map((c) => c.value);
    if (d.length < devices.length) vis.devices = d;
    if (u.length < users.length) vis.userTypes = u;
    if (start.value || end.value) {
      vis.dateRange = { start: start.value ? new Date(start.value).toISOString() : null,
        end: end.value ? new Date(end.value).toISOString() : null };
    }
    return { config, visibility: vis };
  }

  function choose(bid) {
    current = bid;
    const b = block();
    if (editor) editor.destroy();
    editor = null;
    codeHost.replaceChildren();
    if (b) {
      editor = codeEditor(codeHost, {
        code: edits(b).vibeCode ?? b.vibeCode, reference, label: 'Code of block ' + b.type,
        validate: async (code) => {
          try { return await api('POST', '/validate', { code, type: b.type }); } catch (e) { return null; }
        },
        onChange: (code) => { unsaved.set(b.id, { ...edits(b), vibeCode: code }); renderList(); refresh(); },
      });
      fillSide(b);
    }
    renderList();
    loadHistory().catch(fail);
    if (timers.length) beat();
  }

  async function reload(keep) {
    blocks = (await api('GET', '/pages/' + id + '/blocks')).blocks;
    if (!blocks.some((b) => b.id === keep)) keep = blocks.length ? blocks[0].id : null;
    choose(keep);
    refresh();
  }

  // The frame loads the preview by URL, so the merchant's HTML runs under
  // the preview's own CSP (sandboxed, opaque origin), not the editor's.
  async function preview() {
    let url = '/api/cms/pages/' + id + '/preview';
    if (unsaved.size) {
      const payload = [...unsaved.entries()].map(([bid, e]) => ({ id: bid, ...e }));
      url = (await api('POST', '/pages/' + id + '/preview/edits', { blocks: payload })).url;
    }
    const next = frames[shown ? 0 : 1];
    if (!frames[shown].src) { frames[shown].src = url; return; }
    next.src = url;
  }
  const refresh = debounce(() => preview().catch(fail), 500);

  async function save() {
    const b = block();
    if (!b) return;
    let side;
    try { side = sideValues(); } catch (e) { status(e.message, 'error'); return; }
    try {
      const r = await api('PUT', '/blocks/' + b.id, { version: b.version, vibeCode: editor.code, ...side });
      unsaved.delete(b.id);
      status('Saved draft of the ' + b.type + ' block (version ' + r.version + ').', 'ok');
      await reload(b.id);
    } catch (e) {
      if (e.status === 409 && e.details && e.details.current) conflict(b, e.details.current, side);
      else fail(e);
    }
  }

  // Someone saved this block after it was opened: both versions side by
  // side; keep yours (as edited in the view: merge by hand there) or take
  // theirs. Nothing is overwritten without the merchant choosing.
  function conflict(b, theirs, side) {
    const host = h('div', { class: 'merge' });
    const who = theirs.modifiedByEmail || 'someone else';
    const body = h('div', {}, h('p', { text: 'The ' + b.type + ' block was saved by ' + who + ' (version ' + theirs.version +
      ') after you opened it. Left: your version, which you can edit to merge by hand. Right: theirs.' }), host);
    let mv = null;
    const close = openDialog('Your changes and theirs', body, [
      ['Save my version', async (done) => {
        try {
          await api('PUT', '/blocks/' + b.id, { version: theirs.version, vibeCode: mv.mine, ...side });
          unsaved.delete(b.id);
          mv.destroy();
          done();
          status('Saved your version over version ' + theirs.version + '.', 'ok');
          await reload(b.id);
        } catch (e) { fail(e); }
      }, 'primary'],
      ['Take theirs', async (done) => {
        unsaved.delete(b.id);
        mv.destroy();
        done();
        status('Took the version saved by ' + who + '.', 'ok');
        await reload(b.id);
      }],
    ]);
    mv = mergeView(host, { mine: editor.code, theirs: theirs.vibeCode });
    return close;
  }

  async function publish() {
    if (unsaved.size) { status('Save your changes before publishing.', 'error'); return; }
    try {
      const r = await api('POST', '/pages/' + id + '/publish', {});
      status('Published version ' + r.version + '.', 'ok');
      loadVersions();
    } catch (e) {
      const errs = e.details && e.details.errors;
      status('Not published: ' + (errs ? errs.map((x) => x.type + ' line ' + x.line + ': ' + x.message).join('; ') : e.message), 'error');
    }
  }

  async function loadVersions() {
    const v = await api('GET', '/pages/' + id + '/versions');
    const items = v.versions || v.items || [];
    versions.replaceChildren(...items.map((x) => h('li', {},
      h('span', { text: 'Version ' + x.version + (x.isLive ? ' (live)' : '') }),
      x.isLive ? null : h('button', { onclick: () => rollback(x.version), 'aria-label': 'Roll back to version ' + x.version, text: 'Roll back' }))));
    const opts = (sel, dflt) => {
      sel.replaceChildren(h('option', { value: 'drafts', text: 'Drafts' }), ...items.map((x) => h('option', { value: String(x.version), text: 'Version ' + x.version })));
      sel.value = dflt;
    };
    opts(cmpFrom, items.length ? String(items[0].version) : 'drafts');
    opts(cmpTo, 'drafts');
  }

  // Two states of the page (published versions or the drafts), block by
  // block: what changed, side by side.
  async function compare() {
    const get = async (which) => which === 'drafts' ? (await api('GET', '/pages/' + id + '/blocks')).blocks
      : (await api('GET', '/pages/' + id + '/versions/' + which)).blocks;
    const [a, b] = await Promise.all([get(cmpFrom.value), get(cmpTo.value)]);
    const name = (w) => w === 'drafts' ? 'drafts' : 'version ' + w;
    const body = h('div', { class: 'compare' });
    const ids = [...new Set([...a.map((x) => x.id), ...b.map((x) => x.id)])];
    let changed = 0;
    for (const bid of ids) {
      const x = a.find((y) => y.id === bid), y = b.find((z) => z.id === bid);
      const label = (x || y).type + ' block';
      const same = x && y && x.vibeCode === y.vibeCode && JSON.stringify(x.config) === JSON.stringify(y.config);
      if (same) { body.append(h('p', { class: 'same', text: label + ': unchanged' })); continue; }
      changed++;
      body.append(h('h3', { text: label + (!x ? ' (added)' : !y ? ' (removed)' : ' (changed)') }));
      const host = h('div', { class: 'merge' });
      body.append(host);
      diffView(host, { a: x ? x.vibeCode : '', b: y ? y.vibeCode : '', labelA: label + ' in ' + name(cmpFrom.value),
        labelB: label + ' in ' + name(cmpTo.value) });
    }
    openDialog('Changes from ' + name(cmpFrom.value) + ' to ' + name(cmpTo.value) + ': ' + changed + ' block' + (changed === 1 ? '' : 's'), body);
  }

  // A block's saved versions: compare one with the editor, restore one.
  async function loadHistory() {
    const b = block();
    if (!b || !historyBox.open) return;
    const hist = (await api('GET', '/blocks/' + b.id + '/history')).history;
    historyList.replaceChildren(...hist.map((x) => h('li', {},
      h('span', { text: 'v' + x.version + ' · ' + (x.modifiedByEmail || 'set up with the store') + ' · ' + when(x.modifiedAt) }),
      h('button', { 'aria-label': 'Compare version ' + x.version + ' with the editor', text: 'Compare',
        onclick: () => {
          const host = h('div', { class: 'merge' });
          openDialog('Version ' + x.version + ' of the ' + b.type + ' block and the editor', host);
          diffView(host, { a: x.vibeCode, b: editor.code, labelA: 'Version ' + x.version, labelB: 'The editor' });
        } }),
      x.version === b.version ? h('span', { class: 'tag', text: 'current' })
        : h('button', { 'aria-label': 'Restore version ' + x.version + ' of this block', text: 'Restore',
          onclick: () => restore(b, x.version) }))));
  }

  async function restore(b, version) {
    if (unsaved.has(b.id) && !confirm('Your unsaved changes to this block will be replaced. Restore?')) return;
    try {
      const r = await api('POST', '/blocks/' + b.id + '/restore', { version: b.version, restoreVersion: version });
      unsaved.delete(b.id);
      await reload(b.id);
      status('Restored version ' + version + ' of the ' + b.type + ' block as version ' + r.version + ' (draft).', 'ok');
      loadHistory();
    } catch (e) {
      if (e.status === 409 && e.details && e.details.current) status('Someone saved this block meanwhile: look at its history again.', 'error');
      else fail(e);
    }
  }

  // Editing together: a heartbeat says who is here; the activity poll
  // (ETag: the browser revalidates, the server answers 304 when nothing
  // changed) brings others' saves within two seconds.
  async function beat() {
    try { showActivity(await api('POST', '/pages/' + id + '/presence', { blockId: current || undefined })); } catch (e) { /* next beat */ }
  }
  async function poll() {
    if (document.hidden) return;
    try {
      const r = await fetch('/api/cms/pages/' + id + '/activity', { credentials: 'same-origin' });
      if (r.ok) showActivity(await r.json());
    } catch (e) { /* next poll */ }
  }
  async function showActivity(a) {
    const text = JSON.stringify(a);
    if (text === lastActivity) return;
    lastActivity = text;
    const here = a.editors.filter((e) => e.email !== me.user.email);
    others.textContent = here.length ? 'Also here: ' + here.map((e) => {
      const eb = e.blockId && blocks.find((x) => x.id === e.blockId);
      return e.email + (eb ? ' (on the ' + eb.type + ' block)' : '');
    }).join(', ') : '';
    const stale = a.blocks.filter((x) => { const mine = blocks.find((y) => y.id === x.id); return !mine || mine.version !== x.version; });
    const gone = blocks.filter((y) => !a.blocks.some((x) => x.id === y.id));
    if (!stale.length && !gone.length) return;
    const by = stale.map((x) => x.modifiedByEmail).filter((e) => e && e !== me.user.email);
    const clean = stale.every((x) => !unsaved.has(x.id));
    if (clean) {
      await reload(current);
      if (by.length) status('Updated: ' + [...new Set(by)].join(', ') + ' saved changes to this page.', 'info');
    } else if (by.length) {
      status([...new Set(by)].join(', ') + ' saved a block you are editing: saving will show both versions.', 'error');
    }
  }

  function stop() {
    for (const t of timers) clearInterval(t);
    timers = [];
    window.removeEventListener('hashchange', stop);
  }

  async function rollback(version) {
    try {
      const r = await api('POST', '/pages/' + id + '/rollback', { version });
      status('Rolled back: version ' + (r.version || version) + ' is live.', 'ok');
      unsaved.clear();
      await reload(current);
      loadVersions();
    } catch (e) { fail(e); }
  }

  async function add(type) {
    try {
      const b = await api('POST', '/blocks', { pageId: id, type });
      await reload(b.id);
    } catch (e) { fail(e); }
  }
  async function duplicate(b) {
    try {
      const n = await api('POST', '/blocks', { pageId: id, type: b.type, vibeCode: edits(b).vibeCode ?? b.vibeCode,
        config: b.config, visibility: b.visibility, position: b.position + 1 });
      await reload(n.id);
    } catch (e) { fail(e); }
  }
  async function remove(b) {
    if (!confirm('Delete this ' + b.type + ' block?')) return;
    try { await api('DELETE', '/blocks/' + b.id); unsaved.delete(b.id); await reload(current === b.id ? null : current); } catch (e) { fail(e); }
  }
  async function move(b, dir) {
    const i = blocks.indexOf(b), other = blocks[i + dir];
    if (!other) return;
    try {
      await api('PUT', '/blocks/' + b.id, { version: b.version, position: other.position });
      await api('PUT', '/blocks/' + other.id, { version: other.version, position: b.position });
      await reload(b.id);
    } catch (e) { fail(e); }
  }

  historyBox.addEventListener('toggle', () => loadHistory().catch(fail));
  // "Write this block for me": the model writes the block's code (the
  // server validates and dry-runs it); the merchant takes it into the
  // editor (unsaved until Save draft) or leaves it.
  function generate() {
    const b = block();
    if (!b) return;
    const prompt = h('textarea', { id: 'gen-prompt', rows: 4 });
    const out = h('div', { class: 'gen-out', 'aria-live': 'polite' });
    let code = null;
    const close = openDialog('Write the ' + b.type + ' block for me', h('div', {},
      h('label', { for: 'gen-prompt', text: 'What should it show?' }), prompt, out), [
      ['Write it', async () => {
        out.replaceChildren(h('p', { text: 'Writing…' }));
        try {
          const r = await api('POST', '/blocks/generate', { type: b.type, prompt: prompt.value, pageId: id });
          code = r.code;
          const v = r.validation || {};
          const problems = [...(v.errors || []), ...(v.securityIssues || [])];
          const frameEl = h('iframe', { class: 'preview gen-preview', title: 'Preview of the written block', sandbox: '' });
          frameEl.srcdoc = '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Preview</title>' +
            '<link rel="stylesheet" href="/css/store.css"></head><body>' + (r.previewHtml || '') + '</body></html>';
          out.replaceChildren(
            h('p', { class: problems.length ? 'status error' : 'status ok',
              text: problems.length ? 'It does not validate: ' + problems.map((x) => 'line ' + x.line + ': ' + x.message).join('; ') : 'Valid, and it ran on sample data.' }),
            h('pre', { class: 'gen-code', tabindex: '0', text: code }), frameEl);
        } catch (e) {
          out.replaceChildren(h('p', { class: 'status error', text: e.message }));
        }
      }, 'primary'],
      ['Use this code', (done) => {
        if (!code) return;
        editor.code = code;
        done();
        status('The written code is in the editor: look at the preview, then save.', 'ok');
      }],
    ]);
    prompt.focus();
    return close;
  }

  const typeSel = h('select', { id: 'add-type', 'aria-label': 'Type of the new block' }, TYPES.map((t) => h('option', { value: t, text: t })));
  const widthBtns = Object.keys(WIDTHS).map((w) => h('button', { 'aria-pressed': w === width ? 'true' : 'false',
    onclick: (ev) => { width = w; for (const f of frames) { f.classList.remove('desktop', 'tablet', 'phone'); f.classList.add(w); }
      for (const x of widthBtns) x.setAttribute('aria-pressed', x === ev.currentTarget ? 'true' : 'false'); }, text: w }));
  for (const c of [...devices, ...users, start, end]) c.addEventListener('change', () => {
    const b = block();
    try { unsaved.set(b.id, { ...edits(b), ...sideValues() }); renderList(); refresh(); } catch (e) { status(e.message, 'error'); }
  });
  cfgArea.addEventListener('input', debounce(() => {
    const b = block();
    try { unsaved.set(b.id, { ...edits(b), ...sideValues() }); renderList(); refresh(); status(''); } catch (e) { status(e.message, 'error'); }
  }, 400));

  main().replaceChildren(
    h('h1', { text: 'Editing ' + page.title }),
    h('div', { class: 'toolbar', role: 'toolbar', 'aria-label': 'Page actions' },
      h('button', { class: 'primary', id: 'save', onclick: save, text: 'Save draft' }),
      h('button', { id: 'publish', onclick: publish, text: 'Publish' }),
      h('button', { id: 'generate', onclick: generate, text: 'Write this block for me' }),
      h('span', { class: 'sep' }), typeSel, h('button', { id: 'add', onclick: () => add(typeSel.value), text: 'Add block' }),
      h('span', { class: 'sep' }), h('span', { id: 'widths', role: 'group', 'aria-label': 'Preview width' }, widthBtns),
      h('span', { class: 'sep' }), others),
    h('div', { class: 'editor' },
      h('nav', { class: 'side', 'aria-label': 'Blocks' }, h('h2', { text: 'Blocks' }), list,
        h('h2', { text: 'Versions' }), versions,
        h('div', { class: 'compare-form' }, cmpFrom, cmpTo, h('button', { id: 'compare', onclick: () => compare().catch(fail), text: 'Compare' }))),
      h('section', { class: 'work', 'aria-label': 'Code and settings' }, codeHost,
        h('details', { class: 'settings' }, h('summary', { text: 'Config and visibility' }),
          cfgForm, h('label', { for: 'cfg', text: 'Config (JSON)' }), cfgArea,
          h('fieldset', {}, h('legend', { text: 'Show on' }),
            devices.map((c) => h('label', {}, c, ' ' + c.value)), users.map((c) => h('label', {}, c, ' ' + c.value + 's'))),
          h('label', { for: 'vis-start', text: 'From' }), start, h('label', { for: 'vis-end', text: 'Until' }), end), historyBox),
      h('section', { class: 'view', 'aria-label': 'Live preview' }, frameBox)));
  choose(current);
  preview().catch(fail);
  loadVersions().catch(fail);
  beat();
  timers.push(setInterval(beat, 10000), setInterval(poll, 1500));
  window.addEventListener('hashchange', stop);
}

// ---- blog posts ------------------------------------------------------
async function showPosts() {
  const list = (await api('GET', '/posts?limit=100')).posts;
  const title = h('input', { id: 'new-title', required: true });
  const form = h('form', { class: 'inline-form' }, h('label', { for: 'new-title', text: 'New post title' }), title,
    h('button', { type: 'submit', class: 'primary', text: 'Create draft' }));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const slug = title.value.toLowerCase().normalize('NFKD').replace(/[^\w\s-]/g, '').trim().replace(/[\s_-]+/g, '-').slice(0, 90) || 'post';
    try {
      const p = await api('POST', '/posts', { title: title.value, slug, content: '' });
      location.hash = '#/posts/' + p.id;
    } catch (e) { fail(e); }
  });
  main().replaceChildren(h('h1', { text: 'Blog posts' }), h('section', { class: 'card' }, form),
    h('section', { class: 'card', 'aria-labelledby': 'posts-h' }, h('h2', { id: 'posts-h', text: 'Posts' }),
      list.length ? h('table', { class: 'list' },
        h('thead', {}, h('tr', {}, h('th', { text: 'Title' }), h('th', { text: 'Status' }), h('th', { text: 'Updated' }), h('th', { text: 'Actions' }))),
        h('tbody', {}, list.map((p) => h('tr', {}, h('td', { text: p.title }),
          h('td', { text: p.scheduled ? 'scheduled' : p.status }), h('td', { text: when(p.updatedAt) }),
          h('td', {}, h('a', { class: 'button', href: '#/posts/' + p.id, text: 'Edit' }))))))
        : h('p', { text: 'No posts yet.' })));
  status('');
}

// A post: title, address, excerpt, author, tags and its Markdown with the
// page's rendering beside it (the server's cmark, as the store shows it).
async function showPost(id) {
  let post = await api('GET', '/posts/' + id);
  const field = (name, label, attrs = {}) => {
    const el = attrs.rows ? h('textarea', { id: 'p-' + name, ...attrs }) : h('input', { id: 'p-' + name, ...attrs });
    el.value = Array.isArray(post[name]) ? post[name].join(', ') : (post[name] ?? '');
    return [h('label', { for: 'p-' + name, text: label }), el];
  };
  const f = {};
  const rows = [['title', 'Title'], ['slug', 'Address (slug)'], ['authorName', 'Author'], ['tags', 'Tags (comma-separated)'],
    ['excerpt', 'Excerpt', { rows: 2 }], ['content', 'Text (Markdown)', { rows: 18, spellcheck: 'true' }]];
  const inputs = rows.map(([n, l, a]) => { const [lab, el] = field(n, l, a); f[n] = el; return [lab, el]; });
  const frame = h('iframe', { class: 'preview post-preview', title: 'Preview of the post text', sandbox: '' });
  const render = debounce(async () => {
    try {
      const r = f.content.value ? await api('POST', '/posts/preview', { content: f.content.value }) : { html: '' };
      frame.srcdoc = '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Preview</title>' +
        '<link rel="stylesheet" href="/css/store.css"></head><body><main class="container post"><article class="prose">' +
        r.html + '</article></main></body></html>';
    } catch (e) { fail(e); }
  }, 400);
  f.content.addEventListener('input', render);
  const values = () => ({
    title: f.title.value, slug: f.slug.value, authorName: f.authorName.value, excerpt: f.excerpt.value, content: f.content.value,
    tags: f.tags.value.split(',').map((x) => x.trim()).filter(Boolean),
  });
  async function save(overVersion) {
    try {
      post = await api('PUT', '/posts/' + id, { version: overVersion || post.version, ...values() });
      status('Saved (version ' + post.version + ').', 'ok');
    } catch (e) {
      if (e.status === 409 && e.details && e.details.current) {
        const theirs = e.details.current;
        const host = h('div', { class: 'merge' });
        openDialog('Your text and the version saved by ' + (theirs.authorName || 'someone else'), h('div', {},
          h('p', { text: 'This post was saved (version ' + theirs.version + ') after you opened it. Left: your text, editable. Right: theirs.' }), host), [
          ['Save my version', async (done) => { f.content.value = mv.mine; done(); await save(theirs.version); }, 'primary'],
          ['Take theirs', (done) => { post = theirs; for (const k of Object.keys(f)) f[k].value = Array.isArray(theirs[k]) ? theirs[k].join(', ') : (theirs[k] ?? ''); done(); render(); }],
        ]);
        const mv = mergeView(host, { mine: f.content.value, theirs: theirs.content || '' });
      } else fail(e);
    }
  }
  async function setStatus(publish) {
    try {
      post = await api('POST', '/posts/' + id + (publish ? '/publish' : '/unpublish'), {});
      status(publish ? 'Published.' : 'Back to draft.', 'ok');
    } catch (e) { fail(e); }
  }
  main().replaceChildren(h('h1', { text: 'Editing ' + post.title }),
    h('div', { class: 'toolbar', role: 'toolbar', 'aria-label': 'Post actions' },
      h('button', { class: 'primary', onclick: () => save(), text: 'Save' }),
      h('button', { onclick: () => setStatus(true), text: 'Publish' }),
      h('button', { onclick: () => setStatus(false), text: 'Unpublish' }),
      h('a', { href: '#/posts', text: 'All posts' })),
    h('div', { class: 'post-editor' }, h('section', { class: 'card post-fields', 'aria-label': 'The post' }, inputs.flat()),
      h('section', { class: 'view', 'aria-label': 'Preview of the text' }, frame)));
  render();
  status('');
}

// ---- the media library -------------------------------------------------
// Upload (the file's own bytes; the server decides its type), alt text,
// delete (409 names where it is used; then it can be forced), and a
// picker other screens open to choose an image's URL.
async function uploadFile(file) {
  const r = await fetch('/api/cms/media?filename=' + encodeURIComponent(file.name), {
    method: 'POST', credentials: 'same-origin',
    headers: { 'Content-Type': file.type || 'application/octet-stream', 'X-CSRF-Token': csrf }, body: file,
  });
  const data = await r.json();
  if (!r.ok) throw new ApiError(r.status, data);
  return data;
}

function mediaGrid(items, onPick) {
  return h('ul', { class: 'media-grid' }, items.map((m) => h('li', {},
    h('img', { src: (m.renditions && m.renditions[0] && m.renditions[0].url) || m.url, alt: m.alt || '', width: '160', height: '120', loading: 'lazy' }),
    h('span', { class: 'media-name', text: m.name || m.url }),
    onPick(m))));
}

async function showMedia() {
  const q = h('input', { id: 'media-q', type: 'search', placeholder: 'name or alt text' });
  const file = h('input', { id: 'media-file', type: 'file', accept: 'image/*' });
  const listBox = h('div', {});
  async function load() {
    const r = await api('GET', '/media?limit=100' + (q.value ? '&q=' + encodeURIComponent(q.value) : ''));
    listBox.replaceChildren(r.media.length ? mediaGrid(r.media, (m) => h('div', { class: 'media-tools' },
      h('label', { for: 'alt-' + m.id, class: 'sr-only', text: 'Alt text of ' + (m.name || m.id) }),
      h('input', { id: 'alt-' + m.id, value: m.alt || '', placeholder: 'alt text',
        onchange: async (ev) => { try { await api('PUT', '/media/' + m.id, { alt: ev.target.value }); status('Alt text saved.', 'ok'); } catch (e) { fail(e); } } }),
      h('button', { 'aria-label': 'Delete ' + (m.name || 'image ' + m.id), text: 'Delete', onclick: async () => {
        try { await api('DELETE', '/media/' + m.id); status('Deleted.', 'ok'); load(); } catch (e) {
          if (e.status === 409 && confirm(e.message + '\nDelete it anyway?')) {
            try { await api('DELETE', '/media/' + m.id + '?force=1'); status('Deleted.', 'ok'); load(); } catch (e2) { fail(e2); }
          } else fail(e);
        } } })))
      : h('p', { text: 'No images yet.' }));
    status(r.usedBytes !== undefined ? 'Using ' + Math.round(r.usedBytes / 1024) + ' KB.' : '');
  }
  file.addEventListener('change', async () => {
    for (const f of file.files) {
      try { const m = await uploadFile(f); status('Uploaded ' + (m.name || f.name) + '.', 'ok'); } catch (e) { fail(e); }
    }
    file.value = '';
    load();
  });
  q.addEventListener('input', debounce(load, 300));
  main().replaceChildren(h('h1', { text: 'Media library' }),
    h('section', { class: 'card inline-form' }, h('label', { for: 'media-file', text: 'Upload images' }), file,
      h('label', { for: 'media-q', text: 'Search' }), q),
    h('section', { class: 'card', 'aria-label': 'Images' }, listBox));
  await load();
}

// Choose an image from the library (or upload one): resolves to its URL.
function pickMedia() {
  return new Promise((resolve) => {
    const box = h('div', {});
    const file = h('input', { id: 'pick-file', type: 'file', accept: 'image/*' });
    let close;
    const load = async () => {
      const r = await api('GET', '/media?limit=100');
      box.replaceChildren(mediaGrid(r.media, (m) => h('button', { 'aria-label': 'Choose ' + (m.name || m.url), text: 'Choose',
        onclick: () => { close(); resolve(m.url); } })));
    };
    file.addEventListener('change', async () => {
      try { const m = await uploadFile(file.files[0]); close(); resolve(m.url); } catch (e) { fail(e); }
    });
    close = openDialog('Choose an image', h('div', {}, h('label', { for: 'pick-file', text: 'Upload a new one' }), file, box));
    load().catch(fail);
  });
}

// ---- the theme ---------------------------------------------------------
// The draft theme as a form; every change is saved to the draft (PUT) and
// the preview (a live page in the draft theme) reloads; contrast
// warnings come back with each save; Publish makes it live.
const THEME_CHOICES = {
  buttonShape: ['pill', 'rounded', 'square'], spacing: ['compact', 'normal', 'roomy'],
  headerLayout: ['inline', 'centered', 'minimal'], footerLayout: ['columns', 'centered', 'minimal'],
};
const THEME_LABELS = {
  primaryColor: 'Primary', accentColor: 'Accent', backgroundColor: 'Page background', surfaceColor: 'Cards and inputs',
  subtleColor: 'Subtle background', textColor: 'Text', mutedColor: 'Secondary text', borderColor: 'Lines',
  onPrimaryColor: 'Text on primary', onAccentColor: 'Text on accent', headerBackgroundColor: 'Header background',
  headerTextColor: 'Header text', footerBackgroundColor: 'Footer background', footerTextColor: 'Footer text',
  font: 'Body font', headingFont: 'Heading font', radius: 'Corner radius (px)', buttonShape: 'Button shape',
  spacing: 'Spacing', logo: 'Logo URL', favicon: 'Favicon URL', headerLayout: 'Header layout',
  headerSticky: 'Sticky header', footerLayout: 'Footer layout', chatEnabled: 'Shopping assistant', name: 'Theme name',
};

async function showTheme() {
  let t = await api('GET', '/themes');
  const starters = (await api('GET', '/themes/starters')).starters;
  const frame = h('iframe', { class: 'preview theme-preview', title: 'Preview of the home page in the draft theme', sandbox: 'allow-scripts' });
  const warnings = h('ul', { class: 'warnings', 'aria-live': 'polite' });
  const showWarnings = (list) => warnings.replaceChildren(...(list || []).map((w) => h('li', { text: w.message })));
  const reloadPreview = () => { frame.src = '/api/cms/themes/preview?page=home&t=' + Date.now(); };
  const inputs = {};
  const save = debounce(async () => {
    const body = { version: t.version };
    for (const [k, el] of Object.entries(inputs)) {
      body[k] = el.type === 'checkbox' ? el.checked : el.type === 'number' ? Number(el.value) : el.value;
    }
    try {
      t = await api('PUT', '/themes', body);
      showWarnings(t.warnings);
      status('Draft saved' + (t.warnings && t.warnings.length ? ' with ' + t.warnings.length + ' contrast warning(s).' : '.'), t.warnings && t.warnings.length ? 'error' : 'ok');
      reloadPreview();
    } catch (e) {
      if (e.status === 409) { status('Someone else changed the theme: showing theirs.', 'error'); t = await api('GET', '/themes'); fill(); }
      else fail(e);
    }
  }, 500);
  const fields = Object.keys(THEME_LABELS).filter((k) => k in t.draft);
  const form = h('form', { class: 'card theme-form', 'aria-label': 'Draft theme' }, fields.map((k) => {
    const v = t.draft[k], id = 'th-' + k;
    let el;
    if (k in THEME_CHOICES) el = h('select', { id }, THEME_CHOICES[k].map((o) => h('option', { value: o, text: o })));
    else if (k === 'font' || k === 'headingFont') el = h('select', { id }, (t.fonts || []).map((f) => h('option', { value: f.id, text: f.name || f.id })));
    else if (typeof v === 'boolean') el = h('input', { id, type: 'checkbox' });
    else if (typeof v === 'number') el = h('input', { id, type: 'number', min: '0', max: '32' });
    else if (/Color$/.test(k)) el = h('input', { id, type: 'color' });
    else el = h('input', { id, type: 'text' });
    inputs[k] = el;
    el.addEventListener(el.tagName === 'SELECT' || el.type === 'checkbox' || el.type === 'color' ? 'change' : 'input', save);
    return h('div', { class: 'theme-field' }, h('label', { for: id, text: THEME_LABELS[k] }), el);
  }));
  form.addEventListener('submit', (ev) => ev.preventDefault());
  function fill() {
    for (const [k, el] of Object.entries(inputs)) {
      if (el.type === 'checkbox') el.checked = !!t.draft[k];
      else {
        if (el.tagName === 'SELECT' && ![...el.options].some((o) => o.value === t.draft[k]))
          el.append(h('option', { value: t.draft[k], text: t.draft[k] }));   // a custom font list
        el.value = t.draft[k];
      }
    }
    showWarnings(t.warnings);
  }
  async function apply(id) {
    try {
      t = await api('POST', '/themes/apply', { starter: id, version: t.version });
      fill();
      status('The draft is now the ' + id + ' starter.', 'ok');
      reloadPreview();
    } catch (e) { fail(e); }
  }
  async function publish() {
    try {
      const r = await api('POST', '/themes/publish', {});
      status('Theme published' + (r.warnings && r.warnings.length ? ' (with contrast warnings)' : '') + ': every page shows it now.', 'ok');
    } catch (e) { fail(e); }
  }
  main().replaceChildren(h('h1', { text: 'Theme' }),
    h('div', { class: 'toolbar', role: 'toolbar', 'aria-label': 'Theme actions' },
      h('button', { class: 'primary', onclick: publish, text: 'Publish theme' }),
      h('span', { class: 'sep' }), h('span', { text: 'Start from:' }),
      starters.map((st) => h('button', { onclick: () => apply(st.id), 'aria-label': 'Use the ' + st.name + ' starter', text: st.name }))),
    h('div', { class: 'post-editor' }, h('div', {}, h('section', { class: 'card', 'aria-labelledby': 'warn-h' },
      h('h2', { id: 'warn-h', text: 'Contrast' }), warnings), form),
    h('section', { class: 'view', 'aria-label': 'Preview' }, frame)));
  fill();
  if (!warnings.children.length) warnings.append(h('li', { class: 'ok-line', text: 'Every text and background pair meets WCAG AA.' }));
  reloadPreview();
  status('');
}

// ---- routing -----------------------------------------------------------
async function route() {
  try {
    if (!me) {
      me = await api('GET', '/me');
      if (me.csrfToken) { csrf = me.csrfToken; sessionStorage.setItem('sf-csrf', csrf); }
      $('#who').replaceChildren(h('nav', { class: 'sections', 'aria-label': 'Sections' },
        h('a', { href: '#/', text: 'Store' }), h('a', { href: '#/posts', text: 'Blog' }), h('a', { href: '#/theme', text: 'Theme' }), h('a', { href: '#/media', text: 'Media' })),
      me.user.email + ' · ' + me.store.name + ' ', h('button', { onclick: signOut, text: 'Sign out' }));
    }
    const m = location.hash.match(/^#\/(pages|posts)\/(\d+)/);
    if (m && m[1] === 'pages') await showPage(m[2]);
    else if (m) await showPost(m[2]);
    else if (location.hash.startsWith('#/posts')) await showPosts();
    else if (location.hash.startsWith('#/theme')) await showTheme();
    else if (location.hash.startsWith('#/media')) await showMedia();
    else await showManager();
  } catch (e) {
    if (e.status !== 401) fail(e);
  }
}

window.addEventListener('hashchange', route);
route();
