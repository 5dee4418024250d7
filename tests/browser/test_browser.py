"""Browser tests: each *.mjs here drives Debian's chromium against the real
stack and checks what a shopper or editor sees; screenshots land in
tests/artifacts/."""
import os
import re
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))
from stack import Stack  # noqa: E402

ARTIFACTS = os.path.join(HERE, "..", "artifacts")


@pytest.fixture(scope="module")
def demo_stack():
    # No test here is about the CPU limit, and the preview's output-cap block
    # must reach the 1 MB cap before 50 ms of CPU even under the sanitizer
    # on a busy machine: give blocks room.
    s = Stack(workers=2, env={"STOREFRONT_VIBE_CPU_MS": "2000"})
    try:
        s.start()
        s.cli("demo")
        yield s
    finally:
        s.cleanup()


def run_script(stack, name, **extra):
    env = dict(os.environ, SF_PORT=str(stack.port), SF_ARTIFACTS=ARTIFACTS, **extra)
    p = subprocess.run(["node", os.path.join(HERE, name)], cwd=HERE, env=env, capture_output=True,
                       text=True, timeout=120)
    print(p.stdout)
    assert p.returncode == 0, p.stdout + p.stderr


def run_script_with_codes(stack, name, smtp, email, digits, deliver_env=None, **extra):
    """run_script for a script that signs in with an emailed code: each time
    it prints NEED_CODE, the deliverer sends the mail (deliver_env: its
    environment, else the stack's) and the newest code to email found in
    the SMTP sink goes to the script's stdin."""
    from stack import CLI
    env = dict(os.environ, SF_PORT=str(stack.port), SF_ARTIFACTS=ARTIFACTS, SF_EMAIL=email, **extra)
    p = subprocess.Popen(["node", os.path.join(HERE, name)], cwd=HERE, env=env, stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out = []
    try:
        for line in p.stdout:
            out.append(line)
            if line.startswith("NEED_CODE "):
                d = subprocess.run([CLI, "--db", stack.db, "deliver"], env=deliver_env or stack.env,
                                   capture_output=True, text=True, timeout=60)
                assert d.returncode == 0, d.stderr
                mail = [m["data"] for m in smtp.messages if m["to"][0] == email][-1]
                p.stdin.write(re.search(r"^\s+(\d{%d})\s*$" % digits, mail, re.M).group(1) + "\n")
                p.stdin.flush()
        rc = p.wait(timeout=120)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    print("".join(out))
    assert rc == 0, "".join(out) + p.stderr.read()


def test_home_page_in_chromium(demo_stack):
    run_script(demo_stack, "home.mjs")


def test_admin_session_in_chromium(demo_stack):
    run_script(demo_stack, "session.mjs")
    # the cross-origin attempt wrote nothing
    names = [n for (n,) in demo_stack.sql("SELECT name FROM api_tokens")]
    assert "from the browser" in names and "csrf" not in names


def test_checkout_in_chromium(demo_stack):
    run_script(demo_stack, "checkout.mjs")
    # the order the browser placed is in the database, whole
    rows = demo_stack.sql("SELECT o.email, o.payment_method, count(i.id), sum(i.quantity) FROM orders o "
                          "JOIN order_items i ON i.order_id = o.id GROUP BY o.id")
    assert rows == [("browser@example.com", "manual", 2, 3)], rows


def test_preview_error_box_in_chromium(demo_stack):
    """A draft page with a block that throws and one over the output cap."""
    token = demo_stack.token("demo", "owner@demo.localhost")
    r = demo_stack.post("/api/cms/pages", {"slug": "broken", "title": "Broken", "showInNav": False}, token=token)
    assert r.status == 201, r
    pid = r.json()["id"]
    codes = ["function renderA(storefront) {\n  const missing = storefront.name ? null : {};\n  return missing.x;\n}\n",
             "function renderB(storefront) {\n  return storefront.name ? 'x'.repeat(2 << 20) : '';\n}\n",
             "function renderC() {\n  return '<p class=\"fine\">fine</p>';\n}\n"]
    for i, code in enumerate(codes):
        r = demo_stack.post("/api/cms/blocks", {"pageId": pid, "type": "custom", "vibeCode": code, "position": i},
                            token=token)
        assert r.status == 201, r
    run_script(demo_stack, "preview.mjs", SF_TOKEN=token, SF_PAGE=str(pid))


def test_product_gallery_from_the_media_library_in_chromium(demo_stack):
    """Upload two images through the media API, attach them to a product,
    and see the product page's gallery with srcset in chromium."""
    from images import jpeg
    s = demo_stack
    token = s.token("demo", "owner@demo.localhost")
    ids = []
    for name, (w, h), alt in (("front.jpg", (2000, 1500), "Blue chair, front"), ("side.jpg", (1200, 1200), "Blue chair, side")):
        r = s.request("POST", "/api/cms/media?filename=" + name, body=jpeg(w, h), token=token,
                      headers={"Content-Type": "image/jpeg"})
        assert r.status == 201, r
        assert s.put("/api/cms/media/" + r.json()["id"], {"alt": alt}, token=token).status == 200
        ids.append(r.json()["id"])
    r = s.post("/api/cms/products", {"name": "Blue chair", "slug": "blue-chair", "price": 12900, "stock": 3,
                                     "images": [{"mediaId": i} for i in ids]}, token=token)
    assert r.status == 201, r
    run_script(s, "media.mjs", SF_PRODUCT_SLUG="blue-chair")


# What the editor's block runs in the shopper's (and the owner's) browser:
# read /api/cms/me for the CSRF token, then create an owner -- on the page's
# own origin and on the admin origin; its log goes to <body data-attack>.
ATTACK = """
(async function () {
  var log = ['origin ' + self.origin];
  var evil = JSON.stringify({email: 'evil@attack.test', role: 'owner', password: 'evil-password-1'});
  var targets = [['same', ''], ['admin', 'http://admin.localhost:' + location.port]];
  for (var i = 0; i < targets.length; i++) {
    var name = targets[i][0], base = targets[i][1], csrf = '';
    try {
      var me = await fetch(base + '/api/cms/me', {credentials: 'include'});
      log.push(name + ' me ' + me.status);
      var j = await me.json();
      if (j.csrfToken) { csrf = j.csrfToken; log.push('csrf ' + name); }
    } catch (e) { log.push(name + ' me blocked'); }
    try {
      var u = await fetch(base + '/api/cms/users', {method: 'POST', credentials: 'include',
        headers: {'Content-Type': 'application/json', 'X-CSRF-Token': csrf}, body: evil});
      log.push(name + ' users ' + u.status);
    } catch (e) { log.push(name + ' users blocked'); }
    try {
      await fetch(base + '/api/cms/users', {method: 'POST', mode: 'no-cors', credentials: 'include',
        headers: {'Content-Type': 'text/plain'}, body: evil});
      log.push(name + ' no-cors sent');
    } catch (e) { log.push(name + ' no-cors blocked'); }
  }
  log.push('done');
  document.body.dataset.attack = log.join('|');
})();
"""


def test_an_editors_script_cannot_take_over_the_admin(demo_stack):
    """Last in this file: the home page carries the attack from here on."""
    s = demo_stack
    s.cli("user", "add", "demo", "editor@demo.localhost", "--role", "editor", input="editor-password-1\n")
    tok = s.token("demo", "editor@demo.localhost")
    home = next(p for p in s.get("/api/cms/pages", token=tok).json()["pages"] if p["slug"] == "home")
    r = s.post("/api/cms/blocks", {"pageId": home["id"], "type": "custom",
                                   "vibeCode": "function renderCustom(config, helpers) { return config.html; }",
                                   "config": {"html": "<p>Hello</p><script>" + ATTACK + "</script>"}}, token=tok)
    assert r.status == 201, r
    assert s.post("/api/cms/pages/%s/publish" % home["id"], token=tok).status == 200   # live, and in the drafts
    users = s.sql("SELECT count(*) FROM users")[0][0]
    run_script(s, "attack.mjs", SF_ATTACK_PAGE=str(home["id"]))
    assert s.sql("SELECT count(*) FROM users WHERE email = 'evil@attack.test'")[0][0] == 0
    assert s.sql("SELECT count(*) FROM users")[0][0] == users


def test_theme_switch_in_chromium(demo_stack):
    """Starter themes applied and published through the API: computed
    colours, fonts, corners and layout change (themes.mjs); the demo's own
    theme is put back afterwards."""
    token = demo_stack.token("demo", "owner@demo.localhost")
    live = demo_stack.get("/api/cms/themes", token=token).json()["live"]
    try:
        run_script(demo_stack, "themes.mjs", SF_TOKEN=token)
    finally:
        assert demo_stack.put("/api/cms/themes", live, token=token).status == 200
        assert demo_stack.post("/api/cms/themes/publish", {}, token=token).status == 200


def test_header_search_in_chromium(demo_stack):
    """Type in the header box, choose a suggestion by keyboard, land on it;
    the results page's click is logged for the merchant's report."""
    run_script(demo_stack, "search.mjs")
    rows = demo_stack.sql("SELECT query, results FROM search_log WHERE query = 'jacket'")
    assert rows and rows[0][1] >= 1, rows


def test_chat_widget_in_chromium(demo_stack):
    """The assistant's widget on a phone, where the demo's theme turns it on."""
    demo_stack.sql("UPDATE tenants SET theme_json = json_set(theme_json, '$.chatEnabled', json('true')), "
                   "content_version = content_version + 1 WHERE username = 'demo'")
    try:
        run_script(demo_stack, "chat.mjs")
    finally:
        demo_stack.sql("UPDATE tenants SET theme_json = json_remove(theme_json, '$.chatEnabled') WHERE username = 'demo'")
    rows = demo_stack.sql("SELECT role FROM chat_messages ORDER BY id")
    assert [r[0] for r in rows][:2] == ["user", "assistant"], rows


def test_chat_streams_in_chromium():
    """The assistant's answer streaming from a (fake) model into the widget:
    its first sentence shows while the model holds the rest; Stop ends an
    answer and the model's call with it."""
    from fakes import FakeOpenAI
    from stack import wait_for
    fake = FakeOpenAI()
    s = Stack(workers=2, env={"STOREFRONT_AI_BASE_URL": fake.base, "STOREFRONT_OUTBOUND_PRIVATE": "1"})
    try:
        s.start()
        s.cli("demo")
        s.sql("UPDATE tenants SET theme_json = json_set(theme_json, '$.chatEnabled', json('true')), "
              "content_version = content_version + 1 WHERE username = 'demo'")
        fake.answers = [("gate", ["The [1] is a warm ", "merino hat. "], "first", ["It fits most heads. ", "Enjoy!"]),
                        ("gate", ["Gloves too. "], "stop", ["Never shown."])]
        run_script(s, "chat.mjs", SF_FAKE=fake.base)
        wait_for(lambda: fake.hangups == 1, "Stop to end the model's call", timeout=20)
        # the worker keeps what the shopper saw once the model's call has ended
        answers = lambda: s.sql("SELECT content FROM chat_messages WHERE role = 'assistant' ORDER BY id")
        wait_for(lambda: len(answers()) == 2, "the stopped answer to be kept", timeout=20)
        rows = answers()
        assert rows[0][0] == "The Fireside Wool Beanie (/products/wool-beanie) is a warm merino hat. It fits most heads. Enjoy!"
        assert rows[1][0] == "Gloves too. " and "Never shown" not in repr(rows), rows   # what the shopper saw
    finally:
        fake.gate("stop").set()
        s.cleanup()
        fake.stop()
