"""The shopper's browsing in chromium (shopper.mjs): variant picker, the
form post without JavaScript, listing filters and sort, the phone cart and
the two-column checkout. Screenshots: tests/artifacts/shopper-*.png."""
import os

from test_browser import ARTIFACTS, HERE, demo_stack, run_script, run_script_with_codes  # noqa: F401  (the module's stack)

API = "/api/cms"


def make(stack, token, slug, **kw):
    body = {"name": slug.replace("-", " ").title(), "slug": slug, "price": 1000, "stock": 5, "vendor": "Picker Test Co"}
    body.update(kw)
    r = stack.post(API + "/products", body, token=token)
    assert r.status == 201, r
    return r.json()


def test_shopper_browsing_in_chromium(demo_stack):  # noqa: F811
    s = demo_stack
    token = s.token("demo", "owner@demo.localhost")
    tee = make(s, token, "picker-tee", price=0, stock=0, image="/media/demo/flannel-camp-shirt.svg",
               options=[{"name": "Size", "values": ["S", "M", "L"]},
                        {"name": "Color", "values": ["Red", "Forest Green"]}],
               variants=[{"option1": "S", "option2": "Red", "price": 2000, "stock": 0, "sku": "TEE-S-RED"},
                         {"option1": "M", "option2": "Red", "price": 2100, "stock": 4, "sku": "TEE-M-RED",
                          "compareAtPrice": 2500},
                         {"option1": "M", "option2": "Forest Green", "price": 2200, "stock": 1, "sku": "TEE-M-GRN",
                          "image": "/media/demo/camp-lantern.svg"},
                         {"option1": "L", "option2": "Red", "price": 2300, "stock": 0, "sku": "TEE-L-RED"}])
    make(s, token, "pt-alpha", price=3000, stock=2, compareAtPrice=4000)
    make(s, token, "pt-bravo", price=1000, stock=0)
    make(s, token, "pt-charlie", price=2500, stock=9)
    green = next(v["id"] for v in tee["variants"] if v["sku"] == "TEE-M-GRN")
    run_script(s, "shopper.mjs", SF_GREEN_ID=green, SF_TOKEN=token)
    # the no-JavaScript form post put the green tee in a cart, whole; the POS sold the last one
    rows = s.sql("SELECT ci.quantity FROM cart_items ci JOIN variants v ON v.id = ci.variant_id WHERE v.sku = 'TEE-M-GRN'")
    assert rows and all(q == 1 for (q,) in rows), rows
    assert s.sql("SELECT stock FROM variants WHERE sku = 'TEE-M-GRN'") == [(0,)]


def test_account_in_chromium(demo_stack):  # noqa: F811
    """account.mjs: wishlist as a guest, sign-in with a code from the SMTP
    sink (handed to the script on stdin), merge, saved address, order
    history; the database holds what the browser did."""
    from commerce_fakes import SMTPSink
    s = demo_stack
    smtp = SMTPSink()
    email = "ada-%d@example.com" % os.getpid()
    try:
        run_script_with_codes(s, "account.mjs", smtp, email, 6, deliver_env=dict(s.env, STOREFRONT_SMTP_URL=smtp.url))
    finally:
        smtp.close()
    rows = s.sql("SELECT c.email_verified_at IS NOT NULL, (SELECT count(*) FROM wishlist_items w WHERE w.customer_id = c.id), "
                 "(SELECT count(*) FROM orders o WHERE o.customer_id = c.id) FROM customers c WHERE c.email = ?", email)
    assert rows == [(1, 1, 1)], rows
