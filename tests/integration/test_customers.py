"""Shopper accounts over the real stack (issue 13): sign-up and password
sign-in, one-time codes read from the SMTP sink, throttling, expired and
brute-forced codes, sessions per store, CSRF on writes, saved addresses
and checkout prefill, order history (guest orders after a verified
sign-in), re-order, account deletion with orders kept anonymised, vibe
code's `user` and `userTypes`, and the merchant's /api/cms/customers."""
import json
import re
import subprocess
import uuid

from commerce_fakes import SMTPSink
from shop import API, Shopper, new_product
from stack import CLI


class Customer(Shopper):
    """A shopper with both cookies (cart and account) and the CSRF token."""

    def __init__(self, stack, host="demo.localhost"):
        super().__init__(stack, host)
        self.session = None
        self.csrf = None

    def req(self, method, path, body=None, headers=None):
        h = dict(headers or {})
        cookies = []
        if self.cookie:
            cookies.append("sf_cart=" + self.cookie)
        if self.session:
            cookies.append("sf_customer=" + self.session)
        if cookies:
            h["Cookie"] = "; ".join(cookies)
        if self.csrf and "X-CSRF-Token" not in h:
            h["X-CSRF-Token"] = self.csrf
        r = self.stack.request(method, path, host=self.host, json_body=body, headers=h)
        for k, v in r.headers:
            if k.lower() == "set-cookie" and v.startswith("sf_cart="):
                self.cookie = v.split(";")[0].split("=", 1)[1]
            if k.lower() == "set-cookie" and v.startswith("sf_customer="):
                self.session = v.split(";")[0].split("=", 1)[1] or None
        if r.status < 300 and r.header("Content-Type", ) and "json" in r.header("Content-Type"):
            d = r.json()
            if isinstance(d, dict) and d.get("csrfToken"):
                self.csrf = d["csrfToken"]
        return r


def email():
    return "c-%s@example.com" % uuid.uuid4().hex[:10]


def deliver(stack, smtp):
    env = dict(stack.env, STOREFRONT_SMTP_URL=smtp.url, STOREFRONT_SMTP_FROM="shop@demo.localhost")
    out = subprocess.run([CLI, "--db", stack.db, "deliver"], env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr


def code_for(stack, smtp, to):
    deliver(stack, smtp)
    mails = [m["data"] for m in smtp.messages if m["to"][0] == to]
    assert mails, "no mail to " + to
    m = re.search(r"^\s+(\d{6})\s*$", mails[-1], re.M)
    assert m, mails[-1]
    return m.group(1)


def test_signup_login_logout_and_bad_input(stack):
    c, e = Customer(stack), email()
    r = c.req("POST", "/api/account/signup", {"email": e.upper(), "password": "correct-horse-1", "name": "Cam"})
    assert r.status == 201, r
    assert r.json()["customer"]["email"] == e and r.json()["customer"]["name"] == "Cam"
    assert c.session and len(c.csrf) == 64
    assert c.req("GET", "/api/account").json()["customer"]["orderCount"] == 0
    # the same email again: 409 naming email; weak password, bad email: 422
    r = Customer(stack).req("POST", "/api/account/signup", {"email": e, "password": "correct-horse-1"})
    assert r.status == 409 and r.json()["error"]["details"]["field"] == "email"
    for body, field in [({"email": email(), "password": "short"}, "password"),
                        ({"email": "nope", "password": "correct-horse-1"}, "email"),
                        ({"email": email(), "password": "correct-horse-1", "name": "a\x01b"}, "name")]:
        r = Customer(stack).req("POST", "/api/account/signup", body)
        assert r.status == 422 and field in json.dumps(r.json()["error"]), (body, r)
    # sign out: the session is dead on the server too
    old = c.session
    assert c.req("POST", "/api/account/logout", {}).status == 200
    c.session = old
    assert c.req("GET", "/api/account").status == 401
    # password sign-in; a wrong one is 401
    d = Customer(stack)
    assert d.req("POST", "/api/account/login", {"email": e, "password": "wrong-password-1"}).status == 401
    assert d.req("POST", "/api/account/login", {"email": e, "password": "correct-horse-1"}).status == 200
    assert d.req("GET", "/api/account").json()["customer"]["email"] == e


def test_password_sign_in_is_throttled_per_account(stack):
    c, e = Customer(stack), email()
    assert c.req("POST", "/api/account/signup", {"email": e, "password": "correct-horse-1"}).status == 201
    codes = [Customer(stack).req("POST", "/api/account/login", {"email": e, "password": "wrong-%d-password" % i}).status
             for i in range(5)]
    assert codes == [401] * 5, codes
    # the failures count for this store's account (and apart from the same
    # email at another store); past the allowance the account waits
    tid = stack.sql("SELECT id FROM tenants WHERE username = 'demo'")[0][0]
    key = "acct:c%d:%s" % (tid, e)
    Customer(stack).req("POST", "/api/account/login", {"email": e, "password": "wrong-6-password"})
    rows = stack.sql("SELECT failures, blocked_until > strftime('%s','now') - 5 FROM login_failures WHERE key = ?", key)
    assert rows and rows[0][0] >= 5 and rows[0][1] == 1, rows
    # while blocked (a long wait, so a slow machine cannot outrun it), even the right password waits
    stack.sql("UPDATE login_failures SET blocked_until = strftime('%s','now') + 600 WHERE key = ?", key)
    r = Customer(stack).req("POST", "/api/account/login", {"email": e, "password": "correct-horse-1"})
    assert r.status == 429 and int(r.header("Retry-After")) > 500
    stack.sql("UPDATE login_failures SET blocked_until = 0, failures = 0 WHERE key = ?", key)
    assert Customer(stack).req("POST", "/api/account/login", {"email": e, "password": "correct-horse-1"}).status == 200


def test_one_time_code_sign_in_and_guest_orders(stack):
    smtp = SMTPSink()
    try:
        e = email()
        # a guest order under this email, placed before the account exists
        p = new_product(stack, stack.demo_token, "acct-" + uuid.uuid4().hex[:6], price=1200, stock=9)
        g = Customer(stack)
        assert g.add(p["id"], 2).status == 200
        guest = g.checkout(email=e.upper()).json()["order"]
        c = Customer(stack)
        r = c.req("POST", "/api/account/code", {"email": e})
        assert r.status == 202, r
        code = code_for(stack, smtp, e)
        wrong = "000000" if code != "000000" else "111111"
        assert c.req("POST", "/api/account/code/verify", {"email": e, "code": wrong}).status == 401
        assert c.req("POST", "/api/account/code/verify", {"email": e, "code": "12ab"}).status == 422
        r = c.req("POST", "/api/account/code/verify", {"email": e, "code": code})
        assert r.status == 200, r
        me = r.json()["customer"]
        assert me["emailVerified"] is True and me["orderCount"] == 1
        assert me["orders"][0]["number"] == guest["number"]
        # a used code is dead
        assert Customer(stack).req("POST", "/api/account/code/verify", {"email": e, "code": code}).status == 410
        # the account page lists the order with its status
        page = c.req("GET", "/account")
        assert page.status == 200 and page.header("Cache-Control") == "no-store"
        assert "#%d" % guest["number"] in page.text and 'data-reorder="%d"' % guest["number"] in page.text
        # re-order puts the items back in the cart
        r = c.req("POST", "/api/account/orders/%d/reorder" % guest["number"], {})
        assert r.status == 200 and r.json()["items"][0]["quantity"] == 2
    finally:
        smtp.close()


def test_codes_expire_and_die_after_wrong_tries(stack):
    e = email()
    c = Customer(stack)
    assert c.req("POST", "/api/account/code", {"email": e}).status == 202
    stack.sql("UPDATE customer_codes SET expires_at = 1 WHERE email = ?", e)
    r = c.req("POST", "/api/account/code/verify", {"email": e, "code": "123456"})
    assert r.status == 410 and r.json()["error"]["code"] == "code_expired"
    # a fresh code: five wrong tries kill it (the right one then fails too)
    e2 = email()
    assert c.req("POST", "/api/account/code", {"email": e2}).status == 202
    stack.sql("UPDATE customer_codes SET code_hash = 'x' WHERE email = ?", e2)
    statuses = [Customer(stack).req("POST", "/api/account/code/verify", {"email": e2, "code": "%06d" % i}).status
                for i in range(8)]
    assert statuses[:5] == [401] * 5 and all(s in (410, 429) for s in statuses[5:]), statuses
    # codes sent to one email are limited too
    e3 = email()
    sent = [Customer(stack).req("POST", "/api/account/code", {"email": e3}).status for _ in range(7)]
    assert sent[:5] == [202] * 5 and sent[5] == 429, sent
    assert c.req("POST", "/api/account/code", {"email": e3, "purpose": "spam"}).status == 422


def test_password_reset_by_code(stack):
    smtp = SMTPSink()
    try:
        e = email()
        c = Customer(stack)
        assert c.req("POST", "/api/account/signup", {"email": e, "password": "correct-horse-1"}).status == 201
        assert Customer(stack).req("POST", "/api/account/code", {"email": e, "purpose": "reset"}).status == 202
        code = code_for(stack, smtp, e)
        d = Customer(stack)
        r = d.req("POST", "/api/account/password/reset", {"email": e, "code": code, "password": "new-horse-battery"})
        assert r.status == 200, r
        # the old session is gone, the new password works, the old one not
        assert c.req("GET", "/api/account").status == 401
        assert Customer(stack).req("POST", "/api/account/login", {"email": e, "password": "new-horse-battery"}).status == 200
        assert Customer(stack).req("POST", "/api/account/login", {"email": e, "password": "correct-horse-1"}).status == 401
    finally:
        smtp.close()


def test_a_customer_of_one_store_is_unknown_to_another(stack):
    c, e = Customer(stack), email()
    assert c.req("POST", "/api/account/signup", {"email": e, "password": "correct-horse-1"}).status == 201
    a = Customer(stack, host="acme.localhost")
    a.session, a.csrf = c.session, c.csrf
    assert a.req("GET", "/api/account").status == 401
    assert a.req("PATCH", "/api/account", {"name": "pwned"}).status == 401
    assert "Signed in as" not in a.req("GET", "/account").text
    assert Customer(stack, host="acme.localhost").req(
        "POST", "/api/account/login", {"email": e, "password": "correct-horse-1"}).status == 401
    # the same email may have its own account at the other store
    assert Customer(stack, host="acme.localhost").req(
        "POST", "/api/account/signup", {"email": e, "password": "other-horse-2"}).status == 201


def test_csrf_addresses_and_other_customers_ids(stack):
    c, e = Customer(stack), email()
    assert c.req("POST", "/api/account/signup", {"email": e, "password": "correct-horse-1"}).status == 201
    # a write without the session's CSRF token, or from another site
    r = c.req("PATCH", "/api/account", {"name": "x"}, headers={"X-CSRF-Token": "0" * 64})
    assert r.status == 403 and r.json()["error"]["code"] == "csrf_failed"
    r = c.req("PATCH", "/api/account", {"name": "x"}, headers={"Origin": "http://evil.localhost"})
    assert r.status == 403
    assert c.req("PATCH", "/api/account", {"name": "Dana"}).json()["customer"]["name"] == "Dana"
    addr = {"line1": "1 Elm St", "city": "Springfield", "postalCode": "12345", "country": "US"}
    r = c.req("POST", "/api/account/addresses", {"shippingAddress": addr})     # name is optional
    assert r.status == 201, r
    aid = r.json()["customer"]["addresses"][0]["id"]
    r = c.req("POST", "/api/account/addresses", {"shippingAddress": dict(addr, country="usa")})
    assert r.status == 422 and "shippingAddress.country" in json.dumps(r.json())
    # another customer cannot remove it or re-order this one's orders
    d = Customer(stack)
    assert d.req("POST", "/api/account/signup", {"email": email(), "password": "correct-horse-1"}).status == 201
    assert d.req("DELETE", "/api/account/addresses/%s" % aid).status == 404
    # checkout prefill from the saved address; the order joins the account
    p = new_product(stack, stack.demo_token, "acct-" + uuid.uuid4().hex[:6], price=900, stock=5)
    assert c.add(p["id"], 1).status == 200
    page = c.req("GET", "/checkout").text
    assert 'value="1 Elm St"' in page and 'value="%s"' % e in page and "data-saved-address" in page
    o = c.checkout(email=e).json()["order"]
    assert d.req("POST", "/api/account/orders/%d/reorder" % o["number"], {}).status == 404
    assert c.req("GET", "/api/account").json()["customer"]["orderCount"] == 1
    assert c.req("DELETE", "/api/account/addresses/%s" % aid).status == 200
    assert c.req("DELETE", "/api/account/addresses/%s" % aid).status == 404


def test_delete_account_keeps_orders_anonymised(stack):
    c, e = Customer(stack), email()
    assert c.req("POST", "/api/account/signup", {"email": e, "password": "correct-horse-1", "name": "Gone"}).status == 201
    p = new_product(stack, stack.demo_token, "acct-" + uuid.uuid4().hex[:6], price=900, stock=5)
    assert c.add(p["id"], 1).status == 200
    o = c.checkout(email=e, name="Gone Person").json()["order"]
    assert c.req("DELETE", "/api/account").status == 200
    assert stack.sql("SELECT count(*) FROM customers WHERE email = ?", e) == [(0,)]
    rows = stack.sql("SELECT o.email, o.name, o.shipping_address_json, o.customer_id, o.total FROM orders o "
                     "JOIN tenants t ON t.id = o.tenant_id WHERE t.username = 'demo' AND o.number = ?", o["number"])
    # the order stays (its items and money), nothing says who placed it
    assert len(rows) == 1 and rows[0][:4] == ("", "", "{}", None) and rows[0][4] >= 900
    assert Customer(stack).req("POST", "/api/account/login", {"email": e, "password": "correct-horse-1"}).status == 401


USER_BLOCK = """function renderUser(user) {
  return user ? `<p class="hi">Hi ${user.name}, ${user.orderCount} orders ${JSON.stringify(Object.keys(user))}</p>`
              : '<p class="hi">Hi guest</p>';
}
"""


def test_vibe_user_and_user_types_on_the_live_site(stack):
    from test_vibe_contract import new_page
    _, ids = new_page(stack, "members", [
        {"vibeCode": USER_BLOCK},
        {"vibeCode": "function renderC() { return '<p>members only</p>'; }", "visibility": {"userTypes": ["customer"]}},
        {"vibeCode": "function renderG() { return '<p>guests only</p>'; }", "visibility": {"userTypes": ["guest"]}}])
    guest = stack.get("/members")
    assert "Hi guest" in guest.text and "guests only" in guest.text and "members only" not in guest.text
    c = Customer(stack)
    assert c.req("POST", "/api/account/signup", {"email": email(), "password": "correct-horse-1", "name": "Vi"}).status == 201
    r = c.req("GET", "/members")
    assert "Hi Vi, 0 orders" in r.text and "members only" in r.text and "guests only" not in r.text
    assert "email" not in r.text.split('class="hi"')[1].split("</p>")[0]
    assert r.header("Cache-Control") == "private, no-store" and r.header("ETag") is None


def test_merchant_customers_api(stack):
    c, e = Customer(stack), email()
    assert c.req("POST", "/api/account/signup", {"email": e, "password": "correct-horse-1", "name": "=Merchant View"}).status == 201
    t = stack.demo_token
    r = stack.get(API + "/customers?q=" + e.split("@")[0], token=t)
    assert r.status == 200 and [x["email"] for x in r.json()["customers"]] == [e]
    cid = r.json()["customers"][0]["id"]
    r = stack.put(API + "/customers/%s" % cid, {"tags": ["vip", "wholesale"], "note": "likes tents"}, token=t)
    assert r.status == 200 and r.json()["tags"] == ["vip", "wholesale"] and r.json()["note"] == "likes tents"
    d = stack.get(API + "/customers/%s" % cid, token=t).json()
    assert d["email"] == e and d["orders"] == [] and d["note"] == "likes tents"
    # tags reach vibe code's user, the note does not
    assert c.req("GET", "/api/account").json()["customer"]["tags"] == ["vip", "wholesale"]
    assert stack.get(API + "/customers?q=vip", token=t).json()["customers"][0]["email"] == e
    for bad, field in [({"tags": "vip"}, "tags"), ({"tags": [1]}, "tags"), ({"note": 5}, "note"), ({"nope": 1}, "nope")]:
        r = stack.put(API + "/customers/%s" % cid, bad, token=t)
        assert r.status == 422 and field in json.dumps(r.json()), (bad, r)
    csv = stack.get(API + "/customers.csv", token=t)
    assert csv.status == 200 and csv.header("Content-Type").startswith("text/csv")
    line = next(l for l in csv.text.splitlines() if e in l)
    assert '"\'=Merchant View"' in line and '"vip, wholesale"' in line
    # another store's token sees none of them
    assert stack.get(API + "/customers/%s" % cid, token=stack.acme_token, host="acme.localhost").status == 404
    assert e not in stack.get(API + "/customers.csv", token=stack.acme_token, host="acme.localhost").text


WISH_BLOCK = """function renderWish(api) {
  return `<p class="wish">${api.getWishlist().map(p => p.slug).join(',') || 'none'}</p>`;
}
"""


def test_wishlist_api_merge_and_back_in_stock_email(stack):
    smtp = SMTPSink()
    try:
        t = stack.demo_token
        back = new_product(stack, t, "wish-" + uuid.uuid4().hex[:6], price=1500, stock=0)
        other = new_product(stack, t, "wish-" + uuid.uuid4().hex[:6], price=900, stock=3)
        acme = stack.post(API + "/products", {"name": "Acme Wish", "slug": "acme-wish-" + uuid.uuid4().hex[:4],
                                              "price": 100, "stock": 3}, token=stack.acme_token, host="acme.localhost").json()
        guest = Customer(stack)
        assert guest.req("GET", "/api/wishlist").status == 401
        assert guest.req("POST", "/api/wishlist/items", {"productId": other["id"]}).status == 401
        assert "Nothing here yet" in guest.req("GET", "/wishlist").text
        c, e = Customer(stack), email()
        assert c.req("POST", "/api/account/signup", {"email": e, "password": "correct-horse-1"}).status == 201
        # the guest's browser list joins: another store's product is skipped
        r = c.req("POST", "/api/wishlist/merge", {"items": [{"productId": other["id"]}, {"productId": acme["id"]},
                                                            {"productId": other["id"]}]})
        assert r.status == 200, r
        assert r.json()["skipped"] == 1 and [p["id"] for p in r.json()["items"]] == [other["id"]]
        assert c.req("POST", "/api/wishlist/merge", {"items": [{"productId": "x"}]}).status == 422
        assert c.req("POST", "/api/wishlist/items", {"productId": acme["id"]}).status == 404
        r = c.req("POST", "/api/wishlist/items", {"productId": back["id"], "notify": True})
        assert r.status == 200 and [p["id"] for p in r.json()["items"]] == [back["id"], other["id"]]
        assert r.json()["items"][0]["wishlist"]["notify"] is True
        page = c.req("GET", "/wishlist")
        assert page.header("Cache-Control") == "no-store" and back["name"] in page.text
        assert 'data-wish-notify="%s" checked' % back["id"] in page.text
        # vibe code's api.getWishlist on a live page: the shopper's own
        from test_vibe_contract import new_page
        new_page(stack, "wished-" + uuid.uuid4().hex[:4], [{"vibeCode": WISH_BLOCK}])
        slug = stack.sql("SELECT slug FROM pages ORDER BY id DESC LIMIT 1")[0][0]
        r = c.req("GET", "/" + slug)
        assert '<p class="wish">%s,%s</p>' % (back["slug"], other["slug"]) in r.text
        assert r.header("Cache-Control") == "private, no-store"
        assert '<p class="wish">none</p>' in Customer(stack).req("GET", "/" + slug).text
        # not in stock yet: no email; back in stock: one email, once
        deliver(stack, smtp)
        assert not [m for m in smtp.messages if m["to"][0] == e]
        assert stack.put(API + "/products/%s" % back["id"], {"stock": 4}, token=t).status == 200
        deliver(stack, smtp)
        deliver(stack, smtp)
        mails = [m["data"] for m in smtp.messages if m["to"][0] == e]
        assert len(mails) == 1 and "back in stock" in mails[0] and "/products/" + back["slug"] in mails[0]
        # remove; another customer cannot remove mine
        d = Customer(stack)
        assert d.req("POST", "/api/account/signup", {"email": email(), "password": "correct-horse-1"}).status == 201
        assert d.req("DELETE", "/api/wishlist/items/%s" % other["id"]).status == 404
        assert c.req("DELETE", "/api/wishlist/items/%s" % other["id"]).status == 200
        assert [p["id"] for p in c.req("GET", "/api/wishlist").json()["items"]] == [back["id"]]
    finally:
        smtp.close()


def test_shopper_emails_for_shipped_cancelled_refunded(stack):
    smtp = SMTPSink()
    try:
        t = stack.demo_token
        p = new_product(stack, t, "mail-" + uuid.uuid4().hex[:6], price=2000, stock=9)
        e = email()
        s = Customer(stack)
        assert s.add(p["id"], 1).status == 200
        one = s.checkout(email=e).json()["order"]
        assert s.add(p["id"], 1).status == 200
        two = s.checkout(email=e).json()["order"]
        r = stack.post(API + "/orders/%d/fulfil" % one["number"], {"trackingNumber": "1Z999", "trackingUrl":
                                                                  "https://track.example/1Z999"}, token=t)
        assert r.status == 200, r
        assert stack.post(API + "/orders/%d/paid" % two["number"], {}, token=t).status == 200
        assert stack.post(API + "/orders/%d/refund" % two["number"], {}, token=t).status == 200
        assert stack.post(API + "/orders/%d/cancel" % two["number"], {}, token=t).status == 200
        deliver(stack, smtp)
        mails = [m["data"] for m in smtp.messages if m["to"][0] == e]
        subjects = sorted(re.search(r"^Subject: (.*)$", m, re.M).group(1) for m in mails)
        assert any("#%d is on its way" % one["number"] in x for x in subjects), subjects
        assert any("refund for order #%d" % two["number"] in x for x in subjects), subjects
        assert any("#%d was cancelled" % two["number"] in x for x in subjects), subjects
        shipped = next(m for m in mails if "is on its way" in m)
        assert "1Z999" in shipped and "https://track.example/1Z999" in shipped
        # marking paid tells the shopper nothing
        assert len([m for m in mails if "#%d" % two["number"] in m]) == 3   # confirmation, refund, cancel
    finally:
        smtp.close()


def test_store_email_texts_preview_and_html_part(stack):
    from email import message_from_string
    from email import policy as mailpolicy
    smtp = SMTPSink()
    t = stack.demo_token
    try:
        kinds = {k["kind"]: k["custom"] for k in stack.get(API + "/emails", token=t).json()["emails"]}
        assert set(kinds) == {"order_confirmed", "order_shipped", "order_cancelled", "order_refunded", "customer_code",
                              "back_in_stock", "abandoned_checkout"}
        d = stack.get(API + "/emails/customer_code", token=t).json()
        assert d["custom"] is False and "{{{code}}}" in d["defaults"]["text"]
        # a broken template, a subject with a line break, an unknown kind
        for body, field in [({"subject": "x", "text": "{{#a}}open"}, "text"),
                            ({"subject": "a\nBcc: x@y", "text": "y"}, "subject"),
                            ({"subject": "x", "text": "y", "html": "{{/z}}"}, "html"),
                            ({"subject": "x"}, "text"), ({"subject": "x", "text": "y", "bcc": "z"}, "bcc")]:
            r = stack.put(API + "/emails/customer_code", body, token=t)
            assert r.status == 422 and field in json.dumps(r.json()["error"]), (body, r)
        assert stack.get(API + "/emails/password_hack", token=t).status == 404
        # preview over sample data, nothing saved
        r = stack.post(API + "/emails/order_shipped/preview", {"text": "Parcel {{{trackingNumber}}} for {{name}}"}, token=t)
        assert r.status == 200 and r.json()["text"] == "Parcel 1Z999AA10123456784 for Sam Shopper", r
        assert "<p" in r.json()["html"] and "Sam Shopper" in r.json()["html"]
        assert stack.get(API + "/emails/order_shipped", token=t).json()["custom"] is False
        # the store's own text is what shoppers get, with an HTML part
        r = stack.put(API + "/emails/customer_code", {"subject": "Your key: {{{code}}}",
                                                    "text": "Use {{{code}}} at {{{store.name}}}.\n",
                                                    "html": "<p>Use <b>{{code}}</b></p>"}, token=t)
        assert r.status == 200 and r.json()["custom"] is True
        e = email()
        assert Customer(stack).req("POST", "/api/account/code", {"email": e}).status == 202
        deliver(stack, smtp)
        raw = [m["data"] for m in smtp.messages if m["to"][0] == e][-1]
        msg = message_from_string(raw, policy=mailpolicy.default)
        code = re.search(r"Your key: (\d{6})", msg["Subject"]).group(1)
        assert msg.get_content_type() == "multipart/alternative"
        assert msg.get_body(("plain",)).get_content().strip() == "Use %s at Demo Outfitters." % code
        assert msg.get_body(("html",)).get_content().strip() == "<p>Use <b>%s</b></p>" % code
        # another store's shoppers still get the default
        e2 = email()
        assert Customer(stack, host="acme.localhost").req("POST", "/api/account/code", {"email": e2}).status == 202
        deliver(stack, smtp)
        raw2 = [m["data"] for m in smtp.messages if m["to"][0] == e2][-1]
        assert "Your key" not in raw2 and "is your code for" in raw2
        assert stack.delete(API + "/emails/customer_code", token=t).json()["custom"] is False
    finally:
        stack.delete(API + "/emails/customer_code", token=t)
        smtp.close()


def test_abandoned_checkout_reminder_and_link(stack):
    smtp = SMTPSink()
    t = stack.demo_token
    try:
        p = new_product(stack, t, "cart-" + uuid.uuid4().hex[:6], price=1800, stock=5)
        s, e = Customer(stack), email()
        assert s.add(p["id"], 2).status == 200
        assert s.req("POST", "/api/cart/email", {"email": "nope"}).status == 422
        assert s.req("POST", "/api/cart/email", {"email": e}).json()["kept"] is True
        # off by default: nothing is sent
        deliver(stack, smtp)
        assert not [m for m in smtp.messages if m["to"][0] == e]
        r = stack.put(API + "/commerce/settings", {"abandonedCheckout": {"enabled": True, "delayMinutes": 0}}, token=t)
        assert r.status == 200, r
        assert stack.put(API + "/commerce/settings", {"abandonedCheckout": {"enabled": "yes"}}, token=t).status == 422
        deliver(stack, smtp)
        deliver(stack, smtp)
        mails = [m["data"] for m in smtp.messages if m["to"][0] == e]
        assert len(mails) == 1, mails          # one reminder, ever
        assert "2 x " + p["name"] in mails[0]
        link = re.search(r"https://demo\.localhost(/cart/recover/[0-9a-f]{48})", mails[0]).group(1)
        # another store's host does not know the link; this one restores the cart once
        assert stack.get(link, host="acme.localhost").status == 404
        other = Customer(stack)
        r = other.req("GET", link)
        assert r.status == 303 and r.header("Location") == "/cart" and other.cookie
        assert [i["quantity"] for i in other.cart()["items"]] == [2]
        assert Customer(stack).req("GET", link).status == 404
        # a finished checkout sends none
        s2, e2 = Customer(stack), email()
        assert s2.add(p["id"], 1).status == 200
        assert s2.req("POST", "/api/cart/email", {"email": e2}).status == 200
        assert s2.checkout(email=e2).status == 201
        deliver(stack, smtp)
        assert not [m for m in smtp.messages if m["to"][0] == e2 and "is waiting" in m["data"]]
    finally:
        stack.put(API + "/commerce/settings", {"abandonedCheckout": {"enabled": False, "delayMinutes": 120}}, token=t)
        smtp.close()


def test_session_cookie_is_host_prefixed_and_secure_under_https(stack):
    from test_cli import cgi
    e = email()
    body = json.dumps({"email": e, "password": "correct-horse-1"}).encode()
    rc, head, out = cgi("storefront.fcgi", "/api/account/signup", "demo.localhost", stack.db, "POST", body,
                        {"HTTPS": "on", "STOREFRONT_RATE_LIMITS": "login:1000/60"})
    assert rc == 0 and "Status: 201" in head, head
    cookies = [l for l in head.split("\r\n") if l.lower().startswith("set-cookie: ")]
    session = next(c for c in cookies if c.lower().startswith("set-cookie: __host-sf_customer="))
    assert "; Secure" in session and "HttpOnly" in session and "SameSite=Lax" in session and "Domain" not in session
    flag = next(c for c in cookies if c.lower().startswith("set-cookie: __host-sf_account=1"))
    assert "HttpOnly" not in flag and "; Secure" in flag
    assert "Cache-Control: no-store" in head


def test_multi_currency_display_choice_and_checkout_rate(stack):
    t = stack.demo_token
    p = new_product(stack, t, "fx-" + uuid.uuid4().hex[:6], price=1000, stock=9, compareAtPrice=2000)
    bad = [[{"code": "XXX", "rate": 1}], [{"code": "EUR", "rate": 0}], [{"code": "EUR", "rate": 1, "rounding": "up"}],
           [{"code": "EUR", "rate": 1}, {"code": "EUR", "rate": 2}], {"code": "EUR"}]
    for v in bad:
        r = stack.put(API + "/commerce/settings", {"currencies": v}, token=t)
        assert r.status == 422 and r.json()["error"]["details"]["field"] == "currencies", (v, r)
    r = stack.put(API + "/commerce/settings", {"currencies": [{"code": "EUR", "rate": 0.92, "rounding": "0.99"},
                                                              {"code": "JPY", "rate": 151.3, "rounding": "whole"}]}, token=t)
    assert r.status == 200, r
    try:
        s = Customer(stack)
        # the shop's currency: cacheable pages, no menu choice made
        page = s.req("GET", "/products/" + p["slug"])
        assert "$10.00" in page.text and page.header("Cache-Control") is None
        # choose EUR: remembered by a cookie, the way back kept
        h = {"Content-Type": "application/x-www-form-urlencoded"}
        r = stack.request("POST", "/currency", body=b"currency=GBP&return=/products", headers=h)
        assert r.status == 422 and "currency" in r.text
        r = stack.request("POST", "/currency", body=b"currency=EUR&return=//evil.example/", headers=h)
        assert r.status == 303 and r.header("Location") == "/"
        cookie = r.header("Set-Cookie").split(";")[0]
        assert cookie == "sf_currency=EUR"
        page = stack.get("/products/" + p["slug"], headers={"Cookie": cookie})
        # 10.00 x 0.92 = 9.20 -> 9.99 (rounding 0.99); compare-at 18.40 -> 18.99
        assert "€9.99" in page.text and "€18.99" in page.text and "$10.00" not in page.text.split("<main>")[1]
        assert page.header("Cache-Control") == "private, no-cache"   # one address, a copy per currency
        jpy = stack.get("/products/" + p["slug"], headers={"Cookie": "sf_currency=JPY"})
        assert "¥1,513" in jpy.text       # 1513 exactly: whole units
        listing = stack.get("/products?filter.p.vendor=none-such", headers={"Cookie": cookie})
        assert 'name="currency"' in listing.text and '<option value="EUR" selected>' in listing.text
        # the cart and checkout in EUR; the order keeps what the shopper saw
        s.req("GET", "/")
        assert s.add(p["id"], 2).status == 200
        jar = "sf_cart=%s; %s" % (s.cookie, cookie)
        cart = stack.get("/cart", headers={"Cookie": jar}).text
        assert "€19.98" in cart
        co = stack.get("/checkout", headers={"Cookie": jar}).text
        assert 'data-currency="EUR" data-rate="0.92"' in co
        body = {"email": "fx@example.com", "name": "Fx", "shippingMethod": "pickup", "paymentMethod": "manual",
                "idempotencyKey": uuid.uuid4().hex, "currency": "EUR", "rate": "0.91"}
        r = s.req("POST", "/api/checkout", body)
        assert r.status == 409 and r.json()["error"]["code"] == "rate_changed" and r.json()["error"]["details"]["rate"] == "0.92"
        assert s.req("POST", "/api/checkout", dict(body, currency="GBP", rate="1")).status == 422
        r = s.req("POST", "/api/checkout", dict(body, rate="0.92"))
        assert r.status == 422 and r.json()["error"]["details"]["field"] == "presentmentSubtotal"
        assert 'data-subtotal="1998"' in co
        r = s.req("POST", "/api/checkout", dict(body, rate="0.92", presentmentSubtotal=1998))
        assert r.status == 201, r
        row = stack.sql("SELECT o.currency, o.total, o.presentment_currency, o.presentment_rate, o.presentment_total FROM orders o "
                        "JOIN tenants t ON t.id = o.tenant_id WHERE t.username = 'demo' AND o.number = ?",
                        r.json()["order"]["number"])
        assert row == [("USD", 2000, "EUR", "0.92", 1998)], row
    finally:
        stack.put(API + "/commerce/settings", {"currencies": []}, token=t)


def test_pos_pushes_and_pulls_customers(stack):
    t = stack.demo_token
    own, e = Customer(stack), email()
    assert own.req("POST", "/api/account/signup", {"email": e, "password": "correct-horse-1", "name": "Self Made"}).status == 201
    pos = "pos-" + uuid.uuid4().hex[:6]
    items = [{"posId": pos + "-1", "email": e.upper(), "tags": ["pos"]},          # joins the shopper's own account
             {"posId": pos + "-2", "email": "p2-" + e, "name": "Walk In", "note": "counter"},
             {"posId": pos + "-3", "email": "not-an-email"},
             {"email": "p4-" + e},
             {"posId": pos + "-5", "email": "p5-" + e, "tags": "vip"}]
    r = stack.post(API + "/sync/customers", {"customers": items}, token=t)
    assert r.status == 200, r
    d = r.json()
    assert [x["status"] for x in d["results"]] == ["updated", "created", "error", "error", "error"], d
    assert [x["error"]["field"] for x in d["results"][2:]] == ["email", "posId", "tags"]
    assert (d["created"], d["updated"], d["failed"]) == (1, 1, 3)
    # the shopper's account now carries the POS's id and tags, their name kept
    me = own.req("GET", "/api/account").json()["customer"]
    assert me["name"] == "Self Made" and me["tags"] == ["pos"]
    # pushing again updates by posId; an email that is another customer's is refused
    r = stack.post(API + "/sync/customers", {"customers": [{"posId": pos + "-2", "email": "p2-" + e, "name": "Walked In"},
                                                           {"posId": pos + "-2", "email": e}]}, token=t).json()
    assert [x["status"] for x in r["results"]] == ["updated", "error"] and r["results"][1]["error"]["field"] == "email"
    # the POS pulls them by its ids
    listed = stack.get(API + "/customers?q=" + e.split("@")[0] + "&limit=10", token=t).json()["customers"]
    assert {c["posId"]: c["name"] for c in listed if c["posId"]} == {pos + "-1": "Self Made", pos + "-2": "Walked In"}
    # another store's push touches none of this store's customers
    r = stack.post(API + "/sync/customers", {"customers": [{"posId": pos + "-1", "email": e}]}, token=stack.acme_token,
                   host="acme.localhost").json()
    assert r["results"][0]["status"] in ("created", "updated")
    assert own.req("GET", "/api/account").json()["customer"]["tags"] == ["pos"]
    assert stack.get(API + "/customers/%s" % me["id"], token=stack.acme_token, host="acme.localhost").status == 404
