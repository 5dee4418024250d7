/* Storefront: the shopping assistant's widget, on stores whose theme sets
 * chatEnabled. A button opens a dialog (focus moves in, Escape or the close
 * button closes it and focus returns); the shopper's question goes to
 * POST /api/chat {message, conversationId}; the answer is shown as text,
 * its products as links -- only paths of this store (a link elsewhere is
 * shown as plain text), built with textContent, never innerHTML. The
 * conversation id lives in sessionStorage for this tab. Works on phones
 * (full-width sheet). Plain ES5, no dependencies. */
(function (window, document) {
  'use strict';

  var KEY = 'sf-chat-conversation';

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function ownPath(u) {
    return typeof u === 'string' && u.charAt(0) === '/' && u.charAt(1) !== '/' && u.indexOf('\\') < 0;
  }

  function init() {
    var open = el('button', 'chat-open', 'Ask us');
    open.type = 'button';
    open.setAttribute('aria-haspopup', 'dialog');
    open.setAttribute('aria-expanded', 'false');
    var panel = el('section', 'chat-panel');
    panel.setAttribute('role', 'dialog');
    panel.setAttribute('aria-modal', 'false');
    panel.setAttribute('aria-labelledby', 'chat-title');
    panel.hidden = true;
    var head = el('div', 'chat-panel__head');
    var title = el('h2', 'chat-panel__title', 'Shopping assistant');
    title.id = 'chat-title';
    var close = el('button', 'chat-panel__close', '×');
    close.type = 'button';
    close.setAttribute('aria-label', 'Close the assistant');
    head.appendChild(title);
    head.appendChild(close);
    var log = el('div', 'chat-panel__log');
    log.setAttribute('role', 'log');
    log.setAttribute('aria-live', 'polite');
    log.appendChild(el('p', 'chat-msg chat-msg--assistant',
      'Hi! Ask me about our products, e.g. "a warm hat under 30" or "tents in stock".'));
    var form = el('form', 'chat-panel__form');
    var label = el('label', 'visually-hidden', 'Your question');
    label.setAttribute('for', 'chat-input');
    var input = el('input', 'chat-panel__input');
    input.id = 'chat-input';
    input.type = 'text';
    input.maxLength = 2000;
    input.autocomplete = 'off';
    input.placeholder = 'Ask about a product…';
    var send = el('button', 'chat-panel__send', 'Send');
    send.type = 'submit';
    form.appendChild(label);
    form.appendChild(input);
    form.appendChild(send);
    panel.appendChild(head);
    panel.appendChild(log);
    panel.appendChild(form);
    document.body.appendChild(open);
    document.body.appendChild(panel);

    function show(on) {
      panel.hidden = !on;
      open.setAttribute('aria-expanded', on ? 'true' : 'false');
      if (on) input.focus(); else open.focus();
    }
    open.addEventListener('click', function () { show(panel.hidden); });
    close.addEventListener('click', function () { show(false); });
    panel.addEventListener('keydown', function (ev) { if (ev.key === 'Escape') show(false); });

    function say(who, text) {
      var p = el('div', 'chat-msg chat-msg--' + who);
      p.appendChild(el('p', '', text));
      log.appendChild(p);
      log.scrollTop = log.scrollHeight;
      return p;
    }

    form.addEventListener('submit', function (ev) {
      ev.preventDefault();
      var q = input.value.replace(/^\s+|\s+$/g, '');
      if (!q) return;
      input.value = '';
      say('user', q);
      var wait = say('assistant', '…');
      var body = { message: q };
      var conv = null;
      try { conv = window.sessionStorage.getItem(KEY); } catch (e) { conv = null; }
      if (conv) body.conversationId = conv;
      var xhr = new XMLHttpRequest();
      xhr.open('POST', '/api/chat');
      xhr.setRequestHeader('Content-Type', 'application/json');
      xhr.onload = function () {
        var data = null;
        try { data = JSON.parse(xhr.responseText); } catch (e) { data = null; }
        wait.textContent = '';
        if (xhr.status === 404 && conv) {             /* expired: start again */
          try { window.sessionStorage.removeItem(KEY); } catch (e) { /* private mode */ }
        }
        if (!data || xhr.status !== 200) {
          wait.appendChild(el('p', '', (data && data.error && data.error.message) || 'Sorry, something went wrong. Please try again.'));
          return;
        }
        try { window.sessionStorage.setItem(KEY, data.conversationId); } catch (e) { /* private mode */ }
        var products = data.products || [];
        /* a model's answer whole (its [n] are already "name (/path)"); a
           retrieval answer's first line (the products follow as links) */
        var said = data.mode === 'model' ? (data.answer || '') : (data.answer || '').split('\n')[0];
        wait.appendChild(el('p', 'chat-msg__text', said));
        if (products.length) {
          var ul = el('ul', 'chat-msg__products');
          for (var i = 0; i < products.length; i++) {
            var li = el('li');
            if (ownPath(products[i].url)) {
              var a = el('a', '', products[i].name);
              a.href = products[i].url;
              li.appendChild(a);
            } else {
              li.appendChild(el('span', '', products[i].name));
            }
            li.appendChild(el('span', 'chat-msg__price', ' ' + (products[i].priceFormatted || '') +
              (products[i].inStock ? '' : ' (sold out)')));
            ul.appendChild(li);
          }
          wait.appendChild(ul);
        }
        log.scrollTop = log.scrollHeight;
      };
      xhr.onerror = function () { wait.textContent = 'Sorry, the network is down. Please try again.'; };
      xhr.send(JSON.stringify(body));
    });
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})(window, document);
