"""Order emails over SMTP (a local sink), signed POS webhooks with retries
from the outbox, and card payments through a Stripe-compatible fake with
signed webhooks. The stack's deliverer (`storefront deliver --loop`, no
SMTP configured) sends webhooks and late intents; `storefront deliver`
(cron) sends what is due, emails included."""
import hashlib
import hmac
import json
import os
import subprocess
import time
import uuid

import pytest

from commerce_fakes import FakeStripe, SMTPSink, WebhookReceiver
from shop import API, Shopper, new_product
from stack import CLI, Stack, wait_for


# An order of the demo store by the number the API gives as its id.
DEMO_ORDER = "number = ? AND tenant_id = (SELECT id FROM tenants WHERE username = 'demo')"


def deliver(stack, smtp_url="", **extra):
    env = dict(stack.env, STOREFRONT_SMTP_URL=smtp_url, STOREFRONT_SMTP_FROM="shop@demo.localhost", **extra)
    p = subprocess.run([CLI, "--db", stack.db, "deliver"], env=env, capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    return p.stdout


@pytest.fixture()
def smtp():
    s = SMTPSink()
    yield s
    s.close()


def sign(secret, body, ts=None):
    ts = int(time.time()) if ts is None else ts
    mac = hmac.new(secret.encode(), b"%d." % ts + body, hashlib.sha256).hexdigest()
    return "t=%d,v1=%s" % (ts, mac)


def test_order_emails_through_smtp_with_retry(stack, smtp):
    deliver(stack, smtp.url)                      # flush what earlier tests queued
    smtp.messages.clear()
    p = new_product(stack, stack.demo_token, "mail-teapot", price=3200, stock=5)
    s = Shopper(stack)
    s.add(p["id"], 1)
    o = s.checkout(email="buyer@example.com").json()["order"]
    smtp.fail_next = 1                            # the first send fails: retried later, order safe
    out = deliver(stack, smtp.url)
    assert "retrying 1" in out, out
    assert stack.sql("SELECT count(*) FROM orders WHERE " + DEMO_ORDER, int(o["id"]))[0][0] == 1
    # due again only after the backoff: make it due now
    stack.sql("UPDATE outbox SET next_at = 0 WHERE sent_at IS NULL")
    out = deliver(stack, smtp.url)
    assert "given up 0" in out
    to = {m["to"][0]: m for m in smtp.messages}
    assert "buyer@example.com" in to and "owner@demo.localhost" in to
    shopper_mail = to["buyer@example.com"]["data"]
    assert "Subject: Order #%d confirmed" % o["number"] in shopper_mail
    assert "Mail Teapot" in shopper_mail and "$37.00" in shopper_mail
    assert "https://demo.localhost" + o["url"] in shopper_mail
    assert "New order #%d" % o["number"] in to["owner@demo.localhost"]["data"]
    assert stack.sql("SELECT count(*) FROM outbox WHERE kind = 'email' AND sent_at IS NULL AND failed_at IS NULL")[0][0] == 0
    # nothing is sent twice
    n = len(smtp.messages)
    deliver(stack, smtp.url)
    assert len(smtp.messages) == n


def test_pos_webhooks_signed_with_backoff(stack):
    hook = WebhookReceiver()
    try:
        secret = "pos-secret-123"
        r = stack.put(API + "/commerce/settings", {"posWebhook": {"url": hook.url + "/pos", "secret": secret}},
                      token=stack.demo_token)
        assert r.status == 200, r
        p = new_product(stack, stack.demo_token, "hook-kettle", price=1000, stock=5)
        hook.fail_next = 1
        s = Shopper(stack)
        s.add(p["id"], 1)
        o = s.checkout().json()["order"]
        # the deliverer tried at once and got 503: it waits for a retry
        wait_for(lambda: stack.sql("SELECT count(*) FROM outbox WHERE kind = 'webhook' AND attempts > 0 AND body LIKE ?",
                                   '%%"id":"%s"%%' % o["id"])[0][0], what="the first attempt")
        row = stack.sql("SELECT attempts, last_error, next_at > strftime('%s','now') FROM outbox "
                        "WHERE kind = 'webhook' AND body LIKE ?", '%%"id":"%s"%%' % o["id"])
        assert row and row[0][0] == 1 and "503" in row[0][1] and row[0][2] == 1, row
        stack.sql("UPDATE outbox SET next_at = 0 WHERE kind = 'webhook' AND sent_at IS NULL")
        deliver(stack)                      # (or the deliverer: whichever claims it first)
        wait_for(lambda: len(hook.requests) == 1, what="the retry")
        assert len(hook.requests) == 1
        req = hook.requests[0]
        body = req["body"]
        ev = json.loads(body)
        assert ev["event"] == "order.created" and ev["order"]["id"] == o["id"] and ev["order"]["total"] == 1500
        assert req["headers"]["X-Storefront-Event"] == "order.created"
        t, v1 = [x.split("=", 1)[1] for x in req["headers"]["X-Storefront-Signature"].split(",")]
        assert v1 == hmac.new(secret.encode(), t.encode() + b"." + body, hashlib.sha256).hexdigest()
        # cancel -> order.cancelled webhook (the admin API queues it; deliver sends it)
        r = stack.post(API + "/orders/%s/cancel" % o["id"], {"reason": "customer asked"}, token=stack.demo_token)
        assert r.status == 200, r
        deliver(stack)
        wait_for(lambda: len(hook.requests) == 2, what="order.cancelled")
        assert [json.loads(x["body"])["event"] for x in hook.requests] == ["order.created", "order.cancelled"]
    finally:
        stack.put(API + "/commerce/settings", {"posWebhook": {"url": "", "secret": ""}}, token=stack.demo_token)
        hook.close()


def test_webhook_gives_up_after_max_attempts(stack):
    tid = stack.sql("SELECT id FROM tenants WHERE username = 'demo'")[0][0]
    stack.sql("INSERT INTO outbox(tenant_id, kind, target, subject, body, attempts, next_at, created_at) "
              "VALUES(?, 'webhook', 'http://127.0.0.1:9/nowhere', 'order.created', '{}', 7, 0, 0)", tid)
    deliver(stack)                          # (or the deliverer)
    wait_for(lambda: stack.sql("SELECT count(*) FROM outbox WHERE target = 'http://127.0.0.1:9/nowhere' "
                               "AND failed_at IS NOT NULL AND attempts = 8")[0][0] == 1, what="giving up")


def test_stripe_payment_intent_and_signed_webhook(stack):
    fake = FakeStripe()
    whsec = "whsec_test_123"
    try:
        r = stack.put(API + "/commerce/settings", {
            "paymentMethods": ["manual", "stripe"],
            "stripe": {"apiBase": fake.url, "secretKey": fake.key, "publishableKey": "pk_test", "webhookSecret": whsec}},
            token=stack.demo_token)
        assert r.status == 200, r
        p = new_product(stack, stack.demo_token, "card-lantern", price=4200, stock=5)
        s = Shopper(stack)
        s.add(p["id"], 1)
        r = s.checkout(paymentMethod="stripe")
        assert r.status == 201, r
        o = r.json()["order"]
        assert o["paymentStatus"] == "pending" and o["paymentClientSecret"] == "pi_1_secret_x" or o["paymentClientSecret"].endswith("_secret_x")
        form = fake.requests[-1]
        assert form["amount"] == "4700" and form["currency"] == "usd" and form["metadata[order_id]"] == o["id"]
        pi = stack.sql("SELECT payment_ref FROM orders WHERE " + DEMO_ORDER, int(o["id"]))[0][0]
        ev = json.dumps({"id": "evt_" + uuid.uuid4().hex, "type": "payment_intent.succeeded",
                         "data": {"object": {"id": pi, "object": "payment_intent"}}}).encode()
        # wrong signature, stale timestamp, no header: refused, nothing changes
        for hdr in ({"Stripe-Signature": sign("wrong", ev)},
                    {"Stripe-Signature": sign(whsec, ev, ts=int(time.time()) - 3600)},
                    {}):
            r = stack.request("POST", "/api/payments/webhook", body=ev,
                              headers=dict(hdr, **{"Content-Type": "application/json"}))
            assert r.status == 400 and r.json()["error"]["code"] == "bad_signature", r
        assert stack.sql("SELECT payment_status FROM orders WHERE " + DEMO_ORDER, int(o["id"]))[0][0] == "pending"
        hdr = {"Stripe-Signature": sign(whsec, ev), "Content-Type": "application/json"}
        r = stack.request("POST", "/api/payments/webhook", body=ev, headers=hdr)
        assert r.status == 200 and r.json()["applied"] is True, r
        assert stack.sql("SELECT payment_status FROM orders WHERE " + DEMO_ORDER, int(o["id"]))[0][0] == "paid"
        r = stack.request("POST", "/api/payments/webhook", body=ev, headers=hdr)      # replay
        assert r.status == 200 and r.json()["applied"] is False
        got = stack.get(API + "/orders/%s" % o["id"], token=stack.demo_token).json()
        assert got["paymentStatus"] == "paid" and got["paidAt"]
        # another store's host cannot apply it
        r = stack.request("POST", "/api/payments/webhook", host="acme.localhost", body=ev, headers=hdr)
        assert r.status == 400
    finally:
        stack.put(API + "/commerce/settings", {"paymentMethods": ["manual"]}, token=stack.demo_token)
        fake.close()


def test_payment_intent_failed_at_checkout_is_made_later(stack):
    """The gateway is down when the shopper checks out: the order stands
    (the stock is theirs; the reply says the payment is delayed), and the
    deliverer makes the intent, with backoff, once the gateway is back --
    exactly one, whatever the number of retries."""
    fake = FakeStripe()
    fake.fail_next = 100
    try:
        r = stack.put(API + "/commerce/settings", {
            "paymentMethods": ["manual", "stripe"],
            "stripe": {"apiBase": fake.url, "secretKey": fake.key, "publishableKey": "pk_test", "webhookSecret": "whsec_x"}},
            token=stack.demo_token)
        assert r.status == 200, r
        p = new_product(stack, stack.demo_token, "retry-lantern", price=1500, stock=3)
        s = Shopper(stack)
        s.add(p["id"], 1)
        r = s.checkout(paymentMethod="stripe")
        assert r.status == 201, r
        assert r.json()["payment"]["status"] == "delayed"
        oid = int(r.json()["order"]["id"])
        assert stack.sql("SELECT payment_ref FROM orders WHERE " + DEMO_ORDER, oid)[0][0] == ""
        iid = stack.sql("SELECT id FROM orders WHERE " + DEMO_ORDER, oid)[0][0]   # the outbox names internal ids
        row = "kind = 'intent' AND subject = '%d'" % iid
        # still down: a failed attempt pushes the intent back (backoff)
        stack.sql("UPDATE outbox SET next_at = 0 WHERE " + row)
        deliver(stack)
        wait_for(lambda: stack.sql("SELECT attempts > 0 AND next_at > strftime('%s','now') + 20 FROM outbox WHERE "
                                   + row)[0][0], what="a failed attempt with backoff")
        assert stack.sql("SELECT payment_ref FROM orders WHERE " + DEMO_ORDER, oid)[0][0] == ""
        fake.fail_next = 0
        stack.sql("UPDATE outbox SET next_at = 0 WHERE " + row)
        deliver(stack)
        ref = wait_for(lambda: stack.sql("SELECT payment_ref FROM orders WHERE " + DEMO_ORDER, oid)[0][0], what="the intent")
        assert ref.startswith("pi_")
        assert stack.sql("SELECT sent_at IS NOT NULL FROM outbox WHERE " + row)[0][0] == 1
        assert "payment intents made 0" in stack.cli("deliver").stdout   # done once
        assert len(fake.intents) == 1
        assert fake.intents[ref]["obj"]["metadata"]["order_id"] == str(oid)
    finally:
        stack.put(API + "/commerce/settings", {"paymentMethods": ["manual"]}, token=stack.demo_token)
        fake.close()


def test_store_given_urls_never_reach_private_addresses(stack):
    """A merchant's webhook URL pointing at loopback (or 10/8, 169.254/16...)
    is refused unless outbound_private is set (as the tests do for fakes).
    On a database of its own: the stack's deliverer allows private
    addresses and would send it."""
    hook = WebhookReceiver()
    own = Stack()
    try:
        own.cli("init")
        own.cli("tenant", "create", "priv", "--name", "Priv")
        tid = own.sql("SELECT id FROM tenants WHERE username = 'priv'")[0][0]
        own.sql("INSERT INTO outbox(tenant_id, kind, target, subject, body, next_at, created_at) "
                "VALUES(?, 'webhook', ?, 'order.created', '{}', 0, 0)", tid, hook.url + "/internal")
        out = deliver(own, STOREFRONT_OUTBOUND_PRIVATE="0")
        assert "retrying 1" in out, out
        assert hook.requests == []
        err = own.sql("SELECT last_error FROM outbox WHERE target = ?", hook.url + "/internal")[0][0]
        assert "not public" in err, err
        own.sql("UPDATE outbox SET next_at = 0 WHERE target = ?", hook.url + "/internal")
        deliver(own, STOREFRONT_OUTBOUND_PRIVATE="1")
        assert len(hook.requests) == 1
    finally:
        hook.close()
        own.cleanup()


def test_a_failing_destination_backs_off_all_its_messages_not_others():
    """Backoff per destination: one failed send to a host holds back that
    host's other pending messages too (no hammering a dead POS), while
    messages to other hosts go out in the same run. On a database of its
    own, with `storefront deliver` (cron) alone."""
    hook = WebhookReceiver()
    own = Stack(env={"STOREFRONT_OUTBOUND_PRIVATE": "1"})
    try:
        own.cli("init")
        own.cli("tenant", "create", "dest", "--name", "Dest")
        tid = own.sql("SELECT id FROM tenants WHERE username = 'dest'")[0][0]
        for target in ("http://127.0.0.1:9/a", "http://127.0.0.1:9/b", hook.url + "/live"):
            own.sql("INSERT INTO outbox(tenant_id, kind, target, subject, body, next_at, created_at) "
                    "VALUES(?, 'webhook', ?, 'order.created', '{}', 0, 0)", tid, target)
        out = deliver(own)
        assert "sent 1, retrying 1," in out, out
        assert len(hook.requests) == 1
        rows = dict((t, (a, w)) for t, a, w in own.sql(
            "SELECT target, attempts, next_at - strftime('%s','now') FROM outbox WHERE sent_at IS NULL"))
        tried = [t for t in rows if rows[t][0] == 1]
        held = [t for t in rows if rows[t][0] == 0]
        assert len(tried) == 1 and len(held) == 1, rows
        assert rows[held[0]][1] >= 25, rows          # held back with the host, untried
        assert "given up 0" in deliver(own) and len(hook.requests) == 1   # nothing due again yet
    finally:
        hook.close()
        own.cleanup()
