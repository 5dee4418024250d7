"""Whole-installation durability (issue 15): the restore drill (an online
backup taken during checkouts and publishes, restored into a new
directory, the stack started on it: integrity, every order completed
before the backup present, no half-published page, media files there),
the deliverer's scheduled backups with their retention rule, and kill -9
of every process of the stack mid-checkout losing no order it confirmed."""
import glob
import json
import os
import signal
import sqlite3
import threading
import time
import uuid

import pytest

from stack import Stack, wait_for
from shop import Shopper, set_stock

API = "/api/cms"
ENV = {"STOREFRONT_RATE_LIMITS": "login:10000/60,cart:100000/60,checkout:100000/60,publish:100000/60"}


def demo_stack(**env):
    s = Stack(workers=2, env=dict(ENV, STOREFRONT_MEDIA_DIR="", **env))
    s.env["STOREFRONT_MEDIA_DIR"] = os.path.join(s.dir, "media")
    s.start()
    s.cli("demo")
    s.demo_token = s.token("demo", "owner@demo.localhost")
    return s


def checkout(s, pid, done, lock):
    sh = Shopper(s)
    if sh.add(pid, 1).status not in (200, 201):
        return
    try:
        r = sh.checkout(uuid.uuid4().hex)
    except OSError:
        return
    if r.status == 201:
        with lock:
            done.append((time.monotonic(), r.json()["order"]["number"]))


def test_restore_drill(tmp_path):
    a = demo_stack()
    b = None
    try:
        t = a.demo_token
        pid = a.get(API + "/products?limit=1", token=t).json()["products"][0]["id"]
        set_stock(a, t, pid, 100000)
        os.makedirs(os.path.join(a.dir, "media", "ab"))
        with open(os.path.join(a.dir, "media", "ab", "abcdef.png"), "wb") as f:
            f.write(b"\x89PNG media bytes")
        page = a.post(API + "/pages", {"slug": "drill", "title": "Drill"}, token=t).json()
        blocks = [a.post(API + "/blocks", {"pageId": page["id"], "type": "text", "config": {"heading": "v0"}},
                         token=t).json() for _ in range(3)]
        assert a.post(API + "/pages/%s/publish" % page["id"], {}, token=t).status == 200
        stop = threading.Event()
        done, lock, published = [], threading.Lock(), []

        def shoppers():
            while not stop.is_set():
                checkout(a, pid, done, lock)

        def publisher():
            n = 0
            while not stop.is_set():
                n += 1
                for blk in blocks:      # every block of a version says the same n
                    cur = a.get(API + "/blocks/" + blk["id"], token=t).json()
                    a.put(API + "/blocks/" + blk["id"], {"version": cur["version"], "config": {"heading": "v%d" % n}},
                          token=t)
                if a.post(API + "/pages/%s/publish" % page["id"], {}, token=t).status == 200:
                    published.append(n)
        ths = [threading.Thread(target=shoppers) for _ in range(3)] + [threading.Thread(target=publisher)]
        for th in ths:
            th.start()
        try:
            wait_for(lambda: len(done) >= 5 and len(published) >= 1, "orders and publishes before the backup", 60)
            t0 = time.monotonic()
            before = [n for (at, n) in list(done) if at < t0]
            f = str(tmp_path / "drill.db")
            out = a.cli("backup", f).stdout
            n_during = len(done)
            wait_for(lambda: len(done) >= n_during + 3, "orders after the backup", 60)
        finally:
            stop.set()
            for th in ths:
                th.join()
        assert "pages" in out and os.path.exists(f + ".media/ab/abcdef.png")
        # a new directory, a new stack on the restored database
        b = Stack(workers=1, env=ENV)
        b.env["STOREFRONT_MEDIA_DIR"] = os.path.join(b.dir, "media")
        b.cli("restore", f)
        assert b.cli("restore", f, check=False).returncode != 0        # never over a database by accident
        b.start()
        con = sqlite3.connect(b.db)
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
        have = {r[0] for r in con.execute("SELECT o.number FROM orders o JOIN tenants t ON t.id = o.tenant_id "
                                          "WHERE t.username = 'demo'")}
        missing = [n for n in before if n not in have]
        assert before and not missing, "completed orders missing after the restore: %s" % missing
        # every order in the backup is whole: its items are there
        assert con.execute("SELECT count(*) FROM orders o WHERE NOT EXISTS (SELECT 1 FROM order_items i "
                           "WHERE i.order_id = o.id)").fetchone()[0] == 0
        # no half-published page: the live version exists, its blocks all from one publish
        live = con.execute("SELECT v.blocks_json FROM pages p JOIN page_versions v ON v.page_id = p.id "
                           "AND v.version = p.live_version WHERE p.slug = 'drill'").fetchone()
        heads = {blk["config"]["heading"] for blk in json.loads(live[0])}
        assert len(heads) == 1, heads
        assert con.execute("SELECT count(*) FROM pages WHERE live_version IS NOT NULL AND live_version NOT IN "
                           "(SELECT version FROM page_versions v WHERE v.page_id = pages.id)").fetchone()[0] == 0
        con.close()
        r = b.get("/drill")
        assert r.status == 200 and heads.pop() in r.text
        assert b.get("/orders/%d?key=%s" % b.sql("SELECT number, secret FROM orders LIMIT 1")[0]).status == 200
        with open(os.path.join(b.dir, "media", "ab", "abcdef.png"), "rb") as fh:
            assert fh.read() == b"\x89PNG media bytes"
    finally:
        a.cleanup()
        if b:
            b.cleanup()


def test_the_deliverer_backs_up_on_schedule_and_keeps_the_newest(tmp_path):
    s = Stack(workers=1, env=dict(ENV, STOREFRONT_BACKUP_INTERVAL="1", STOREFRONT_BACKUP_KEEP="2",
                                  STOREFRONT_BACKUP_DIR=str(tmp_path / "backups")))
    try:
        s.start()
        s.cli("demo")
        first = wait_for(lambda: sorted(glob.glob(str(tmp_path / "backups" / "storefront-*.db"))) if
                         len(glob.glob(str(tmp_path / "backups" / "storefront-*.db"))) == 2 else None,
                         "two scheduled backups", 60)
        later = wait_for(lambda: (lambda g: g if len(g) == 2 and first[0] not in g else None)(
            sorted(glob.glob(str(tmp_path / "backups" / "storefront-*.db")))), "the oldest backup pruned", 60)
        assert len(later) == 2
        con = sqlite3.connect(later[-1])
        assert con.execute("PRAGMA quick_check").fetchone()[0] == "ok"
        con.close()
    finally:
        s.cleanup()


def kill_everything(s):
    """SIGKILL to lighttpd and every supervised group: no one finishes anything."""
    for f in glob.glob(os.path.join(s.run, "*.pid")):
        with open(f) as fh:
            pid = int(fh.read().strip())
        try:
            if f.endswith("lighttpd.pid"):
                os.kill(pid, signal.SIGKILL)
            else:
                os.killpg(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        os.unlink(f)


@pytest.mark.parametrize("sync", ["FULL", "NORMAL"])   # both survive a process crash (doc/scale.md)
def test_kill_9_of_everything_mid_checkout_loses_no_confirmed_order(sync):
    s = demo_stack(STOREFRONT_DB_SYNCHRONOUS=sync)
    try:
        t = s.demo_token
        pid = s.get(API + "/products?limit=1", token=t).json()["products"][0]["id"]
        set_stock(s, t, pid, 100000)
        stop = threading.Event()
        done, lock = [], threading.Lock()

        def shoppers():
            while not stop.is_set():
                try:
                    checkout(s, pid, done, lock)
                except Exception:
                    time.sleep(0.01)
        ths = [threading.Thread(target=shoppers) for _ in range(4)]
        for th in ths:
            th.start()
        wait_for(lambda: len(done) >= 10, "orders before the kill", 60)
        kill_everything(s)
        stop.set()
        for th in ths:
            th.join()
        s.started = False
        con = sqlite3.connect(s.db)
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        have = {r[0] for r in con.execute("SELECT number FROM orders")}
        con.close()
        lost = [n for (_, n) in done if n not in have]
        assert not lost, "confirmed orders lost after kill -9: %s" % lost
        s.start()          # and the stack comes back on the same files
        assert s.get("/").status == 200
    finally:
        s.cleanup()
