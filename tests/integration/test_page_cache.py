"""The full-page cache over the real stack (lighttpd + mod_magnet in front):
pages kept as files by host and path with a .gz beside them, served by
the web server without a worker, answered by the worker before the
database, removed precisely (a stock change only the pages showing that
product, a publish only that page, a settings change only that store's),
stale-while-revalidate under a lock, the guest/customer flag, the purge
hook through the deliverer, and `storefront cache`."""
import gzip
import os
import time

import pytest

from commerce_fakes import WebhookReceiver
from conftest import SANITIZER
from shop import Shopper, product_id
from stack import Stack, wait_for

API = "/api/cms"


@pytest.fixture(scope="module")
def pc():
    hook = WebhookReceiver()
    s = Stack(workers=2, env={"STOREFRONT_OUTBOUND_PRIVATE": "1", "STOREFRONT_PAGE_CACHE_PURGE_URL": hook.url + "/purge",
                              "STOREFRONT_VIBE_CPU_MS": "20000", "STOREFRONT_VIBE_PAGE_MS": "30000"})
    s.cache = os.path.join(s.dir, "pages")
    s.env["STOREFRONT_PAGE_CACHE_DIR"] = s.cache
    s.hook = hook
    try:
        s.start()
        s.cli("demo")
        s.demo_token = s.token("demo", "owner@demo.localhost")
        s.acme_token = s.tenant("acme", "Acme")
        yield s
        s.stop()
        assert not SANITIZER.search(s.worker_log()), s.worker_log()[-4000:]
    finally:
        s.cleanup()
        hook.close()


def path_of(s, host, path, name="index.html"):
    return os.path.join(s.cache, host, path.strip("/"), name) if path != "/" else os.path.join(s.cache, host, name)


def cached(s, path, host="demo.localhost", name="index.html"):
    return os.path.exists(path_of(s, host, path, name))


def warm(s, *paths, host="demo.localhost"):
    for p in paths:
        r = s.get(p, host=host)
        assert r.status == 200, (p, r)
        assert cached(s, p, host=host), (p, r.headers)


def keys(r):
    return set((r.header("Surrogate-Key") or "").split())


def test_a_page_is_kept_and_then_served_by_the_web_server(pc):
    r = pc.get("/")
    assert r.status == 200 and r.header("X-Cache") == "MISS", r
    assert "s-maxage=" in r.header("Cache-Control") and "stale-while-revalidate=" in r.header("Cache-Control")
    k = keys(r)
    assert "s1" in k and "s1-page-1" in k and any(x.startswith("s1-product-") for x in k), k
    assert r.header("Cache-Tag").split(",")[0] == "s1"
    body = r.body
    f = path_of(pc, "demo.localhost", "/")
    assert open(f, "rb").read() == body
    assert gzip.decompress(open(f + ".gz", "rb").read()) == body
    # No worker: lighttpd answers from the file (mod_magnet).
    r = pc.get("/")
    assert r.header("X-Cache") == "HIT-SERVER" and r.body == body
    r = pc.get("/", headers={"Accept-Encoding": "gzip"})
    assert r.header("Content-Encoding") == "gzip" and gzip.decompress(r.body) == body
    r2 = pc.get("/", headers={"If-None-Match": r.header("ETag"), "Accept-Encoding": "gzip"})
    assert r2.status == 304 and r2.body == b""
    # The worker's own answer from the cache (tracking parameters are
    # dropped: the same page; the web server leaves query strings to it).
    r = pc.get("/?utm_source=news&fbclid=x")
    assert r.header("X-Cache") == "HIT" and r.body == body and "s1-page-1" in keys(r)
    r2 = pc.get("/?utm_source=news", headers={"If-None-Match": r.header("ETag")})
    assert r2.status == 304


def test_query_strings_are_normalised_and_unknown_ones_not_cached(pc):
    r = pc.get("/?color=red")
    assert r.status == 200 and r.header("X-Cache") is None and r.header("Cache-Control") is None
    r = pc.get("/products?sort=price-asc&utm_campaign=x")
    assert r.status == 200 and r.header("X-Cache") == "MISS"
    assert cached(pc, "/products", name="index.sort-price-asc.html")
    assert pc.get("/products?utm_medium=y&sort=price-asc").header("X-Cache") == "HIT"
    assert not cached(pc, "/products")   # the unsorted page is another one
    # Not a page: nothing kept, no directory left behind.
    assert pc.get("/no-such-page-here").status == 404
    assert not os.path.exists(os.path.join(pc.cache, "demo.localhost", "no-such-page-here"))


def test_a_pos_stock_change_removes_only_the_pages_showing_that_product(pc):
    t = pc.demo_token
    products = pc.get("/api/products?limit=100").json()["products"]
    home = pc.get("/")
    shown = {x.split("-")[-1] for x in keys(home) if x.startswith("s1-product-")} if home.header("X-Cache") != "HIT-SERVER" else None
    a = products[0]
    # b: a product whose page does not show a (product pages list related
    # products, and those are dependencies too)
    b = next(x for x in reversed(products[1:])
             if "s1-product-%s" % a["id"] not in keys(pc.get("/products/" + x["slug"])))
    warm(pc, "/", "/products/" + a["slug"], "/products/" + b["slug"], "/blog")
    warm(pc, "/", host="acme.localhost")
    r = pc.post(API + "/sync/inventory", {"items": [{"productId": a["id"], "set": 3}]}, token=t)
    assert r.status == 200 and r.json()["results"][0]["status"] == "updated", r
    assert not cached(pc, "/products/" + a["slug"])
    assert cached(pc, "/products/" + b["slug"]) and cached(pc, "/blog")
    assert cached(pc, "/", host="acme.localhost")
    if shown is not None:
        assert cached(pc, "/") == (a["id"] not in shown)
    # The next view renders it again with the new stock.
    r = pc.get("/products/" + a["slug"])
    assert r.header("X-Cache") == "MISS" and cached(pc, "/products/" + a["slug"])


def test_an_order_removes_the_pages_of_what_it_sold(pc):
    rows = pc.sql("SELECT id, slug FROM products WHERE tenant_id = 1 AND status = 'active' AND stock > 5 "
                  "AND track_inventory = 1 AND id NOT IN (SELECT product_id FROM variants) ORDER BY id")
    (a, a_slug) = rows[0]
    (b, b_slug) = next(x for x in reversed(rows[1:])          # a page that does not show a
                       if "s1-product-%s" % a not in keys(pc.get("/products/" + x[1])))
    warm(pc, "/products/" + a_slug, "/products/" + b_slug, "/blog")
    s = Shopper(pc)
    assert s.add(a).status in (200, 201)
    r = s.checkout()
    assert r.status == 201, r
    assert not cached(pc, "/products/" + a_slug)
    assert cached(pc, "/products/" + b_slug) and cached(pc, "/blog")


def test_a_publish_removes_that_page_and_shows_the_new_content(pc):
    t = pc.demo_token
    r = pc.post(API + "/pages", {"slug": "pc-news", "title": "PC News"}, token=t)
    assert r.status == 201, r
    pid = r.json()["id"]
    code = "function render() { return '<p>%s words</p>'; }"
    r = pc.post(API + "/blocks", {"pageId": pid, "type": "custom", "vibeCode": code % "first"}, token=t)
    assert r.status == 201, r
    bid = r.json()["id"]
    assert pc.post(API + "/pages/%s/publish" % pid, {}, token=t).status == 200
    warm(pc, "/pc-news", "/blog", "/")
    first = pc.get("/pc-news")
    assert first.header("X-Cache") == "HIT-SERVER" and "first words" in first.text
    blk = pc.get(API + "/blocks/%s" % bid, token=t).json()
    r = pc.put(API + "/blocks/%s" % bid, {"vibeCode": code % "second", "version": blk["version"]}, token=t)
    assert r.status == 200, r
    assert cached(pc, "/pc-news")              # a draft changes nothing live
    assert pc.post(API + "/pages/%s/publish" % pid, {}, token=t).status == 200
    assert not cached(pc, "/pc-news")
    assert cached(pc, "/blog") and cached(pc, "/")   # nothing else moved
    r = pc.get("/pc-news")
    assert "second words" in r.text and "first words" not in r.text and r.header("X-Cache") == "MISS"


def test_a_settings_change_removes_that_stores_pages_only(pc):
    warm(pc, "/", "/blog")
    warm(pc, "/", host="acme.localhost")
    r = pc.put(API + "/commerce/settings", {"notifyEmail": "ops@demo.localhost"}, token=pc.demo_token)
    assert r.status == 200, r
    assert not cached(pc, "/") and not cached(pc, "/blog")
    assert cached(pc, "/", host="acme.localhost")


def test_the_shoppers_currency_is_part_of_the_key(pc):
    """A shopper who chose EUR never gets the dollar copy (not from the web
    server, not from a worker); the EUR copy is kept beside it, private to
    the browser, removed with the others, and only for currencies the store
    offers."""
    t = pc.demo_token
    r = pc.put(API + "/commerce/settings", {"currencies": [{"code": "EUR", "rate": 2, "rounding": "none"}]}, token=t)
    assert r.status == 200, r
    try:
        slug = pc.get(API + "/products", token=t).json()["products"][0]["slug"]
        path = "/products/" + slug
        warm(pc, path)
        usd = pc.get(path)
        assert usd.header("X-Cache") == "HIT-SERVER" and "$" in usd.text.split("<main")[1]
        eur = {"Cookie": "sf_currency=EUR"}
        r = pc.get(path, headers=eur)
        assert r.status == 200 and r.header("X-Cache") == "MISS", r.headers
        assert "€" in r.text.split("<main")[1] and r.header("Cache-Control") == "private, no-cache", r.headers
        assert cached(pc, path, name="index.cur-EUR.html") and cached(pc, path)
        # the web server leaves it to a worker, which answers from the EUR copy
        again = pc.get(path, headers={"Cookie": "sf_account=; sf_currency=EUR"})
        assert again.header("X-Cache") == "HIT" and again.body == r.body, again.headers
        assert again.header("Cache-Control") == "private, no-cache"
        assert pc.get(path).header("X-Cache") == "HIT-SERVER"
        # a currency the store does not offer, or not a currency: the
        # store's prices, rendered each time, never kept
        for bad in ("GBP", "eur", "EURO", "<x>"):
            r = pc.get(path, headers={"Cookie": "sf_currency=" + bad})
            assert r.status == 200 and "$" in r.text.split("<main")[1] and "€" not in r.text, (bad, r.headers)
            assert not any("cur-" in n and not n.startswith("index.cur-EUR.html")
                           for n in os.listdir(os.path.dirname(path_of(pc, "demo.localhost", path)))), bad
        # a new rate removes every currency's copy: the next one shows it
        r = pc.put(API + "/commerce/settings", {"currencies": [{"code": "EUR", "rate": 3, "rounding": "none"}]}, token=t)
        assert r.status == 200, r
        assert not cached(pc, path, name="index.cur-EUR.html") and not cached(pc, path)
        r3 = pc.get(path, headers=eur)
        assert r3.header("X-Cache") == "MISS" and r3.body != again.body
    finally:
        pc.put(API + "/commerce/settings", {"currencies": []}, token=t)


def lock_of(s, rel):
    h = 1469598103934665603
    for c in rel.encode():
        h = ((h ^ c) * 1099511628211) & 0xFFFFFFFFFFFFFFFF
    return os.path.join(s.cache, ".locks", "%016x" % h)


def test_one_worker_rerenders_while_the_others_serve_the_stale_copy(pc):
    t = pc.demo_token
    warm(pc, "/blog")
    old = pc.get("/blog").body
    posts = pc.get(API + "/posts", token=t).json()["posts"]
    p = next(x for x in posts if x["status"] == "published")
    r = pc.put(API + "/posts/" + p["id"], {"version": p["version"], "title": "Renamed for the cache"}, token=t)
    assert r.status == 200, r
    f = path_of(pc, "demo.localhost", "/blog")
    assert not os.path.exists(f) and os.path.exists(f + ".stale")
    # Another worker holds the re-render lock: the stale copy is the answer.
    lock = lock_of(pc, "demo.localhost/blog/index.html")
    os.makedirs(os.path.dirname(lock), exist_ok=True)
    open(lock, "w").close()
    r = pc.get("/blog")
    assert r.status == 200 and r.header("X-Cache") == "STALE" and r.body == old
    # A lock older than page_cache_lock seconds is taken over.
    os.utime(lock, (time.time() - 3600, time.time() - 3600))
    r = pc.get("/blog")
    assert r.header("X-Cache") == "MISS" and "Renamed for the cache" in r.text
    assert not os.path.exists(lock) and not os.path.exists(f + ".stale") and os.path.exists(f)


def test_blocks_using_user_vary_by_the_flag_never_by_person(pc):
    t = pc.demo_token
    r = pc.post(API + "/pages", {"slug": "pc-vary", "title": "Vary"}, token=t)
    pid = r.json()["id"]
    code = "function render(user, storefront) { return '<p>hello ' + (user ? 'someone' : 'guest') + '</p>'; }"
    r = pc.post(API + "/blocks", {"pageId": pid, "type": "custom", "vibeCode": code}, token=t)
    assert r.status == 201, r
    assert pc.post(API + "/pages/%s/publish" % pid, {}, token=t).status == 200
    r = pc.get("/pc-vary")
    assert r.status == 200 and "hello guest" in r.text and r.header("X-Cache") == "MISS"
    assert cached(pc, "/pc-vary", name="index.guest.html") and not cached(pc, "/pc-vary")
    r = pc.get("/pc-vary", headers={"Cookie": "sf_customer=1"})
    assert r.header("X-Cache") == "MISS" and cached(pc, "/pc-vary", name="index.customer.html")
    assert pc.get("/pc-vary").header("X-Cache") == "HIT"
    assert pc.get("/pc-vary", headers={"Cookie": "sf_customer=1; sf_cart=abc"}).header("X-Cache") == "HIT"


def test_a_block_showing_the_cart_is_kept_only_for_those_without_one(pc):
    t = pc.demo_token
    r = pc.post(API + "/pages", {"slug": "pc-cartblock", "title": "Cart block"}, token=t)
    pid = r.json()["id"]
    code = "function render(cart) { return '<p>items ' + (cart ? cart.itemCount : 'none') + '</p>'; }"
    assert pc.post(API + "/blocks", {"pageId": pid, "type": "custom", "vibeCode": code}, token=t).status == 201
    assert pc.post(API + "/pages/%s/publish" % pid, {}, token=t).status == 200
    r = pc.get("/pc-cartblock")
    assert "items none" in r.text and r.header("X-Cache") == "MISS"
    assert cached(pc, "/pc-cartblock", name="index.guest-nocart.html") and not cached(pc, "/pc-cartblock")
    assert pc.get("/pc-cartblock").header("X-Cache") == "HIT"
    s = Shopper(pc)
    pid = pc.get("/api/products?limit=1").json()["products"][0]["id"]
    assert s.add(pid, 2).status in (200, 201) and s.cookie
    r = s.req("GET", "/pc-cartblock")      # their own cart, never the copy, never kept
    assert "items 2" in r.text and r.header("X-Cache") != "HIT" and "no-store" in r.header("Cache-Control")
    assert pc.get("/pc-cartblock").header("X-Cache") == "HIT" and "items none" in pc.get("/pc-cartblock").text


def test_a_shoppers_cart_never_reaches_a_cached_page(pc):
    warm(pc, "/")
    s = Shopper(pc)
    pid = pc.get("/api/products?limit=1").json()["products"][0]["id"]
    assert s.add(pid).status in (200, 201) and s.cookie
    r = s.req("GET", "/")
    assert r.status == 200 and r.header("Set-Cookie") is None
    assert s.cookie not in r.text
    assert pc.get("/").body == r.body


def test_the_purge_hook_names_the_keys_removed(pc):
    before = len(pc.hook.requests)
    pid = pc.get("/api/products?limit=1").json()["products"][0]["id"]
    r = pc.post(API + "/sync/inventory", {"items": [{"productId": pid, "adjust": 1}]}, token=pc.demo_token)
    assert r.status == 200, r
    want = "s1-product-%s" % pid
    got = wait_for(lambda: [x for x in pc.hook.requests[before:] if x["path"] == "/purge" and want.encode() in x["body"]],
                   "the purge hook", 30)
    import json
    assert json.loads(got[0]["body"]) == {"keys": [want]}
    events = {v for x in got for k, v in x["headers"].items() if k.lower() == "x-storefront-event"}
    assert events == {"cache.purge"}


def test_cli_cache_stats_and_purge(pc):
    warm(pc, "/", "/blog")
    warm(pc, "/", host="acme.localhost")
    import json
    st = json.loads(pc.cli("cache", "stats", "demo").stdout)
    assert st["enabled"] is True and st["pages"] >= 2 and st["bytes"] > 1000
    allst = json.loads(pc.cli("cache", "stats").stdout)
    assert allst["pages"] > st["pages"]
    out = pc.cli("cache", "purge", "demo").stdout
    assert "1 store" in out
    assert not cached(pc, "/") and not cached(pc, "/blog")
    assert cached(pc, "/", host="acme.localhost")
    assert json.loads(pc.cli("cache", "stats", "demo").stdout)["pages"] == 0
    assert pc.cli("cache", "purge", "nosuchstore", check=False).returncode != 0


def test_the_euro_copy_follows_a_fixed_price(pc):
    """A shopper who chose EUR never gets the cached dollar page: their copy
    is kept as index.cur-EUR.html (one per known currency, a small set),
    answered by a worker and privately; a fixed price change removes it."""
    t = pc.demo_token
    r = pc.put(API + "/commerce/settings", {"currencies": [{"code": "EUR", "rate": 0.92, "rounding": "0.99"}]}, token=t)
    assert r.status == 200, r
    try:
        path = "/products/trailhead-rain-jacket"
        warm(pc, path)
        assert pc.get(path).header("X-Cache") == "HIT-SERVER"
        eur = {"Cookie": "sf_currency=EUR"}
        r = pc.get(path, headers=eur)
        main = r.text.split("<main")[1].split("product-card")[0]
        assert r.status == 200 and r.header("X-Cache") == "MISS", r.headers
        assert "€118.99" in main and "$129.00" not in main                 # 129 x 0.92 = 118.68 -> .99
        assert r.header("Cache-Control") == "private, no-cache"
        assert cached(pc, path, name="index.cur-EUR.html")
        again = pc.get(path, headers={"Cookie": "sf_cart=x; sf_currency=EUR"})
        assert again.header("X-Cache") == "HIT" and again.body == r.body
        assert again.header("Cache-Control") == "private, no-cache"
        usd = pc.get(path)
        assert usd.header("X-Cache") == "HIT-SERVER" and "$129.00" in usd.text and "€118.99" not in usd.text
        # a code outside the set is no key of its own (no file per made-up cookie)
        r = pc.get(path, headers={"Cookie": "sf_currency=ZZZ"})
        assert r.status == 200 and "$129.00" in r.text
        assert not cached(pc, path, name="index.cur-ZZZ.html")
        # a fixed EUR price removes the euro copy with the dollar one
        pid = product_id(pc, t, "trailhead-rain-jacket")
        r = pc.put(API + "/products/%s/prices" % pid, {"presentmentPrices": [{"currency": "EUR", "price": 11500}]}, token=t)
        assert r.status == 200, r
        assert not cached(pc, path, name="index.cur-EUR.html")
        r = pc.get(path, headers=eur)
        assert r.header("X-Cache") == "MISS" and "€115.00" in r.text.split("<main")[1].split("product-card")[0]
        r = pc.put(API + "/products/%s/prices" % pid, {"presentmentPrices": []}, token=t)
        assert r.status == 200, r
    finally:
        pc.put(API + "/commerce/settings", {"currencies": []}, token=t)


def test_sigterm_lets_the_request_in_hand_finish(pc):
    """A worker told to stop while it renders a page finishes the page
    (the re-render lock shows when the render is under way)."""
    import signal
    import threading
    t = pc.demo_token
    r = pc.post(API + "/pages", {"slug": "pc-slow", "title": "Slow"}, token=t)
    pid = r.json()["id"]
    code = "function render() { var n = 0; for (var i = 0; i < 4000000; i++) { n += i % 7; } return '<p>slow done ' + n + '</p>'; }"
    assert pc.post(API + "/blocks", {"pageId": pid, "type": "custom", "vibeCode": code}, token=t).status == 201
    assert pc.post(API + "/pages/%s/publish" % pid, {}, token=t).status == 200
    assert "slow done" in pc.get("/pc-slow?utm_source=warm").text      # rendered once: kept
    assert pc.cli("cache", "purge", "demo").returncode == 0
    warm(pc, "/")          # for the next test, served with the workers gone
    got = {}
    th = threading.Thread(target=lambda: got.update(r=pc.get("/pc-slow", timeout=60)))
    th.start()
    lock = lock_of(pc, "demo.localhost/pc-slow/index.html")
    wait_for(lambda: os.path.exists(lock) or not th.is_alive(), "the render to start")
    assert th.is_alive(), "the page rendered too fast to catch"
    sup = int(open(os.path.join(pc.run, "storefront.pid")).read())
    os.kill(sup, signal.SIGTERM)
    th.join(60)

    def gone():
        try:
            os.killpg(sup, 0)
            return False
        except ProcessLookupError:
            return True
    wait_for(gone, "the storefront workers to stop")
    r = got["r"]
    assert r.status == 200 and "slow done" in r.text and r.text.rstrip().endswith("</html>"), r
    assert cached(pc, "/pc-slow")


def test_a_cached_page_is_served_with_the_workers_stopped(pc):
    """Last: the storefront pool was stopped by the test before."""
    assert pc.get("/api/products").status >= 500
    r = pc.get("/")
    assert r.status == 200 and r.header("X-Cache") == "HIT-SERVER" and "Demo Outfitters" in r.text

