"""Stores are sibling subdomains of one base domain: what one store's page
can do to another store's shoppers. Cookies tossed onto the parent domain
(a repeated name, a bare name under https), JSON sent without a preflight
(no or a form Content-Type), and cart and checkout writes from another
origin -- over the real stack, and the programs as plain CGI for https."""
import json
import re

from access_util import err
from shop import Shopper, new_product
from test_cli import cgi

LIMITS = {"STOREFRONT_RATE_LIMITS": "cart:1000/60,checkout:1000/60"}


def test_a_tossed_cart_cookie_ahead_of_ours_is_harmless(stack):
    p = new_product(stack, stack.demo_token, "toss-lamp", price=700, stock=9)
    s = Shopper(stack)
    assert s.add(p["id"], 2).status == 200
    real = s.cookie
    # another store's script set sf_cart on the parent domain: the browser
    # sends it first (older), then ours; the server tries every value
    for bogus in ("f" * 48, "not-a-token", ""):
        r = stack.get("/api/cart", headers={"Cookie": "sf_cart=%s; sf_cart=%s" % (bogus, real)})
        assert r.status == 200 and r.json()["itemCount"] == 2, (bogus, r)
    # and adding goes to the real cart rather than a new one
    r = stack.post("/api/cart/items", {"productId": p["id"], "quantity": 1},
                   headers={"Cookie": "sf_cart=%s; sf_cart=%s" % ("e" * 48, real)})
    assert r.status == 200 and r.json()["itemCount"] == 3 and r.header("Set-Cookie") is None, r
    # a cart of another store never matches, wherever it sits
    acme = Shopper(stack, host="acme.localhost")
    acme_p = new_product(stack, stack.acme_token, "toss-acme", price=100, stock=5, host="acme.localhost")
    acme.add(acme_p["id"], 1)
    r = stack.get("/api/cart", headers={"Cookie": "sf_cart=%s; sf_cart=%s" % (acme.cookie, real)})
    assert r.json()["itemCount"] == 3


def test_cookies_are_host_prefixed_under_https(stack):
    pid = new_product(stack, stack.demo_token, "https-host-cookie", price=300, stock=5)["id"]
    body = json.dumps({"productId": pid, "quantity": 1}).encode()
    https_ways = [{"HTTPS": "on"},
                  # behind the trusted proxy: its X-Forwarded-Proto decides
                  {"STOREFRONT_TRUSTED_PROXY": "127.0.0.1", "HTTP_X_FORWARDED_PROTO": "https",
                   "HTTP_X_FORWARDED_HOST": "demo.localhost"}]
    for way in https_ways:
        rc, head, out = cgi("storefront.fcgi", "/api/cart/items", "demo.localhost", stack.db, "POST", body,
                            dict(LIMITS, **way))
        assert rc == 0 and "Status: 200" in head, head
        cookie = [l for l in head.split("\r\n") if l.lower().startswith("set-cookie:")][0]
        assert re.match(r"Set-Cookie: __Host-sf_cart=[0-9a-f]{48}; Path=/;", cookie), cookie
        assert "; Secure" in cookie and "HttpOnly" in cookie and "domain=" not in cookie.lower()
        value = cookie.split("=", 1)[1].split(";")[0]
        # the bare name (what a sibling can set on the parent domain) is not read under https
        rc, head, out = cgi("storefront.fcgi", "/api/cart", "demo.localhost", stack.db,
                            extra=dict(LIMITS, HTTP_COOKIE="sf_cart=" + value, **way))
        assert json.loads(out)["itemCount"] == 0, out
        rc, head, out = cgi("storefront.fcgi", "/api/cart", "demo.localhost", stack.db,
                            extra=dict(LIMITS, HTTP_COOKIE="__Host-sf_cart=%s; __Host-sf_cart=%s" % ("a" * 48, value),
                                       **way))
        assert json.loads(out)["itemCount"] == 1, out
    # an untrusted peer's X-Forwarded-Proto changes nothing
    rc, head, out = cgi("storefront.fcgi", "/api/cart/items", "demo.localhost", stack.db, "POST", body,
                        dict(LIMITS, HTTP_X_FORWARDED_PROTO="https"))
    assert re.search(r"Set-Cookie: sf_cart=[0-9a-f]{48};", head) and "Secure" not in head, head


def test_json_endpoints_need_the_json_content_type(stack):
    p = new_product(stack, stack.demo_token, "ctype-pen", price=200, stock=50)
    body = json.dumps({"productId": p["id"], "quantity": 1})
    before = stack.sql("SELECT count(*) FROM cart_items")[0][0]
    # what another origin's page can send without a preflight: no type, a form type
    for ct in (None, "text/plain", "text/plain;charset=UTF-8", "application/x-www-form-urlencoded",
               "multipart/form-data; boundary=x", "application/jsonp"):
        h = {"Content-Type": ct} if ct else {}
        for path in ("/api/cart/items", "/api/checkout", "/api/cart/quote"):
            e = err(stack.request("POST", path, body=body, headers=h), 415, "unsupported_media_type")
            assert e["details"]["header"] == "Content-Type"
        e = err(stack.request("POST", "/api/cms/pages", body='{"slug":"ct","title":"T"}', headers=h,
                              token=stack.demo_token), 415, "unsupported_media_type")
    assert stack.sql("SELECT count(*) FROM cart_items")[0][0] == before
    assert stack.sql("SELECT count(*) FROM pages WHERE slug = 'ct'")[0][0] == 0
    for ct in ("application/json", "application/json; charset=utf-8", "Application/JSON"):
        r = stack.request("POST", "/api/cart/items", body=body, headers={"Content-Type": ct})
        assert r.status == 200, (ct, r)


def test_cart_and_checkout_writes_refuse_other_origins(stack):
    p = new_product(stack, stack.demo_token, "xsite-cup", price=400, stock=50)
    s = Shopper(stack)
    assert s.add(p["id"], 1).status == 200
    item = s.cart()["items"][0]["id"]
    orders = stack.sql("SELECT count(*) FROM orders")[0][0]
    hostile = [{"Origin": "http://acme.localhost:%d" % stack.port},                  # a sibling store
               {"Origin": "http://acme.localhost:%d" % stack.port, "Sec-Fetch-Site": "same-site"},
               {"Sec-Fetch-Site": "same-site"}, {"Sec-Fetch-Site": "cross-site"},
               {"Origin": "null"}, {"Origin": "http://demo.localhost.evil.test"}]
    for h in hostile:
        err(s.req("POST", "/api/cart/items", {"productId": p["id"], "quantity": 1}, headers=h), 403, "cross_site_request")
        err(s.req("PATCH", "/api/cart/items/" + item, {"quantity": 5}, headers=h), 403, "cross_site_request")
        err(s.req("DELETE", "/api/cart/items/" + item, headers=h), 403, "cross_site_request")
        err(s.req("POST", "/api/checkout", checkout_body(), headers=h),
            403, "cross_site_request")
    assert s.cart()["itemCount"] == 1
    assert stack.sql("SELECT count(*) FROM orders")[0][0] == orders
    # the store's own pages (same origin), and clients that are no browser, go on
    own = {"Origin": "http://demo.localhost:%d" % stack.port, "Sec-Fetch-Site": "same-origin"}
    assert s.req("POST", "/api/cart/items", {"productId": p["id"], "quantity": 1}, headers=own).json()["itemCount"] == 2
    assert s.req("PATCH", "/api/cart/items/" + item, {"quantity": 3}).json()["itemCount"] == 3
    r = s.req("POST", "/api/checkout", checkout_body(), headers=own)
    assert r.status == 201, r
    # reads are not writes: a GET of the cart from anywhere only shows the caller's own
    assert s.req("GET", "/api/cart", headers={"Sec-Fetch-Site": "cross-site"}).status == 200


def checkout_body():
    import uuid
    return {"email": "x@example.com", "name": "X Site",
            "shippingAddress": {"line1": "1 Main St", "city": "Springfield", "postalCode": "12345", "country": "US"},
            "shippingMethod": "standard", "paymentMethod": "manual", "idempotencyKey": uuid.uuid4().hex}
