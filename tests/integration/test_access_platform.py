"""The platform API and the store lifecycle: create, rename, suspend
(storefront 503, admin read-only), resume, delete (data gone, username
held), seed limits; the CLI does the same. Own stack: it has a platform
token and small limits."""
import pytest

from access_util import API, PASSWORD, err, finish, snapshot, tenant_tables
from stack import Stack

PT = "platform-secret-token-for-tests"
P = "/api/platform/tenants"


@pytest.fixture(scope="module")
def plat():
    s = Stack(workers=1, env={"STOREFRONT_PLATFORM_TOKEN": PT, "STOREFRONT_LIMIT_PAGES": "3",
                              "STOREFRONT_LIMIT_BLOCKS_PER_PAGE": "2", "STOREFRONT_LIMIT_PRODUCTS": "2"})
    try:
        s.start()
        yield s
    finally:
        finish(s)


def test_platform_token_required(plat):
    err(plat.get(P), 401, "unauthorized")
    err(plat.get(P, token="wrong"), 401, "unauthorized")
    err(plat.get(P, token=PT + "x"), 401, "unauthorized")
    assert plat.get(P, token=PT).status == 200


def test_platform_api_is_off_without_a_token():
    s = Stack(workers=1)
    try:
        s.start()
        e = err(s.get(P, token="anything"), 404, "not_found")
        assert "not enabled" in e["message"]
    finally:
        finish(s)


def test_create_rename_and_reserved_names(plat):
    r = plat.post(P, {"username": "gadgets", "name": "Gadgets", "ownerEmail": "o@gadgets.test",
                      "ownerPassword": PASSWORD}, token=PT)
    assert r.status == 201, r
    body = r.json()
    assert body["tenant"]["username"] == "gadgets" and body["tenant"]["status"] == "active"
    assert body["tenant"]["limits"] == {"pages": 3, "blocksPerPage": 2, "products": 2, "mediaBytes": 1 << 30,
                                        "posts": 2000, "collections": 500, "discounts": 1000, "tokens": 50,
                                        "users": 50}
    tok = body["token"]
    assert plat.get(API + "/me", token=tok).json()["user"]["role"] == "owner"
    assert plat.get("/", host="gadgets.localhost").status == 200
    for name, status in [("www", 422), ("api", 422), ("admin", 422), ("mail", 422), ("static", 422),
                         ("Bad_Name", 422), ("ab", 422), ("x" * 41, 422), ("-dash", 422),
                         ("xn--bcher-kva", 422), ("gadgets", 409)]:
        r = plat.post(P, {"username": name, "name": "X"}, token=PT)
        e = err(r, status)
        assert e["details"]["field"] == "username", (name, e)
    err(plat.post(P, {"username": "nopw", "name": "X", "ownerEmail": "a@b.test"}, token=PT), 422)
    err(plat.post(P, {"username": "shortpw", "name": "X", "ownerEmail": "a@b.test", "ownerPassword": "short"}, token=PT), 422)
    r = plat.request("PATCH", P + "/gadgets", json_body={"name": "Gadget Hut"}, token=PT)
    assert r.status == 200 and r.json()["name"] == "Gadget Hut"
    assert "Gadget Hut" in plat.get("/", host="gadgets.localhost").text
    assert any(t["username"] == "gadgets" for t in plat.get(P, token=PT).json()["tenants"])
    plat.post(P, {"username": "pager", "name": "Pager"}, token=PT)
    first = plat.get(P + "?limit=1", token=PT).json()
    assert len(first["tenants"]) == 1 and first["next"]
    rest = plat.get(P + "?limit=1000&after=" + first["next"], token=PT).json()
    assert rest["next"] is None and first["tenants"][0]["username"] not in [t["username"] for t in rest["tenants"]]
    assert len(rest["tenants"]) >= 1
    err(plat.get(P + "?limit=0", token=PT), 422)
    for q in ("limit=abc", "limit=-1", "limit=100000", "after=abc"):    # the list endpoints' one parser
        e = err(plat.get(P + "?" + q, token=PT), 422, "validation_error")
        assert e["details"]["field"] == q.split("=")[0] and e["message"].startswith("query parameter '"), e
    assert plat.sql("SELECT actor FROM audit_log WHERE action = 'tenant.create' AND entity_id = "
                    "(SELECT id FROM tenants WHERE username = 'pager')") == [("platform",)]
    err(plat.get(P + "/nobody", token=PT), 404)
    # moving to a new username holds the old one
    r = plat.request("PATCH", P + "/gadgets", json_body={"username": "gadgethut"}, token=PT)
    assert r.status == 200 and r.json()["username"] == "gadgethut"
    assert plat.get("/", host="gadgethut.localhost").status == 200
    assert plat.get("/", host="gadgets.localhost").status == 404
    e = err(plat.post(P, {"username": "gadgets", "name": "Squatter"}, token=PT), 409)
    assert "held until" in e["message"]
    assert plat.get(API + "/me", token=tok).status == 200       # people and tokens moved along
    # the store itself may take its old name back
    r = plat.request("PATCH", P + "/gadgethut", json_body={"username": "gadgets"}, token=PT)
    assert r.status == 200 and r.json()["username"] == "gadgets"
    e = err(plat.post(P, {"username": "gadgethut", "name": "Squatter"}, token=PT), 409)
    assert "held until" in e["message"]


def test_seed_limits(plat):
    tok = plat.post(P, {"username": "tiny", "name": "Tiny", "ownerEmail": "o@tiny.test",
                        "ownerPassword": PASSWORD}, token=PT).json()["token"]
    # the new store already has its home page: two more pages fit
    assert plat.post(API + "/pages", {"slug": "a", "title": "A"}, token=tok).status == 201
    pid = plat.post(API + "/pages", {"slug": "b", "title": "B"}, token=tok).json()["id"]
    e = err(plat.post(API + "/pages", {"slug": "c", "title": "C"}, token=tok), 422, "limit_reached")
    assert e["details"] == {"limit": "pages", "max": 3, "used": 3}
    for i in range(2):
        assert plat.post(API + "/blocks", {"pageId": pid, "type": "text"}, token=tok).status == 201
    err(plat.post(API + "/blocks", {"pageId": pid, "type": "text"}, token=tok), 422, "limit_reached")
    for i in range(2):
        assert plat.post(API + "/products", {"name": "P", "slug": "p%d" % i, "price": 1}, token=tok).status == 201
    e = err(plat.post(API + "/products", {"name": "P", "slug": "p9", "price": 1}, token=tok), 422, "limit_reached")
    assert "products" in e["message"]
    # the platform raises one store's limit
    r = plat.request("PATCH", P + "/tiny", json_body={"limits": {"products": 5}}, token=PT)
    assert r.status == 200 and r.json()["limits"]["products"] == 5
    assert plat.post(API + "/products", {"name": "P", "slug": "p9", "price": 1}, token=tok).status == 201
    err(plat.request("PATCH", P + "/tiny", json_body={"limits": {"widgets": 5}}, token=PT), 422)
    err(plat.request("PATCH", P + "/tiny", json_body={"limits": {"pages": -1}}, token=PT), 422)


def test_suspend_and_resume(plat):
    tok = plat.post(P, {"username": "sleepy", "name": "Sleepy", "ownerEmail": "o@sleepy.test",
                        "ownerPassword": PASSWORD}, token=PT).json()["token"]
    home = plat.get("/", host="sleepy.localhost")
    assert home.status == 200
    pages = plat.get(API + "/pages", token=tok).json()["pages"]
    r = plat.post(P + "/sleepy/suspend", {}, token=PT)
    assert r.status == 200 and r.json()["status"] == "suspended" and r.json()["suspendedAt"]
    for path in ["/", "/products", "/no-such"]:
        r = plat.get(path, host="sleepy.localhost")
        assert r.status == 503 and "unavailable" in r.text and "Sleepy" not in r.text, path
        assert r.header("Retry-After")
    r = plat.get("/api/products", host="sleepy.localhost")
    assert r.status == 503 and r.json()["error"]["code"] == "store_unavailable"
    # admin: reads work, writes are refused with a clear code, nothing changes
    assert plat.get(API + "/pages", token=tok).json()["pages"] == pages
    for method, path, body in [("POST", "/pages", {"slug": "z", "title": "Z"}),
                               ("PUT", "/pages/" + pages[0]["id"], {"version": 1, "title": "Z"}),
                               ("POST", "/tokens", {"name": "z"}),
                               ("DELETE", "/pages/" + pages[0]["id"], None)]:
        e = err(plat.request(method, API + path, token=tok, json_body=body), 423, "store_suspended")
        assert "suspended" in e["message"]
    assert plat.post(API + "/login", {"email": "o@sleepy.test", "password": PASSWORD}).json()["store"]["status"] == "suspended"
    assert plat.get("/api/tls/ask?domain=sleepy.localhost").status == 404
    assert plat.post(P + "/sleepy/resume", {}, token=PT).json()["status"] == "active"
    assert plat.get("/", host="sleepy.localhost").status == 200
    assert plat.post(API + "/pages", {"slug": "z", "title": "Z"}, token=tok).status == 201
    assert plat.get("/api/tls/ask?domain=sleepy.localhost").status == 200


def test_delete_removes_every_row_and_holds_the_username(plat):
    r = plat.post(P, {"username": "doomed", "name": "Doomed", "ownerEmail": "o@doomed.test",
                      "ownerPassword": PASSWORD}, token=PT)
    tok = r.json()["token"]
    tid = int(r.json()["tenant"]["id"])
    plat.post(API + "/products", {"name": "P", "slug": "p", "price": 1}, token=tok)
    plat.post(API + "/posts", {"title": "T", "slug": "t"}, token=tok)
    plat.post(API + "/domains", {"domain": "doomed.example"}, token=tok)
    plat.sql("UPDATE domains SET verified_at = 1 WHERE domain = 'doomed.example'")
    assert plat.get("/", host="doomed.example").status == 200
    assert plat.post(API + "/login", {"email": "o@doomed.test", "password": PASSWORD, "session": True,
                                      "store": "doomed"}, host="admin.localhost").status == 200
    assert sum(len(v) for k, v in snapshot(plat, tid).items() if k != "tenants") > 5
    other = plat.post(P, {"username": "bystander", "name": "B"}, token=PT).json()["tenant"]
    before_other = snapshot(plat, int(other["id"]))
    r = plat.delete(P + "/doomed", token=PT)
    assert r.status == 200 and r.json()["heldForDays"] == 90
    snap = snapshot(plat, tid)
    assert all(not rows for rows in snap.values()), {k: v for k, v in snap.items() if v}
    assert tenant_tables(plat)   # (the check above covered every tenant table)
    assert snapshot(plat, int(other["id"])) == before_other
    err(plat.get(API + "/me", token=tok), 401)
    assert plat.get("/", host="doomed.localhost").status == 404
    assert plat.get("/", host="doomed.example").status == 404
    assert plat.get("/api/tls/ask?domain=doomed.example").status == 404
    err(plat.get(P + "/doomed", token=PT), 404)
    e = err(plat.post(P, {"username": "doomed", "name": "Again"}, token=PT), 409)
    assert "held until" in e["message"]
    rows = plat.sql("SELECT action, actor FROM audit_log WHERE tenant_id IS NULL AND action = 'tenant.delete'")
    assert rows == [("tenant.delete", "platform")]
    # once the hold has passed, the name is free again
    plat.sql("UPDATE retired_usernames SET held_until = 0 WHERE username = 'doomed'")
    assert plat.post(P, {"username": "doomed", "name": "Again"}, token=PT).status == 201


def test_cli_lifecycle(plat):
    s = plat
    s.cli("tenant", "create", "clishop", "--name", "CLI Shop")
    s.cli("tenant", "rename", "clishop", "--name", "CLI Shop 2")
    assert "CLI Shop 2" in s.get("/", host="clishop.localhost").text
    s.cli("tenant", "suspend", "clishop")
    assert s.get("/", host="clishop.localhost").status == 503
    assert "suspended" in s.cli("tenant", "list").stdout
    s.cli("tenant", "resume", "clishop")
    assert s.get("/", host="clishop.localhost").status == 200
    p = s.cli("tenant", "delete", "clishop", check=False)
    assert p.returncode != 0 and "--yes" in p.stderr
    s.cli("tenant", "delete", "clishop", "--yes")
    assert s.get("/", host="clishop.localhost").status == 404
    p = s.cli("tenant", "create", "clishop", "--name", "Again", check=False)
    assert p.returncode != 0 and "held" in p.stderr
    for args in (["tenant", "suspend", "nobody"], ["tenant", "rename", "nobody", "--name", "x"],
                 ["tenant", "delete", "nobody", "--yes"], ["user", "passwd", "nobody", "a@b.c"]):
        p = s.cli(*args, check=False, input="long-enough-pw\n")
        assert p.returncode != 0 and "no store" in p.stderr, args


def test_cli_domains_and_routes(plat):
    s = plat
    s.cli("tenant", "create", "certs", "--name", "Certs")
    tid = s.sql("SELECT id FROM tenants WHERE username = 'certs'")[0][0]
    for d, v in (("a.certs.example", 1), ("b.certs.example", None)):
        s.sql("INSERT INTO domains(domain, tenant_id, verify_token, verified_at, created_at) VALUES(?, ?, 't', ?, 1)", d, tid, v)
    out = s.cli("domains").stdout.split()
    assert "a.certs.example" in out and "b.certs.example" not in out
    assert "b.certs.example pending certs" in s.cli("domains", "--all").stdout
    s.cli("tenant", "suspend", "certs")
    assert "a.certs.example" not in s.cli("domains").stdout.split()
    assert "(store suspended)" in s.cli("domains", "--all").stdout
    import json
    routes = json.loads(s.cli("routes").stdout)
    assert {"program", "method", "pattern", "flags", "roles", "resource", "auth"} <= set(routes[0])
    assert any(r["pattern"] == "/api/platform/tenants" and r["auth"] == "platform-token" for r in routes)
    from access_util import storefront_routes
    sf = storefront_routes()
    assert sf[0]["pattern"] == "/api/tls/ask" and "tenant" not in sf[0]["flags"]
    # every store route has its store; the operator's /healthz and /metrics none (doc/operations.md)
    assert all("tenant" in r["flags"] for r in sf[1:] if r["pattern"] not in ("/healthz", "/metrics"))
    for args in (["routes", "--help"], ["domains", "--help"], ["tenant", "--help"]):
        p = s.cli(*args)
        assert "usage" in p.stdout


def test_the_example_config_loads(tmp_path):
    import os
    import subprocess
    from stack import CLI, ROOT
    env = dict(os.environ, STOREFRONT_CONF=os.path.join(ROOT, "conf", "storefront.conf.example"))
    p = subprocess.run([CLI, "--db", str(tmp_path / "x.db"), "init"], env=env, capture_output=True, text=True, timeout=30)
    assert p.returncode == 0, p.stderr


def test_a_busy_database_answers_503_everywhere(plat):
    """One path from a storage error to a response: with another writer
    holding the database past the busy timeout, the platform's write (which
    used to answer 500 here) and an admin write both answer 503 busy with
    Retry-After: 1, and nothing is half-written."""
    import sqlite3
    tok = plat.post(P, {"username": "busybee", "name": "Busy", "ownerEmail": "o@busybee.test",
                        "ownerPassword": PASSWORD}, token=PT).json()["token"]
    before = plat.get(P + "/busybee", token=PT).json()["limits"]
    con = sqlite3.connect(plat.db, timeout=10, isolation_level=None)
    try:
        con.execute("BEGIN IMMEDIATE")       # the write lock, held across both requests
        r = plat.request("PATCH", P + "/busybee", json_body={"limits": {"products": 77}}, token=PT)
        e = err(r, 503, "busy")
        assert r.header("Retry-After") == "1" and "limits" in e["message"]
        r = plat.post(API + "/pages", {"slug": "busy", "title": "Busy"}, token=tok)
        err(r, 503, "busy")
        assert r.header("Retry-After") == "1"
    finally:
        con.execute("ROLLBACK")
        con.close()
    assert plat.get(P + "/busybee", token=PT).json()["limits"] == before
    assert plat.post(API + "/pages", {"slug": "busy", "title": "Busy"}, token=tok).status == 201
