"""Themes over the real stack (doc/themes.md): the draft and the live theme,
checked values (422 naming the field, unknown fields refused), contrast
warnings, starter themes, preview of the draft, publish changing every page
of the store (and no other store), the roles, the favicon and the logo."""
import re

import pytest

from access_util import err, people

API = "/api/cms/themes"

# A block whose output shows what vibe code gets as storefront.theme (its
# publish dry-runs it on templates/vibe/sample.json, which must hold css too).
THEME_BLOCK = ("function render(storefront) { return '<p class=\"theme-probe\">' + storefront.theme.accentColor + '|' "
               "+ storefront.theme.fontStack + '|' + storefront.theme.name + '|' + storefront.theme.css.radius.length "
               "+ '</p>'; }")


def style_of(page):
    m = re.search(r"<style>(:root\{.*?\})</style>", page, re.S)
    assert m, page[:600]
    return m.group(1)


def var(page, name):
    m = re.search(r"--%s:([^;}]*)" % re.escape(name), style_of(page))
    return m.group(1) if m else None


@pytest.fixture(scope="module")
def shop(stack):
    """Two stores with people of every role; the first has a product, a
    post and a published home page carrying a block that prints its theme."""
    a = people(stack, "thema")
    b = people(stack, "themb")
    o = a["owner"]
    home = next(p for p in stack.get("/api/cms/pages", token=o, host="thema.localhost").json()["pages"]
                if p["slug"] == "home")
    r = stack.post("/api/cms/blocks", {"pageId": home["id"], "type": "custom", "vibeCode": THEME_BLOCK}, token=o)
    assert r.status == 201, r
    assert stack.post("/api/cms/pages/%s/publish" % home["id"], {}, token=o).status == 200
    r = stack.post("/api/cms/products", {"name": "Lamp", "slug": "lamp", "price": 1200}, token=o)
    assert r.status == 201, r
    r = stack.post("/api/cms/posts", {"title": "Hello", "slug": "hello"}, token=o)
    assert stack.post("/api/cms/posts/%s/publish" % r.json()["id"], {}, token=o).status == 200
    return {"a": a, "b": b}


PAGES = ["/", "/products", "/products/lamp", "/blog", "/blog/hello", "/cart", "/no-such-page"]


def get(stack, path, host="thema.localhost"):
    return stack.get(path, host=host)


def test_get_shows_draft_live_and_fonts(stack, shop):
    r = stack.get(API, token=shop["a"]["owner"])
    assert r.status == 200, r
    j = r.json()
    assert j["draft"] == j["live"] and j["hasUnpublishedChanges"] is False
    assert j["version"] == 0 and j["publishedAt"] is None
    assert j["warnings"] == []                      # the default look passes AA
    assert j["live"]["accentColor"] == "#a84f1c" and j["live"]["radius"] == 14
    ids = {f["id"]: f for f in j["fonts"]}
    assert {"system-sans", "system-serif", "inter", "eb-garamond", "league-spartan"} <= set(ids)
    assert ids["inter"]["selfHosted"] and not ids["system-sans"]["selfHosted"]


@pytest.mark.parametrize("field,value,words", [
    ("accentColor", "red", "must be a colour"),
    ("primaryColor", "#12345", "must be a colour"),
    ("textColor", 12, "must be a colour"),
    ("radius", 99, "between 0 and 32"),
    ("radius", "4px", "must be an integer"),
    ("font", "Comic Sans'; } body { x", "must be a font id"),
    ("headingFont", 3, "font"),
    ("buttonShape", "blob", "pill, rounded, square"),
    ("spacing", "huge", "compact, normal, roomy"),
    ("headerLayout", "left", "inline, centered, minimal"),
    ("footerLayout", "", "columns, centered, minimal"),
    ("headerSticky", "yes", "true or false"),
    ("logo", "javascript:alert(1)", "path on this store"),
    ("favicon", "http://plain.test/x.ico", "https://"),
    ("favicon", "/x\".png", "quotes"),
    ("name", "x" * 61, "limit is 60"),
    ("colour", "#fff", "not a theme field"),
])
def test_bad_values_are_refused_by_name(stack, shop, field, value, words):
    t = shop["a"]["owner"]
    before = stack.get(API, token=t).json()
    r = stack.put(API, {"accentColor": "#224466", field: value}, token=t)
    e = err(r, 422)
    assert e["details"]["field"] == field, e
    assert words in e["message"], e
    assert stack.get(API, token=t).json() == before     # nothing of the body was saved


def test_put_saves_a_draft_that_is_not_live(stack, shop):
    t = shop["a"]["owner"]
    cur = stack.get(API, token=t).json()
    r = stack.put(API, {"version": cur["version"], "primaryColor": "#1D4ED8", "name": "Draft one"}, token=t)
    assert r.status == 200, r
    j = r.json()
    assert j["draft"]["primaryColor"] == "#1d4ed8"      # normalised
    assert j["draft"]["name"] == "Draft one"
    assert j["live"]["primaryColor"] != "#1d4ed8"
    assert j["hasUnpublishedChanges"] is True and j["version"] == cur["version"] + 1
    # the other fields were kept (PUT merges); null puts one back to its default
    r = stack.put(API, {"name": None}, token=t)
    assert r.json()["draft"]["name"] == "Storefront" and r.json()["draft"]["primaryColor"] == "#1d4ed8"
    # a stale version is refused with the current draft
    r = stack.put(API, {"version": cur["version"], "accentColor": "#000000"}, token=t)
    e = err(r, 409, "version_conflict")
    assert e["details"]["current"]["primaryColor"] == "#1d4ed8"
    # the shopper sees none of it
    for path in ("/", "/products"):
        assert var(get(stack, path).text, "primary") != "#1d4ed8"


def test_contrast_warnings_name_the_pair(stack, shop):
    t = shop["a"]["owner"]
    r = stack.put(API, {"accentColor": "#e07a3f", "mutedColor": "#aaaaaa"}, token=t)
    assert r.status == 200, r                           # a warning, not an error
    w = {x["pair"]: x for x in r.json()["warnings"]}
    assert "accentColor on surfaceColor" in w, w
    x = w["accentColor on surfaceColor"]
    assert 2.9 < x["ratio"] < 3.0 and x["minimum"] == 4.5
    assert x["foregroundColor"] == "#e07a3f" and x["backgroundColor"] == "#ffffff"
    assert "onAccentColor on accentColor" in w          # white text on that accent fails too
    assert "mutedColor on backgroundColor" in w
    assert "textColor on backgroundColor" not in w
    r = stack.put(API, {"accentColor": None, "mutedColor": None}, token=t)
    assert r.json()["warnings"] == []


def test_starters_differ_and_pass(stack, shop):
    t = shop["a"]["owner"]
    r = stack.get(API + "/starters", token=t)
    assert r.status == 200, r
    starters = r.json()["starters"]
    assert len(starters) >= 3
    looks = set()
    for s in starters:
        th = s["theme"]
        looks.add((th["backgroundColor"], th["primaryColor"], th["headingFont"], th["buttonShape"]))
        r = stack.post(API + "/apply", {"starter": s["id"]}, token=t)
        assert r.status == 200, (s["id"], r)
        assert r.json()["warnings"] == [], (s["id"], r.json()["warnings"])
        d = r.json()["draft"]
        assert (d["backgroundColor"], d["headingFont"]) == (th["backgroundColor"], th["headingFont"])
    assert len(looks) == len(starters)
    # a dark one among them
    assert any(s["theme"]["backgroundColor"] < "#333333" for s in starters)
    e = err(stack.post(API + "/apply", {"starter": "nope"}, token=t), 404)
    assert e["details"]["field"] == "starter"
    err(stack.post(API + "/apply", {"starter": "trail", "extra": 1}, token=t), 422)


def test_apply_keeps_the_brand(stack, shop):
    t = shop["a"]["owner"]
    assert stack.put(API, {"logo": "/media/brand.svg", "favicon": "/media/icon.png"}, token=t).status == 200
    d = stack.post(API + "/apply", {"starter": "atelier"}, token=t).json()["draft"]
    assert (d["logo"], d["favicon"]) == ("/media/brand.svg", "/media/icon.png")
    d = stack.post(API + "/apply", {"starter": "atelier", "keepBrand": False}, token=t).json()["draft"]
    assert (d["logo"], d["favicon"]) == ("", "")


def test_preview_shows_the_draft_publish_makes_it_live_everywhere(stack, shop):
    t = shop["a"]["owner"]
    assert stack.post(API + "/apply", {"starter": "midnight"}, token=t).status == 200
    assert stack.put(API, {"logo": "/media/brand.svg", "favicon": "/media/icon.png"}, token=t).status == 200
    before = {p: get(stack, p) for p in PAGES}
    for p, r in before.items():
        assert var(r.text, "bg") != "#0b1020", p
    other = get(stack, "/", host="themb.localhost")
    # preview: the live page in the draft theme, for the shell and for vibe code
    r = stack.get(API + "/preview", token=t)
    assert r.status == 200, r
    assert var(r.text, "bg") == "#0b1020" and var(r.text, "font").startswith("Inter,")
    assert "#fbbf24|Inter," in r.text and "|Midnight|4</p>" in r.text
    assert "sandbox" in r.header("Content-Security-Policy")
    assert 'class="site-header site-header--inline"' in r.text
    err(stack.get(API + "/preview?page=nope", token=t), 404)
    err(stack.get(API + "/preview?page=Bad%20Slug", token=t), 422)
    # still not live
    assert var(get(stack, "/").text, "bg") != "#0b1020"
    assert "#fbbf24" not in get(stack, "/").text
    cv = stack.sql("SELECT content_version FROM tenants WHERE username = 'thema'")[0][0]
    r = stack.post(API + "/publish", {}, token=t)
    assert r.status == 200, r
    assert r.json()["success"] is True and r.json()["warnings"] == []
    assert stack.sql("SELECT content_version FROM tenants WHERE username = 'thema'")[0][0] > cv
    for p in PAGES:
        page = get(stack, p)
        assert var(page.text, "bg") == "#0b1020", (p, page.status)
        assert var(page.text, "scheme") == "dark", p
        assert var(page.text, "danger") == "#f87171", p    # error text readable on the dark background
        assert '<link rel="icon" href="/media/icon.png">' in page.text, p
        assert 'src="/media/brand.svg"' in page.text, p
        assert page.header("ETag") != before[p].header("ETag") or page.header("ETag") is None, p
    assert "#fbbf24|Inter," in get(stack, "/").text
    j = stack.get(API, token=t).json()
    assert j["hasUnpublishedChanges"] is False and j["live"]["name"] == "Midnight" and j["publishedAt"]
    # another store is untouched
    again = get(stack, "/", host="themb.localhost")
    assert style_of(again.text) == style_of(other.text)
    assert stack.get(API, token=shop["b"]["owner"]).json()["live"]["backgroundColor"] == "#fbfaf7"
    # back to the default look for the rest of the module
    stack.post(API + "/apply", {"starter": "trail", "keepBrand": False}, token=t)
    assert stack.post(API + "/publish", {}, token=t).status == 200
    assert var(get(stack, "/").text, "bg") == "#fbfaf7"


def test_layout_options_reach_the_shell(stack, shop):
    t = shop["a"]["owner"]
    r = stack.put(API, {"headerSticky": False, "headerLayout": "minimal", "footerLayout": "centered",
                        "buttonShape": "square", "radius": 7, "spacing": "roomy", "headingFont": "Georgia, serif"},
                  token=t)
    assert r.status == 200, r
    page = stack.get(API + "/preview", token=t).text
    assert 'class="site-header site-header--minimal site-header--static"' in page
    assert 'class="site-footer site-footer--centered"' in page
    assert var(page, "radius-btn") == "0" and var(page, "radius") == "7px" and var(page, "radius-sm") == "4px"
    assert var(page, "space") == "1.3" and var(page, "font-heading") == "Georgia, serif"
    live = get(stack, "/").text
    assert 'site-header--static' not in live and var(live, "radius") == "14px"
    for k in ("headerSticky", "headerLayout", "footerLayout", "buttonShape", "radius", "spacing", "headingFont"):
        assert stack.put(API, {k: None}, token=t).status == 200


def test_roles(stack, shop):
    a = shop["a"]
    assert stack.get(API, token=a["editor"]).status == 200
    assert stack.put(API, {"radius": 4}, token=a["editor"]).status == 200
    for call in (lambda t: stack.get(API, token=t), lambda t: stack.put(API, {"radius": 2}, token=t),
                 lambda t: stack.post(API + "/publish", {}, token=t),
                 lambda t: stack.get(API + "/preview", token=t)):
        err(call(a["staff"]), 403, "forbidden")
    err(stack.get(API), 401)
    assert stack.get(API, token=a["owner"]).json()["draft"]["radius"] == 4


def test_favicon_default_and_demo_passes(stack):
    page = stack.get("/")
    assert '<link rel="icon" href="/favicon.svg">' in page.text
    for path, ctype in (("/favicon.svg", "image/svg+xml"), ("/favicon.ico", "image/x-icon")):
        r = stack.get(path)
        assert r.status == 200 and r.header("Content-Type").startswith(ctype), (path, r)
    # the demo's theme passes AA now (its accent was 2.98:1 on white)
    j = stack.get(API, token=stack.demo_token).json()
    assert j["warnings"] == [], j["warnings"]
    assert var(page.text, "accent") == "#a84f1c"
    # the self-hosted fonts and their licences are served
    for f in ("inter-400.woff2", "eb-garamond-700.woff2", "league-spartan-700.woff2", "LICENSE-inter.txt"):
        assert stack.get("/fonts/" + f).status == 200, f
    # for any origin (previews run in an opaque one), and only the fonts
    r = stack.get("/fonts/inter-700.woff2")
    assert [v for k, v in r.headers if k.lower() == "access-control-allow-origin"] == ["*"]
    assert r.header("Content-Type") == "font/woff2" and r.header("X-Content-Type-Options") == "nosniff"
    assert stack.get("/css/store.css").header("Access-Control-Allow-Origin") is None
