"""The admin API over the real stack: drafts, preview, publish, rollback,
content CRUD, bad input, and tenant isolation."""
import re

API = "/api/cms"


def err(r, status, code=None):
    assert r.status == status, r
    e = r.json()["error"]
    assert set(e) >= {"code", "message", "details", "timestamp", "requestId"}
    assert e["requestId"] == r.header("X-Request-Id")
    if code:
        assert e["code"] == code, e
    return e


def page_id(stack, token, slug, host="demo.localhost"):
    pages = stack.get(API + "/pages", token=token, host=host).json()["pages"]
    return next(p["id"] for p in pages if p["slug"] == slug)


def new_page(stack, token, slug, blocks):
    r = stack.post(API + "/pages", {"slug": slug, "title": slug.title()}, token=token)
    assert r.status == 201, r
    pid = r.json()["id"]
    ids = []
    for i, code in enumerate(blocks):
        r = stack.post(API + "/blocks", {"pageId": pid, "type": "custom", "vibeCode": code, "position": i},
                       token=token)
        assert r.status == 201, r
        ids.append(r.json()["id"])
    return pid, ids


def test_login(stack):
    r = stack.post(API + "/login", {"email": "owner@demo.localhost", "password": "demo-password"})
    assert r.status == 200, r
    tok = r.json()["token"]
    assert r.json()["store"]["username"] == "demo"
    assert stack.get(API + "/pages", token=tok).status == 200
    wrong = stack.post(API + "/login", {"email": "owner@demo.localhost", "password": "wrong-password"})
    unknown = stack.post(API + "/login", {"email": "nobody@demo.localhost", "password": "wrong-password"})
    e1, e2 = err(wrong, 401, "invalid_credentials"), err(unknown, 401, "invalid_credentials")
    assert e1["message"] == e2["message"]
    err(stack.post(API + "/login", {"email": "owner@demo.localhost"}), 422, "validation_error")


def test_draft_preview_publish_rollback(stack):
    t = stack.demo_token
    home = page_id(stack, t, "home")
    live_before = stack.get("/").text
    blocks = stack.get(API + "/pages/%s/blocks" % home, token=t).json()["blocks"]
    text = next(b for b in blocks if b["type"] == "text")
    code = 'function renderText(config, helpers) { return "<p class=\\"edited\\">EDITED " + helpers.escapeHtml(config.word) + "</p>"; }'
    r = stack.put(API + "/blocks/" + text["id"], {"version": text["version"], "vibeCode": code,
                                                  "config": {"word": "<b>draft</b>"}}, token=t)
    assert r.status == 200, r
    assert r.json()["version"] == text["version"] + 1 and r.json()["validation"]["isValid"]
    # live unchanged, preview changed
    assert "EDITED" not in stack.get("/").text
    prev = stack.get(API + "/pages/%s/preview" % home, token=t)
    assert prev.status == 200 and "EDITED &lt;b&gt;draft&lt;/b&gt;" in prev.text
    assert prev.header("Cache-Control") == "no-store"
    # publish
    versions_before = stack.get(API + "/pages/%s/versions" % home, token=t).json()["versions"]
    r = stack.post(API + "/pages/%s/publish" % home, {}, token=t)
    assert r.status == 200, r
    res = r.json()
    assert res["success"] is True and res["publishedBlocks"] == 6 and res["errors"] == []
    assert res["version"] == versions_before[0]["version"] + 1 and res["publishedAt"]
    live = stack.get("/")
    assert "EDITED &lt;b&gt;draft&lt;/b&gt;" in live.text
    # rollback to the version before: restored, as a new version number
    r = stack.post(API + "/pages/%s/rollback" % home, {"version": versions_before[0]["version"]}, token=t)
    assert r.status == 200, r
    assert r.json()["version"] == res["version"] + 1
    assert "EDITED" not in stack.get("/").text
    assert BLOCKS(stack.get("/").text) == BLOCKS(live_before)
    versions = stack.get(API + "/pages/%s/versions" % home, token=t).json()["versions"]
    assert versions[0]["isLive"] and versions[0]["rollbackOf"] == versions_before[0]["version"]
    # drafts follow the rollback
    blocks = stack.get(API + "/pages/%s/blocks" % home, token=t).json()["blocks"]
    assert all("EDITED" not in b["vibeCode"] for b in blocks)


def BLOCKS(html):
    return re.findall(r'data-block-type="([a-z_]+)"', html)


def test_broken_blocks_do_not_break_the_page(stack):
    t = stack.demo_token
    # Each passes publish's dry run on sample data and breaks only on the
    # real store's data: the failures the live site must survive.
    real = 'storefront.name === "Demo Outfitters"'
    pid, ids = new_page(stack, t, "broken", [
        'function renderA() { return "<p>first ok</p>"; }',
        'function renderB(storefront) { if (%s) throw new Error("boom"); return "x"; }' % real,
        'function renderC(storefront) { return %s ? 42 : "x"; }' % real,
        'function renderD(storefront) { return %s ? undefined : "x"; }' % real,
        'function renderE(storefront) { var o = %s ? null : {}; return "" + o.x; }' % real,
        'function renderF(helpers) { return "<p>last ok</p>"; }',
    ])
    r = stack.post(API + "/pages/%s/publish" % pid, {}, token=t)
    assert r.status == 200, r
    r = stack.get("/broken")
    assert r.status == 200
    assert "first ok" in r.text and "last ok" in r.text
    rid = r.header("X-Request-Id")
    for bid in ids[1:5]:
        assert "<!-- block %s failed: request %s -->" % (bid, rid) in r.text
    assert "boom" not in r.text  # no error details on the live site
    prev = stack.get(API + "/pages/%s/preview" % pid, token=t)
    assert prev.text.count('class="vibe-error"') == 4 and "boom" in prev.text
    # the same worker keeps serving
    assert stack.get("/").status == 200


def test_publish_refuses_a_draft_that_does_not_compile(stack):
    t = stack.demo_token
    pid, ids = new_page(stack, t, "wontpublish", [
        'function renderA() { return "<p>v1</p>"; }',
    ])
    assert stack.post(API + "/pages/%s/publish" % pid, {}, token=t).status == 200
    blk = stack.get(API + "/blocks/" + ids[0], token=t).json()
    bad = 'function renderA() {\n  var x = ;\n  return "<p>v2</p>";\n}'
    r = stack.put(API + "/blocks/" + ids[0], {"version": blk["version"], "vibeCode": bad}, token=t)
    assert r.status == 200 and r.json()["validation"]["isValid"] is False
    assert r.json()["validation"]["errors"][0]["line"] == 2
    r = stack.post(API + "/pages/%s/publish" % pid, {}, token=t)
    e = err(r, 422, "publish_failed")
    assert ids[0] in e["message"] and "line 2" in e["message"]
    body = r.json()
    assert body["success"] is False and body["publishedBlocks"] == 0
    assert body["errors"][0]["blockId"] == ids[0] and body["errors"][0]["line"] == 2
    assert "v1" in stack.get("/wontpublish").text  # nothing published
    versions = stack.get(API + "/pages/%s/versions" % pid, token=t).json()["versions"]
    assert len(versions) == 1


def test_publish_refuses_a_block_whose_dry_run_fails(stack):
    t = stack.demo_token
    pid, ids = new_page(stack, t, "dryrun", [
        'function renderA() { return "<p>ok</p>"; }',
        'function renderB(products) {\n  return products.missing.length;\n}',
        'function renderC() { return {}; }',
    ])
    r = stack.post(API + "/pages/%s/publish" % pid, {}, token=t)
    e = err(r, 422, "publish_failed")
    errs = r.json()["errors"]
    assert [x["blockId"] for x in errs] == ids[1:]
    assert errs[0]["line"] == 2 and "dry run" in errs[0]["message"]
    assert errs[1]["kind"] == "type"
    assert stack.get("/dryrun").status == 404  # never published


def test_a_broken_live_snapshot_still_renders(stack):
    """Even code that could never pass publish (put there by hand) only
    costs its own block."""
    t = stack.demo_token
    pid, ids = new_page(stack, t, "handmade", ['function renderA() { return "<p>ok</p>"; }'])
    stack.post(API + "/pages/%s/publish" % pid, {}, token=t)
    stack.sql("UPDATE page_versions SET blocks_json = json_insert(blocks_json, '$[#]', "
              "json_object('id','999999','type','custom','vibeCode','function ( {','config',json('{}'))) "
              "WHERE page_id = ?", int(pid))
    r = stack.get("/handmade")
    assert r.status == 200 and "<p>ok</p>" in r.text and "block 999999 failed" in r.text


def test_stale_block_version_is_409_with_the_current_block(stack):
    t = stack.demo_token
    pid, ids = new_page(stack, t, "conflict", ['function renderA() { return "a"; }'])
    b = stack.get(API + "/blocks/" + ids[0], token=t).json()
    assert stack.put(API + "/blocks/" + ids[0], {"version": b["version"], "config": {"n": 1}}, token=t).status == 200
    r = stack.put(API + "/blocks/" + ids[0], {"version": b["version"], "config": {"n": 2}}, token=t)
    e = err(r, 409, "version_conflict")
    assert e["details"]["current"]["config"] == {"n": 1}
    assert e["details"]["current"]["version"] == b["version"] + 1


def test_bad_input_is_named_and_changes_nothing(stack):
    t = stack.demo_token
    before = stack.sql("SELECT count(*) FROM pages")[0][0], stack.sql("SELECT count(*) FROM draft_blocks")[0][0]
    cases = [
        (stack.request("POST", API + "/pages", body="{not json", token=t,
                       headers={"Content-Type": "application/json"}), 400, "invalid_json", None),
        (stack.request("POST", API + "/pages", body="[1,2]", token=t,
                       headers={"Content-Type": "application/json"}), 400, "invalid_json", None),
        (stack.post(API + "/pages", {"title": "No slug"}, token=t), 422, "validation_error", "slug"),
        (stack.post(API + "/pages", {"slug": "x", "title": 5}, token=t), 422, "validation_error", "title"),
        (stack.post(API + "/pages", {"slug": "Bad Slug!", "title": "t"}, token=t), 422, "validation_error", "slug"),
        (stack.post(API + "/pages", {"slug": "cart", "title": "t"}, token=t), 422, "validation_error", "slug"),
        (stack.post(API + "/pages", {"slug": "home", "title": "dup"}, token=t), 409, "conflict", "slug"),
        (stack.post(API + "/blocks", {"pageId": "1", "type": "banner"}, token=t), 422, "validation_error", "type"),
        (stack.post(API + "/blocks", {"pageId": "abc", "type": "text"}, token=t), 422, "validation_error", "pageId"),
        (stack.post(API + "/blocks", {"pageId": "1", "type": "text", "config": [1]}, token=t), 422, "validation_error", "config"),
        (stack.post(API + "/blocks", {"pageId": "1", "type": "text", "position": -1}, token=t), 422, "validation_error", "position"),
        (stack.post(API + "/blocks", {"pageId": "1", "type": "text", "vibeCode": "x" * 70000}, token=t), 422, "validation_error", "vibeCode"),
        (stack.put(API + "/blocks/1", {"config": {}}, token=t), 422, "validation_error", "version"),
        (stack.post(API + "/pages/1/rollback", {"version": "one"}, token=t), 422, "validation_error", "version"),
        (stack.post(API + "/pages/1/rollback", {"version": 99999}, token=t), 404, "not_found", "version"),
        (stack.request("POST", API + "/pages", body="x" * (1 << 21), token=t,
                       headers={"Content-Type": "application/json"}), 413, "payload_too_large", None),
        (stack.request("POST", API + "/pages", body="{}", token=t,
                       headers={"Content-Type": "text/plain"}), 415, "unsupported_media_type", None),
        (stack.get(API + "/pages"), 401, "unauthorized", None),
        (stack.get(API + "/pages", token="sf_" + "0" * 40), 401, "unauthorized", None),
        (stack.request("PATCH", API + "/pages", token=t), 405, "method_not_allowed", None),
        (stack.get(API + "/pages/999999", token=t), 404, "not_found", None),
        (stack.get(API + "/nothing-here", token=t), 404, "not_found", None),
        (stack.delete(API + "/pages/" + page_id(stack, t, "home"), token=t), 409, "conflict", None),
    ]
    for i, (r, status, code, field) in enumerate(cases):
        if status == 413 and r.status == 413 and not r.header("Content-Type", ).startswith("application/json"):
            continue  # the web server's own limit answered first; still nothing written
        e = err(r, status, code)
        if field:
            assert field in e["message"], (i, e)
            if status == 422:
                assert e["details"]["field"] == field, (i, e)
    assert stack.request("PATCH", API + "/pages", token=t).header("Allow") == "GET, POST"
    after = stack.sql("SELECT count(*) FROM pages")[0][0], stack.sql("SELECT count(*) FROM draft_blocks")[0][0]
    assert before == after


def test_tenant_isolation_token_of_one_ids_of_other(stack):
    demo, acme = stack.demo_token, stack.acme_token
    home = page_id(stack, demo, "home")
    blocks = stack.get(API + "/pages/%s/blocks" % home, token=demo).json()["blocks"]
    bid = blocks[0]["id"]
    prod = stack.get(API + "/products?limit=1", token=demo).json()["products"][0]["id"]
    coll = stack.get(API + "/collections", token=demo).json()["collections"][0]["id"]
    post = stack.get(API + "/posts", token=demo).json()["posts"][0]["id"]
    snapshot = lambda: stack.sql("SELECT count(*), total(version) FROM draft_blocks WHERE tenant_id = 1") + \
        stack.sql("SELECT live_version, title FROM pages WHERE id = ?", int(home)) + \
        stack.sql("SELECT name, price FROM products WHERE id = ?", int(prod))
    before = snapshot()
    probes = [
        ("GET", "/pages/" + home, None), ("PUT", "/pages/" + home, {"version": 1, "title": "pwned"}),
        ("DELETE", "/pages/" + home, None), ("GET", "/pages/%s/blocks" % home, None),
        ("GET", "/pages/%s/preview" % home, None), ("POST", "/pages/%s/publish" % home, {}),
        ("GET", "/pages/%s/versions" % home, None), ("POST", "/pages/%s/rollback" % home, {"version": 1}),
        ("GET", "/blocks/" + bid, None), ("PUT", "/blocks/" + bid, {"version": blocks[0]["version"], "vibeCode": "x"}),
        ("DELETE", "/blocks/" + bid, None),
        ("POST", "/blocks", {"pageId": home, "type": "text"}),
        ("GET", "/products/" + prod, None), ("PUT", "/products/" + prod, {"price": 1}),
        ("DELETE", "/products/" + prod, None),
        ("GET", "/collections/" + coll, None), ("PUT", "/collections/" + coll, {"title": "x"}),
        ("DELETE", "/collections/" + coll, None),
        ("GET", "/posts/" + post, None), ("PUT", "/posts/" + post, {"version": 1, "title": "x"}),
        ("DELETE", "/posts/" + post, None), ("POST", "/posts/%s/publish" % post, {}),
    ]
    for method, path, body in probes:
        r = stack.request(method, API + path, token=acme, json_body=body, host="acme.localhost")
        err(r, 404)
        # the demo host does not help either: the token decides the tenant
        r = stack.request(method, API + path, token=acme, json_body=body, host="demo.localhost")
        err(r, 404)
    assert snapshot() == before
    # acme's own lists hold none of demo's things
    assert all(p["slug"] != "about" for p in stack.get(API + "/pages", token=acme).json()["pages"])
    demo_ids = {p["id"] for p in stack.get(API + "/products?limit=500", token=demo).json()["products"]}
    assert not demo_ids & {p["id"] for p in stack.get(API + "/products?limit=500", token=acme).json()["products"]}
    # a collection of acme cannot take demo's product
    r = stack.post(API + "/collections", {"title": "Mine", "slug": "mine", "productIds": [prod]}, token=acme)
    err(r, 404, "not_found")
    assert stack.sql("SELECT count(*) FROM collections WHERE slug = 'mine'")[0][0] == 0


def test_posts_products_collections_crud(stack):
    t = stack.acme_token
    r = stack.post(API + "/products", {"name": "<script>x</script> Kettle", "slug": "kettle", "price": 2599,
                                       "stock": 4, "tags": ["kitchen"]}, token=t)
    assert r.status == 201, r
    pid = r.json()["id"]
    assert r.json()["price"] == 2599
    assert stack.put(API + "/products/" + pid, {"price": 2999}, token=t).json()["price"] == 2999
    page = stack.get("/products/kettle", host="acme.localhost")
    assert page.status == 200 and "$29.99" in page.text
    assert "<script>x</script>" not in page.text and "&lt;script&gt;x&lt;/script&gt; Kettle" in page.text
    err(stack.post(API + "/products", {"name": "Dup", "slug": "kettle", "price": 1}, token=t), 409, "conflict")
    err(stack.post(API + "/products", {"name": "Neg", "slug": "neg", "price": -5}, token=t), 422, "validation_error")
    r = stack.post(API + "/collections", {"title": "Kitchen", "slug": "kitchen", "productIds": [pid]}, token=t)
    assert r.status == 201 and r.json()["productIds"] == [pid]
    assert "Kettle" in stack.get("/collections/kitchen", host="acme.localhost").text
    r = stack.post(API + "/posts", {"title": 'Hello "<world>"', "slug": "hello", "content": "# Hi\n\n<script>bad()</script>\n\nText."}, token=t)
    assert r.status == 201, r
    post = r.json()["id"]
    assert stack.get("/blog/hello", host="acme.localhost").status == 404  # draft
    assert stack.post(API + "/posts/%s/publish" % post, {}, token=t).json()["status"] == "published"
    page = stack.get("/blog/hello", host="acme.localhost")
    assert page.status == 200 and "<script>bad()" not in page.text and "&lt;world&gt;" in page.text
    assert stack.delete(API + "/products/" + pid, token=t).json() == {"deleted": True}
    assert stack.get("/products/kettle", host="acme.localhost").status == 404


def test_writes_append_to_change_feed_and_audit_log(stack):
    t = stack.acme_token
    cursor = 0
    while True:  # the end of the feed, however many changes earlier tests made
        feed = stack.get(API + "/changes?since=%d" % cursor, token=t).json()
        cursor = feed["cursor"]
        if not feed["more"]:
            break
    r = stack.post(API + "/pages", {"slug": "feed-test", "title": "Feed"}, token=t)
    pid = r.json()["id"]
    ch = stack.get(API + "/changes?since=%d" % cursor, token=t).json()
    assert [(c["entity"], c["id"], c["op"]) for c in ch["changes"]] == [("page", pid, "create")]
    rows = stack.sql("SELECT action, actor FROM audit_log WHERE entity = 'page' AND entity_id = ?", pid)
    assert rows == [("page.create", "owner@acme.test")]
    # demo's feed does not show acme's change
    demo = stack.get(API + "/changes?since=%d" % cursor, token=stack.demo_token).json()["changes"]
    assert all((c["entity"], c["id"]) != ("page", pid) for c in demo)


def test_new_store_has_a_published_home_with_a_hero(stack):
    r = stack.get("/", host="acme.localhost")
    assert r.status == 200
    assert re.findall(r'data-block-type="([a-z_]+)"', r.text) == ["hero"]
    assert "failed" not in r.text
