"""The isolation and role matrices over the real stack.

Cross-tenant: every admin endpoint is called with tenant A's owner token on
tenant B's ids of every resource kind (and B's domains), with A's and B's
Host; each answers 404 (or the documented 409 for claiming B's domain) and
nothing of B changes. Lists, feeds and the audit log of A show nothing of B.

Roles: every endpoint with every role; the expected policy is written out
below, independently of the route table, and both the table's declared
roles and the gate's answers must agree with it.

Both tables must list exactly the routes `storefront routes` prints: a new
endpoint fails these tests until it is given a row here."""
import json

import pytest

from access_util import API, PASSWORD, admin_routes, err, people, snapshot, storefront_routes, tenant_id

# ---- the cross-tenant table: one row per admin endpoint ----------------
# kind: "id"     -> the :id is replaced by B's ids of every resource kind
#       "domain" -> the :domain is replaced by B's verified and pending domains
#       "list"   -> A's answer must hold none of B's identifiers
#       "create" -> a create in A; refs (if any) point at B's ids -> expect
#       "self"   -> about the caller only; must show nothing of B
# body: JSON body to send (a valid one, so 404 is not hidden behind 422);
# "{page}" etc. in bodies are replaced by B's ids.
CROSS = {
    "POST /api/cms/login": ("self", {"email": "owner@alpha.test", "password": PASSWORD, "store": "bravo"}, 401),
    # staff sign-in codes (test_staff_codes.py): this stack sends no mail (503); a
    # code of nobody's at B's store is no live code (410), and nothing of B changes
    "POST /api/cms/login/code": ("self", {"email": "owner@alpha.test", "store": "bravo"}, 503),
    "POST /api/cms/login/code/verify": ("self", {"email": "owner@alpha.test", "code": "12345678", "store": "bravo"}, 410),
    "GET /api/cms/pages": ("list", None, "pages"),
    "POST /api/cms/pages": ("create", {"slug": "x-{n}", "title": "X"}, 201),
    "GET /api/cms/pages/:id": ("id", None, None),
    "PUT /api/cms/pages/:id": ("id", {"version": 1, "title": "pwned"}, None),
    "DELETE /api/cms/pages/:id": ("id", None, None),
    "GET /api/cms/pages/:id/blocks": ("id", None, None),
    "GET /api/cms/pages/:id/preview": ("id", None, None),
    "POST /api/cms/pages/:id/preview/edits": ("id", {"blocks": []}, None),
    "GET /api/cms/pages/:id/versions/:version": ("id", None, None),
    "GET /api/cms/pages/:id/activity": ("id", None, None),
    "POST /api/cms/pages/:id/presence": ("id", {}, None),
    "POST /api/cms/pages/:id/publish": ("id", {}, None),
    "GET /api/cms/pages/:id/versions": ("id", None, None),
    "POST /api/cms/pages/:id/rollback": ("id", {"version": 1}, None),
    "POST /api/cms/blocks": ("create", {"pageId": "{page}", "type": "text"}, 404),
    "POST /api/cms/blocks/generate": ("create", {"type": "text", "prompt": "x", "pageId": "{page}"}, 404),
    "GET /api/cms/blocks/:id": ("id", None, None),
    "PUT /api/cms/blocks/:id": ("id", {"version": 1, "vibeCode": "function r() { return 'pwned'; }"}, None),
    "DELETE /api/cms/blocks/:id": ("id", None, None),
    "GET /api/cms/blocks/:id/history": ("id", None, None),
    "POST /api/cms/blocks/:id/restore": ("id", {"version": 1, "restoreVersion": 1}, None),
    "POST /api/cms/validate": ("self", {"code": "function r() { return 'x'; }"}, 200),
    "GET /api/cms/vibe/reference": ("self", None, 200),
    "POST /api/cms/posts/preview": ("self", {"content": "# hi"}, 200),
    "GET /api/cms/posts": ("list", None, "posts"),
    "POST /api/cms/posts": ("create", {"title": "X", "slug": "x-{n}"}, 201),
    "GET /api/cms/posts/:id": ("id", None, None),
    "PUT /api/cms/posts/:id": ("id", {"version": 1, "title": "pwned"}, None),
    "DELETE /api/cms/posts/:id": ("id", None, None),
    "POST /api/cms/posts/:id/publish": ("id", {}, None),
    "POST /api/cms/posts/:id/unpublish": ("id", {}, None),
    "GET /api/cms/products": ("list", None, "products"),
    "POST /api/cms/products": ("create", {"name": "X", "slug": "x-{n}", "price": 1}, 201),
    "GET /api/cms/products/:id": ("id", None, None),
    "PUT /api/cms/products/:id": ("id", {"price": 1}, None),
    "DELETE /api/cms/products/:id": ("id", None, None),
    "GET /api/cms/collections": ("list", None, "collections"),
    "POST /api/cms/collections": ("create", {"title": "X", "slug": "x-{n}", "productIds": ["{product}"]}, 404),
    "GET /api/cms/collections/:id": ("id", None, None),
    "PUT /api/cms/collections/:id": ("id", {"title": "pwned"}, None),
    "DELETE /api/cms/collections/:id": ("id", None, None),
    "GET /api/cms/changes": ("list", None, "changes"),
    "POST /api/cms/logout": ("self", None, 200),
    "GET /api/cms/me": ("self", None, 200),
    "POST /api/cms/password": ("self", {"currentPassword": "not-the-password", "newPassword": "another-long-one"}, 422),
    "GET /api/cms/users": ("list", None, "users"),
    "POST /api/cms/users": ("create", {"email": "x{n}@alpha.test", "role": "staff", "password": PASSWORD}, 201),
    "PUT /api/cms/users/:id": ("id", {"role": "owner"}, None),
    "DELETE /api/cms/users/:id": ("id", None, None),
    "GET /api/cms/tokens": ("list", None, "tokens"),
    "POST /api/cms/tokens": ("create", {"name": "x{n}"}, 201),
    "DELETE /api/cms/tokens/:id": ("id", None, None),
    "GET /api/cms/audit": ("list", None, "entries"),
    "GET /api/cms/domains": ("list", None, "domains"),
    "POST /api/cms/domains": ("create", {"domain": "{domain}"}, 409),
    "GET /api/cms/domains/:domain": ("domain", None, None),
    "PUT /api/cms/domains/:domain": ("domain", {"primary": True}, None),
    "DELETE /api/cms/domains/:domain": ("domain", None, None),
    "POST /api/cms/domains/:domain/verify": ("domain", {"method": "http"}, None),
    # commerce (doc/commerce.md)
    "PUT /api/cms/products/:id/variants": ("id", {"variants": []}, None),
    "PUT /api/cms/products/:id/prices": ("id", {"presentmentPrices": []}, None),
    "POST /api/cms/products/import": ("self", None, 415),       # a CSV body into the caller's store only
    "GET /api/cms/products.csv": ("self", None, 200),             # A's products only, as Shopify's CSV
    "GET /api/cms/inventory": ("list", None, "items"),
    "POST /api/cms/inventory": ("create", {"items": [{"productId": "{product}", "set": 5}]}, 200),
    "POST /api/cms/sync/products": ("create", {"products": [{"posId": "x{n}", "name": "X", "price": 1}]}, 200),
    "POST /api/cms/sync/inventory": ("create", {"items": [{"productId": "{product}", "adjust": -1}]}, 200),
    "GET /api/cms/orders": ("list", None, "orders"),
    "GET /api/cms/orders/:id": ("id", None, None),
    "POST /api/cms/orders/:id/fulfil": ("id", {"trackingNumber": "pwned"}, None),
    "POST /api/cms/orders/:id/cancel": ("id", {}, None),
    "POST /api/cms/orders/:id/paid": ("id", {}, None),
    "POST /api/cms/orders/:id/refund": ("id", {}, None),
    "GET /api/cms/emails": ("self", None, 200),                   # the kinds, and whether A changed each
    # {kind} is a name, not an id: only the caller's store's text is read or written
    "GET /api/cms/emails/:kind": ("self", None, 404),
    "PUT /api/cms/emails/:kind": ("self", {"subject": "x", "text": "y"}, 404),
    "DELETE /api/cms/emails/:kind": ("self", None, 404),
    "POST /api/cms/emails/:kind/preview": ("self", {}, 404),
    "GET /api/cms/customers": ("list", None, "customers"),
    "GET /api/cms/customers.csv": ("self", None, 200),            # A's customers only, as CSV
    "GET /api/cms/customers/:id": ("id", None, None),
    "PUT /api/cms/customers/:id": ("id", {"note": "pwned", "tags": ["pwned"]}, None),
    # into the caller's store only (the same email at B stays B's: test_customers.py)
    "POST /api/cms/sync/customers": ("create", {"customers": [{"posId": "x{n}", "email": "x{n}@alpha.test"}]}, 200),
    "GET /api/cms/discounts": ("list", None, "discounts"),
    "POST /api/cms/discounts": ("create", {"code": "X{n}", "kind": "fixed", "value": 1}, 201),
    "PUT /api/cms/discounts/:id": ("id", {"value": 99, "active": False}, None),
    "DELETE /api/cms/discounts/:id": ("id", None, None),
    # the media library (doc/media.md); an upload goes into the caller's store only
    "GET /api/cms/media": ("list", None, "media"),
    "POST /api/cms/media": ("self", None, 422),                 # no file named: refused, nothing made
    "GET /api/cms/media/:id": ("id", None, None),
    "PUT /api/cms/media/:id": ("id", {"alt": "pwned"}, None),
    "DELETE /api/cms/media/:id": ("id", None, None),
    "GET /api/cms/commerce/settings": ("self", None, 200),
    "PUT /api/cms/commerce/settings": ("self", {"notifyEmail": ""}, 200),
    # themes (doc/themes.md): one per store, reached through the caller's own store only
    "GET /api/cms/themes": ("self", None, 200),
    "PUT /api/cms/themes": ("self", {"accentColor": "#2f5d50"}, 200),
    "GET /api/cms/themes/starters": ("self", None, 200),
    "POST /api/cms/themes/apply": ("self", {"starter": "trail"}, 200),
    "GET /api/cms/themes/preview": ("self", None, 200),
    "POST /api/cms/themes/publish": ("self", {}, 200),
    # SEO (doc/seo.md)
    "GET /api/cms/redirects": ("list", None, "redirects"),
    "POST /api/cms/redirects": ("create", {"from": "/old-{n}", "to": "/new-{n}"}, 201),
    "PUT /api/cms/redirects/:id": ("id", {"to": "/pwned"}, None),
    "DELETE /api/cms/redirects/:id": ("id", None, None),
    "GET /api/cms/seo": ("self", None, 200),
    "PUT /api/cms/seo": ("self", {"robotsTxt": "Disallow: /alpha-only"}, 200),
    "DELETE /api/cms/pages/:id/schedule": ("id", None, None),
    "DELETE /api/cms/posts/:id/schedule": ("id", None, None),
    # analytics (doc/analytics.md): the caller's own store's counts only
    "GET /api/cms/analytics": ("self", None, 200),
    "GET /api/cms/analytics/today": ("self", None, 200),
    # custom fields (doc/custom-fields.md): definitions per store
    "GET /api/cms/custom-fields": ("list", None, "fields"),
    "POST /api/cms/custom-fields": ("create", {"resource": "product", "key": "k{n}", "type": "text"}, 201),
    "GET /api/cms/custom-fields/:id": ("id", None, None),
    "PUT /api/cms/custom-fields/:id": ("id", {"label": "pwned"}, None),
    "DELETE /api/cms/custom-fields/:id": ("id", None, None),
    # search (doc/search.md): the caller's own store's synonyms and report
    "GET /api/cms/search/synonyms": ("self", None, 200),
    "PUT /api/cms/search/synonyms": ("self", {"synonyms": [["tee", "t-shirt"]]}, 200),
    "GET /api/cms/analytics/search": ("self", None, 200),
    # platform routes take the platform token, never a store's: A's token -> 401
    "GET /api/platform/tenants": ("platform", None, None),
    "POST /api/platform/tenants": ("platform", {"username": "x{n}", "name": "X"}, None),
    "GET /api/platform/tenants/:username": ("platform", None, None),
    "PATCH /api/platform/tenants/:username": ("platform", {"name": "pwned"}, None),
    "DELETE /api/platform/tenants/:username": ("platform", None, None),
    "POST /api/platform/tenants/:username/suspend": ("platform", {}, None),
    "POST /api/platform/tenants/:username/resume": ("platform", {}, None),
    "GET /api/platform/tenants/:username/export": ("platform", None, None),
    "POST /api/platform/imports": ("platform", {}, None),
    "POST /api/platform/tenants/:username/read-only": ("platform", {"seconds": 30}, None),
}

# ---- the role policy, written from the issue, not from the table -------
O, E, S = "owner", "editor", "staff"
ALL = {O, E, S}
POLICY = {
    # resource: (roles that may read, roles that may write)
    "page": ({O, E}, {O, E}),
    "block": ({O, E}, {O, E}),
    "post": ({O, E}, {O, E}),
    "media": ({O, E}, {O, E}),
    "theme": ({O, E}, {O, E}),
    "collection": (ALL, {O, E}),
    "product": (ALL, {O, S}),
    "order": ({O, S}, {O, S}),
    "customer": ({O, S}, {O, S}),  # shoppers' accounts: who sells, not who edits pages
    "inventory": (ALL, {O, S}),   # stock levels are catalogue: everyone reads (doc/access.md)
    "discount": ({O, S}, {O}),
    "settings": ({O, S}, {O}),
    "analytics": ({O, S}, {O, S}),  # visits, orders and revenue: like orders
    "custom_field": (ALL, {O, E}),  # everyone sees the fields; owners and editors define them
    "user": ({O}, {O}),
    "audit": ({O}, {O}),
    "domain": ({O}, {O}),
    "redirect": ({O, E}, {O, E}),  # SEO is content: editors' work (doc/seo.md)
    "seo": ({O, E}, {O, E}),
    "search": ({O, E}, {O, E}),   # synonyms and the search report: merchandising, like pages
    "token": (ALL, ALL),          # everyone manages their own tokens
    "session": (ALL, ALL),
    None: (ALL, ALL),
}
EXCEPTIONS = {
    "POST /api/cms/validate": {O, E},           # runs vibe code: editors' tool
    "GET /api/cms/vibe/reference": {O, E},      # the code editor's help: editors' tool
    "DELETE /api/cms/products/:id": {O},        # only owners remove products
    "GET /api/cms/products.csv": ALL,           # the catalogue as CSV: whoever reads products
    "POST /api/cms/password": ALL,              # everyone's own password
    "POST /api/cms/orders/:id/refund": {O},     # money back: owners only
}


def key(rt):
    return "%s %s" % (rt["method"], rt["pattern"])


def expected_roles(rt):
    k = key(rt)
    if k in EXCEPTIONS:
        return EXCEPTIONS[k]
    read, write = POLICY[rt["resource"]]
    return read if rt["method"] == "GET" else write


@pytest.fixture(scope="module")
def world(stack):
    a = people(stack, "alpha")
    b = people(stack, "bravo")
    bt = b["owner"]
    ids = {}
    r = stack.post(API + "/pages", {"slug": "secret", "title": "Bravo secret page"}, token=bt)
    ids["page"] = r.json()["id"]
    r = stack.post(API + "/blocks", {"pageId": ids["page"], "type": "text"}, token=bt)
    ids["block"] = r.json()["id"]
    assert stack.post(API + "/pages/%s/publish" % ids["page"], {}, token=bt).status == 200
    ids["post"] = stack.post(API + "/posts", {"title": "Bravo post", "slug": "bravo-post", "tags": ["Bravo tag"]},
                             token=bt).json()["id"]
    assert stack.post(API + "/posts/%s/publish" % ids["post"], {}, token=bt).status == 200
    ids["product"] = stack.post(API + "/products", {"name": "Bravo thing", "slug": "bravo-thing", "price": 500},
                                token=bt).json()["id"]
    ids["collection"] = stack.post(API + "/collections", {"title": "Bravo set", "slug": "bravo-set",
                                                          "productIds": [ids["product"]]}, token=bt).json()["id"]
    # an order (through B's storefront) and a discount code of B
    assert stack.put(API + "/products/%s" % ids["product"], {"stock": 5}, token=bt).status == 200
    from shop import Shopper
    shopper = Shopper(stack, host="bravo.localhost")
    assert shopper.add(ids["product"], 1).status == 200
    order = shopper.checkout(shippingMethod="pickup", shippingAddress=None, email="buyer@bravo.test").json()["order"]
    ids["order"] = order["id"]
    # a shopper's account at B
    r = stack.post("/api/account/signup", {"email": "shopper@bravo.test", "password": "correct-horse-1"},
                   host="bravo.localhost")
    assert r.status == 201, r
    ids["customer"] = r.json()["customer"]["id"]
    ids["discount"] = stack.post(API + "/discounts", {"code": "BRAVO10", "kind": "percent", "value": 10},
                                 token=bt).json()["id"]
    ids["redirect"] = stack.post(API + "/redirects", {"from": "/bravo-old", "to": "/secret"}, token=bt).json()["id"]
    from images import png
    r = stack.request("POST", API + "/media?filename=bravo-logo.png", body=png(12, 12), token=bt,
                      host="bravo.localhost", headers={"Content-Type": "image/png"})
    assert r.status == 201, r
    ids["media"] = r.json()["id"]
    users = stack.get(API + "/users", token=bt).json()["users"]
    ids["user"] = next(u["id"] for u in users if u["role"] == "editor")
    ids["token"] = stack.post(API + "/tokens", {"name": "bravo app"}, token=bt).json()["id"]
    ids["custom_field"] = stack.post(API + "/custom-fields", {"resource": "product", "key": "bravoField", "type": "text"},
                                     token=bt).json()["id"]
    for d in ("shop.bravo.test", "pending.bravo.test"):
        assert stack.post(API + "/domains", {"domain": d}, token=bt).status == 201
    stack.sql("UPDATE domains SET verified_at = strftime('%s','now') WHERE domain = 'shop.bravo.test'")
    domains = ["shop.bravo.test", "pending.bravo.test"]
    # A's own ids per kind, to tell a collision from a leak
    at = a["owner"]
    own = {
        "page": {p["id"] for p in stack.get(API + "/pages", token=at).json()["pages"]},
        "post": set(), "product": set(), "collection": set(), "order": set(), "discount": set(), "custom_field": set(),
        "post": set(), "product": set(), "collection": set(), "order": set(), "discount": set(), "customer": set(),
        "user": {u["id"] for u in stack.get(API + "/users", token=at).json()["users"]},
        "token": {k["id"] for k in stack.get(API + "/tokens?all=1", token=at).json()["tokens"]},
    }
    own["block"] = {b["id"] for p in own["page"]
                    for b in stack.get(API + "/pages/%s/blocks" % p, token=at).json()["blocks"]}
    r = stack.post(API + "/login", {"email": "owner@alpha.test", "password": PASSWORD, "session": True,
                                    "store": "alpha"}, host="admin.localhost")
    cookie = r.header("Set-Cookie").split(";")[0]
    session = {"Cookie": cookie, "X-CSRF-Token": r.json()["csrfToken"]}
    return {"a": a, "b": b, "ids": ids, "domains": domains, "own": own, "session": session, "order_url": order["url"],
            "tid_b": tenant_id(stack, "bravo"), "tid_a": tenant_id(stack, "alpha")}


def test_every_route_has_a_row_in_both_tables():
    routes = {key(rt) for rt in admin_routes()}
    assert routes == set(CROSS), ("routes without a cross-tenant row: %s; rows without a route: %s"
                                  % (sorted(routes - set(CROSS)), sorted(set(CROSS) - routes)))
    for rt in admin_routes():
        if rt["program"] == "admin" and "public" not in rt["flags"]:
            assert rt["resource"] in POLICY, "no role policy for resource %r of %s" % (rt["resource"], key(rt))


def test_declared_roles_follow_the_policy():
    for rt in admin_routes():
        if rt["program"] != "admin" or "public" in rt["flags"]:
            continue
        assert set(rt["roles"]) == expected_roles(rt), key(rt)


def fill(body, w, n):
    s = json.dumps(body)
    s = s.replace("{page}", w["ids"]["page"]).replace("{product}", w["ids"]["product"])
    s = s.replace("{domain}", w["domains"][0]).replace("{n}", str(n))
    return json.loads(s)


B_MARKERS = ["Bravo secret page", "bravo-post", "bravo-thing", "bravo-set", "bravo.test", "bravo app", "bravo-old"]
B_MARKERS = ["Bravo secret page", "bravo-post", "bravo-thing", "bravo-set", "bravo.test", "bravo app", "bravo-logo"]


def test_cross_tenant_matrix(stack, world):
    w = world
    a_tok = w["a"]["owner"]
    b_ids = w["ids"]
    probes = skipped = 0
    n = 0
    before = snapshot(stack, w["tid_b"])
    for rt in admin_routes():
        k = key(rt)
        kind, body, expect = CROSS[k]
        method, pattern = rt["method"], rt["pattern"]
        n += 1
        if kind in ("id", "domain"):
            targets = list(b_ids.items()) if kind == "id" else [("domain", d) for d in w["domains"]]
            if rt["resource"] == "token":   # rows above mint A tokens (logout): ids move on
                w["own"]["token"] |= {t["id"] for t in stack.get(API + "/tokens?all=1", token=a_tok).json()["tokens"]}
            for res_kind, bid in targets:
                if kind == "id" and bid in w["own"].get(rt["resource"], set()):
                    skipped += 1      # B's id of another kind happens to be A's own
                    continue
                path = pattern.replace(":id", bid).replace(":domain", bid).replace(":version", "1")
                for host in ("alpha.localhost", "bravo.localhost"):
                    r = stack.request(method, path, token=a_tok, host=host,
                                      json_body=fill(body, w, n) if body is not None else None)
                    assert r.status == 404, (k, res_kind, bid, host, r)
                    probes += 1
                if res_kind == (rt["resource"] or "") or kind == "domain":
                    # the same through A's browser session (cookie + CSRF token)
                    r = stack.request(method, path, host="admin.localhost", headers=w["session"],
                                      json_body=fill(body, w, n) if body is not None else None)
                    assert r.status == 404, (k, res_kind, bid, "session", r)
                    probes += 1
        elif kind == "list":
            r = stack.request(method, pattern, token=a_tok, host="bravo.localhost")
            assert r.status == 200, (k, r)
            text = r.text
            for m in B_MARKERS + ["owner@bravo.test", "editor@bravo.test"]:
                assert m not in text, (k, m)
            items = r.json()[expect]
            for it in items:
                assert str(it.get("id")) not in set(b_ids.values()) or it.get("id") in w["own"].get(rt["resource"], set()) \
                    or rt["resource"] in ("audit", None), (k, it)
            probes += 1
        elif kind == "create":
            r = stack.request(method, pattern, token=a_tok, host="bravo.localhost", json_body=fill(body, w, n))
            assert r.status == expect, (k, r)
            if expect == 201:
                assert not any(m in r.text for m in B_MARKERS), (k, r)
                w["own"].setdefault(rt["resource"], set()).add(r.json()["id"])  # A's now
            probes += 1
        elif kind == "self":
            tok = a_tok
            if k == "POST /api/cms/logout":   # it revokes the token it is given
                tok = stack.token("alpha", "owner@alpha.test")
            if k == "POST /api/cms/login":
                tok = None
            r = stack.request(method, pattern, token=tok, host="bravo.localhost",
                              json_body=body if body is not None else None)
            assert r.status == expect, (k, r)
            assert not any(m in r.text for m in B_MARKERS + ["owner@bravo.test"]), (k, r)
            probes += 1
        elif kind == "platform":
            path = pattern.replace(":username", "bravo")
            r = stack.request(method, path, token=a_tok, host="bravo.localhost",
                              json_body=fill(body, w, n) if body is not None else None)
            err(r, 401, "unauthorized")   # the API is on (conftest): denied, not "off"
            probes += 1
        after = snapshot(stack, w["tid_b"])
        assert after == before, "%s changed tenant B: %s" % (k, [t for t in after if after[t] != before.get(t)])
    # B still works for B
    assert stack.get(API + "/pages/" + b_ids["page"], token=w["b"]["owner"]).status == 200
    assert stack.get("/secret", host="bravo.localhost").status == 200
    print("cross-tenant matrix: %d endpoints, %d probes (%d id collisions skipped)" % (n, probes, skipped))
    assert n == len(CROSS) and probes >= 300


def test_role_matrix(stack, world):
    """Every endpoint x every role: 403 exactly where the policy says no."""
    a = world["a"]
    checked = 0
    for rt in admin_routes():
        if rt["program"] != "admin" or "public" in rt["flags"]:
            continue
        k = key(rt)
        allowed = expected_roles(rt)
        path = rt["pattern"].replace(":id", "999999999").replace(":domain", "nowhere.example").replace(":version", "1")
        for role in ("owner", "editor", "staff"):
            tok = a[role]
            if k == "POST /api/cms/logout":
                tok = stack.token("alpha", "%s@alpha.test" % role)
            body = {} if rt["method"] in ("POST", "PUT", "PATCH") else None
            r = stack.request(rt["method"], path, token=tok, json_body=body)
            if role in allowed:
                assert r.status != 403, (k, role, r)
            else:
                err(r, 403, "forbidden")
            checked += 1
    print("role matrix: %d checks" % checked)


# ---- the public store: every route of storefront.fcgi ------------------
# path with B's content -> what A's Host must answer ("404", or "200" for
# pages that list things, which must then show none of B's)
STORE = {
    "GET /api/tls/ask": None,                 # no store: tested in test_access_domains.py
    "GET /": ("/", 200),
    "GET /robots.txt": ("/robots.txt", 200),
    "GET /products": ("/products", 200),
    "GET /products/:slug": ("/products/bravo-thing", 404),
    "GET /collections/:slug": ("/collections/bravo-set", 404),
    "GET /blog": ("/blog", 200),
    "GET /blog/:slug": ("/blog/bravo-post", 404),
    "GET /:slug": ("/secret", 404),
    "GET /sitemap.xml": ("/sitemap.xml", 200),
    "GET /sitemaps/:part": ("/sitemaps/pages-1.xml", 200),
    "GET /feed.xml": ("/feed.xml", 200),
    "GET /blog/rss.xml": ("/blog/rss.xml", 200),
    "GET /blog/tagged/:tag": ("/blog/tagged/bravo-tag", 404),
    "GET /cart": ("/cart", 200),
    "GET /checkout": ("/checkout", 200),
    "GET /api/cart": ("/api/cart", 200),
    "GET /api/products": ("/api/products", 200),
    "GET /api/products/:slug": ("/api/products/bravo-thing", 404),
    "GET /api/stock": None,                   # B's product ids under A's Host answer nothing: test_shopper.py
    "GET /orders/:id": ("{order_url}", 404),  # B's order, with its key, under A's Host
    # cart lines and checkout with another store's product/line ids: test_cart.py
    "POST /api/cart/items": None,
    "POST /cart/add": None,                   # the product form without JavaScript: test_shopper.py
    "POST /currency": None,                   # a cookie of this store only: test_customers.py
    "POST /api/cart/email": None,             # the abandoned-checkout email of this cart only: test_customers.py
    "GET /cart/recover/:token": None,         # B's link under A's Host: test_customers.py
    "GET /account": ("/account", 200),        # the sign-in forms: nothing of B's customers
    # a customer of B with B's session on A's host, ids of B's addresses/orders: test_customers.py
    "GET /api/account": None,
    "PATCH /api/account": None,
    "DELETE /api/account": None,
    "POST /api/account/signup": None,
    "POST /api/account/login": None,
    "POST /api/account/code": None,
    "POST /api/account/code/verify": None,
    "POST /api/account/password/reset": None,
    "POST /api/account/logout": None,
    "POST /api/account/addresses": None,
    "DELETE /api/account/addresses/:id": None,
    "POST /api/account/orders/:id/reorder": None,
    "GET /wishlist": ("/wishlist", 200),      # a guest's page: nothing of B's
    "GET /api/wishlist": None,                # B's session on A, B's product ids: test_customers.py
    "POST /api/wishlist/items": None,
    "DELETE /api/wishlist/items/:id": None,
    "POST /api/wishlist/merge": None,
    "PATCH /api/cart/items/:id": None,
    "DELETE /api/cart/items/:id": None,
    "POST /api/cart/quote": None,
    "POST /api/checkout": None,
    "POST /api/payments/webhook": None,       # signed per store: test_delivery.py
    "POST /api/analytics/view": None,         # counts for the Host's store only: test_analytics.py
    "GET /healthz": None,                     # no store: test_ops.py
    "GET /metrics": None,                     # no store; loopback or token: test_ops.py
    "GET /search": ("/search?q=bravo+thing", 200),
    "GET /api/search": ("/api/search?q=bravo+thing", 200),
    "GET /api/search/suggest": ("/api/search/suggest?q=bravo", 200),
    "POST /api/search/click": None,           # another store's search id: test_search.py
    "POST /api/chat": None,                   # another store's conversation id: test_chat.py
}


def test_storefront_routes_cross_tenant(stack, world):
    routes = {key(rt) for rt in storefront_routes()}
    assert routes == set(STORE), ("storefront routes without a row: %s; rows without a route: %s"
                                  % (sorted(routes - set(STORE)), sorted(set(STORE) - routes)))
    for k, row in STORE.items():
        if row is None:
            continue
        path, status = row
        path = path.replace("{order_url}", world["order_url"])
        r = stack.get(path, host="alpha.localhost")
        assert r.status == status, (k, r)
        assert not any(m in r.text for m in ["Bravo secret page", "Bravo thing", "Bravo set", "Bravo post"]), k
        mine = stack.get(path, host="bravo.localhost")
        assert mine.status == 200, (k, mine)          # the path is real, for its own store


# ---- the rows mean what they say: every flag, bucket and caching policy --
def path_of(rt):
    return (rt["pattern"].replace(":id", "999999999").replace(":domain", "nowhere.example").replace(":version", "1")
            .replace(":username", "nobody").replace(":slug", "no-such-thing"))


def one_header(r, name):
    values = [v for k, v in r.headers if k.lower() == name.lower()]
    assert len(values) <= 1, (name, values, r)
    return values[0] if values else None


def test_every_row_is_enforced(stack, world):
    """Over the real stack, per row of `storefront routes` and of
    storefront.fcgi --routes: an "auth" row answers 401 without
    credentials (a "public" one does not); a "tenant" row answers 404
    unknown_store on a host that names no store (a row without it does
    not); a "nostore" row's answer -- even a refusal -- carries exactly one
    Cache-Control: no-store, a row without it none; every bucket a row names
    is configured in the example config (else it would limit nothing)."""
    import os
    from stack import ROOT
    conf = open(os.path.join(ROOT, "conf", "storefront.conf.example")).read()
    line = next(l for l in conf.splitlines() if l.startswith("rate_limits ="))
    configured = {b.split(":")[0].strip() for b in line.split("=", 1)[1].split(",")}
    checked = 0
    for rt in admin_routes() + storefront_routes():
        k = key(rt)
        if rt["bucket"] is not None:
            assert rt["bucket"] in configured, (k, rt["bucket"])
        body = {} if rt["method"] in ("POST", "PUT", "PATCH") else None
        host = "admin.localhost" if rt["program"] != "storefront" else "alpha.localhost"
        path = path_of(rt)
        if k == "GET /api/tls/ask":
            path += "?domain=alpha.localhost"
        r = stack.request(rt["method"], path, host=host, json_body=body)
        if "auth" in rt["flags"]:
            err(r, 401, "unauthorized")
        else:
            assert r.status != 401, (k, r)
        cc = one_header(r, "Cache-Control")
        if "revalidate" in rt["flags"]:   # pollers: private, revalidated with an ETag
            assert rt["cache"] == "revalidate", (k, rt)
            if r.status == 200:
                assert cc == "private, no-cache" and one_header(r, "ETag"), (k, r)
            else:
                assert cc == "private, no-cache" and one_header(r, "ETag") is None, (k, r)
        elif "nostore" in rt["flags"]:
            assert cc == "no-store" and rt["cache"] == "no-store", (k, r)
            assert one_header(r, "ETag") is None, (k, r)
        elif "pagecache" in rt["flags"]:
            # A page the page cache may keep (off on this stack: no
            # caching header; test_page_cache.py has it on).
            assert rt["cache"] == "page-cache" and rt["program"] == "storefront", (k, rt)
            assert cc is None or cc.startswith("public, max-age=0, s-maxage="), (k, r)
        else:
            assert cc is None and rt["cache"] == "default", (k, r)
        if rt["program"] == "storefront":
            r = stack.request(rt["method"], path, host="no-store-here.localhost", json_body=body)
            if "tenant" in rt["flags"]:
                assert r.status == 404, (k, r)
                if rt["pattern"].startswith("/api/"):
                    err(r, 404, "unknown_store")
                else:
                    assert "No store here" in r.text or "no store" in r.text.lower(), (k, r.text[:300])
            else:
                assert r.status != 404, (k, r)
        checked += 1
    print("route rows enforced: %d" % checked)
    assert checked == len(CROSS) + len(STORE)


def test_admin_roles_see_the_same_cache_policy(stack, world):
    """A refusal by role (403) and a granted answer carry the row's one
    Cache-Control too: the policy is set before the gate decides."""
    a = world["a"]
    r = stack.get(API + "/users", token=a["editor"], host="alpha.localhost")
    err(r, 403, "forbidden")
    assert one_header(r, "Cache-Control") == "no-store"
    r = stack.get(API + "/users", token=a["owner"], host="alpha.localhost")
    assert r.status == 200 and one_header(r, "Cache-Control") == "no-store"
