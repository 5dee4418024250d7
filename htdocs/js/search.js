/* Storefront: predictive search in the header's search box on every page
 * (the ARIA 1.2 combobox pattern: an input with a listbox popup).
 * - As the shopper types (2+ characters, after a short pause) it asks
 *   GET /api/search/suggest?q= and lists products (with price),
 *   collections, pages, posts and query suggestions;
 * - ArrowDown/ArrowUp move through the options (aria-activedescendant),
 *   Enter opens the active option (or searches), Escape closes the list,
 *   a click opens an option; a live region says how many there are;
 * - on /search, the result a shopper opens is reported with
 *   POST /api/search/click {searchId, url} (the merchant's search report).
 * Plain ES5, no dependencies; without it the form still submits to /search. */
(function (window, document) {
  'use strict';

  var SUGGEST_URL = '/api/search/suggest?q=';
  var DELAY_MS = 120;
  var MIN_CHARS = 2;
  var seq = 0;

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function setup(form, n) {
    var input = form.querySelector('input[name="q"]');
    if (!input) return;
    var listId = 'search-suggest-' + n;
    var list = el('ul', 'search-suggest');
    list.id = listId;
    list.setAttribute('role', 'listbox');
    list.setAttribute('aria-label', 'Search suggestions');
    list.hidden = true;
    var status = el('div', 'visually-hidden');
    status.setAttribute('role', 'status');
    status.setAttribute('aria-live', 'polite');
    form.appendChild(list);
    form.appendChild(status);
    form.classList.add('has-suggest');
    input.setAttribute('role', 'combobox');
    input.setAttribute('aria-autocomplete', 'list');
    input.setAttribute('aria-expanded', 'false');
    input.setAttribute('aria-controls', listId);
    input.setAttribute('autocomplete', 'off');

    var options = [];
    var active = -1;
    var timer = null;

    function close() {
      list.hidden = true;
      input.setAttribute('aria-expanded', 'false');
      input.removeAttribute('aria-activedescendant');
      active = -1;
    }

    function setActive(i) {
      if (active >= 0 && options[active]) options[active].setAttribute('aria-selected', 'false');
      active = i;
      if (i < 0) {
        input.removeAttribute('aria-activedescendant');
        return;
      }
      options[i].setAttribute('aria-selected', 'true');
      input.setAttribute('aria-activedescendant', options[i].id);
      if (options[i].scrollIntoView) options[i].scrollIntoView({ block: 'nearest' });
    }

    function addGroup(label, items, render) {
      if (!items || !items.length) return;
      var head = el('li', 'search-suggest__group', label);
      head.setAttribute('role', 'presentation');
      list.appendChild(head);
      for (var i = 0; i < items.length; i++) {
        var url = items[i].url;
        if (typeof url !== 'string' || url.charAt(0) !== '/' || url.charAt(1) === '/') continue;  /* this store only */
        var li = el('li', 'search-suggest__option');
        li.id = listId + '-' + options.length;
        li.setAttribute('role', 'option');
        li.setAttribute('aria-selected', 'false');
        li.setAttribute('data-url', url);
        render(li, items[i]);
        li.addEventListener('mousedown', function (ev) { ev.preventDefault(); });
        li.addEventListener('click', function () { go(this.getAttribute('data-url')); });
        list.appendChild(li);
        options.push(li);
      }
    }

    function show(q, data) {
      var r = data && data.resources && data.resources.results;
      list.textContent = '';
      options = [];
      active = -1;
      if (!r) { close(); return; }
      addGroup('Suggestions', r.queries, function (li, x) { li.appendChild(el('span', 'search-suggest__title', x.text)); });
      addGroup('Products', r.products, function (li, p) {
        li.appendChild(el('span', 'search-suggest__title', p.title));
        if (p.priceFormatted) li.appendChild(el('span', 'search-suggest__price', p.priceFormatted));
      });
      addGroup('Collections', r.collections, function (li, x) { li.appendChild(el('span', 'search-suggest__title', x.title)); });
      addGroup('Pages', r.pages, function (li, x) { li.appendChild(el('span', 'search-suggest__title', x.title)); });
      addGroup('Blog', r.articles, function (li, x) { li.appendChild(el('span', 'search-suggest__title', x.title)); });
      var all = el('li', 'search-suggest__option search-suggest__all');
      all.id = listId + '-' + options.length;
      all.setAttribute('role', 'option');
      all.setAttribute('aria-selected', 'false');
      all.setAttribute('data-url', '/search?q=' + encodeURIComponent(q));
      all.textContent = 'Search for “' + q + '”';
      all.addEventListener('mousedown', function (ev) { ev.preventDefault(); });
      all.addEventListener('click', function () { go(this.getAttribute('data-url')); });
      list.appendChild(all);
      options.push(all);
      list.hidden = false;
      input.setAttribute('aria-expanded', 'true');
      var n = options.length - 1;
      status.textContent = n ? n + (n === 1 ? ' suggestion' : ' suggestions') + ', use the arrow keys to choose'
                             : 'No suggestions';
    }

    function go(url) {
      close();
      window.location.href = url;
    }

    function fetchSuggest() {
      var q = input.value.replace(/^\s+|\s+$/g, '');
      if (q.length < MIN_CHARS) { close(); return; }
      var mine = ++seq;
      var xhr = new XMLHttpRequest();
      xhr.open('GET', SUGGEST_URL + encodeURIComponent(q));
      xhr.setRequestHeader('Accept', 'application/json');
      xhr.onload = function () {
        if (mine !== seq || xhr.status !== 200) return;   /* a newer request is on its way */
        try { show(q, JSON.parse(xhr.responseText)); } catch (e) { close(); }
      };
      xhr.send();
    }

    input.addEventListener('input', function () {
      if (timer) clearTimeout(timer);
      timer = setTimeout(fetchSuggest, DELAY_MS);
    });
    input.addEventListener('keydown', function (ev) {
      var open = !list.hidden && options.length;
      if (ev.key === 'ArrowDown') {
        if (!open) { fetchSuggest(); return; }
        ev.preventDefault();
        setActive(active + 1 < options.length ? active + 1 : 0);
      } else if (ev.key === 'ArrowUp') {
        if (!open) return;
        ev.preventDefault();
        setActive(active > 0 ? active - 1 : options.length - 1);
      } else if (ev.key === 'Enter') {
        if (open && active >= 0) {
          ev.preventDefault();
          go(options[active].getAttribute('data-url'));
        }
      } else if (ev.key === 'Escape') {
        if (open) { ev.preventDefault(); close(); }
        else input.value = '';
      }
    });
    input.addEventListener('blur', function () { setTimeout(close, 150); });
  }

  function reportClicks() {
    var page = document.querySelector('[data-search-id]');
    var sid = page && page.getAttribute('data-search-id');
    if (!sid || sid === '0') return;
    page.addEventListener('click', function (ev) {
      var a = ev.target;
      while (a && a !== page && !(a.tagName === 'A' && a.hasAttribute('data-search-result'))) a = a.parentNode;
      if (!a || a === page) return;
      var body = JSON.stringify({ searchId: sid, url: a.getAttribute('href') });
      if (navigator.sendBeacon) {
        navigator.sendBeacon('/api/search/click', new Blob([body], { type: 'application/json' }));
      }
    });
  }

  function init() {
    var forms = document.querySelectorAll('form[role="search"]');
    for (var i = 0; i < forms.length; i++) setup(forms[i], i);
    reportClicks();
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})(window, document);
