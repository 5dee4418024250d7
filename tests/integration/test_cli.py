"""The operator CLI and the programs as plain CGI."""
import os
import subprocess

from stack import CLI, ROOT, Stack


def run(*args, env=None, input=None):
    return subprocess.run([CLI, *args], capture_output=True, text=True, env=env, input=input, timeout=60)


def test_help_on_every_command():
    for args in [["--help"], ["init", "--help"], ["demo", "--help"], ["tenant", "--help"],
                 ["user", "--help"], ["token", "--help"]]:
        p = run(*args)
        assert p.returncode == 0 and "usage" in p.stdout, args


def test_errors_are_named_with_nonzero_exit():
    s = Stack()
    try:
        assert s.cli("init").returncode == 0
        assert "schema version" in s.cli("init").stdout  # idempotent
        cases = [
            (["tenant", "create", "Bad_Name", "--name", "x"], "username"),
            (["tenant", "create", "www", "--name", "x"], "reserved"),
            (["tenant", "create", "shop1"], "usage"),
            (["user", "add", "nostore", "a@b.c"], "no store"),
            (["bogus"], "unknown command"),
        ]
        for args, words in cases:
            p = s.cli(*args, check=False, input="long-enough-pw\n")
            assert p.returncode != 0 and words in p.stderr, (args, p.stderr)
        s.cli("tenant", "create", "shop1", "--name", "Shop One")
        p = s.cli("tenant", "create", "shop1", "--name", "Again", check=False)
        assert p.returncode != 0 and "taken" in p.stderr
        p = s.cli("user", "add", "shop1", "a@shop1.test", check=False, input="short\n")
        assert p.returncode != 0 and "10 to 128" in p.stderr
        p = s.cli("user", "add", "shop1", "a@shop1.test", "--role", "king", check=False, input="long-enough-pw\n")
        assert p.returncode != 0 and "role" in p.stderr
        s.cli("user", "add", "shop1", "a@shop1.test", "--role", "editor", input="long-enough-pw\n")
        tok = s.cli("token", "create", "shop1", "a@shop1.test").stdout.strip()
        assert tok.startswith("sf_") and len(tok) == 43
        # stored hashed, never in clear
        assert s.sql("SELECT count(*) FROM api_tokens WHERE token_hash = ?", tok)[0][0] == 0
        p = s.cli("token", "create", "shop1", "nobody@shop1.test", check=False)
        assert p.returncode != 0 and "no user" in p.stderr
        s.cli("demo")
        s.cli("demo")  # idempotent
        assert s.sql("SELECT count(*) FROM tenants WHERE username = 'demo'")[0][0] == 1
        assert s.sql("SELECT count(*) FROM products p JOIN tenants t ON t.id = p.tenant_id WHERE t.username = 'demo'")[0][0] == 24
    finally:
        s.cleanup()


def cgi(program, path, host, db, method="GET", body=b"", extra=None):
    env = {"PATH": os.environ.get("PATH", ""), "GATEWAY_INTERFACE": "CGI/1.1", "REQUEST_METHOD": method,
           "REQUEST_URI": path, "HTTP_HOST": host, "STOREFRONT_DB": db, "REMOTE_ADDR": "127.0.0.1",
           "CONTENT_LENGTH": str(len(body)), "CONTENT_TYPE": "application/json"}
    env.update(extra or {})
    p = subprocess.run([os.path.join(ROOT, "cgi-bin", program)], env=env, input=body, capture_output=True, timeout=30)
    head, _, out = p.stdout.partition(b"\r\n\r\n")
    return p.returncode, head.decode(), out


def test_programs_work_as_plain_cgi():
    s = Stack()
    try:
        s.cli("init")
        s.cli("demo")
        rc, head, body = cgi("storefront.fcgi", "/", "demo.localhost", s.db)
        assert rc == 0 and "Status: 200" in head and body.count(b"data-block-type") == 6
        rc, head, body = cgi("admin.cgi", "/api/cms/login", "demo.localhost", s.db, "POST",
                             b'{"email":"owner@demo.localhost","password":"demo-password"}')
        assert rc == 0 and "Status: 200" in head and b'"token"' in body
    finally:
        s.cleanup()


def test_init_applies_a_migration_missing_below_the_newest():
    """A migration missing below the newest applied one is still run (the
    runner goes by version, not by 'above the highest'). Forgetting 001 in
    the record makes init run it again: it fails on its existing tables,
    names the file, and records nothing."""
    s = Stack()
    try:
        s.cli("init")
        newest = s.sql("SELECT max(version) FROM schema_migrations")[0][0]
        assert newest >= 3
        s.sql("DELETE FROM schema_migrations WHERE version = 1")
        p = s.cli("init", check=False)
        assert p.returncode != 0 and "001_init.sql" in p.stderr
        assert s.sql("SELECT count(*) FROM schema_migrations WHERE version = 1")[0][0] == 0
    finally:
        s.cleanup()
