"""Custom fields over the real stack (doc/custom-fields.md): a store defines
typed fields per resource kind; values are set through the product,
collection, page and post APIs, POS sync and Shopify CSV, checked on every
write (wrong type or unknown field: 422 naming customFields.KEY, nothing
written), and vibe code reads product.customFields.KEY. relatedProducts is
the merchant's own list, given to vibe code."""
import html

import pytest

from access_util import err
from shop import API, new_product

HOST = "cfs.localhost"


@pytest.fixture(scope="module")
def cf(stack):
    token = stack.tenant("cfs", "Custom Fields Shop")
    for res, key, typ in [("product", "material", "text"), ("product", "weight", "number"),
                          ("product", "organic", "boolean"), ("product", "launch", "date"),
                          ("product", "manual", "url"), ("product", "swatch", "media"),
                          ("product", "pairsWith", "product"), ("product", "specs", "json"),
                          ("collection", "season", "text"), ("post", "mood", "text"), ("page", "banner", "text")]:
        r = stack.post(API + "/custom-fields", {"resource": res, "key": key, "type": typ, "label": key.title()},
                       token=token, host=HOST)
        assert r.status == 201, r
    return token


def get(stack, token, path):
    r = stack.get(API + path, token=token, host=HOST)
    assert r.status == 200, r
    return r.json()


def test_definitions(stack, cf):
    fields = get(stack, cf, "/custom-fields?resource=product")["fields"]
    assert [f["key"] for f in fields] == sorted(["material", "weight", "organic", "launch", "manual", "swatch",
                                                 "pairsWith", "specs"])
    assert {f["type"] for f in fields} == {"text", "number", "boolean", "date", "url", "media", "product", "json"}
    assert len(get(stack, cf, "/custom-fields")["fields"]) == 11
    for body, field, status in [
        ({"resource": "order", "key": "x", "type": "text"}, "resource", 422),
        ({"resource": "product", "key": "x", "type": "color"}, "type", 422),
        ({"resource": "product", "key": "1x", "type": "text"}, "key", 422),
        ({"resource": "product", "key": "a-b", "type": "text"}, "key", 422),
        ({"resource": "product", "key": "x" * 65, "type": "text"}, "key", 422),
        ({"resource": "product", "type": "text"}, "key", 422),
        ({"resource": "product", "key": "material", "type": "text"}, "key", 409),
    ]:
        e = err(stack.post(API + "/custom-fields", body, token=cf, host=HOST), status)
        assert e["details"]["field"] == field, (body, e)
    e = err(stack.post(API + "/custom-fields", {"resource": "product", "key": "z", "type": "text", "color": 1},
                       token=cf, host=HOST), 422)
    assert "color" in e["message"]
    # label changes; key/type do not
    fid = fields[0]["id"]
    r = stack.put(API + "/custom-fields/%s" % fid, {"label": "Material used"}, token=cf, host=HOST)
    assert r.status == 200 and r.json()["label"] == "Material used"
    e = err(stack.put(API + "/custom-fields/%s" % fid, {"type": "number"}, token=cf, host=HOST), 422)
    assert e["details"]["field"] == "type"
    err(stack.get(API + "/custom-fields?resource=nope", token=cf, host=HOST), 422)
    # another store's field is not there
    err(stack.get(API + "/custom-fields/%s" % fid, token=stack.demo_token), 404)
    err(stack.put(API + "/custom-fields/%s" % fid, {"label": "x"}, token=stack.demo_token), 404)


def test_product_values_typed_and_shown(stack, cf):
    other = new_product(stack, cf, "cf-shade", price=900, host=HOST)
    values = {"material": "oak", "weight": 1.25, "organic": True, "launch": "2026-12-01",
              "manual": "https://example.com/manual.pdf", "swatch": "/media/cf/oak.webp",
              "pairsWith": other["id"], "specs": {"bulb": "E27", "watts": [40, 60]}}
    p = new_product(stack, cf, "cf-lamp", price=4500, host=HOST, customFields=values)
    assert p["customFields"] == dict(values, pairsWith=str(other["id"]))
    pub = stack.get("/api/products/cf-lamp", host=HOST).json()
    assert pub["customFields"]["material"] == "oak" and pub["customFields"]["specs"]["watts"] == [40, 60]
    # a write merges; null removes
    r = stack.put(API + "/products/%s" % p["id"], {"customFields": {"weight": 2, "manual": None,
                                                                      "specs": {"bulb": "E27"}}}, token=cf, host=HOST)
    assert r.status == 200, r
    got = r.json()["customFields"]
    assert got["weight"] == 2 and "manual" not in got and got["material"] == "oak"
    assert got["specs"] == {"bulb": "E27"}            # a json value is replaced whole, not merged into


@pytest.mark.parametrize("values,field", [
    ({"weight": "heavy"}, "customFields.weight"),
    ({"weight": None, "organic": "yes"}, "customFields.organic"),
    ({"launch": "next tuesday"}, "customFields.launch"),
    ({"manual": "javascript:alert(1)"}, "customFields.manual"),
    ({"swatch": ""}, "customFields.swatch"),
    ({"pairsWith": "999999999"}, "customFields.pairsWith"),
    ({"material": "x" * 10001}, "customFields.material"),
    ({"material": 5}, "customFields.material"),
    ({"colour": "red"}, "customFields.colour"),
    ({"season": "winter"}, "customFields.season"),      # a collection's field, not a product's
    ("oak", "customFields"),
])
def test_product_bad_values_refused(stack, cf, values, field):
    pid = get(stack, cf, "/products?limit=500")["products"][0]["id"]
    before = get(stack, cf, "/products/%s" % pid)
    e = err(stack.put(API + "/products/%s" % pid, {"name": "Changed", "customFields": values}, token=cf, host=HOST),
            422, "validation_error")
    assert e["details"]["field"] == field, e
    assert get(stack, cf, "/products/%s" % pid) == before           # nothing written


def test_product_reference_is_per_store(stack, cf):
    demo_product = stack.get(API + "/products?limit=1", token=stack.demo_token).json()["products"][0]["id"]
    e = err(stack.post(API + "/products", {"name": "X", "slug": "cf-x", "price": 1,
                                           "customFields": {"pairsWith": demo_product}}, token=cf, host=HOST), 422)
    assert e["details"]["field"] == "customFields.pairsWith"


def test_related_products(stack, cf):
    a = new_product(stack, cf, "cf-rel-a", price=100, host=HOST)
    b = new_product(stack, cf, "cf-rel-b", price=100, host=HOST)
    c = new_product(stack, cf, "cf-rel-c", price=100, host=HOST, relatedProducts=[a["id"], int(b["id"]), a["id"]])
    assert c["relatedProducts"] == [a["id"], b["id"]]
    assert stack.get("/api/products/cf-rel-c", host=HOST).json()["relatedProducts"] == [a["id"], b["id"]]
    demo_product = stack.get(API + "/products?limit=1", token=stack.demo_token).json()["products"][0]["id"]
    for bad, field in [([demo_product], "relatedProducts[0]"), ([a["id"], c["id"]], "relatedProducts[1]"),
                       (["x"], "relatedProducts[0]"), ("abc", "relatedProducts"), ([a["id"]] * 51, "relatedProducts")]:
        e = err(stack.put(API + "/products/%s" % c["id"], {"relatedProducts": bad}, token=cf, host=HOST), 422)
        assert e["details"]["field"] == field, (bad, e)
    r = stack.put(API + "/products/%s" % c["id"], {"relatedProducts": []}, token=cf, host=HOST)
    assert r.json()["relatedProducts"] == []


def test_vibe_code_reads_custom_fields(stack, cf):
    r = stack.post(API + "/pages", {"slug": "cf-show", "title": "Show"}, token=cf, host=HOST)
    pid = r.json()["id"]
    code = ("function render(products) {\n"
            "  const p = products.find(x => x.slug === 'cf-lamp') || { customFields: { specs: {} }, relatedProducts: [] };\n"
            "  return `<p id=\"cf\">${p.customFields.material}|${p.customFields.weight}|${p.customFields.specs.bulb}"
            "|${p.relatedProducts.length}</p>`;\n"
            "}\n")
    r = stack.post(API + "/blocks", {"pageId": pid, "type": "custom", "vibeCode": code, "config": {"limit": 100}},
                   token=cf, host=HOST)
    assert r.status == 201, r
    r = stack.post(API + "/pages/%s/publish" % pid, {}, token=cf, host=HOST)
    assert r.status == 200, r
    page = html.unescape(stack.get("/cf-show", host=HOST).text)
    assert '<p id="cf">oak|2|E27|0</p>' in page, page[-1500:]


def test_pos_sync_sets_and_checks(stack, cf):
    res = stack.post(API + "/sync/products", {"products": [
        {"posId": "CF-1", "name": "Synced", "price": 100, "customFields": {"material": "steel", "weight": 3}},
        {"posId": "CF-2", "name": "Bad", "price": 100, "customFields": {"weight": "three"}},
        {"posId": "CF-3", "name": "Unknown", "price": 100, "customFields": {"nope": 1}}]}, token=cf, host=HOST).json()
    assert (res["created"], res["failed"]) == (1, 2), res
    assert res["results"][1]["error"]["field"] == "customFields.weight"
    assert res["results"][2]["error"]["field"] == "customFields.nope"
    p = get(stack, cf, "/products/%s" % res["results"][0]["id"])
    assert p["customFields"] == {"material": "steel", "weight": 3}


def test_shopify_csv_metafields(stack, cf):
    csv = ("Handle,Title,Variant Price,Material (product.metafields.custom.material),"
           "product.metafields.custom.weight,Metafield: custom.organic [boolean]\n"
           "cf-csv-1,CSV One,5.00,linen,0.5,true\n"
           "cf-csv-2,CSV Two,5.00,wool,heavy,false\n")
    r = stack.request("POST", API + "/products/import", body=csv, token=cf, host=HOST, headers={"Content-Type": "text/csv"})
    assert r.status == 200, r
    out = r.json()
    assert (out["created"], out["failed"]) == (1, 1), out
    assert out["errors"][0]["column"] == "customFields.weight" and out["errors"][0]["row"] == 3
    one = stack.get("/api/products/cf-csv-1", host=HOST).json()
    assert one["customFields"] == {"material": "linen", "weight": 0.5, "organic": True}
    assert stack.get("/api/products/cf-csv-2", host=HOST).status == 404


def test_collections_posts_pages(stack, cf):
    r = stack.post(API + "/collections", {"title": "Winter", "slug": "cf-winter", "customFields": {"season": "winter"}},
                   token=cf, host=HOST)
    assert r.status == 201 and r.json()["customFields"] == {"season": "winter"}, r
    e = err(stack.post(API + "/collections", {"title": "W", "slug": "cf-w2", "customFields": {"material": "x"}},
                       token=cf, host=HOST), 422)
    assert e["details"]["field"] == "customFields.material"
    assert stack.sql("SELECT count(*) FROM collections WHERE slug = 'cf-w2'") == [(0,)]
    r = stack.post(API + "/posts", {"title": "Hi", "slug": "cf-post", "customFields": {"mood": "calm"}}, token=cf, host=HOST)
    assert r.status == 201 and r.json()["customFields"] == {"mood": "calm"}, r
    e = err(stack.put(API + "/posts/%s" % r.json()["id"], {"version": r.json()["version"], "customFields": {"mood": 1}},
                      token=cf, host=HOST), 422)
    assert e["details"]["field"] == "customFields.mood"
    r = stack.post(API + "/pages", {"title": "B", "slug": "cf-banner", "customFields": {"banner": "sale"}}, token=cf, host=HOST)
    assert r.status == 201 and r.json()["customFields"] == {"banner": "sale"}, r
    r2 = stack.put(API + "/pages/%s" % r.json()["id"], {"version": r.json()["version"], "customFields": {"banner": None}},
                   token=cf, host=HOST)
    assert r2.status == 200 and r2.json()["customFields"] == {}, r2


def test_deleting_a_definition_forgets_its_values(stack, cf):
    r = stack.post(API + "/custom-fields", {"resource": "product", "key": "temp", "type": "text"}, token=cf, host=HOST)
    fid = r.json()["id"]
    p = new_product(stack, cf, "cf-temp", price=100, host=HOST, customFields={"temp": "x", "material": "y"})
    assert p["customFields"] == {"temp": "x", "material": "y"}
    err(stack.delete(API + "/custom-fields/%s" % fid, token=stack.demo_token), 404)
    assert stack.delete(API + "/custom-fields/%s" % fid, token=cf, host=HOST).status == 200
    assert get(stack, cf, "/products/%s" % p["id"])["customFields"] == {"material": "y"}
    e = err(stack.put(API + "/products/%s" % p["id"], {"customFields": {"temp": "x"}}, token=cf, host=HOST), 422)
    assert e["details"]["field"] == "customFields.temp"
    err(stack.get(API + "/custom-fields/%s" % fid, token=cf, host=HOST), 404)
