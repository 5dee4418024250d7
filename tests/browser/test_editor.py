"""The merchant's web editor (htdocs/admin/, issue 14) in chromium over the
real stack: editor.mjs signs in on the admin host, edits, previews, saves,
publishes and rolls back; the database must agree with what it saw."""
import os
import re
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))
from stack import Stack  # noqa: E402
from test_browser import run_script  # noqa: E402


@pytest.fixture(scope="module")
def editor_stack():
    s = Stack(workers=2, env={"STOREFRONT_VIBE_CPU_MS": "2000"})
    try:
        s.start()
        s.cli("demo")
        yield s
    finally:
        s.cleanup()


def test_editor_in_chromium(editor_stack):
    s = editor_stack
    run_script(s, "editor.mjs")
    # the page went through publish and rollback: the live version is a
    # rollback, and the draft of the hero keeps the browser's code
    (rollback_of,) = s.sql("SELECT v.rollback_of FROM pages p JOIN page_versions v ON v.page_id = p.id "
                           "AND v.version = p.live_version WHERE p.slug = 'home'")[0]
    assert rollback_of is not None
    code = s.sql("SELECT b.vibe_code FROM draft_blocks b JOIN pages p ON p.id = b.page_id "
                 "WHERE p.slug = 'home' AND b.type = 'hero'")
    assert code


def test_blog_posts_in_chromium(editor_stack):
    s = editor_stack
    run_script(s, "posts.mjs")
    rows = s.sql("SELECT status, content FROM posts WHERE slug = 'trail-notes-from-the-editor'")
    assert rows and rows[0][0] == "published" and "Packing list" in rows[0][1], rows


def test_theme_editor_in_chromium(editor_stack):
    s = editor_stack
    run_script(s, "theme_editor.mjs")
    (live,) = s.sql("SELECT json_extract(theme_json, '$.accentColor') FROM tenants WHERE username = 'demo'")[0]
    assert live == "#8a2c0e", live


def test_editing_together_in_chromium(editor_stack):
    s = editor_stack
    s.cli("user", "add", "demo", "second@demo.localhost", "--role", "editor", input="second-password-1\n")
    run_script(s, "together.mjs")
    # the text block's draft holds both merchants' changes, and its history
    # has B's save and A's merge as versions
    (code,) = s.sql("SELECT b.vibe_code FROM draft_blocks b JOIN pages p ON p.id = b.page_id "
                    "WHERE p.slug = 'home' AND b.type = 'text'")[0]
    assert "A was here" in code and "B was here" in code, code
    who = [e for (e,) in s.sql("SELECT u.email FROM block_history h JOIN draft_blocks b ON b.id = h.block_id "
                                "JOIN users u ON u.id = h.modified_by WHERE b.type = 'text' ORDER BY h.version DESC LIMIT 2")]
    assert who == ["owner@demo.localhost", "second@demo.localhost"], who


def test_editor_files_only_on_the_admin_host(editor_stack):
    s = editor_stack
    r = s.get("/admin/index.html", host="demo.localhost")
    assert r.status == 403, r
    r = s.get("/", host="admin.localhost")
    assert r.status == 200 and "editor.js" in r.text, r
    assert "script-src 'self'" in (r.header("Content-Security-Policy") or "")


def test_vibe_reference_is_the_engines(editor_stack):
    s = editor_stack
    tok = s.token("demo", "owner@demo.localhost")
    ref = s.get("/api/cms/vibe/reference", token=tok).json()
    names = {i["name"] for i in ref["inputs"]}
    assert {"storefront", "products", "helpers", "api"} <= names
    # the fields it documents are the fields a block really gets
    home = next(p for p in s.get("/api/cms/pages", token=tok).json()["pages"] if p["slug"] == "home")
    for inp in ("products", "storefront", "collections", "posts"):
        doc = {f["name"] for f in next(i for i in ref["inputs"] if i["name"] == inp)["fields"]
               if "only in api.getProducts()" not in f["doc"]}
        pick = "%s[0] || {}" % inp if inp != "storefront" else inp
        code = "function render(%s) { return '[[' + Object.keys(%s).sort().join(',') + ']]'; }" % (inp, pick)
        blocks = s.get("/api/cms/pages/%s/blocks" % home["id"], token=tok).json()["blocks"]
        r = s.post("/api/cms/pages/%s/preview/edits" % home["id"],
                   {"blocks": [{"id": blocks[0]["id"], "vibeCode": code, "config": {"limit": 1}}]}, token=tok)
        assert r.status == 201, r
        r = s.get(r.json()["url"], token=tok)
        assert r.status == 200, r
        got = set(filter(None, re.search(r"\[\[(.*?)\]\]", r.text).group(1).split(",")))
        assert got == doc, (inp, got ^ doc)


@pytest.fixture(scope="module")
def model_stack():
    """A stack with a model endpoint: the tests' local fake of an
    OpenAI-compatible API (nothing reaches the network)."""
    from fakes import FakeOpenAI
    fake = FakeOpenAI()
    s = Stack(workers=2, env={"STOREFRONT_VIBE_CPU_MS": "2000", "STOREFRONT_AI_BASE_URL": fake.base,
                              "STOREFRONT_AI_TIMEOUT_MS": "5000", "STOREFRONT_OUTBOUND_PRIVATE": "1"})
    try:
        s.start()
        s.cli("demo")
        yield s, fake
    finally:
        s.cleanup()
        fake.stop()


def test_media_and_block_writer_in_chromium(model_stack, tmp_path):
    s, fake = model_stack
    import struct
    import zlib
    # a real 64x48 PNG, made here
    raw = b"".join(b"\x00" + bytes([20, 60, 160]) * 64 for _ in range(48))
    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 64, 48, 8, 2, 0, 0, 0)) + \
        chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")
    img = tmp_path / "tent.png"
    img.write_bytes(png)
    fake.answers = ["```js\nfunction renderHero(storefront, helpers) {\n"
                    "  return `<section class=\"hero\"><h2>${helpers.escapeHtml(storefront.name)}: winter sale</h2></section>`;\n}\n```"]
    run_script(s, "editor_more.mjs", SF_IMAGE=str(img))
    (alt,) = s.sql("SELECT alt FROM media")[0]
    assert alt == "A blue tent at dusk"
    system = fake.requests[-1]["body"]["messages"][0]["content"]
    assert "getWishlist" in system and "helpers.image" not in system and "image(urlOrImage" in system  # the vibe reference
