/* Storefront cart and checkout pages: quantity changes and removal through
 * PATCH/DELETE /api/cart/items/{id} (the page reloads to show the server's
 * totals), and the checkout form through POST /api/checkout with the
 * idempotency key the page was rendered with, so a double click or a retry
 * never makes a second order. Plain ES5, no dependencies. */
(function (window, document) {
  'use strict';

  function send(method, url, body, done) {
    var xhr = new XMLHttpRequest();
    xhr.open(method, url, true);
    xhr.setRequestHeader('Accept', 'application/json');
    if (body !== null) {
      xhr.setRequestHeader('Content-Type', 'application/json');
    }
    xhr.timeout = 20000;
    xhr.onreadystatechange = function () {
      if (xhr.readyState !== 4) {
        return;
      }
      var json = null;
      try { json = JSON.parse(xhr.responseText); } catch (e) { json = null; }
      done(xhr.status, json);
    };
    xhr.ontimeout = function () { done(0, null); };
    xhr.send(body === null ? null : JSON.stringify(body));
  }

  function message(status, json) {
    if (json && json.error && json.error.message) {
      return json.error.message;
    }
    return status === 0 ? 'Could not reach the store. Please try again.' : 'Something went wrong (' + status + ').';
  }

  function cartPage() {
    var note = document.querySelector('.cart-message');
    function show(status, json) {
      if (status >= 200 && status < 300) {
        window.location.reload();
      } else if (note) {
        note.textContent = message(status, json);
      }
    }
    var qtys = document.querySelectorAll('.cart-qty');
    for (var i = 0; i < qtys.length; i++) {
      qtys[i].addEventListener('change', function (e) {
        var input = e.target;
        var q = parseInt(input.value, 10);
        var id = input.getAttribute('data-item-id');
        var most = parseInt(input.getAttribute('max'), 10);
        if (most > 0 && q > most) {
          /* never more than the stock: back to what the cart holds */
          input.value = input.getAttribute('data-quantity');
          if (note) { note.textContent = 'Only ' + most + ' available.'; }
          return;
        }
        var was = input.getAttribute('data-quantity');
        function answered(status, json) {
          if (!(status >= 200 && status < 300)) {
            input.value = was;
          }
          show(status, json);
        }
        if (!q || q < 1) {
          send('DELETE', '/api/cart/items/' + encodeURIComponent(id), null, answered);
        } else {
          send('PATCH', '/api/cart/items/' + encodeURIComponent(id), { quantity: q }, answered);
        }
      });
    }
    /* the steppers: one more or one fewer, within 0 (removes) and max */
    var steps = document.querySelectorAll('.stepper__btn');
    for (var s = 0; s < steps.length; s++) {
      steps[s].addEventListener('click', function (e) {
        var b = e.currentTarget;
        var input = b.parentNode.querySelector('.cart-qty');
        var q = (parseInt(input.value, 10) || 0) + parseInt(b.getAttribute('data-step'), 10);
        var most = parseInt(input.getAttribute('max'), 10);
        if (most > 0 && q > most) {
          return;
        }
        input.value = String(Math.max(0, q));
        input.dispatchEvent(new window.Event('change', { bubbles: true }));
      });
    }
    var rm = document.querySelectorAll('.cart-remove');
    for (var j = 0; j < rm.length; j++) {
      rm[j].addEventListener('click', function (e) {
        send('DELETE', '/api/cart/items/' + encodeURIComponent(e.target.getAttribute('data-item-id')), null, show);
      });
    }
  }

  /* Live stock on the cart page: while visible, GET /api/stock for the
   * lines' products (a 304 while nothing changed); when what may be
   * bought of a line changes, the page reloads and shows it (sold out,
   * fewer left) from the server. */
  function watchStock() {
    var rows = document.querySelectorAll('.cart-line[data-product-id]');
    if (!rows.length) {
      return;
    }
    var ids = [];
    for (var i = 0; i < rows.length; i++) {
      if (ids.indexOf(rows[i].getAttribute('data-product-id')) < 0) {
        ids.push(rows[i].getAttribute('data-product-id'));
      }
    }
    var etag = null;
    function most(p, vid) {
      var src = p;
      for (var j = 0; vid && j < (p.variants || []).length; j++) {
        if (p.variants[j].id === vid) { src = p.variants[j]; }
      }
      if (!src.inStock) { return 0; }
      return p.stockLimited ? src.stock : Infinity;
    }
    function check(json) {
      var byId = {};
      var list = (json && json.products) || [];
      for (var k = 0; k < list.length; k++) { byId[list[k].id] = list[k]; }
      for (var i2 = 0; i2 < rows.length; i2++) {
        var input = rows[i2].querySelector('.cart-qty');
        var p = byId[rows[i2].getAttribute('data-product-id')];
        var now = p ? most(p, rows[i2].getAttribute('data-variant-id')) : 0;
        var was = parseInt(rows[i2].getAttribute('data-stock'), 10);
        var had = rows[i2].classList.contains('has-problem');
        var qty = parseInt(input.getAttribute('data-quantity'), 10);
        if ((now < qty) !== had || (now !== Infinity && now !== was)) {
          window.location.reload();
          return;
        }
      }
    }
    function poll() {
      if (document.visibilityState && document.visibilityState !== 'visible') {
        return;
      }
      var xhr = new XMLHttpRequest();
      xhr.open('GET', '/api/stock?ids=' + ids.join(','), true);
      if (etag) { xhr.setRequestHeader('If-None-Match', etag); }
      xhr.onreadystatechange = function () {
        if (xhr.readyState === 4 && xhr.status === 200) {
          etag = xhr.getResponseHeader('ETag');
          try { check(JSON.parse(xhr.responseText)); } catch (e) { /* keep the page */ }
        }
      };
      xhr.send(null);
    }
    window.setInterval(poll, 4000);
    document.addEventListener('visibilitychange', poll);
    poll();
  }

  function checkoutPage(form) {
    var errorBox = form.querySelector('.checkout-error');
    var button = form.querySelector('.place-order');
    var address = form.querySelector('.address');
    function value(name) {
      var el = form.elements[name];
      return el ? String(el.value || '').replace(/^\s+|\s+$/g, '') : '';
    }
    function checked(name) {
      var els = form.querySelectorAll('input[name="' + name + '"]');
      for (var i = 0; i < els.length; i++) {
        if (els[i].checked) {
          return els[i];
        }
      }
      return null;
    }
    function pickup() {
      var m = checked('shippingMethod');
      return m && m.getAttribute('data-pickup') === 'true';
    }
    function syncAddress() {
      if (address) {
        address.hidden = pickup();
      }
    }
    /* Totals for the chosen shipping method and code, from the server.
     * Only the newest quote's answer counts, and a quote clears only an
     * error a quote showed (never a refused checkout's message). */
    var quoteSeq = 0, quoteError = false;
    function quote() {
      var mine = ++quoteSeq;
      var m = checked('shippingMethod');
      var body = { shippingMethod: m ? m.value : '' };
      if (value('discountCode')) { body.discountCode = value('discountCode'); }
      /* the currency and rate the page shows: the summary is in it, as the
       * order will be (a changed rate is 409 here too) */
      if (form.getAttribute('data-currency')) {
        body.currency = form.getAttribute('data-currency');
        body.rate = form.getAttribute('data-rate');
      }
      send('POST', '/api/cart/quote', body, function (status, json) {
        if (mine !== quoteSeq) {
          return;
        }
        if (status === 200 && json) {
          var keys = ['subtotal', 'discount', 'shipping', 'tax', 'total', 'chargeTotal'];
          var names = ['presentmentSubtotal', 'presentmentDiscount', 'presentmentShipping', 'presentmentTax',
            'presentmentTotal', 'chargeTotal'];
          for (var i = 0; i < keys.length; i++) {
            var el = document.querySelector('[data-total="' + keys[i] + '"]');
            if (el && json[names[i] + 'Formatted'] !== undefined) {
              el.textContent = (keys[i] === 'discount' && json[names[i]] > 0 ? '-' : '') + json[names[i] + 'Formatted'] +
                (keys[i] === 'tax' && json.taxInclusive ? ' (included)' : '');
            }
          }
          if (quoteError) {
            errorBox.textContent = '';
            quoteError = false;
          }
        } else {
          errorBox.textContent = message(status, json);
          quoteError = true;
        }
      });
    }
    form.addEventListener('change', function () {
      syncAddress();
      quote();
    });
    /* the email, once typed, is kept on the cart (the store may send one
     * reminder if the order is not finished) */
    var emailInput = form.elements.email;
    if (emailInput) {
      emailInput.addEventListener('change', function () {
        var v = value('email');
        if (/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(v)) {
          send('POST', '/api/cart/email', { email: v }, function () {});
        }
      });
    }
    /* a saved address (signed-in shopper) fills the address fields */
    var saved = form.querySelector('[data-saved-address]');
    if (saved) {
      saved.addEventListener('change', function () {
        var o = saved.options[saved.selectedIndex];
        var map = { line1: 'line1', line2: 'line2', city: 'city', region: 'region', postalCode: 'postal-code', country: 'country' };
        for (var k in map) {
          if (map.hasOwnProperty(k) && form.elements[k]) {
            form.elements[k].value = o.getAttribute('data-' + map[k]) || '';
          }
        }
      });
    }
    /* "Pick up in store": choose the pickup method, no address asked */
    var express = form.querySelector('[data-pickup-express]');
    if (express) {
      express.addEventListener('click', function () {
        var r = form.querySelector('input[name="shippingMethod"][value="' + express.getAttribute('data-pickup-express') + '"]');
        if (r) {
          r.checked = true;
          syncAddress();
          quote();
          var email = form.elements.email;
          if (email) { email.focus(); }
        }
      });
    }
    syncAddress();
    quote();
    form.addEventListener('submit', function (e) {
      e.preventDefault();
      var m = checked('shippingMethod'), p = checked('paymentMethod');
      var body = {
        email: value('email'),
        name: value('name'),
        shippingMethod: m ? m.value : '',
        paymentMethod: p ? p.value : '',
        idempotencyKey: form.getAttribute('data-idempotency-key')
      };
      if (value('phone')) { body.phone = value('phone'); }
      /* the currency and rate the page showed: a changed rate is refused (409), never applied silently */
      if (form.getAttribute('data-currency')) {
        body.currency = form.getAttribute('data-currency');
        body.rate = form.getAttribute('data-rate');
        /* and the items' subtotal it showed in it: a changed fixed price is refused too (409 price_changed) */
        body.presentmentSubtotal = parseInt(form.getAttribute('data-subtotal'), 10);
      }
      if (value('discountCode')) { body.discountCode = value('discountCode'); }
      if (!pickup()) {
        body.shippingAddress = {
          line1: value('line1'), line2: value('line2'), city: value('city'),
          region: value('region'), postalCode: value('postalCode'), country: value('country').toUpperCase()
        };
      }
      button.disabled = true;
      errorBox.textContent = '';
      quoteError = false;
      send('POST', '/api/checkout', body, function (status, json) {
        if ((status === 200 || status === 201) && json && json.order && json.order.url) {
          window.location.href = json.order.url;
          return;
        }
        button.disabled = false;
        errorBox.textContent = message(status, json);
      });
    });
  }

  function start() {
    var form = document.getElementById('checkout-form');
    if (form) {
      checkoutPage(form);
    } else {
      cartPage();
      watchStock();
    }
  }
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})(window, document);
