/* Storefront: the wishlist hearts ([data-wish] buttons on product cards and
 * the product page) and the /wishlist page.
 * - A guest's list lives in this browser (localStorage "sf_wishlist":
 *   [{productId, slug, name, image, price}]), never on the server.
 * - A signed-in shopper (the readable sf_account=1 cookie says so; pages
 *   stay cacheable) has it in the account: GET /api/wishlist, POST
 *   /api/wishlist/items, DELETE /api/wishlist/items/{id}, with the
 *   session's CSRF token.
 * - storefrontWishlist.merge(done): after a sign-in (account.js), the
 *   guest's list joins the account (POST /api/wishlist/merge) and is
 *   cleared here.
 * Plain ES5, no dependencies; without JavaScript the hearts stay hidden. */
(function (window, document) {
  'use strict';

  var KEY = 'sf_wishlist';
  var csrf = null;
  var ids = {};

  function signedIn() {
    try {
      return /(^|;\s*)(__Host-)?sf_account=1(;|$)/.test(document.cookie);
    } catch (e) {
      return false;   // a sandboxed preview has no cookies
    }
  }

  function local() {
    try {
      var v = JSON.parse(window.localStorage.getItem(KEY) || '[]');
      return v instanceof Array ? v : [];
    } catch (e) {
      return [];
    }
  }

  function saveLocal(list) {
    try {
      window.localStorage.setItem(KEY, JSON.stringify(list));
    } catch (e) { /* private mode: the list lives for this page only */ }
  }

  function send(method, url, body, done) {
    var xhr = new XMLHttpRequest();
    xhr.open(method, url, true);
    xhr.setRequestHeader('Accept', 'application/json');
    if (csrf) {
      xhr.setRequestHeader('X-CSRF-Token', csrf);
    }
    if (body !== null) {
      xhr.setRequestHeader('Content-Type', 'application/json');
    }
    xhr.onreadystatechange = function () {
      if (xhr.readyState !== 4) {
        return;
      }
      var json = null;
      try { json = JSON.parse(xhr.responseText); } catch (e) { json = null; }
      if (json && json.csrfToken) {
        csrf = json.csrfToken;
      }
      done(xhr.status, json);
    };
    xhr.send(body === null ? null : JSON.stringify(body));
  }

  function fromServer(json) {
    ids = {};
    var items = (json && json.items) || [];
    for (var i = 0; i < items.length; i++) {
      ids[items[i].id] = true;
    }
  }

  function fromLocal() {
    ids = {};
    var l = local();
    for (var i = 0; i < l.length; i++) {
      ids[l[i].productId] = true;
    }
  }

  function paint() {
    var hearts = document.querySelectorAll('[data-wish]');
    for (var i = 0; i < hearts.length; i++) {
      var on = !!ids[hearts[i].getAttribute('data-wish')];
      hearts[i].hidden = false;
      hearts[i].setAttribute('aria-pressed', on ? 'true' : 'false');
      hearts[i].classList.toggle('is-wished', on);
      var label = hearts[i].classList.contains('wish-btn--page') ? null : hearts[i];
      if (label) {
        label.innerHTML = on ? '&#9829;' : '&#9825;';
      } else {
        hearts[i].lastChild.textContent = on ? ' On your wishlist' : ' Add to Wishlist';
        hearts[i].firstChild.innerHTML = on ? '&#9829;' : '&#9825;';
      }
    }
  }

  // What the guest's list keeps of a product: the heart's data-* when it
  // has them, else what its product card shows (a vibe block's grid need
  // not repeat them on the button).
  function card(btn, attr, sel, get) {
    var v = btn.getAttribute(attr);
    if (v) { return v; }
    var c = btn.closest ? btn.closest('.product-card') : null;
    var e = c && c.querySelector(sel);
    return e ? (get(e) || '').trim() : '';
  }

  function toggle(btn) {
    var id = btn.getAttribute('data-wish');
    if (signedIn()) {
      if (ids[id]) {
        send('DELETE', '/api/wishlist/items/' + encodeURIComponent(id), null, function (s, j) {
          if (s === 200) { fromServer(j); paint(); }
        });
      } else {
        send('POST', '/api/wishlist/items', { productId: id }, function (s, j) {
          if (s === 200) { fromServer(j); paint(); }
        });
      }
      return;
    }
    var l = local(), out = [], had = false;
    for (var i = 0; i < l.length; i++) {
      if (String(l[i].productId) === id) { had = true; } else { out.push(l[i]); }
    }
    if (!had) {
      out.unshift({ productId: id, slug: card(btn, 'data-slug', '.product-card__link', function (e) {
          var m = /\/products\/([^/?#]+)/.exec(e.getAttribute('href') || '');
          return m ? decodeURIComponent(m[1]) : '';
        }),
        name: card(btn, 'data-name', '.product-card__name', function (e) { return e.textContent; }),
        image: card(btn, 'data-image', 'img', function (e) { return e.getAttribute('src'); }),
        price: card(btn, 'data-price', '.price__now', function (e) { return e.textContent; }) });
    }
    saveLocal(out.slice(0, 200));
    fromLocal();
    paint();
  }

  /* the guest's /wishlist page, drawn from this browser */
  function guestPage() {
    var grid = document.querySelector('[data-wishlist-guest]');
    if (!grid) {
      return;
    }
    var l = local();
    grid.innerHTML = '';
    for (var i = 0; i < l.length; i++) {
      var it = l[i];
      if (!/^[a-z0-9-]+$/.test(String(it.slug || ''))) {
        continue;
      }
      var li = document.createElement('li');
      li.className = 'product-card';
      var a = document.createElement('a');
      a.className = 'product-card__link';
      a.href = '/products/' + it.slug;
      var media = document.createElement('span');
      media.className = 'product-card__media';
      if (/^\/[^\/\\]/.test(String(it.image || ''))) {   /* this store's own path only */
        var img = document.createElement('img');
        img.src = it.image;
        img.alt = String(it.name || '');
        media.appendChild(img);
      }
      var name = document.createElement('span');
      name.className = 'product-card__name';
      name.textContent = String(it.name || '');
      a.appendChild(media);
      a.appendChild(name);
      li.appendChild(a);
      var price = document.createElement('p');
      price.className = 'price';
      price.textContent = String(it.price || '');
      li.appendChild(price);
      var heart = document.createElement('button');
      heart.type = 'button';
      heart.className = 'wish-btn';
      heart.setAttribute('data-wish', String(it.productId));
      heart.setAttribute('aria-label', 'Remove ' + String(it.name || '') + ' from the wishlist');
      li.appendChild(heart);
      grid.appendChild(li);
    }
    var empty = document.querySelector('[data-wishlist-empty]');
    if (empty) {
      empty.hidden = l.length > 0;
    }
  }

  function merge(done) {
    var l = local();
    if (!l.length) {
      done();
      return;
    }
    send('GET', '/api/wishlist', null, function (s) {
      if (s !== 200) { done(); return; }
      var items = [];
      for (var i = 0; i < l.length; i++) {
        items.push({ productId: String(l[i].productId) });
      }
      send('POST', '/api/wishlist/merge', { items: items }, function (s2) {
        if (s2 === 200) {
          saveLocal([]);
        }
        done();
      });
    });
  }

  document.addEventListener('click', function (e) {
    var t = e.target;
    while (t && t !== document && !(t.hasAttribute && (t.hasAttribute('data-wish') || t.hasAttribute('data-wish-remove')))) {
      t = t.parentNode;
    }
    if (!t || t === document) {
      return;
    }
    e.preventDefault();
    if (t.hasAttribute('data-wish-remove')) {
      send('DELETE', '/api/wishlist/items/' + encodeURIComponent(t.getAttribute('data-wish-remove')), null, function (s) {
        if (s === 200) { window.location.reload(); }
      });
      return;
    }
    toggle(t);
    if (document.querySelector('[data-wishlist-guest]')) {
      guestPage();
      paint();
    }
  });

  document.addEventListener('change', function (e) {
    var t = e.target;
    if (t && t.hasAttribute && t.hasAttribute('data-wish-notify')) {
      var body = { productId: t.getAttribute('data-wish-notify'), notify: !!t.checked };
      if (t.getAttribute('data-variant-id')) {
        body.variantId = t.getAttribute('data-variant-id');
      }
      send('POST', '/api/wishlist/items', body, function () {});
    }
  });

  function start() {
    if (signedIn()) {
      send('GET', '/api/wishlist', null, function (s, j) {
        if (s === 200) { fromServer(j); } else { fromLocal(); }
        paint();
      });
    } else {
      fromLocal();
      guestPage();
      paint();
    }
  }

  window.storefrontWishlist = { merge: merge };
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})(window, document);
