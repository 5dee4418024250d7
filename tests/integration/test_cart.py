"""Cart and checkout over the real stack: cookie, stock checks, prices from
the database, totals, discounts, idempotency, bad input (nothing written),
tenant isolation, and the confirmation page."""
import re
import time
import uuid

from shop import API, Shopper, new_product, stock_of


def err(r, status, code=None):
    assert r.status == status, r
    e = r.json()["error"]
    if code:
        assert e["code"] == code, e
    return e


def counts(stack):
    return stack.sql("SELECT (SELECT count(*) FROM orders), (SELECT count(*) FROM order_items), "
                     "(SELECT count(*) FROM outbox), (SELECT coalesce(sum(used),0) FROM discounts)")[0]


def test_cart_cookie_and_count(stack):
    p = new_product(stack, stack.demo_token, "cart-cookie-mug", price=1250, stock=3)
    s = Shopper(stack)
    assert s.cart()["itemCount"] == 0 and s.cookie is None      # no cart made by looking
    r = s.add(p["id"], 2)
    assert r.status == 200, r
    sc = r.header("Set-Cookie")
    assert "HttpOnly" in sc and "SameSite=Lax" in sc and "Path=/" in sc and "Secure" not in sc
    assert re.match(r"sf_cart=[0-9a-f]{48};", sc)
    assert r.header("Cache-Control") == "no-store"
    c = r.json()
    assert c["itemCount"] == 2 and c["subtotal"] == 25.0 and c["subtotalFormatted"] == "$25.00"
    assert c["items"][0]["price"] == 12.5 and c["items"][0]["lineTotalFormatted"] == "$25.00"
    # adding the same product merges; over the stock is refused with the count
    e = err(s.add(p["id"], 2), 409, "out_of_stock")
    assert "only 3" in e["message"] and p["name"] in e["message"] and e["details"]["inCart"] == 2
    assert s.add(p["id"], 1).json()["itemCount"] == 3
    item = s.cart()["items"][0]["id"]
    assert s.req("PATCH", "/api/cart/items/" + item, {"quantity": 1}).json()["itemCount"] == 1
    err(s.req("PATCH", "/api/cart/items/" + item, {"quantity": 4}), 409, "out_of_stock")
    assert s.req("DELETE", "/api/cart/items/" + item).json()["itemCount"] == 0
    err(s.req("DELETE", "/api/cart/items/" + item), 404, "not_found")
    # another shopper cannot touch this cart's lines
    s.add(p["id"], 1)
    item = s.cart()["items"][0]["id"]
    other = Shopper(stack)
    other.add(p["id"], 1)
    err(other.req("PATCH", "/api/cart/items/" + item, {"quantity": 2}), 404)
    err(other.req("DELETE", "/api/cart/items/" + item), 404)
    # a made-up cookie is just no cart
    forged = Shopper(stack)
    forged.cookie = "0" * 48
    assert forged.cart()["itemCount"] == 0


def test_cart_bad_input(stack):
    p = new_product(stack, stack.demo_token, "cart-bad-input", price=500, stock=10)
    s = Shopper(stack)
    for q in (0, -1, 10**6, 1.5, "2", None and 1):
        if q is None:
            continue
        e = err(s.add(p["id"], q), 422, "validation_error")
        assert e["details"]["field"] == "quantity"
    err(s.add("999999", 1), 404, "not_found")
    err(s.add("abc", 1), 422, "validation_error")
    err(s.req("POST", "/api/cart/items", {"productId": p["id"], "quantity": 1, "price": 1}), 422)
    err(s.req("POST", "/api/cart/items", b"not json"), 400)
    # another store's product is not for sale here
    acme = new_product(stack, stack.acme_token, "acme-only", host="acme.localhost")
    e = err(s.add(acme["id"], 1), 404, "not_found")
    assert e["details"]["field"] == "productId"
    # drafts are not for sale
    d = new_product(stack, stack.demo_token, "cart-draft", status="draft")
    err(s.add(d["id"], 1), 404)
    assert s.cart()["itemCount"] == 0 and s.cookie is None        # nothing written


def test_checkout_manual_totals_and_confirmation(stack):
    p = new_product(stack, stack.demo_token, "checkout-lamp", price=3000, stock=4)
    s = Shopper(stack)
    s.add(p["id"], 2)
    key = uuid.uuid4().hex
    r = s.checkout(key)
    assert r.status == 201, r
    o = r.json()["order"]
    # default settings: standard shipping $5 under $75, no tax
    assert o["subtotal"] == 60.0 and o["shipping"] == 5.0 and o["tax"] == 0 and o["total"] == 65.0
    assert o["totalFormatted"] == "$65.00" and o["number"] >= 1001
    assert o["items"][0]["quantity"] == 2 and o["items"][0]["unitPrice"] == 30.0
    assert stock_of(stack, p["id"]) == 2
    assert s.cart()["itemCount"] == 0                             # the cart was emptied
    # replay with the same key: the same order, no second one
    r2 = s.checkout(key)
    assert r2.status == 200 and r2.json()["order"]["id"] == o["id"]
    assert stack.sql("SELECT count(*) FROM orders WHERE idempotency_key = ?", key)[0][0] == 1
    assert stock_of(stack, p["id"]) == 2
    # the same key with a different body: 409, nothing written
    before = counts(stack)
    e = err(s.checkout(key, name="Someone Else"), 409, "idempotency_conflict")
    assert e["details"]["field"] == "idempotencyKey"
    assert counts(stack) == before
    # confirmation page: right key only; other store 404
    page = s.req("GET", o["url"])
    assert page.status == 200 and "Order <strong>#%d</strong>" % o["number"] in page.text
    assert "Sam Shopper" in page.text and "$65.00" in page.text
    assert page.header("Cache-Control") == "no-store"
    oid = o["id"]
    assert s.req("GET", "/orders/%s?key=%s" % (oid, "0" * 32)).status == 404
    assert s.req("GET", "/orders/%s" % oid).status == 404
    assert stack.get(o["url"], host="acme.localhost").status == 404
    # the change feed tells the POS
    ch = stack.get(API + "/changes?since=0&limit=1000", token=stack.demo_token).json()["changes"]
    assert any(c["entity"] == "order" and c["id"] == oid and c["op"] == "create" for c in ch)
    # emails to shopper and merchant are queued in the outbox
    to = [t for (t,) in stack.sql("SELECT target FROM outbox WHERE kind = 'email' AND body LIKE ?", "%%#%d%%" % o["number"])]
    assert "shopper@example.com" in to and "owner@demo.localhost" in to


def test_checkout_bad_input_writes_nothing(stack):
    p = new_product(stack, stack.demo_token, "checkout-bad", price=1000, stock=5)
    s = Shopper(stack)
    s.add(p["id"], 1)
    addr = {"line1": "1 Main St", "city": "Springfield", "postalCode": "12345", "country": "US"}
    before = counts(stack)
    cases = [
        (dict(email="not-an-email"), "email"),
        (dict(email=None), "email"),
        (dict(name=""), "name"),
        (dict(shippingAddress=None), "shippingAddress"),
        (dict(shippingAddress=dict(addr, country="USA")), "shippingAddress.country"),
        (dict(shippingAddress=dict(addr, line1="")), "shippingAddress.line1"),
        (dict(shippingAddress=dict(addr, city="x" * 500)), "shippingAddress.city"),
        (dict(shippingAddress=dict(addr, postalCode="<script>")), "shippingAddress.postalCode"),
        (dict(shippingAddress=dict(addr, evil=1)), "shippingAddress.evil"),
        (dict(shippingAddress="1 Main St"), "shippingAddress"),
        (dict(shippingMethod="teleport"), "shippingMethod"),
        (dict(paymentMethod="bitcoin"), "paymentMethod"),
        (dict(paymentMethod="stripe"), "paymentMethod"),          # not enabled in this store
        (dict(idempotencyKey="short"), "idempotencyKey"),
        (dict(idempotencyKey="has spaces in it"), "idempotencyKey"),
        (dict(items=[{"productId": p["id"], "price": 0}]), "items"),   # tampered prices
        (dict(total=0), "items"),
    ]
    for over, field in cases:
        r = s.checkout(**over)
        e = err(r, 422)
        assert e["details"]["field"] == field, (over, e)
    # expired and unknown discount codes
    now = int(time.time())
    tid = stack.sql("SELECT id FROM tenants WHERE username = 'demo'")[0][0]
    stack.sql("INSERT INTO discounts(tenant_id, code, kind, value, expires_at, created_at) VALUES(?, 'OLD10', 'percent', 10, ?, ?)",
              tid, now - 60, now)
    e = err(s.checkout(discountCode="OLD10"), 422, "discount_expired")
    assert "OLD10" in e["message"] and e["details"]["field"] == "discountCode"
    err(s.checkout(discountCode="NOPE"), 422, "discount_invalid")
    assert counts(stack) == before
    assert stock_of(stack, p["id"]) == 5
    assert s.cart()["itemCount"] == 1
    # empty cart
    err(Shopper(stack).checkout(), 422, "cart_empty")


def test_discount_tax_and_usage_limit(stack):
    p = new_product(stack, stack.demo_token, "checkout-discount", price=2000, stock=10)
    tid = stack.sql("SELECT id FROM tenants WHERE username = 'demo'")[0][0]
    now = int(time.time())
    stack.sql("INSERT INTO discounts(tenant_id, code, kind, value, usage_limit, created_at) VALUES(?, 'ONCE15', 'percent', 15, 1, ?)",
              tid, now)
    r = stack.put(API + "/commerce/settings", {"tax": {"rateBps": 825, "inclusive": False, "shipping": True}},
                  token=stack.demo_token)
    assert r.status == 200, r
    try:
        s = Shopper(stack)
        s.add(p["id"], 3)                                  # 60.00
        r = s.checkout(discountCode="once15", shippingMethod="express")
        assert r.status == 201, r
        o = r.json()["order"]
        # 60.00 - 9.00 = 51.00; express 15.00; tax 8.25% of 66.00 = 5.445 -> 5.45
        assert (o["subtotal"], o["discount"], o["shipping"], o["tax"], o["total"]) == (60.0, 9.0, 15.0, 5.45, 71.45), o
        assert o["discountCode"] == "ONCE15" or o["discountCode"].upper() == "ONCE15"
        s2 = Shopper(stack)
        s2.add(p["id"], 1)
        err(s2.checkout(discountCode="ONCE15"), 422, "discount_used_up")
        # tax inclusive: nothing is added, the tax is the part of the price
        r = stack.put(API + "/commerce/settings", {"tax": {"rateBps": 2000, "inclusive": True, "shipping": False}},
                      token=stack.demo_token)
        assert r.status == 200
        o = s2.checkout(shippingMethod="pickup", shippingAddress=None).json()["order"]
        # 20.00 incl. 20% VAT: 20.00 * 2000 / 12000 = 3.333 -> 3.33
        assert (o["subtotal"], o["shipping"], o["tax"], o["total"], o["taxInclusive"]) == (20.0, 0, 3.33, 20.0, True), o
    finally:
        stack.put(API + "/commerce/settings", {"tax": {"rateBps": 0, "inclusive": False, "shipping": False}},
                  token=stack.demo_token)


def test_free_shipping_over_amount(stack):
    p = new_product(stack, stack.demo_token, "checkout-free-ship", price=8000, stock=2)
    s = Shopper(stack)
    s.add(p["id"], 1)
    o = s.checkout().json()["order"]
    assert o["shipping"] == 0 and o["total"] == 80.0


def test_sold_out_and_archived_at_checkout(stack):
    p = new_product(stack, stack.demo_token, "checkout-soldout", price=1000, stock=2)
    a, b = Shopper(stack), Shopper(stack)
    a.add(p["id"], 2)
    b.add(p["id"], 2)
    assert a.checkout().status == 201
    e = err(b.checkout(), 409, "out_of_stock")
    assert p["name"] in e["message"] and e["details"]["items"][0]["available"] == 0
    assert e["details"]["items"][0]["requested"] == 2
    cart = b.cart()
    assert cart["items"][0]["problem"] == "out of stock" and cart["canCheckout"] is False
    q = new_product(stack, stack.demo_token, "checkout-archived", price=1000, stock=2)
    c = Shopper(stack)
    c.add(q["id"], 1)
    stack.put(API + "/products/%s" % q["id"], {"status": "archived"}, token=stack.demo_token)
    err(c.checkout(), 409, "item_unavailable")
    assert stock_of(stack, q["id"]) == 2


def test_cart_and_checkout_pages(stack):
    p = new_product(stack, stack.demo_token, "page-kettle", price=4500, stock=3)
    s = Shopper(stack)
    empty = s.req("GET", "/cart")
    assert empty.status == 200 and "Your cart is empty" in empty.text
    s.add(p["id"], 1)
    q = new_product(stack, stack.demo_token, "page-cups", price=500, stock=3)
    s.add(q["id"], 2)
    page = s.req("GET", "/cart")
    assert page.status == 200 and "Page Kettle" in page.text and "$45.00" in page.text
    assert page.text.count('<tr class="cart-line"') == 2 and page.text.count('id="checkout-form"') == 0
    assert "$55.00" in page.text
    assert page.header("Cache-Control") == "no-store"
    co = s.req("GET", "/checkout")
    assert co.status == 200 and co.text.count('id="checkout-form"') == 1 and "Local pickup" in co.text
    assert re.search(r'data-idempotency-key="[0-9a-f]{32}"', co.text)
    # the home page (cacheable) never carries the cart
    home = s.req("GET", "/")
    assert "Page Kettle" not in home.text and "data-cart-count>0<" in home.text


def test_product_page_variant_select(stack):
    t = stack.demo_token
    r = stack.post(API + "/products", {"name": "Page Beanie", "slug": "page-beanie", "price": 0, "stock": 0,
                                       "options": [{"name": "Color", "values": ["Red", "Blue"]}],
                                       "variants": [{"option1": "Red", "price": 2500, "stock": 2},
                                                    {"option1": "Blue", "price": 2700, "stock": 0}]}, token=t)
    assert r.status == 201, r
    page = stack.get("/products/page-beanie")
    assert page.status == 200
    # one control per option (test_shopper.py has the picker in full)
    assert page.text.count('name="option1"') == 2 and "$25.00" in page.text
    assert re.search(r'class="option-btn option-btn--swatch is-sold-out" for="opt1-1" style="--swatch:blue"', page.text)


def test_checkout_quote(stack):
    p = new_product(stack, stack.demo_token, "quote-tent", price=5000, stock=5)
    s = Shopper(stack)
    r = s.req("POST", "/api/cart/quote", {"shippingMethod": "standard"})
    assert r.status == 200 and r.json()["total"] == 5.0        # empty cart: just shipping
    s.add(p["id"], 1)
    q = s.req("POST", "/api/cart/quote", {"shippingMethod": "express"}).json()
    assert (q["subtotal"], q["shipping"], q["total"], q["totalFormatted"]) == (50.0, 15.0, 65.0, "$65.00")
    assert s.req("POST", "/api/cart/quote", {"shippingMethod": "pickup"}).json()["total"] == 50.0
    assert err(s.req("POST", "/api/cart/quote", {"shippingMethod": "warp"}), 422)["details"]["field"] == "shippingMethod"
    err(s.req("POST", "/api/cart/quote", {"shippingMethod": "pickup", "discountCode": "NOPE"}), 422, "discount_invalid")
    assert stack.sql("SELECT stock FROM products WHERE id = ?", int(p["id"]))[0][0] == 5


def test_cart_cookie_secure_under_https_and_header_key(stack):
    import json as _json
    import os as _os
    from test_cli import cgi
    pid = new_product(stack, stack.demo_token, "https-cookie-pen", price=300, stock=5)["id"]
    body = _json.dumps({"productId": pid, "quantity": 1}).encode()
    rc, head, out = cgi("storefront.fcgi", "/api/cart/items", "demo.localhost", stack.db, "POST", body,
                        {"HTTPS": "on", "STOREFRONT_RATE_LIMITS": "cart:1000/60,checkout:1000/60"})
    assert rc == 0 and "Status: 200" in head, head
    cookie = [l for l in head.split("\r\n") if l.lower().startswith("set-cookie: __host-sf_cart=")][0]
    assert "; Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    # the Idempotency-Key header stands in for the body field
    s = Shopper(stack)
    s.add(pid, 1)
    key = uuid.uuid4().hex
    b = {"email": "h@example.com", "name": "Header Key", "shippingMethod": "pickup", "paymentMethod": "manual"}
    r1 = s.req("POST", "/api/checkout", b, headers={"Idempotency-Key": key})
    assert r1.status == 201, r1
    r2 = s.req("POST", "/api/checkout", b, headers={"Idempotency-Key": key})
    assert r2.status == 200 and r2.json()["order"]["id"] == r1.json()["order"]["id"]


def test_order_too_large(stack):
    p = new_product(stack, stack.demo_token, "too-large-yacht", price=1000000000000, stock=100)
    s = Shopper(stack)
    assert s.add(p["id"], 20).status == 200          # 20 x 10 billion dollars
    before = stack.sql("SELECT count(*) FROM orders")[0][0]
    err(s.checkout(), 422, "order_too_large")
    assert stack.sql("SELECT count(*) FROM orders")[0][0] == before
    assert stock_of(stack, p["id"]) == 100
