"""Cookieless analytics over the real stack (doc/analytics.md): the store
script's beacon counts views and visitors per store-local day without
storing IPs or user agents, bots are not counted, and /api/cms/analytics
reports views, visitors, top pages, referrer hosts, devices, orders,
revenue per currency and conversion, refusing bad dates by name."""
import os
import time

import pytest

from access_util import err
from shop import API, Shopper, new_product

DESKTOP = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36 ana-desk"
PHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148 ana-phone"
BOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"


def view(stack, host, path, ua, referrer=None, **kw):
    body = {"path": path}
    if referrer is not None:
        body["referrer"] = referrer
    return stack.post("/api/analytics/view", body, host=host, headers={"User-Agent": ua, **kw.pop("headers", {})}, **kw)


@pytest.fixture(scope="module")
def ana(stack):
    token = stack.tenant("ana", "Analytics Shop")
    return token


def today_utc():
    return time.strftime("%Y-%m-%d", time.gmtime())


def test_views_visitors_pages_referrers_devices(stack, ana):
    host = "ana.localhost"
    for path, ua, ref in [("/", DESKTOP, ""), ("/products", DESKTOP, "http://ana.localhost/"),
                          ("/?utm=x&email=zq@ana.example", DESKTOP, None),
                          ("/products/thing", PHONE, "https://user:pw@www.Google.com:443/search?q=zqanasecret"),
                          ("/", BOT, "https://spam.example/")]:
        r = view(stack, host, path, ua, ref)
        assert r.status == 204, r
        assert r.body == b""
    rep = stack.get(API + "/analytics", host=host, token=ana).json()
    day = rep["days"][-1]
    assert day["date"] == rep["to"] == today_utc()          # the store's zone is UTC
    assert len(rep["days"]) == 30 and rep["from"] < rep["to"]
    assert (day["views"], day["visitors"]) == (4, 2), day   # the bot is not counted
    assert rep["totals"]["views"] == 4
    pages = {p["path"]: p["views"] for p in rep["topPages"]}
    assert pages == {"/": 2, "/products": 1, "/products/thing": 1}, pages   # no query kept
    assert rep["topPages"][0] == {"path": "/", "views": 2}
    assert rep["referrers"] == [{"host": "www.google.com", "views": 1}]      # host only; own host dropped
    assert {d["device"]: d["views"] for d in rep["devices"]} == {"desktop": 3, "mobile": 1}
    # the Storefront Manager card
    t = stack.get(API + "/analytics/today", host=host, token=ana).json()
    assert (t["date"], t["visitors"], t["views"], t["orders"], t["revenue"]) == (today_utc(), 2, 4, 0, [])
    assert rep["today"] == t


def test_nothing_identifying_is_stored(stack, ana):
    view(stack, "ana.localhost", "/", DESKTOP)
    hashes = stack.sql("SELECT hash FROM analytics_visitors WHERE tenant_id = (SELECT id FROM tenants WHERE username = 'ana')")
    assert hashes and all(len(h) == 16 for (h,) in hashes)
    stack.sql("PRAGMA wal_checkpoint(TRUNCATE)")
    for f in (stack.db, stack.db + "-wal"):
        if os.path.exists(f):
            with open(f, "rb") as fh:
                data = fh.read()
            assert b"ana-desk" not in data and b"ana-phone" not in data, f
            assert b"zqanasecret" not in data and b"zq@ana.example" not in data, f


def test_stores_are_counted_apart(stack, ana):
    before = stack.get(API + "/analytics/today", token=stack.demo_token).json()
    view(stack, "ana.localhost", "/", DESKTOP)
    after = stack.get(API + "/analytics/today", token=stack.demo_token).json()
    assert after["views"] == before["views"]
    # the same person on another store is another store's visitor (salted by store)
    r = view(stack, "acme.localhost", "/", DESKTOP)
    assert r.status == 204
    acme = stack.get(API + "/analytics/today", host="acme.localhost", token=stack.acme_token).json()
    assert acme["visitors"] >= 1


def test_orders_revenue_per_currency_and_conversion(stack, ana):
    p = new_product(stack, ana, "ana-lamp", price=2500, stock=10, host="ana.localhost")
    ids = []
    for _ in range(3):
        s = Shopper(stack, host="ana.localhost")
        assert s.add(p["id"]).status == 200
        r = s.checkout()
        assert r.status == 201, r
        ids.append(r.json()["order"]["id"] if "order" in r.json() else r.json()["id"])
    # one order in another currency (as a multi-currency store would take it), one cancelled
    tid = stack.sql("SELECT id FROM tenants WHERE username = 'ana'")[0][0]
    stack.sql("UPDATE orders SET currency = 'EUR' WHERE tenant_id = ? AND number = ?", tid, int(ids[1]))
    stack.sql("UPDATE orders SET status = 'cancelled' WHERE tenant_id = ? AND number = ?", tid, int(ids[2]))
    t = stack.get(API + "/analytics/today", host="ana.localhost", token=ana).json()
    assert t["orders"] == 2
    rev = {x["currency"]: x["amount"] for x in t["revenue"]}
    assert set(rev) == {"USD", "EUR"}, t                  # never summed across currencies
    assert rev["USD"] == rev["EUR"] > 25
    rep = stack.get(API + "/analytics", host="ana.localhost", token=ana).json()
    day = rep["days"][-1]
    assert day["orders"] == 2 and day["conversion"] == round(2 / day["visitors"], 4)
    assert {x["currency"] for x in rep["totals"]["revenue"]} == {"USD", "EUR"}


@pytest.mark.parametrize("query,param", [
    ("from=2026-13-01", "from"), ("from=yesterday", "from"), ("to=2026-02-30", "to"),
    ("from=2026-11-02&to=2026-11-01", "to"), ("from=2020-01-01&to=2026-01-01", "to"),
    ("from=2026-1-01", "from"), ("to=", "to"),
])
def test_bad_dates_are_named(stack, ana, query, param):
    e = err(stack.get(API + "/analytics?" + query, host="ana.localhost", token=ana), 422, "validation_error")
    assert e["details"]["field"] == param, e


def test_explicit_range(stack, ana):
    rep = stack.get(API + "/analytics?from=2026-01-30&to=2026-02-02", host="ana.localhost", token=ana).json()
    assert [d["date"] for d in rep["days"]] == ["2026-01-30", "2026-01-31", "2026-02-01", "2026-02-02"]
    assert all(d["views"] == 0 and d["conversion"] is None for d in rep["days"])


def test_bad_beacons(stack, ana):
    host = "ana.localhost"
    e = err(view(stack, host, "products", DESKTOP), 422)
    assert e["details"]["field"] == "path"
    e = err(view(stack, host, "/a\u0001b", DESKTOP), 422)
    assert e["details"]["field"] == "path"
    e = err(view(stack, host, "/" + "x" * 400, DESKTOP), 422)
    assert e["details"]["field"] == "path"
    e = err(stack.post("/api/analytics/view", {"path": "/", "ip": "1.2.3.4"}, host=host), 422)
    assert "ip" in e["message"]
    err(stack.post("/api/analytics/view", {"path": 5}, host=host), 422)
    err(stack.post("/api/analytics/view", body="{\"path\":\"/\"}", host=host,
                   headers={"Content-Type": "text/plain"}), 415)
    err(stack.post("/api/analytics/view", body="{nope", host=host, headers={"Content-Type": "application/json"}), 400)
    # another site's page cannot post views for this store
    err(view(stack, host, "/", DESKTOP, headers={"Sec-Fetch-Site": "cross-site"}), 403)
    err(view(stack, "nobody.localhost", "/", DESKTOP), 404)
    err(stack.get("/api/analytics/view", host=host), 405)


def test_salt_rotates_and_old_days_are_forgotten(stack, ana):
    stack.sql("INSERT OR REPLACE INTO analytics_salt(day, salt) VALUES('2001-01-01', zeroblob(32))")
    tid = stack.sql("SELECT id FROM tenants WHERE username = 'ana'")[0][0]
    stack.sql("INSERT OR IGNORE INTO analytics_visitors(day, tenant_id, hash) VALUES('2001-01-01', ?, zeroblob(16))", tid)
    old_salt = stack.sql("SELECT salt FROM analytics_salt WHERE day = ?", today_utc())
    # a new day: today's salt is not there yet (as at midnight)
    stack.sql("DELETE FROM analytics_salt WHERE day = ?", today_utc())
    assert view(stack, "ana.localhost", "/", DESKTOP).status == 204
    assert stack.sql("SELECT count(*) FROM analytics_salt WHERE day = '2001-01-01'") == [(0,)]
    assert stack.sql("SELECT count(*) FROM analytics_visitors WHERE day = '2001-01-01'") == [(0,)]
    new_salt = stack.sql("SELECT salt FROM analytics_salt WHERE day = ?", today_utc())
    assert new_salt and new_salt != old_salt
