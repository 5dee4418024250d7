"""Browser sessions and CSRF, API tokens, passwords (upgrade on login,
change), users and the audit log, security headers -- over the real stack
(and the programs as plain CGI for https)."""
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


def login_session(stack, email="owner@sessions.test", password=PASSWORD, cookie=None):
    h = {"Cookie": "sf_session=" + cookie} if cookie else {}
    r = stack.post(API + "/login", {"email": email, "password": password, "session": True},
                   host="sessions.localhost", headers=h)
    assert r.status == 200, r
    sc = r.header("Set-Cookie")
    value = re.match(r"sf_session=([0-9a-f]{64});", sc).group(1)
    return value, r.json()["csrfToken"], sc


def call(stack, method, path, cookie, csrf=None, body=None):
    h = {"Cookie": "sf_session=" + cookie}
    if csrf:
        h["X-CSRF-Token"] = csrf
    return stack.request(method, path, host="sessions.localhost", headers=h, json_body=body)


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
    # the session id is stored hashed only
    assert stack.sql("SELECT count(*) FROM sessions WHERE token_hash = ?", cookie)[0][0] == 0


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
    r = stack.get(API + "/me", host="sessions.localhost", token="sf_" + "1" * 40,
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
    body = b'{"email":"owner@sessions.test","password":"%s","session":true}' % PASSWORD.encode()
    head, _ = cgi("admin.cgi", API + "/login", "sessions.localhost", stack.db, {"HTTPS": "on"}, "POST", body)
    assert "Status: 200" in head and "Strict-Transport-Security" in head
    cookie = next(line for line in head.split("\r\n") if line.startswith("Set-Cookie:"))
    assert "; Secure" in cookie and "HttpOnly" in cookie and "SameSite=Strict" in cookie
