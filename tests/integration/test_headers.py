"""Response headers have one home: over the real stack (lighttpd in front
of both programs) no header comes twice on a store page, a JSON API
answer, the checkout, an admin answer, an error or a static file, and the
security headers are there once on each (the programs write theirs in
http_send; lighttpd adds nosniff to static files without doubling the
programs')."""
import collections

from access_util import API, err

ONCE = ("x-content-type-options", "cache-control", "content-type", "content-security-policy",
        "referrer-policy", "etag", "x-request-id")


def counts(r):
    c = collections.Counter(k.lower() for k, _ in r.headers)
    dup = {k: n for k, n in c.items() if n > 1 and k != "set-cookie"}
    assert not dup, (dup, r.headers)
    return c


def test_no_header_twice(stack):
    h = "demo.localhost"
    answers = {
        "page": stack.get("/", host=h),
        "page 404": stack.get("/no-such-page-here", host=h),
        "json api": stack.get("/api/products", host=h),
        "cart": stack.get("/api/cart", host=h),
        "checkout": stack.post("/api/checkout", {}, host=h),
        "admin": stack.get(API + "/me", token=stack.demo_token, host=h),
        "admin 401": stack.get(API + "/pages", host=h),
        "admin host": stack.get("/", host="admin.localhost"),
        "static": stack.get("/css/" + STATIC, host=h),
        "order page": stack.get("/orders/1?key=not-the-key", host=h),
    }
    assert answers["page"].status == 200 and answers["json api"].status == 200
    assert answers["admin"].status == 200 and answers["static"].status == 200
    err(answers["checkout"], 422)
    err(answers["admin 401"], 401, "unauthorized")
    for what, r in answers.items():
        c = counts(r)
        assert c["x-content-type-options"] == 1, (what, r.headers)
        assert r.header("X-Content-Type-Options") == "nosniff", what
    # the programs' answers carry their own security headers, once each
    for what in ("page", "json api", "checkout", "admin"):
        assert counts(answers[what])["content-security-policy"] == 1, what
    # private answers say so once; public pages do not say it at all
    for what in ("cart", "checkout", "admin", "admin 401"):
        assert answers[what].header("Cache-Control") == "no-store", what
    for what in ("page", "json api"):
        assert answers[what].header("Cache-Control") is None, what
    # the order page's address holds its key: it is sent as no Referer, and
    # says so once (it used to come on top of the default policy)
    assert answers["order page"].header("Referrer-Policy") == "no-referrer"
    assert answers["page"].header("Referrer-Policy") == "strict-origin-when-cross-origin"


import os  # noqa: E402
from stack import ROOT  # noqa: E402
STATIC = sorted(os.listdir(os.path.join(ROOT, "htdocs", "css")))[0]
