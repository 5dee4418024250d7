"""The seed design's vibe-code examples and the editor mockup's renderHero
(tests/vibe/seed, verbatim) go through the admin API unmodified, publish,
and render on the live site; the demo and starter blocks are in that style."""
import glob
import html
import os
import re
import subprocess

from stack import CLI, ROOT

API = "/api/cms"
SEED = os.path.join(ROOT, "tests", "vibe", "seed")
ACME_ESCAPED = "Acme &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co"


def seed(name):
    with open(os.path.join(SEED, name)) as f:
        return f.read()


def publish_page(stack, token, host, slug, blocks):
    """A new page with (type, code) blocks, published; returns the block ids."""
    r = stack.post(API + "/pages", {"slug": slug, "title": slug, "showInNav": False}, token=token, host=host)
    assert r.status == 201, r
    pid = r.json()["id"]
    ids = []
    for i, (typ, code) in enumerate(blocks):
        r = stack.post(API + "/blocks", {"pageId": pid, "type": typ, "vibeCode": code, "position": i},
                       token=token, host=host)
        assert r.status == 201, r
        v = r.json()["validation"]
        assert v["isValid"] and v["errors"] == [] and v["securityIssues"] == [], v
        ids.append(r.json()["id"])
    r = stack.post(API + "/pages/%s/publish" % pid, {}, token=token, host=host)
    assert r.status == 200 and r.json()["publishedBlocks"] == len(blocks), r
    return ids


def block_html(page, bid):
    m = re.search(r'<section data-block-id="%s" data-block-type="[a-z_]+">(.*?)</section>\n' % bid, page, re.S)
    assert m, "block %s not on the page" % bid
    return m.group(1)


def test_seed_product_grid_renders_the_demo_products(stack):
    t = stack.demo_token
    [bid] = publish_page(stack, t, "demo.localhost", "seed-grid", [("product_grid", seed("product-grid.js"))])
    r = stack.get("/seed-grid")
    assert r.status == 200
    got = block_html(r.text, bid)
    assert "failed" not in got
    cards = re.findall(r'<h3>(.*?)</h3>\s*<p>(.*?)</p>', got)
    assert len(cards) == 6  # products.slice(0, 6)
    # the same six products, in the same order, as the store's catalogue
    rows = stack.sql("SELECT p.name, p.price FROM products p JOIN tenants t ON t.id = p.tenant_id "
                     "WHERE t.username = 'demo'")
    prices = {name: cents for name, cents in rows}
    for name, price in cards:
        name = html.unescape(name)
        assert name in prices, name
        assert price == "$%s" % "{:,.2f}".format(prices[name] / 100), (name, price)
    assert "addToCart('" in got and '<img src="/media/demo/' in got
    # the live block is exactly what `storefront vibe render --tenant demo` prints
    p = subprocess.run([CLI, "--db", stack.db, "vibe", "render", os.path.join(SEED, "product-grid.js"),
                        "--tenant", "demo"], capture_output=True, text=True, timeout=30, env=stack.env)
    assert p.returncode == 0, p.stderr
    assert p.stdout == got + "\n"


def test_seed_heroes_escape_the_store_name(stack):
    """The acme store is named 'Acme <script>alert("x")</script> & Co'."""
    t = stack.acme_token
    host = "acme.localhost"
    ids = publish_page(stack, t, host, "seed-heroes", [("hero", seed("hero.js")),
                                                        ("hero", seed("editor-mockup-hero.js"))])
    r = stack.get("/seed-heroes", host=host)
    assert r.status == 200
    hero, mockup = (block_html(r.text, b) for b in ids)
    assert '<h1 class="text-4xl font-bold mb-4">%s</h1>' % ACME_ESCAPED in hero
    assert 'bg-gradient-to-r from-blue-500 to-purple-600' in hero and "Shop Now" in hero
    # the mockup's template spans lines: its whitespace is kept as written
    assert re.search(r'<h1 class="text-4xl\n\s+font-bold mb-4">\n\s+%s\n\s+</h1>' % re.escape(ACME_ESCAPED), mockup)
    assert '<a href="/products"' in mockup
    assert "<script>alert(" not in hero + mockup


def test_seed_examples_are_verbatim_and_valid():
    doc = os.environ.get("SEED_DOC", os.path.join(os.path.dirname(ROOT), "shared", "seeds", "design-document.md"))
    if os.path.exists(doc):  # the seed documents live beside the checkout here
        with open(doc) as f:
            text = f.read()
        for name in ("product-grid.js", "hero.js"):
            assert seed(name).strip() in text, name
    for name in ("product-grid.js", "hero.js", "editor-mockup-hero.js"):
        p = subprocess.run([CLI, "vibe", "check", os.path.join(SEED, name)], capture_output=True, text=True, timeout=30)
        assert p.returncode == 0, p.stdout


def test_demo_and_starter_blocks_use_the_seed_style():
    files = sorted(glob.glob(os.path.join(ROOT, "templates", "demo", "blocks", "*.js")) +
                   glob.glob(os.path.join(ROOT, "templates", "blocks", "*.js")))
    assert len(files) == 12
    for path in files:
        with open(path) as f:
            code = f.read()
        assert "`" in code and "${" in code, path          # template literals
        assert re.search(r"\bconst\b", code), path          # const/let
        assert not re.search(r"\bvar\b", code), path         # no var left
        p = subprocess.run([CLI, "vibe", "check", path], capture_output=True, text=True, timeout=30)
        assert p.returncode == 0, (path, p.stdout)
    demo = "".join(open(p).read() for p in files if "/demo/" in p)
    assert "=>" in demo and "{ truck, repair," in demo                # arrows, shorthand
