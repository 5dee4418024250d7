"""The shopper's browsing over the real stack (issue 13): the product
page's variant picker (?variant=ID, what follows the variant), the form
post /cart/add without JavaScript, badges, and sort / filters / pages of
/products and collection pages with Shopify's URL parameters."""
import json
import re
from urllib.parse import quote, urlencode

from shop import API, Shopper

VENDOR = "Picker Test Co"


def make(stack, slug, **kw):
    body = {"name": slug.replace("-", " ").title(), "slug": slug, "price": 1000, "stock": 5, "vendor": VENDOR}
    body.update(kw)
    r = stack.post(API + "/products", body, token=stack.demo_token)
    assert r.status == 201, r
    return r.json()


def tee(stack):
    """A tee in sizes and colours: one sold-out combination, prices and
    SKUs per variant, an image on one."""
    p = stack.get(API + "/products?limit=500", token=stack.demo_token).json()["products"]
    have = next((x for x in p if x["slug"] == "picker-tee"), None)
    if have:
        return have
    return make(stack, "picker-tee", price=0, stock=0, tags=["picker", "cotton"],
                options=[{"name": "Size", "values": ["S", "M", "L"]},
                         {"name": "Color", "values": ["Red", "Forest Green"]}],
                variants=[{"option1": "S", "option2": "Red", "price": 2000, "stock": 0, "sku": "TEE-S-RED"},
                          {"option1": "M", "option2": "Red", "price": 2100, "stock": 4, "sku": "TEE-M-RED",
                           "compareAtPrice": 2500},
                          {"option1": "M", "option2": "Forest Green", "price": 2200, "stock": 1, "sku": "TEE-M-GRN",
                           "image": "/media/demo/tee-green.svg"},
                          {"option1": "L", "option2": "Red", "price": 2300, "stock": 0, "sku": "TEE-L-RED"}])


def variant(p, sku):
    return next(v for v in p["variants"] if v["sku"] == sku)


def picker_json(text):
    m = re.search(r'<script type="application/json" id="product-picker-data">(.*?)</script>', text, re.S)
    assert m, "no picker data"
    return json.loads(m.group(1))


def test_picker_one_control_per_option_and_the_chosen_variant(stack):
    p = tee(stack)
    r = stack.get("/products/picker-tee")
    assert r.status == 200, r
    t = r.text
    # one radio group per option, colour values as swatches with a CSS colour
    assert t.count('name="option1"') == 3 and t.count('name="option2"') == 2
    assert 'option-btn option-btn--swatch' in t and 'style="--swatch:forestgreen"' in t
    # without ?variant= the first one in stock is chosen: M / Red
    assert re.search(r'value="M" data-option="1" checked', t)
    assert "$21.00" in t and "$25.00" in t and "TEE-M-RED" in t
    assert 'In stock: 4 available' in t
    m = re.search(r'<input type="hidden" name="id" value="(\d+)" data-picker-variant>', t)
    assert m and m.group(1) == variant(p, "TEE-M-RED")["id"]
    # S and L are sold out with Red chosen: marked, still shown
    assert re.search(r'class="option-btn is-sold-out" for="opt1-0"', t)
    assert re.search(r'class="option-btn is-sold-out" for="opt1-2"', t)
    assert not re.search(r'class="option-btn is-sold-out" for="opt1-1"', t)
    # the script's table: every variant, what follows it
    table = picker_json(t)["variants"]
    assert [v["sku"] for v in table] == ["TEE-S-RED", "TEE-M-RED", "TEE-M-GRN", "TEE-L-RED"]
    green = table[2]
    assert green["price"] == "$22.00" and green["max"] == 1 and green["image"] == "/media/demo/tee-green.svg"
    assert table[0]["inStock"] is False and table[0]["stockText"] == "Sold out"
    # the form posts without JavaScript
    assert '<form class="buy-box" method="post" action="/cart/add"' in t


def test_picker_variant_in_the_url(stack):
    p = tee(stack)
    green = variant(p, "TEE-M-GRN")
    t = stack.get("/products/picker-tee?variant=" + green["id"]).text
    assert "$22.00" in t and "TEE-M-GRN" in t and "In stock: 1 available" in t
    assert re.search(r'value="Forest Green" data-option="2" checked', t)
    assert 'max="1"' in t
    # a sold-out variant named in the URL: shown, and the button says so
    sold = variant(p, "TEE-L-RED")
    t = stack.get("/products/picker-tee?variant=" + sold["id"]).text
    assert "TEE-L-RED" in t and ">Sold out</p>" in t
    assert re.search(r'data-picker-button disabled>Sold out</button>', t)
    # another product's variant id (or junk) falls back to the first in stock
    for bad in ["999999999", "abc", "%3Cscript%3E"]:
        r = stack.get("/products/picker-tee?variant=" + bad)
        assert r.status == 200 and "TEE-M-RED" in r.text and "<script>" not in r.text


def test_low_stock_threshold_setting(stack):
    tee(stack)
    t = stack.get("/products/picker-tee").text
    assert "Only" not in t.split("<main>")[1]
    r = stack.put(API + "/commerce/settings", {"lowStockThreshold": 4}, token=stack.demo_token)
    assert r.status == 200, r
    try:
        t = stack.get("/products/picker-tee").text
        assert "Only 4 left" in t and "stock--low" in t
        r = stack.put(API + "/commerce/settings", {"lowStockThreshold": -1}, token=stack.demo_token)
        assert r.status == 422 and r.json()["error"]["details"]["field"] == "lowStockThreshold"
    finally:
        assert stack.put(API + "/commerce/settings", {"lowStockThreshold": 0}, token=stack.demo_token).status == 200


def form(s, fields, headers=None):
    """POST /cart/add as a browser's form does, with the shopper's cookie."""
    h = {"Content-Type": "application/x-www-form-urlencoded"}
    if s.cookie:
        h["Cookie"] = "sf_cart=" + s.cookie
    h.update(headers or {})
    r = s.stack.request("POST", "/cart/add", host=s.host, body=urlencode(fields).encode(), headers=h)
    for k, v in r.headers:
        if k.lower() == "set-cookie" and v.startswith("sf_cart="):
            s.cookie = v.split(";")[0].split("=", 1)[1]
    return r


def test_cart_add_form_without_javascript(stack):
    p = tee(stack)
    s = Shopper(stack)
    # the radios name the variant, whatever the hidden id says
    r = form(s, {"product_id": p["id"], "id": variant(p, "TEE-M-RED")["id"], "option1": "M",
                 "option2": "Forest Green", "quantity": "1"})
    assert r.status == 303 and r.header("Location") == "/cart", r
    items = s.cart()["items"]
    assert len(items) == 1 and items[0]["variantId"] == variant(p, "TEE-M-GRN")["id"] and items[0]["quantity"] == 1
    # only one green left: a second one is refused with the reason, nothing added
    r = form(s, {"product_id": p["id"], "option1": "M", "option2": "Forest Green", "quantity": "1"})
    assert r.status == 409 and "only 1" in r.text and "text/html" in r.header("Content-Type")
    assert s.cart()["items"][0]["quantity"] == 1
    # a sold-out combination, a combination that does not exist, bad numbers
    r = form(s, {"product_id": p["id"], "option1": "S", "option2": "Red"})
    assert r.status == 409 and "out of stock" in r.text
    r = form(s, {"product_id": p["id"], "option1": "XL", "option2": "Red"})
    assert r.status == 422 and "option1" in r.text
    for bad in [{"quantity": "0"}, {"quantity": "lots"}, {"product_id": "x"}, {"id": "-3"}]:
        f = {"product_id": p["id"], "option1": "M", "option2": "Red"}
        f.update(bad)
        r = form(s, f)
        assert r.status == 422, (bad, r)
        assert list(bad)[0] in r.text, bad
    r = form(s, {"option1": "M"})
    assert r.status == 422 and "product_id" in r.text
    # the hidden id alone (variant select, no options)
    r = form(s, {"product_id": p["id"], "id": variant(p, "TEE-M-RED")["id"], "quantity": "2"})
    assert r.status == 303
    # a JSON body is not a form; another site's page may not post
    r = s.req("POST", "/cart/add", {"product_id": p["id"]})
    assert r.status == 415
    r = form(s, {"product_id": p["id"], "id": variant(p, "TEE-M-RED")["id"]},
             headers={"Origin": "http://evil.localhost", "Sec-Fetch-Site": "cross-site"})
    assert r.status == 403
    assert sum(i["quantity"] for i in s.cart()["items"]) == 3
    # another store's product: not sold here
    acme = stack.post(API + "/products", {"name": "Acme Anvil", "slug": "acme-anvil", "price": 100, "stock": 3},
                      token=stack.acme_token, host="acme.localhost")
    assert acme.status in (201, 409)
    aid = stack.sql("SELECT id FROM products WHERE slug = 'acme-anvil'")[0][0]
    r = form(s, {"product_id": aid})
    assert r.status == 404


def listing_slugs(text):
    grid = text.split('<ul class="product-grid">')[1].split("</ul>")[0]
    return re.findall(r'href="/products/([a-z0-9-]+)"', grid)


def shop_products(stack):
    """Four products of one vendor: prices, stock, tags, a sale."""
    ps = stack.get(API + "/products?limit=500", token=stack.demo_token).json()["products"]
    if not any(x["slug"] == "pt-bravo" for x in ps):
        make(stack, "pt-alpha", price=3000, stock=2, tags=["picker", "wool"], compareAtPrice=4000)
        make(stack, "pt-bravo", price=1000, stock=0, tags=["picker"])
        make(stack, "pt-charlie", price=2500, stock=9, tags=["wool"])
    tee(stack)


def test_listing_filters_and_sort(stack):
    shop_products(stack)
    v = "filter.p.vendor=" + quote(VENDOR)
    t = stack.get("/products?" + v + "&sort_by=price-ascending").text
    assert listing_slugs(t) == ["pt-bravo", "picker-tee", "pt-charlie", "pt-alpha"]   # the tee from $20.00
    t = stack.get("/products?" + v + "&sort_by=price-descending").text
    assert listing_slugs(t) == ["pt-alpha", "pt-charlie", "picker-tee", "pt-bravo"]
    t = stack.get("/products?" + v + "&sort_by=title-ascending").text
    assert listing_slugs(t) == ["picker-tee", "pt-alpha", "pt-bravo", "pt-charlie"]
    # availability, price range (major units), tags, option values
    t = stack.get("/products?" + v + "&sort_by=price-ascending&filter.v.availability=1").text
    assert listing_slugs(t) == ["picker-tee", "pt-charlie", "pt-alpha"]
    t = stack.get("/products?" + v + "&filter.v.availability=0").text
    assert listing_slugs(t) == ["pt-bravo"]
    t = stack.get("/products?" + v + "&sort_by=price-ascending&filter.v.price.gte=15&filter.v.price.lte=30.00").text
    assert listing_slugs(t) == ["picker-tee", "pt-charlie", "pt-alpha"]
    t = stack.get("/products?" + v + "&sort_by=price-ascending&filter.p.tag=wool").text
    assert listing_slugs(t) == ["pt-charlie", "pt-alpha"]
    t = stack.get("/products?" + v + "&filter.v.option.size=L").text
    assert listing_slugs(t) == ["picker-tee"]
    t = stack.get("/products?" + v + "&filter.v.option.size=XL").text
    assert listing_slugs(t) == [] and "No products match these filters" in t
    # the form shows what is chosen, and offers the facets
    t = stack.get("/products?" + v + "&filter.p.tag=wool&filter.v.availability=1").text
    assert re.search(r'name="filter.p.tag" value="wool" checked', t)
    assert re.search(r'name="filter.v.availability" value="1" checked', t)
    assert 'name="filter.v.option.size" value="M"' in t and 'name="filter.v.option.color" value="Forest Green"' in t
    assert 'Clear filters' in t
    # badges: sold out, sale
    t = stack.get("/products?" + v + "&sort_by=price-ascending").text
    cards = t.split('<li class="product-card')
    bravo = next(c for c in cards if "/products/pt-bravo" in c)
    alpha = next(c for c in cards if "/products/pt-alpha" in c)
    assert "Sold out" in bravo and "is-sold-out" in bravo
    assert ">Sale<" in alpha and "$40.00" in alpha


def test_listing_bad_parameters_are_named(stack):
    for q, param in [("sort_by=cheapest", "sort_by"), ("page=0", "page"), ("page=x", "page"),
                     ("filter.v.price.gte=ten", "filter.v.price.gte"), ("filter.v.price.gte=1.234", "filter.v.price.gte"),
                     ("filter.v.availability=2", "filter.v.availability"),
                     ("filter.v.price.gte=30&filter.v.price.lte=10", "filter.v.price.gte")]:
        r = stack.get("/api/products?" + q)
        assert r.status == 422, (q, r)
        assert param in json.dumps(r.json()["error"]), (q, r.json())
        r = stack.get("/products?" + q)
        assert r.status == 422 and param in r.text, q
    # unknown parameters are left alone (trackers, a theme's own)
    assert stack.get("/products?utm_source=x&filter.p.product_type=").status == 200


def test_pagination_links(stack):
    shop_products(stack)
    t = stack.get("/products").text
    assert len(listing_slugs(t)) == 24
    assert re.search(r'<a class="btn" rel="next" href="/products\?page=2">', t) and 'rel="prev"' not in t
    # the next page keeps sort and filters
    t = stack.get("/products?sort_by=price-ascending&page=2").text
    assert 'rel="prev" href="/products?sort_by=price-ascending"' in t
    first = set(listing_slugs(stack.get("/products?sort_by=price-ascending").text))
    assert first.isdisjoint(listing_slugs(t))
    # a page past the end: an empty grid, not an error
    r = stack.get("/products?page=999")
    assert r.status == 200 and listing_slugs(r.text) == []


def test_collection_sort_and_filter(stack):
    api = stack.get("/api/products?collection=camp-kit&limit=100").json()["products"]
    assert len(api) >= 2
    t = stack.get("/collections/camp-kit?sort_by=price-descending").text
    prices = [p["price"] for p in sorted(api, key=lambda p: (-p["price"]))]
    got = listing_slugs(t)
    bymap = {p["slug"]: p["price"] for p in api}
    assert [bymap[s] for s in got] == prices
    assert 'action="/collections/camp-kit"' in t
    # a filter narrows the collection only
    t = stack.get("/collections/camp-kit?filter.v.availability=1&filter.p.vendor=" + quote(VENDOR)).text
    assert listing_slugs(t) == []


def test_api_products_takes_the_same_parameters(stack):
    shop_products(stack)
    r = stack.get("/api/products?limit=2&sort_by=price-ascending&filter.p.vendor=" + quote(VENDOR))
    assert r.status == 200
    d = r.json()
    assert [p["slug"] for p in d["products"]] == ["pt-bravo", "picker-tee"] and d["nextPage"] == 2
    d = stack.get("/api/products?limit=2&page=2&sort_by=price-ascending&filter.p.vendor=" + quote(VENDOR)).json()
    assert [p["slug"] for p in d["products"]] == ["pt-charlie", "pt-alpha"] and d["nextPage"] is None
    # the older ?sort= spellings still work
    d = stack.get("/api/products?sort=price-desc&filter.p.vendor=" + quote(VENDOR)).json()
    assert d["products"][0]["slug"] == "pt-alpha"
    # another store's vendor filter finds nothing of this one
    d = stack.get("/api/products?filter.p.vendor=" + quote(VENDOR), host="acme.localhost").json()
    assert d["products"] == []


def test_cart_page_steppers_and_sold_out_in_cart(stack):
    p = make(stack, "pt-stepper", price=1500, stock=3, vendor="Stepper Co")
    s = Shopper(stack)
    assert s.add(p["id"], 3).status == 200
    page = s.req("GET", "/cart").text
    # the + stepper is off at the stock, the input's max is the stock
    assert 'max="3" value="3" data-quantity="3"' in page
    assert re.search(r'data-step="1" data-item-id="\d+" aria-label="One more Pt Stepper" disabled', page)
    assert s.req("PATCH", "/api/cart/items/%s" % s.cart()["items"][0]["id"], {"quantity": 4}).status == 409
    # it sells out while in the cart: a clear message, no checkout link
    r = stack.put(API + "/products/%s" % p["id"], {"stock": 0}, token=stack.demo_token)
    assert r.status == 200
    page = s.req("GET", "/cart").text
    assert "out of stock: remove it or lower the quantity to check out." in page
    assert 'class="cart-line has-problem"' in page and 'href="/checkout"' not in page
    assert s.cart()["canCheckout"] is False


def test_checkout_page_two_columns_pickup_and_no_mail_promise(stack):
    p = make(stack, "pt-pickup", price=1500, stock=3, vendor="Stepper Co")
    s = Shopper(stack)
    assert s.add(p["id"], 1).status == 200
    page = s.req("GET", "/checkout").text
    assert '<div class="checkout-layout">' in page and 'id="summary-title">Order summary' in page
    assert 'data-pickup-express="pickup"' in page and 'autocomplete="shipping postal-code"' in page
    r = s.checkout(shippingMethod="pickup", shippingAddress=None)
    assert r.status == 201, r
    url = r.json()["order"]["url"]
    page = s.req("GET", url[url.index("/orders/"):]).text
    # the test stack's workers have no smtp_url: the page promises no email
    assert "Thank you" in page and "was sent" not in page and "on its way" not in page
    assert "this store sends no emails" in page


PICK_BLOCK = """function renderPick(api, config) {
  return JSON.stringify(config.runs.map(f => api.getProducts(f).map(p => p.slug)));
}
"""


def test_vibe_api_get_products_takes_the_same_choices(stack):
    from test_vibe_contract import block, new_page
    shop_products(stack)
    runs = [{"vendor": VENDOR, "sort_by": "price-ascending"},
            {"vendor": VENDOR, "sort_by": "price-descending", "available": True},
            {"vendor": VENDOR, "available": False},
            {"vendor": [VENDOR], "options": {"Size": "L"}},
            {"vendor": VENDOR, "options": {"color": ["Forest Green", "Blue"]}, "sort_by": "title-ascending"},
            {"vendor": VENDOR, "tag": ["wool", "cotton"], "sort_by": "title-descending"},
            {"vendor": VENDOR, "sort_by": "price-ascending", "limit": 2, "page": 2}]
    _, ids = new_page(stack, "pick-api", [{"vibeCode": PICK_BLOCK, "config": {"runs": runs}}])
    got = json.loads(block(stack.get("/pick-api").text, ids[0]))
    assert got == [["pt-bravo", "picker-tee", "pt-charlie", "pt-alpha"],
                   ["pt-alpha", "pt-charlie", "picker-tee"],
                   ["pt-bravo"],
                   ["picker-tee"],
                   ["picker-tee"],
                   ["pt-charlie", "pt-alpha", "picker-tee"],
                   ["pt-charlie", "pt-alpha"]], got


def test_stock_endpoint_etag_and_bad_ids(stack):
    p = tee(stack)
    r = stack.get("/api/stock?ids=%s" % p["id"])
    assert r.status == 200 and r.header("Cache-Control") is None
    d = r.json()["products"][0]
    assert d["id"] == p["id"] and d["stockLimited"] is True
    assert {v["id"]: v["stock"] for v in d["variants"]}[variant(p, "TEE-M-GRN")["id"]] == 1
    etag = r.header("ETag")
    assert etag and stack.get("/api/stock?ids=%s" % p["id"], headers={"If-None-Match": etag}).status == 304
    # a sale elsewhere (the POS sets stock): a new answer
    vid = variant(p, "TEE-M-RED")["id"]
    stack.sql("UPDATE variants SET stock = stock - 1 WHERE id = ?", int(vid))
    r2 = stack.get("/api/stock?ids=%s" % p["id"], headers={"If-None-Match": etag})
    assert r2.status == 200 and r2.header("ETag") != etag
    stack.sql("UPDATE variants SET stock = stock + 1 WHERE id = ?", int(vid))
    # another store's ids answer nothing; bad lists are named
    acme = stack.sql("SELECT id FROM products WHERE slug = 'acme-anvil'")
    if acme:
        assert stack.get("/api/stock?ids=%s" % acme[0][0]).json()["products"] == []
    for bad in ["", "abc", "1,,2", "-1", ",".join(["1"] * 51)]:
        r = stack.get("/api/stock?ids=" + bad)
        assert r.status == 422 and "ids" in r.text, bad


def test_starter_grid_shows_badges_and_hearts(stack):
    """A new store's starter product grid (templates/blocks/product_grid.js)."""
    t, h = stack.acme_token, "acme.localhost"
    for slug, extra in [("acme-sale", {"price": 500, "compareAtPrice": 900, "stock": 3}),
                        ("acme-gone", {"price": 700, "stock": 0})]:
        if stack.get("/api/products/" + slug, host=h).status == 404:
            r = stack.post(API + "/products", dict({"name": slug.title(), "slug": slug}, **extra), token=t, host=h)
            assert r.status == 201, r
    from test_vibe_contract import new_page
    new_page(stack, "grid-starter", [{"type": "product_grid", "config": {"limit": 10, "sort": "newest"}}], host=h, token=t)
    page = stack.get("/grid-starter", host=h).text
    assert 'data-block-type="product_grid"' in page and "failed" not in page
    cards = page.split('<li class="product-card">')
    assert any("Acme-Sale" in c for c in cards), page[page.find("<main>"):][:3000]
    sale = next(c for c in cards if "Acme-Sale" in c or "Acme Sale" in c)
    gone = next(c for c in cards if "Acme-Gone" in c or "Acme Gone" in c)
    assert ">Sale<" in sale and '<s class="price__was">$9.00</s>' in sale and 'data-wish="' in sale
    assert ">Sold out<" in gone
