"""The public store over the real stack: pages from published blocks,
system pages, tenant routing, escaping, ETags."""
import re

BLOCK = re.compile(r'<section data-block-id="(\d+)" data-block-type="([a-z_]+)">')


def test_demo_home_renders_six_block_types_in_order(stack):
    r = stack.get("/")
    assert r.status == 200, r
    types = [t for _, t in BLOCK.findall(r.text)]
    assert types == ["hero", "product_grid", "text", "gallery", "blog", "custom"]
    assert "failed" not in r.text
    assert "Demo Outfitters" in r.text
    # The grid shows the demo's products with prices in major units.
    assert r.text.count('class="add-to-cart"') >= 20
    assert "$129.00" in r.text
    # ... each with a wishlist heart like the store's own listings (wishlist.js shows them)
    grid = r.text.split('data-block-type="product_grid"')[1].split("</section>")[0]
    assert grid.count('class="wish-btn"') == grid.count('<li class="product-card') >= 20
    # (the product id alone: wishlist.js takes name, image and price from the card)
    assert re.search(r'<button type="button" class="wish-btn" data-wish="\d+" aria-pressed="false" '
                     r'aria-label="Save Trailhead Rain Jacket to the wishlist" hidden>', grid), grid[:2000]
    # The blog block lists the published posts.
    assert r.text.count('href="/blog/') >= 3
    assert r.header("Content-Type").startswith("text/html")
    assert r.header("X-Content-Type-Options") == "nosniff"


def test_static_files_are_served_by_the_web_server(stack):
    r = stack.get("/css/store.css")
    assert r.status == 200 and "text/css" in r.header("Content-Type")
    r = stack.get("/js/store.js")
    assert r.status == 200 and "addToCart" in r.text
    assert stack.get("/media/demo/logo.svg").status == 200


def test_system_pages(stack):
    r = stack.get("/products")
    assert r.status == 200 and r.text.count("/products/") >= 24
    r = stack.get("/products/trailhead-rain-jacket")
    assert r.status == 200 and "Trailhead Rain Jacket" in r.text and "$129.00" in r.text
    r = stack.get("/collections/camp-kit")
    assert r.status == 200 and "Camp Kit" in r.text
    r = stack.get("/blog")
    assert r.status == 200 and r.text.count('href="/blog/') >= 3
    slug = re.search(r'href="/blog/([a-z0-9-]+)"', r.text).group(1)
    r = stack.get("/blog/" + slug)
    assert r.status == 200 and "<p>" in r.text
    r = stack.get("/about")
    assert r.status == 200 and BLOCK.search(r.text)


def test_unknown_paths_get_a_friendly_404_with_request_id(stack):
    for path in ["/no-such-page", "/products/no-such", "/collections/none", "/blog/none"]:
        r = stack.get(path)
        assert r.status == 404, path
        rid = r.header("X-Request-Id")
        assert rid and rid in r.text, path
        assert "Demo Outfitters" in r.text  # still the store's shell


def test_unknown_host_is_the_platform_404_never_a_store(stack):
    for host in ["nobody.localhost", "example.com", "127.0.0.1", "a.demo.localhost", "localhost"]:
        r = stack.get("/", host=host)
        assert r.status == 404, host
        assert "Demo Outfitters" not in r.text and "Acme" not in r.text, host
    r = stack.get("/api/products", host="nobody.localhost")
    assert r.status == 404 and r.json()["error"]["code"] == "unknown_store"


def test_host_normalisation(stack):
    for host in ["DEMO.LOCALHOST", "demo.localhost:8080", "demo.localhost.", "Demo.Localhost.:1"]:
        r = stack.get("/", host=host)
        assert r.status == 200 and "Demo Outfitters" in r.text, host


def test_two_tenants_never_see_each_other(stack):
    r = stack.get("/", host="acme.localhost")
    assert r.status == 200
    assert "Demo Outfitters" not in r.text
    assert stack.get("/products/trailhead-rain-jacket", host="acme.localhost").status == 404
    assert stack.get("/collections/camp-kit", host="acme.localhost").status == 404
    assert stack.get("/about", host="acme.localhost").status == 404
    r = stack.get("/products", host="acme.localhost")
    assert "Trailhead" not in r.text


def test_store_name_is_escaped_everywhere(stack):
    r = stack.get("/", host="acme.localhost")
    assert r.status == 200
    assert "<script>alert" not in r.text
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co" in r.text


def test_etag_and_304(stack):
    r = stack.get("/products/trailhead-rain-jacket")
    etag = r.header("ETag")
    assert etag and etag.startswith('"')
    r2 = stack.get("/products/trailhead-rain-jacket", headers={"If-None-Match": etag})
    assert r2.status == 304 and r2.body == b""


def test_head_request_has_no_body(stack):
    r = stack.request("HEAD", "/")
    assert r.status == 200 and r.body == b""


def test_bad_percent_encoding_is_400_not_a_crash(stack):
    assert stack.get("/blog/%zz").status == 400
    assert stack.get("/a%00b").status == 400
    assert stack.get("/").status == 200


def test_product_page_head_uses_seo_fields(stack):
    r = stack.get("/products/camp-lantern")
    assert r.status == 200
    assert re.search(r"<title>Glow Camp Lantern · Demo Outfitters</title>|<title>[^<]*Lantern[^<]*</title>", r.text)
    desc = re.search(r'<meta name="description" content="([^"]*)"', r.text).group(1)
    assert desc and desc != "Good gear for long trails and slow mornings."   # the product's own words
    stack.sql("UPDATE products SET seo_json = ? WHERE slug = 'camp-lantern'",
              '{"title": "Lantern <for> camp", "description": "Warm light & long nights"}')
    try:
        r = stack.get("/products/camp-lantern")
        assert "<title>Lantern &lt;for&gt; camp · Demo Outfitters</title>" in r.text
        assert '<meta name="description" content="Warm light &amp; long nights">' in r.text
    finally:
        stack.sql("UPDATE products SET seo_json = '{}' WHERE slug = 'camp-lantern'")
