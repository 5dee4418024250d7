"""Custom domains over the real stack: instructions, proof by DNS TXT
(res_query against a local DNS server) or by HTTP file (libcurl aimed at a
local web server through verify_connect_to), nothing of the store before
proof, 409 for another store's verified domain, pending claims of several
stores on one domain (first to verify wins), primary-domain redirects, and
the TLS ask endpoint."""
import pytest

from access_util import API, err, finish, people
from fakes import FakeDNS, FakeWeb
from stack import Stack

D = API + "/domains"


@pytest.fixture(scope="module")
def env():
    web, dns = FakeWeb(), FakeDNS()
    s = Stack(workers=1, env={"STOREFRONT_VERIFY_CONNECT_TO": "127.0.0.1:%d" % web.port,
                              "STOREFRONT_VERIFY_DNS_SERVER": "127.0.0.1:%d" % dns.port,
                              "STOREFRONT_VERIFY_TIMEOUT": "2"})
    try:
        s.start()
        s.shop = people(s, "domshop", "Shop Of Domains")
        s.rival = people(s, "rival")
        yield s, web, dns
    finally:
        finish(s)
        web.stop()
        dns.stop()


def test_bad_domains_are_named(env):
    s, _, _ = env
    t = s.shop["owner"]
    for bad, words in [("http://x.example", "bare host"), ("x.example/path", "bare host"),
                       ("x.example:8080", "bare host"), ("localhost-only", "two labels"),
                       ("10.0.0.1", "valid domain"), ("1.2.3.4", "valid domain"),
                       ("bücher.example", "xn--"), ("sub.localhost", "platform"), ("localhost", "two labels"),
                       ("-bad.example", "'-'"), ("a..b.example", "valid domain"), ("x" * 64 + ".example", "valid"),
                       ("example.123", "top-level"), ("", "empty")]:
        e = err(s.post(D, {"domain": bad}, token=t), 422, "validation_error")
        assert e["details"]["field"] == "domain" and words in e["message"], (bad, e)
    assert s.get(D, token=t).json()["domains"] == []


def test_add_gives_instructions_and_serves_nothing_until_proven(env):
    s, _, _ = env
    t = s.shop["owner"]
    r = s.post(D, {"domain": "WWW.Pending.Example."}, token=t)
    assert r.status == 201, r
    d = r.json()
    assert d["domain"] == "www.pending.example" and d["status"] == "pending" and d["primary"] is False
    tok = d["verifyToken"]
    assert len(tok) == 40
    ins = d["instructions"]
    assert ins["dns"] == {"type": "TXT", "name": "_tarpos-verify.www.pending.example", "value": tok}
    assert ins["http"]["url"] == "http://www.pending.example/.well-known/tarpos-verify/" + tok
    assert ins["point"]["value"] == "domshop.localhost"
    err(s.post(D, {"domain": "www.pending.example"}, token=t), 409, "conflict")
    # nothing of the store, no certificate
    r = s.get("/", host="www.pending.example")
    assert r.status == 404 and "Shop Of Domains" not in r.text
    assert s.get("/.well-known/tarpos-verify/" + tok, host="www.pending.example").status == 404
    assert s.get("/api/tls/ask?domain=www.pending.example").status == 404
    assert s.get(D + "/www.pending.example", token=t).json()["verifyToken"] == tok


def test_failed_verification_says_why(env):
    s, web, _ = env
    t = s.shop["owner"]
    s.post(D, {"domain": "nope.example"}, token=t)
    r = s.post(D + "/nope.example/verify", {}, token=t)
    e = err(r, 422, "verification_failed")
    assert "no TXT record at _tarpos-verify.nope.example" in e["details"]["dns"]
    assert "HTTP 404" in e["details"]["http"]
    d = s.get(D + "/nope.example", token=t).json()
    assert d["status"] == "pending" and d["checkedAt"] and "HTTP 404" in d["checkError"]
    tok = d["verifyToken"]
    web.files[("nope.example", "/.well-known/tarpos-verify/" + tok)] = (200, b"something-else")
    e = err(s.post(D + "/nope.example/verify", {"method": "http"}, token=t), 422, "verification_failed")
    assert "does not hold the token" in e["details"]["http"] and "dns" not in e["details"]
    err(s.post(D + "/nope.example/verify", {"method": "carrier-pigeon"}, token=t), 422, "validation_error")
    assert s.get("/", host="nope.example").status == 404


def test_http_proof(env):
    s, web, _ = env
    t = s.shop["owner"]
    tok = s.post(D, {"domain": "http.example"}, token=t).json()["verifyToken"]
    web.files[("http.example", "/.well-known/tarpos-verify/" + tok)] = (200, tok.encode() + b"\n")
    r = s.post(D + "/http.example/verify", {"method": "http"}, token=t)
    assert r.status == 200, r
    assert r.json()["status"] == "verified" and r.json()["verifiedBy"] == "http" and r.json()["verifiedAt"]
    page = s.get("/", host="http.example")
    assert page.status == 200 and "Shop Of Domains" in page.text
    assert s.get("/api/tls/ask?domain=http.example").status == 200
    assert s.post(D + "/http.example/verify", {}, token=t).status == 200   # idempotent


def test_dns_proof(env):
    s, _, dns = env
    t = s.shop["owner"]
    tok = s.post(D, {"domain": "dns.example"}, token=t).json()["verifyToken"]
    dns.txt["_tarpos-verify.dns.example"] = [b"v=spf1 -all", b"tarpos-verify=" + tok.encode()]
    r = s.post(D + "/dns.example/verify", {"method": "dns"}, token=t)
    assert r.status == 200 and r.json()["verifiedBy"] == "dns", r
    assert s.get("/", host="dns.example").status == 200
    # a wrong TXT value does not pass
    tok2 = s.post(D, {"domain": "dns2.example"}, token=t).json()["verifyToken"]
    dns.txt["_tarpos-verify.dns2.example"] = [tok2[:-1].encode()]
    e = err(s.post(D + "/dns2.example/verify", {"method": "dns"}, token=t), 422, "verification_failed")
    assert "does not hold the token" in e["details"]["dns"]


def test_another_stores_domain_is_409(env):
    s, web, _ = env
    rival = s.rival["owner"]
    e = err(s.post(D, {"domain": "http.example"}, token=rival), 409, "domain_taken")
    assert "in use" in e["message"]
    err(s.get(D + "/http.example", token=rival), 404)
    err(s.post(D + "/www.pending.example/verify", {}, token=rival), 404)
    err(s.delete(D + "/http.example", token=rival), 404)
    # a claim never proven lapses after domain_claim_ttl when someone else adds the domain
    s.post(D, {"domain": "stale.example"}, token=s.shop["owner"])
    s.sql("UPDATE domains SET created_at = created_at - 8 * 86400 WHERE domain = 'stale.example'")
    r = s.post(D, {"domain": "stale.example"}, token=rival)
    assert r.status == 201 and r.json()["verifyToken"]
    assert s.sql("SELECT t.username FROM domains d JOIN tenants t ON t.id = d.tenant_id "
                 "WHERE domain = 'stale.example'") == [("rival",)]
    # roles: only owners manage domains
    err(s.get(D, token=s.shop["editor"]), 403, "forbidden")


def test_pending_claims_do_not_block_and_first_to_verify_wins(env):
    s, web, dns = env
    shop, rival = s.shop["owner"], s.rival["owner"]
    # the shop's unproven claim (made earlier, well inside domain_claim_ttl) blocks nobody
    r = s.post(D, {"domain": "www.pending.example"}, token=rival)
    assert r.status == 201, r
    # a third store claims it too; each store has its own token
    third = people(s, "third")["owner"]
    assert s.post(D, {"domain": "www.pending.example"}, token=third).status == 201
    toks = {who: s.get(D + "/www.pending.example", token=t).json()["verifyToken"]
            for who, t in (("shop", shop), ("rival", rival), ("third", third))}
    assert len(set(toks.values())) == 3, toks
    # the rival publishes its own token: that proves nothing for the shop's claim
    dns.txt["_tarpos-verify.www.pending.example"] = [toks["rival"].encode()]
    e = err(s.post(D + "/www.pending.example/verify", {"method": "dns"}, token=shop), 422, "verification_failed")
    assert "does not hold the token" in e["details"]["dns"]
    # the rival verifies first and wins
    r = s.post(D + "/www.pending.example/verify", {"method": "dns"}, token=rival)
    assert r.status == 200 and r.json()["status"] == "verified", r
    assert "Rival" in s.get("/", host="www.pending.example").text
    # the others' claims fail with a clear error, even with their own proof in place
    dns.txt["_tarpos-verify.www.pending.example"] = [toks["shop"].encode(), toks["third"].encode()]
    for t in (shop, third):
        e = err(s.post(D + "/www.pending.example/verify", {}, token=t), 409, "domain_taken")
        assert "verified by another store first" in e["message"], e
        assert s.get(D + "/www.pending.example", token=t).json()["status"] == "taken"
    e = err(s.post(D, {"domain": "www.pending.example"}, token=people(s, "fourth")["owner"]), 409, "domain_taken")
    assert "in use" in e["message"]
    assert s.sql("SELECT count(*) FROM domains WHERE domain = 'www.pending.example' AND verified_at IS NOT NULL")[0][0] == 1
    # when the winner removes it, the shop's standing claim can be proven
    assert s.delete(D + "/www.pending.example", token=rival).status == 200
    r = s.post(D + "/www.pending.example/verify", {"method": "dns"}, token=shop)
    assert r.status == 200 and r.json()["status"] == "verified", r
    page = s.get("/", host="www.pending.example")
    assert page.status == 200 and "Shop Of Domains" in page.text
    assert s.delete(D + "/www.pending.example", token=shop).status == 200


def test_primary_domain_redirects(env):
    s, _, _ = env
    t = s.shop["owner"]
    e = err(s.put(D + "/nope.example", {"primary": True}, token=t), 409, "not_verified")
    assert s.put(D + "/http.example", {"primary": True}, token=t).json()["primary"] is True
    assert s.get(D, token=t).json()["primary"] == "http.example"
    port = s.port
    for host, path in [("domshop.localhost:%d" % port, "/products?sort=price"), ("dns.example", "/blog"),
                       ("DOMSHOP.localhost", "/")]:
        r = s.get(path, host=host)
        assert r.status == 301, (host, r)
        want_port = ":%d" % port if ":" in host else ""
        assert r.header("Location") == "http://http.example%s%s" % (want_port, path), r.header("Location")
    assert s.get("/products", host="http.example").status == 200
    # switching primaries moves the target; the admin API never redirects
    assert s.put(D + "/dns.example", {"primary": True}, token=t).status == 200
    assert s.get(D + "/http.example", token=t).json()["primary"] is False
    assert s.get("/", host="http.example").header("Location") == "http://dns.example/"
    assert s.get(API + "/me", token=t, host="domshop.localhost").status == 200
    assert s.put(D + "/dns.example", {"primary": False}, token=t).status == 200
    assert s.get("/", host="domshop.localhost").status == 200
    assert s.get("/", host="http.example").status == 200
    # removing a domain stops it at once
    assert s.delete(D + "/dns.example", token=t).json() == {"deleted": True}
    assert s.get("/", host="dns.example").status == 404
    assert s.get("/api/tls/ask?domain=dns.example").status == 404
    audit = [x["action"] for x in s.get(API + "/audit?action=domain", token=t).json()["entries"]]
    assert {"domain.add", "domain.verify", "domain.verify_failed", "domain.primary", "domain.delete"} <= set(audit)


def test_tls_ask(env):
    s, _, _ = env
    ok = ["domshop.localhost", "DOMSHOP.localhost", "domshop.localhost.", "http.example", "Http.Example"]
    no = ["nobody.localhost", "localhost", "a.domshop.localhost", "www.pending.example", "127.0.0.1",
          "unknown.example", "xn--bcher-kva.example", "x" * 300, "domshop.localhost:443"]
    for d in ok:
        assert s.get("/api/tls/ask?domain=" + d, host="127.0.0.1").status == 200, d
    for d in no:
        r = s.get("/api/tls/ask?domain=" + d, host="127.0.0.1")
        assert r.status in (404,), (d, r)
    assert s.get("/api/tls/ask", host="").status == 400
    # also with no Host at all (HTTP/1.0), as a web server might ask
    raw = s.raw(b"GET /api/tls/ask?domain=domshop.localhost HTTP/1.0\r\n\r\n")
    assert raw.startswith(b"HTTP/1.0 200") or raw.startswith(b"HTTP/1.1 200"), raw[:100]
