"""Overselling is impossible: concurrent checkouts through the real web
server (4 FastCGI workers) against scarce stock, and workers killed with
SIGKILL in the middle of checkouts. The database is checked afterwards."""
import os
import signal
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from conftest import SANITIZER
from stack import Stack
from shop import API, Shopper, new_product

N = 50


@pytest.fixture(scope="module")
def race():
    # Per-IP limits (rate_limits) would turn a one-machine race into 429s.
    s = Stack(workers=4, env={"STOREFRONT_RATE_LIMITS": "cart:100000/60,checkout:100000/60"})
    try:
        s.start()
        s.cli("demo")
        s.demo_token = s.token("demo", "owner@demo.localhost")
        yield s
        s.stop()
        log = s.worker_log()
        assert not SANITIZER.search(log), "sanitizer report in worker log:\n" + log[-4000:]
    finally:
        s.cleanup()


def checkout_all(stack, shoppers, workers=N):
    barrier = threading.Barrier(len(shoppers))

    def go(sh):
        barrier.wait()
        return sh.checkout(uuid.uuid4().hex)

    with ThreadPoolExecutor(max_workers=workers) as ex:
        return list(ex.map(go, shoppers))


def summarize(results):
    out = {}
    for r in results:
        try:
            code = r.json()["error"]["code"] if r.status >= 400 else "ok"
        except ValueError:
            code = "not json (worker killed)"
        out[(r.status, code)] = out.get((r.status, code), 0) + 1
    return out


def test_fifty_checkouts_five_in_stock(race):
    p = new_product(race, race.demo_token, "race-last-five", price=2500, stock=5)
    shoppers = [Shopper(race) for _ in range(N)]
    for sh in shoppers:
        assert sh.add(p["id"], 1).status == 200          # each cart holds one; stock checked again at checkout
    t0 = time.time()
    results = checkout_all(race, shoppers)
    took = time.time() - t0
    summary = summarize(results)
    print("race: %d checkouts in %.2fs: %s" % (N, took, summary))
    assert summary == {(201, "ok"): 5, (409, "out_of_stock"): 45}, summary
    for r in results:
        if r.status == 409:
            e = r.json()["error"]
            assert "Race Last Five" in e["message"] and e["details"]["items"][0]["productId"] == p["id"]
    assert race.sql("SELECT stock FROM products WHERE id = ?", int(p["id"]))[0][0] == 0
    assert race.sql("SELECT count(*), sum(quantity) FROM order_items WHERE product_id = ?", int(p["id"]))[0] == (5, 5)
    numbers = [r.json()["order"]["number"] for r in results if r.status == 201]
    assert len(set(numbers)) == 5


def test_many_items_per_cart_with_variants(race):
    t = race.demo_token
    shirt = new_product(race, t, "race-shirt", price=2000, stock=0, options=[{"name": "Size", "values": ["S", "M", "L"]}],
                        variants=[{"option1": "S", "sku": "RS-S", "price": 2000, "stock": 10},
                                  {"option1": "M", "sku": "RS-M", "price": 2100, "stock": 10},
                                  {"option1": "L", "sku": "RS-L", "price": 2200, "stock": 10}])
    v = {x["sku"]: x["id"] for x in shirt["variants"]}
    socks = new_product(race, t, "race-socks", price=900, stock=20)
    shoppers = [Shopper(race) for _ in range(N)]
    for sh in shoppers:
        assert sh.add(shirt["id"], 2, v["RS-S"]).status == 200     # 10 in stock -> 5 carts can have it
        assert sh.add(shirt["id"], 1, v["RS-M"]).status == 200
        assert sh.add(socks["id"], 1).status == 200
        assert sh.cart()["itemCount"] == 4
    results = checkout_all(race, shoppers)
    summary = summarize(results)
    print("race (3 lines per cart): %s" % summary)
    assert summary == {(201, "ok"): 5, (409, "out_of_stock"): 45}, summary
    for r in results:
        if r.status == 409:
            e = r.json()["error"]
            assert "Race Shirt - S" in e["message"], e
            assert [i["variantId"] for i in e["details"]["items"]] == [v["RS-S"]]
    stock = dict(race.sql("SELECT sku, stock FROM variants WHERE product_id = ?", int(shirt["id"])))
    assert stock == {"RS-S": 0, "RS-M": 5, "RS-L": 10}
    assert race.sql("SELECT stock FROM products WHERE id = ?", int(socks["id"]))[0][0] == 15
    # every order is whole: three lines, four units
    rows = race.sql("SELECT o.id, count(i.id), sum(i.quantity) FROM orders o JOIN order_items i ON i.order_id = o.id "
                    "WHERE i.product_id IN (?, ?) GROUP BY o.id", int(shirt["id"]), int(socks["id"]))
    assert len(rows) == 5 and all(r[1] == 3 and r[2] == 4 for r in rows)


def worker_pids(stack):
    with open(os.path.join(stack.run, "storefront.pid")) as f:
        mw = int(f.read().strip())
    with open("/proc/%d/task/%d/children" % (mw, mw)) as f:
        return [int(x) for x in f.read().split()]


def test_kill_9_workers_during_checkouts(race):
    """Ten-line carts checked out by 16 threads while workers are SIGKILLed
    every 30 ms: afterwards every order is whole and, per product, stock
    left + units sold = the stock we started with."""
    products = [new_product(race, race.demo_token, "race-kill-%d" % i, price=1500, stock=100) for i in range(10)]
    shoppers = [Shopper(race) for _ in range(150)]
    for sh in shoppers:
        for p in products:
            assert sh.add(p["id"], 1).status == 200
    killed = []
    stop = threading.Event()

    def killer():
        while not stop.is_set() and len(killed) < 15:
            time.sleep(0.03)
            pids = worker_pids(race)
            if pids:
                os.kill(pids[len(killed) % len(pids)], signal.SIGKILL)   # a worker this test's stack started
                killed.append(1)

    th = threading.Thread(target=killer)
    th.start()
    try:
        with ThreadPoolExecutor(max_workers=16) as ex:
            keys = [uuid.uuid4().hex for _ in shoppers]
            results = list(ex.map(lambda a: a[0].checkout(a[1]), zip(shoppers, keys)))
    finally:
        stop.set()
        th.join()
    summary = summarize(results)
    print("kill -9 %d workers during %d ten-line checkouts: %s" % (len(killed), len(shoppers), summary))
    assert killed, "no worker was killed"
    ok = sum(1 for r in results if r.status == 201)
    ids = [int(p["id"]) for p in products]
    for pid in ids:
        sold = race.sql("SELECT coalesce(sum(quantity), 0) FROM order_items WHERE product_id = ?", pid)[0][0]
        stock = race.sql("SELECT stock FROM products WHERE id = ?", pid)[0][0]
        assert stock + sold == 100 and stock >= 0, (pid, stock, sold)
    lines = race.sql("SELECT order_id, count(*) FROM order_items WHERE product_id BETWEEN ? AND ? GROUP BY order_id",
                     min(ids), max(ids))
    assert all(n == 10 for _, n in lines), "a partial order"
    assert len(lines) >= ok                           # a killed worker may have committed without answering
    assert race.sql("SELECT count(*) FROM orders o WHERE NOT EXISTS "
                    "(SELECT 1 FROM order_items i WHERE i.order_id = o.id)")[0][0] == 0
    assert race.sql("PRAGMA integrity_check")[0][0] == "ok"
    # The pool recovered; shoppers left without an answer retry with the
    # same key and get the order that was made, or a new one -- never two.
    for sh, key, r in zip(shoppers, keys, results):
        if r.status not in (201, 409):
            for _ in range(50):                       # lighttpd may hold off a respawned backend briefly
                r2 = sh.checkout(key)
                if r2.status not in (500, 502, 503):
                    break
                time.sleep(0.1)
            assert r2.status in (200, 201, 409), r2
            assert race.sql("SELECT count(*) FROM orders WHERE idempotency_key = ?", key)[0][0] == (r2.status != 409)
    for pid in ids:
        sold = race.sql("SELECT coalesce(sum(quantity), 0) FROM order_items WHERE product_id = ?", pid)[0][0]
        assert race.sql("SELECT stock FROM products WHERE id = ?", pid)[0][0] + sold == 100


def test_same_key_concurrently_makes_one_order(race):
    p = new_product(race, race.demo_token, "race-same-key", price=1000, stock=10)
    sh = Shopper(race)
    sh.add(p["id"], 1)
    key = uuid.uuid4().hex
    barrier = threading.Barrier(10)

    def go(_):
        barrier.wait()
        return sh.checkout(key)

    with ThreadPoolExecutor(max_workers=10) as ex:
        results = list(ex.map(go, range(10)))
    ids = {r.json()["order"]["id"] for r in results if r.status in (200, 201)}
    statuses = sorted(r.status for r in results)
    assert len(ids) == 1 and statuses.count(201) == 1, statuses
    assert race.sql("SELECT stock FROM products WHERE id = ?", int(p["id"]))[0][0] == 9
