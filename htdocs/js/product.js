/* Storefront: the product page's variant picker (templates/product.html).
 * - reads the variants table from <script id="product-picker-data">
 *   ({variants: [{id, options[], price, compareAt, inStock, lowStock,
 *   stockText, max, sku, image}]});
 * - when an option changes: finds the variant with the chosen options and
 *   shows its price, compare-at price, stock line, SKU and image, sets the
 *   form's variant id, the quantity's max and the button, marks the values
 *   that are sold out with the other options as chosen, and puts
 *   ?variant=ID in the address (history.replaceState);
 * - submits the form through addToCart (store.js) so the page stays; the
 *   form posts to /cart/add by itself without JavaScript.
 * The image: a "variant:change" event on the form (detail: the variant) for
 * a gallery that listens; the first .product-detail__image shows it too.
 * Live stock: while the tab is visible, GET /api/stock?ids=ID every few
 * seconds with If-None-Match (an unchanged answer is a 304 and costs
 * nothing); a POS sale or another order shows here, and the button follows.
 * Plain ES5, no dependencies. */
(function (window, document) {
  'use strict';

  var form = document.querySelector('[data-product-form]');
  var dataEl = document.getElementById('product-picker-data');
  if (!form || !dataEl) {
    return;
  }
  var table;
  try {
    table = JSON.parse(dataEl.textContent || '{}');
  } catch (e) {
    return;
  }
  var variants = (table && table.variants) || [];

  function q(sel) {
    return document.querySelector(sel);
  }

  /* chosen[i]: the value of option i+1, from checked radios or selects */
  function chosen() {
    var out = [];
    var els = form.querySelectorAll('[data-option]');
    for (var i = 0; i < els.length; i++) {
      var el = els[i];
      var pos = parseInt(el.getAttribute('data-option'), 10) - 1;
      if (el.tagName === 'SELECT' || el.checked) {
        out[pos] = el.value;
      }
    }
    return out;
  }

  function matches(v, opts, skip) {
    for (var i = 0; i < opts.length; i++) {
      if (i !== skip && opts[i] !== undefined && (v.options || [])[i] !== opts[i]) {
        return false;
      }
    }
    return true;
  }

  function find(opts) {
    for (var i = 0; i < variants.length; i++) {
      if (matches(variants[i], opts, -1)) {
        return variants[i];
      }
    }
    return null;
  }

  function setText(el, text) {
    if (el) {
      el.textContent = text;
    }
  }

  function show(v) {
    var price = q('[data-picker-price]');
    if (price) {
      price.innerHTML = '';
      var now = document.createElement('span');
      now.className = 'price__now';
      now.textContent = v ? v.price : '';
      price.appendChild(now);
      if (v && v.compareAt) {
        price.appendChild(document.createTextNode(' '));
        var was = document.createElement('s');
        was.className = 'price__was';
        was.textContent = v.compareAt;
        price.appendChild(was);
        price.appendChild(document.createTextNode(' '));
        var badge = document.createElement('span');
        badge.className = 'badge badge--accent';
        badge.textContent = 'Sale';
        price.appendChild(badge);
      }
    }
    var stock = q('[data-picker-stock]');
    if (stock) {
      stock.textContent = v ? v.stockText : 'Unavailable';
      stock.className = 'stock ' + (v && v.inStock ? 'stock--in' : 'stock--out') + (v && v.lowStock ? ' stock--low' : '');
    }
    setText(q('[data-picker-sku]'), v ? v.sku : '');
    var skuLine = q('[data-picker-sku-line]');
    if (skuLine) {
      skuLine.hidden = !(v && v.sku);
    }
    var id = form.querySelector('input[data-picker-variant]');
    if (id && v) {
      id.value = v.id;
    }
    var qty = form.querySelector('[data-picker-qty]');
    if (qty && v) {
      qty.max = String(v.max);
      if (parseInt(qty.value, 10) > v.max) {
        qty.value = String(Math.max(1, v.max));
      }
    }
    var button = form.querySelector('[data-picker-button]');
    if (button) {
      var ok = !!(v && v.inStock);
      button.disabled = !ok;
      button.textContent = ok ? 'Add to Cart' : (v ? 'Sold out' : 'Unavailable');
    }
    if (v && v.image) {
      var img = q('.product-detail__image');
      if (img && img.getAttribute('src') !== v.image) {
        img.setAttribute('src', v.image);
      }
    }
    var ev;
    try {
      ev = new window.CustomEvent('variant:change', { detail: v, bubbles: true });
    } catch (e) {
      ev = null;
    }
    if (ev) {
      form.dispatchEvent(ev);
    }
  }

  /* Mark each value sold out when no in-stock variant has it together
   * with the other options as chosen. */
  function mark(opts) {
    var els = form.querySelectorAll('[data-option]');
    for (var i = 0; i < els.length; i++) {
      var el = els[i];
      var pos = parseInt(el.getAttribute('data-option'), 10) - 1;
      var list = el.tagName === 'SELECT' ? el.options : [el];
      for (var k = 0; k < list.length; k++) {
        var avail = false;
        for (var j = 0; j < variants.length && !avail; j++) {
          var v = variants[j];
          avail = v.inStock && (v.options || [])[pos] === list[k].value && matches(v, opts, pos);
        }
        if (el.tagName === 'SELECT') {
          list[k].textContent = list[k].value + (avail ? '' : ' (sold out)');
        } else {
          var label = form.querySelector('label[for="' + el.id + '"]');
          if (label) {
            label.classList.toggle('is-sold-out', !avail);
          }
        }
      }
    }
    for (var p = 0; p < opts.length; p++) {
      setText(form.querySelector('[data-option-label="' + (p + 1) + '"]'), opts[p] || '');
    }
  }

  function update() {
    var opts = chosen();
    var v = find(opts);
    show(v);
    mark(opts);
    if (v && window.history && window.history.replaceState) {
      var url = window.location.pathname + '?variant=' + encodeURIComponent(v.id) + window.location.hash;
      window.history.replaceState(null, '', url);
    }
  }

  /* ---- live stock ---- */
  var POLL_MS = 4000;
  var etag = null;

  function line(inStock, stock) {
    if (!inStock) { return 'Sold out'; }
    if (table.limited && table.low > 0 && stock <= table.low) { return 'Only ' + stock + ' left'; }
    if (table.limited) { return 'In stock: ' + stock + ' available'; }
    return 'In stock';
  }

  function refresh(target, src) {
    target.inStock = !!src.inStock;
    target.lowStock = target.inStock && table.limited && table.low > 0 && src.stock <= table.low;
    target.stockText = line(target.inStock, src.stock);
    target.max = table.limited ? Math.min(src.stock, table.cap) : table.cap;
  }

  function applyStock(json) {
    var p = json && json.products && json.products[0];
    if (!p) {
      return;
    }
    if (!variants.length) {
      refresh(table.product, p);
      show(table.product);
      return;
    }
    for (var i = 0; i < variants.length; i++) {
      for (var j = 0; j < (p.variants || []).length; j++) {
        if (p.variants[j].id === variants[i].id) {
          refresh(variants[i], p.variants[j]);
        }
      }
    }
    var v = find(chosen());
    show(v);
    mark(chosen());
  }

  function poll() {
    if (document.visibilityState && document.visibilityState !== 'visible') {
      return;
    }
    var xhr = new XMLHttpRequest();
    xhr.open('GET', '/api/stock?ids=' + encodeURIComponent(form.getAttribute('data-product-id')), true);
    xhr.setRequestHeader('Accept', 'application/json');
    if (etag) {
      xhr.setRequestHeader('If-None-Match', etag);
    }
    xhr.onreadystatechange = function () {
      if (xhr.readyState !== 4 || xhr.status !== 200) {
        return; /* 304: unchanged */
      }
      var first = etag === null;
      etag = xhr.getResponseHeader('ETag');
      var json = null;
      try { json = JSON.parse(xhr.responseText); } catch (e) { json = null; }
      if (!first || json) {
        applyStock(json);
      }
    };
    xhr.send(null);
  }
  window.setInterval(poll, POLL_MS);
  document.addEventListener('visibilitychange', poll);

  form.addEventListener('change', function (e) {
    var t = e.target;
    if (t && t.hasAttribute && t.hasAttribute('data-option')) {
      update();
    } else if (t && t.tagName === 'SELECT' && t.hasAttribute('data-picker-variant')) {
      for (var i = 0; i < variants.length; i++) {
        if (variants[i].id === t.value) {
          show(variants[i]);
        }
      }
    }
  });

  form.addEventListener('submit', function (e) {
    if (typeof window.addToCart !== 'function') {
      return; /* the plain form post */
    }
    e.preventDefault();
    var idEl = form.querySelector('[data-picker-variant]');
    var qty = form.querySelector('[data-picker-qty]');
    window.addToCart(form.getAttribute('data-product-id'), qty ? qty.value : 1, idEl ? idEl.value : null);
  });

  window.storefrontPicker = { variants: variants, update: update, show: show, poll: poll };
})(window, document);
