"""The media library over the real stack (doc/media.md): upload as
multipart and as a raw body, the type judged by the bytes, SVG sanitising,
pixel bombs, polyglots, size and quota limits, renditions served by the
web server, list/search/edit, delete with its 409, and other stores' ids."""
import json
import re
import struct

import pytest

from images import jpeg, jpeg_with_exif, multipart, noise_png, png, png_bomb, png_chunk, vips_image
from stack import wait_for

API = "/api/cms"


def err(r, status, code=None):
    assert r.status == status, r
    e = r.json()["error"]
    assert set(e) >= {"code", "message", "details", "timestamp", "requestId"}
    if code:
        assert e["code"] == code, e
    return e


def raw(stack, data, filename, token, host="demo.localhost", ctype="application/octet-stream", alt=None):
    q = "?filename=" + filename + ("&alt=" + alt if alt else "")
    return stack.request("POST", API + "/media" + q, body=data, token=token, host=host,
                         headers={"Content-Type": ctype})


def form(stack, fields, token, host="demo.localhost"):
    body, ct = multipart(fields)
    return stack.request("POST", API + "/media", body=body, token=token, host=host, headers={"Content-Type": ct})


def fetch(stack, url, host="demo.localhost"):
    r = stack.get(url, host=host)
    assert r.status == 200, (url, r.status)
    return r


def gone(stack, url):
    """The file is off the disk, and the web server (whose stat cache may
    hold it a second) stops serving it."""
    import os
    path = os.path.join(stack.env["STOREFRONT_MEDIA_DIR"], url[len("/media/lib/"):])
    assert not os.path.exists(path), path
    wait_for(lambda: stack.get(url).status == 404, "the web server to forget " + url, timeout=10)


def test_upload_raw_jpeg_makes_renditions_served_by_the_web_server(stack):
    tok = stack.demo_token
    data = jpeg(1200, 900)
    r = raw(stack, data, "sofa.jpg", tok, alt="A%20green%20sofa")
    assert r.status == 201, r
    m = r.json()
    assert m["type"] == "jpeg" and m["kind"] == "image" and m["mimeType"] == "image/jpeg"
    assert m["name"] == "sofa.jpg" and m["alt"] == "A green sofa"
    assert (m["width"], m["height"]) == (1200, 900)
    assert m["bytes"] == len(data)
    assert re.match(r"^/media/lib/\d+/[0-9a-f]{2}/[0-9a-f]{64}\.jpg$", m["url"]), m["url"]
    widths = [x["width"] for x in m["renditions"]]
    assert widths == [320, 640, 1024, 1200], widths     # the configured widths under its own, then itself
    for rd in m["renditions"]:
        assert rd["height"] == round(rd["width"] * 0.75)
        w = fetch(stack, rd["webp"])
        assert w.body[:4] == b"RIFF" and w.body[8:12] == b"WEBP"
        assert "immutable" in w.header("Cache-Control") and "max-age=31536000" in w.header("Cache-Control")
        assert w.header("Content-Type") == "image/webp"
        j = fetch(stack, rd["url"])
        assert j.body[:3] == b"\xff\xd8\xff"
    full = fetch(stack, m["url"])
    assert full.header("Content-Type") == "image/jpeg"
    # the upload itself is never kept: only what the helper wrote
    import os
    d = os.path.join(stack.env["STOREFRONT_MEDIA_DIR"], m["url"].split("/")[3], m["url"].split("/")[4])
    assert not [f for f in os.listdir(d) if f.startswith(".upload") or ".tmp-" in f], os.listdir(d)


def test_multipart_upload_with_alt_and_name(stack):
    r = form(stack, [("alt", None, None, b"Red swatch"), ("name", None, None, b"swatch.png"),
                     ("file", "IMG_0001.PNG", "image/png", png(40, 30))], stack.demo_token)
    assert r.status == 201, r
    m = r.json()
    assert (m["type"], m["name"], m["alt"], m["width"], m["height"]) == ("png", "swatch.png", "Red swatch", 40, 30)
    assert m["url"].endswith(".png")
    # narrower than every configured width: one rendition, the image itself
    assert [x["width"] for x in m["renditions"]] == [40]
    assert fetch(stack, m["renditions"][0]["webp"]).body[8:12] == b"WEBP"


@pytest.mark.parametrize("fmt,mime", [("webp", "image/webp"), ("gif", "image/gif"), ("avif", "image/avif")])
def test_every_accepted_raster_type(stack, fmt, mime):
    r = raw(stack, vips_image(fmt, 700, 350), "pic." + fmt, stack.demo_token)
    assert r.status == 201, r
    m = r.json()
    assert m["type"] == fmt and m["mimeType"] == mime and (m["width"], m["height"]) == (700, 350)
    assert [x["width"] for x in m["renditions"]] == [320, 640, 700]
    assert fetch(stack, m["url"]).header("Content-Type") == mime


def test_jpeg_named_png_is_judged_by_its_bytes(stack):
    r = raw(stack, jpeg(50, 40), "photo.png", stack.demo_token, ctype="image/png")
    assert r.status == 201, r
    m = r.json()
    assert m["type"] == "jpeg" and m["url"].endswith(".jpg") and m["name"] == "photo.png"


def test_metadata_stripped_and_orientation_applied(stack):
    data = jpeg_with_exif(80, 40, orientation=6)   # 80 wide, but "rotate 90" in EXIF, with GPS
    assert b"Exif" in data and b"N\x00" in data
    r = raw(stack, data, "phone.jpg", stack.demo_token)
    assert r.status == 201, r
    m = r.json()
    assert (m["width"], m["height"]) == (40, 80)      # turned upright
    for u in [m["url"]] + [x["url"] for x in m["renditions"]] + [x["webp"] for x in m["renditions"]]:
        body = fetch(stack, u).body
        assert b"Exif" not in body and b"GPS" not in body, u


@pytest.mark.parametrize("data,name", [
    (b"just some text\n", "notes.txt"),
    (b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n", "doc.pdf"),
    (b"<!doctype html><html><script>alert(1)</script></html>", "page.html"),
    (b"BM" + b"\x00" * 60, "old.bmp"),
    (b"II*\x00" + b"\x00" * 60, "scan.tif"),
    (b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 40, "clip.mp4"),
    (b'{"not": "an image"}', "data.json"),
])
def test_other_types_are_415(stack, data, name):
    before = stack.get(API + "/media?limit=1000", token=stack.demo_token).json()["total"]
    e = err(raw(stack, data, name, stack.demo_token, ctype="image/png"), 415, "unsupported_media_type")
    assert e["details"]["field"] == "file"
    assert stack.get(API + "/media?limit=1000", token=stack.demo_token).json()["total"] == before


def test_json_body_is_415(stack):
    r = stack.post(API + "/media?filename=a.png", {"url": "http://example.com/a.png"}, token=stack.demo_token)
    err(r, 415, "unsupported_media_type")


def test_raw_body_needs_a_filename(stack):
    r = stack.request("POST", API + "/media", body=png(), token=stack.demo_token,
                      headers={"Content-Type": "image/png"})
    e = err(r, 422, "validation_error")
    assert e["details"]["field"] == "filename"
    # Content-Disposition names it as well
    r = stack.request("POST", API + "/media", body=png(), token=stack.demo_token,
                      headers={"Content-Type": "image/png", "Content-Disposition": 'attachment; filename="cd.png"'})
    assert r.status == 201 and r.json()["name"] == "cd.png", r


def test_polyglots_are_refused(stack):
    tok = stack.demo_token
    # a JPEG with a PHP script after its end
    e = err(raw(stack, jpeg(30, 30) + b"<?php system($_GET['c']); ?>", "shell.jpg", tok), 415, "polyglot_file")
    assert "another format" in e["message"]
    # a GIF with a ZIP (a JAR) behind it: GIFAR
    gif = vips_image("gif", 20, 20)
    zipped = b"PK\x03\x04" + b"\x14\x00" + b"\x00" * 40 + b"PK\x05\x06" + b"\x00" * 18
    err(raw(stack, gif + zipped, "gifar.gif", tok), 415, "polyglot_file")
    # HTML inside a PNG text chunk
    evil = png(8, 8, chunks=png_chunk(b"tEXt", b"Comment\x00<html><script>alert(document.cookie)</script>"))
    err(raw(stack, evil, "xss.png", tok), 415, "polyglot_file")
    # the same text in a JPEG comment
    j = jpeg(20, 20)
    com = b"<script>alert(1)</script>"
    err(raw(stack, j[:2] + b"\xff\xfe" + struct.pack(">H", len(com) + 2) + com + j[2:], "c.jpg", tok), 415,
        "polyglot_file")


def test_pixel_bombs_are_refused_by_their_header(stack):
    bomb = png_bomb(100000, 100000)
    assert len(bomb) < 200000
    e = err(raw(stack, bomb, "bomb.png", stack.demo_token), 422, "too_many_pixels")
    assert e["details"]["width"] == 100000 and e["details"]["maxPixels"] > 0
    # a JPEG whose frame header says 65000 x 65000
    j = bytearray(jpeg(16, 16))
    i = 2
    while j[i + 1] not in (0xC0, 0xC1, 0xC2):
        i += 2 + struct.unpack(">H", bytes(j[i + 2:i + 4]))[0]
    j[i + 5:i + 9] = struct.pack(">HH", 65000, 65000)
    err(raw(stack, bytes(j), "bomb.jpg", stack.demo_token), 422, "too_many_pixels")


def test_corrupt_image_is_422_and_admin_survives(stack):
    j = jpeg(64, 64)
    cut = j[:len(j) // 2]       # a JPEG cut in half: the header reads, the pixels do not
    e = err(raw(stack, cut, "cut.jpg", stack.demo_token), 422, "unreadable_image")
    assert e["details"]["field"] == "file"
    assert stack.get(API + "/media", token=stack.demo_token).status == 200


SVG_EVIL = b"""<?xml version="1.0"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="120" height="80" onload="alert(1)">
  <script>alert(document.domain)</script>
  <style>@import url(https://evil.example/x.css); .a { fill: red }</style>
  <rect class="a" width="120" height="80" fill="url(#g)" onclick="steal()"/>
  <linearGradient id="g"><stop offset="0" stop-color="#fff"/></linearGradient>
  <image href="https://evil.example/track.png" width="1" height="1"/>
  <use xlink:href="https://evil.example/sprite.svg#icon"/>
  <a href="javascript:alert(1)"><text x="1" y="10">hi &amp; bye</text></a>
  <foreignObject><iframe xmlns="http://www.w3.org/1999/xhtml" src="https://evil.example"/></foreignObject>
  <circle cx="5" cy="5" r="4" style="fill: url(https://evil.example/f)"/>
</svg>"""


def test_svg_is_sanitised(stack):
    r = raw(stack, SVG_EVIL, "logo.svg", stack.demo_token)
    assert r.status == 201, r
    m = r.json()
    assert m["type"] == "svg" and m["kind"] == "svg" and (m["width"], m["height"]) == (120, 80)
    assert m["renditions"] == []
    removed = " ".join(m["sanitized"])
    for what in ("script", "onload", "onclick", "foreignObject", "evil.example", "@import"):
        assert what in removed, (what, removed)
    s = fetch(stack, m["url"])
    assert s.header("Content-Type") == "image/svg+xml"
    assert "sandbox" in s.header("Content-Security-Policy")
    body = s.text
    for bad in ("<script", "onload", "onclick", "evil.example", "javascript:", "foreignObject", "iframe", "@import"):
        assert bad not in body, (bad, body)
    # what is harmless stays
    assert 'fill="url(#g)"' in body and "<linearGradient" in body and "hi &amp; bye" in body
    assert body.startswith("<svg")


@pytest.mark.parametrize("svg,why", [
    (b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg xmlns="http://www.w3.org/2000/svg">&x;</svg>',
     "DOCTYPE"),
    (b'<svg xmlns="http://www.w3.org/2000/svg"><g></svg>', "well-formed"),
    (b'<svg xmlns="http://www.w3.org/2000/svg"><text>&nbsp;</text></svg>', "entity"),
])
def test_svg_that_cannot_be_made_safe_is_refused(stack, svg, why):
    e = err(raw(stack, svg, "bad.svg", stack.demo_token), 415, "unsafe_svg")
    assert why in e["message"], e


def test_size_limit_and_quota(stack):
    tok = stack.acme_token
    host = "acme.localhost"
    # one byte over the per-file limit (20 MiB by default): refused unread
    big = b"\xff\xd8\xff" + b"\x00" * (20 * 1024 * 1024 - 2)
    e = err(raw(stack, big, "huge.jpg", tok, host=host), 413, "payload_too_large")
    assert e["details"]["limit"] == 20 * 1024 * 1024 and e["details"]["field"] == "file"
    # the store's quota in bytes (per-store override, as the platform API sets it)
    stack.sql("UPDATE tenants SET limits_json = json_set(limits_json, '$.mediaBytes', 3000) WHERE username = 'acme'")
    try:
        used = stack.get(API + "/media", token=tok, host=host).json()["usedBytes"]
        first = png(60, 60)
        assert used + len(first) <= 3000
        assert raw(stack, first, "a.png", tok, host=host).status == 201
        big2 = noise_png(40, 40)
        assert len(big2) > 3000
        e = err(raw(stack, big2, "b.png", tok, host=host), 422, "limit_reached")
        assert e["details"]["limit"] == "mediaBytes" and e["details"]["max"] == 3000
        lst = stack.get(API + "/media", token=tok, host=host).json()
        assert lst["quotaBytes"] == 3000 and lst["usedBytes"] == used + len(first)
    finally:
        stack.sql("UPDATE tenants SET limits_json = json_remove(limits_json, '$.mediaBytes') WHERE username = 'acme'")


def test_list_page_filter_search_get_and_edit(stack):
    tok = stack.demo_token
    ids = []
    for i in range(3):
        r = raw(stack, png(10 + i, 10), "listing-%d.png" % i, tok, alt="zebra%d" % i)
        assert r.status == 201
        ids.append(r.json()["id"])
    r = raw(stack, b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 5"><path d="M0 0h10v5z"/></svg>',
            "listing-icon.svg", tok)
    assert r.status == 201
    svg_id = r.json()["id"]
    assert (r.json()["width"], r.json()["height"]) == (10, 5)
    lst = stack.get(API + "/media?q=listing-&limit=2", token=tok).json()
    assert lst["total"] == 4 and [m["id"] for m in lst["media"]] == [svg_id, ids[2]]
    lst = stack.get(API + "/media?q=listing-&limit=2&offset=2", token=tok).json()
    assert [m["id"] for m in lst["media"]] == [ids[1], ids[0]]
    lst = stack.get(API + "/media?q=listing-&kind=svg", token=tok).json()
    assert [m["id"] for m in lst["media"]] == [svg_id]
    lst = stack.get(API + "/media?q=zebra1", token=tok).json()      # alt text too
    assert [m["id"] for m in lst["media"]] == [ids[1]]
    lst = stack.get(API + "/media?q=%25", token=tok).json()         # LIKE's own characters are literal
    assert lst["total"] == 0
    err(stack.get(API + "/media?kind=video", token=tok), 422, "validation_error")
    err(stack.get(API + "/media?limit=0", token=tok), 422, "validation_error")
    # get and edit
    g = stack.get(API + "/media/" + ids[0], token=tok)
    assert g.status == 200 and g.json()["usedBy"] == []
    p = stack.put(API + "/media/" + ids[0], {"alt": "A striped zebra", "name": "zebra.png"}, token=tok)
    assert p.status == 200 and p.json()["alt"] == "A striped zebra" and p.json()["name"] == "zebra.png"
    # a GET result can be sent back (read-only fields are ignored)
    back = dict(p.json(), alt="Back again")
    back.pop("usedBy", None)
    assert stack.put(API + "/media/" + ids[0], back, token=tok).json()["alt"] == "Back again"
    e = err(stack.put(API + "/media/" + ids[0], {"alt": 5}, token=tok), 422, "validation_error")
    assert e["details"]["field"] == "alt"
    e = err(stack.put(API + "/media/" + ids[0], {"url": "/etc/passwd", "colour": 1}, token=tok), 422, "unknown_field")
    assert e["details"]["unknownFields"] == ["colour"]
    e = err(stack.put(API + "/media/" + ids[0], {"name": "a\u0001b"}, token=tok), 422, "validation_error")
    assert e["details"]["field"] == "name"
    err(stack.get(API + "/media/999999999", token=tok), 404, "not_found")


def test_another_stores_media_is_404(stack):
    r = raw(stack, png(9, 9), "acme-secret.png", stack.acme_token, host="acme.localhost")
    assert r.status == 201
    aid = r.json()["id"]
    tok = stack.demo_token
    err(stack.get(API + "/media/" + aid, token=tok), 404, "not_found")
    err(stack.put(API + "/media/" + aid, {"alt": "pwned"}, token=tok), 404, "not_found")
    err(stack.delete(API + "/media/" + aid + "?force=1", token=tok), 404, "not_found")
    assert "acme-secret" not in stack.get(API + "/media?limit=1000", token=tok).text
    g = stack.get(API + "/media/" + aid, token=stack.acme_token, host="acme.localhost")
    assert g.status == 200 and g.json()["alt"] == ""


def test_delete_in_use_is_409_naming_the_users_unless_forced(stack):
    tok = stack.demo_token
    m = raw(stack, jpeg(500, 400), "used.jpg", tok).json()
    r = stack.post(API + "/products", {"name": "Media chair", "slug": "media-chair", "price": 1000,
                                       "images": [{"mediaId": m["id"], "alt": "The chair"}]}, token=tok)
    assert r.status == 201, r
    prod = r.json()
    assert prod["images"][0]["url"] == m["url"] and prod["images"][0]["mediaId"] == m["id"]
    assert [x["width"] for x in prod["images"][0]["renditions"]] == [320, 500]
    r = stack.post(API + "/posts", {"title": "Media post", "slug": "media-post", "featuredImage": m["url"]}, token=tok)
    assert r.status == 201
    g = stack.get(API + "/media/" + m["id"], token=tok).json()
    kinds = {(u["kind"], u["name"]) for u in g["usedBy"]}
    assert ("product", "Media chair") in kinds and ("post", "Media post") in kinds
    e = err(stack.delete(API + "/media/" + m["id"], token=tok), 409, "in_use")
    assert "Media chair" in e["message"] and "Media post" in e["message"] and "force=1" in e["message"]
    assert fetch(stack, m["url"]).status == 200
    ok = stack.delete(API + "/media/" + m["id"] + "?force=1", token=tok)
    assert ok.status == 200 and ok.json()["deleted"] is True
    assert stack.get(API + "/media/" + m["id"], token=tok).status == 404
    gone(stack, m["url"])                                          # the files are gone
    gone(stack, m["renditions"][0]["webp"])
    assert stack.get(API + "/products/" + prod["id"], token=tok).json()["images"] == []
    post = [p for p in stack.get(API + "/posts", token=tok).json()["posts"] if p["slug"] == "media-post"][0]
    assert post.get("featuredImage", "") == ""


def test_same_bytes_twice_share_files_until_the_last_goes(stack):
    tok = stack.demo_token
    data = png(33, 11, rgb=(1, 2, 3))
    a = raw(stack, data, "a.png", tok).json()
    b = raw(stack, data, "b.png", tok).json()
    assert a["id"] != b["id"] and a["url"] == b["url"]
    assert stack.delete(API + "/media/" + a["id"], token=tok).status == 200
    assert fetch(stack, b["url"]).status == 200
    assert stack.delete(API + "/media/" + b["id"], token=tok).status == 200
    gone(stack, b["url"])


def test_product_images_by_library_url_carry_renditions(stack):
    tok = stack.demo_token
    m = raw(stack, jpeg(700, 700), "byurl.jpg", tok).json()
    r = stack.post(API + "/products", {"name": "By url", "slug": "by-url", "price": 5, "images": [m["url"]]}, token=tok)
    assert r.status == 201, r
    im = r.json()["images"][0]
    assert im["mediaId"] == m["id"] and im["width"] == 700 and len(im["renditions"]) == 3
    err(stack.post(API + "/products", {"name": "Bad", "slug": "bad-media", "price": 5,
                                       "images": [{"mediaId": "999999999"}]}, token=tok), 422)
    # the store's JSON API gives shoppers' pages the same data
    p = stack.get("/api/products/by-url").json()
    p = p.get("product", p)
    assert p["images"][0]["renditions"][0]["webp"].endswith("-320.webp")


# ---- remote images into the library: storefront media fetch, the deliverer ----

@pytest.fixture
def web():
    from fakes import FakeWeb
    w = FakeWeb()
    yield w
    w.stop()


def sync_product(stack, pos_id, images, image=None):
    item = {"posId": pos_id, "name": "Remote " + pos_id, "price": 100, "images": images}
    if image:
        item["image"] = image
    r = stack.post(API + "/sync/products", {"products": [item]}, token=stack.demo_token)
    assert r.status == 200, r
    return next(p for p in stack.get(API + "/products?limit=1000", token=stack.demo_token).json()["products"]
                if p["name"] == "Remote " + pos_id)


def test_media_fetch_downloads_remote_images_into_the_library(stack, web):
    base = "http://127.0.0.1:%d" % web.port
    web.files[("127.0.0.1", "/cdn/chair.jpg")] = (200, jpeg(900, 600))
    web.files[("127.0.0.1", "/cdn/chair-side.png?v=2")] = (200, png(50, 50))
    web.files[("127.0.0.1", "/cdn/page.html")] = (200, b"<html>not an image</html>")
    p = sync_product(stack, "fetch-1", [base + "/cdn/chair.jpg", {"url": base + "/cdn/chair-side.png?v=2", "alt": "Side"},
                                         base + "/cdn/gone.jpg", base + "/cdn/page.html"],
                     image=base + "/cdn/chair.jpg")
    assert [i["url"] for i in p["images"]][0] == base + "/cdn/chair.jpg"
    out = stack.cli("media", "fetch", "demo", check=False)
    assert out.returncode == 3, out          # two URLs failed, named on stderr
    # (other tests' products may name unreachable hosts too: at least our two fail)
    assert "2 downloaded" in out.stdout and int(re.search(r"(\d+) failed", out.stdout).group(1)) >= 2, out.stdout
    assert base + "/cdn/gone.jpg" in out.stderr and "HTTP 404" in out.stderr
    assert "not a PNG, JPEG" in out.stderr
    p = stack.get(API + "/products/" + p["id"], token=stack.demo_token).json()
    local = [i for i in p["images"] if i["url"].startswith("/media/lib/")]
    assert len(local) == 2 and all(i.get("mediaId") for i in local)
    assert local[1]["alt"] == "Side"
    assert [r["width"] for r in local[0]["renditions"]] == [320, 640, 900]
    assert p["image"] == local[0]["url"]                                  # the featured image too
    assert fetch(stack, local[0]["renditions"][0]["webp"]).body[8:12] == b"WEBP"
    m = stack.get(API + "/media/" + local[0]["mediaId"], token=stack.demo_token).json()
    assert m["sourceUrl"] == base + "/cdn/chair.jpg" and m["name"] == "chair.jpg"
    assert ("product", "Remote fetch-1") in {(u["kind"], u["name"]) for u in m["usedBy"]}
    # a second product naming the same remote image reuses the item
    q = sync_product(stack, "fetch-2", [base + "/cdn/chair.jpg"])
    out = stack.cli("media", "fetch", "demo", check=False)
    assert "0 downloaded, 1 already in the library" in out.stdout, out.stdout
    q = stack.get(API + "/products/" + q["id"], token=stack.demo_token).json()
    assert q["images"][0]["mediaId"] == local[0]["mediaId"]


def test_media_fetch_keeps_to_public_addresses(stack, web):
    import subprocess
    from stack import CLI
    url = "http://127.0.0.1:%d/cdn/private.jpg" % web.port
    web.files[("127.0.0.1", "/cdn/private.jpg")] = (200, jpeg(40, 40))
    p = sync_product(stack, "fetch-ssrf", [url])
    env = dict(stack.env, STOREFRONT_OUTBOUND_PRIVATE="0")
    out = subprocess.run([CLI, "--db", stack.db, "media", "fetch", "demo"], env=env, capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 3 and "not public" in out.stderr, out
    p = stack.get(API + "/products/" + p["id"], token=stack.demo_token).json()
    assert p["images"][0]["url"] == url                                   # untouched
    stack.cli("media", "fetch", "demo", check=False)                      # (tidy: the loopback fake is allowed here)


def test_the_deliverer_fetches_after_a_sync(stack, web):
    url = "http://127.0.0.1:%d/cdn/queued.png" % web.port
    web.files[("127.0.0.1", "/cdn/queued.png")] = (200, png(70, 20))
    p = sync_product(stack, "fetch-bg", [url])
    tid = stack.sql("SELECT id FROM tenants WHERE username = 'demo'")[0][0]
    assert stack.sql("SELECT count(*) FROM media_fetch_queue WHERE tenant_id = ?", tid)[0][0] == 1
    out = stack.cli("deliver")                    # one round of the deliverer, as cron would run it
    assert "media: fetched 1" in out.stdout, out.stdout
    p = stack.get(API + "/products/" + p["id"], token=stack.demo_token).json()
    assert p["images"][0]["url"].startswith("/media/lib/") and p["images"][0]["width"] == 70
    # done: out of the queue; or, while other URLs of the store fail (earlier tests'), backed off
    left = stack.sql("SELECT next_at - strftime('%s','now') FROM media_fetch_queue WHERE tenant_id = ?", tid)
    assert left == [] or left[0][0] >= 30, left


def test_deleting_a_store_removes_its_media_files(stack):
    import os
    tok = stack.tenant("mediagone", "Media Gone")
    r = raw(stack, jpeg(400, 300), "bye.jpg", tok, host="mediagone.localhost")
    assert r.status == 201, r
    tid = stack.sql("SELECT id FROM tenants WHERE username = 'mediagone'")[0][0]
    d = os.path.join(stack.env["STOREFRONT_MEDIA_DIR"], str(tid))
    assert os.path.isdir(d)
    stack.cli("tenant", "delete", "mediagone", "--yes")
    assert not os.path.exists(d)
    assert stack.sql("SELECT count(*) FROM media WHERE tenant_id = ?", tid)[0][0] == 0
    gone(stack, r.json()["url"])


def test_a_helper_that_crashes_hangs_or_runs_out_of_memory_leaves_admin_standing(tmp_path):
    """The decoder runs in its own process: here a stand-in helper that
    dies of SIGSEGV, hangs past media_helper_ms, or hits media_helper_mem.
    Each upload is refused cleanly, nothing is stored, admin.cgi answers on."""
    from stack import Stack
    from access_util import finish
    helper = tmp_path / "helper.sh"
    mode = tmp_path / "mode"
    helper.write_text('#!/bin/sh\ncase $(cat "%s") in\n'
                      'crash) kill -SEGV $$ ;;\n'
                      'hang) sleep 60 ;;\n'
                      'mem) exec /usr/bin/python3 -c "b = bytearray(1 << 30)" ;;\n'
                      'esac\nexit 1\n' % mode)
    helper.chmod(0o755)
    s = Stack(workers=1, env={"STOREFRONT_MEDIA_HELPER": str(helper), "STOREFRONT_MEDIA_HELPER_MS": "1500",
                              "STOREFRONT_MEDIA_HELPER_MEM": str(256 << 20)})
    try:
        s.start()
        tok = s.tenant("crashy", "Crashy")
        for m, status, code in (("crash", 422, "unreadable_image"), ("hang", 500, "storage_error"),
                                ("mem", 500, "storage_error")):
            mode.write_text(m)
            import time
            t0 = time.monotonic()
            r = s.request("POST", API + "/media?filename=x.jpg", body=jpeg(64, 64), token=tok, host="crashy.localhost",
                          headers={"Content-Type": "image/jpeg"})
            err(r, status, code)
            if m == "hang":
                assert time.monotonic() - t0 < 15, "the helper was not stopped at media_helper_ms"
            lst = s.get(API + "/media", token=tok, host="crashy.localhost")
            assert lst.status == 200 and lst.json()["total"] == 0, (m, lst)
        # nothing of the helper is left running
        import subprocess
        ps = subprocess.run(["pgrep", "-f", str(helper)], capture_output=True, text=True)
        assert ps.stdout.strip() == "", ps.stdout
    finally:
        finish(s)


def test_product_page_gallery_and_vibe_helper_use_the_renditions(stack):
    import html as htmlmod
    tok = stack.demo_token
    a = raw(stack, jpeg(1400, 1000), "g1.jpg", tok, alt="Front").json()
    b = raw(stack, png(300, 300), "g2.png", tok, alt="Back").json()
    r = stack.post(API + "/products", {"name": "Gallery lamp", "slug": "gallery-lamp", "price": 900,
                                       "images": [{"mediaId": a["id"]}, {"mediaId": b["id"], "alt": "The back"},
                                                  "https://cdn.example/far.jpg"]}, token=tok)
    assert r.status == 201, r
    page = stack.get("/products/gallery-lamp").text
    imgs = re.findall(r'<img class="product-detail__image"[^>]*>', page)
    assert len(imgs) == 3, imgs
    assert 'srcset="%s 320w' % a["renditions"][0]["webp"] in imgs[0] and 'width="1400" height="1000"' in imgs[0]
    assert 'alt="Front"' in imgs[0] and 'loading="eager"' in imgs[0]
    assert 'alt="The back"' in imgs[1] and 'loading="lazy"' in imgs[1]
    assert 'src="https://cdn.example/far.jpg"' in imgs[2] and "srcset" not in imgs[2]
    assert page.count('href="#product-image-') == 3                      # the thumbnails
    # a block's helpers.image finds a library URL named in its config
    from test_admin import new_page
    code = ("function renderPic(config, helpers) {\n"
            "  return helpers.image(config.pic, {width: 500, className: 'pic'});\n}\n")
    pid, [bid] = new_page(stack, tok, "media-pic", [code])
    assert stack.put(API + "/blocks/" + bid, {"version": 1, "config": {"pic": a["url"]}}, token=tok).status == 200
    assert stack.post(API + "/pages/%s/publish" % pid, {}, token=tok).status == 200
    got = htmlmod.unescape(stack.get("/media-pic").text)
    m = re.search(r'<img [^>]*class="pic"[^>]*>', got)
    assert m, got[-2000:]
    tag = m.group(0)
    assert "srcset=\"%s 320w, " % a["renditions"][0]["webp"] in tag and 'width="500" height="357"' in tag, tag
    assert 'src="%s"' % a["renditions"][1]["url"] in tag            # the 640 JPEG: the narrowest >= 500
