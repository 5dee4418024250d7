"""A model's embeddings through a local fake of an OpenAI-compatible API:
the deliverer embeds the index in batches and again only what changed;
a shopper's query is embedded within a short budget, and a failing or
late endpoint leaves that search keyword-only, never broken."""
import pytest

from fakes import FakeOpenAI
from stack import Stack

API = "/api/cms"


@pytest.fixture(scope="module")
def emb():
    fake = FakeOpenAI()
    s = Stack(workers=1, env={"STOREFRONT_AI_BASE_URL": fake.base, "STOREFRONT_AI_EMBED_MODEL": "fake-embed",
                              "STOREFRONT_AI_EMBED_BATCH": "8", "STOREFRONT_AI_EMBED_QUERY_MS": "500",
                              "STOREFRONT_OUTBOUND_PRIVATE": "1"})
    try:
        s.start()
        s.cli("demo")
        yield s, fake
        s.stop()
    finally:
        s.cleanup()
        fake.stop()


def embed_calls(fake):
    return [r for r in fake.requests if r["path"] == "/v1/embeddings"]


def test_the_deliverer_embeds_everything_in_batches(emb):
    s, fake = emb
    r = s.cli("deliver")
    assert "embedded" in r.stdout and "fake-embed" in r.stdout, r.stdout
    docs = s.sql("SELECT count(*) FROM search_docs")[0][0]
    assert s.sql("SELECT count(*), min(dim), max(dim) FROM search_vectors WHERE model = 'fake-embed'")[0] == (docs, 64, 64)
    calls = embed_calls(fake)
    assert len(calls) >= docs // 8 and all(len(c["body"]["input"]) <= 8 for c in calls)
    assert all(c["body"]["model"] == "fake-embed" for c in calls)
    # nothing changed: nothing sent again
    n = len(embed_calls(fake))
    s.cli("deliver")
    assert len(embed_calls(fake)) == n


def test_only_changed_text_is_embedded_again(emb):
    s, fake = emb
    s.sql("UPDATE products SET name = 'Enamel Coffee Mug' WHERE slug = 'enamel-camp-mug'")
    assert s.get("/api/search?q=mug").status == 200          # the index catches up
    n = len(embed_calls(fake))
    s.cli("deliver")
    sent = [t for c in embed_calls(fake)[n:] for t in c["body"]["input"]]
    assert len(sent) == 1 and sent[0].startswith("Enamel Coffee Mug"), sent


def test_queries_use_the_model_and_fall_back_to_keywords(emb):
    s, fake = emb
    j = s.get("/api/search?q=keep+my+coffee+hot").json()
    assert j["vectors"] == "model"
    assert embed_calls(fake)[-1]["body"]["input"] == ["keep my coffee hot"]
    names = [p["name"] for p in j["products"]][:3]
    assert "Enamel Coffee Mug" in names or "Insulated Water Bottle 750 ml" in names, names
    assert s.get("/api/search?q=mug&mode=keyword").json()["vectors"] == "none"
    fake.embed_fail = True
    try:
        j = s.get("/api/search?q=rain+jacket").json()
        assert j["vectors"] == "none" and j["products"][0]["name"] == "Trailhead Rain Jacket"
    finally:
        fake.embed_fail = False
    fake.embed_delay = 2                                     # past the 500 ms budget
    try:
        r = s.get("/api/search?q=rain+jacket")
        assert r.status == 200 and r.json()["vectors"] == "none"
        assert r.json()["products"][0]["name"] == "Trailhead Rain Jacket"
    finally:
        fake.embed_delay = 0


def test_a_failing_endpoint_is_retried_later(emb):
    s, fake = emb
    s.sql("UPDATE products SET description = description || ' Now lighter.' WHERE slug = 'headlamp-200'")
    assert s.get("/api/search?q=headlamp").status == 200
    fake.embed_fail = True
    try:
        r = s.cli("deliver", check=False)
        assert "embeddings:" in r.stderr and "trying again" in r.stderr, r.stderr
    finally:
        fake.embed_fail = False
    assert "embedded 1 item" in s.cli("deliver").stdout
