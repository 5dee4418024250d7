"""Host header abuse: each form maps to the right store or to the platform
404, never to another store. X-Forwarded-Host counts only from the
configured trusted proxy (checked through the programs as plain CGI)."""
import os
import subprocess

from stack import ROOT

STORE = "Demo Outfitters"


def is_platform_404(r_or_raw):
    if isinstance(r_or_raw, bytes):
        head = r_or_raw.split(b"\r\n", 1)[0]
        return (b" 404 " in head or b" 400 " in head) and STORE.encode() not in r_or_raw and b"Acme" not in r_or_raw
    return r_or_raw.status in (400, 404) and STORE not in r_or_raw.text and "Acme" not in r_or_raw.text


def test_forms_that_name_the_store(stack):
    for host in ["demo.localhost", "DEMO.LOCALHOST", "Demo.LocalHost", "demo.localhost:8080", "demo.localhost.",
                 "demo.localhost.:99", " demo.localhost", "demo.localhost:"]:
        r = stack.get("/", host=host)
        assert r.status == 200 and STORE in r.text, host


def test_forms_that_name_no_store(stack):
    hosts = ["", "127.0.0.1", "127.0.0.1:%d" % stack.port, "[::1]", "[::1]:80", "2130706433",
             "localhost", "nobody.localhost", "a.demo.localhost", "demo.localhost.evil.example",
             "demo.localhost..", ".demo.localhost", "demo..localhost", "demo.localhost:abc", "demo.localhost::1",
             "user@demo.localhost", "demo.localhost, acme.localhost", "demo.localhost/x",
             "xn--dmo-bla.localhost", "xn--demo.localhost", "d\u00e9mo.localhost".encode("utf-8").decode("latin-1"),
             "x" * 300 + ".localhost", "a" * 64 + ".localhost", ("a." * 130) + "localhost",
             "demo_x.localhost", "*.localhost", "%64emo.localhost"]
    for host in hosts:
        try:
            r = stack.get("/", host=host)
        except Exception as e:          # the client library refused to send it
            assert "Invalid" in str(e) or "header" in str(e).lower(), (host, e)
            continue
        assert is_platform_404(r), (host, r)
        if r.status == 404 and r.header("Content-Type", ).startswith("text/html"):
            assert r.header("X-Request-Id")


def test_raw_requests_without_or_with_odd_host(stack):
    cases = [b"GET / HTTP/1.0\r\n\r\n",
             b"GET / HTTP/1.0\r\nHost:\r\n\r\n",
             b"GET / HTTP/1.1\r\nHost: \r\nConnection: close\r\n\r\n",
             b"GET / HTTP/1.1\r\nHost: d\xc3\xa9mo.localhost\r\nConnection: close\r\n\r\n",
             b"GET / HTTP/1.1\r\nHost: demo.localhost\x00.evil\r\nConnection: close\r\n\r\n",
             b"GET / HTTP/1.1\r\nHost: " + b"a" * 5000 + b"\r\nConnection: close\r\n\r\n"]
    for raw in cases:
        out = stack.raw(raw)
        assert is_platform_404(out), (raw[:60], out[:200])
    # two Host headers: never a store
    out = stack.raw(b"GET / HTTP/1.1\r\nHost: demo.localhost\r\nHost: acme.localhost\r\nConnection: close\r\n\r\n")
    assert b" 200 " not in out.split(b"\r\n", 1)[0]


def test_punycode_custom_domain_maps(stack):
    tid = stack.sql("SELECT id FROM tenants WHERE username = 'acme'")[0][0]
    stack.sql("INSERT OR REPLACE INTO domains(domain, tenant_id, kind, verify_token, verified_at, created_at) "
              "VALUES('xn--bcher-kva.example', ?, 'custom', 't', 1, 1)", tid)
    try:
        r = stack.get("/", host="XN--BCHER-KVA.example.")
        assert r.status == 200 and "Acme" in r.text and STORE not in r.text
        assert is_platform_404(stack.get("/", host="bcher-kva.example"))
    finally:
        stack.sql("DELETE FROM domains WHERE domain = 'xn--bcher-kva.example'")
    assert is_platform_404(stack.get("/", host="xn--bcher-kva.example"))


def test_forwarded_host_is_ignored_from_untrusted_peers(stack):
    r = stack.get("/", host="acme.localhost", headers={"X-Forwarded-Host": "demo.localhost",
                                                        "X-Forwarded-Proto": "https"})
    assert r.status == 200 and STORE not in r.text and r.header("Strict-Transport-Security") is None
    r = stack.get("/", host="nobody.localhost", headers={"X-Forwarded-Host": "demo.localhost"})
    assert is_platform_404(r)
    r = stack.get("/api/cms/login", host="nobody.localhost", headers={"X-Forwarded-Host": "demo.localhost"})
    assert r.status == 405


def cgi(db, host, remote, xfh=None, xfp=None, trusted=""):
    env = {"PATH": os.environ.get("PATH", ""), "GATEWAY_INTERFACE": "CGI/1.1", "REQUEST_METHOD": "GET",
           "REQUEST_URI": "/", "HTTP_HOST": host, "STOREFRONT_DB": db, "REMOTE_ADDR": remote,
           "STOREFRONT_TRUSTED_PROXY": trusted}
    if xfh is not None:
        env["HTTP_X_FORWARDED_HOST"] = xfh
    if xfp is not None:
        env["HTTP_X_FORWARDED_PROTO"] = xfp
    p = subprocess.run([os.path.join(ROOT, "cgi-bin", "storefront.fcgi")], env=env, capture_output=True, timeout=30)
    head, _, body = p.stdout.partition(b"\r\n\r\n")
    return head.decode(), body.decode("utf-8", "replace")


def test_forwarded_host_from_the_trusted_proxy(stack):
    db = stack.db
    head, body = cgi(db, "proxy.internal", "10.9.8.7", "demo.localhost", "https", trusted="10.9.8.7")
    assert "Status: 200" in head and STORE in body and "Strict-Transport-Security" in head
    # the same headers from anyone else are ignored
    head, body = cgi(db, "proxy.internal", "10.9.8.6", "demo.localhost", "https", trusted="10.9.8.7")
    assert "Status: 404" in head and STORE not in body and "Strict-Transport-Security" not in head
    head, body = cgi(db, "acme.localhost", "10.9.8.6", "demo.localhost", trusted="10.9.8.7")
    assert "Status: 200" in head and STORE not in body
    # no trusted proxy configured: never believed
    head, body = cgi(db, "nobody.localhost", "127.0.0.1", "demo.localhost")
    assert "Status: 404" in head
    # a trusted proxy's junk is still checked
    for bad in ["demo.localhost, acme.localhost", "", "127.0.0.1", "x" * 400]:
        head, body = cgi(db, "nobody.localhost", "10.9.8.7", bad, trusted="10.9.8.7")
        assert STORE not in body and "Acme" not in body, bad


def test_client_address_from_the_trusted_proxy(stack):
    """Behind the proxy every request comes from its address: per-IP
    throttles and the audit log use the last X-Forwarded-For entry instead,
    and only when the proxy is the trusted one."""
    def login(remote, xff):
        env = {"PATH": os.environ.get("PATH", ""), "GATEWAY_INTERFACE": "CGI/1.1", "REQUEST_METHOD": "POST",
               "REQUEST_URI": "/api/cms/login", "HTTP_HOST": "demo.localhost", "STOREFRONT_DB": stack.db,
               "REMOTE_ADDR": remote, "STOREFRONT_TRUSTED_PROXY": "10.9.8.7", "HTTP_X_FORWARDED_FOR": xff,
               "CONTENT_TYPE": "application/json"}
        body = b'{"email":"owner@demo.localhost","password":"wrong-password-xff"}'
        env["CONTENT_LENGTH"] = str(len(body))
        p = subprocess.run([os.path.join(ROOT, "cgi-bin", "admin.cgi")], env=env, input=body, capture_output=True, timeout=30)
        assert b"Status: 401" in p.stdout
    login("10.9.8.7", "6.6.6.6, 203.0.113.9")
    login("10.9.8.5", "198.51.100.7")
    keys = {k for (k,) in stack.sql("SELECT key FROM login_failures WHERE key LIKE 'ip:%'")}
    assert "ip:203.0.113.9" in keys and "ip:10.9.8.5" in keys
    assert "ip:6.6.6.6" not in keys and "ip:198.51.100.7" not in keys
    ips = {ip for (ip,) in stack.sql("SELECT ip FROM audit_log WHERE action = 'login.failed'")}
    assert "203.0.113.9" in ips
    stack.sql("DELETE FROM login_failures")
