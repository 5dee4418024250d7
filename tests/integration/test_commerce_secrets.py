"""Commerce secrets (stripe.secretKey, stripe.webhookSecret,
posWebhook.secret) are write-only: GET /api/cms/commerce/settings shows
them masked to owner and staff alike, and a client that GETs, changes one
field and PUTs the whole object back keeps the real secrets."""
import json

from access_util import people, tenant_id
from shop import API

SK = "sk_test_51Habcdefghijklmnop4242"
WH = "whsec_0123456789abcdefWXYZ"
POS = "pos-secret-9f8e7d6c5b4a3210"


def stored(stack, username):
    rows = stack.sql("SELECT settings_json FROM commerce_settings WHERE tenant_id = ?", tenant_id(stack, username))
    return json.loads(rows[0][0])


def test_secrets_are_masked_for_owner_and_staff(stack):
    tok = people(stack, "secrets1")
    r = stack.put(API + "/commerce/settings", {
        "stripe": {"apiBase": "https://api.example.test", "secretKey": SK, "publishableKey": "pk_test_visible",
                   "webhookSecret": WH},
        "posWebhook": {"url": "https://pos.example.test/hook", "secret": POS}}, token=tok["owner"], host="secrets1.localhost")
    assert r.status == 200, r
    for body in (r.text, *(stack.get(API + "/commerce/settings", token=tok[role], host="secrets1.localhost").text
                           for role in ("owner", "staff"))):
        for secret in (SK, WH, POS, SK[-12:], WH[-12:], POS[-12:]):
            assert secret not in body, body
        s = json.loads(body)
        assert s["stripe"]["secretKey"] == "sk_test_\u20264242", s
        assert s["stripe"]["webhookSecret"] == "whsec_\u2026WXYZ", s
        assert s["posWebhook"]["secret"] == "\u20263210", s
        # what is not secret stays readable
        assert s["stripe"]["publishableKey"] == "pk_test_visible"
        assert s["posWebhook"]["url"] == "https://pos.example.test/hook"
    # the secrets themselves are still what the store uses
    st = stored(stack, "secrets1")
    assert (st["stripe"]["secretKey"], st["stripe"]["webhookSecret"], st["posWebhook"]["secret"]) == (SK, WH, POS)


def test_writing_back_the_masked_object_keeps_the_secrets(stack):
    tok = people(stack, "secrets2")
    h = dict(token=tok["owner"], host="secrets2.localhost")
    assert stack.put(API + "/commerce/settings", {
        "stripe": {"apiBase": "", "secretKey": SK, "publishableKey": "pk", "webhookSecret": WH},
        "posWebhook": {"url": "", "secret": "short"}}, **h).status == 200
    s = stack.get(API + "/commerce/settings", **h).json()
    assert s["posWebhook"]["secret"] == "\u2026"          # short secrets show no characters at all
    s["tax"]["rateBps"] = 500
    r = stack.put(API + "/commerce/settings", s, **h)
    assert r.status == 200, r
    assert r.json()["tax"]["rateBps"] == 500
    st = stored(stack, "secrets2")
    assert (st["stripe"]["secretKey"], st["stripe"]["webhookSecret"], st["posWebhook"]["secret"]) == (SK, WH, "short")
    # an object given without its secret keeps it too (change only the URL)
    assert stack.put(API + "/commerce/settings", {"posWebhook": {"url": "https://pos.example.test/x"}}, **h).status == 200
    assert stored(stack, "secrets2")["posWebhook"] == {"url": "https://pos.example.test/x", "secret": "short"}
    # a masked value that is not the stored secret's mask is refused, naming the field
    r = stack.put(API + "/commerce/settings", {"stripe": {"secretKey": "sk_live_\u20269999"}}, **h)
    assert r.status == 422, r
    assert r.json()["error"]["details"]["field"] == "stripe.secretKey"
    assert stored(stack, "secrets2")["stripe"]["secretKey"] == SK
    # a new secret replaces it, and "" clears it
    assert stack.put(API + "/commerce/settings", {"stripe": {"secretKey": "sk_test_newnewnewnew1111"}}, **h).status == 200
    assert stored(stack, "secrets2")["stripe"]["secretKey"] == "sk_test_newnewnewnew1111"
    r = stack.put(API + "/commerce/settings", {"stripe": {"secretKey": ""}}, **h)
    assert r.status == 200 and r.json()["stripe"]["secretKey"] == ""
    assert stored(stack, "secrets2")["stripe"]["secretKey"] == ""


def test_staff_cannot_write_settings(stack):
    tok = people(stack, "secrets3")
    r = stack.put(API + "/commerce/settings", {"stripe": {"secretKey": SK}}, token=tok["staff"], host="secrets3.localhost")
    assert r.status == 403, r
