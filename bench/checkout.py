#!/usr/bin/env python3
"""Checkout rate: orders per second through the real stack (lighttpd +
FastCGI workers + SQLite WAL), each checkout doing the full stock check and
decrement, order, items, change feed and outbox rows in one BEGIN IMMEDIATE
transaction. Carts are filled first; only checkouts are timed.
  python3 bench/checkout.py [ORDERS] [CONCURRENCY] [WORKERS]"""
import os
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "integration"))
from stack import Stack  # noqa: E402
from shop import Shopper, new_product  # noqa: E402


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    conc = int(sys.argv[2]) if len(sys.argv) > 2 else 8
    workers = int(sys.argv[3]) if len(sys.argv) > 3 else 4
    s = Stack(workers=workers, env={"STOREFRONT_RATE_LIMITS": os.environ.get("BENCH_RATE_LIMITS", "login:30/60")})
    try:
        s.start()
        s.cli("demo")
        tok = s.token("demo", "owner@demo.localhost")
        a = new_product(s, tok, "bench-a", price=1000, stock=n)
        b = new_product(s, tok, "bench-b", price=500, stock=n * 2)
        shoppers = [Shopper(s) for _ in range(n)]
        with ThreadPoolExecutor(max_workers=conc) as ex:
            list(ex.map(lambda sh: (sh.add(a["id"], 1), sh.add(b["id"], 2)), shoppers))
        keys = [uuid.uuid4().hex for _ in shoppers]
        t0 = time.time()
        with ThreadPoolExecutor(max_workers=conc) as ex:
            res = list(ex.map(lambda x: x[0].checkout(x[1]), zip(shoppers, keys)))
        dt = time.time() - t0
        ok = sum(1 for r in res if r.status == 201)
        stock = s.sql("SELECT stock FROM products WHERE slug = 'bench-a'")[0][0]
        print("checkout: %d orders (2 lines each) in %.2fs = %.0f orders/s (concurrency %d, %d workers); "
              "failed %d; stock left %d" % (ok, dt, ok / dt, conc, workers, len(res) - ok, stock))
        return 0 if ok == n and stock == 0 else 1
    finally:
        s.cleanup()


if __name__ == "__main__":
    sys.exit(main())
