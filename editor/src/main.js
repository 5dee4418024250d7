// The merchant's web editor (htdocs/admin/, served on the admin host only):
// sign in, the Storefront Manager, and the page editor (blocks, code with
// validation at the cursor, config and visibility, live preview, save,
// publish, versions and rollback). It speaks only the public /api/cms/
// endpoints the TAR POS app uses; the session cookie is HttpOnly, writes
// carry the session's CSRF token. No inline script: the CSP forbids it.
import { codeEditor } from './code.js';

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
  if (r.status === 401 && path !== '/login') { showLogin('Your session ended: sign in again.'); throw new ApiError(401, data); }
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

// ---- sign in --------------------------------------------------------
function showLogin(message) {
  me = null;
  $('#who').textContent = '';
  const form = h('form', { class: 'card login', 'aria-labelledby': 'login-h' },
    h('h1', { id: 'login-h', text: 'Sign in to your store' }),
    message ? h('p', { class: 'status error', role: 'alert', text: message }) : null,
    h('label', { for: 'l-store', text: 'Store' }), h('input', { id: 'l-store', name: 'store', autocomplete: 'organization', required: true }),
    h('label', { for: 'l-email', text: 'Email' }), h('input', { id: 'l-email', name: 'email', type: 'email', autocomplete: 'username', required: true }),
    h('label', { for: 'l-password', text: 'Password' }),
    h('input', { id: 'l-password', name: 'password', type: 'password', autocomplete: 'current-password', required: true }),
    h('button', { type: 'submit', class: 'primary', text: 'Sign in' }));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const f = new FormData(form);
    try {
      const r = await api('POST', '/login', { store: f.get('store'), email: f.get('email'), password: f.get('password'), session: true });
      csrf = r.csrfToken;
      sessionStorage.setItem('sf-csrf', csrf);
      location.hash = '#/';
      await route();
    } catch (e) { fail(e); }
  });
  main().replaceChildren(form);
  $('#l-store').focus();
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
  main().replaceChildren(
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
        h('dt', { text: 'Revenue' }), h('dd', { text: JSON.stringify(today.revenue ?? {}) }))) : null,
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
      h('ul', {}, (orders.orders || orders.items).map((o) => h('li', { text: '#' + (o.number || o.id) + ' — ' + o.status + ' — ' + (o.totalFormatted || o.total) })))) : null);
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
  const frame = h('iframe', { title: 'Preview of the page', sandbox: 'allow-scripts allow-forms', class: 'preview desktop' });
  const cfgArea = h('textarea', { id: 'cfg', rows: 6, spellcheck: 'false' });
  const devices = ['desktop', 'tablet', 'mobile'].map((d) => h('input', { type: 'checkbox', id: 'vis-' + d, value: d }));
  const users = ['guest', 'customer'].map((u) => h('input', { type: 'checkbox', id: 'vis-' + u, value: u }));
  const start = h('input', { type: 'datetime-local', id: 'vis-start' });
  const end = h('input', { type: 'datetime-local', id: 'vis-end' });
  const versions = h('ol', { class: 'versions', 'aria-label': 'Published versions' });

  const block = () => blocks.find((b) => b.id === current);
  const edits = (b) => unsaved.get(b.id) || {};

  function renderList() {
    list.replaceChildren(...blocks.map((b, i) => h('li', { class: b.id === current ? 'current' : '' },
      h('button', { class: 'pick', 'aria-current': b.id === current ? 'true' : null, onclick: () => choose(b.id),
        text: (i + 1) + '. ' + b.type + (unsaved.has(b.id) ? ' •' : '') }),
      h('span', { class: 'tools' },
        h('button', { 'aria-label': 'Move block ' + (i + 1) + ' up', disabled: i === 0, onclick: () => move(b, -1), text: '↑' }),
        h('button', { 'aria-label': 'Move block ' + (i + 1) + ' down', disabled: i === blocks.length - 1, onclick: () => move(b, 1), text: '↓' }),
        h('button', { 'aria-label': 'Duplicate block ' + (i + 1), onclick: () => duplicate(b), text: '⧉' }),
        h('button', { 'aria-label': 'Delete block ' + (i + 1), onclick: () => remove(b), text: '✕' })))));
  }

  function fillSide(b) {
    const e = edits(b);
    cfgArea.value = JSON.stringify(e.config ?? b.config ?? {}, null, 2);
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
    frame.src = url;
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
      if (e.status === 409) status('Someone saved this block after you opened it: reload to see their version.', 'error');
      else fail(e);
    }
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
      'Version ' + x.version + (x.live || x.isLive ? ' (live)' : '') + ' ',
      h('button', { onclick: () => rollback(x.version), 'aria-label': 'Roll back to version ' + x.version, text: 'Roll back' }))));
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

  const typeSel = h('select', { id: 'add-type', 'aria-label': 'Type of the new block' }, TYPES.map((t) => h('option', { value: t, text: t })));
  const widthBtns = Object.keys(WIDTHS).map((w) => h('button', { 'aria-pressed': w === width ? 'true' : 'false',
    onclick: (ev) => { width = w; frame.className = 'preview ' + w;
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
      h('span', { class: 'sep' }), typeSel, h('button', { id: 'add', onclick: () => add(typeSel.value), text: 'Add block' }),
      h('span', { class: 'sep' }), h('span', { id: 'widths', role: 'group', 'aria-label': 'Preview width' }, widthBtns)),
    h('div', { class: 'editor' },
      h('nav', { class: 'side', 'aria-label': 'Blocks' }, h('h2', { text: 'Blocks' }), list,
        h('h2', { text: 'Versions' }), versions),
      h('section', { class: 'work', 'aria-label': 'Code and settings' }, codeHost,
        h('details', { class: 'settings' }, h('summary', { text: 'Config and visibility' }),
          h('label', { for: 'cfg', text: 'Config (JSON)' }), cfgArea,
          h('fieldset', {}, h('legend', { text: 'Show on' }),
            devices.map((c) => h('label', {}, c, ' ' + c.value)), users.map((c) => h('label', {}, c, ' ' + c.value + 's'))),
          h('label', { for: 'vis-start', text: 'From' }), start, h('label', { for: 'vis-end', text: 'Until' }), end)),
      h('section', { class: 'view', 'aria-label': 'Live preview' }, frame)));
  choose(current);
  preview().catch(fail);
  loadVersions().catch(fail);
}

// ---- routing -----------------------------------------------------------
async function route() {
  try {
    if (!me) {
      me = await api('GET', '/me');
      if (me.csrfToken) { csrf = me.csrfToken; sessionStorage.setItem('sf-csrf', csrf); }
      $('#who').replaceChildren(me.user.email + ' · ' + me.store.name + ' ',
        h('button', { onclick: signOut, text: 'Sign out' }));
    }
    const m = location.hash.match(/^#\/pages\/(\d+)/);
    if (m) await showPage(m[1]);
    else await showManager();
  } catch (e) {
    if (e.status !== 401) fail(e);
  }
}

window.addEventListener('hashchange', route);
route();
