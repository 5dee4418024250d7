"""Helpers shared by the access tests: error checks, tenants with people
of each role, the route list from `storefront routes`, and a snapshot of
everything a store owns (every table with a tenant_id column)."""
import json
import subprocess

from stack import CLI, ROOT  # noqa: F401

API = "/api/cms"
PASSWORD = "correct-horse-battery"


def err(r, status, code=None):
    assert r.status == status, r
    e = r.json()["error"]
    assert set(e) >= {"code", "message", "details", "timestamp", "requestId"}
    if code:
        assert e["code"] == code, e
    return e


def admin_routes():
    out = subprocess.run([CLI, "routes"], capture_output=True, text=True, check=True, timeout=30).stdout
    return json.loads(out)


def storefront_routes():
    import os
    exe = os.path.join(ROOT, "cgi-bin", "storefront.fcgi")
    return json.loads(subprocess.run([exe, "--routes"], capture_output=True, text=True, check=True, timeout=30).stdout)


def people(stack, username, name=None):
    """A store with an owner, an editor and a staff member; returns
    {role: token} and the emails."""
    stack.cli("tenant", "create", username, "--name", name or username.title())
    toks = {}
    for role in ("owner", "editor", "staff"):
        email = "%s@%s.test" % (role, username)
        stack.cli("user", "add", username, email, "--role", role, input=PASSWORD + "\n")
        toks[role] = stack.token(username, email)
    return toks


def tenant_id(stack, username):
    return stack.sql("SELECT id FROM tenants WHERE username = ?", username)[0][0]


def tenant_tables(stack):
    rows = stack.sql("SELECT m.name FROM sqlite_schema m JOIN pragma_table_info(m.name) c "
                     "WHERE m.type = 'table' AND c.name = 'tenant_id' ORDER BY m.name")
    return [r[0] for r in rows]


def snapshot(stack, tid, skip=()):
    """Every row the store owns, by table (plus its tenants row)."""
    snap = {"tenants": stack.sql("SELECT * FROM tenants WHERE id = ?", tid)}
    for t in tenant_tables(stack):
        if t in skip:
            continue
        snap[t] = sorted(map(repr, stack.sql('SELECT * FROM "%s" WHERE tenant_id = ?' % t, tid)))
    return snap


def finish(stack):
    """Stop a test's own stack, remove it, and fail on any sanitizer
    report its workers left (as the session stack does)."""
    import re
    stack.stop()
    log = stack.worker_log()
    stack.cleanup()
    assert not re.search(r"ERROR: AddressSanitizer|runtime error:|ERROR: LeakSanitizer", log), log[-4000:]
