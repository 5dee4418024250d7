"""Tenants must not stall each other (issue 8): one store's publishes never
hold the write lock while merchant code runs, the rate limiter never waits
out the database's busy timeout, and what a store keeps is bounded."""
import sqlite3
import threading
import time

import pytest

from shop import API, Shopper, new_product
from stack import Stack

SPIN = "function render() {\n  while (true) {}\n}\n"


@pytest.fixture(scope="module")
def fair():
    # Generous per-IP buckets: every request here comes from 127.0.0.1, and
    # the stall test must show the lock is free, not that A was throttled.
    s = Stack(workers=2, env={"STOREFRONT_RATE_LIMITS": "login:10000/60,cart:10000/60,checkout:10000/60,"
                                                         "publish:10000/60"})
    try:
        s.start()
        s.a = s.tenant("spinner", "Spinner")
        s.b = s.tenant("quiet", "Quiet shop")
        yield s
    finally:
        s.cleanup()


def spinning_page(s, token, host, slug, blocks):
    r = s.post(API + "/pages", {"slug": slug, "title": slug}, token=token, host=host)
    assert r.status == 201, r
    pid = r.json()["id"]
    for _ in range(blocks):
        r = s.post(API + "/blocks", {"pageId": pid, "type": "custom", "vibeCode": SPIN}, token=token, host=host)
        assert r.status == 201, r
    return pid


def test_publish_loop_does_not_stall_other_stores(fair):
    s = fair
    pid = spinning_page(s, s.a, "spinner.localhost", "spin", 12)
    prod = new_product(s, s.b, "quiet-mug", price=900, stock=1000, host="quiet.localhost")
    stop = threading.Event()
    publishes = []

    def publish_loop():
        while not stop.is_set():
            r = s.post(API + "/pages/%s/publish" % pid, token=s.a, host="spinner.localhost", timeout=120)
            publishes.append(r.status)

    threads = [threading.Thread(target=publish_loop) for _ in range(2)]
    for t in threads:
        t.start()
    slow = []
    try:
        # wait until A's publishes are under way (one has answered)
        deadline = time.time() + 60
        while not publishes and time.time() < deadline:
            time.sleep(0.05)
        assert publishes, "no publish of store A answered within 60 s"
        # B shops all through at least two whole publishes of A
        seen, i = len(publishes), 0
        while i < 6 or len(publishes) < seen + 2:
            assert time.time() < deadline + 60, "store A's publishes stopped answering"
            i += 1
            shopper = Shopper(s, host="quiet.localhost")
            t0 = time.time()
            r = shopper.add(prod["id"], 1)
            t1 = time.time()
            slow.append(("cart add", r.status, round(t1 - t0, 2)))
            assert r.status == 200, r
            r = shopper.checkout()
            slow.append(("checkout", r.status, round(time.time() - t1, 2)))
            assert r.status in (200, 201), r
    finally:
        stop.set()
        for t in threads:
            t.join(180)
    print("store B while A publishes: %d requests, slowest %.2f s; A's publishes: %d"
          % (len(slow), max(t for _, _, t in slow), len(publishes)))
    assert all(t < 2.0 for _, _, t in slow), slow
    # A's publishes were refused for their spinning blocks, not let through
    assert publishes and set(publishes) <= {422}, publishes


def test_rate_limiter_does_not_wait_for_a_busy_database(fair):
    s = fair
    shopper = Shopper(s, host="quiet.localhost")
    assert shopper.req("GET", "/api/cart").status == 200          # warm worker
    con = sqlite3.connect(s.db, timeout=10, isolation_level=None)
    try:
        con.execute("BEGIN IMMEDIATE")                               # another writer holds the lock
        took = []
        for _ in range(3):
            t0 = time.time()
            r = shopper.req("GET", "/api/cart")
            took.append(time.time() - t0)
            assert r.status == 200, r
            assert took[-1] < 1.0, "cart GET took %.2f s while the database was busy" % took[-1]
        print("cart GET with the database locked: slowest %.3f s" % max(took))
    finally:
        con.execute("ROLLBACK")
        con.close()


# ---- a stack with small budgets: publish rate, time, retention, quotas, output

PT = "platform-token-for-fair-tests"
PASSWORD = "correct-horse-battery"
WORK = ("function render() {\n  var s = 0;\n  for (var i = 0; i < 30000; i++) { s += i % 7; }\n"
        "  return '<p>' + s + '</p>';\n}\n")


@pytest.fixture(scope="module")
def tight():
    s = Stack(workers=1, env={"STOREFRONT_RATE_LIMITS": "login:10000/60,publish:12/60",
                              "STOREFRONT_PLATFORM_TOKEN": PT, "STOREFRONT_PUBLISH_MS": "2000",
                              "STOREFRONT_PAGE_VERSIONS_KEEP": "3", "STOREFRONT_VIBE_PAGE_OUTPUT": "3000",
                              "STOREFRONT_LIMIT_POSTS": "2", "STOREFRONT_LIMIT_COLLECTIONS": "1",
                              "STOREFRONT_LIMIT_DISCOUNTS": "2", "STOREFRONT_LIMIT_TOKENS": "3",
                              "STOREFRONT_LIMIT_USERS": "2"})
    try:
        s.start()
        yield s
    finally:
        s.cleanup()


def store(s, name):
    tok = s.tenant(name, name.title())
    return tok, name + ".localhost"


def page_with(s, tok, host, slug, codes):
    r = s.post(API + "/pages", {"slug": slug, "title": slug}, token=tok, host=host)
    assert r.status == 201, r
    pid = r.json()["id"]
    for code in codes:
        r = s.post(API + "/blocks", {"pageId": pid, "type": "custom", "vibeCode": code}, token=tok, host=host)
        assert r.status == 201, r
    return pid


def publish(s, tok, host, pid):
    return s.post(API + "/pages/%s/publish" % pid, token=tok, host=host, timeout=120)


def test_publish_is_rate_limited_per_store(tight):
    s = tight
    tok, host = store(s, "eager")
    pid = page_with(s, tok, host, "p", ["function render() { return '<p>hi</p>'; }"])
    for i in range(12):
        r = publish(s, tok, host, pid)
        assert r.status == 200, (i, r)
    r = publish(s, tok, host, pid)
    assert r.status == 429, r
    assert r.json()["error"]["code"] == "rate_limited" and int(r.header("Retry-After")) >= 1
    r = s.post(API + "/pages/%s/rollback" % pid, {"version": 1}, token=tok, host=host)
    assert r.status == 429, r                                          # a rollback is a publish too
    # the bucket is the store's: another store publishes as usual
    tok2, host2 = store(s, "calm")
    pid2 = page_with(s, tok2, host2, "p", ["function render() { return '<p>hi</p>'; }"])
    assert publish(s, tok2, host2, pid2).status == 200


def test_publish_has_a_time_budget(tight):
    s = tight
    tok, host = store(s, "slowpoke")
    pid = page_with(s, tok, host, "spin", [SPIN] * 50)
    t0 = time.time()
    r = publish(s, tok, host, pid)
    took = time.time() - t0
    assert r.status == 422, r
    errors = r.json()["errors"]
    # each spinning block costs its 50 ms CPU limit: 50 of them would be
    # 2.5 s at least; the 2000 ms budget stops the checks and names why
    assert len(errors) < 50, errors
    assert errors[-1]["kind"] == "time" and "2000 ms" in errors[-1]["message"], errors[-1]
    assert all(e["kind"] == "cpu" for e in errors[:-1]), errors
    assert took < 30, took
    assert s.get(API + "/pages/%s" % pid, token=tok, host=host).json()["liveVersion"] is None


def test_drafts_changed_during_publish_conflict(tight):
    """The drafts are validated outside the write lock; if one changes
    before the commit, nothing is published (409)."""
    s = tight
    tok, host = store(s, "racer")
    pid = page_with(s, tok, host, "race", [WORK] * 8)
    bid = s.get(API + "/pages/%s/blocks" % pid, token=tok, host=host).json()["blocks"][-1]["id"]
    out = []
    t = threading.Thread(target=lambda: out.append(publish(s, tok, host, pid)))
    con = sqlite3.connect(s.db, timeout=30, isolation_level=None)
    bumps = 0
    try:
        t.start()
        # another editor keeps saving one block for as long as the publish
        # runs, leaving the lock free most of the time (the publish's own
        # short transaction must get it: a writer looping flat out starves
        # SQLite's busy handler)
        while t.is_alive():
            con.execute("UPDATE draft_blocks SET version = version + 1 WHERE id = ?", (int(bid),))
            bumps += 1
            t.join(0.005)
    finally:
        con.close()
    r = out[0]
    assert r.status == 409, (bumps, r)
    assert r.json()["error"]["code"] == "version_conflict"
    assert s.sql("SELECT count(*) FROM page_versions WHERE page_id = ?", int(pid))[0][0] == 0
    # with nobody editing, the same publish goes through
    r = publish(s, tok, host, pid)
    assert r.status == 200, r


def versions(s, tok, host, pid):
    return [v["version"] for v in s.get(API + "/pages/%s/versions" % pid, token=tok, host=host).json()["versions"]]


def test_page_versions_are_kept_by_retention(tight):
    s = tight
    tok, host = store(s, "keeper")
    pid = page_with(s, tok, host, "kept", ["function render() { return '<p>v</p>'; }"])
    for i in range(6):
        assert publish(s, tok, host, pid).status == 200
    assert versions(s, tok, host, pid) == [6, 5, 4]                    # page_versions_keep = 3
    r = s.post(API + "/pages/%s/rollback" % pid, {"version": 2}, token=tok, host=host)
    assert r.status == 404, r                                          # gone
    r = s.post(API + "/pages/%s/rollback" % pid, {"version": 4}, token=tok, host=host)
    assert r.status == 200 and r.json()["version"] == 7, r
    assert versions(s, tok, host, pid) == [7, 6, 5, 4]
    assert publish(s, tok, host, pid).status == 200
    # 4 stays while the version that rolled back to it is among the newest
    assert versions(s, tok, host, pid) == [8, 7, 6, 4]
    assert publish(s, tok, host, pid).status == 200
    assert publish(s, tok, host, pid).status == 200
    vs = s.get(API + "/pages/%s/versions" % pid, token=tok, host=host).json()["versions"]
    assert [v["version"] for v in vs] == [10, 9, 8] and vs[0]["isLive"]
    assert s.sql("SELECT count(*) FROM page_versions WHERE page_id = ?", int(pid))[0][0] == 3


def test_page_output_cap(tight):
    s = tight
    tok, host = store(s, "wordy")
    big = "function render() { return '<p>' + 'x'.repeat(1200) + '</p>'; }"
    pid = page_with(s, tok, host, "wordy", [big, big, big])
    assert publish(s, tok, host, pid).status == 200
    html = s.get("/wordy", host=host).text
    # 3000 bytes for the page: two blocks fit, the third is a placeholder
    assert html.count("x" * 1200) == 2, html[:500]
    assert html.count("failed: request") == 1
    prev = s.get(API + "/pages/%s/preview" % pid, token=tok, host=host).text
    assert prev.count("x" * 1200) == 2 and "3000 bytes of HTML in all" in prev


def test_quotas_for_every_kind(tight):
    s = tight
    tok, host = store(s, "small")

    def create(path, body):
        return s.post(API + path, body, token=tok, host=host)

    def refused(r, limit, mx):
        assert r.status == 422, r
        e = r.json()["error"]
        assert e["code"] == "limit_reached" and e["details"]["limit"] == limit and e["details"]["max"] == mx, e

    for i in range(2):
        assert create("/posts", {"title": "P", "slug": "p%d" % i}).status == 201
    refused(create("/posts", {"title": "P", "slug": "p9"}), "posts", 2)
    assert create("/collections", {"title": "C", "slug": "c0"}).status == 201
    refused(create("/collections", {"title": "C", "slug": "c1"}), "collections", 1)
    for i in range(2):
        assert create("/discounts", {"code": "D%d" % i, "kind": "fixed", "value": 1}).status == 201
    refused(create("/discounts", {"code": "D9", "kind": "fixed", "value": 1}), "discounts", 2)
    # tokens: the CLI made one; live ones count, revoked ones do not
    ids = []
    for i in range(2):
        r = create("/tokens", {"name": "t%d" % i})
        assert r.status == 201, r
        ids.append(r.json()["id"])
    refused(create("/tokens", {"name": "t9"}), "tokens", 3)
    assert s.delete(API + "/tokens/%s" % ids[0], token=tok, host=host).status == 200
    assert create("/tokens", {"name": "t9"}).status == 201
    assert create("/users", {"email": "ed@small.test", "role": "editor", "password": PASSWORD}).status == 201
    refused(create("/users", {"email": "ed2@small.test", "role": "editor", "password": PASSWORD}), "users", 2)
    # the platform raises one store's limit; its limits object shows them all
    r = s.request("PATCH", "/api/platform/tenants/small", json_body={"limits": {"posts": 3}}, token=PT)
    assert r.status == 200, r
    lim = r.json()["limits"]
    assert lim["posts"] == 3 and lim["collections"] == 1 and lim["tokens"] == 3 and lim["users"] == 2
    assert create("/posts", {"title": "P", "slug": "p9"}).status == 201
