"""Staff sign-in with a one-time code by email (issue 14): POST
/api/cms/login/code mails a code (read here from the SMTP sink after the
deliverer ran), POST /api/cms/login/code/verify turns it into the same
session a password gives. Wrong, burnt, expired, reused and superseded
codes, a shopper's code, codes of another store, several stores, the
throttle, no account enumeration, and no mail server (503)."""
import re
import subprocess

import pytest

from access_util import API, PASSWORD, err
from commerce_fakes import SMTPSink
from conftest import SANITIZER
from stack import CLI, Stack

ADMIN = "admin.localhost"


@pytest.fixture(scope="module")
def mail():
    smtp = SMTPSink()
    # lighttpd on 127.0.0.1 is the trusted proxy: a test may speak for
    # another client IP through X-Forwarded-For (the per-IP throttle). The
    # first wait after the allowed failures is 30 s, not 1 s: a slow
    # machine's next request still meets it.
    s = Stack(workers=2, env={"STOREFRONT_RATE_LIMITS": "login:10000/60", "STOREFRONT_SMTP_URL": smtp.url,
                              "STOREFRONT_SMTP_FROM": "shop@codes.test", "STOREFRONT_TRUSTED_PROXY": "127.0.0.1",
                              "STOREFRONT_LOGIN_BACKOFF_BASE": "30"})
    try:
        s.start()
        for store in ("alpha", "bravo"):
            s.cli("tenant", "create", store, "--name", store.title() + " Goods")
        s.cli("user", "add", "alpha", "owner@alpha.test", "--role", "owner", input=PASSWORD + "\n")
        s.cli("user", "add", "alpha", "editor@alpha.test", "--role", "editor", input=PASSWORD + "\n")
        # one person, staff of both stores
        for store in ("alpha", "bravo"):
            s.cli("user", "add", store, "both@shops.test", "--role", "owner", input=PASSWORD + "\n")
        s.smtp = smtp
        yield s
        s.stop()  # workers exit: leak reports land in the log too
        log = s.worker_log()
        assert not SANITIZER.search(log), "sanitizer report in worker log:\n" + log[-4000:]
    finally:
        s.cleanup()
        smtp.close()


def ask(s, email, **kw):
    return s.post(API + "/login/code", dict({"email": email}, **kw), host=ADMIN)


def verify(s, email, code, host=ADMIN, **kw):
    return s.post(API + "/login/code/verify", dict({"email": email, "code": code, "session": True}, **kw), host=host)


def deliver(s):
    out = subprocess.run([CLI, "--db", s.db, "deliver"], env=s.env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr


def mails_to(s, to):
    deliver(s)
    return [m["data"] for m in s.smtp.messages if m["to"][0] == to]


def code_for(s, to):
    mails = mails_to(s, to)
    assert mails, "no mail to " + to
    m = re.search(r"^\s+(\d{8})\s*$", mails[-1], re.M)
    assert m, mails[-1]
    return m.group(1)


def wrong(code):
    return "%08d" % ((int(code) + 1) % 10 ** 8)


def forget_failures(s):
    """Each test starts unthrottled: failed tries and codes sent forgotten."""
    s.sql("DELETE FROM login_failures")
    s.sql("DELETE FROM rate_limits")


def test_code_signs_in_with_a_session_that_writes_with_its_csrf(mail):
    s = mail
    r = ask(s, "Editor@Alpha.test")
    assert r.status == 202 and r.json() == {"status": "sent", "expiresIn": 600, "digits": 8}, r
    code = code_for(s, "editor@alpha.test")
    text = mails_to(s, "editor@alpha.test")[-1]
    assert "Alpha Goods" in text and "https://admin.localhost/" in text, text
    # stored hashed, never as the code itself
    rows = s.sql("SELECT code_hash, tenant_id FROM staff_codes WHERE email = 'editor@alpha.test' AND used_at IS NULL")
    assert len(rows) == 1 and re.fullmatch(r"[0-9a-f]{64}", rows[0][0]) and code not in rows[0][0] and rows[0][1] == 0
    r = verify(s, "editor@alpha.test", code)
    assert r.status == 200, r
    sc = r.header("Set-Cookie")
    assert sc.startswith("sf_session=") and "HttpOnly" in sc and "SameSite=Strict" in sc
    body = r.json()
    assert body["user"]["email"] == "editor@alpha.test" and body["user"]["role"] == "editor"
    assert body["store"]["username"] == "alpha" and len(body["csrfToken"]) == 64
    cookie = {"Cookie": sc.split(";")[0]}
    me = s.get(API + "/me", host=ADMIN, headers=cookie).json()
    assert me["auth"] == "session" and me["user"]["email"] == "editor@alpha.test"
    # a write needs the session's CSRF token, and works with it
    err(s.post(API + "/pages", {"slug": "by-code", "title": "By code"}, host=ADMIN, headers=cookie), 403, "csrf_failed")
    r = s.post(API + "/pages", {"slug": "by-code", "title": "By code"}, host=ADMIN,
               headers=dict(cookie, **{"X-CSRF-Token": body["csrfToken"]}))
    assert r.status == 201, r
    assert s.sql("SELECT action FROM audit_log WHERE actor = 'editor@alpha.test' AND action LIKE 'login%'") == \
        [("login.code.session",)]
    # the code is used up: a second use fails
    err(verify(s, "editor@alpha.test", code), 410, "code_expired")


def test_unknown_email_gets_the_same_answer_and_no_mail(mail):
    s = mail
    known, unknown = ask(s, "owner@alpha.test"), ask(s, "nobody@alpha.test")
    assert known.status == unknown.status == 202 and known.json() == unknown.json()
    assert mails_to(s, "owner@alpha.test") and not mails_to(s, "nobody@alpha.test")
    assert s.sql("SELECT count(*) FROM staff_codes WHERE email = 'nobody@alpha.test'") == [(0,)]
    # and verifying for it answers like a known email without a live code
    err(verify(s, "nobody@alpha.test", "12345678"), 410, "code_expired")


def test_five_wrong_tries_burn_the_code(mail):
    s = mail
    forget_failures(s)
    assert ask(s, "owner@alpha.test").status == 202
    code = code_for(s, "owner@alpha.test")
    for _ in range(5):
        err(verify(s, "owner@alpha.test", wrong(code)), 401, "invalid_code")
    # the account is throttled now (like wrong passwords) ...
    r = verify(s, "owner@alpha.test", code)
    err(r, 429, "too_many_attempts")
    assert int(r.header("Retry-After")) > 20
    err(s.post(API + "/login", {"email": "owner@alpha.test", "password": PASSWORD, "session": True}, host=ADMIN),
        429, "too_many_attempts")
    # ... and once the wait is over, the burnt code still fails
    forget_failures(s)
    err(verify(s, "owner@alpha.test", code), 410, "code_expired")


def test_expired_code_and_a_new_code_kills_the_old(mail):
    s = mail
    forget_failures(s)
    assert ask(s, "owner@alpha.test").status == 202
    first = code_for(s, "owner@alpha.test")
    assert ask(s, "owner@alpha.test").status == 202
    second = code_for(s, "owner@alpha.test")
    if first != second:
        err(verify(s, "owner@alpha.test", first), 401, "invalid_code")
    assert s.sql("SELECT count(*) FROM staff_codes WHERE email = 'owner@alpha.test' AND used_at IS NULL") == [(1,)]
    s.sql("UPDATE staff_codes SET expires_at = 1 WHERE email = 'owner@alpha.test' AND used_at IS NULL")
    err(verify(s, "owner@alpha.test", second), 410, "code_expired")


def test_a_shoppers_code_never_signs_in_staff(mail):
    s = mail
    forget_failures(s)
    staff_rows = s.sql("SELECT count(*) FROM staff_codes")
    # the same email asks the store (as a shopper) for a code
    r = s.post("/api/account/code", {"email": "owner@alpha.test"}, host="alpha.localhost")
    assert r.status == 202, r
    mails = mails_to(s, "owner@alpha.test")
    shopper = re.search(r"^\s+(\d{6})\s*$", mails[-1], re.M).group(1)
    assert s.sql("SELECT count(*) FROM staff_codes") == staff_rows
    e = err(verify(s, "owner@alpha.test", shopper), 422)
    assert e["details"]["field"] == "code"
    err(verify(s, "owner@alpha.test", shopper + "00"), 410, "code_expired")
    # and a staff code is no shopper's code
    assert ask(s, "owner@alpha.test").status == 202
    staff = code_for(s, "owner@alpha.test")
    assert s.post("/api/account/code/verify", {"email": "owner@alpha.test", "code": staff},
                  host="alpha.localhost").status == 422
    assert s.post("/api/account/code/verify", {"email": "owner@alpha.test", "code": staff[:6]},
                  host="alpha.localhost").status in (401, 410)
    assert s.sql("SELECT count(*) FROM customer_codes WHERE email = 'owner@alpha.test' AND used_at IS NULL") == [(1,)]
    assert verify(s, "owner@alpha.test", staff).status == 200


def test_several_stores_and_codes_of_another_store(mail):
    s = mail
    forget_failures(s)
    # asked for alpha: it opens alpha only
    assert ask(s, "both@shops.test", store="alpha").status == 202
    code = code_for(s, "both@shops.test")
    err(verify(s, "both@shops.test", code, store="bravo"), 410, "code_expired")
    forget_failures(s)
    r = verify(s, "both@shops.test", code)
    assert r.status == 200 and r.json()["store"]["username"] == "alpha", r
    # asked for any store: the verify names the stores, the code stays good
    assert ask(s, "both@shops.test").status == 202
    text = mails_to(s, "both@shops.test")[-1]
    assert "your stores" in text
    code = code_for(s, "both@shops.test")
    e = err(verify(s, "both@shops.test", code), 422, "validation_error")
    assert e["details"]["field"] == "store"
    assert [x["username"] for x in e["details"]["stores"]] == ["alpha", "bravo"]
    r = verify(s, "both@shops.test", code, store="bravo")
    assert r.status == 200 and r.json()["store"]["username"] == "bravo", r
    err(verify(s, "both@shops.test", code, store="bravo"), 410, "code_expired")
    # a store nobody has, and an email that is not staff of the named store
    assert ask(s, "owner@alpha.test", store="bravo").status == 202
    assert ask(s, "owner@alpha.test", store="no-such-store").status == 202
    assert s.sql("SELECT count(*) FROM staff_codes WHERE email = 'owner@alpha.test' AND tenant_id != 0") == [(0,)]


def test_token_sign_in_and_sessions_only_on_the_admin_host(mail):
    s = mail
    forget_failures(s)
    assert ask(s, "owner@alpha.test").status == 202
    code = code_for(s, "owner@alpha.test")
    err(verify(s, "owner@alpha.test", code, host="alpha.localhost"), 403, "admin_host_required")
    r = s.post(API + "/login/code/verify", {"email": "owner@alpha.test", "code": code, "tokenName": "phone"},
               host="alpha.localhost")
    assert r.status == 200 and r.json()["token"].startswith("sf_"), r
    assert s.get(API + "/pages", token=r.json()["token"], host="alpha.localhost").status == 200


def test_wrong_codes_from_one_ip_throttle_that_ip(mail):
    """Like passwords: past login_ip_max_failures (50) failures from one IP,
    whatever the emails, that IP waits -- for codes and passwords alike."""
    s = mail
    forget_failures(s)
    bad = {"X-Forwarded-For": "203.0.113.7"}
    for i in range(50):
        r = s.post(API + "/login/code/verify", {"email": "guess-%d@alpha.test" % i, "code": "12345678", "session": True},
                   host=ADMIN, headers=bad)
        assert r.status == 410, (i, r)
    r = s.post(API + "/login/code/verify", {"email": "owner@alpha.test", "code": "12345678", "session": True},
               host=ADMIN, headers=bad)
    err(r, 429, "too_many_attempts")
    err(s.post(API + "/login/code", {"email": "owner@alpha.test"}, host=ADMIN, headers=bad), 429, "too_many_attempts")
    err(s.post(API + "/login", {"email": "owner@alpha.test", "password": PASSWORD}, host=ADMIN, headers=bad),
        429, "too_many_attempts")
    # another address is not held back, nor is the account
    assert s.post(API + "/login/code", {"email": "owner@alpha.test"}, host=ADMIN,
                  headers={"X-Forwarded-For": "198.51.100.4"}).status == 202
    forget_failures(s)


def test_bad_input_and_codes_per_email_are_limited(mail):
    s = mail
    forget_failures(s)
    e = err(ask(s, "not-an-email"), 422)
    assert e["details"]["field"] == "email"
    e = err(verify(s, "owner@alpha.test", "12ab5678"), 422)
    assert e["details"]["field"] == "code"
    e = err(s.post(API + "/login/code/verify", {"email": "owner@alpha.test"}, host=ADMIN), 422)
    assert e["details"]["field"] == "code"
    err(s.post(API + "/login/code", None, host=ADMIN, body="{", headers={"Content-Type": "application/json"}), 400)
    who = "editor@alpha.test"
    sent = [ask(s, who).status for _ in range(7)]
    assert sent.count(429) >= 1 and sent[:3] == [202] * 3, sent
    r = ask(s, who)
    err(r, 429, "too_many_codes")
    assert int(r.header("Retry-After")) >= 1


def test_no_mail_server_answers_503(stack):
    """The session's shared stack has no smtp_url."""
    for who in ("owner@demo.localhost", "nobody@example.com"):
        e = err(stack.post(API + "/login/code", {"email": who}, host=ADMIN), 503, "mail_not_configured")
        assert "password" in e["message"]
    assert stack.sql("SELECT count(*) FROM staff_codes") == [(0,)]
