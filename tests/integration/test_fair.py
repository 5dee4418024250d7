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
    pid = spinning_page(s, s.a, "spinner.localhost", "spin", 30)
    prod = new_product(s, s.b, "quiet-mug", price=900, stock=1000, host="quiet.localhost")
    stop = threading.Event()
    publishes = []

    def publish_loop():
        while not stop.is_set():
            r = s.post(API + "/pages/%s/publish" % pid, token=s.a, host="spinner.localhost", timeout=120)
            publishes.append(r.status)

    threads = [threading.Thread(target=publish_loop) for _ in range(3)]
    for t in threads:
        t.start()
    slow = []
    try:
        # wait until A's publishes are under way (one has answered)
        deadline = time.time() + 60
        while not publishes and time.time() < deadline:
            time.sleep(0.05)
        assert publishes, "no publish of store A answered within 60 s"
        for i in range(6):
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
        for _ in range(3):
            t0 = time.time()
            r = shopper.req("GET", "/api/cart")
            took = time.time() - t0
            assert r.status == 200, r
            assert took < 1.0, "cart GET took %.2f s while the database was busy" % took
    finally:
        con.execute("ROLLBACK")
        con.close()
