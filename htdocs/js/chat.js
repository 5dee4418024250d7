/* Storefront: the shopping assistant's widget, on stores whose theme sets
 * chatEnabled. A button opens a dialog (focus moves in, Escape or the close
 * button closes it and focus returns); the shopper's question goes to
 * POST /api/chat {message, conversationId}; the answer is shown as text,
 * its products as links -- only paths of this store (a link elsewhere is
 * shown as plain text), built with textContent, never innerHTML. The
 * conversation id lives in sessionStorage for this tab. Works on phones
 * (full-width sheet). Plain ES5, no dependencies.
 *
 * The answer streams (Accept: text/event-stream, read with fetch and a
 * ReadableStream reader -- EventSource cannot POST): meta, delta pieces
 * shown as they arrive, replace (a withdrawn answer's substitute), done.
 * Screen readers hear it politely, a whole sentence at a time (a separate
 * status region; the visible text is not live, or every piece would be
 * read), and the whole answer's rest at its end. A Stop button ends an
 * answer in the making. Browsers without fetch streams get the JSON
 * answer in one piece. */
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
    log.setAttribute('aria-live', 'off');       /* announced through `live` below */
    log.appendChild(el('p', 'chat-msg chat-msg--assistant',
      'Hi! Ask me about our products, e.g. "a warm hat under 30" or "tents in stock".'));
    /* what screen readers hear: whole sentences, not every piece */
    var live = el('div', 'visually-hidden');
    live.setAttribute('role', 'status');
    live.setAttribute('aria-live', 'polite');
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
    var stop = el('button', 'chat-panel__stop', 'Stop');
    stop.type = 'button';
    stop.hidden = true;
    form.appendChild(label);
    form.appendChild(input);
    form.appendChild(send);
    form.appendChild(stop);
    panel.appendChild(head);
    panel.appendChild(log);
    panel.appendChild(live);
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

    function forget() {
      try { window.sessionStorage.removeItem(KEY); } catch (e) { /* private mode */ }
    }
    function remember(id) {
      try { if (id) window.sessionStorage.setItem(KEY, id); } catch (e) { /* private mode */ }
    }

    function productList(products) {
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
      return ul;
    }

    /* One answer on its way into box: text as it comes, sentences announced. */
    function Answer(box) {
      this.box = box;
      this.text = el('p', 'chat-msg__text', '');
      this.said = '';          /* what the text shows */
      this.heard = 0;          /* how much of it was announced */
      this.products = [];
      this.mode = '';
      box.textContent = '';
      box.appendChild(this.text);
      box.setAttribute('aria-busy', 'true');
    }
    Answer.prototype.show = function (said) {
      this.said = said;
      this.text.textContent = said;
      log.scrollTop = log.scrollHeight;
      /* announce up to the last finished sentence */
      var m = /^[\s\S]*[.!?:](\s|$)/.exec(said.slice(this.heard));
      if (m && m[0].replace(/\s+/g, '')) {
        live.textContent = m[0];
        this.heard += m[0].length;
      }
    };
    Answer.prototype.finish = function (note) {
      var rest = this.said.slice(this.heard);
      this.text.textContent = this.said;
      if (this.products.length) this.box.appendChild(productList(this.products));
      if (note) this.box.appendChild(el('p', 'chat-msg__note', note));
      this.box.removeAttribute('aria-busy');
      var tell = (rest.replace(/^\s+|\s+$/g, '') ? rest : '') + (note ? ' ' + note : '');
      if (tell.replace(/\s+/g, '')) live.textContent = tell;   /* else the last sentence stays said */
      this.heard = this.said.length;
      log.scrollTop = log.scrollHeight;
    };
    Answer.prototype.fail = function (msg) {
      this.box.textContent = '';
      this.box.appendChild(el('p', '', msg));
      this.box.removeAttribute('aria-busy');
      live.textContent = msg;
    };
    /* a retrieval answer shows its first line; its products follow as links */
    function firstLine(mode, answer) { return mode === 'model' ? (answer || '') : (answer || '').split('\n')[0]; }

    function busy(on, ctl) {
      send.disabled = on;
      stop.hidden = !on;
      stop.onclick = on ? function () { ctl.abort(); } : null;
      if (!on && !panel.hidden) input.focus();
    }

    function errorOf(status, data, conv) {
      if (status === 404 && conv) forget();             /* expired: start again */
      return (data && data.error && data.error.message) || 'Sorry, something went wrong. Please try again.';
    }

    /* The answer as events over fetch: 1 when it went that way. */
    function streamed(body, ans, conv) {
      if (!window.fetch || !window.ReadableStream || !window.TextDecoder || !window.AbortController) return false;
      var ctl = new AbortController(), stopped = false, ended = false;
      busy(true, { abort: function () { stopped = true; ctl.abort(); } });
      function handle(name, d) {
        if (name === 'meta') {
          remember(d.conversationId);
          ans.products = d.products || [];
          ans.mode = d.mode;
        } else if (name === 'delta') {
          ans.show(ans.said + (d.text || ''));
        } else if (name === 'replace') {
          ans.mode = d.mode;
          ans.heard = 0;
          ans.show(firstLine(d.mode, d.answer));
        } else if (name === 'done') {
          ended = true;
          ans.mode = d.mode;
          ans.said = firstLine(d.mode, d.answer);
          ans.text.textContent = ans.said;
          ans.finish(d.truncated ? '(The answer was cut short.)' : '');
        }
      }
      window.fetch('/api/chat', {
        method: 'POST', signal: ctl.signal, credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json', 'Accept': 'text/event-stream' },
        body: JSON.stringify(body)
      }).then(function (res) {
        var ct = res.headers.get('Content-Type') || '';
        if (ct.indexOf('text/event-stream') !== 0 || !res.body) {
          return res.json().then(function (data) {
            ended = true;
            if (res.status !== 200) { ans.fail(errorOf(res.status, data, conv)); return; }
            remember(data.conversationId);
            ans.products = data.products || [];
            ans.mode = data.mode;
            ans.said = firstLine(data.mode, data.answer);
            ans.text.textContent = ans.said;
            ans.finish('');
          }, function () { ended = true; ans.fail(errorOf(res.status, null, conv)); });
        }
        var reader = res.body.getReader(), dec = new TextDecoder(), buf = '';
        function pump() {
          return reader.read().then(function (r) {
            if (r.done) return;
            buf += dec.decode(r.value, { stream: true }).replace(/\r\n?/g, '\n');
            var at;
            while ((at = buf.indexOf('\n\n')) >= 0) {
              var block = buf.slice(0, at), name = 'message', data = '';
              buf = buf.slice(at + 2);
              var lines = block.split('\n');
              for (var i = 0; i < lines.length; i++) {
                if (lines[i].indexOf('event:') === 0) name = lines[i].slice(6).replace(/^ /, '');
                else if (lines[i].indexOf('data:') === 0) data += lines[i].slice(5).replace(/^ /, '');
              }
              if (!data) continue;                          /* a keep-alive comment */
              var d = null;
              try { d = JSON.parse(data); } catch (e) { d = null; }
              if (d) handle(name, d);
            }
            return pump();
          });
        }
        return pump();
      }).then(function () {
        if (!ended && ans.said) ans.finish('(The answer ended early.)');
        else if (!ended) ans.fail('Sorry, something went wrong. Please try again.');
        busy(false);
      }, function () {
        if (stopped) ans.finish('(Stopped.)');
        else if (ended) ans.finish('');
        else ans.fail('Sorry, the network is down. Please try again.');
        busy(false);
      });
      return true;
    }

    /* The answer as one JSON reply (no fetch streams in this browser). */
    function whole(body, ans, conv) {
      var xhr = new XMLHttpRequest();
      xhr.open('POST', '/api/chat');
      xhr.setRequestHeader('Content-Type', 'application/json');
      xhr.onload = function () {
        var data = null;
        try { data = JSON.parse(xhr.responseText); } catch (e) { data = null; }
        if (!data || xhr.status !== 200) { ans.fail(errorOf(xhr.status, data, conv)); return; }
        remember(data.conversationId);
        ans.products = data.products || [];
        ans.mode = data.mode;
        ans.said = firstLine(data.mode, data.answer);
        ans.text.textContent = ans.said;
        ans.finish('');
      };
      xhr.onerror = function () { ans.fail('Sorry, the network is down. Please try again.'); };
      xhr.send(JSON.stringify(body));
    }

    form.addEventListener('submit', function (ev) {
      ev.preventDefault();
      if (send.disabled) return;
      var q = input.value.replace(/^\s+|\s+$/g, '');
      if (!q) return;
      input.value = '';
      say('user', q);
      var ans = new Answer(say('assistant', '…'));
      var body = { message: q };
      var conv = null;
      try { conv = window.sessionStorage.getItem(KEY); } catch (e) { conv = null; }
      if (conv) body.conversationId = conv;
      if (!streamed(body, ans, conv)) whole(body, ans, conv);
    });
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})(window, document);
