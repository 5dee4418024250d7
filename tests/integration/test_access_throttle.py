"""Login throttling by account and by IP with exponential backoff, the
same answers for unknown and known emails, and per-IP rate limits on
endpoints that cost work. Own stacks: small allowances."""

import pytest

from access_util import API, PASSWORD, err, finish
from stack import Stack

LOGIN = API + "/login"


@pytest.fixture(scope="module")
def thr():
    s = Stack(workers=1, env={"STOREFRONT_LOGIN_MAX_FAILURES": "3", "STOREFRONT_LOGIN_IP_MAX_FAILURES": "20",
                              "STOREFRONT_LOGIN_BACKOFF_BASE": "2", "STOREFRONT_LOGIN_BACKOFF_MAX": "16",
                              "STOREFRONT_RATE_LIMITS": "login:1000/60"})
    try:
        s.start()
        for shop in ("one", "two"):
            s.cli("tenant", "create", shop, "--name", shop)
            s.cli("user", "add", shop, "owner@%s.test" % shop, input=PASSWORD + "\n")
        yield s
    finally:
        finish(s)


def attempt(s, email, password="wrong-password"):
    return s.post(LOGIN, {"email": email, "password": password}, host="one.localhost")


def unblock(s):
    s.sql("UPDATE login_failures SET blocked_until = 0")


def test_account_backoff_doubles_and_is_the_same_for_unknown_emails(thr):
    waits = {}
    for email in ("owner@one.test", "ghost@one.test"):
        for _ in range(3):
            err(attempt(thr, email), 401, "invalid_credentials")
        seq = []
        for _ in range(3):
            r = attempt(thr, email, PASSWORD)      # even the right password waits
            e = err(r, 429, "too_many_attempts")
            seq.append(int(r.header("Retry-After")))
            assert e["details"]["retryAfter"] == seq[-1]
            unblock(thr)
            err(attempt(thr, email), 401)           # another failure: the wait doubles
        waits[email] = seq
    # the same doubling (2, 4, 8 s) for a known and an unknown email; the
    # Retry-After is what is left of it, so a busy machine may show a
    # second less
    for seq in waits.values():
        assert all(w - 1 <= got <= w for got, w in zip(seq, (2, 4, 8))), waits
    first = waits["owner@one.test"]
    assert 1 <= first[0] <= 2 and first[1] > first[0] and first[2] > first[1], first
    # after the wait, the right password works and the account's count resets
    unblock(thr)
    assert attempt(thr, "owner@one.test", PASSWORD).status == 200
    err(attempt(thr, "owner@one.test"), 401)
    err(attempt(thr, "owner@one.test"), 401)
    assert attempt(thr, "owner@one.test", PASSWORD).status == 200


def test_backoff_is_capped(thr):
    thr.sql("INSERT OR REPLACE INTO login_failures(key, failures, last_at, blocked_until) "
            "VALUES('acct:cap@one.test', 40, strftime('%s','now'), 0)")
    err(attempt(thr, "cap@one.test"), 401)
    r = attempt(thr, "cap@one.test")
    assert r.status == 429 and int(r.header("Retry-After")) <= 16


def test_ip_throttle_spans_accounts(thr):
    thr.sql("DELETE FROM login_failures")
    for i in range(20):
        err(attempt(thr, "spray%d@one.test" % i), 401)
    r = attempt(thr, "owner@two.test", PASSWORD)
    err(r, 429, "too_many_attempts")
    assert int(r.header("Retry-After")) >= 1
    thr.sql("DELETE FROM login_failures")
    assert thr.post(LOGIN, {"email": "owner@two.test", "password": PASSWORD}, host="two.localhost").status == 200


def test_old_failures_are_forgotten(thr):
    thr.sql("DELETE FROM login_failures")
    for _ in range(3):
        err(attempt(thr, "owner@one.test"), 401)
    thr.sql("UPDATE login_failures SET last_at = last_at - 7200, blocked_until = 0")
    err(attempt(thr, "owner@one.test"), 401)     # counts from 1 again: no wait yet
    assert attempt(thr, "owner@one.test", PASSWORD).status == 200


def test_wrong_current_password_counts_too(thr):
    thr.sql("DELETE FROM login_failures")
    tok = thr.token("two", "owner@two.test")
    for _ in range(3):
        err(thr.post(API + "/password", {"currentPassword": "nope-nope-nope", "newPassword": "whatever-long"}, token=tok), 422)
    err(thr.post(API + "/password", {"currentPassword": PASSWORD, "newPassword": "whatever-long"}, token=tok), 429)
    thr.sql("DELETE FROM login_failures")


@pytest.fixture(scope="module")
def rl():
    s = Stack(workers=1, env={"STOREFRONT_RATE_LIMITS": "login:4/60,platform:3/600",
                              "STOREFRONT_PLATFORM_TOKEN": "pt-for-rate-limits"})
    try:
        s.start()
        yield s
    finally:
        finish(s)


def test_login_rate_limit_per_ip(rl):
    for _ in range(4):
        err(rl.post(LOGIN, {"email": "a@b.test", "password": "wrong-password"}), 401)
    r = rl.post(LOGIN, {"email": "a@b.test", "password": "wrong-password"})
    e = err(r, 429, "rate_limited")
    assert 1 <= int(r.header("Retry-After")) <= 15 and "login" in e["message"]


def test_rate_limit_refills(rl):
    """The bucket refills with time: rather than wait out Retry-After, the
    stored arrival time is moved back by it (as if that time had passed).
    A bucket of 3 per 600 s refills one request per 200 s: after the shift
    exactly one more is let through, and the next is limited again."""
    for _ in range(3):
        assert rl.get("/api/platform/tenants", token="pt-for-rate-limits").status == 200
    r = rl.get("/api/platform/tenants", token="pt-for-rate-limits")
    err(r, 429, "rate_limited")
    wait = int(r.header("Retry-After"))
    assert 150 <= wait <= 201, wait
    assert err(rl.get("/api/platform/tenants", token="pt-for-rate-limits"), 429)["details"]["retryAfter"] >= wait - 1
    rl.sql("UPDATE rate_limits SET tat_ms = tat_ms - ? WHERE bucket = 'platform'", wait * 1000)
    assert rl.get("/api/platform/tenants", token="pt-for-rate-limits").status == 200
    err(rl.get("/api/platform/tenants", token="pt-for-rate-limits"), 429, "rate_limited")


@pytest.fixture(scope="module")
def public():
    s = Stack(workers=1, env={"STOREFRONT_RATE_LIMITS": "cart:2/60,checkout:1/60"})
    try:
        s.start()
        s.cli("tenant", "create", "pubshop", "--name", "Pub")
        yield s
    finally:
        finish(s)


def test_public_endpoints_that_cost_work_are_limited_per_ip(public):
    """The bucket is the route row's (main_storefront.c): the cart's rows
    share "cart", checkout's "checkout"; rows without one are not limited."""
    s = public
    h = "pubshop.localhost"
    for _ in range(2):
        assert s.post("/api/cart/items", {"productId": "1"}, host=h).status != 429
    r = s.post("/api/cart/items", {"productId": "1"}, host=h)
    e = err(r, 429, "rate_limited")
    assert e["details"]["retryAfter"] >= 1 and "cart" in e["message"]
    r = s.get("/cart", host=h)             # a page of the same bucket: the HTML 429
    assert r.status == 429 and r.header("Retry-After") and "text/html" in r.header("Content-Type")
    assert r.header("X-Request-Id") in r.text
    assert r.header("Cache-Control") == "no-store"
    err(s.get("/api/cart", host=h), 429, "rate_limited")
    assert s.post("/api/checkout", {}, host=h).status != 429
    e = err(s.post("/api/checkout", {}, host=h), 429, "rate_limited")
    assert "checkout" in e["message"]
    assert s.get("/checkout", host=h).status == 429
    # rows without a bucket are not limited
    for _ in range(10):
        assert s.get("/", host=h).status == 200
        assert s.get("/api/products", host=h).status == 200
    assert s.get("/searchlight", host=h).status == 404
    assert s.get("/api/tls/ask?domain=pubshop.localhost").status == 200
