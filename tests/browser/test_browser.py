"""Browser tests: each *.mjs here drives Debian's chromium against the real
stack and checks what a shopper or editor sees; screenshots land in
tests/artifacts/."""
import os
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))
from stack import Stack  # noqa: E402

ARTIFACTS = os.path.join(HERE, "..", "artifacts")


@pytest.fixture(scope="module")
def demo_stack():
    s = Stack(workers=2)
    try:
        s.start()
        s.cli("demo")
        yield s
    finally:
        s.cleanup()


def run_script(stack, name, **extra):
    env = dict(os.environ, SF_PORT=str(stack.port), SF_ARTIFACTS=ARTIFACTS, **extra)
    p = subprocess.run(["node", os.path.join(HERE, name)], cwd=HERE, env=env, capture_output=True,
                       text=True, timeout=120)
    print(p.stdout)
    assert p.returncode == 0, p.stdout + p.stderr


def test_home_page_in_chromium(demo_stack):
    run_script(demo_stack, "home.mjs")


def test_admin_session_in_chromium(demo_stack):
    run_script(demo_stack, "session.mjs")
    # the cross-origin attempt wrote nothing
    names = [n for (n,) in demo_stack.sql("SELECT name FROM api_tokens")]
    assert "from the browser" in names and "csrf" not in names


def test_checkout_in_chromium(demo_stack):
    run_script(demo_stack, "checkout.mjs")
    # the order the browser placed is in the database, whole
    rows = demo_stack.sql("SELECT o.email, o.payment_method, count(i.id), sum(i.quantity) FROM orders o "
                          "JOIN order_items i ON i.order_id = o.id GROUP BY o.id")
    assert rows == [("browser@example.com", "manual", 2, 3)], rows


def test_preview_error_box_in_chromium(demo_stack):
    """A draft page with a block that throws and one over the output cap."""
    token = demo_stack.token("demo", "owner@demo.localhost")
    r = demo_stack.post("/api/cms/pages", {"slug": "broken", "title": "Broken", "showInNav": False}, token=token)
    assert r.status == 201, r
    pid = r.json()["id"]
    codes = ["function renderA(storefront) {\n  const missing = storefront.name ? null : {};\n  return missing.x;\n}\n",
             "function renderB(storefront) {\n  return storefront.name ? 'x'.repeat(2 << 20) : '';\n}\n",
             "function renderC() {\n  return '<p class=\"fine\">fine</p>';\n}\n"]
    for i, code in enumerate(codes):
        r = demo_stack.post("/api/cms/blocks", {"pageId": pid, "type": "custom", "vibeCode": code, "position": i},
                            token=token)
        assert r.status == 201, r
    run_script(demo_stack, "preview.mjs", SF_TOKEN=token, SF_PAGE=str(pid))
