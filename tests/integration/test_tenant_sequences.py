"""Numbers a store can see are counted per store: its orders are named by
their per-store number (1001, 1002, ... in every store) in the admin API,
the confirmation link and the change feed, and its change-feed cursor does
not move when another store writes. Internal ids stay internal."""
from shop import API, Shopper, new_product


def store(stack, username):
    tok = stack.tenant(username, username.title())
    return tok, username + ".localhost"


def order(stack, host, pid, email):
    s = Shopper(stack, host=host)
    assert s.add(pid).status == 200
    r = s.checkout(email=email)
    assert r.status == 201, r
    return r.json()["order"]


def feed(stack, tok, host, since=0):
    r = stack.get(API + "/changes?since=%d" % since, token=tok, host=host)
    assert r.status == 200, r
    return r.json()


def test_orders_of_two_stores_both_start_at_1001(stack):
    ta, ha = store(stack, "seqa")
    tb, hb = store(stack, "seqb")
    pa = new_product(stack, ta, "seq-cup", stock=10, host=ha)
    pb = new_product(stack, tb, "seq-cup", stock=10, host=hb)
    a1 = order(stack, ha, pa["id"], "a1@example.com")
    b1 = order(stack, hb, pb["id"], "b1@example.com")
    b2 = order(stack, hb, pb["id"], "b2@example.com")
    a2 = order(stack, ha, pa["id"], "a2@example.com")
    assert [o["id"] for o in (a1, a2)] == ["1001", "1002"]
    assert [o["id"] for o in (b1, b2)] == ["1001", "1002"]
    assert all(o["id"] == str(o["number"]) for o in (a1, a2, b1, b2))
    internal = {r[0] for r in stack.sql("SELECT id FROM orders WHERE email IN (?, ?, ?, ?)",
                                        "a1@example.com", "a2@example.com", "b1@example.com", "b2@example.com")}
    # the admin API names an order by its number, each store its own
    assert stack.get(API + "/orders/1002", token=ta, host=ha).json()["email"] == "a2@example.com"
    assert stack.get(API + "/orders/1002", token=tb, host=hb).json()["email"] == "b2@example.com"
    listed = stack.get(API + "/orders", token=tb, host=hb).json()["orders"]
    assert sorted(o["id"] for o in listed) == ["1001", "1002"]
    assert stack.get(API + "/orders/1003", token=ta, host=ha).status == 404
    for iid in internal - {1001, 1002}:
        assert stack.get(API + "/orders/%d" % iid, token=ta, host=ha).status == 404
    r = stack.post(API + "/orders/1001/fulfil", {}, token=tb, host=hb)
    assert r.status == 200 and r.json()["email"] == "b1@example.com", r
    assert stack.get(API + "/orders/1001", token=ta, host=ha).json()["fulfillmentStatus"] == "unfulfilled"
    # the confirmation link carries the number and still needs the key
    assert a2["url"].startswith("/orders/1002?key=")
    r = stack.get(a2["url"] + "&format=json", host=ha)
    assert r.status == 200 and r.json()["order"]["id"] == "1002", r
    key_b2 = b2["url"].split("key=")[1]
    assert stack.get("/orders/1002?key=" + key_b2, host=ha).status == 404       # B's key on A's order
    assert stack.get("/orders/1002?key=" + "0" * 32, host=hb).status == 404
    # links mailed before orders were named by number (internal id) keep working
    iid_a2 = stack.sql("SELECT id FROM orders WHERE email = 'a2@example.com'")[0][0]
    key_a2 = a2["url"].split("key=")[1]
    r = stack.get("/orders/%d?key=%s&format=json" % (iid_a2, key_a2), host=ha)
    assert r.status == 200 and r.json()["order"]["id"] == "1002", r
    # the change feed names orders by number too
    ch = feed(stack, ta, ha)["changes"]
    assert [c["id"] for c in ch if c["entity"] == "order" and c["op"] == "create"] == ["1001", "1002"]


def test_change_feed_cursor_is_per_store(stack):
    ta, ha = store(stack, "seqc")
    tb, hb = store(stack, "seqd")
    new_product(stack, ta, "seq-first", host=ha)
    fa = feed(stack, ta, ha)
    # a new store's feed starts at 1 whatever other stores did before
    assert [c["seq"] for c in fa["changes"]] == list(range(1, len(fa["changes"]) + 1)), fa
    cursor = fa["cursor"]
    for i in range(5):                                   # B writes ...
        new_product(stack, tb, "seq-b-%d" % i, host=hb)
        stack.post(API + "/pages", {"slug": "seq-b-%d" % i, "title": "B"}, token=tb, host=hb)
    again = feed(stack, ta, ha, cursor)                  # ... A's cursor does not move
    assert again["changes"] == [] and again["cursor"] == cursor, again
    fb = feed(stack, tb, hb)
    assert [c["seq"] for c in fb["changes"]] == list(range(1, 11)), fb
    new_product(stack, ta, "seq-second", host=ha)
    nxt = feed(stack, ta, ha, cursor)
    assert [c["seq"] for c in nxt["changes"]] == [cursor + 1] and nxt["cursor"] == cursor + 1, nxt
