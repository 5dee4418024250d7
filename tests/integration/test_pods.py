"""Pods behind HAProxy (issue 15): three ordinary installations on their
own loopback addresses (127.0.0.2-4), the catalogue on the router node,
HAProxy (Debian's) routing by Host through the map the catalogue writes and
updates through the runtime API. Stores are created across the pods
(least-loaded), each is served by hostname through HAProxy, Caddy's TLS
ask answers from the same map, and a store moves to another pod under
continuous browsing and checkouts: no error but the documented 503
(store_read_only, with Retry-After) during the window, no order lost or
made twice, the source's copy gone."""
import http.client
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
import threading
import time
import uuid

import pytest

from stack import CLI, Stack, free_port, wait_for
from shop import Shopper

API = "/api/cms"
POD_ADDRS = ["127.0.0.2", "127.0.0.3", "127.0.0.4"]
HAPROXY = shutil.which("haproxy") or "/usr/sbin/haproxy"



class Router:
    """HTTP through HAProxy: Stack's request, get and post (Shopper uses
    them), which need nothing of a stack but its port."""

    def __init__(self, port):
        self.port = port

    request = Stack.request
    get = Stack.get
    post = Stack.post


HAPROXY_CFG = """
global
    stats socket {sock} mode 600 level admin
defaults
    mode http
    timeout connect 5s
    timeout client 60s
    timeout server 60s
frontend stores
    bind 127.0.0.1:{port}
    http-request set-var(txn.pod) req.hdr(host),host_only,lower,map({map})
    http-request return status 404 content-type text/plain string "no store answers at this host" unless {{ var(txn.pod) -m found }}
    use_backend %[var(txn.pod)]
    http-response set-header X-Pod %[var(txn.pod)]
frontend tls_ask
    bind 127.0.0.1:{ask}
    http-request return status 200 content-type text/plain string ok if {{ path /ask }} {{ url_param(domain),lower,map({map}) -m found }}
    http-request return status 404 content-type text/plain string unknown
"""


@pytest.fixture(scope="module")
def world():
    d = tempfile.mkdtemp(prefix="sf-pods-")
    pods, hap = [], None
    env = dict(os.environ, STOREFRONT_CATALOGUE=os.path.join(d, "catalogue.db"),
               STOREFRONT_HAPROXY_SOCKET=os.path.join(d, "haproxy.sock"),
               STOREFRONT_HAPROXY_MAP=os.path.join(d, "hosts.map"),
               STOREFRONT_DB=os.path.join(d, "router.db"))
    env.pop("STOREFRONT_CONF", None)

    def router_cli(*args, check=True):
        p = subprocess.run([CLI, *args], env=env, capture_output=True, text=True, timeout=120)
        if check:
            assert p.returncode == 0, "storefront %s: %s" % (" ".join(args), p.stderr)
        return p
    try:
        lim = {"STOREFRONT_RATE_LIMITS": "login:10000/60,cart:100000/60,checkout:100000/60"}
        for i, addr in enumerate(POD_ADDRS):
            s = Stack(workers=2, env=dict(lim, SF_BIND=addr))
            s.start()
            pods.append(s)
            router_cli("catalogue", "pod", "add", "pod%d" % (i + 1), "%s:%d" % (addr, s.port),
                       "--cli", "%s --db %s" % (CLI, s.db))
        open(env["STOREFRONT_HAPROXY_MAP"], "w").close()
        port, ask = free_port(), free_port()
        cfg = os.path.join(d, "haproxy.cfg")
        with open(cfg, "w") as f:
            f.write(HAPROXY_CFG.format(sock=env["STOREFRONT_HAPROXY_SOCKET"], port=port, ask=ask,
                                       map=env["STOREFRONT_HAPROXY_MAP"]))
            for i, (addr, s) in enumerate(zip(POD_ADDRS, pods)):
                f.write("backend pod%d\n    server pod%d %s:%d\n" % (i + 1, i + 1, addr, s.port))
        hap = subprocess.Popen([HAPROXY, "-db", "-f", cfg], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        wait_for(lambda: os.path.exists(env["STOREFRONT_HAPROXY_SOCKET"]), "haproxy's runtime API", 30)
        yield {"dir": d, "pods": pods, "router": Router(port), "ask": ask, "cli": router_cli, "env": env}
    finally:
        if hap:
            hap.terminate()
            hap.wait(timeout=10)
        for s in pods:
            s.cleanup()
        shutil.rmtree(d, ignore_errors=True)


def pod_of(world, name):
    return world["pods"][int(name[3:]) - 1]


def test_stores_go_to_the_least_loaded_pod_and_are_served_by_hostname(world):
    cli, r = world["cli"], world["router"]
    placed = {}
    for i in range(6):
        out = cli("catalogue", "store", "create", "shop%d" % i, "--name", "Shop %d" % i).stdout.split()
        placed[out[0]] = out[1]
    # by store count: two each
    assert sorted(placed.values()) == ["pod1", "pod1", "pod2", "pod2", "pod3", "pod3"]
    # the username is the catalogue's across pods: taken anywhere is taken
    p = cli("catalogue", "store", "create", "shop0", "--name", "Again", check=False)
    assert p.returncode != 0 and "taken" in p.stderr
    # through HAProxy, each store by hostname, from its own pod (no reload happened)
    for user, pod in placed.items():
        resp = r.get("/", host=user + ".localhost")
        assert resp.status == 200 and resp.header("X-Pod") == pod and ("Shop %s" % user[4:]) in resp.text, (user, resp)
        assert pod_of(world, pod).sql("SELECT count(*) FROM tenants WHERE username = ?", user)[0][0] == 1
    assert r.get("/", host="nobody.localhost").status == 404
    # the map file, written before a reload, says the same
    cli("catalogue", "haproxy-map")
    with open(world["env"]["STOREFRONT_HAPROXY_MAP"]) as f:
        lines = dict(line.split() for line in f)
    assert lines == {u + ".localhost": p for u, p in placed.items()}
    # recent requests count as load too: a busy pod gets no new store
    cli("catalogue", "pod", "requests", "pod1", "0")
    cli("catalogue", "pod", "requests", "pod2", "1000000")
    cli("catalogue", "pod", "requests", "pod3", "1000000")
    assert cli("catalogue", "store", "create", "shop6", "--name", "Shop 6").stdout.split()[1] == "pod1"
    world["placed"] = dict(placed, shop6="pod1")


def test_caddys_tls_ask_and_custom_domains_follow_the_catalogue(world):
    cli, r = world["cli"], world["router"]

    def ask(domain):
        c = http.client.HTTPConnection("127.0.0.1", world["ask"], timeout=10)
        c.request("GET", "/ask?domain=" + domain)
        return c.getresponse().status
    assert ask("shop1.localhost") == 200 and ask("unknown.example") == 404
    pod = world["placed"]["shop1"]
    # a verified custom domain of shop1 on its pod, then in the catalogue: live at once
    s = pod_of(world, pod)
    tid = s.sql("SELECT id FROM tenants WHERE username = 'shop1'")[0][0]
    s.sql("INSERT INTO domains(domain, tenant_id, verify_token, verified_at, created_at) VALUES "
          "('www.shop-one.test', ?, 't', strftime('%s','now'), strftime('%s','now'))", tid)
    assert ask("www.shop-one.test") == 404
    cli("catalogue", "host", "add", "www.shop-one.test", "shop1")
    assert ask("www.shop-one.test") == 200
    resp = r.get("/", host="www.shop-one.test")
    assert resp.header("X-Pod") == pod and resp.status in (200, 301), resp
    cli("catalogue", "host", "remove", "www.shop-one.test")
    assert ask("www.shop-one.test") == 404 and r.get("/", host="www.shop-one.test").status == 404


def test_a_store_moves_under_traffic_losing_and_doubling_nothing(world):
    cli, r = world["cli"], world["router"]
    user = "shop0"
    host = user + ".localhost"
    src = world["placed"][user]
    dst = next(p for p in ("pod1", "pod2", "pod3") if p != src)
    s = pod_of(world, src)
    s.cli("user", "add", user, "owner@shop0.test", "--role", "owner", input="correct-horse-battery\n")
    tok = s.token(user, "owner@shop0.test")
    prod = r.post(API + "/products", {"name": "Mover Mug", "slug": "mover-mug", "price": 1200, "stock": 100000},
                  token=tok, host=host)
    assert prod.status == 201, prod
    pid = prod.json()["id"]
    other = next(u for u, p in world["placed"].items() if p == dst)
    stop = threading.Event()
    lock = threading.Lock()
    errors, windows, confirmed = [], [], []

    def note(resp, what):
        if resp.status == 503 and resp.header("Retry-After"):
            assert resp.json()["error"]["code"] == "store_read_only", resp
            with lock:
                windows.append(time.monotonic())
            time.sleep(min(float(resp.header("Retry-After")), 0.5))   # the protocol's wait, shortened
            return False
        if resp.status not in (200, 201):
            with lock:
                errors.append((what, resp.status, resp.text[:200]))
            return None
        return True

    def browser():
        while not stop.is_set():
            for h, p in ((host, "/"), (host, "/products/mover-mug"), (other + ".localhost", "/")):
                try:
                    resp = r.get(p, host=h)
                except OSError as e:
                    errors.append(("GET " + h + p, str(e)))
                    continue
                note(resp, "GET " + h + p)

    def shopper():
        while not stop.is_set():
            sh = Shopper(r, host=host)
            while note(sh.add(pid, 1), "cart add") is False:
                pass
            key = uuid.uuid4().hex
            while True:       # retried with the same key until confirmed
                resp = sh.checkout(key)
                ok = note(resp, "checkout")
                if ok:
                    with lock:
                        confirmed.append((key, resp.json()["order"]["number"]))
                    break
                if ok is None:
                    break
    ths = [threading.Thread(target=browser) for _ in range(2)] + [threading.Thread(target=shopper) for _ in range(3)]
    for t in ths:
        t.start()
    try:
        wait_for(lambda: len(confirmed) >= 5, "orders before the move", 60)
        p = cli("tenant", "move", user, "--to", dst, "--window", "30")
        n_after = len(confirmed)
        wait_for(lambda: len(confirmed) >= n_after + 5, "orders after the move", 60)
    finally:
        stop.set()
        for t in ths:
            t.join()
    print(p.stdout)
    assert "moved %s -> %s" % (src, dst) in p.stdout
    assert not errors, errors[:10]
    # routed to the target now; the source's copy gone
    resp = r.get("/", host=host)
    assert resp.status == 200 and resp.header("X-Pod") == dst
    assert s.sql("SELECT count(*) FROM tenants WHERE username = ?", user)[0][0] == 0
    assert s.sql("SELECT count(*) FROM orders o WHERE NOT EXISTS (SELECT 1 FROM tenants t WHERE t.id = o.tenant_id)")[0][0] == 0
    assert cli("catalogue", "lookup", host).stdout.strip() == dst
    # every confirmed order exactly once on the target, numbers unique
    t = pod_of(world, dst)
    rows = t.sql("SELECT o.idempotency_key, o.number FROM orders o JOIN tenants t ON t.id = o.tenant_id WHERE t.username = ?",
                 user)
    keys = [k for k, _ in rows]
    assert len(keys) == len(set(keys)) and len({n for _, n in rows}) == len(rows)
    have = dict(rows)
    lost = [(k, n) for k, n in confirmed if have.get(k) != n]
    assert not lost, "confirmed orders lost or renumbered: %s" % lost[:5]
    assert len(rows) == len(confirmed), "orders nobody was told about: %d rows, %d confirmed" % (len(rows), len(confirmed))
    con = sqlite3.connect(t.db)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    con.close()
    # placement's other input: each pod's requests, read from HAProxy's counters
    assert "3 pods" in cli("catalogue", "pod", "requests", "--from-haproxy").stdout
    load = {p["name"]: p["requests"] for p in json.loads(cli("catalogue", "pod", "list").stdout)}
    assert load[src] > 0 and load[dst] > 0, load
    print("move under traffic: %d orders confirmed, %d answers 503 during the window (%.2f s)" %
          (len(confirmed), len(windows), (max(windows) - min(windows)) if windows else 0))


def test_a_move_that_cannot_be_verified_leaves_the_store_where_it_was(world):
    """The target imports the store but does not serve it (here: HAProxy
    and the mover reach it at a wrong address): its copy is removed, the
    map never switched, the store writable again on its pod."""
    cli, r = world["cli"], world["router"]
    user = "shop1"
    src = world["placed"][user]
    other = next(p for p in ("pod1", "pod2", "pod3") if p != src)
    cli("catalogue", "pod", "add", "broken", "127.0.0.9:9", "--cli", "%s --db %s" % (CLI, pod_of(world, other).db))
    p = cli("tenant", "move", user, "--to", "broken", check=False)
    assert p.returncode != 0 and "does not answer" in p.stderr, p.stderr
    assert cli("catalogue", "lookup", user + ".localhost").stdout.strip() == src
    assert pod_of(world, other).sql("SELECT count(*) FROM tenants WHERE username = ?", user)[0][0] == 0
    resp = r.get("/", host=user + ".localhost")
    assert resp.status == 200 and resp.header("X-Pod") == src
    assert pod_of(world, src).sql("SELECT read_only_until FROM tenants WHERE username = ?", user)[0][0] == 0
    assert json.loads(cli("catalogue", "pod", "list").stdout)  # the catalogue still reads


def test_the_shipped_haproxy_cfg_is_valid_and_routes_as_tested(tmp_path):
    """conf/haproxy.cfg (paths moved into a temporary directory) passes
    haproxy -c, and its host lookup is the one this module's HAProxy runs."""
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    with open(os.path.join(root, "conf", "haproxy.cfg")) as f:
        cfg = f.read()
    lookup = "req.hdr(host),host_only,lower,map("
    assert lookup in cfg and lookup in HAPROXY_CFG
    assert "use_backend %[var(txn.pod)]" in cfg and "frontend tls_ask" in cfg
    (tmp_path / "hosts.map").write_text("shop.example.net pod1\n")
    cfg = cfg.replace("/etc/haproxy/hosts.map", str(tmp_path / "hosts.map"))
    cfg = cfg.replace("/run/haproxy/admin.sock", str(tmp_path / "admin.sock"))
    (tmp_path / "haproxy.cfg").write_text(cfg)
    p = subprocess.run([HAPROXY, "-c", "-f", str(tmp_path / "haproxy.cfg")], capture_output=True, text=True, timeout=30)
    assert p.returncode == 0, p.stdout + p.stderr


def test_the_routers_caddyfile_is_valid_and_asks_haproxys_map(tmp_path):
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    path = os.path.join(root, "conf", "Caddyfile.router")
    with open(path) as f:
        assert "ask http://{$SF_ASK:127.0.0.1:8404}/ask" in f.read()
    with open(os.path.join(root, "conf", "haproxy.cfg")) as f:
        assert "bind 127.0.0.1:8404" in f.read()
    p = subprocess.run(["caddy", "validate", "--config", path, "--adapter", "caddyfile"], capture_output=True, text=True,
                       timeout=60, env=dict(os.environ, SF_CADDY_STORAGE=str(tmp_path)))
    assert p.returncode == 0, p.stdout + p.stderr
