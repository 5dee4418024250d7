/* Storefront: the /account page (templates/account.html). Each form posts
 * JSON to /api/account/*; a sign-in reloads the page, which the server
 * renders signed in. Writes of a signed-in shopper carry the session's
 * CSRF token (data-csrf) in X-CSRF-Token. Plain ES5, no dependencies. */
(function (window, document) {
  'use strict';

  var root = document.querySelector('[data-account]');
  if (!root) {
    return;
  }
  var note = root.querySelector('.account-message');
  var email = '';

  function say(text, error) {
    note.textContent = text;
    note.className = 'account-message' + (error ? ' is-error' : '');
  }

  function send(method, url, body, done) {
    var xhr = new XMLHttpRequest();
    xhr.open(method, url, true);
    xhr.setRequestHeader('Accept', 'application/json');
    var csrf = root.getAttribute('data-csrf');
    if (csrf) {
      xhr.setRequestHeader('X-CSRF-Token', csrf);
    }
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
      if (xhr.status >= 200 && xhr.status < 300) {
        done(json);
      } else {
        say(json && json.error && json.error.message ? json.error.message :
          'Something went wrong (' + (xhr.status || 'no connection') + ').', true);
      }
    };
    xhr.ontimeout = function () { say('Could not reach the store. Please try again.', true); };
    xhr.send(body === null ? null : JSON.stringify(body));
  }

  function fields(form) {
    var out = {};
    for (var i = 0; i < form.elements.length; i++) {
      var el = form.elements[i];
      if (el.name) {
        out[el.name] = String(el.value || '').replace(/^\s+|\s+$/g, '');
      }
    }
    return out;
  }

  function reload() {
    /* a guest wishlist kept in the browser joins the account (store.js) */
    if (window.storefrontWishlist && window.storefrontWishlist.merge) {
      window.storefrontWishlist.merge(function () { window.location.reload(); });
    } else {
      window.location.reload();
    }
  }

  function show(name) {
    var f = root.querySelector('[data-account-form="' + name + '"]');
    if (f) {
      f.hidden = false;
      var first = f.querySelector('input');
      if (first) { first.focus(); }
    }
  }

  var handlers = {
    code: function (f) {
      email = f.email;
      send('POST', '/api/account/code', { email: f.email }, function () {
        say('We sent a code to ' + email + '. Enter it below.');
        show('verify');
      });
    },
    verify: function (f) {
      send('POST', '/api/account/code/verify', { email: email, code: f.code }, reload);
    },
    login: function (f) {
      send('POST', '/api/account/login', { email: f.email, password: f.password }, reload);
    },
    signup: function (f) {
      send('POST', '/api/account/signup', { name: f.name, email: f.email, password: f.password }, reload);
    },
    'reset-code': function (f) {
      email = f.email;
      send('POST', '/api/account/code', { email: f.email, purpose: 'reset' }, function () {
        say('If ' + email + ' has an account, a reset code is on its way.');
        show('reset');
      });
    },
    reset: function (f) {
      send('POST', '/api/account/password/reset', { email: email, code: f.code, password: f.password }, reload);
    },
    profile: function (f) {
      send('PATCH', '/api/account', { name: f.name }, function () { say('Saved.'); });
    },
    address: function (f) {
      var a = { line1: f.line1, city: f.city, postalCode: f.postalCode, country: f.country.toUpperCase() };
      if (f.line2) { a.line2 = f.line2; }
      if (f.region) { a.region = f.region; }
      send('POST', '/api/account/addresses', { name: f.name, shippingAddress: a }, reload);
    }
  };

  root.addEventListener('submit', function (e) {
    var form = e.target;
    var h = handlers[form.getAttribute('data-account-form')];
    if (h) {
      e.preventDefault();
      say('');
      h(fields(form));
    }
  });

  root.addEventListener('click', function (e) {
    var t = e.target;
    if (t.hasAttribute('data-reorder')) {
      send('POST', '/api/account/orders/' + encodeURIComponent(t.getAttribute('data-reorder')) + '/reorder', {}, function () {
        window.location.href = '/cart';
      });
    } else if (t.hasAttribute('data-address-delete')) {
      send('DELETE', '/api/account/addresses/' + encodeURIComponent(t.getAttribute('data-address-delete')), null, reload);
    } else if (t.hasAttribute('data-account-logout')) {
      send('POST', '/api/account/logout', {}, reload);
    } else if (t.hasAttribute('data-account-delete')) {
      if (window.confirm('Delete your account? Your orders stay with the store, without your name and address.')) {
        send('DELETE', '/api/account', null, reload);
      }
    }
  });
})(window, document);
