"""The workers' copies of a store's vectors (embed.c, doc/search.md,
"Speed"): hybrid search compares the query with a copy kept in each
worker, checked against the store's content_version. These tests load
the copies (several searches, so every worker of the pool has one), then
change the store's text through the admin API and behind its back (a
hand-made UPDATE, indexed by the next search's catch-up), and expect the
very next searches to rank by the new vectors, never the copy's."""
import urllib.parse

import pytest

from access_util import API

HOST = "vcache.localhost"
# No word of the store is within two edits of it (no "did you mean"), so
# only the vectors (shared character trigrams) can find a product for it.
QUERY = "qwertyhose"
ROUNDS = 6   # searches per check: every worker of the pool answers some


def found(stack):
    """Product names of a hybrid search for QUERY, the same from every answer."""
    seen = set()
    for _ in range(ROUNDS):
        r = stack.get("/api/search?" + urllib.parse.urlencode({"q": QUERY}), host=HOST)
        assert r.status == 200, r
        j = r.json()
        assert j["vectors"] == "offline" and j["didYouMean"] is None, j
        seen.add(tuple(sorted(p["name"] for p in j["products"])))
    assert len(seen) == 1, seen          # no worker answers from an old copy
    return set(seen.pop())


@pytest.fixture(scope="module")
def store(stack):
    tok = stack.tenant("vcache", "Vector Cache Store")
    ids = {}
    for slug, name in [("a", "Xqwertyhoseab"), ("b", "Plain Teapot"), ("c", "Copper Kettle")]:
        r = stack.post(API + "/products", {"name": name, "slug": slug, "price": 1000, "stock": 3}, token=tok, host=HOST)
        assert r.status == 201, r
        ids[slug] = r.json()["id"]
    return {"tok": tok, "ids": ids}


def rename(stack, store, slug, name):
    r = stack.put(API + "/products/" + store["ids"][slug], {"name": name}, token=store["tok"], host=HOST)
    assert r.status == 200, r


def test_an_api_change_reaches_every_workers_copy(stack, store):
    assert found(stack) == {"Xqwertyhoseab"}           # by its vector alone: no keyword matches
    rename(stack, store, "a", "Plain Mug")
    rename(stack, store, "b", "Yqwertyhosecd Teapot")
    assert found(stack) == {"Yqwertyhosecd Teapot"}
    rename(stack, store, "b", "Plain Teapot")
    assert found(stack) == set()


def test_a_change_behind_the_apis_back_is_seen_after_the_catch_up(stack, store):
    assert found(stack) == set()
    stack.sql("UPDATE products SET name = 'Zqwertyhoseef Kettle' WHERE slug = 'c' AND "
              "tenant_id = (SELECT id FROM tenants WHERE username = 'vcache')")
    assert found(stack) == {"Zqwertyhoseef Kettle"}    # the search's catch-up indexed it, the copy followed
    stack.sql("DELETE FROM products WHERE slug = 'c' AND tenant_id = (SELECT id FROM tenants WHERE username = 'vcache')")
    assert found(stack) == set()                      # a removed document is gone from the copy too


def test_a_reindex_keeps_the_same_answers(stack, store):
    rename(stack, store, "a", "Xqwertyhoseab")
    before = found(stack)
    assert before == {"Xqwertyhoseab"}
    r = stack.cli("reindex", "vcache")
    assert r.returncode == 0, r.stderr
    assert found(stack) == before


def suggested(stack, prefix):
    """Product titles suggested for prefix (limit 1: the worker's copy of titles answers when one matches)."""
    seen = set()
    for _ in range(ROUNDS):
        r = stack.get("/api/search/suggest?" + urllib.parse.urlencode({"q": prefix, "limit": 1}), host=HOST)
        assert r.status == 200, r
        seen.add(tuple(p["title"] for p in r.json()["resources"]["results"]["products"]))
    assert len(seen) == 1, seen
    return list(seen.pop())


def test_suggestions_follow_renames_in_every_worker(stack, store):
    rename(stack, store, "b", "Quokka Teapot")
    assert suggested(stack, "quok") == ["Quokka Teapot"]
    rename(stack, store, "b", "Wombat Teapot")
    assert suggested(stack, "quok") == []
    assert suggested(stack, "womb") == ["Wombat Teapot"]
    stack.sql("UPDATE products SET name = 'Quokka Kettle' WHERE slug = 'b' AND "
              "tenant_id = (SELECT id FROM tenants WHERE username = 'vcache')")
    assert suggested(stack, "womb") == []             # the catch-up indexed it, the copy followed
    assert suggested(stack, "quokka ke") == ["Quokka Kettle"]


def test_suggestions_from_the_copy_match_synonyms_as_phrases(stack, store):
    r = stack.put(API + "/search/synonyms", {"synonyms": [["marsupial", "quokka kettle"]]}, token=store["tok"], host=HOST)
    assert r.status == 200, r
    assert suggested(stack, "marsupial") == ["Quokka Kettle"]      # the two-word synonym, in the title
    assert suggested(stack, "quokka kettles") == ["Quokka Kettle"]  # a plural's singular, as a prefix
