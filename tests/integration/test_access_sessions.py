"""Browser sessions (on the admin host only) and CSRF, API tokens,
passwords (upgrade on login, change, token revocation), re-authentication,
users and the audit log, security headers -- over the real stack (and the
programs as plain CGI for https)."""
import os
import re
import subprocess

import pytest

from access_util import API, PASSWORD, err, people
from stack import ROOT

WEAK_ID = "$argon2id$v=19$m=4096,t=1,p=1$MDEyMzQ1Njc4OWFiY2RlZg$Kv3Gxd7wk/D1g6jqoDWnkZZzaP8xu7dPrJPw65bkrwU"
OLD_I = "$argon2i$v=19$m=8192,t=2,p=1$MDEyMzQ1Njc4OWFiY2RlZg$1An7Eo1Z75VwFQlhIV0YpYGc9XB7WsZ/zkvXytJlCp4"


@pytest.fixture(scope="module")
def shop(stack):
    return people(stack, "sessions")


ADMIN = "admin.localhost"


def login_session(stack, email="owner@sessions.test", password=PASSWORD, cookie=None):
    h = {"Cookie": "sf_session=" + cookie} if cookie else {}
    r = stack.post(API + "/login", {"email": email, "password": password, "session": True, "store": "sessions"},
                   host=ADMIN, headers=h)
    assert r.status == 200, r
    sc = r.header("Set-Cookie")
    value = re.match(r"sf_session=([0-9a-f]{64});", sc).group(1)
    return value, r.json()["csrfToken"], sc


def call(stack, method, path, cookie, csrf=None, body=None, host=ADMIN, headers=None):
    h = {"Cookie": "sf_session=" + cookie}
    if csrf:
        h["X-CSRF-Token"] = csrf
    h.update(headers or {})
    return stack.request(method, path, host=host, headers=h, json_body=body)


def test_session_cookie_flags_and_csrf(stack, shop):
    cookie, csrf, sc = login_session(stack)
    assert "HttpOnly" in sc and "SameSite=Strict" in sc and "Path=/" in sc
    assert "Max-Age=%d" % (14 * 86400) in sc and "Secure" not in sc   # plain http here
    assert len(csrf) == 64
    me = call(stack, "GET", API + "/me", cookie)
    assert me.status == 200 and me.json()["auth"] == "session" and me.json()["csrfToken"] == csrf
    assert me.json()["user"]["email"] == "owner@sessions.test"
    # reads need no CSRF token; writes do
    assert call(stack, "GET", API + "/pages", cookie).status == 200
    err(call(stack, "POST", API + "/pages", cookie, body={"slug": "s1", "title": "S"}), 403, "csrf_failed")
    err(call(stack, "POST", API + "/pages", cookie, csrf="0" * 64, body={"slug": "s1", "title": "S"}), 403, "csrf_failed")
    err(call(stack, "DELETE", API + "/pages/1", cookie, csrf=csrf[:-1]), 403, "csrf_failed")
    assert stack.sql("SELECT count(*) FROM pages WHERE slug = 's1'")[0][0] == 0
    r = call(stack, "POST", API + "/pages", cookie, csrf=csrf, body={"slug": "s1", "title": "S"})
    assert r.status == 201, r
    # a browser's write from another origin (a store page) is refused even with the token
    for h in ({"Origin": "http://sessions.localhost"}, {"Sec-Fetch-Site": "same-site"},
              {"Origin": "null"}, {"Sec-Fetch-Site": "cross-site", "Origin": "http://admin.localhost"}):
        err(call(stack, "POST", API + "/pages", cookie, csrf=csrf, body={"slug": "s2", "title": "S"}, headers=h),
            403, "cross_site_request")
    r = call(stack, "POST", API + "/pages", cookie, csrf=csrf, body={"slug": "s2", "title": "S"},
             headers={"Origin": "http://admin.localhost:%d" % stack.port, "Sec-Fetch-Site": "same-origin"})
    assert r.status == 201, r
    # the session id is stored hashed only
    assert stack.sql("SELECT count(*) FROM sessions WHERE token_hash = ?", cookie)[0][0] == 0


def test_sessions_live_on_the_admin_host_only(stack, shop):
    # a store's host signs in with tokens only: no session, no cookie
    r = stack.post(API + "/login", {"email": "owner@sessions.test", "password": PASSWORD, "session": True},
                   host="sessions.localhost")
    e = err(r, 403, "admin_host_required")
    assert e["details"]["adminHost"] == ADMIN and r.header("Set-Cookie") is None
    # a session cookie sent to a store's host is ignored: /api/cms there is Bearer only
    cookie, csrf, _ = login_session(stack)
    for host in ("sessions.localhost", "demo.localhost"):
        e = err(call(stack, "GET", API + "/me", cookie, host=host), 401, "unauthorized")
        assert ADMIN in e["message"]
        err(call(stack, "POST", API + "/tokens", cookie, csrf=csrf, body={"name": "x"}, host=host), 401)
    assert call(stack, "GET", API + "/me", cookie).json()["store"]["username"] == "sessions"
    # the admin host picks the store from the sign-in, never from the Host
    other = stack.post(API + "/login", {"email": "owner@sessions.test", "password": PASSWORD, "session": True,
                                        "store": "nosuchstore"}, host=ADMIN)
    err(other, 401, "invalid_credentials")
    # a sign-in posted by another origin's page does not start a session
    r = stack.post(API + "/login", {"email": "owner@sessions.test", "password": PASSWORD, "session": True,
                                    "store": "sessions"}, host=ADMIN, headers={"Origin": "http://sessions.localhost"})
    err(r, 403, "cross_site_request")
    # tokens still come from a store's host (the app)
    r = stack.post(API + "/login", {"email": "owner@sessions.test", "password": PASSWORD}, host="sessions.localhost")
    assert r.status == 200 and r.json()["token"].startswith("sf_")
    # the admin host serves no store page: the web editor's page at /, and
    # admin.cgi for any other path that is not a file
    r = stack.get("/", host=ADMIN)
    assert r.status == 200 and "editor.js" in r.text and "Sessions" not in r.text
    r = stack.get("/about", host=ADMIN)
    assert r.status == 404 and r.header("Content-Type") == "application/json" and "Sessions" not in r.text


def test_repeated_session_cookie_tries_every_value(stack, shop):
    cookie, _, _ = login_session(stack)
    r = stack.get(API + "/me", host=ADMIN, headers={"Cookie": "sf_session=%s; sf_session=%s" % ("a" * 64, cookie)})
    assert r.status == 200 and r.json()["auth"] == "session", r


def test_login_rotates_the_session(stack, shop):
    old, _, _ = login_session(stack)
    new, _, _ = login_session(stack, cookie=old)
    assert new != old
    err(call(stack, "GET", API + "/me", old), 401, "unauthorized")
    assert call(stack, "GET", API + "/me", new).status == 200


def test_sessions_expire(stack, shop):
    c1, _, _ = login_session(stack)
    c2, _, _ = login_session(stack)
    stack.sql("UPDATE sessions SET expires_at = strftime('%s','now') - 1 WHERE id = (SELECT max(id) - 1 FROM sessions)")
    err(call(stack, "GET", API + "/me", c1), 401)
    assert call(stack, "GET", API + "/me", c2).status == 200
    stack.sql("UPDATE sessions SET last_seen_at = strftime('%s','now') - 3 * 86400 WHERE id = (SELECT max(id) FROM sessions)")
    err(call(stack, "GET", API + "/me", c2), 401)   # idle too long


def test_a_bad_bearer_is_not_rescued_by_a_cookie(stack, shop):
    cookie, _, _ = login_session(stack)
    r = stack.get(API + "/me", host=ADMIN, token="sf_" + "1" * 40,
                  headers={"Cookie": "sf_session=" + cookie})
    err(r, 401, "unauthorized")
    assert r.header("WWW-Authenticate").startswith("Bearer")


def test_logout(stack, shop):
    cookie, csrf, _ = login_session(stack)
    err(call(stack, "POST", API + "/logout", cookie), 403, "csrf_failed")
    r = call(stack, "POST", API + "/logout", cookie, csrf=csrf)
    assert r.status == 200 and "Max-Age=0" in r.header("Set-Cookie")
    err(call(stack, "GET", API + "/me", cookie), 401)
    # a token's logout revokes that token
    tok = stack.token("sessions", "staff@sessions.test")
    assert stack.post(API + "/logout", {}, token=tok).status == 200
    err(stack.get(API + "/me", token=tok), 401)


def test_api_tokens_named_listed_revocable_with_last_use(stack, shop):
    owner, staff = shop["owner"], shop["staff"]
    r = stack.post(API + "/tokens", {"name": "POS tablet", "expiresInDays": 30}, token=staff)
    assert r.status == 201, r
    k = r.json()
    assert k["token"].startswith("sf_") and k["name"] == "POS tablet" and k["lastUsedAt"] is None and k["expiresAt"]
    assert stack.sql("SELECT count(*) FROM api_tokens WHERE token_hash = ?", k["token"])[0][0] == 0
    assert stack.get(API + "/me", token=k["token"]).status == 200
    listed = stack.get(API + "/tokens", token=staff).json()["tokens"]
    mine = next(t for t in listed if t["id"] == k["id"])
    assert mine["lastUsedAt"] and "token" not in mine            # shown once only
    assert all(t["userEmail"] == "staff@sessions.test" for t in listed)   # staff see their own
    everyone = stack.get(API + "/tokens", token=owner).json()["tokens"]
    assert {t["userEmail"] for t in everyone} >= {"staff@sessions.test", "owner@sessions.test"}
    # staff cannot revoke the owner's token: 404, not 403 (no hint it exists)
    owner_tok = next(t for t in everyone if t["userEmail"] == "owner@sessions.test")
    err(stack.delete(API + "/tokens/" + owner_tok["id"], token=staff), 404)
    r = stack.delete(API + "/tokens/" + k["id"], token=staff)
    assert r.status == 200 and r.json()["revokedAt"]
    err(stack.get(API + "/me", token=k["token"]), 401)
    assert any(t["id"] == k["id"] for t in stack.get(API + "/tokens?all=1", token=staff).json()["tokens"])
    err(stack.post(API + "/tokens", {"name": ""}, token=staff), 422, "validation_error")


def test_password_rules_change_and_upgrade(stack, shop):
    stack.cli("user", "add", "sessions", "pw@sessions.test", "--role", "editor", input=PASSWORD + "\n")
    tok = stack.token("sessions", "pw@sessions.test")
    cookie, _, _ = login_session(stack, "pw@sessions.test")
    e = err(stack.post(API + "/password", {"currentPassword": PASSWORD, "newPassword": "short"}, token=tok), 422)
    assert e["details"]["field"] == "newPassword" and "10" in e["message"]
    err(stack.post(API + "/password", {"currentPassword": PASSWORD, "newPassword": "x" * 129}, token=tok), 422)
    e = err(stack.post(API + "/password", {"currentPassword": "wrong-password", "newPassword": "new-password-1"}, token=tok), 422)
    assert e["details"]["field"] == "currentPassword"
    r = stack.post(API + "/password", {"currentPassword": PASSWORD, "newPassword": "x" * 128}, token=tok)
    assert r.status == 200, r
    err(call(stack, "GET", API + "/me", cookie), 401)          # other sessions ended
    assert stack.get(API + "/me", token=tok).status == 200      # named tokens stay
    r = stack.post(API + "/login", {"email": "pw@sessions.test", "password": PASSWORD}, host="sessions.localhost")
    err(r, 401, "invalid_credentials")
    assert stack.post(API + "/login", {"email": "pw@sessions.test", "password": "x" * 128},
                      host="sessions.localhost").status == 200
    # weaker parameters are upgraded on the next successful login
    for old in (WEAK_ID, OLD_I):
        stack.sql("UPDATE users SET password_hash = ? WHERE email = 'pw@sessions.test'", old)
        r = stack.post(API + "/login", {"email": "pw@sessions.test", "password": PASSWORD}, host="sessions.localhost")
        assert r.status == 200, r
        h = stack.sql("SELECT password_hash FROM users WHERE email = 'pw@sessions.test'")[0][0]
        assert h.startswith("$argon2id$v=19$m=19456,t=2,p=1$"), h
    # the CLI sets passwords too, with the same rules, and ends sessions
    cookie, _, _ = login_session(stack, "pw@sessions.test")
    p = stack.cli("user", "passwd", "sessions", "pw@sessions.test", input="short\n", check=False)
    assert p.returncode != 0 and "10" in p.stderr
    stack.cli("user", "passwd", "sessions", "pw@sessions.test", input="cli-password-42\n")
    err(call(stack, "GET", API + "/me", cookie), 401)
    assert stack.post(API + "/login", {"email": "pw@sessions.test", "password": "cli-password-42"},
                      host="sessions.localhost").status == 200


def test_password_change_can_revoke_tokens(stack, shop):
    stack.cli("user", "add", "sessions", "rev@sessions.test", "--role", "staff", input=PASSWORD + "\n")
    t1, t2 = stack.token("sessions", "rev@sessions.test"), stack.token("sessions", "rev@sessions.test")
    # default: tokens stay (the app's and the tills' named tokens)
    r = stack.post(API + "/password", {"currentPassword": PASSWORD, "newPassword": "second-password-1"}, token=t1)
    assert r.status == 200 and r.json()["tokensRevoked"] == 0, r
    assert stack.get(API + "/me", token=t2).status == 200
    err(stack.post(API + "/password", {"currentPassword": "second-password-1", "newPassword": "third-password-1",
                                       "revokeTokens": "yes"}, token=t1), 422)
    # revokeTokens: every other token goes; the one in use stays
    r = stack.post(API + "/password", {"currentPassword": "second-password-1", "newPassword": "third-password-1",
                                       "revokeTokens": True}, token=t1)
    assert r.status == 200 and r.json()["tokensRevoked"] == 1, r
    err(stack.get(API + "/me", token=t2), 401)
    assert stack.get(API + "/me", token=t1).status == 200
    # from a session, every token goes
    cookie, csrf, _ = login_session(stack, "rev@sessions.test", "third-password-1")
    r = call(stack, "POST", API + "/password", cookie, csrf=csrf,
             body={"currentPassword": "third-password-1", "newPassword": "fourth-password-1", "revokeTokens": True})
    assert r.status == 200 and r.json()["tokensRevoked"] == 1, r
    err(stack.get(API + "/me", token=t1), 401)
    assert call(stack, "GET", API + "/me", cookie).status == 200      # the session in use stays
    # the CLI revokes by default; --keep-tokens keeps them
    t3 = stack.token("sessions", "rev@sessions.test")
    p = stack.cli("user", "passwd", "sessions", "rev@sessions.test", "--keep-tokens", input="fifth-password-1\n")
    assert "kept" in p.stdout
    assert stack.get(API + "/me", token=t3).status == 200
    p = stack.cli("user", "passwd", "sessions", "rev@sessions.test", input="sixth-password-1\n")
    assert "1 API token revoked" in p.stdout, p.stdout
    err(stack.get(API + "/me", token=t3), 401)
    assert stack.sql("SELECT count(*) FROM api_tokens k JOIN users u ON u.id = k.user_id "
                     "WHERE u.email = 'rev@sessions.test' AND k.revoked_at IS NULL")[0][0] == 0


def test_sessions_reauthenticate_before_handing_out_access(stack, shop):
    cookie, csrf, _ = login_session(stack)
    staff_id = next(u["id"] for u in stack.get(API + "/users", token=shop["owner"]).json()["users"]
                    if u["email"] == "staff@sessions.test")
    cases = [("POST", API + "/users", {"email": "re@sessions.test", "role": "editor", "password": PASSWORD}),
             ("PUT", API + "/users/" + staff_id, {"role": "owner"}),
             ("POST", API + "/tokens", {"name": "re-token"})]
    for method, path, body in cases:
        e = err(call(stack, method, path, cookie, csrf=csrf, body=body), 403, "reauth_required")
        assert e["details"]["field"] == "currentPassword"
        e = err(call(stack, method, path, cookie, csrf=csrf, body=dict(body, currentPassword="not-the-password")),
                403, "reauth_failed")
        assert e["details"]["field"] == "currentPassword"
    assert stack.sql("SELECT count(*) FROM users WHERE email = 're@sessions.test'")[0][0] == 0
    assert stack.sql("SELECT role FROM users WHERE id = ?", int(staff_id))[0][0] == "staff"
    assert stack.sql("SELECT count(*) FROM api_tokens WHERE name = 're-token'")[0][0] == 0
    for method, path, body in cases:
        r = call(stack, method, path, cookie, csrf=csrf, body=dict(body, currentPassword=PASSWORD))
        assert r.status in (200, 201), r
    assert stack.sql("SELECT role FROM users WHERE id = ?", int(staff_id))[0][0] == "owner"
    stack.put(API + "/users/" + staff_id, {"role": "staff"}, token=shop["owner"])
    # Bearer callers need not send it, but a wrong one is refused
    err(stack.post(API + "/tokens", {"name": "app", "currentPassword": "wrong-password"}, token=shop["owner"]),
        403, "reauth_failed")
    assert stack.post(API + "/tokens", {"name": "app"}, token=shop["owner"]).status == 201


def test_users_and_roles_endpoints(stack, shop):
    owner = shop["owner"]
    r = stack.post(API + "/users", {"email": "New@Sessions.test", "role": "staff", "password": PASSWORD}, token=owner)
    assert r.status == 201 and r.json()["email"] == "new@sessions.test" and r.json()["role"] == "staff"
    uid = r.json()["id"]
    err(stack.post(API + "/users", {"email": "new@sessions.test", "role": "staff", "password": PASSWORD}, token=owner), 409)
    err(stack.post(API + "/users", {"email": "x@sessions.test", "role": "king", "password": PASSWORD}, token=owner), 422)
    err(stack.post(API + "/users", {"email": "x@sessions.test", "role": "staff", "password": "short"}, token=owner), 422)
    assert stack.put(API + "/users/" + uid, {"role": "editor"}, token=owner).json()["role"] == "editor"
    tok = stack.token("sessions", "new@sessions.test")
    assert stack.get(API + "/pages", token=tok).status == 200   # the new role counts at once
    users = stack.get(API + "/users", token=owner).json()["users"]
    owners = [u for u in users if u["role"] == "owner"]
    assert len(owners) == 1
    err(stack.put(API + "/users/" + owners[0]["id"], {"role": "staff"}, token=owner), 409, "last_owner")
    err(stack.delete(API + "/users/" + owners[0]["id"], token=owner), 409, "last_owner")
    assert stack.delete(API + "/users/" + uid, token=owner).status == 200
    err(stack.get(API + "/me", token=tok), 401)                  # their tokens went with them


def test_audit_log_for_owners(stack, shop):
    r = stack.get(API + "/audit?limit=200", token=shop["owner"])
    assert r.status == 200
    actions = {e["action"] for e in r.json()["entries"]}
    assert {"login.session", "token.create", "user.create", "user.role", "user.delete", "page.create"} <= actions
    e = r.json()["entries"][0]
    assert set(e) >= {"id", "actor", "action", "entity", "entityId", "ip", "at"}
    page2 = stack.get(API + "/audit?limit=2", token=shop["owner"]).json()
    older = stack.get(API + "/audit?limit=2&before=" + page2["next"], token=shop["owner"]).json()["entries"]
    assert older and int(older[0]["id"]) < int(page2["next"])
    logins = stack.get(API + "/audit?action=login", token=shop["owner"]).json()["entries"]
    assert logins and all(x["action"].startswith("login") for x in logins)
    err(stack.get(API + "/audit", token=shop["editor"]), 403, "forbidden")
    err(stack.get(API + "/audit?limit=0", token=shop["owner"]), 422)


def cgi(program, path, host, db, extra=None, method="GET", body=b""):
    env = {"PATH": os.environ.get("PATH", ""), "GATEWAY_INTERFACE": "CGI/1.1", "REQUEST_METHOD": method,
           "REQUEST_URI": path, "HTTP_HOST": host, "STOREFRONT_DB": db, "REMOTE_ADDR": "127.0.0.1",
           "CONTENT_LENGTH": str(len(body)), "CONTENT_TYPE": "application/json"}
    env.update(extra or {})
    p = subprocess.run([os.path.join(ROOT, "cgi-bin", program)], env=env, input=body, capture_output=True, timeout=30)
    head, _, out = p.stdout.partition(b"\r\n\r\n")
    return head.decode(), out


def test_security_headers(stack, shop):
    r = stack.get(API + "/me", token=shop["owner"])
    csp = r.header("Content-Security-Policy")
    assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp
    assert r.header("X-Content-Type-Options") == "nosniff" and r.header("Referrer-Policy")
    assert r.header("Cache-Control") == "no-store" and r.header("Strict-Transport-Security") is None
    r = stack.get("/", host="sessions.localhost")
    assert "frame-ancestors 'self'" in r.header("Content-Security-Policy")
    assert r.header("Strict-Transport-Security") is None
    # under https: HSTS on both programs, Secure on the session cookie
    head, _ = cgi("storefront.fcgi", "/", "sessions.localhost", stack.db, {"HTTPS": "on"})
    assert "Strict-Transport-Security: max-age=31536000" in head
    body = b'{"email":"owner@sessions.test","password":"%s","session":true,"store":"sessions"}' % PASSWORD.encode()
    head, _ = cgi("admin.cgi", API + "/login", ADMIN, stack.db, {"HTTPS": "on"}, "POST", body)
    assert "Status: 200" in head and "Strict-Transport-Security" in head
    cookie = next(line for line in head.split("\r\n") if line.startswith("Set-Cookie:"))
    # __Host-: the browser keeps it only Secure, Path=/ and without Domain, so
    # no sibling host of the base domain can set one for the admin host
    assert re.match(r"Set-Cookie: __Host-sf_session=[0-9a-f]{64}; Path=/;", cookie), cookie
    assert "; Secure" in cookie and "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert "domain=" not in cookie.lower()
    value = cookie.split("=", 1)[1].split(";")[0]
    # under https only the __Host- name counts; a bare sf_session (which a
    # sibling could set on the parent domain) is not read
    head, out = cgi("admin.cgi", API + "/me", ADMIN, stack.db, {"HTTPS": "on", "HTTP_COOKIE": "sf_session=" + value})
    assert "Status: 401" in head, head
    head, out = cgi("admin.cgi", API + "/me", ADMIN, stack.db,
                    {"HTTPS": "on", "HTTP_COOKIE": "__Host-sf_session=%s; __Host-sf_session=%s" % ("b" * 64, value)})
    assert "Status: 200" in head and b'"auth":"session"' in out, head
