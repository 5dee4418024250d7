"""A product's type (Shopify's productType, CSV "Type") and a variant's
barcode (CSV "Variant Barcode") end to end over the real stack: every write
path (admin API, POS sync, CSV import) takes them and refuses bad values by
name without writing anything; the CSV export carries them and reads back
unchanged; search finds a product by its barcode and by a type word and
offers a type facet; /products, collection pages, /api/products and vibe
code's api.getProducts filter by type (filter.p.product_type=); another
store's types are never shown."""
import csv
import io
import urllib.parse

import pytest

from access_util import API, err

HOST = "ptype.localhost"
OTHER = "ptype2.localhost"


def q(params):
    return urllib.parse.urlencode(params, doseq=True)


def search(stack, host=HOST, **params):
    r = stack.get("/api/search?" + q(params), host=host)
    assert r.status == 200, r
    return r.json()


def names(products):
    return sorted(p["name"] for p in products)


def make(stack, tok, host=HOST, **p):
    r = stack.post(API + "/products", p, token=tok, host=host)
    assert r.status == 201, r
    return r.json()


@pytest.fixture(scope="module")
def shop(stack):
    tok = stack.tenant("ptype", "Type Test Store")
    other = stack.tenant("ptype2", "Other Type Store")
    ids = {}
    ids["tent"] = make(stack, tok, name="Ridge Two", slug="ridge-two", price=20000, stock=3, productType="Tent",
                       vendor="Northpine", barcode="0845120099011")["id"]
    ids["tarp"] = make(stack, tok, name="Ridge Tarp", slug="ridge-tarp", price=6000, stock=0, productType="Shelter",
                       vendor="Northpine")["id"]
    ids["mug"] = make(stack, tok, name="Camp Mug", slug="camp-mug", price=1500, stock=9, productType="Kitchen",
                      vendor="Cedar", options=[{"name": "Colour", "values": ["Red", "Blue"]}],
                      variants=[{"option1": "Red", "sku": "MUG-R", "barcode": "4006381333931", "price": 1500, "stock": 4},
                                {"option1": "Blue", "sku": "MUG-B", "barcode": "4006381333948", "price": 1600, "stock": 5}])["id"]
    ids["bowl"] = make(stack, tok, name="Camp Bowl", slug="camp-bowl", price=1200, stock=2, productType="Kitchen")["id"]
    r = stack.post(API + "/collections", {"title": "Ridge", "slug": "ridge", "productIds": [ids["tent"], ids["tarp"]]},
                   token=tok, host=HOST)
    assert r.status == 201, r
    # the other store: a type of its own, and one product of a type this store has too
    make(stack, other, host=OTHER, name="Secret Lamp", slug="secret-lamp", price=100, stock=1, productType="Lighting",
         barcode="9999999999999")
    return {"tok": tok, "other": other, "ids": ids}


# ---- write paths ------------------------------------------------------------

def test_admin_api_writes_and_shows_type_and_barcodes(stack, shop):
    tok, ids = shop["tok"], shop["ids"]
    mug = stack.get(API + "/products/%s" % ids["mug"], token=tok, host=HOST).json()
    assert mug["productType"] == "Kitchen"
    assert [(v["sku"], v["barcode"]) for v in mug["variants"]] == [("MUG-R", "4006381333931"), ("MUG-B", "4006381333948")]
    tent = stack.get(API + "/products/%s" % ids["tent"], token=tok, host=HOST).json()
    assert (tent["productType"], tent["barcode"]) == ("Tent", "0845120099011")
    # the public JSON (vibe code's products, /api/products) in Shopify's names
    pub = stack.get("/api/products/camp-mug", host=HOST).json()
    pub = pub.get("product", pub)
    assert pub["productType"] == "Kitchen"
    assert [v["barcode"] for v in pub["variants"]] == ["4006381333931", "4006381333948"]
    # an update changes the type; a product without a type has ""
    r = stack.put(API + "/products/%s" % ids["bowl"], {"productType": "Tableware"}, token=tok, host=HOST)
    assert r.status == 200 and r.json()["productType"] == "Tableware", r
    r = stack.put(API + "/products/%s" % ids["bowl"], {"productType": "Kitchen", "barcode": ""}, token=tok, host=HOST)
    assert r.status == 200 and r.json()["productType"] == "Kitchen" and r.json()["barcode"] == "", r
    plain = make(stack, tok, name="Plain Thing", slug="plain-thing", price=100, status="draft")
    assert (plain["productType"], plain["barcode"]) == ("", "")


@pytest.mark.parametrize("body, field", [
    ({"productType": "x" * 256}, "productType"),
    ({"productType": "Tent\nDrop"}, "productType"),
    ({"productType": 7}, "productType"),
    ({"barcode": "0845 1200"}, "barcode"),
    ({"barcode": "1" * 65}, "barcode"),
    ({"barcode": "café"}, "barcode"),
    ({"variants": [{"option1": "Red", "price": 1500, "barcode": "bad code"}]}, "variants[0].barcode"),
    ({"variants": [{"option1": "Red", "price": 1500, "barcode": ["x"]}]}, "variants[0].barcode"),
])
def test_admin_api_refuses_bad_values_by_name_and_writes_nothing(stack, shop, body, field):
    tok, ids = shop["tok"], shop["ids"]
    before = stack.get(API + "/products/%s" % ids["mug"], token=tok, host=HOST).json()
    change = dict(body, name="Renamed Mug")
    e = err(stack.put(API + "/products/%s" % ids["mug"], change, token=tok, host=HOST), 422)
    assert e["details"]["field"] == field, e
    after = stack.get(API + "/products/%s" % ids["mug"], token=tok, host=HOST).json()
    assert after == before
    # a new product with the same bad value is not made
    e = err(stack.post(API + "/products", dict(body, name="Never", slug="never-made", price=1), token=tok, host=HOST), 422)
    assert e["details"]["field"] == field, e
    assert stack.get("/api/products/never-made", host=HOST).status == 404


def test_pos_sync_takes_type_and_barcodes_and_refuses_bad_items_alone(stack, shop):
    tok = shop["tok"]
    res = stack.post(API + "/sync/products", {"products": [
        {"posId": "PT-1", "name": "Trail Stool", "price": 2500, "stock": 1, "productType": "Furniture",
         "barcode": "5012345678900"},
        {"posId": "PT-2", "name": "Trail Table", "productType": "Furniture",
         "options": [{"name": "Size", "values": ["S", "L"]}],
         "variants": [{"posId": "PT-2-S", "option1": "S", "price": 4000, "barcode": "5012345678917"},
                      {"posId": "PT-2-L", "option1": "L", "price": 5000, "barcode": "5012345678924"}]},
        {"posId": "PT-3", "name": "Bad Type", "price": 1, "productType": "a\tb"},
        {"posId": "PT-4", "name": "Bad Barcode", "variants": [{"option1": "S", "price": 1, "barcode": "no spaces"}]},
    ]}, token=tok, host=HOST)
    assert r_ok(res)
    res = res.json()
    assert (res["created"], res["failed"]) == (2, 2), res
    assert res["results"][2]["error"]["field"] == "productType"
    assert res["results"][3]["error"]["field"] == "variants[0].barcode"
    assert stack.sql("SELECT count(*) FROM products WHERE pos_id IN ('PT-3', 'PT-4')")[0][0] == 0
    table = stack.get(API + "/products/%s" % res["results"][1]["id"], token=tok, host=HOST).json()
    assert table["productType"] == "Furniture"
    assert [v["barcode"] for v in table["variants"]] == ["5012345678917", "5012345678924"]
    # sending again without the fields keeps them; sending them changes them
    again = stack.post(API + "/sync/products", {"products": [
        {"posId": "PT-2", "name": "Trail Table",
         "variants": [{"posId": "PT-2-S", "option1": "S", "price": 4000},
                      {"posId": "PT-2-L", "option1": "L", "price": 5000, "barcode": "5012345678931"}]},
        {"posId": "PT-1", "productType": "Seating"}]}, token=tok, host=HOST).json()
    assert again["updated"] == 2, again
    table = stack.get(API + "/products/%s" % res["results"][1]["id"], token=tok, host=HOST).json()
    assert table["productType"] == "Furniture"
    assert [v["barcode"] for v in table["variants"]] == ["5012345678917", "5012345678931"]
    stool = stack.get(API + "/products/%s" % res["results"][0]["id"], token=tok, host=HOST).json()
    assert (stool["productType"], stool["barcode"]) == ("Seating", "5012345678900")


def test_pos_sets_stock_by_a_scanned_barcode(stack, shop):
    tok, ids = shop["tok"], shop["ids"]
    res = stack.post(API + "/sync/inventory", {"items": [
        {"barcode": "4006381333931", "set": 11},        # a variant's
        {"barcode": "0845120099011", "adjust": -1},     # a product without variants
        {"barcode": "9999999999999", "set": 1},         # the other store's: not found here
        {"barcode": "bad code", "set": 1}]}, token=tok, host=HOST)
    assert res.status == 200, res
    res = res.json()
    assert [x["status"] for x in res["results"]] == ["updated", "updated", "error", "error"], res
    assert [x["error"]["field"] for x in res["results"][2:]] == ["barcode", "barcode"], res
    mug = stack.get(API + "/products/%s" % ids["mug"], token=tok, host=HOST).json()
    assert [v["stock"] for v in mug["variants"]] == [11, 5]
    assert stack.get(API + "/products/%s" % ids["tent"], token=tok, host=HOST).json()["stock"] == 2
    lamp = stack.sql("SELECT stock FROM products WHERE barcode = '9999999999999'")
    assert lamp == [(1,)]


def r_ok(r):
    assert r.status == 200, r
    return True


# ---- CSV ----------------------------------------------------------------------

HEADER = ["Handle", "Title", "Body (HTML)", "Vendor", "Type", "Tags", "Published", "Option1 Name", "Option1 Value",
          "Variant SKU", "Variant Barcode", "Variant Price", "Variant Inventory Qty", "Variant Inventory Tracker",
          "Status"]


def shopify_csv(rows):
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=HEADER, lineterminator="\n")
    w.writeheader()
    for r in rows:
        w.writerow({k: r.get(k, "") for k in HEADER})
    return buf.getvalue()


def import_csv(stack, tok, text, host=HOST):
    r = stack.request("POST", API + "/products/import", body=text, token=tok, host=host,
                      headers={"Content-Type": "text/csv"})
    assert r.status == 200, r
    return r.json()


def export_csv(stack, tok, host=HOST):
    r = stack.get(API + "/products.csv", token=tok, host=host)
    assert r.status == 200, r
    assert r.header("Content-Type").startswith("text/csv")
    return list(csv.DictReader(io.StringIO(r.text)))


def test_csv_import_export_round_trip(stack):
    tok = stack.tenant("ptcsv", "CSV Type Store")
    res = import_csv(stack, tok, shopify_csv([
        {"Handle": "enamel-plate", "Title": "Enamel Plate", "Body (HTML)": "<p>Speckled &amp; light.</p>",
         "Vendor": "Cedar", "Type": "Tableware", "Tags": "camp, kitchen", "Published": "TRUE",
         "Option1 Name": "Colour", "Option1 Value": "Blue", "Variant SKU": "PL-B", "Variant Barcode": "4006381333955",
         "Variant Price": "12.00", "Variant Inventory Qty": "3", "Variant Inventory Tracker": "shopify", "Status": "active"},
        {"Handle": "enamel-plate", "Option1 Value": "Green", "Variant SKU": "PL-G", "Variant Barcode": "4006381333962",
         "Variant Price": "12.50", "Variant Inventory Qty": "1", "Variant Inventory Tracker": "shopify"},
        {"Handle": "fire-steel", "Title": "Fire Steel", "Type": "Fire", "Published": "TRUE",
         "Option1 Name": "Title", "Option1 Value": "Default Title", "Variant SKU": "FS-1",
         "Variant Barcode": "0845120000017", "Variant Price": "9.00", "Variant Inventory Qty": "7",
         "Variant Inventory Tracker": "shopify", "Status": "active"},
        # a bad barcode: the product is left out and the row and column named
        {"Handle": "bad-one", "Title": "Bad One", "Type": "Fire", "Option1 Name": "Title",
         "Option1 Value": "Default Title", "Variant Barcode": "12 34", "Variant Price": "1.00"},
    ]))
    assert (res["created"], res["failed"]) == (2, 1), res
    assert [(e["row"], e["column"]) for e in res["errors"]] == [(5, "Variant Barcode")], res
    admin = {p["slug"]: p for p in stack.get(API + "/products?limit=100", token=tok, host="ptcsv.localhost").json()["products"]}
    assert set(admin) == {"enamel-plate", "fire-steel"}
    plate, steel = admin["enamel-plate"], admin["fire-steel"]
    assert plate["productType"] == "Tableware"
    assert [(v["sku"], v["barcode"]) for v in plate["variants"]] == [("PL-B", "4006381333955"), ("PL-G", "4006381333962")]
    assert (steel["productType"], steel["barcode"], steel["sku"]) == ("Fire", "0845120000017", "FS-1")

    rows = export_csv(stack, tok, host="ptcsv.localhost")
    by = [(r["Handle"], r["Type"], r["Option1 Value"], r["Variant SKU"], r["Variant Barcode"], r["Variant Price"])
          for r in rows]
    assert by == [("enamel-plate", "Tableware", "Blue", "PL-B", "4006381333955", "12.00"),
                  ("enamel-plate", "", "Green", "PL-G", "4006381333962", "12.50"),
                  ("fire-steel", "Fire", "Default Title", "FS-1", "0845120000017", "9.00")], by
    assert rows[0]["Title"] == "Enamel Plate" and rows[0]["Tags"] == "camp, kitchen" and rows[0]["Option1 Name"] == "Colour"

    # the export read back changes nothing (products matched by handle, not doubled)
    text = stack.get(API + "/products.csv", token=tok, host="ptcsv.localhost").text
    res = import_csv(stack, tok, text, host="ptcsv.localhost")
    assert (res["created"], res["updated"], res["failed"]) == (0, 2, 0), res
    again = {p["slug"]: p for p in stack.get(API + "/products?limit=100", token=tok, host="ptcsv.localhost").json()["products"]}
    for slug in admin:
        for k in ("name", "description", "productType", "barcode", "sku", "price", "vendor", "tags", "stock",
                  "trackInventory", "inventoryPolicy", "options", "status"):
            assert again[slug][k] == admin[slug][k], (slug, k, again[slug][k], admin[slug][k])
        assert [(v["sku"], v["barcode"], v["price"], v["id"]) for v in again[slug]["variants"]] == \
            [(v["sku"], v["barcode"], v["price"], v["id"]) for v in admin[slug]["variants"]]
    # the export is this store's only
    assert "enamel-plate" not in stack.get(API + "/products.csv", token=stack.demo_token).text


# ---- search ---------------------------------------------------------------------

def test_search_by_barcode_and_type_word(stack, shop):
    for mode in ("keyword", "hybrid"):
        assert search(stack, q="4006381333948", mode=mode)["products"][0]["name"] == "Camp Mug", mode
        assert search(stack, q="0845120099011", mode=mode)["products"][0]["name"] == "Ridge Two", mode
    # a barcode's start finds it as you type
    r = stack.get("/api/search/suggest?q=40063813", host=HOST)
    assert "Camp Mug" in [p["title"] for p in r.json()["resources"]["results"]["products"]], r.json()
    assert [p["name"] for p in search(stack, q="tent", mode="keyword")["products"]] == ["Ridge Two"]
    assert names(search(stack, q="kitchen", mode="keyword")["products"]) == ["Camp Bowl", "Camp Mug"]
    # a type change reaches the index (the trigger marks the product)
    tok, ids = shop["tok"], shop["ids"]
    assert stack.put(API + "/products/%s" % ids["tarp"], {"productType": "Bivouac"}, token=tok, host=HOST).status == 200
    assert [p["name"] for p in search(stack, q="bivouac", mode="keyword")["products"]] == ["Ridge Tarp"]
    assert stack.put(API + "/products/%s" % ids["tarp"], {"productType": "Shelter"}, token=tok, host=HOST).status == 200
    assert search(stack, q="bivouac", mode="keyword")["products"] == []
    # a barcode changed behind the API's back is caught up with too
    stack.sql("UPDATE variants SET barcode = '7777777777777' WHERE sku = 'MUG-B' AND tenant_id = "
              "(SELECT id FROM tenants WHERE username = 'ptype')")
    assert [p["name"] for p in search(stack, q="7777777777777", mode="keyword")["products"]] == ["Camp Mug"]
    (codes,) = stack.sql("SELECT codes FROM search_docs WHERE kind = 'product' AND item_id = ?", int(ids["mug"]))[0]
    assert "7777777777777" in codes and "4006381333948" not in codes, codes
    stack.sql("UPDATE variants SET barcode = '4006381333948' WHERE sku = 'MUG-B' AND tenant_id = "
              "(SELECT id FROM tenants WHERE username = 'ptype')")


def test_type_facet_counts_and_filter(stack, shop):
    res = search(stack, q="ridge camp", mode="keyword")
    types = {v["value"]: v["count"] for v in res["facets"]["types"]}
    assert types == {"Tent": 1, "Shelter": 1, "Kitchen": 2}, res["facets"]
    res = search(stack, q="ridge camp", mode="keyword", **{"filter.p.product_type": "Kitchen"})
    assert names(res["products"]) == ["Camp Bowl", "Camp Mug"]
    # the type facet still offers the others (disjunctive), the chosen one selected
    facet = {v["value"]: (v["count"], v["selected"]) for v in res["facets"]["types"]}
    assert facet == {"Tent": (1, False), "Shelter": (1, False), "Kitchen": (2, True)}, facet
    # other filters narrow the type counts
    res = search(stack, q="ridge camp", mode="keyword", **{"filter.p.vendor": "Northpine"})
    assert {v["value"]: v["count"] for v in res["facets"]["types"]} == {"Tent": 1, "Shelter": 1}
    res = search(stack, q="ridge camp", mode="keyword", **{"filter.p.product_type": ["Tent", "Shelter"]})
    assert names(res["products"]) == ["Ridge Tarp", "Ridge Two"]
    # the results page: a Type group of links that filter
    page = stack.get("/search?" + q({"q": "ridge camp"}), host=HOST).text
    assert ">Type</h2>" in page and "filter.p.product_type=Kitchen" in page


def test_another_store_never_sees_these_types(stack, shop):
    assert search(stack, host=OTHER, q="0845120099011", mode="keyword")["products"] == []
    assert search(stack, host=OTHER, q="kitchen", mode="keyword")["products"] == []
    res = search(stack, host=OTHER, q="lamp")
    assert [v["value"] for v in res["facets"]["types"]] == ["Lighting"]
    assert "Lighting" not in str(search(stack, q="ridge camp lamp")["facets"])
    assert search(stack, q="9999999999999", mode="keyword")["products"] == []
    r = stack.get("/api/products?" + q({"filter.p.product_type": "Kitchen"}), host=OTHER)
    assert r.status == 200 and r.json()["products"] == []
    page = stack.get("/products", host=OTHER).text
    assert "Kitchen" not in page and "filter.p.product_type" not in page   # one type: no choice to offer
    page = stack.get("/products", host=HOST).text
    assert "Lighting" not in page


# ---- browsing ---------------------------------------------------------------------

def test_products_filter_by_type(stack, shop):
    r = stack.get("/api/products?" + q({"filter.p.product_type": "Kitchen"}), host=HOST)
    assert r.status == 200, r
    assert names(r.json()["products"]) == ["Camp Bowl", "Camp Mug"]
    r = stack.get("/api/products?" + q({"filter.p.product_type": ["Tent", "Shelter"], "sort_by": "price-ascending"}),
                  host=HOST)
    assert [p["name"] for p in r.json()["products"]] == ["Ridge Tarp", "Ridge Two"]
    r = stack.get("/api/products?" + q({"filter.p.product_type": "Kitchen", "filter.v.availability": "1",
                                        "filter.v.price.lte": "14"}), host=HOST)
    assert names(r.json()["products"]) == ["Camp Bowl"]
    assert stack.get("/api/products?" + q({"filter.p.product_type": "Nope"}), host=HOST).json()["products"] == []
    e = err(stack.get("/api/products?" + q({"filter.p.product_type": "x" * 300}), host=HOST), 422)
    assert e["details"]["field"] == "filter.p.product_type", e
    # the no-JS filter form: a Type group with each type, the chosen one checked
    page = stack.get("/products?" + q({"filter.p.product_type": "Kitchen"}), host=HOST).text
    assert "<legend>Type</legend>" in page
    for t in ("Tent", "Shelter", "Kitchen"):
        assert 'name="filter.p.product_type" value="%s"' % t in page
    assert 'name="filter.p.product_type" value="Kitchen" checked' in page
    assert 'name="filter.p.product_type" value="Tent" checked' not in page
    assert "Camp Mug" in page and "Ridge Two" not in page
    # a collection page filters within the collection
    page = stack.get("/collections/ridge?" + q({"filter.p.product_type": "Tent"}), host=HOST).text
    assert "Ridge Two" in page and "Ridge Tarp" not in page and "Camp Mug" not in page
    r = stack.get("/api/products?" + q({"collection": "ridge", "filter.p.product_type": "Shelter"}), host=HOST)
    assert names(r.json()["products"]) == ["Ridge Tarp"]


def test_vibe_api_get_products_by_type(stack, shop, tmp_path):
    code = tmp_path / "block.js"
    code.write_text("function render(api, products) {\n"
                    "  const k = api.getProducts({productType: 'Kitchen'}).map(p => p.name).sort();\n"
                    "  const two = api.getProducts({productTypes: ['Tent', 'Shelter']}).length;\n"
                    "  const mug = products.find(p => p.slug === 'camp-mug');\n"
                    "  const hit = api.search('4006381333931', 1).map(p => p.name);\n"
                    "  return k.join('|') + '#' + two + '#' + mug.productType + '#'\n"
                    "    + mug.variants.map(v => v.barcode).join('|') + '#' + hit.join('|');\n"
                    "}\n")
    out = stack.cli("vibe", "render", str(code), "--tenant", "ptype").stdout.strip()
    assert out == "Camp Bowl|Camp Mug#2#Kitchen#4006381333931|4006381333948#Camp Mug", out


def test_demo_store_has_types_and_barcodes(stack):
    page = stack.get("/products").text
    assert "<legend>Type</legend>" in page and 'value="Outerwear"' in page
    r = stack.get("/api/products?" + q({"filter.p.product_type": "Footwear", "limit": 50}))
    assert names(r.json()["products"]) == ["Canyon Hiking Boots", "Merino Trail Socks (2-pack)"]
    jacket = stack.get("/api/products/trailhead-rain-jacket").json()
    jacket = jacket.get("product", jacket)
    assert jacket["productType"] == "Outerwear" and len(jacket["barcode"]) == 13
    assert search(stack, host="demo.localhost", q=jacket["barcode"])["products"][0]["name"] == "Trailhead Rain Jacket"
    assert "types" in search(stack, host="demo.localhost", q="trail")["facets"]
