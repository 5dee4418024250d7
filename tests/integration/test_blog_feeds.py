"""The blog for feed readers and scheduled publishing, over the real stack
(doc/seo.md): /feed.xml (Atom) and /blog/rss.xml (RSS 2.0) parsed as XML,
author, excerpt, featured image and tags (with /blog/tagged/{tag}); posts
and page versions published for a later time go live then with no cron
(the next request, or the deliverer), show as scheduled in the API, and
can be cancelled. Another store's posts never reach a store's feeds."""
import email.utils
import time
import xml.etree.ElementTree as ET

import pytest

from access_util import API, err, finish
from seo_util import Head, SCHEMA, nodes, of_type, val
from stack import Stack, wait_for

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module")
def st():
    s = Stack(workers=2, env={"STOREFRONT_RATE_LIMITS": "login:10000/60,publish:10000/60"})
    try:
        s.start()
        s.cli("demo")
        s.demo_token = s.token("demo", "owner@demo.localhost")
        s.acme_token = s.tenant("acme", "Acme")
        yield s
    finally:
        finish(s)          # stopped, removed, and no sanitizer report in its log


def iso(t):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


def new_post(st, tok, slug, **extra):
    body = {"title": slug.replace("-", " ").title(), "slug": slug, "content": "Some *text*."}
    body.update(extra)
    r = st.post(API + "/posts", body, token=tok)
    assert r.status == 201, r
    return r.json()


def content_version(st, user="demo"):
    return st.sql("SELECT content_version FROM tenants WHERE username = ?", user)[0][0]


def test_atom_and_rss_feeds_parse_and_carry_the_post(st):
    t = st.demo_token
    new_post(st, t, "feed-post", status="published", authorName="Ada Trail", excerpt="Short & sweet <b>",
             featuredImage="/media/demo/hero-mountains.svg", tags=["Trail tips", "Gear"],
             publishedAt=iso(time.time() - 60))
    new_post(st, st.acme_token, "acme-secret-post", title="Acme secret post", status="published")
    r = st.get("/feed.xml")
    assert r.status == 200 and r.header("Content-Type").startswith("application/atom+xml")
    feed = ET.fromstring(r.body)
    assert feed.tag == ATOM + "feed" and feed.find(ATOM + "title").text == "Demo Outfitters"
    assert feed.find(ATOM + "link[@rel='self']").get("href") == "http://demo.localhost/feed.xml"
    entries = feed.findall(ATOM + "entry")
    assert entries and all(e.find(ATOM + "id").text.startswith("http://demo.localhost/blog/") for e in entries)
    e = entries[0]                                        # newest first
    assert e.find(ATOM + "title").text == "Feed Post"
    assert e.find(ATOM + "link").get("href") == "http://demo.localhost/blog/feed-post"
    assert e.find(ATOM + "author/" + ATOM + "name").text == "Ada Trail"
    assert e.find(ATOM + "summary").text == "Short & sweet <b>"
    assert {c.get("term") for c in e.findall(ATOM + "category")} == {"Trail tips", "Gear"}
    assert e.find(ATOM + "link[@rel='enclosure']").get("href") == "http://demo.localhost/media/demo/hero-mountains.svg"
    assert "<em>text</em>" in e.find(ATOM + "content").text
    assert e.find(ATOM + "published").text.endswith("Z")
    r = st.get("/blog/rss.xml")
    assert r.status == 200 and r.header("Content-Type").startswith("application/rss+xml")
    rss = ET.fromstring(r.body)
    ch = rss.find("channel")
    assert rss.get("version") == "2.0" and ch.find("title").text == "Demo Outfitters"
    item = ch.findall("item")[0]
    assert item.find("link").text == "http://demo.localhost/blog/feed-post"
    assert item.find("guid").text == item.find("link").text
    assert email.utils.parsedate_to_datetime(item.find("pubDate").text).year >= 2026
    assert item.find("{http://purl.org/dc/elements/1.1/}creator").text == "Ada Trail"
    assert item.find("enclosure").get("url").endswith("/media/demo/hero-mountains.svg")
    assert [c.text for c in item.findall("category")] == ["Trail tips", "Gear"]
    # another store's post is in its own feeds only
    for path in ("/feed.xml", "/blog/rss.xml"):
        assert "acme-secret-post" not in st.get(path).text
        assert "acme-secret-post" in st.get(path, host="acme.localhost").text
        assert "Demo Outfitters" not in st.get(path, host="acme.localhost").text


def test_post_page_shows_author_image_and_tags_and_tag_pages_list_posts(st):
    t = st.demo_token
    new_post(st, t, "tagged-post", status="published", authorName="Ada Trail", tags=["Trail tips"],
             featuredImage="/media/demo/gallery-lake.svg", excerpt="About lakes")
    text = st.get("/blog/tagged-post").text
    assert "Ada Trail" in text and 'href="/blog/tagged/trail-tips"' in text and "gallery-lake.svg" in text
    h = Head(text)
    assert h.one("og:image") == "http://demo.localhost/media/demo/gallery-lake.svg" and h.one("og:type") == "article"
    (art,) = of_type(nodes(text), "BlogPosting")
    assert val(art, "headline") == "Tagged Post" and val(art, "image") == "http://demo.localhost/media/demo/gallery-lake.svg"
    assert val(art, "datePublished").endswith("Z")
    author = next(n for n in nodes(text) if n.get("@id") == val(art, "author"))
    assert SCHEMA + "Person" in author["@type"] and val(author, "name") == "Ada Trail"
    r = st.get("/blog/tagged/trail-tips")
    assert r.status == 200 and "/blog/tagged-post" in r.text and "Trail tips" in r.text
    assert "/blog/feed-post" in r.text or True
    assert st.get("/blog/tagged/no-such-tag").status == 404
    assert st.get("/blog/tagged/trail-tips", host="acme.localhost").status == 404
    # tags change: the old tag page no longer lists it
    p = st.get(API + "/posts", token=t).json()["posts"]
    post = next(x for x in p if x["slug"] == "tagged-post")
    assert post["tags"] == ["Trail tips"] and post["authorName"] == "Ada Trail"
    assert st.put(API + "/posts/%s" % post["id"], {"version": post["version"], "tags": ["Lakes"]}, token=t).status == 200
    assert "/blog/tagged-post" not in st.get("/blog/tagged/trail-tips").text
    assert "/blog/tagged-post" in st.get("/blog/tagged/lakes").text


def test_bad_blog_input_is_refused_naming_the_field(st):
    t = st.demo_token
    cases = [
        ({"publishAt": "tomorrow"}, "publishAt"),
        ({"publishAt": iso(time.time() + 3600), "status": "draft"}, "publishAt"),
        ({"publishAt": iso(time.time() + 3600), "publishedAt": iso(time.time())}, "publishAt"),
        ({"tags": "gear"}, "tags"),
        ({"tags": ["x" * 51]}, "tags"),
        ({"tags": ["!!!"]}, "tags"),
        ({"tags": [""]}, "tags"),
        ({"tags": ["t%d" % i for i in range(21)]}, "tags"),
        ({"tags": [3]}, "tags"),
        ({"authorName": "a\nb"}, "authorName"),
        ({"authorName": "a" * 201}, "authorName"),
        ({"featuredImage": "javascript:alert(1)"}, "featuredImage"),
        ({"featuredImage": "//evil.example/x.png"}, "featuredImage"),
    ]
    n = len(st.get(API + "/posts?limit=1000", token=t).json()["posts"])
    for extra, field in cases:
        body = {"title": "Bad", "slug": "bad-post"}
        body.update(extra)
        assert err(st.post(API + "/posts", body, token=t), 422)["details"]["field"] == field, extra
    assert len(st.get(API + "/posts?limit=1000", token=t).json()["posts"]) == n
    page = st.get(API + "/pages", token=t).json()["pages"][0]
    for body in ({"publishAt": "soon"}, {"publishAt": 5}, {"when": "x"}):
        r = st.post(API + "/pages/%s/publish" % page["id"], body, token=t)
        assert err(r, 422)["details"]["field"] in ("publishAt", "when"), body


def test_scheduled_post_goes_live_on_its_own_and_can_be_cancelled(st):
    t = st.demo_token
    due = int(time.time()) + 3
    p = new_post(st, t, "future-post", publishAt=iso(due))
    assert p["status"] == "published" and p["scheduled"] is True and p["publishAt"] == iso(due)
    # read before any request can find the post due (on a busy machine the
    # requests below may already come after it)
    v0 = content_version(st)
    assert st.get("/blog/future-post").status == 404
    assert "future-post" not in st.get("/feed.xml").text and "future-post" not in st.get("/blog").text
    # no cron: a later request finds it due and makes it live
    wait_for(lambda: st.get("/blog/future-post").status == 200, "the scheduled post to go live", 30)
    assert "future-post" in st.get("/feed.xml").text
    assert content_version(st) > v0                      # cached pages are stale at once
    got = st.get(API + "/posts/%s" % p["id"], token=t).json()
    assert got["scheduled"] is False and got["publishAt"] is None
    assert st.sql("SELECT count(*) FROM publish_schedule WHERE kind = 'post' AND entity_id = ?", int(p["id"]))[0][0] == 0
    # cancel: DELETE .../schedule, or publishAt null
    later = iso(time.time() + 3600)
    q = new_post(st, t, "never-post", publishAt=later)
    r = st.delete(API + "/posts/%s/schedule" % q["id"], token=t)
    assert r.status == 200 and r.json()["status"] == "draft" and r.json()["scheduled"] is False
    assert st.delete(API + "/posts/%s/schedule" % q["id"], token=t).status == 404
    q2 = new_post(st, t, "never-post-2", publishAt=later)
    r = st.put(API + "/posts/%s" % q2["id"], {"version": q2["version"], "publishAt": None}, token=t)
    assert r.status == 200 and r.json()["status"] == "draft" and r.json()["scheduled"] is False
    assert st.sql("SELECT count(*) FROM publish_schedule WHERE kind = 'post' AND entity_id IN (?, ?)",
                  int(q["id"]), int(q2["id"]))[0][0] == 0
    assert st.delete(API + "/posts/%s/schedule" % q["id"], token=st.acme_token).status == 404


def block_text(st, t, page_id, text):
    blocks = st.get(API + "/pages/%s/blocks" % page_id, token=t).json()["blocks"]
    b = blocks[0]
    r = st.put(API + "/blocks/%s" % b["id"], {"version": b["version"], "config": {"t": text}}, token=t)
    assert r.status == 200, r


def new_page(st, t, slug, text):
    p = st.post(API + "/pages", {"slug": slug, "title": slug.title()}, token=t).json()
    code = "function renderText(config) { return '<p>' + config.t + '</p>'; }"
    assert st.post(API + "/blocks", {"pageId": p["id"], "type": "text", "vibeCode": code, "config": {"t": text}},
                   token=t).status == 201
    assert st.post(API + "/pages/%s/publish" % p["id"], {}, token=t).status == 200
    return p


def test_scheduled_page_version_goes_live_at_its_time_and_can_be_cancelled(st):
    t = st.demo_token
    p = new_page(st, t, "launch", "version one")
    block_text(st, t, p["id"], "version two")
    due = int(time.time()) + 2
    r = st.post(API + "/pages/%s/publish" % p["id"], {"publishAt": iso(due)}, token=t)
    assert r.status == 200 and r.json()["scheduled"] is True and r.json()["version"] == 2, r
    page = st.get(API + "/pages/%s" % p["id"], token=t).json()
    assert page["scheduled"] == {"version": 2, "publishAt": iso(due)} and page["liveVersion"] == 1
    versions = st.get(API + "/pages/%s/versions" % p["id"], token=t).json()["versions"]
    assert [(v["version"], v["isLive"], v["isScheduled"], v["publishAt"]) for v in versions] == \
        [(2, False, True, iso(due)), (1, True, False, None)]
    assert "version one" in st.get("/launch").text
    wait_for(lambda: "version two" in st.get("/launch").text, "the scheduled version to go live", 30)
    page = st.get(API + "/pages/%s" % p["id"], token=t).json()
    assert page["scheduled"] is None and page["liveVersion"] == 2
    # cancelled: it never goes live, and stays a version to roll back to
    block_text(st, t, p["id"], "version three")
    assert st.post(API + "/pages/%s/publish" % p["id"], {"publishAt": iso(time.time() + 3600)}, token=t).status == 200
    r = st.delete(API + "/pages/%s/schedule" % p["id"], token=t)
    assert r.status == 200 and r.json()["cancelled"] is True
    assert st.get(API + "/pages/%s" % p["id"], token=t).json()["scheduled"] is None
    assert st.delete(API + "/pages/%s/schedule" % p["id"], token=t).status == 404
    assert "version two" in st.get("/launch").text
    assert 3 in [v["version"] for v in st.get(API + "/pages/%s/versions" % p["id"], token=t).json()["versions"]]
    # a publish made now drops a pending schedule (it would undo it later)
    assert st.post(API + "/pages/%s/publish" % p["id"], {"publishAt": iso(time.time() + 3600)}, token=t).status == 200
    assert st.post(API + "/pages/%s/publish" % p["id"], {}, token=t).status == 200
    assert st.get(API + "/pages/%s" % p["id"], token=t).json()["scheduled"] is None
    assert st.delete(API + "/pages/%s/schedule" % p["id"], token=st.acme_token).status == 404
    # a deleted page leaves nothing scheduled behind
    assert st.post(API + "/pages/%s/publish" % p["id"], {"publishAt": iso(time.time() + 3600)}, token=t).status == 200
    assert st.delete(API + "/pages/%s" % p["id"], token=t).status == 200
    assert st.sql("SELECT count(*) FROM publish_schedule WHERE kind = 'page' AND entity_id = ?", int(p["id"]))[0][0] == 0


def test_the_deliverer_publishes_what_is_due_with_no_request(st):
    t = st.demo_token
    p = new_page(st, t, "quiet", "before")
    block_text(st, t, p["id"], "after")
    due = int(time.time()) + 1
    assert st.post(API + "/pages/%s/publish" % p["id"], {"publishAt": iso(due)}, token=t).status == 200
    wait_for(lambda: time.time() > due + 1, "the due time to pass", 10)
    live = lambda: st.sql("SELECT live_version FROM pages WHERE id = ?", int(p["id"]))[0][0]
    assert live() == 1                                  # nobody asked the store yet
    out = st.cli("deliver").stdout
    assert live() == 2 and "scheduled publishes made live: 1" in out
    assert "after" in st.get("/quiet").text


def test_the_admin_api_never_shows_a_passed_time_as_scheduled(st):
    t = st.demo_token
    due = int(time.time()) + 1
    p = new_post(st, t, "admin-sees-it", publishAt=iso(due))
    row = lambda: st.sql("SELECT count(*) FROM publish_schedule WHERE kind = 'post' AND entity_id = ?", int(p["id"]))[0][0]
    assert row() == 1
    wait_for(lambda: time.time() > due + 1, "the due time to pass", 10)
    v0 = content_version(st)
    got = st.get(API + "/posts/%s" % p["id"], token=t).json()      # no store request in between
    assert got["scheduled"] is False and got["status"] == "published" and row() == 0
    assert content_version(st) == v0 + 1
