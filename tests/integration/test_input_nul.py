"""Strings holding U+0000 are refused with 422 naming the field, on every
JSON endpoint (http_json_body checks them), instead of being cut at the
NUL by the JSON parser ("a\\u0000b" stored as "a")."""
import uuid

from shop import API, Shopper, new_product


def nul_refused(r, field):
    assert r.status == 422, r
    e = r.json()["error"]
    assert e["code"] == "validation_error", e
    assert e["details"]["field"] == field, e
    assert "NUL" in e["message"], e


def test_page_title_with_nul_is_refused_and_nothing_written(stack):
    t = stack.demo_token
    slug = "nul-" + uuid.uuid4().hex[:8]
    r = stack.post(API + "/pages", {"slug": slug, "title": "a\u0000b"}, token=t)
    nul_refused(r, "title")
    assert stack.sql("SELECT count(*) FROM pages WHERE slug = ?", slug)[0][0] == 0
    # the same body without the NUL is fine: the check is not a blanket refusal
    r = stack.post(API + "/pages", {"slug": slug, "title": "a b"}, token=t)
    assert r.status == 201, r


def test_product_name_with_nul_is_refused_on_create_and_update(stack):
    t = stack.demo_token
    r = stack.post(API + "/products", {"name": "Mug\u0000 hidden", "slug": "nul-mug", "price": 100}, token=t)
    nul_refused(r, "name")
    p = new_product(stack, t, "nul-mug-" + uuid.uuid4().hex[:6])
    r = stack.put(API + "/products/%s" % p["id"], {"name": "x\u0000y"}, token=t)
    nul_refused(r, "name")
    assert stack.get(API + "/products/%s" % p["id"], token=t).json()["name"] == p["name"]


def test_checkout_note_and_nested_address_with_nul_are_refused(stack):
    p = new_product(stack, stack.demo_token, "nul-cup-" + uuid.uuid4().hex[:6], stock=5)
    s = Shopper(stack)
    assert s.add(p["id"]).status == 200
    nul_refused(s.checkout(note="leave at door\u0000<script>"), "note")
    nul_refused(s.checkout(shippingAddress={"line1": "1 Main\u0000", "city": "X", "postalCode": "1", "country": "US"}),
                "shippingAddress.line1")
    # nothing was ordered, and the clean checkout still works
    r = s.checkout(note="leave at door")
    assert r.status == 201, r


def test_raw_escape_and_escaped_backslash(stack):
    t = stack.demo_token
    slug = "nul-" + uuid.uuid4().hex[:8]
    # a literal backslash followed by "u0000" is ordinary text, kept whole
    body = ('{"slug":"%s","title":"a\\\\u0000b"}' % slug).encode()
    r = stack.request("POST", API + "/pages", body=body, token=t, headers={"Content-Type": "application/json"})
    assert r.status == 201, r
    assert stack.sql("SELECT title FROM pages WHERE slug = ?", slug)[0][0] == "a\\u0000b"
