"""Limits with one home: every list endpoint reads ?limit= and ?offset= with
one parser (input.c in_query_limit) and answers bad values the same way,
and the money maximum (MONEY_MAX, src/money.h) is the same on every amount
the API takes."""
import os
import re

from shop import API

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")


def header_define(path, name):
    text = open(os.path.join(ROOT, path)).read()
    m = re.search(r"#define %s (\d+)" % name, text)
    assert m, "%s not in %s" % (name, path)
    return int(m.group(1))


MONEY_MAX = header_define("src/money.h", "MONEY_MAX")

# Every list endpoint that pages (storefront JSON and admin API).
PAGED = [API + "/products", API + "/pages", API + "/posts", API + "/orders", API + "/inventory",
         API + "/collections", API + "/discounts", API + "/users", API + "/tokens", API + "/domains"]
LISTS = ["/api/products", API + "/audit", API + "/changes"] + PAGED
WITH_OFFSET = PAGED


def refusal(r, param):
    assert r.status == 422, r
    e = r.json()["error"]
    assert e["code"] == "validation_error" and e["details"]["field"] == param, e
    return e["message"]


def test_bad_page_sizes_get_one_answer_on_every_list(stack):
    t = stack.demo_token
    messages = set()
    for path in LISTS:
        for bad in ("abc", "-1", "0", "100000", "10x", "", "4294967297"):
            messages.add(refusal(stack.get(path + "?limit=" + bad, token=t), "limit"))
    # One wording everywhere, naming the parameter and the bound.
    assert len(messages) == 1, messages
    m = re.fullmatch(r"query parameter 'limit' must be an integer 1-(\d+)", messages.pop())
    assert m, messages
    top = int(m.group(1))
    for path in LISTS:
        assert stack.get(path + "?limit=%d" % top, token=t).status == 200, path
        assert stack.get(path + "?limit=1", token=t).status == 200, path
        refusal(stack.get(path + "?limit=%d" % (top + 1), token=t), "limit")
    for path in WITH_OFFSET:
        for bad in ("abc", "-1", "1.5"):
            msg = refusal(stack.get(path + "?offset=" + bad, token=t), "offset")
            assert msg == "query parameter 'offset' must be an integer of at least 0", msg
    for path, cursor in ((API + "/audit", "before"), (API + "/changes", "since")):
        refusal(stack.get(path + "?%s=abc" % cursor, token=t), cursor)


def test_lists_that_returned_everything_page(stack):
    t = stack.demo_token
    for code in ("LIMITS-A", "LIMITS-B"):
        r = stack.post(API + "/discounts", {"code": code, "kind": "fixed", "value": 1, "active": False}, token=t)
        assert r.status == 201, r
    for path, key in ((API + "/pages", "pages"), (API + "/posts", "posts"), (API + "/collections", "collections"),
                      (API + "/discounts", "discounts")):
        every = stack.get(path, token=t).json()[key]
        assert len(every) >= 2, path
        one = stack.get(path + "?limit=1&offset=1", token=t).json()[key]
        assert [x["id"] for x in one] == [every[1]["id"]], path


def test_money_maximum_is_one_value(stack):
    tok = stack.tenant("moneymax", "Money Max")
    host = "moneymax.localhost"

    def product(price, variant_price=1):
        return stack.post(API + "/products", {"name": "P", "slug": "p-%d-%d" % (price, variant_price), "price": price,
                                              "variants": [{"option1": "S", "price": variant_price}]},
                          token=tok, host=host)

    def discount(value):
        return stack.post(API + "/discounts", {"code": "D%d" % (value % 1000), "kind": "fixed", "value": value},
                          token=tok, host=host)

    def shipping(price):
        return stack.put(API + "/commerce/settings",
                         {"shippingMethods": [{"id": "ship", "kind": "flat", "name": "Ship", "price": price}]},
                         token=tok, host=host)

    def sync(price):
        return stack.post(API + "/sync/products", {"products": [{"posId": "pos-%d" % price, "name": "S", "price": price}]},
                          token=tok, host=host)

    assert product(MONEY_MAX, MONEY_MAX).status == 201
    assert discount(MONEY_MAX).status == 201
    assert shipping(MONEY_MAX).status == 200
    r = sync(MONEY_MAX)
    assert r.status == 200 and r.json()["created"] == 1, r.json()
    over = MONEY_MAX + 1
    for r, field in ((product(over), "price"), (product(5, over), "variants"), (discount(over), "value"),
                     (shipping(over), "shippingMethods")):
        assert r.status == 422, r
        e = r.json()["error"]
        assert field in e["details"]["field"] and str(MONEY_MAX) in e["message"], e
    res = sync(over).json()
    e = res["results"][0]["error"]
    assert res["failed"] == 1 and e["field"] == "price" and str(MONEY_MAX) in e["message"], res
