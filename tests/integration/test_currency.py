"""Multi-currency over the real stack (issue 13): the merchant's fixed
prices per product or variant per currency (PUT /api/cms/products/{id}/prices
and presentmentPrices in the product write path), shown instead of the
converted price on the product page, listings, a collection, the cart,
checkout and the order; bad values refused naming the field; a fixed price
changed during checkout refused with 409, never applied silently."""
import uuid

from commerce_fakes import SMTPSink
from shop import API, Shopper, new_product

EUR = [{"code": "EUR", "rate": 0.92, "rounding": "0.99"}, {"code": "JPY", "rate": 151.3, "rounding": "whole"}]


class EuroShopper(Shopper):
    """A shopper who chose a currency (the sf_currency cookie) beside the cart."""

    def __init__(self, stack, currency="EUR", host="demo.localhost"):
        super().__init__(stack, host)
        self.currency = currency

    def req(self, method, path, body=None, headers=None):
        jar = ["sf_currency=" + self.currency]
        if self.cookie:
            jar.append("sf_cart=" + self.cookie)
        h = dict(headers or {}, Cookie="; ".join(jar))
        r = self.stack.request(method, path, host=self.host, json_body=body, headers=h)
        for k, v in r.headers:
            if k.lower() == "set-cookie" and v.startswith("sf_cart="):
                self.cookie = v.split(";")[0].split("=", 1)[1]
        return r


def currencies(stack, value):
    r = stack.put(API + "/commerce/settings", {"currencies": value}, token=stack.demo_token)
    assert r.status == 200, r


def variant_product(stack, slug):
    """A product with two variants, S at $20.00 and M at $30.00."""
    p = new_product(stack, stack.demo_token, slug, price=2000, stock=9, vendor=slug,
                    options=[{"name": "Size", "values": ["S", "M"]}],
                    variants=[{"option1": "S", "price": 2000, "stock": 5}, {"option1": "M", "price": 3000, "stock": 5}])
    vs = {v["options"][0]: v["id"] for v in p["variants"]}
    return p, vs


def prices(stack, pid, body, token=None, host="demo.localhost"):
    return stack.put(API + "/products/%s/prices" % pid, body, token=token or stack.demo_token, host=host)


def field_of(r):
    return r.json()["error"]["details"]["field"]


def test_fixed_prices_are_checked_and_stored(stack):
    t = stack.demo_token
    currencies(stack, EUR)
    try:
        p, vs = variant_product(stack, "fx-api-" + uuid.uuid4().hex[:6])
        other, ovs = variant_product(stack, "fx-other-" + uuid.uuid4().hex[:6])
        plain = new_product(stack, t, "fx-plain-" + uuid.uuid4().hex[:6], price=500)
        ok = {"variantId": vs["S"], "currency": "EUR", "price": 1999}
        bad = [
            ({"presentmentPrices": {"EUR": 1}}, "presentmentPrices"),
            ({"presentmentPrices": [dict(ok, price=-1)]}, "presentmentPrices[0].price"),
            ({"presentmentPrices": [dict(ok, price=12.5)]}, "presentmentPrices[0].price"),
            ({"presentmentPrices": [dict(ok, price="19.99")]}, "presentmentPrices[0].price"),
            ({"presentmentPrices": [dict(ok, compareAtPrice=-5)]}, "presentmentPrices[0].compareAtPrice"),
            ({"presentmentPrices": [dict(ok, currency="GBP")]}, "presentmentPrices[0].currency"),   # not one of the store's
            ({"presentmentPrices": [dict(ok, currency="USD")]}, "presentmentPrices[0].currency"),   # the store's own
            ({"presentmentPrices": [dict(ok, currency="eur")]}, "presentmentPrices[0].currency"),
            ({"presentmentPrices": [ok, dict(ok, variantId="999999999")]}, "presentmentPrices[1].variantId"),
            ({"presentmentPrices": [dict(ok, variantId=ovs["S"])]}, "presentmentPrices[0].variantId"),  # another product's
            ({"presentmentPrices": [dict(ok, variantId=None)]}, "presentmentPrices[0].variantId"),      # it has variants
            ({"presentmentPrices": [ok, dict(ok, price=5)]}, "presentmentPrices[1]"),                   # twice
            ({"presentmentPrices": [ok], "price": 1}, "price"),                                          # not this route's
        ]
        for body, field in bad:
            r = prices(stack, p["id"], body)
            assert r.status == 422 and field_of(r) == field, (body, r.status, r.text)
        # nothing was written by any of them
        assert stack.get(API + "/products/%s" % p["id"], token=t).json()["presentmentPrices"] == []
        # a product without variants: variantId is left out
        r = prices(stack, plain["id"], {"presentmentPrices": [dict(ok, variantId=vs["S"])]})
        assert r.status == 422 and field_of(r) == "presentmentPrices[0].variantId"
        r = prices(stack, plain["id"], {"presentmentPrices": [{"currency": "JPY", "price": 800}]})
        assert r.status == 200 and r.json()["presentmentPrices"] == [
            {"variantId": None, "currency": "JPY", "price": 800, "compareAtPrice": None}], r.text
        # unknown product, and another store's product: 404 (and nothing of it changes)
        assert prices(stack, "999999999", {"presentmentPrices": []}).status == 404
        acme = new_product(stack, stack.acme_token, "fx-acme-" + uuid.uuid4().hex[:6], host="acme.localhost")
        r = prices(stack, acme["id"], {"presentmentPrices": []})
        assert r.status == 404, r
        # stored, shown by GET, replaced whole; the product write path takes them too
        r = prices(stack, p["id"], {"presentmentPrices": [ok, {"variantId": vs["M"], "currency": "EUR", "price": 2500,
                                                              "compareAtPrice": 3000}]})
        assert r.status == 200, r.text
        got = stack.get(API + "/products/%s" % p["id"], token=t).json()["presentmentPrices"]
        assert {(x["variantId"], x["currency"], x["price"], x["compareAtPrice"]) for x in got} == {
            (vs["S"], "EUR", 1999, None), (vs["M"], "EUR", 2500, 3000)}
        r = stack.put(API + "/products/%s" % p["id"], {"presentmentPrices": [dict(ok, price=1899)]}, token=t)
        assert r.status == 200, r.text
        got = stack.get(API + "/products/%s" % p["id"], token=t).json()["presentmentPrices"]
        assert [(x["variantId"], x["price"]) for x in got] == [(vs["S"], 1899)]
        r = stack.put(API + "/products/%s" % p["id"], {"presentmentPrices": [dict(ok, currency="XXX")]}, token=t)
        assert r.status == 422 and field_of(r) == "presentmentPrices[0].currency"
        # a variant removed takes its fixed prices with it
        r = stack.put(API + "/products/%s/variants" % p["id"], {"variants": [{"id": vs["M"]}]}, token=t)
        assert r.status == 200, r.text
        assert stack.get(API + "/products/%s" % p["id"], token=t).json()["presentmentPrices"] == []
        # a staff member may set them; the change is audited
        assert stack.sql("SELECT count(*) FROM audit_log WHERE action = 'product.prices'")[0][0] >= 2
    finally:
        currencies(stack, [])


def test_a_variant_carries_its_own_presentment_prices_in_variant_lists_and_pos_sync(stack):
    t = stack.demo_token
    currencies(stack, EUR)
    try:
        p, vs = variant_product(stack, "fx-var-" + uuid.uuid4().hex[:6])
        # the variant list (Shopify's presentmentPrices on a variant): one variant's set replaced, the other's kept
        r = prices(stack, p["id"], {"presentmentPrices": [{"variantId": vs["M"], "currency": "JPY", "price": 4000}]})
        assert r.status == 200
        body = {"variants": [{"id": vs["S"], "presentmentPrices": [{"currency": "EUR", "price": 1700, "compareAtPrice": 1900}]},
                             {"id": vs["M"]}]}
        r = stack.put(API + "/products/%s/variants" % p["id"], body, token=t)
        assert r.status == 200, r.text
        got = {(x["variantId"], x["currency"], x["price"], x["compareAtPrice"]) for x in r.json()["presentmentPrices"]}
        assert got == {(vs["S"], "EUR", 1700, 1900), (vs["M"], "JPY", 4000, None)}, got
        bad = {"variants": [{"id": vs["S"], "presentmentPrices": [{"currency": "EUR", "price": 1}, {"currency": "GBP", "price": 1}]}]}
        r = stack.put(API + "/products/%s/variants" % p["id"], bad, token=t)
        assert r.status == 422 and field_of(r) == "variants[0].presentmentPrices[1].currency", r.text
        assert len(stack.get(API + "/products/%s" % p["id"], token=t).json()["presentmentPrices"]) == 2   # nothing written
        # POS sync: a new product's variants with their euro prices, by the POS's ids
        pos = "fx-pos-" + uuid.uuid4().hex[:6]
        res = stack.post(API + "/sync/products", {"products": [
            {"posId": pos, "name": "Fx Pos", "price": 1000, "options": [{"name": "Size", "values": ["S"]}],
             "variants": [{"posId": pos + "-s", "option1": "S", "price": 1000, "stock": 3,
                           "presentmentPrices": [{"currency": "EUR", "price": 950}]}]},
            {"posId": pos + "-bad", "name": "Fx Pos Bad", "price": 1000,
             "variants": [{"posId": pos + "-b", "price": 1000, "presentmentPrices": [{"currency": "EUR", "price": -1}]}]}]},
            token=t).json()
        assert (res["created"], res["failed"]) == (1, 1), res
        assert res["results"][1]["error"]["field"] == "variants[0].presentmentPrices[0].price", res
        got = stack.get(API + "/products/%s" % res["results"][0]["id"], token=t).json()
        assert [(x["currency"], x["price"]) for x in got["presentmentPrices"]] == [("EUR", 950)]
        assert got["presentmentPrices"][0]["variantId"] == got["variants"][0]["id"]
    finally:
        currencies(stack, [])


def test_fixed_price_wins_everywhere_and_a_change_mid_checkout_is_refused(stack):
    t = stack.demo_token
    currencies(stack, EUR)
    coll_id = None
    try:
        slug = "fx-shown-" + uuid.uuid4().hex[:6]
        p, vs = variant_product(stack, slug)
        coll = "fx-coll-" + uuid.uuid4().hex[:6]
        r = stack.post(API + "/collections", {"title": "Fx", "slug": coll, "productIds": [p["id"]]}, token=t)
        assert r.status == 201, r
        coll_id = r.json()["id"]
        # converted: $20.00 x 0.92 = 18.40 -> 18.99; $30.00 -> 27.60 -> 27.99
        s = EuroShopper(stack)
        page = s.req("GET", "/products/" + slug).text
        assert "€18.99" in page and "€27.99" in page
        # fixed: S at €17.50 (not rounded to .99), compare-at €21.00; M stays converted
        r = prices(stack, p["id"], {"presentmentPrices": [{"variantId": vs["S"], "currency": "EUR", "price": 1750,
                                                           "compareAtPrice": 2100}]})
        assert r.status == 200, r.text
        page = s.req("GET", "/products/" + slug)
        assert page.status == 200 and page.header("Cache-Control") == "private, no-cache"
        main = page.text.split("<main")[1].split("product-card")[0]   # the product, not related ones
        assert "€17.50" in main and "€21.00" in main and "€27.99" in main and "€18.99" not in main
        # the shop's currency is untouched
        plain = stack.get("/products/" + slug).text.split("<main")[1]
        assert "$20.00" in plain and "€" not in plain
        # listings and a collection: the product's price is its cheapest variant's, fixed
        for path in ("/products?filter.p.vendor=" + slug, "/collections/" + coll):
            text = s.req("GET", path).text
            assert "€17.50" in text and "€18.99" not in text, path
        # the search results page too
        found = s.req("GET", "/search?q=" + p["name"].replace(" ", "+")).text
        assert "€17.50" in found and "$20.00" not in found.split("<main")[1]
        # the cart: the fixed unit price times the quantity
        assert s.add(p["id"], 2, vs["S"]).status == 200
        assert s.add(p["id"], 1, vs["M"]).status == 200
        cart = s.req("GET", "/cart").text
        assert "€35.00" in cart and "€27.99" in cart and "€62.99" in cart   # 2 x 17.50 + 27.99
        co = s.req("GET", "/checkout").text
        assert 'data-currency="EUR" data-rate="0.92" data-subtotal="6299"' in co
        body = {"email": "fx@example.com", "name": "Fx", "shippingMethod": "pickup", "paymentMethod": "manual",
                "currency": "EUR", "rate": "0.92", "presentmentSubtotal": 6299}
        # the merchant changes the fixed price while the shopper is on the checkout page
        r = prices(stack, p["id"], {"presentmentPrices": [{"variantId": vs["S"], "currency": "EUR", "price": 1800}]})
        assert r.status == 200
        r = s.req("POST", "/api/checkout", dict(body, idempotencyKey=uuid.uuid4().hex))
        assert r.status == 409, r.text
        e = r.json()["error"]
        assert e["code"] == "price_changed" and e["details"]["field"] == "presentmentSubtotal"
        assert e["details"]["presentmentSubtotal"] == 6399 and "€63.99" in e["message"]
        assert stack.sql("SELECT count(*) FROM orders o JOIN tenants t ON t.id = o.tenant_id "
                         "WHERE t.username = 'demo' AND o.email = 'fx@example.com' AND o.presentment_total = 6299")[0][0] == 0
        # the shopper reviews (the page now says 63.99) and orders at the new price
        co = s.req("GET", "/checkout").text
        assert 'data-subtotal="6399"' in co
        r = s.req("POST", "/api/checkout", dict(body, presentmentSubtotal=6399, idempotencyKey=uuid.uuid4().hex))
        assert r.status == 201, r.text
        o = r.json()["order"]
        assert o["currency"] == "USD" and o["shopCurrency"] == "USD" and o["total"] == 70.0
        assert o["presentmentCurrency"] == "EUR" and o["presentmentRate"] == "0.92"
        assert o["presentmentTotal"] == 63.99 and o["presentmentTotalFormatted"] == "€63.99"
        lines = {i["variantId"]: i for i in o["items"]}
        assert lines[vs["S"]]["presentmentUnitPrice"] == 18.0 and lines[vs["S"]]["presentmentLineTotal"] == 36.0
        assert lines[vs["S"]]["unitPrice"] == 20.0
        assert lines[vs["M"]]["presentmentUnitPrice"] == 27.99
        # the order page and the merchant's order API say the same
        page = stack.get(o["url"], headers={"Cookie": "sf_currency=EUR"})
        assert page.status == 200 and "€63.99" in page.text and "(€36.00)" in page.text and "$70.00" in page.text
        adm = stack.get(API + "/orders/%s" % o["number"], token=t).json()
        adm = adm.get("order", adm)
        assert adm["presentmentCurrency"] == "EUR" and adm["presentmentTotal"] == 6399 and adm["shopCurrency"] == "USD"
        assert {i["variantId"]: i["presentmentUnitPrice"] for i in adm["items"]} == {vs["S"]: 1800, vs["M"]: 2799}
        # an order in the shop's own currency: presentment = shop
        s2 = Shopper(stack)
        assert s2.add(p["id"], 1, vs["S"]).status == 200
        r = s2.checkout(shippingMethod="pickup", shippingAddress=None)
        assert r.status == 201, r.text
        o2 = r.json()["order"]
        assert o2["presentmentCurrency"] == "USD" and o2["presentmentTotal"] == o2["total"] and o2["presentmentRate"] is None
    finally:
        currencies(stack, [])
        if coll_id:   # the demo store's collections as other tests know them
            stack.delete(API + "/collections/%s" % coll_id, token=t)


VIBE = """function renderFx(storefront, products, helpers, api) {
  const p = products.find(x => x.slug === config_slug);
  const q = api.getProducts({ limit: 1000 }).find(x => x.slug === config_slug);
  if (!p || !q) return '<p id="fx">none</p>';
  return '<p id="fx">' + [storefront.currency, storefront.shopCurrency, storefront.presentmentCurrency.code,
    storefront.presentmentCurrency.symbol, String(storefront.presentmentCurrency.rate), p.currency, p.price, p.shopPrice,
    p.variants.map(v => v.price + '/' + v.shopPrice).join(' '), helpers.formatPrice(p.price), q.price].join('|') + '</p>';
}
"""


def test_vibe_code_gets_the_presentment_currency_and_prices(stack):
    from test_vibe_contract import new_page
    t = stack.demo_token
    currencies(stack, EUR)
    try:
        slug = "fx-vibe-" + uuid.uuid4().hex[:6]
        p, vs = variant_product(stack, slug)
        r = prices(stack, p["id"], {"presentmentPrices": [{"variantId": vs["S"], "currency": "EUR", "price": 1750}]})
        assert r.status == 200, r.text
        code = VIBE.replace("config_slug", repr(slug))
        page_slug = "fx-page-" + uuid.uuid4().hex[:6]
        new_page(stack, page_slug, [{"vibeCode": code, "config": {"limit": 100}}])

        def fx(cookie=None):
            r = stack.get("/" + page_slug, headers={"Cookie": cookie} if cookie else None)
            assert r.status == 200, r
            out = r.text.split('<p id="fx">')[1].split("</p>")[0]
            return r, out.split("|")

        # the store's own currency: as before, shop amounts beside
        r, f = fx()
        assert f == ["USD", "USD", "USD", "$", "null", "USD", "20", "20", "20/20 30/30", "$20.00", "20"], f
        # the shopper's EUR (a rendered copy of the inputs in USD is not reused)
        r, f = fx("sf_currency=EUR")
        assert f == ["EUR", "USD", "EUR", "€", "0.92", "EUR", "17.5", "20", "17.5/20 27.99/30", "€17.50", "17.5"], f
        assert r.header("Cache-Control") == "private, no-cache"
        r, f = fx("sf_currency=JPY")
        assert f[0] == "JPY" and f[6] == "3026" and f[9] == "¥3,026", f    # 20 x 151.3 = 3026 (whole units)
        # /api/products and /api/products/{slug}: the same prices
        one = stack.get("/api/products/" + slug, headers={"Cookie": "sf_currency=EUR"}).json()
        assert one["price"] == 17.5 and one["shopPrice"] == 20 and one["currency"] == "EUR"
        assert {v["id"]: (v["price"], v["shopPrice"]) for v in one["variants"]} == {vs["S"]: (17.5, 20), vs["M"]: (27.99, 30)}
        listed = stack.get("/api/products?limit=100", headers={"Cookie": "sf_currency=EUR"}).json()["products"]
        mine = next(x for x in listed if x["slug"] == slug)
        assert mine["price"] == 17.5 and mine["shopPrice"] == 20
        plain = stack.get("/api/products/" + slug).json()
        assert plain["price"] == 20 and plain["shopPrice"] == 20 and plain["currency"] == "USD"
    finally:
        currencies(stack, [])


def test_gateway_charges_the_shoppers_currency_when_the_store_says_so(stack):
    from commerce_fakes import FakeStripe
    t = stack.demo_token
    fake = FakeStripe()
    r = stack.put(API + "/commerce/settings", {
        "paymentMethods": ["manual", "stripe"],
        "stripe": {"apiBase": fake.url, "secretKey": fake.key, "publishableKey": "pk_test", "webhookSecret": "whsec_x"},
        "currencies": [{"code": "EUR", "rate": 0.92, "rounding": "0.99", "charge": True},
                       {"code": "JPY", "rate": 151.3, "rounding": "whole"}]}, token=t)
    assert r.status == 200, r.text
    try:
        r = stack.put(API + "/commerce/settings", {"currencies": [{"code": "EUR", "rate": 0.92, "charge": "yes"}]}, token=t)
        assert r.status == 422 and field_of(r) == "currencies"
        before = stack.get(API + "/analytics/today", token=t).json()
        rev0 = {x["currency"]: x["amount"] for x in before["revenue"]}
        p = new_product(stack, t, "fx-charge-" + uuid.uuid4().hex[:6], price=1000, stock=20)

        def buy(currency, pay, items, email="fx@example.com"):
            s = EuroShopper(stack, currency) if currency else Shopper(stack)
            assert s.add(p["id"], 2).status == 200
            body = {"email": email, "name": "Fx", "shippingMethod": "pickup", "paymentMethod": pay,
                    "idempotencyKey": uuid.uuid4().hex}
            if currency:
                rate = {"EUR": "0.92", "JPY": "151.3"}[currency]
                body.update(currency=currency, rate=rate, presentmentSubtotal=items)
            r = s.req("POST", "/api/checkout", body)
            assert r.status == 201, r.text
            return r.json()["order"]

        # the checkout page says where the charge is made
        s = EuroShopper(stack, "EUR")
        assert s.add(p["id"], 1).status == 200
        assert "You are charged in EUR" in s.req("GET", "/checkout").text
        s = EuroShopper(stack, "JPY")
        assert s.add(p["id"], 1).status == 200
        assert "What you are charged is in the store's currency, USD" in s.req("GET", "/checkout").text
        # EUR, charged in EUR: the gateway is asked for EUR 19.98 (2 x 9.99)
        mail_to = "fx-%s@example.com" % uuid.uuid4().hex[:8]
        o = buy("EUR", "stripe", 1998, mail_to)
        form = fake.requests[-1]
        assert form["amount"] == "1998" and form["currency"] == "eur", form
        assert o["chargeCurrency"] == "EUR" and o["chargeTotal"] == 19.98 and o["total"] == 20.0
        assert o["presentmentTotal"] == 19.98
        adm = stack.get(API + "/orders/%s" % o["number"], token=t).json()
        assert adm["chargeCurrency"] == "EUR" and adm["chargeTotal"] == 1998 and adm["total"] == 2000
        # the confirmation email says what the shopper saw and is charged
        from test_customers import deliver
        smtp = SMTPSink()
        try:
            deliver(stack, smtp)
            mails = [m["data"] for m in smtp.messages if m["to"][0] == mail_to]
        finally:
            smtp.close()
        assert mails and "In EUR     €19.98" in mails[0] and "Charged    €19.98" in mails[0], mails
        # JPY, not charged in it: the gateway charges the store's dollars
        o = buy("JPY", "stripe", 3026)
        form = fake.requests[-1]
        assert form["amount"] == "2000" and form["currency"] == "usd", form
        assert o["chargeCurrency"] == "USD" and o["presentmentCurrency"] == "JPY" and o["presentmentTotal"] == 3026
        # a manual EUR order: paid, then refunded in EUR (the currency charged), never more than was charged
        o = buy("EUR", "manual", 1998)
        n = o["number"]
        assert stack.post(API + "/orders/%s/paid" % n, {}, token=t).status == 200
        r = stack.post(API + "/orders/%s/refund" % n, {"amount": 1999}, token=t)
        assert r.status == 422 and field_of(r) == "amount" and "1998" in r.text and "EUR" in r.text, r.text
        r = stack.post(API + "/orders/%s/refund" % n, {"amount": 998}, token=t)
        assert r.status == 200, r.text
        assert r.json()["paymentStatus"] == "partially_refunded" and r.json()["refunded"] == 998
        r = stack.post(API + "/orders/%s/refund" % n, {}, token=t)       # the rest: 10.00 EUR
        assert r.status == 200 and r.json()["paymentStatus"] == "refunded" and r.json()["refunded"] == 1998
        # a plain order in dollars
        buy(None, "manual", None)
        # analytics: revenue per currency charged, never added across currencies
        after = stack.get(API + "/analytics/today", token=t).json()
        rev1 = {x["currency"]: x["amount"] for x in after["revenue"]}
        assert round(rev1.get("EUR", 0) - rev0.get("EUR", 0), 2) == 19.98     # 19.98 + (19.98 - 19.98 refunded)
        assert round(rev1["USD"] - rev0.get("USD", 0), 2) == 40.0             # the JPY order (charged $20) + $20
        assert "JPY" not in rev1
        assert after["orders"] - before["orders"] == 4
    finally:
        stack.put(API + "/commerce/settings", {"paymentMethods": ["manual"], "currencies": []}, token=t)
        fake.close()


def test_search_and_suggestions_show_the_shoppers_currency(stack):
    """The search API and the header's suggestions price products as the
    pages do: a fixed price, else the converted one, formatted in the
    shopper's currency; the store's amounts beside them."""
    currencies(stack, EUR)
    try:
        word = "zorbix" + uuid.uuid4().hex[:4]
        p, vs = variant_product(stack, word)
        r = stack.put(API + "/products/%s" % p["id"], {"name": "Zorbix " + word}, token=stack.demo_token)
        assert r.status == 200, r
        assert prices(stack, p["id"], {"presentmentPrices": [{"variantId": vs["S"], "currency": "EUR", "price": 1500}]}).status == 200
        eur = {"Cookie": "sf_currency=EUR"}
        usd = stack.get("/api/search?q=" + word).json()["products"][0]
        assert usd["price"] == 20 and usd["shopPrice"] == 20, usd
        found = stack.get("/api/search?q=" + word, headers=eur).json()["products"][0]
        assert found["price"] == 15 and found["shopPrice"] == 20, found       # the fixed EUR price, unrounded
        m = next(v for v in found["variants"] if v["id"] == vs["M"])
        assert m["price"] == 27.99 and m["shopPrice"] == 30, m              # 30 x 0.92 = 27.60 -> .99
        # as the shopper types
        sug = stack.get("/api/search/suggest?q=" + word, headers=eur).json()["resources"]["results"]["products"][0]
        assert sug["priceFormatted"] == "€15.00" and sug["shopPrice"] == 20, sug
        sug = stack.get("/api/search/suggest?q=" + word).json()["resources"]["results"]["products"][0]
        assert sug["priceFormatted"] == "$20.00", sug
    finally:
        currencies(stack, [])


def test_checkout_summary_is_in_the_shoppers_currency_and_is_what_the_order_records(stack):
    """The quote (the checkout page's live summary) and the page itself give
    shipping, tax, discount and the total in the shopper's currency, by the
    rule the order uses: the order's presentmentTotal and the gateway's
    charge equal the quote to the cent; a rate changed in between is 409."""
    from commerce_fakes import FakeStripe
    t = stack.demo_token
    fake = FakeStripe()
    code = "FX" + uuid.uuid4().hex[:6].upper()
    r = stack.post(API + "/discounts", {"code": code, "kind": "percent", "value": 15}, token=t)
    assert r.status == 201, r.text
    r = stack.put(API + "/commerce/settings", {
        "paymentMethods": ["manual", "stripe"],
        "stripe": {"apiBase": fake.url, "secretKey": fake.key, "publishableKey": "pk_test", "webhookSecret": "whsec_x"},
        "tax": {"rateBps": 825, "inclusive": False, "shipping": True},
        "currencies": [{"code": "EUR", "rate": 0.92, "rounding": "0.99", "charge": True},
                       {"code": "JPY", "rate": 151.3, "rounding": "whole"}]}, token=t)
    assert r.status == 200, r.text
    try:
        p = new_product(stack, t, "fx-quote-" + uuid.uuid4().hex[:6], price=2000, stock=20)
        s = EuroShopper(stack)
        assert s.add(p["id"], 3).status == 200
        ask = {"shippingMethod": "express", "discountCode": code}
        # shop: 60.00 - 9.00 + 15.00 + tax 5.45 = 71.45; EUR: items 3 x 18.99 = 56.97, the rest
        # (11.45 x 0.92 = 10.534 -> 10.53) converted unrounded: 67.50
        q = s.req("POST", "/api/cart/quote", ask).json()
        assert (q["currency"], q["total"]) == ("USD", 71.45), q
        assert q["presentmentCurrency"] == "EUR" and q["presentmentRate"] == "0.92"
        assert (q["presentmentSubtotal"], q["presentmentDiscount"], q["presentmentShipping"], q["presentmentTax"],
                q["presentmentTotal"]) == (56.97, 8.28, 13.8, 5.01, 67.5), q
        # the lines add up to the total shown
        assert round(q["presentmentSubtotal"] - q["presentmentDiscount"] + q["presentmentShipping"] + q["presentmentTax"], 2) == 67.5
        assert q["presentmentTotalFormatted"] == "€67.50" and q["presentmentShippingFormatted"] == "€13.80"
        assert q["chargeCurrency"] == "EUR" and q["chargeTotal"] == 67.5
        # the page's script names the currency and rate it shows: the same answer
        q2 = s.req("POST", "/api/cart/quote", dict(ask, currency="EUR", rate="0.92")).json()
        assert q2 == q
        # the shop's own currency (named, or no cookie): the shop's amounts, charged in them
        plain = s.req("POST", "/api/cart/quote", dict(ask, currency="USD")).json()
        assert plain["presentmentCurrency"] == "USD" and plain["presentmentTotal"] == 71.45 and plain["chargeTotal"] == 71.45
        # bad input: a currency the store does not sell in, a rate that is not the store's
        r = s.req("POST", "/api/cart/quote", dict(ask, currency="GBP", rate="1"))
        assert r.status == 422 and field_of(r) == "currency", r.text
        r = s.req("POST", "/api/cart/quote", dict(ask, currency="EUR", rate="0.91"))
        assert r.status == 409 and r.json()["error"]["code"] == "rate_changed", r.text
        assert r.json()["error"]["details"]["rate"] == "0.92"
        # the page: the summary for its first method, in euros, as the quote gives it
        page = s.req("GET", "/checkout").text
        first = s.req("POST", "/api/cart/quote", {"shippingMethod": "standard"}).json()
        assert 'data-total="total">%s<' % first["presentmentTotalFormatted"] in page, page
        assert 'data-total="shipping">%s<' % first["presentmentShippingFormatted"] in page
        assert 'data-total="subtotal">€56.97<' in page and "You are charged in EUR" in page
        assert "(€13.80)" in page          # express, converted as the order converts it
        # the order: what the quote said, to the cent, and the gateway is asked for exactly that
        body = {"email": "fxq@example.com", "name": "Fx", "shippingMethod": "express", "paymentMethod": "stripe",
                "discountCode": code, "currency": "EUR", "rate": "0.92", "presentmentSubtotal": 5697,
                "shippingAddress": {"line1": "1 Rue", "city": "Paris", "postalCode": "75002", "country": "FR"}}
        r = s.req("POST", "/api/checkout", dict(body, idempotencyKey=uuid.uuid4().hex))
        assert r.status == 201, r.text
        o = r.json()["order"]
        assert o["presentmentTotal"] == q["presentmentTotal"] and o["presentmentTotalFormatted"] == "€67.50"
        assert o["chargeCurrency"] == "EUR" and o["chargeTotal"] == q["chargeTotal"] and o["total"] == q["total"]
        form = fake.requests[-1]
        assert form["amount"] == "6750" and form["currency"] == "eur", form
        # not charged in it (JPY): the summary is in yen, the charge is the shop's total
        j = EuroShopper(stack, "JPY")
        assert j.add(p["id"], 1).status == 200
        qj = j.req("POST", "/api/cart/quote", {"shippingMethod": "standard"}).json()
        assert qj["presentmentCurrency"] == "JPY" and qj["chargeCurrency"] == "USD" and qj["chargeTotal"] == qj["total"]
        pj = j.req("GET", "/checkout").text
        assert 'data-total="chargeTotal">%s<' % qj["chargeTotalFormatted"] in pj and "store's currency, USD" in pj
        assert 'data-total="total">%s<' % qj["presentmentTotalFormatted"] in pj
        # the rate changes between the quote and the order: refused, nothing placed
        s2 = EuroShopper(stack)
        assert s2.add(p["id"], 1).status == 200
        q = s2.req("POST", "/api/cart/quote", {"shippingMethod": "pickup", "currency": "EUR", "rate": "0.92"})
        assert q.status == 200
        r = stack.put(API + "/commerce/settings", {"currencies": [{"code": "EUR", "rate": 0.93, "rounding": "0.99",
                                                                   "charge": True}]}, token=t)
        assert r.status == 200
        r = s2.req("POST", "/api/checkout", {"email": "fxr@example.com", "name": "Fx", "shippingMethod": "pickup",
                                             "paymentMethod": "manual", "currency": "EUR", "rate": "0.92",
                                             "presentmentSubtotal": 1899, "idempotencyKey": uuid.uuid4().hex})
        assert r.status == 409 and r.json()["error"]["code"] == "rate_changed" and r.json()["error"]["details"]["rate"] == "0.93"
        assert stack.sql("SELECT count(*) FROM orders WHERE email = 'fxr@example.com'")[0][0] == 0
        r = s2.req("POST", "/api/cart/quote", {"shippingMethod": "pickup", "currency": "EUR", "rate": "0.92"})
        assert r.status == 409 and r.json()["error"]["code"] == "rate_changed"
    finally:
        stack.put(API + "/commerce/settings", {"paymentMethods": ["manual"], "currencies": [],
                                               "tax": {"rateBps": 0, "inclusive": False, "shipping": False}}, token=t)
        fake.close()


CART_VIBE = """function renderCart(cart, storefront, helpers, api) {
  if (!cart) return '<p id="fxc">none</p>';
  return '<p id="fxc">' + [cart.currency, cart.shopCurrency, cart.subtotal, cart.shopSubtotal, cart.subtotalFormatted,
    helpers.formatPrice(cart.subtotal), cart.itemCount,
    cart.items.map(i => i.price + 'x' + i.quantity + '=' + i.lineTotal + '/' + i.shopPrice + '/' + i.shopLineTotal).join(' '),
    api.getCart() ? 'api' : 'noapi'].join('|') + '</p>';
}
"""


def test_vibe_code_cart_is_in_the_shoppers_currency(stack):
    from test_vibe_contract import new_page
    currencies(stack, EUR)
    try:
        slug = "fx-cartv-" + uuid.uuid4().hex[:6]
        p, vs = variant_product(stack, slug)
        r = prices(stack, p["id"], {"presentmentPrices": [{"variantId": vs["S"], "currency": "EUR", "price": 1750}]})
        assert r.status == 200, r.text
        page_slug = "fx-cartpage-" + uuid.uuid4().hex[:6]
        new_page(stack, page_slug, [{"vibeCode": CART_VIBE}])

        def fx(s):
            r = s.req("GET", "/" + page_slug)
            assert r.status == 200, r
            return r, r.text.split('<p id="fxc">')[1].split("</p>")[0].split("|")

        s = EuroShopper(stack)
        r, f = fx(s)                     # no cart yet: null (and the page may be kept for guests)
        assert f == ["none"], f
        assert s.add(p["id"], 2, vs["S"]).status == 200
        assert s.add(p["id"], 1, vs["M"]).status == 200
        # the cart in euros: S at its fixed 17.50, M converted 30.00 x 0.92 -> 27.99; the store's amounts beside
        r, f = fx(s)
        assert f[:7] == ["EUR", "USD", "62.99", "70", "€62.99", "€62.99", "3"], f
        assert sorted(f[7].split(" ")) == ["17.5x2=35/20/40", "27.99x1=27.99/30/30"], f
        assert f[8] == "api"
        # the shopper's own: never a shared copy
        assert "no-store" in r.header("Cache-Control")
        # the same cart in the store's currency
        plain = Shopper(stack)
        plain.cookie = s.cookie
        r, f = fx(plain)
        assert f[:7] == ["USD", "USD", "70", "70", "$70.00", "$70.00", "3"], f
        # someone else without a cart still gets null
        r, f = fx(EuroShopper(stack))
        assert f == ["none"], f
    finally:
        currencies(stack, [])


def test_csv_import_and_export_carry_fixed_prices(stack):
    import csv
    import io
    host = "fxcsv.localhost"
    tok = stack.tenant("fxcsv", "Fx CSV Store")
    r = stack.put(API + "/commerce/settings", {"currencies": EUR}, token=tok, host=host)
    assert r.status == 200, r.text
    head = ["Handle", "Title", "Option1 Name", "Option1 Value", "Variant Price", "Variant Compare At Price",
            "Variant Inventory Qty", "Price / EUR", "Compare At Price / EUR", "Price / JPY", "Price / International"]

    def csv_of(rows, header=head):
        buf = io.StringIO()
        w = csv.DictWriter(buf, fieldnames=header, lineterminator="\n")
        w.writeheader()
        for x in rows:
            w.writerow({k: x.get(k, "") for k in header})
        return buf.getvalue()

    def imp(text):
        return stack.request("POST", API + "/products/import", body=text, token=tok, host=host,
                             headers={"Content-Type": "text/csv"})

    def fixed(slug):
        p = next(x for x in stack.get(API + "/products?limit=100", token=tok, host=host).json()["products"]
                 if x["slug"] == slug)
        one = stack.get(API + "/products/%s" % p["id"], token=tok, host=host).json()
        names = {v["id"]: v["options"][0] for v in one.get("variants", [])}
        return {(names.get(x["variantId"]), x["currency"], x["price"], x["compareAtPrice"]) for x in one["presentmentPrices"]}

    rows = [
        {"Handle": "fx-tee", "Title": "Fx Tee", "Option1 Name": "Size", "Option1 Value": "S", "Variant Price": "20.00",
         "Variant Inventory Qty": "5", "Price / EUR": "17.50", "Compare At Price / EUR": "21.00",
         "Price / International": "99.00"},   # a Shopify Markets column: not a currency, not read
        {"Handle": "fx-tee", "Option1 Value": "M", "Variant Price": "30.00", "Variant Inventory Qty": "5", "Price / JPY": "3000"},
        {"Handle": "fx-cap", "Title": "Fx Cap", "Option1 Name": "Title", "Option1 Value": "Default Title",
         "Variant Price": "10.00", "Variant Inventory Qty": "2", "Price / EUR": "9.49"},
    ]
    r = imp(csv_of(rows))
    assert r.status == 200 and (r.json()["created"], r.json()["failed"]) == (2, 0), r.text
    assert fixed("fx-tee") == {("S", "EUR", 1750, 2100), ("M", "JPY", 3000, None)}
    assert fixed("fx-cap") == {(None, "EUR", 949, None)}
    # the shop shows them
    s = EuroShopper(stack, host=host)
    assert "€9.49" in s.req("GET", "/products/fx-cap").text
    # the export: a price and compare-at column per currency the store sells in
    text = stack.get(API + "/products.csv", token=tok, host=host).text
    out = list(csv.DictReader(io.StringIO(text)))
    assert {"Price / EUR", "Compare At Price / EUR", "Price / JPY", "Compare At Price / JPY"} <= set(out[0])
    tee = {x["Option1 Value"]: x for x in out if x["Handle"] == "fx-tee"}
    assert (tee["S"]["Price / EUR"], tee["S"]["Compare At Price / EUR"], tee["S"]["Price / JPY"]) == ("17.50", "21.00", "")
    assert (tee["M"]["Price / EUR"], tee["M"]["Price / JPY"]) == ("", "3000")
    assert next(x for x in out if x["Handle"] == "fx-cap")["Price / EUR"] == "9.49"
    # read back: nothing changes
    r = imp(text)
    assert r.status == 200 and (r.json()["created"], r.json()["updated"], r.json()["failed"]) == (0, 2, 0), r.text
    assert fixed("fx-tee") == {("S", "EUR", 1750, 2100), ("M", "JPY", 3000, None)}
    assert fixed("fx-cap") == {(None, "EUR", 949, None)}
    # bad cells: reported by row and column, that product left as it was
    for cell, value, col in [("Price / EUR", "abc", "Price / EUR"), ("Price / EUR", "1.234", "Price / EUR"),
                             ("Price / JPY", "12.5", "Price / JPY"), ("Compare At Price / EUR", "x", "Compare At Price / EUR")]:
        bad = [dict(rows[2], **{cell: value})]
        r = imp(csv_of(bad))
        assert r.status == 200 and r.json()["failed"] == 1, (cell, r.text)
        assert [(e["row"], e["column"]) for e in r.json()["errors"]] == [(2, col)], r.text
    assert fixed("fx-cap") == {(None, "EUR", 949, None)}
    # a currency the store does not sell in: nothing imported, the column named
    r = imp(csv_of([dict(rows[2], **{"Price / GBP": "8.00"})], head + ["Price / GBP"]))
    assert r.status == 422 and "Price / GBP" in r.json()["error"], r.text
    assert fixed("fx-cap") == {(None, "EUR", 949, None)}
    # an empty cell in a file with the column clears it; a file without the columns leaves them
    r = imp(csv_of([dict(rows[2], **{"Price / EUR": ""})]))
    assert r.status == 200 and r.json()["updated"] == 1, r.text
    assert fixed("fx-cap") == set()
    plain = ["Handle", "Title", "Option1 Name", "Option1 Value", "Variant Price", "Variant Inventory Qty"]
    r = imp(csv_of(rows[:2], plain))
    assert r.status == 200 and r.json()["updated"] == 1, r.text
    assert fixed("fx-tee") == {("S", "EUR", 1750, 2100), ("M", "JPY", 3000, None)}
