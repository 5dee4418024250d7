"""Operations over the real stack (doc/operations.md): /healthz and its
failing checks, /metrics and who may read it, compression and the static
files' cache lifetimes through lighttpd's config."""
import gzip
import re
import time

import pytest

from access_util import err
from shop import API
from stack import Stack, wait_for

SPIN = "function render() {\n  while (true) {}\n}\n"


def metric(text, name, **labels):
    """The value of one sample, or None."""
    want = ",".join('%s="%s"' % kv for kv in sorted(labels.items()))
    for line in text.splitlines():
        if line.startswith("#"):
            continue
        m = re.match(r'^([a-z_]+)(?:\{(.*)\})? (\S+)$', line)
        assert m, "not Prometheus text: %r" % line
        got = ",".join(sorted((m.group(2) or "").split(","))) if m.group(2) else ""
        if m.group(1) == name and got == want:
            return float(m.group(3))
    return None


def test_healthz_ok(stack):
    r = stack.get("/healthz", host="whatever.example")    # no store needed
    assert r.status == 200, r
    h = r.json()
    assert h["status"] == "ok" and h["failed"] == []
    assert set(h["checks"]) == {"database", "sandbox", "disk", "backlog"}
    assert all(c["ok"] for c in h["checks"].values())
    assert r.header("Cache-Control") == "no-store"
    assert stack.sql("SELECT count(*) FROM health_probe") == [(1,)]     # it wrote


def test_metrics_from_loopback(stack):
    assert stack.get("/").status == 200
    before = stack.get("/metrics").text
    n0 = metric(before, "storefront_requests_total", program="storefront", route="/products/:slug", status="404") or 0
    assert stack.get("/products/no-such-thing-at-all").status == 404
    r = stack.get("/metrics")
    assert r.status == 200 and r.header("Content-Type").startswith("text/plain; version=0.0.4")
    t = r.text
    assert metric(t, "storefront_requests_total", program="storefront", route="/products/:slug", status="404") == n0 + 1
    assert metric(t, "storefront_request_seconds_count", program="storefront") >= 2
    inf = metric(t, "storefront_request_seconds_bucket", program="storefront", le="+Inf")
    assert inf == metric(t, "storefront_request_seconds_count", program="storefront")
    assert metric(t, "storefront_render_seconds_count") >= 1          # the home page's blocks
    assert metric(t, "storefront_render_seconds_bucket", le="+Inf") == metric(t, "storefront_render_seconds_count")
    assert metric(t, "storefront_cache_hits_total") is not None        # the page cache's slot
    assert metric(t, "storefront_outbox_backlog") is not None
    assert "# TYPE storefront_request_seconds histogram" in t


def test_metrics_counts_sandbox_kills(stack):
    token = stack.demo_token
    r = stack.post(API + "/pages", {"slug": "ops-spin", "title": "Spin"}, token=token)
    assert r.status == 201, r
    pid = r.json()["id"]
    r = stack.post(API + "/blocks", {"pageId": pid, "type": "custom", "vibeCode": SPIN}, token=token)
    assert r.status == 201, r
    before = metric(stack.get("/metrics").text, "storefront_block_failures_total", kind="cpu") or 0
    r = stack.get(API + "/pages/%s/preview" % pid, token=token)
    assert r.status == 200 and "failed (cpu)" in r.text, r
    after = metric(stack.get("/metrics").text, "storefront_block_failures_total", kind="cpu")
    assert after == before + 1


def test_compression_and_cache_lifetimes(stack):
    page = stack.get("/", headers={"Accept-Encoding": "gzip"})
    assert page.status == 200 and page.header("Content-Encoding") == "gzip"
    assert "Accept-Encoding" in page.header("Vary")
    html = gzip.decompress(page.body).decode()
    assets = re.findall(r'(?:href|src)="(/(?:css|js)/[^"?]+\?v=[0-9a-f]{12})"', html)
    assert len(assets) == 2, assets                   # store.css and store.js, fingerprinted
    for url in assets:
        r = stack.get(url, headers={"Accept-Encoding": "gzip, br"})
        assert r.status == 200, (url, r)
        assert r.header("Cache-Control") == "public, max-age=31536000, immutable", url
        assert r.header("Content-Encoding") in ("gzip", "br"), url
        assert len(r.body) < int(stack.get(url).header("Content-Length")), url
    plain = stack.get("/css/store.css")
    assert plain.header("Cache-Control") == "public, max-age=300" and plain.header("Content-Encoding") is None
    # the fingerprint is the content's: the same on every page
    blog = stack.get("/blog").text
    assert all(a in blog for a in assets)
    # JSON from the programs, compressed; small answers are left alone
    api = stack.get("/api/products", headers={"Accept-Encoding": "gzip"})
    assert api.header("Content-Encoding") == "gzip"
    assert gzip.decompress(api.body).startswith(b'{"products"')
    tiny = stack.get("/api/cart", headers={"Accept-Encoding": "gzip"})
    assert tiny.header("Content-Encoding") is None
    # no compression asked for: none given
    assert stack.get("/").header("Content-Encoding") is None


@pytest.fixture(scope="module")
def guarded():
    """A stack behind a trusted proxy (client addresses from X-Forwarded-For),
    with a metrics token, a small beacon bucket and health limits that fail."""
    s = Stack(workers=1, env={"STOREFRONT_TRUSTED_PROXY": "127.0.0.1", "STOREFRONT_METRICS_TOKEN": "m-token-123",
                              "STOREFRONT_RATE_LIMITS": "beacon:3/60",
                              "STOREFRONT_HEALTH_MIN_DISK_MB": "999999999", "STOREFRONT_HEALTH_MAX_BACKLOG": "0",
                              "STOREFRONT_HEALTH_BACKLOG_AGE": "1"})
    try:
        s.start()
        s.tok = s.tenant("guard", "Guarded")
        yield s
    finally:
        s.cleanup()


FAR = {"X-Forwarded-For": "203.0.113.9"}


def test_metrics_refuses_others(guarded):
    s = guarded
    e = err(s.get("/metrics", headers=FAR), 403, "forbidden")
    assert "metrics token" in e["message"]
    err(s.get("/metrics", headers=dict(FAR, Authorization="Bearer wrong-token")), 403)
    err(s.get("/metrics", headers=dict(FAR, Authorization="Bearer " + s.tok)), 403)   # a store's token is not it
    r = s.get("/metrics", headers=dict(FAR, Authorization="Bearer m-token-123"))
    assert r.status == 200 and "storefront_requests_total" in r.text
    assert s.get("/metrics").status == 200        # the proxy itself is loopback


def test_healthz_names_failed_checks(guarded):
    s = guarded
    e = err(s.get("/healthz", headers=FAR), 403, "forbidden")      # the operator's, like /metrics
    assert "/healthz" in e["message"]
    tid = s.sql("SELECT id FROM tenants WHERE username = 'guard'")[0][0]
    old = int(time.time()) - 3600
    # an email nobody can send (no smtp_url: it stays in the outbox), overdue
    s.sql("INSERT INTO outbox(tenant_id, kind, target, subject, body, next_at, created_at) "
          "VALUES(?, 'email', 'a@example.com', 's', 'b', ?, ?)", tid, old, old)
    r = s.get("/healthz", headers=dict(FAR, Authorization="Bearer m-token-123"))
    assert r.status == 503, r
    h = r.json()
    assert h["status"] == "fail"
    assert set(h["failed"]) == {"disk", "backlog"}, h
    assert h["checks"]["database"]["ok"] and h["checks"]["sandbox"]["ok"]
    assert h["checks"]["backlog"]["overdue"] >= 1


def test_beacon_is_rate_limited(guarded):
    s = guarded
    ua = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0", "X-Forwarded-For": "198.51.100.7"}
    got = [s.post("/api/analytics/view", {"path": "/"}, host="guard.localhost", headers=ua).status for _ in range(5)]
    assert got[:3] == [204, 204, 204] and 429 in got[3:], got
    today = s.get(API + "/analytics/today", host="guard.localhost", token=s.tok).json()
    assert today["views"] == 3 and today["visitors"] == 1
