"""The smoke subset behind every web server the project ships a config
for: lighttpd (the stack's own), nginx, Apache 2.4 with mod_proxy_fcgi and
Caddy, all in front of the same FastCGI pools, with the page cache on.
Through each: home, product page, a cached page sent by the server itself
(gzip, 304), cart add, checkout, admin login and publish, the page cache
invalidated by the publish, a 404, static and media files, the
Authorization header reaching admin.cgi; then, with the storefront
workers stopped, a cached page still served by every one of them."""
import gzip
import os
import signal

import pytest

from conftest import SANITIZER
from shop import Shopper
from stack import Stack, wait_for
from webservers import SERVERS, ApacheCGI

API = "/api/cms"
NAMES = ["lighttpd"] + sorted(SERVERS)
CGI_NAMES = ["apache-cgi", "apache-fcgid"]


class Client:
    """Stack's HTTP helpers aimed at another port."""
    request = Stack.request
    get = Stack.get
    post = Stack.post
    put = Stack.put

    def __init__(self, port):
        self.port = port


@pytest.fixture(scope="module")
def web():
    s = Stack(workers=2, env={"STOREFRONT_RATE_LIMITS": "login:10000/60"})
    s.cache = os.path.join(s.dir, "pages")
    s.env["STOREFRONT_PAGE_CACHE_DIR"] = s.cache
    servers = {}
    try:
        s.start()
        s.cli("demo")
        s.demo_token = s.token("demo", "owner@demo.localhost")
        servers["lighttpd"] = Client(s.port)
        started = s.webservers = []
        for name, cls in sorted(SERVERS.items()):
            ws = cls(s).start()
            started.append(ws)
            servers[name] = Client(ws.port)
        s.servers = servers
        s.webservers = started
        yield s
        s.stop()
        assert not SANITIZER.search(s.worker_log()), s.worker_log()[-4000:]
    finally:
        for ws in getattr(s, "webservers", []):
            ws.stop()
        s.cleanup()


@pytest.fixture(scope="module")
def cgi_web():
    """Shared hosting: Apache starts the programs (plain CGI, mod_fcgid)."""
    s = Stack(env={"STOREFRONT_RATE_LIMITS": "login:10000/60"})
    s.www = os.path.join(s.dir, "www")
    s.cache = os.path.join(s.www, "page-cache")
    s.webservers = []
    try:
        s.cli("init")
        s.cli("demo")
        s.demo_token = s.token("demo", "owner@demo.localhost")
        s.servers = {}
        for fcgid in (False, True):
            ws = ApacheCGI(s, fcgid=fcgid).start()
            s.webservers.append(ws)
            s.servers[ws.name] = Client(ws.port)
        yield s
    finally:
        for ws in s.webservers:
            ws.stop()
        s.cleanup()


@pytest.mark.parametrize("name", NAMES + CGI_NAMES)
def test_smoke(request, name):
    web = request.getfixturevalue("cgi_web" if name in CGI_NAMES else "web")
    c = web.servers[name]
    r = c.get("/")
    assert r.status == 200 and "Demo Outfitters" in r.text, (name, r)
    r = c.get("/products/trailhead-rain-jacket")
    assert r.status == 200 and "$129.00" in r.text, (name, r)
    # The page cache: the second view is the server's own answer.
    r = c.get("/products/trailhead-rain-jacket")
    assert r.status == 200 and r.header("X-Cache") == "HIT-SERVER", (name, r.headers)
    assert r.header("Content-Type").startswith("text/html"), (name, r.headers)
    body = r.body
    z = c.get("/products/trailhead-rain-jacket", headers={"Accept-Encoding": "gzip"})
    assert z.header("Content-Encoding") == "gzip" and gzip.decompress(z.body) == body, (name, z.headers)
    etag = r.header("ETag")
    assert etag, (name, r.headers)
    assert c.get("/products/trailhead-rain-jacket", headers={"If-None-Match": etag}).status == 304, name
    # ... but not to a shopper who chose a currency: a worker answers their copy
    r = c.get("/products/trailhead-rain-jacket", headers={"Cookie": "sf_cart=x; sf_currency=EUR"})
    assert r.status == 200 and r.header("X-Cache") != "HIT-SERVER", (name, r.headers)
    # 404, static and media files.
    r = c.get("/no-such-page-%s" % name)
    assert r.status == 404 and "text/html" in r.header("Content-Type"), (name, r)
    r = c.get("/css/store.css")
    assert r.status == 200 and "text/css" in r.header("Content-Type"), (name, r)
    assert c.get("/media/demo/logo.svg").status == 200, name
    # The Authorization header reaches admin.cgi.
    assert c.get(API + "/pages", token=web.demo_token).status == 200, name
    assert c.get(API + "/pages").status == 401, name
    # Cart add and checkout.
    shopper = Shopper(c)
    pid = web.sql("SELECT id FROM products WHERE tenant_id = 1 AND status = 'active' AND stock > 10 AND "
                  "id NOT IN (SELECT product_id FROM variants) ORDER BY id LIMIT 1")[0][0]
    assert shopper.add(pid).status in (200, 201), name
    r = shopper.checkout()
    assert r.status == 201, (name, r)
    # Admin login and publish; the publish removes the cached page.
    r = c.post(API + "/login", {"email": "owner@demo.localhost", "password": "demo-password"})
    assert r.status == 200, (name, r, [w.log() for w in getattr(web, "webservers", []) if w.name == name])
    tok = r.json()["token"]
    slug = "smoke-" + name
    r = c.post(API + "/pages", {"slug": slug, "title": "Smoke"}, token=tok)
    assert r.status == 201, (name, r)
    page = r.json()["id"]
    code = "function render() { return '<p>%s from " + name + "</p>'; }"
    r = c.post(API + "/blocks", {"pageId": page, "type": "custom", "vibeCode": code % "first"}, token=tok)
    assert r.status == 201, (name, r)
    block = r.json()
    assert c.post(API + "/pages/%s/publish" % page, {}, token=tok).status == 200, name
    assert "first from" in c.get("/" + slug).text
    r = c.get("/" + slug)
    assert r.header("X-Cache") == "HIT-SERVER" and "first from" in r.text, (name, r.headers)
    r = c.put(API + "/blocks/%s" % block["id"], {"vibeCode": code % "second", "version": block["version"]}, token=tok)
    assert r.status == 200, (name, r)
    assert c.post(API + "/pages/%s/publish" % page, {}, token=tok).status == 200, name
    r = c.get("/" + slug)
    assert "second from" in r.text and r.header("X-Cache") != "HIT-SERVER", (name, r.headers)


@pytest.mark.parametrize("name", NAMES)
def test_slow_clients_do_not_hold_a_worker(web, name):
    """More slow clients than workers (a request trickling in, a body
    that never completes): the web server buffers them, so the two
    workers still answer everyone else at once. Apache's mod_proxy_fcgi
    streams a body to the worker as it comes: there mod_reqtimeout cuts
    slow bodies (conf/apache-vhost.conf), and only slow headers are
    checked here."""
    import socket
    import time
    port = web.servers[name].port
    slow = []
    try:
        for i in range(6):
            c = socket.create_connection(("127.0.0.1", port), timeout=30)
            if i % 2 or name == "apache":
                c.sendall(b"GET /products HTTP/1.1\r\nHost: demo.localhost\r\nX-Slow: ")
            else:
                c.sendall(b"POST /api/cart/items HTTP/1.1\r\nHost: demo.localhost\r\nContent-Type: application/json\r\n"
                          b"Content-Length: 1000\r\n\r\n{\"productId\"")
            slow.append(c)
        t0 = time.monotonic()
        for p in ("/api/products?limit=1", "/collections/camp-kit?utm_source=x", "/api/cart"):
            r = web.servers[name].get(p, timeout=10)
            assert r.status == 200, (name, p, r)
        assert time.monotonic() - t0 < 10, name
    finally:
        for c in slow:
            c.close()


def test_cached_pages_are_served_with_the_workers_stopped(web):
    for name in NAMES:
        web.servers[name].get("/blog")
    assert os.path.exists(os.path.join(web.cache, "demo.localhost", "blog", "index.html"))
    pid = int(open(os.path.join(web.run, "storefront.pid")).read())
    os.kill(pid, signal.SIGTERM)   # the supervisor passes it on; the workers finish and exit

    def gone():
        try:
            os.killpg(pid, 0)
            return False
        except ProcessLookupError:
            return True
    wait_for(gone, "the storefront workers to stop")
    for name in NAMES:
        c = web.servers[name]
        assert c.get("/api/products").status >= 500, name
        r = c.get("/blog")
        assert r.status == 200 and r.header("X-Cache") == "HIT-SERVER" and "Demo Outfitters" in r.text, (name, r)
