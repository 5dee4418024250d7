"""The web editor (issue 14) in Debian's firefox-esr, driven over WebDriver
BiDi by puppeteer-core (browsers.mjs), and the same flows in chromium
(playwright-core) through the same adapter: editor_flow.mjs (desktop and
phone widths), session_flow.mjs (the session cookie and CSRF),
together_flow.mjs (two merchants, the conflict view) and
content_flow.mjs (a blog post, the theme, the media library, the block
writer).
Each script runs in a process group of its own, stopped by its id if it
hangs (TERM first: the driver then stops its browser, which runs in a
group of its own), so no browser outlives the test."""
import os
import signal
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))
from stack import Stack  # noqa: E402

ARTIFACTS = os.path.join(HERE, "..", "artifacts")
FIREFOX = os.environ.get("SF_FIREFOX", "/usr/bin/firefox-esr")


def run_flow(stack, script, browser, tmp_path, **extra):
    if browser == "firefox" and not os.access(FIREFOX, os.X_OK):
        pytest.fail("firefox-esr is missing: make deps-test-long (sh scripts/deps.sh test-long)")
    env = dict(os.environ, SF_PORT=str(stack.port), SF_ARTIFACTS=ARTIFACTS, SF_BROWSER=browser,
               SF_TMP=str(tmp_path), SF_FIREFOX=FIREFOX, **extra)
    p = subprocess.Popen(["node", os.path.join(HERE, script)], cwd=HERE, env=env, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        out, err = p.communicate(timeout=240)
    except subprocess.TimeoutExpired:
        # TERM: node's driver closes its browser (a process group of its
        # own) and removes the profile; KILL if that hangs too
        os.killpg(p.pid, signal.SIGTERM)
        try:
            out, err = p.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            out, err = p.communicate()
        pytest.fail("%s in %s did not finish:\n%s%s" % (script, browser, out, err))
    print(out)
    assert p.returncode == 0, out + err
    # the throwaway profile went with the browser
    assert not [d for d in os.listdir(tmp_path) if d.startswith("firefox-profile-")], os.listdir(tmp_path)
    return out


@pytest.fixture(scope="module", params=["firefox", "chromium"])
def browser(request):
    """Each browser on a fresh demo store of its own (the flows count
    versions), its tests one after another."""
    return request.param


@pytest.fixture(scope="module")
def editor_stack(browser):
    s = Stack(workers=2, env={"STOREFRONT_VIBE_CPU_MS": "2000"})
    try:
        s.start()
        s.cli("demo")
        s.cli("user", "add", "demo", "second@demo.localhost", "--role", "editor", input="second-password-1\n")
        yield s
    finally:
        s.cleanup()


def text_draft(s):
    (code,) = s.sql("SELECT b.vibe_code FROM draft_blocks b JOIN pages p ON p.id = b.page_id "
                    "WHERE p.slug = 'home' AND b.type = 'text'")[0]
    return code


def test_editor_main_flow(editor_stack, browser, tmp_path):
    s = editor_stack
    home_blocks = ("SELECT b.type FROM draft_blocks b JOIN pages p ON p.id = b.page_id "
                   "WHERE p.slug = 'home' ORDER BY b.position, b.id")
    before = s.sql(home_blocks)
    out = run_flow(s, "editor_flow.mjs", browser, tmp_path)
    # the blocks added and copied were deleted again: the list is as it was
    assert s.sql(home_blocks) == before
    assert ("# " + browser) in out   # the browser that really ran
    # the hero went through publish and rollback: the live version is a
    # rollback; the phone-width save is the text block's draft
    (rollback_of,) = s.sql("SELECT v.rollback_of FROM pages p JOIN page_versions v ON v.page_id = p.id "
                           "AND v.version = p.live_version WHERE p.slug = 'home'")[0]
    assert rollback_of is not None
    assert "Written on a phone in " + browser in text_draft(s)


def test_editor_session(editor_stack, browser, tmp_path):
    s = editor_stack
    run_flow(s, "session_flow.mjs", browser, tmp_path)
    # the token minted with the CSRF token and the password is there; the
    # store page's cross-origin attempt wrote nothing
    names = [n for (n,) in s.sql("SELECT name FROM api_tokens")]
    assert "from " + browser in names and "csrf" not in names, names


def test_editing_together(editor_stack, browser, tmp_path):
    s = editor_stack
    run_flow(s, "together_flow.mjs", browser, tmp_path)
    # the text block's draft holds both merchants' changes; its history has
    # B's save and A's merge as the newest versions
    code = text_draft(s)
    assert ("A was here in " + browser) in code and ("B was here in " + browser) in code, code
    who = [e for (e,) in s.sql("SELECT u.email FROM block_history h JOIN draft_blocks b ON b.id = h.block_id "
                                "JOIN users u ON u.id = h.modified_by WHERE b.type = 'text' "
                                "ORDER BY h.version DESC LIMIT 2")]
    assert who == ["owner@demo.localhost", "second@demo.localhost"], who


@pytest.fixture(scope="module")
def content_stack(browser):
    """A store of its own (its hero still has the demo's code, which shows
    the image chosen for it; the editor flow leaves its own there) with a
    model endpoint: the tests' local fake of an OpenAI-compatible API."""
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


def test_posts_theme_and_media(content_stack, browser, tmp_path):
    s, fake = content_stack
    fake.answers = ["```js\nfunction renderHero(storefront, helpers) {\n"
                    "  return `<section class=\"hero\"><h2>${helpers.escapeHtml(storefront.name)}: winter sale</h2></section>`;\n}\n```"]
    from images import png
    img = tmp_path / "tent.png"
    img.write_bytes(png(64, 48))
    run_flow(s, "content_flow.mjs", browser, tmp_path, SF_IMAGE=str(img))
    rows = s.sql("SELECT status, content FROM posts WHERE slug = ?", "trail-notes-from-" + browser)
    assert rows and rows[0][0] == "published" and "Packing list" in rows[0][1], rows
    (accent,) = s.sql("SELECT json_extract(theme_json, '$.accentColor') FROM tenants WHERE username = 'demo'")[0]
    assert accent == "#8a2c0e", accent
    (alt,) = s.sql("SELECT alt FROM media")[0]
    assert alt == "A blue tent at dusk"
    # the image chosen in the config form was saved with the hero's draft
    (image,) = s.sql("SELECT json_extract(b.config_json, '$.image') FROM draft_blocks b JOIN pages p "
                     "ON p.id = b.page_id WHERE p.slug = 'home' AND b.type = 'hero'")[0]
    assert image.startswith("/media/lib/"), image
    # the block writer asked the model with the merchant's words
    asked = fake.requests[-1]["body"]["messages"]
    assert any("winter sale" in m["content"] for m in asked), asked
