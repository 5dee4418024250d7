"""The web editor's API over the real stack (admin_editor.c, issue 14):
block-level history and restoring one version of one block, the blocks of
a published version, presence and the activity document polled with ETag,
and the preview's stored unsaved edits -- with bad input and other stores."""
from access_util import err

API = "/api/cms"


def code(text):
    return "function renderX() {\n  return '<p>%s</p>';\n}\n" % text


def new_page(s, tok, slug, n=2):
    r = s.post(API + "/pages", {"slug": slug, "title": slug.title()}, token=tok)
    assert r.status == 201, r
    pid = r.json()["id"]
    ids = []
    for i in range(n):
        r = s.post(API + "/blocks", {"pageId": pid, "type": "custom", "vibeCode": code("b%d v1" % i), "position": i},
                   token=tok)
        assert r.status == 201, r
        ids.append(r.json()["id"])
    return pid, ids


def save(s, tok, bid, **fields):
    cur = s.get(API + "/blocks/" + bid, token=tok).json()
    r = s.put(API + "/blocks/" + bid, dict(version=cur["version"], **fields), token=tok)
    assert r.status == 200, r
    return r.json()


def test_history_records_every_saved_content_and_restores_one_block(stack):
    s, tok = stack, stack.demo_token
    pid, (a, b) = new_page(s, tok, "history-page")
    save(s, tok, a, vibeCode=code("a v2"))
    save(s, tok, a, config={"x": 1})
    save(s, tok, a, position=5)                       # a move alone is not a new content
    hist = s.get(API + "/blocks/%s/history" % a, token=tok).json()["history"]
    assert [h["version"] for h in hist] == [3, 2, 1], hist
    assert "a v2" in hist[1]["vibeCode"] and "b0 v1" in hist[2]["vibeCode"]
    assert hist[0]["config"] == {"x": 1} and hist[0]["modifiedByEmail"] == "owner@demo.localhost"
    assert s.post(API + "/pages/%s/publish" % pid, token=tok).status == 200
    live = s.get("/history-page").text
    b_before = s.get(API + "/blocks/" + b, token=tok).json()

    cur = s.get(API + "/blocks/" + a, token=tok).json()
    r = s.post(API + "/blocks/%s/restore" % a, {"version": cur["version"], "restoreVersion": 1}, token=tok)
    assert r.status == 200, r
    got = r.json()
    assert "b0 v1" in got["vibeCode"] and got["config"] == {} and got["version"] == cur["version"] + 1
    assert got["position"] == 5                       # where the merchant moved it
    # the other block and the live site are untouched
    assert s.get(API + "/blocks/" + b, token=tok).json() == b_before
    assert s.get("/history-page").text == live
    # the restore is a version of its own in the history
    hist = s.get(API + "/blocks/%s/history" % a, token=tok).json()["history"]
    assert hist[0]["version"] == got["version"] and "b0 v1" in hist[0]["vibeCode"]
    # someone saved since: 409 with the current block; nothing changes
    e = err(s.post(API + "/blocks/%s/restore" % a, {"version": cur["version"], "restoreVersion": 2}, token=tok),
            409, "version_conflict")
    assert e["details"]["current"]["version"] == got["version"]
    # a version the history does not have; bad fields
    err(s.post(API + "/blocks/%s/restore" % a, {"version": got["version"], "restoreVersion": 99}, token=tok), 404)
    e = err(s.post(API + "/blocks/%s/restore" % a, {"version": got["version"], "restoreVersion": "two"}, token=tok), 422)
    assert e["details"]["field"] == "restoreVersion"
    err(s.get(API + "/blocks/%s/history?limit=0" % a, token=tok), 422)
    # another store's block: nothing to see, nothing to restore
    err(s.get(API + "/blocks/%s/history" % a, token=s.acme_token), 404)
    err(s.post(API + "/blocks/%s/restore" % a, {"version": got["version"], "restoreVersion": 1},
               token=s.acme_token), 404)
    # a deleted block takes its history with it
    assert s.delete(API + "/blocks/" + b, token=tok).status == 200
    assert s.sql("SELECT count(*) FROM block_history WHERE block_id = ?", int(b))[0][0] == 0


def test_history_keeps_the_newest_versions(stack):
    s, tok = stack, stack.demo_token
    pid, (a,) = new_page(s, tok, "history-trim", n=1)
    s.sql("UPDATE block_history SET version = version WHERE 0")   # the table exists
    for i in range(105):
        save(s, tok, a, vibeCode=code("v%d" % i))
    (n, low) = s.sql("SELECT count(*), min(version) FROM block_history WHERE block_id = ?", int(a))[0]
    assert n == 100 and low == 7, (n, low)        # block_history_keep = 100 (106 versions saved)


def test_a_published_version_holds_its_blocks(stack):
    s, tok = stack, stack.demo_token
    pid, (a, b) = new_page(s, tok, "versions-page")
    assert s.post(API + "/pages/%s/publish" % pid, token=tok).status == 200
    save(s, tok, a, vibeCode=code("a v2"))
    assert s.post(API + "/pages/%s/publish" % pid, token=tok).status == 200
    v1 = s.get(API + "/pages/%s/versions/1" % pid, token=tok).json()
    v2 = s.get(API + "/pages/%s/versions/2" % pid, token=tok).json()
    assert "b0 v1" in v1["blocks"][0]["vibeCode"] and "a v2" in v2["blocks"][0]["vibeCode"]
    assert "es5" not in v1["blocks"][0] and "entry" not in v1["blocks"][0]
    err(s.get(API + "/pages/%s/versions/3" % pid, token=tok), 404)
    err(s.get(API + "/pages/%s/versions/1" % pid, token=s.acme_token), 404)


def test_presence_and_activity(stack):
    s, tok = stack, stack.demo_token
    s.cli("user", "add", "demo", "second@demo.localhost", "--role", "editor", input="second-password-1\n")
    tok2 = s.token("demo", "second@demo.localhost")
    pid, (a, b) = new_page(s, tok, "together")
    r = s.post(API + "/pages/%s/presence" % pid, {"blockId": a}, token=tok)
    assert r.status == 200, r
    r = s.post(API + "/pages/%s/presence" % pid, {}, token=tok2)
    eds = {e["email"]: e for e in r.json()["editors"]}
    assert set(eds) == {"owner@demo.localhost", "second@demo.localhost"} and eds["owner@demo.localhost"]["blockId"] == a
    # the poll: unchanged -> 304; a save by the other editor -> 200 with its version
    r1 = s.get(API + "/pages/%s/activity" % pid, token=tok)
    etag = r1.header("ETag")
    assert r1.status == 200 and etag
    assert s.get(API + "/pages/%s/activity" % pid, token=tok, headers={"If-None-Match": etag}).status == 304
    save(s, tok2, b, vibeCode=code("b by second"))
    r2 = s.get(API + "/pages/%s/activity" % pid, token=tok, headers={"If-None-Match": etag})
    assert r2.status == 200
    blk = next(x for x in r2.json()["blocks"] if x["id"] == b)
    assert blk["version"] == 2 and blk["modifiedByEmail"] == "second@demo.localhost"
    # an editor who stopped beating is gone after presence_ttl
    s.sql("UPDATE editor_presence SET seen_at = seen_at - 31 WHERE page_id = ? AND user_id = "
          "(SELECT id FROM users WHERE email = 'second@demo.localhost')", int(pid))
    eds = [e["email"] for e in s.get(API + "/pages/%s/activity" % pid, token=tok).json()["editors"]]
    assert eds == ["owner@demo.localhost"]
    # bad input and other stores
    e = err(s.post(API + "/pages/%s/presence" % pid, {"blockId": "x"}, token=tok), 422)
    assert e["details"]["field"] == "blockId"
    err(s.get(API + "/pages/%s/activity" % pid, token=s.acme_token), 404)
    err(s.post(API + "/pages/%s/presence" % pid, {}, token=s.acme_token), 404)


def test_preview_edits(stack):
    s, tok = stack, stack.demo_token
    pid, (a, b) = new_page(s, tok, "preview-edits")
    r = s.post(API + "/pages/%s/preview/edits" % pid, {"blocks": [{"id": a, "vibeCode": code("unsaved")}]}, token=tok)
    assert r.status == 201, r
    url = r.json()["url"]
    page = s.get(url, token=tok)
    assert page.status == 200 and "unsaved" in page.text and "b1 v1" in page.text
    assert "sandbox" in page.header("Content-Security-Policy")
    # nothing was saved
    assert "unsaved" not in s.get(API + "/blocks/" + a, token=tok).json()["vibeCode"]
    # the token is this store's and this page's only, and it expires
    err(s.get(url, token=s.acme_token), 404)
    other, _ = new_page(s, tok, "preview-other", n=1)
    err(s.get(url.replace("/pages/%s/" % pid, "/pages/%s/" % other), token=tok), 404)
    s.sql("UPDATE preview_edits SET expires_at = expires_at - 100000")
    err(s.get(url, token=tok), 404)
    # bad edits
    e = err(s.post(API + "/pages/%s/preview/edits" % pid, {"blocks": [{"id": a, "vibeCode": 5}]}, token=tok), 422)
    assert e["details"]["field"] == "vibeCode"
    e = err(s.post(API + "/pages/%s/preview/edits" % pid, {"blocks": [{"id": a, "visibility": {"devices": ["tv"]}}]},
                   token=tok), 422)
    assert e["details"]["field"] == "visibility"
    err(s.post(API + "/pages/%s/preview/edits" % pid, {"blocks": "x"}, token=tok), 422)
    err(s.post(API + "/pages/%s/preview/edits" % pid, {"blocks": [5]}, token=tok), 422)


def test_sign_in_offers_the_stores_of_an_email(stack):
    """An email that belongs to several stores: the right password gets
    422 naming field 'store' with the stores to choose from (a wrong one
    gets only 401: nothing is said before the password is right)."""
    s = stack
    s.cli("user", "add", "acme", "owner@demo.localhost", "--role", "editor", input="demo-password\n")
    admin = {"Origin": "http://admin.localhost:%d" % s.port}
    r = s.post(API + "/login", {"email": "owner@demo.localhost", "password": "wrong-password", "session": True},
               host="admin.localhost", headers=admin)
    e = err(r, 401)
    assert "stores" not in (e["details"] or {})
    r = s.post(API + "/login", {"email": "owner@demo.localhost", "password": "demo-password", "session": True},
               host="admin.localhost", headers=admin)
    e = err(r, 422)
    assert e["details"]["field"] == "store"
    assert [x["username"] for x in e["details"]["stores"]] == ["acme", "demo"]
    r = s.post(API + "/login", {"email": "owner@demo.localhost", "password": "demo-password", "session": True,
                                "store": "acme"}, host="admin.localhost", headers=admin)
    assert r.status == 200 and r.json()["store"]["username"] == "acme", r


def test_a_block_given_a_position_goes_there(stack):
    """A copy or a new block at position p lands at p, the blocks from p on
    one further down (their code and version unchanged); without a position
    it goes last. (Inserted at p without moving the others, a copy of the
    middle block landed after the next one, and moving it swapped two equal
    positions: nothing moved.)"""
    tok = stack.demo_token
    pid, ids = new_page(stack, tok, "positions", n=3)
    before = {b["id"]: b["version"] for b in stack.get(API + "/pages/%s/blocks" % pid, token=tok).json()["blocks"]}
    r = stack.post(API + "/blocks", {"pageId": pid, "type": "custom", "vibeCode": code("copy of b1"), "position": 2}, token=tok)
    assert r.status == 201 and r.json()["position"] == 2, r
    new = r.json()["id"]
    r = stack.post(API + "/blocks", {"pageId": pid, "type": "custom", "vibeCode": code("last")}, token=tok)
    assert r.status == 201, r
    last = r.json()["id"]
    blocks = stack.get(API + "/pages/%s/blocks" % pid, token=tok).json()["blocks"]
    assert [b["id"] for b in blocks] == [ids[0], ids[1], new, ids[2], last]
    assert [b["position"] for b in blocks] == [0, 1, 2, 3, 4]
    assert all(b["version"] == before[b["id"]] for b in blocks if b["id"] in before)
    # another store's page: no room made there, nothing created
    r = stack.post(API + "/blocks", {"pageId": pid, "type": "custom", "position": 0}, token=stack.acme_token,
                   host="acme.localhost")
    assert r.status == 404, r
    assert [b["position"] for b in stack.get(API + "/pages/%s/blocks" % pid, token=tok).json()["blocks"]] == [0, 1, 2, 3, 4]
