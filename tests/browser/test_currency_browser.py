"""A shopper who chose euros, in chromium (currency.mjs): the menu, the
home grid's fixed price, cart, checkout and confirmation. Screenshots:
tests/artifacts/currency-*.png."""
from test_browser import demo_stack, run_script  # noqa: F401  (the module's stack)

API = "/api/cms"


def test_a_euro_purchase_in_chromium(demo_stack):  # noqa: F811
    s = demo_stack
    token = s.token("demo", "owner@demo.localhost")
    r = s.put(API + "/commerce/settings", {"currencies": [{"code": "EUR", "rate": 0.92, "rounding": "0.99"}]}, token=token)
    assert r.status == 200, r
    # a product of the home grid without variants, in stock, under the free-shipping line
    pid, name = s.sql("SELECT p.id, p.name FROM products p JOIN tenants t ON t.id = p.tenant_id WHERE t.username = 'demo' "
                      "AND p.status = 'active' AND p.stock > 5 AND p.price >= 8000 AND NOT EXISTS "
                      "(SELECT 1 FROM variants v WHERE v.product_id = p.id) ORDER BY p.position, p.id LIMIT 1")[0]
    r = s.put(API + "/products/%s/prices" % pid, {"presentmentPrices": [{"currency": "EUR", "price": 7700}]}, token=token)
    assert r.status == 200, r
    run_script(s, "currency.mjs", SF_FX_NAME=name, SF_FX_FIXED="€77.00")
    # the order the browser placed keeps what the shopper saw
    rows = s.sql("SELECT o.presentment_currency, o.presentment_rate, i.presentment_price FROM orders o "
                 "JOIN order_items i ON i.order_id = o.id WHERE o.email = 'euro@example.com'")
    assert rows == [("EUR", "0.92", 7700)], rows
