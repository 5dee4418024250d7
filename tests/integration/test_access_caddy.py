"""The real Caddy (Debian's caddy) in front of the real stack with
conf/Caddyfile and on-demand TLS from Caddy's internal CA: a verified
custom domain and a store subdomain get a certificate and the store over
HTTPS; an unverified or unknown name gets no certificate, because the ask
endpoint says no. Caddy runs with HOME/XDG_* in a temporary directory and
is stopped by its pid."""
import os
import shutil
import socket
import subprocess
import tempfile
import time

import pytest

from access_util import API, finish, people
from fakes import FakeWeb
from stack import ROOT, Stack, free_port

CADDY = shutil.which("caddy")
pytestmark = pytest.mark.skipif(CADDY is None and os.environ.get("CI") != "true",
                                reason="caddy is not installed (scripts/deps.sh test installs it)")


@pytest.fixture(scope="module")
def behind_caddy():
    web = FakeWeb()
    s = Stack(workers=1, env={"STOREFRONT_TRUSTED_PROXY": "127.0.0.1",
                              "STOREFRONT_VERIFY_CONNECT_TO": "127.0.0.1:%d" % web.port})
    tmp = tempfile.mkdtemp(prefix="sf-caddy-")
    proc = None
    try:
        s.start()
        toks = people(s, "tlsshop", "TLS Shop")
        t = toks["owner"]
        tok = s.post(API + "/domains", {"domain": "good.test"}, token=t).json()["verifyToken"]
        web.files[("good.test", "/.well-known/tarpos-verify/" + tok)] = (200, tok.encode())
        assert s.post(API + "/domains/good.test/verify", {"method": "http"}, token=t).status == 200
        assert s.post(API + "/domains", {"domain": "pending.test"}, token=t).status == 201
        https, http = free_port(), free_port()
        env = dict(os.environ, HOME=tmp, XDG_DATA_HOME=os.path.join(tmp, "data"),
                   XDG_CONFIG_HOME=os.path.join(tmp, "config"), SF_BACKEND="127.0.0.1:%d" % s.port,
                   SF_HTTP_PORT=str(http), SF_HTTPS_PORT=str(https), SF_CADDY_STORAGE=os.path.join(tmp, "storage"),
                   SF_CADDY_OPTIONS="local_certs\n\tskip_install_trust\n\tdefault_bind 127.0.0.1")
        log = open(os.path.join(tmp, "caddy.log"), "w")
        proc = subprocess.Popen([CADDY or "caddy", "run", "--config", os.path.join(ROOT, "conf", "Caddyfile"),
                                 "--adapter", "caddyfile"], env=env, cwd=tmp, stdout=log, stderr=log)
        deadline = time.time() + 20
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", https), timeout=0.5).close()
                break
            except OSError:
                assert proc.poll() is None, open(os.path.join(tmp, "caddy.log")).read()[-3000:]
                time.sleep(0.1)
        s.https_port, s.http_port, s.caddy_dir = https, http, tmp
        yield s
    finally:
        if proc:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        finish(s)
        web.stop()
        shutil.rmtree(tmp, ignore_errors=True)


def curl(port, host, path="/", scheme="https", cacert=None):
    trust = ["--cacert", cacert] if cacert else ["-k"]
    p = subprocess.run(["curl", "-s", "-v", *trust, "--max-time", "15", "--resolve", "%s:%d:127.0.0.1" % (host, port),
                        "-o", "-", "-w", "\nHTTPSTATUS:%{http_code}", "%s://%s:%d%s" % (scheme, host, port, path)],
                       capture_output=True, text=True, timeout=30)
    return p


def test_verified_domain_gets_a_certificate_and_the_store(behind_caddy):
    s = behind_caddy
    p = curl(s.https_port, "good.test")
    assert p.returncode == 0, p.stderr[-2000:]
    assert "HTTPSTATUS:200" in p.stdout and "TLS Shop" in p.stdout
    assert "Caddy Local Authority" in p.stderr                 # issued by Caddy's internal CA
    # and it verifies against that CA's root, for this very name
    root = os.path.join(s.caddy_dir, "storage", "pki", "authorities", "local", "root.crt")
    v = curl(s.https_port, "good.test", cacert=root)
    assert v.returncode == 0 and "HTTPSTATUS:200" in v.stdout, v.stderr[-1500:]
    assert 'subjectAltName: host "good.test" matched' in v.stderr
    # behind the trusted proxy the store knows it is https: HSTS
    assert "strict-transport-security: max-age=31536000" in p.stderr.lower()


def test_store_subdomain_gets_a_certificate(behind_caddy):
    s = behind_caddy
    p = curl(s.https_port, "tlsshop.localhost")
    assert p.returncode == 0 and "HTTPSTATUS:200" in p.stdout and "TLS Shop" in p.stdout, p.stderr[-2000:]


def test_unverified_and_unknown_names_get_no_certificate(behind_caddy):
    s = behind_caddy
    for host in ("pending.test", "unknown.test", "nobody.localhost"):
        p = curl(s.https_port, host)
        assert p.returncode != 0 and "HTTPSTATUS:200" not in p.stdout, (host, p.stdout[-300:])
        assert "TLS Shop" not in p.stdout
    certs = []
    for root, _, files in os.walk(os.path.join(s.caddy_dir, "storage")):
        certs += [f for f in files if f.endswith(".crt")]
    assert any(c.startswith("good.test") for c in certs), certs
    assert not any(c.startswith(("pending.test", "unknown.test", "nobody.localhost")) for c in certs), certs


def test_plain_http_redirects_to_https(behind_caddy):
    s = behind_caddy
    p = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code} %{redirect_url}",
                        "--resolve", "good.test:%d:127.0.0.1" % s.http_port, "http://good.test:%d/blog" % s.http_port],
                       capture_output=True, text=True, timeout=30)
    code, url = p.stdout.split(" ", 1)
    assert code in ("301", "308") and url.startswith("https://good.test") and url.endswith("/blog"), p.stdout


def test_admin_host_gets_a_certificate_and_host_prefixed_sessions(behind_caddy):
    """The browser admin's origin over real TLS: a certificate for
    admin.localhost, and a session cookie named __Host- (Secure, Path=/,
    no Domain) that no sibling store can set."""
    s = behind_caddy
    body = '{"email":"owner@tlsshop.test","password":"correct-horse-battery","session":true,"store":"tlsshop"}'
    p = subprocess.run(["curl", "-s", "-v", "-k", "--max-time", "15", "--resolve",
                        "admin.localhost:%d:127.0.0.1" % s.https_port, "-H", "Content-Type: application/json",
                        "-d", body, "-o", "-", "-w", "\nHTTPSTATUS:%{http_code}",
                        "https://admin.localhost:%d%s/login" % (s.https_port, API)],
                       capture_output=True, text=True, timeout=30)
    assert p.returncode == 0 and "HTTPSTATUS:200" in p.stdout, (p.stdout[-500:], p.stderr[-1500:])
    cookie = next(line for line in p.stderr.splitlines() if line.lower().startswith("< set-cookie:"))
    assert "__Host-sf_session=" in cookie and "; Secure" in cookie and "Path=/;" in cookie, cookie
    assert "domain=" not in cookie.lower()
