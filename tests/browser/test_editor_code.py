"""Staff sign-in with a code by email in the web editor (issue 14), in
chromium over the real stack with an SMTP sink: editor_code.mjs asks for a
code, the test reads it from the sink (after the deliverer ran) and hands
it to the script on stdin, the script signs in through the store picker.
The database must hold the session and the page the browser wrote."""
import os
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))
from commerce_fakes import SMTPSink  # noqa: E402
from stack import Stack  # noqa: E402
from test_browser import run_script_with_codes  # noqa: E402

EMAIL = "two-stores@shops.test"


@pytest.fixture(scope="module")
def code_stack():
    smtp = SMTPSink()
    s = Stack(workers=2, env={"STOREFRONT_SMTP_URL": smtp.url, "STOREFRONT_SMTP_FROM": "editor@shops.test"})
    try:
        s.start()
        s.cli("demo")
        s.cli("tenant", "create", "outlet", "--name", "Outlet")
        for store in ("demo", "outlet"):
            s.cli("user", "add", store, EMAIL, "--role", "owner", input="two-stores-password\n")
        yield s, smtp
    finally:
        s.cleanup()
        smtp.close()


def test_sign_in_with_an_emailed_code_in_chromium(code_stack):
    s, smtp = code_stack
    run_script_with_codes(s, "editor_code.mjs", smtp, EMAIL, 8)
    # the chosen store's session, and the page written through it
    rows = s.sql("SELECT t.username FROM sessions x JOIN users u ON u.id = x.user_id JOIN tenants t ON t.id = x.tenant_id "
                 "WHERE u.email = ?", EMAIL)
    assert rows == [("demo",)], rows
    assert s.sql("SELECT count(*) FROM pages p JOIN tenants t ON t.id = p.tenant_id "
                 "WHERE p.slug = 'signed-in-by-code' AND t.username = 'demo'") == [(1,)]
    assert s.sql("SELECT count(*) FROM staff_codes WHERE email = ? AND used_at IS NULL", EMAIL) == [(0,)]
