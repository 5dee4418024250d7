/* Storefront: shopper-side script for every store page.
 * - fills the cart count ([data-cart-count]) from GET /api/cart, because
 *   cached pages never contain a shopper's cart;
 * - defines addToCart(productId, quantity) for the buttons vibe code emits:
 *   POST /api/cart/items {productId, quantity}, then updates the count from
 *   the response's itemCount, or shows error.message in a toast.
 * - reports one page view to the store's analytics (countView: a beacon
 *   to POST /api/analytics/view with the path and referrer, no cookie);
 * Plain ES5, no build step, no dependencies. Fails quietly when the cart API
 * is missing (404) or the network is down. */
(function (window, document) {
  'use strict';

  var CART_URL = '/api/cart';
  var ITEMS_URL = '/api/cart/items';
  var TOAST_MS = 4000;
  var toastRegion = null;

  function setCount(n) {
    if (typeof n !== 'number' || !isFinite(n) || n < 0) {
      return;
    }
    var els = document.querySelectorAll('[data-cart-count]');
    for (var i = 0; i < els.length; i++) {
      els[i].textContent = String(Math.floor(n));
    }
  }

  function bumpCartLink() {
    var link = document.querySelector('.cart-link');
    if (!link || !link.classList) {
      return;
    }
    link.classList.remove('is-bumped');
    void link.offsetWidth; /* restart the animation */
    link.classList.add('is-bumped');
  }

  function parseJson(text) {
    if (!text) {
      return null;
    }
    try {
      return JSON.parse(text);
    } catch (e) {
      return null;
    }
  }

  /* request(method, url, body, done): done(status, json) with status 0 on network error */
  function request(method, url, body, done) {
    var xhr = new XMLHttpRequest();
    xhr.open(method, url, true);
    xhr.setRequestHeader('Accept', 'application/json');
    if (body !== null) {
      xhr.setRequestHeader('Content-Type', 'application/json');
    }
    xhr.timeout = 15000;
    xhr.onreadystatechange = function () {
      if (xhr.readyState !== 4) {
        return;
      }
      done(xhr.status, parseJson(xhr.responseText));
    };
    xhr.ontimeout = function () {
      done(0, null);
    };
    xhr.send(body === null ? null : JSON.stringify(body));
  }

  function showToast(message, kind) {
    if (!document.body) {
      return;
    }
    if (!toastRegion || !toastRegion.parentNode) {
      toastRegion = document.createElement('div');
      toastRegion.className = 'toast-region';
      toastRegion.setAttribute('role', 'status');
      toastRegion.setAttribute('aria-live', 'polite');
      document.body.appendChild(toastRegion);
    }
    var toast = document.createElement('div');
    toast.className = 'toast' + (kind === 'error' ? ' toast--error' : '');
    toast.textContent = message;
    toastRegion.appendChild(toast);
    window.setTimeout(function () {
      toast.className += ' is-visible';
    }, 10);
    window.setTimeout(function () {
      toast.className = toast.className.replace(' is-visible', '');
      window.setTimeout(function () {
        if (toast.parentNode) {
          toast.parentNode.removeChild(toast);
        }
      }, 250);
    }, TOAST_MS);
  }

  function errorMessage(status, json) {
    if (json && json.error && typeof json.error.message === 'string' && json.error.message) {
      return json.error.message;
    }
    if (status === 0) {
      return 'Could not reach the store. Check your connection and try again.';
    }
    return 'Could not add to cart (error ' + status + '). Please try again.';
  }

  function refreshCount() {
    request('GET', CART_URL, null, function (status, json) {
      if (status >= 200 && status < 300 && json) {
        setCount(json.itemCount);
      }
      /* anything else (404 before the cart API exists, offline...): keep quiet */
    });
  }

  /* addToCart(productId, quantity, variantId?): called from onclick="addToCart('ID', 1)" */
  function addToCart(productId, quantity, variantId) {
    var qty = parseInt(quantity, 10);
    if (!qty || qty < 1) {
      qty = 1;
    }
    var button = document.activeElement;
    if (button && button.tagName === 'BUTTON') {
      if (button.getAttribute('aria-busy') === 'true') {
        return false; /* a click is already in flight */
      }
      button.setAttribute('aria-busy', 'true');
    } else {
      button = null;
    }
    var body = { productId: String(productId), quantity: qty };
    if (variantId) {
      body.variantId = String(variantId);
    }
    request('POST', ITEMS_URL, body, function (status, json) {
      if (button) {
        button.removeAttribute('aria-busy');
      }
      if (status >= 200 && status < 300) {
        if (json) {
          setCount(json.itemCount);
        }
        bumpCartLink();
        showToast('Added to cart', 'ok');
      } else {
        showToast(errorMessage(status, json), 'error');
      }
    });
    return false;
  }

  window.addToCart = addToCart;

  /* One page view, after the page loaded: sendBeacon never delays the page
   * or its unload; fetch keepalive where a browser refuses the JSON type.
   * The path only (never the query), and the referrer for its host. */
  var VIEW_URL = '/api/analytics/view';
  function countView() {
    var body = JSON.stringify({ path: window.location.pathname, referrer: document.referrer || '' });
    var sent = false;
    try {
      if (navigator.sendBeacon && window.Blob) {
        sent = navigator.sendBeacon(VIEW_URL, new Blob([body], { type: 'application/json' }));
      }
    } catch (e) {
      sent = false;
    }
    if (!sent && window.fetch) {
      window.fetch(VIEW_URL, { method: 'POST', keepalive: true, credentials: 'omit',
        headers: { 'Content-Type': 'application/json' }, body: body })['catch'](function () {});
    }
  }
  if (document.readyState === 'complete') {
    countView();
  } else {
    window.addEventListener('load', countView);
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', refreshCount);
  } else {
    refreshCount();
  }
  /* back/forward cache restores a stale count */
  window.addEventListener('pageshow', function (e) {
    if (e.persisted) {
      refreshCount();
    }
  });
})(window, document);
