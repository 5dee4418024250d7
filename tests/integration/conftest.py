import os
import re
import sys

import pytest

sys.path.insert(0, os.path.dirname(__file__))
from stack import Stack  # noqa: E402

PLATFORM_TOKEN = "session-platform-token"
SANITIZER = re.compile(r"ERROR: AddressSanitizer|runtime error:|ERROR: LeakSanitizer")


@pytest.fixture(scope="session")
def stack():
    """One stack for the session: the demo store plus a second store 'acme'."""
    # Many tests sign in from 127.0.0.1: lift the per-IP login bucket
    # (test_access_throttle.py tests it on its own stack). Commerce tests
    # run fakes of the payment gateway and the POS on 127.0.0.1.
    # The platform API is on (a token nobody's store holds), so the access
    # matrix sees it refuse a store's credentials, not an API that is off.
    s = Stack(workers=2, env={"STOREFRONT_RATE_LIMITS": "login:10000/60", "STOREFRONT_OUTBOUND_PRIVATE": "1",
                              "STOREFRONT_PLATFORM_TOKEN": PLATFORM_TOKEN})
    try:
        s.start()
        s.cli("demo")
        s.demo_token = s.token("demo", "owner@demo.localhost")
        s.acme_token = s.tenant("acme", 'Acme <script>alert("x")</script> & Co')
        yield s
        s.stop()  # workers exit: leak reports land in the log too
        log = s.worker_log()
        assert not SANITIZER.search(log), "sanitizer report in worker log:\n" + log[-4000:]
    finally:
        s.cleanup()
