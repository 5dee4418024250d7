"""SEO over the real stack (doc/seo.md): the head every page prints (title,
description, canonical, robots, Open Graph, Twitter card) from each item's
SEO object, set through the admin API; schema.org JSON-LD read by a real
JSON-LD processor; /sitemap.xml as an index over parts split at a small
configured size; /robots.txt with the store's rules; redirects (manual and
left by slug changes, never loops, chains or other hosts); one <h1> on
every page. Another store's items never show up in a store's files."""
import time
import xml.etree.ElementTree as ET

import pytest

from access_util import API, err, finish
from seo_util import Head, SCHEMA, by_id, h1_count, nodes, of_type, val
from stack import Stack

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture(scope="module")
def st():
    s = Stack(workers=2, env={"STOREFRONT_SITEMAP_URLS": "5", "STOREFRONT_RATE_LIMITS": "login:10000/60,publish:10000/60"})
    try:
        s.start()
        s.cli("demo")
        s.demo_token = s.token("demo", "owner@demo.localhost")
        s.acme_token = s.tenant("acme", "Acme")
        yield s
    finally:
        finish(s)          # stopped, removed, and no sanitizer report in its log


def new_product(st, tok, slug, **extra):
    body = {"name": slug.replace("-", " ").title(), "slug": slug, "price": 1250}
    body.update(extra)
    r = st.post(API + "/products", body, token=tok)
    assert r.status == 201, r
    return r.json()


def publish(st, tok, page_id, **body):
    r = st.post(API + "/pages/%s/publish" % page_id, body, token=tok)
    assert r.status == 200, r
    return r.json()


def new_page(st, tok, slug, title, text="Hello", **extra):
    body = {"slug": slug, "title": title}
    body.update(extra)
    r = st.post(API + "/pages", body, token=tok)
    assert r.status == 201, r
    p = r.json()
    code = "function renderText(config) { return '<p>' + config.t + '</p>'; }"
    assert st.post(API + "/blocks", {"pageId": p["id"], "type": "text", "vibeCode": code, "config": {"t": text}},
                   token=tok).status == 201
    return p


# ---- the head and JSON-LD ------------------------------------------------

def test_product_page_head_and_product_jsonld(st):
    r = st.get("/products/camp-lantern")
    assert r.status == 200
    h = Head(r.text)
    assert h.links["canonical"] == ["http://demo.localhost/products/camp-lantern"]
    assert h.one("og:type") == "product" and h.one("og:title") == "Glow Camp Lantern"
    assert h.one("og:url") == "http://demo.localhost/products/camp-lantern"
    assert h.one("og:image") == "http://demo.localhost/media/demo/camp-lantern.svg"
    assert h.one("twitter:card") == "summary_large_image" and h.one("twitter:image") == h.one("og:image")
    assert h.one("og:site_name") == "Demo Outfitters"
    assert "robots" not in h.meta                  # indexable: no robots meta at all
    flat = nodes(r.text)
    (prod,) = of_type(flat, "Product")
    assert val(prod, "name") == "Glow Camp Lantern" and val(prod, "sku") == "DO-017"
    lantern = st.get("/api/products/camp-lantern").json()
    assert val(prod, "gtin") == lantern["barcode"] and len(lantern["barcode"]) == 13    # sql/017
    assert val(prod, "category") == lantern["productType"] == "Lighting"
    offer = by_id(flat, val(prod, "offers"))
    assert SCHEMA + "Offer" in offer["@type"]
    assert (val(offer, "price"), val(offer, "priceCurrency")) == ("39.00", "USD")
    assert val(offer, "availability") == SCHEMA + "InStock"
    (crumbs,) = of_type(flat, "BreadcrumbList")
    items = sorted((by_id(flat, i["@id"]) for i in crumbs[SCHEMA + "itemListElement"]), key=lambda n: val(n, "position"))
    assert [val(i, "name") for i in items] == ["Demo Outfitters", "Shop", "Glow Camp Lantern"]
    assert [val(i, "item") for i in items] == ["http://demo.localhost/", "http://demo.localhost/products",
                                               "http://demo.localhost/products/camp-lantern"]


def test_offer_availability_follows_stock(st):
    t = st.demo_token
    p = new_product(st, t, "sold-out-thing", stock=0, trackInventory=True)
    offer = of_type(nodes(st.get("/products/sold-out-thing").text), "Offer")[0]
    assert val(offer, "availability") == SCHEMA + "OutOfStock"
    assert st.put(API + "/products/%s" % p["id"], {"stock": 3}, token=t).status == 200
    offer = of_type(nodes(st.get("/products/sold-out-thing").text), "Offer")[0]
    assert val(offer, "availability") == SCHEMA + "InStock"


def test_home_page_has_organization_and_website_with_search_action(st):
    for path in ("/", "/home", "/?utm_source=x"):       # one canonical address
        assert Head(st.get(path).text).links["canonical"] == ["http://demo.localhost/"], path
    flat = nodes(st.get("/").text)
    (org,) = of_type(flat, "Organization")
    assert val(org, "name") == "Demo Outfitters" and val(org, "url") == "http://demo.localhost/"
    (site,) = of_type(flat, "WebSite")
    assert val(site, "url") == "http://demo.localhost/"
    action = by_id(flat, val(site, "potentialAction"))
    assert SCHEMA + "SearchAction" in action["@type"]
    target = by_id(flat, val(action, "target"))
    assert val(target, "urlTemplate") == "http://demo.localhost/search?q={search_term_string}"
    assert val(action, "query-input") == "required name=search_term_string"


def test_seo_object_of_each_kind_is_stored_and_printed(st):
    t = st.demo_token
    # product ("seo", strict)
    p = new_product(st, t, "seo-kettle", seo={"title": "Kettle | Best", "description": "Boils.", "robots": "noindex",
                                             "canonical": "/products/camp-lantern", "ogImage": "https://cdn.example/k.png",
                                             "twitterCard": "summary"})
    assert st.get(API + "/products/%s" % p["id"], token=t).json()["seo"]["twitterCard"] == "summary"
    h = Head(st.get("/products/seo-kettle").text)
    assert h.title.startswith("Kettle | Best") and h.one("description") == "Boils."
    assert h.one("robots") == "noindex"
    assert h.links["canonical"] == ["http://demo.localhost/products/camp-lantern"]
    assert h.one("og:image") == "https://cdn.example/k.png" and h.one("twitter:card") == "summary"
    # collection ("seo")
    c = st.post(API + "/collections", {"title": "Kettles", "slug": "kettles", "seo": {"description": "All kettles",
                                                                                     "ogTitle": "Kettles!"}}, token=t)
    assert c.status == 201 and c.json()["seo"] == {"description": "All kettles", "ogTitle": "Kettles!"}
    h = Head(st.get("/collections/kettles").text)
    assert h.one("description") == "All kettles" and h.one("og:title") == "Kettles!"
    assert of_type(nodes(st.get("/collections/kettles").text), "BreadcrumbList")
    # post (seoConfig)
    r = st.post(API + "/posts", {"title": "Kettle news", "slug": "kettle-news", "status": "published",
                                 "seoConfig": {"description": "News about kettles", "robots": "noindex,nofollow"}}, token=t)
    assert r.status == 201
    h = Head(st.get("/blog/kettle-news").text)
    assert h.one("description") == "News about kettles" and h.one("robots") == "noindex,nofollow"
    assert h.one("og:type") == "article"


def test_seed_seo_config_on_pages_round_trips_and_goes_live_on_publish(st):
    t = st.demo_token
    seo = {"title": "Visit us", "description": "Where we are", "keywords": "shop, map",
           "ogImage": "/media/demo/logo.svg", "structured": {"any": ["thing", 1]}}
    p = new_page(st, t, "visit", "Visit", seoConfig=seo)
    assert p["seoConfig"] == seo
    assert st.get(API + "/pages/%s" % p["id"], token=t).json()["seoConfig"] == seo
    publish(st, t, p["id"])
    h = Head(st.get("/visit").text)
    assert h.title.startswith("Visit us") and h.one("description") == "Where we are"
    assert h.one("og:image") == "http://demo.localhost/media/demo/logo.svg"
    # a draft change waits for publish
    assert st.put(API + "/pages/%s" % p["id"], {"version": 1, "seoConfig": {"robots": "noindex"}}, token=t).status == 200
    assert "robots" not in Head(st.get("/visit").text).meta
    publish(st, t, p["id"])
    assert Head(st.get("/visit").text).one("robots") == "noindex"


def test_bad_seo_input_is_refused_naming_the_field(st):
    t = st.demo_token
    page = st.get(API + "/pages", token=t).json()["pages"][0]
    bad = [
        {"canonical": "javascript:alert(1)"},
        {"ogImage": "//evil.example/x.png"},
        {"canonical": "http:///nohost"},
        {"title": "x" * 201},
        {"description": "y" * 501},
        {"robots": "maybe"},
        {"twitterCard": "player"},
        {"title": 5},
        {"ogImage": "/a b.png"},
        {"title": "line\nbreak"},
        {"keywords": "k" * 300, "blob": "z" * 4000},     # over IN_SEO_MAX as JSON
    ]
    for seo in bad:
        r = st.put(API + "/pages/%s" % page["id"], {"version": page["version"], "seoConfig": seo}, token=t)
        assert err(r, 422)["details"]["field"] == "seoConfig", (seo, r)
    p = st.get(API + "/products", token=t).json()["products"][0]
    for seo in ({"bogus": "1"}, {"canonical": "ftp://x.example/"}):
        r = st.put(API + "/products/%s" % p["id"], {"seo": seo}, token=t)
        assert err(r, 422)["details"]["field"] == "seo", (seo, r)
    r = st.post(API + "/collections", {"title": "X", "slug": "x-bad", "seo": {"robots": "sometimes"}}, token=t)
    assert err(r, 422)["details"]["field"] == "seo"
    r = st.post(API + "/posts", {"title": "X", "slug": "x-bad", "featuredImage": "javascript:alert(1)"}, token=t)
    assert err(r, 422)["details"]["field"] == "featuredImage"
    # nothing of it was kept
    assert st.get(API + "/pages/%s" % page["id"], token=t).json()["version"] == page["version"]


def test_head_values_are_escaped_and_json_ld_cannot_end_its_script(st):
    t = st.demo_token
    evil = 'Bad "</script><script>alert(1)</script>'
    new_product(st, t, "evil-name", name=evil, description="a < b & c > d", seo={"description": "\"><img src=x onerror=alert(1)>"})
    text = st.get("/products/evil-name").text
    assert "<script>alert(1)" not in text and "<img src=x" not in text
    h = Head(text)
    assert h.one("og:title") == evil and h.one("description") == "\"><img src=x onerror=alert(1)>"
    (prod,) = of_type(nodes(text), "Product")
    assert val(prod, "name") == evil           # the same text once parsed


# ---- sitemap and robots.txt ----------------------------------------------

def sitemap_urls(st, host="demo.localhost"):
    r = st.get("/sitemap.xml", host=host)
    assert r.status == 200 and r.header("Content-Type").startswith("application/xml")
    index = ET.fromstring(r.body)
    assert index.tag == SM + "sitemapindex"
    parts, urls = [], []
    for sm in index.findall(SM + "sitemap"):
        loc = sm.find(SM + "loc").text
        assert sm.find(SM + "lastmod").text.endswith("Z")
        assert loc.startswith("http://%s/sitemaps/" % host)
        parts.append(loc)
        part = ET.fromstring(st.get(loc[len("http://" + host):], host=host).body)
        assert part.tag == SM + "urlset"
        for u in part.findall(SM + "url"):
            assert u.find(SM + "lastmod") is not None
            urls.append(u.find(SM + "loc").text)
    return parts, urls


def test_sitemap_index_splits_parts_and_lists_only_what_is_public(st):
    t = st.demo_token
    new_product(st, t, "hidden-by-seo", seo={"robots": "noindex"})
    new_product(st, t, "a-draft", status="draft")
    new_product(st, st.acme_token, "acme-only-thing")
    parts, urls = sitemap_urls(st)
    n_products = sum(1 for u in urls if "/products/" in u)
    active = st.sql("SELECT count(*) FROM products p JOIN tenants t ON t.id = p.tenant_id WHERE t.username = 'demo' "
                    "AND p.status = 'active' AND coalesce(json_extract(p.seo_json, '$.robots'), '') NOT LIKE 'noindex%'")[0][0]
    assert n_products == active and active > 5
    # split at 5 URLs (STOREFRONT_SITEMAP_URLS): ceil(active / 5) product parts
    assert sum(1 for p in parts if "/products-" in p) == -(-active // 5)
    assert len(urls) == len(set(urls))
    assert "http://demo.localhost/products/camp-lantern" in urls
    assert "http://demo.localhost/" in urls and "http://demo.localhost/about" in urls
    assert any(u.startswith("http://demo.localhost/blog/") for u in urls)
    assert any(u.startswith("http://demo.localhost/collections/") for u in urls)
    for gone in ("hidden-by-seo", "a-draft", "acme-only-thing"):
        assert not any(gone in u for u in urls), gone
    # acme's sitemap has its own product and nothing of demo
    _, acme = sitemap_urls(st, "acme.localhost")
    assert "http://acme.localhost/products/acme-only-thing" in acme
    assert not any("demo" in u or "camp-lantern" in u for u in acme)
    for bad in ("/sitemaps/products-999.xml", "/sitemaps/products-0.xml", "/sitemaps/widgets-1.xml",
                "/sitemaps/products-1.txt", "/sitemaps/products-x.xml"):
        assert st.get(bad).status == 404, bad


def test_robots_txt_has_the_sitemap_and_the_stores_own_rules(st):
    t = st.demo_token
    r = st.get("/robots.txt")
    assert r.status == 200 and "Sitemap: http://demo.localhost/sitemap.xml" in r.text
    assert "Disallow: /api/" in r.text
    rules = "User-agent: BadBot\nDisallow: /\n# be nice\nCrawl-delay: 10"
    r = st.put(API + "/seo", {"robotsTxt": rules}, token=t)
    assert r.status == 200 and r.json()["robotsTxt"] == rules
    text = st.get("/robots.txt").text
    assert "User-agent: BadBot\nDisallow: /\n" in text and text.rstrip().endswith("Sitemap: http://demo.localhost/sitemap.xml")
    assert "BadBot" not in st.get("/robots.txt", host="acme.localhost").text
    for bad in ("Sitemap: http://evil.example/s.xml", "Host: x", "just words", "Disallow: /\x01", "x" * 5000):
        assert err(st.put(API + "/seo", {"robotsTxt": bad}, token=t), 422)["details"]["field"] == "robotsTxt", bad
    assert st.get(API + "/seo", token=t).json()["robotsTxt"] == rules


# ---- redirects -------------------------------------------------------------

def test_redirects_api_and_the_404_path(st):
    t = st.demo_token
    r = st.post(API + "/redirects", {"from": "/old-about", "to": "/about"}, token=t)
    assert r.status == 201, r
    rd = r.json()
    assert (rd["from"], rd["to"], rd["status"], rd["source"]) == ("/old-about", "/about", 301, "manual")
    r = st.get("/old-about?ref=mail")
    assert r.status == 301 and r.header("Location") == "/about?ref=mail"
    assert st.get("/old-about", host="acme.localhost").status == 404      # another store's table
    r = st.put(API + "/redirects/%s" % rd["id"], {"status": 302, "to": "/blog?x=1"}, token=t)
    assert r.status == 200 and r.json()["status"] == 302
    r = st.get("/old-about?ref=mail")
    assert r.status == 302 and r.header("Location") == "/blog?x=1"
    ids = [x["id"] for x in st.get(API + "/redirects", token=t).json()["redirects"]]
    assert rd["id"] in ids
    assert st.delete(API + "/redirects/%s" % rd["id"], token=t).status == 200
    assert st.get("/old-about").status == 404
    assert st.delete(API + "/redirects/%s" % rd["id"], token=t).status == 404
    # percent-encoded from paths are matched decoded
    assert st.post(API + "/redirects", {"from": "/caf%C3%A9", "to": "/about"}, token=t).status == 201
    assert st.get("/caf%C3%A9").status == 301


def test_redirects_refuse_loops_chains_other_hosts_and_bad_paths(st):
    t = st.demo_token
    assert st.post(API + "/redirects", {"from": "/r-a", "to": "/r-b"}, token=t).status == 201
    cases = [
        ({"from": "/loop", "to": "/loop"}, 422, "to"),
        ({"from": "/loop", "to": "/loop?x=1"}, 422, "to"),
        ({"from": "/r-b", "to": "/r-c"}, 422, "to"),            # /r-a -> /r-b -> /r-c
        ({"from": "/r-z", "to": "/r-a"}, 422, "to"),            # /r-z -> /r-a -> /r-b
        ({"from": "/r-b", "to": "/r-a"}, 422, "to"),            # a loop of two
        ({"from": "/x1", "to": "http://evil.example/"}, 422, "to"),
        ({"from": "/x1", "to": "//evil.example/"}, 422, "to"),
        ({"from": "/x1", "to": "javascript:alert(1)"}, 422, "to"),
        ({"from": "/x1", "to": "/\\evil.example"}, 422, "to"),
        ({"from": "x1", "to": "/about"}, 422, "from"),
        ({"from": "//x1", "to": "/about"}, 422, "from"),
        ({"from": "/", "to": "/about"}, 422, "from"),
        ({"from": "/api/cart", "to": "/about"}, 422, "from"),
        ({"from": "/x y", "to": "/about"}, 422, "from"),
        ({"from": "/x?y=1", "to": "/about"}, 422, "from"),
        ({"from": "/%zz", "to": "/about"}, 422, "from"),
        ({"from": "/" + "a" * 1000, "to": "/about"}, 422, "from"),
        ({"from": "/x1", "to": "/" + "a" * 1000}, 422, "to"),
        ({"from": "/x1", "to": "/about", "status": 200}, 422, "status"),
        ({"from": "/x1", "to": "/about", "extra": 1}, 422, "extra"),
        ({"from": "/r-a", "to": "/about"}, 409, "from"),
    ]
    before = st.get(API + "/redirects?limit=1000", token=t).json()["redirects"]
    for body, status, field in cases:
        r = st.post(API + "/redirects", body, token=t)
        assert err(r, status)["details"]["field"] == field, (body, r)
    assert st.get(API + "/redirects?limit=1000", token=t).json()["redirects"] == before
    # an update cannot make a chain either
    rid = next(x["id"] for x in before if x["from"] == "/r-a")
    assert st.post(API + "/redirects", {"from": "/r-q", "to": "/about"}, token=t).status == 201
    assert err(st.put(API + "/redirects/%s" % rid, {"to": "/r-q"}, token=t), 422)["details"]["field"] == "to"
    assert err(st.put(API + "/redirects/%s" % rid, {"from": "/r-q"}, token=t), 409)["details"]["field"] == "from"
    # another store's id is not found
    assert st.put(API + "/redirects/%s" % rid, {"to": "/x"}, token=st.acme_token).status == 404


def test_slug_changes_leave_301s_that_never_chain(st):
    t = st.demo_token
    p = new_product(st, t, "mover-a")
    for new in ("mover-b", "mover-c"):
        assert st.put(API + "/products/%s" % p["id"], {"slug": new}, token=t).status == 200
    for old in ("mover-a", "mover-b"):
        r = st.get("/products/" + old)
        assert r.status == 301 and r.header("Location") == "/products/mover-c", (old, r)
    assert st.get("/products/mover-c").status == 200
    # back to the first slug: it is live again, the others point at it
    assert st.put(API + "/products/%s" % p["id"], {"slug": "mover-a"}, token=t).status == 200
    assert st.get("/products/mover-a").status == 200
    for old in ("mover-b", "mover-c"):
        assert st.get("/products/" + old).header("Location") == "/products/mover-a"
    rows = st.get(API + "/redirects?limit=1000", token=t).json()["redirects"]
    mine = {x["from"]: x for x in rows if "mover" in x["from"]}
    assert set(mine) == {"/products/mover-b", "/products/mover-c"} and all(x["source"] == "slug" for x in mine.values())
    # the POS's sync renames too
    r = st.post(API + "/sync/products", {"products": [{"posId": "pos-mover", "name": "Pos mover", "price": 100,
                                                        "slug": "pos-mover-1"}]}, token=t)
    assert r.status == 200, r
    r = st.post(API + "/sync/products", {"products": [{"posId": "pos-mover", "slug": "pos-mover-2"}]}, token=t)
    assert r.status == 200 and r.json()["failed"] == 0, r
    assert st.get("/products/pos-mover-1").header("Location") == "/products/pos-mover-2"
    # collections, pages, posts
    c = st.post(API + "/collections", {"title": "Old set", "slug": "old-set"}, token=t).json()
    assert st.put(API + "/collections/%s" % c["id"], {"slug": "new-set"}, token=t).status == 200
    assert st.get("/collections/old-set").header("Location") == "/collections/new-set"
    pg = new_page(st, t, "old-page", "Old page")
    publish(st, t, pg["id"])
    assert st.put(API + "/pages/%s" % pg["id"], {"version": 1, "slug": "new-page"}, token=t).status == 200
    r = st.get("/old-page")
    assert r.status == 301 and r.header("Location") == "/new-page"
    assert st.get("/new-page").status == 200
    post = st.post(API + "/posts", {"title": "Moved", "slug": "old-post", "status": "published"}, token=t).json()
    assert st.put(API + "/posts/%s" % post["id"], {"version": post["version"], "slug": "new-post"}, token=t).status == 200
    assert st.get("/blog/old-post").header("Location") == "/blog/new-post"
    # the API answers its own 404s, never a redirect
    assert st.get("/api/products/mover-b").status == 404


# ---- one <h1> per page -----------------------------------------------------

def test_every_demo_and_template_page_has_exactly_one_h1(st):
    t = st.demo_token
    st.post(API + "/posts", {"title": "Tagged", "slug": "tagged-one", "status": "published", "tags": ["Trail tips"],
                             "content": "# A heading\n\nText\n\n## Sub"}, token=t)
    paths = ["/", "/about", "/products", "/products/camp-lantern", "/blog", "/blog/tagged-one",
             "/blog/tagged/trail-tips", "/cart", "/checkout", "/no-such-page", "/products/no-such"]
    paths += ["/collections/" + c["slug"] for c in st.get(API + "/collections", token=t).json()["collections"]]
    paths += ["/blog/" + p["slug"] for p in st.get(API + "/posts", token=t).json()["posts"] if p["status"] == "published"
              and not p["scheduled"]]
    for path in paths:
        r = st.get(path)
        assert r.status in (200, 404), (path, r)
        assert h1_count(r.text) == 1, (path, h1_count(r.text))
    # a merchant's page without a heading block gets its title as the <h1>
    pg = new_page(st, t, "plain", "Plain page", text="no heading here")
    publish(st, t, pg["id"])
    text = st.get("/plain").text
    assert h1_count(text) == 1 and '<h1 class="page-header__title">Plain page</h1>' in text
    # a Markdown "# Heading" in a post is an <h2> under the post's title
    assert "<h2>A heading</h2>" in st.get("/blog/tagged-one").text


def test_scheduled_check_is_one_indexed_lookup(st):
    """The per-request question "anything due?" uses the index, never a scan."""
    plan = st.sql("EXPLAIN QUERY PLAN SELECT 1 FROM publish_schedule WHERE tenant_id = 1 AND due_at <= ? LIMIT 1",
                  int(time.time()))
    assert any("publish_schedule_due" in row[-1] for row in plan), plan
