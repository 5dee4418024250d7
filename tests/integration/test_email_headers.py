"""Order emails carry the store's name as a From display name and in the
subject: a name made to look like another address stays one display name
(quoted), non-ASCII is RFC 2047-encoded, and both survive a real parser.
Mail goes through the same SMTP sink as test_delivery.py."""
import re
import email
import email.policy
import subprocess
import uuid

from commerce_fakes import SMTPSink
from shop import Shopper, new_product
from stack import CLI

FROM = "store@localhost"       # the workers' smtp_from (the default), written at checkout


def deliver(stack, smtp_url):
    env = dict(stack.env, STOREFRONT_SMTP_URL=smtp_url)
    p = subprocess.run([CLI, "--db", stack.db, "deliver"], env=env, capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr


def order_mail(stack, username, store_name):
    """Make a store called store_name, order from it, deliver, and return
    the shopper's confirmation as sent over SMTP."""
    stack.tenant(username, store_name)
    tok = stack.token(username, "owner@%s.test" % username)
    host = username + ".localhost"
    p = new_product(stack, tok, "hdr-mug", price=1200, stock=5, host=host)
    s = Shopper(stack, host=host)
    assert s.add(p["id"]).status == 200
    buyer = "buyer-%s@example.com" % uuid.uuid4().hex[:8]
    r = s.checkout(email=buyer)
    assert r.status == 201, r
    sink = SMTPSink()
    try:
        deliver(stack, sink.url)
        mine = [m for m in sink.messages if m["to"] == [buyer]]
    finally:
        sink.close()
    assert len(mine) == 1, sink.messages
    return r.json()["order"], mine[0]["data"]


def test_spoofing_store_name_stays_one_display_name(stack):
    name = 'PayPal <service@paypal.com>, X'
    order, raw = order_mail(stack, "hdrspoof", name)
    msg = email.message_from_string(raw, policy=email.policy.default)
    raw_from = msg.get_all("From")
    assert len(raw_from) == 1
    addrs = msg["From"].addresses
    assert len(addrs) == 1, addrs
    assert addrs[0].addr_spec == FROM
    assert addrs[0].display_name == name
    assert msg["Subject"] == "Order #%d confirmed - %s" % (order["number"], name)


def test_non_ascii_store_name_is_encoded_and_decodes_back(stack):
    name = 'Café Müller – Bäckerei "Zum Brot"'
    order, raw = order_mail(stack, "hdrutf", name)
    msg = email.message_from_string(raw, policy=email.policy.default)
    head = raw.split("\r\n\r\n", 1)[0]
    # the raw header lines are 7-bit: encoded words, never raw UTF-8
    assert all(ord(c) < 128 for c in head), head
    assert "=?UTF-8?B?" in head
    addrs = msg["From"].addresses
    assert len(addrs) == 1 and addrs[0].addr_spec == FROM and addrs[0].display_name == name, addrs
    assert str(msg["Subject"]) == "Order #%d confirmed - %s" % (order["number"], name)


def test_store_name_with_line_breaks_adds_no_header(stack):
    name = "Evil\r\nBcc: victim@example.com"
    stack.cli("tenant", "create", "hdrcrlf", "--name", "placeholder")
    stack.sql("UPDATE tenants SET name = ? WHERE username = 'hdrcrlf'", name)   # past any input check
    stack.cli("user", "add", "hdrcrlf", "owner@hdrcrlf.test", "--role", "owner", input="correct-horse-battery\n")
    tok = stack.token("hdrcrlf", "owner@hdrcrlf.test")
    p = new_product(stack, tok, "hdr-mug", price=1200, stock=5, host="hdrcrlf.localhost")
    s = Shopper(stack, host="hdrcrlf.localhost")
    assert s.add(p["id"]).status == 200
    assert s.checkout(email="crlf@example.com").status == 201
    sink = SMTPSink()
    try:
        deliver(stack, sink.url)
        mine = [m for m in sink.messages if m["to"] == ["crlf@example.com"]]
    finally:
        sink.close()
    assert len(mine) == 1
    msg = email.message_from_string(mine[0]["data"], policy=email.policy.default)
    assert msg["Bcc"] is None
    assert len(msg["From"].addresses) == 1


def test_order_email_text(stack):
    """The confirmation's text comes from templates/email/: greeting, one
    line per item, the totals in a column, shipping, payment and the link
    to the order, every line ending in CRLF (as before the text moved out
    of the C code)."""
    order, raw = order_mail(stack, "mailtext", "Text Shop")
    # multipart/alternative: the plain-text part, up to its closing boundary
    boundary = re.search(r'boundary="([^"]+)"', raw).group(1)
    part = raw.split("--" + boundary + "\r\n")[1]
    assert part.startswith("Content-Type: text/plain; charset=utf-8\r\n"), part[:80]
    body = part.split("\r\n\r\n", 1)[1]
    assert body.endswith("\r\n\r\n")
    body = body[:-2]           # the CRLF before the next boundary belongs to it (RFC 2046)
    assert "\n" not in body.replace("\r\n", ""), repr(body)     # no bare LF
    lines = body.split("\r\n")
    it = order["items"][0]
    assert lines[:7] == [
        "Hello Sam Shopper,", "",
        "Thank you for your order #%d at Text Shop." % order["number"], "",
        "  1 x Hdr Mug  %s" % it["lineTotalFormatted"], "",
        "  Subtotal   %s" % order["subtotalFormatted"],
    ], lines
    assert lines[7:11] == ["  Discount   %s" % order["discountFormatted"], "  Shipping   %s" % order["shippingFormatted"],
                           "  Tax        %s" % order["taxFormatted"], "  Total      %s" % order["totalFormatted"]], lines
    assert lines[11:14] == ["", "Shipping: Standard shipping", "Payment: pay on pickup or delivery"], lines
    assert lines[14] == "" and lines[15].startswith("Your order: http") and lines[15].endswith(order["url"]), lines
    assert "mailtext" in lines[15] and lines[16:] == [""], lines
