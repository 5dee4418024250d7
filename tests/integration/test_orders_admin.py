"""Admin side of commerce: orders (filters, pagination, fulfil, cancel with
one restock, manual payment and refunds), discounts, settings, variants,
inventory, POS sync and Shopify CSV import (API and CLI)."""
import os
import subprocess
import time

from shop import API, Shopper, new_product, stock_of
from stack import CLI


def err(r, status, code=None):
    assert r.status == status, r
    e = r.json()["error"]
    if code:
        assert e["code"] == code, e
    return e


def place(stack, pid, qty=1, **kw):
    s = Shopper(stack)
    assert s.add(pid, qty).status == 200
    r = s.checkout(**kw)
    assert r.status == 201, r
    return r.json()["order"]


def test_orders_list_filters_and_pagination(stack):
    t = stack.demo_token
    p = new_product(stack, t, "adm-orders-cup", price=1000, stock=50)
    made = [place(stack, p["id"]) for _ in range(3)]
    r = stack.get(API + "/orders?limit=2", token=t)
    assert r.status == 200, r
    page = r.json()
    assert len(page["orders"]) == 2 and page["total"] >= 3 and page["limit"] == 2
    assert page["orders"][0]["id"] == made[-1]["id"]                      # newest first
    page2 = stack.get(API + "/orders?limit=2&offset=2", token=t).json()
    assert page2["orders"][0]["id"] not in {o["id"] for o in page["orders"]}
    o = stack.get(API + "/orders/%s" % made[0]["id"], token=t).json()
    assert o["total"] == 1500 and o["items"][0]["unitPrice"] == 1000 and o["paymentStatus"] == "pending"
    today = time.strftime("%Y-%m-%d", time.gmtime())
    assert stack.get(API + "/orders?from=%s&to=%s" % (today, today), token=t).json()["total"] >= 3
    assert stack.get(API + "/orders?to=2000-01-01", token=t).json()["total"] == 0
    assert stack.get(API + "/orders?status=cancelled&limit=500", token=t).status == 200
    by_num = stack.get(API + "/orders?q=%d" % made[1]["number"], token=t).json()
    assert by_num["total"] == 1 and by_num["orders"][0]["id"] == made[1]["id"]
    assert stack.get(API + "/orders?q=SHOPPER@example.com&limit=500", token=t).json()["total"] >= 3
    assert stack.get(API + "/orders?q=nobody@example.com", token=t).json()["total"] == 0
    for q, field in (("status=lost", "status"), ("limit=0", "limit"), ("from=yesterday", "from"), ("offset=-1", "offset")):
        assert err(stack.get(API + "/orders?" + q, token=t), 422)["details"]["field"] == field
    # tenant isolation: acme sees none of demo's orders
    err(stack.get(API + "/orders/%s" % made[0]["id"], token=stack.acme_token), 404)
    assert all(x["id"] not in {m["id"] for m in made}
               for x in stack.get(API + "/orders", token=stack.acme_token).json()["orders"])
    err(stack.post(API + "/orders/%s/cancel" % made[0]["id"], {}, token=stack.acme_token), 404)
    err(stack.get(API + "/orders"), 401)


def test_fulfil_cancel_restock_once_paid_refund(stack):
    t = stack.demo_token
    p = new_product(stack, t, "adm-orders-bowl", price=2000, stock=10)
    a = place(stack, p["id"], 3)
    assert stock_of(stack, p["id"]) == 7
    r = stack.post(API + "/orders/%s/cancel" % a["id"], {"reason": "changed mind"}, token=t)
    assert r.status == 200 and r.json()["status"] == "cancelled", r
    assert stock_of(stack, p["id"]) == 10
    err(stack.post(API + "/orders/%s/cancel" % a["id"], {}, token=t), 409, "invalid_state")
    assert stock_of(stack, p["id"]) == 10                                 # restocked once
    err(stack.post(API + "/orders/%s/fulfil" % a["id"], {}, token=t), 409)
    b = place(stack, p["id"], 2)
    r = stack.post(API + "/orders/%s/fulfil" % b["id"], {"trackingNumber": "1Z999", "trackingUrl": "https://track.example/1Z999"}, token=t)
    assert r.status == 200 and r.json()["fulfillmentStatus"] == "fulfilled" and r.json()["trackingNumber"] == "1Z999"
    err(stack.post(API + "/orders/%s/fulfil" % b["id"], {}, token=t), 409)
    err(stack.post(API + "/orders/%s/cancel" % b["id"], {}, token=t), 409)
    err(stack.post(API + "/orders/%s/fulfil" % b["id"], {"trackingUrl": "javascript:alert(1)"}, token=t), 422)
    # manual payment then refunds
    err(stack.post(API + "/orders/%s/refund" % b["id"], {}, token=t), 409)   # not paid yet
    assert stack.post(API + "/orders/%s/paid" % b["id"], {}, token=t).json()["paymentStatus"] == "paid"
    err(stack.post(API + "/orders/%s/paid" % b["id"], {}, token=t), 409)
    total = b["total"] * 100
    r = stack.post(API + "/orders/%s/refund" % b["id"], {"amount": 1000}, token=t)
    assert r.json()["paymentStatus"] == "partially_refunded" and r.json()["refunded"] == 1000
    err(stack.post(API + "/orders/%s/refund" % b["id"], {"amount": int(total)}, token=t), 422)
    r = stack.post(API + "/orders/%s/refund" % b["id"], {}, token=t)
    assert r.json()["paymentStatus"] == "refunded" and r.json()["refunded"] == int(round(total))
    # the feed shows the updates
    ch = stack.get(API + "/changes?since=0&limit=1000", token=t).json()["changes"]
    assert sum(1 for c in ch if c["entity"] == "order" and c["id"] == b["id"] and c["op"] == "update") >= 3
    # the confirmation page shows the tracking number
    assert "1Z999" in stack.get(b["url"]).text


def test_discounts_api(stack):
    t = stack.demo_token
    r = stack.post(API + "/discounts", {"code": "SAVE5", "kind": "fixed", "value": 500, "usageLimit": 10,
                                        "expiresAt": "2099-01-01"}, token=t)
    assert r.status == 201, r
    d = r.json()
    assert d["code"] == "SAVE5" and d["used"] == 0 and d["expiresAt"].startswith("2099-01-01")
    err(stack.post(API + "/discounts", {"code": "save5", "kind": "fixed", "value": 500}, token=t), 409)
    err(stack.post(API + "/discounts", {"code": "BAD CODE", "kind": "fixed", "value": 1}, token=t), 422)
    err(stack.post(API + "/discounts", {"code": "PCT", "kind": "percent", "value": 150}, token=t), 422)
    err(stack.post(API + "/discounts", {"code": "X", "kind": "bogo", "value": 1}, token=t), 422)
    p = new_product(stack, t, "disc-api-hat", price=2000, stock=5)
    o = place(stack, p["id"], 1, discountCode="save5")
    assert o["discount"] == 5.0 and o["total"] == 20.0
    assert [x for x in stack.get(API + "/discounts", token=t).json()["discounts"] if x["code"] == "SAVE5"][0]["used"] == 1
    assert stack.delete(API + "/discounts/" + d["id"], token=t).status == 200
    err(stack.delete(API + "/discounts/" + d["id"], token=t), 404)


def test_settings_validation(stack):
    t = stack.demo_token
    for body, field in (({"tax": {"rateBps": 20000}}, "tax"), ({"shippingMethods": []}, "shippingMethods"),
                        ({"shippingMethods": [{"id": "x", "kind": "drone", "name": "X"}]}, "shippingMethods"),
                        ({"paymentMethods": ["cash"]}, "paymentMethods"), ({"bogus": 1}, "bogus"),
                        ({"posWebhook": {"url": "ftp://x", "secret": ""}}, "posWebhook")):
        assert err(stack.put(API + "/commerce/settings", body, token=t), 422)["details"]["field"] == field
    s = stack.get(API + "/commerce/settings", token=t).json()
    assert [m["id"] for m in s["shippingMethods"]] == ["standard", "express", "pickup"]
    # staff may read, not write; editors neither
    assert stack.get(API + "/commerce/settings", token=stack.acme_token).json()["paymentMethods"] == ["manual"]


def test_product_variants_crud(stack):
    t = stack.demo_token
    p = new_product(stack, t, "var-tee", price=0, stock=0, options=[{"name": "Size", "values": ["S", "M"]}],
                    variants=[{"option1": "S", "sku": "VT-S", "price": 1500, "stock": 3},
                              {"option1": "M", "sku": "VT-M", "price": 1600, "stock": 0}])
    assert [v["title"] for v in p["variants"]] == ["S", "M"] and p["price"] == 1500
    ids = [v["id"] for v in p["variants"]]
    # re-send: matched by SKU, ids kept; a removed variant goes
    r = stack.put(API + "/products/%s/variants" % p["id"],
                  {"variants": [{"sku": "VT-S", "option1": "S", "price": 1400, "stock": 5}]}, token=t)
    assert r.status == 200, r
    assert [v["id"] for v in r.json()["variants"]] == ids[:1] and r.json()["variants"][0]["stock"] == 5
    assert r.json()["price"] == 1400 and r.json()["stock"] == 5          # a variant product's stock is its variants' sum
    err(stack.put(API + "/products/%s/variants" % p["id"], {"variants": [{"option1": "L"}]}, token=t), 422)
    e = err(stack.put(API + "/products/%s/variants" % p["id"], {"variants": [{"sku": "X", "price": -1}]}, token=t), 422)
    assert e["details"]["field"] == "variants[0].price"
    err(stack.put(API + "/products/999999/variants", {"variants": []}, token=t), 404)
    # storefront: variants in major units, a variant must be chosen when there are several
    stack.put(API + "/products/%s/variants" % p["id"], {"variants": [
        {"sku": "VT-S", "option1": "S", "price": 1400, "stock": 5}, {"sku": "VT-L", "option1": "L", "price": 1800, "stock": 1}]}, token=t)
    page = stack.get("/products/var-tee")
    assert page.status == 200
    s = Shopper(stack)
    assert err(s.add(p["id"], 1), 422)["details"]["field"] == "variantId"
    got = stack.get(API + "/products/%s" % p["id"], token=t).json()
    vl = [v for v in got["variants"] if v["sku"] == "VT-L"][0]
    assert s.add(p["id"], 1, vl["id"]).json()["items"][0]["variantTitle"] == "L"
    e = err(s.add(p["id"], 1, vl["id"]), 409, "out_of_stock")
    assert "VT" not in e["message"] and "L" in e["message"]
    other = new_product(stack, t, "var-other", price=100, stock=1)
    err(s.add(other["id"], 1, vl["id"]), 404)                              # a variant of another product


def test_pos_sync_products_and_inventory(stack):
    t = stack.demo_token
    items = [{"posId": "P-%d" % i, "name": "POS Item %d" % i, "price": 100 * (i + 1), "stock": i, "sku": "POS-%d" % i}
             for i in range(5)]
    items.append({"posId": "P-bad", "name": "", "price": 1})
    items.append({"posId": "P-var", "name": "POS Shirt", "options": [{"name": "Size", "values": ["S", "M"]}],
                  "variants": [{"posId": "PV-S", "option1": "S", "sku": "POS-SH-S", "price": 900, "stock": 2},
                               {"posId": "PV-M", "option1": "M", "sku": "POS-SH-M", "price": 900, "stock": 4}]})
    items.append({"name": "no pos id", "price": 5})
    r = stack.post(API + "/sync/products", {"products": items}, token=t)
    assert r.status == 200, r
    res = r.json()
    assert (res["created"], res["updated"], res["failed"]) == (6, 0, 2), res
    assert res["results"][5]["status"] == "error" and res["results"][5]["error"]["field"] == "name"
    assert res["results"][7]["error"]["field"] == "posId"
    # idempotent: the same call updates, never duplicates
    items[0]["price"] = 999
    res = stack.post(API + "/sync/products", {"products": items}, token=t).json()
    assert (res["created"], res["updated"], res["failed"]) == (0, 6, 2), res
    assert stack.sql("SELECT count(*), max(price) FROM products WHERE pos_id = 'P-0'")[0] == (1, 999)
    assert stack.sql("SELECT count(*) FROM variants WHERE pos_id IN ('PV-S', 'PV-M')")[0][0] == 2
    # inventory by SKU: set and adjust, per-item errors
    r = stack.post(API + "/sync/inventory", {"items": [
        {"sku": "POS-1", "set": 40}, {"sku": "POS-SH-M", "adjust": -3}, {"posId": "PV-S", "adjust": 5},
        {"sku": "POS-2", "adjust": -100}, {"sku": "NOPE", "set": 1}, {"sku": "POS-3", "set": 1, "adjust": 1},
        {"sku": "POS-SH-S", "set": -1}]}, token=t)
    assert r.status == 200, r
    res = r.json()
    assert [x["status"] for x in res["results"]] == ["updated"] * 3 + ["error"] * 4, res
    assert [x.get("stock") for x in res["results"][:3]] == [40, 1, 7]
    assert "below zero" in res["results"][3]["error"]["message"]
    assert stack.sql("SELECT stock FROM products WHERE pos_id = 'P-2'")[0][0] == 2          # untouched
    inv = stack.get(API + "/inventory?limit=1000", token=t).json()["items"]
    assert {"sku": "POS-SH-M", "stock": 1} in [{"sku": i["sku"], "stock": i["stock"]} for i in inv]
    # limits and bad bodies
    err(stack.post(API + "/sync/products", {"products": [{}] * 1001}, token=t), 422)
    err(stack.post(API + "/sync/products", {"products": "x"}, token=t), 422)
    r = stack.post(API + "/sync/inventory", {"items": [{"sku": "POS-1", "set": 1}]}, token=stack.acme_token)
    assert r.status == 200 and r.json()["failed"] == 1
    assert stack.sql("SELECT stock FROM products WHERE pos_id = 'P-1'")[0][0] == 40    # acme cannot touch demo's SKU


def test_sync_thousand_products_in_one_call(stack):
    items = [{"posId": "BULK-%d" % i, "name": "Bulk %d" % i, "price": 100 + i, "stock": 1} for i in range(1000)]
    t0 = time.time()
    r = stack.post(API + "/sync/products", {"products": items}, token=stack.acme_token, host="acme.localhost")
    assert r.status == 200, r
    assert r.json()["created"] == 1000 and r.json()["failed"] == 0
    print("sync 1000 products: %.2fs" % (time.time() - t0))
    assert stack.sql("SELECT count(*) FROM products WHERE pos_id LIKE 'BULK-%'")[0][0] == 1000


SHOPIFY = """Handle,Title,Body (HTML),Vendor,Tags,Published,Option1 Name,Option1 Value,Option2 Name,Option2 Value,Variant SKU,Variant Inventory Qty,Variant Price,Variant Compare At Price,Image Src,Status
csv-hoodie,Trail Hoodie,"<p>Warm hoodie.</p>
<p>Second ""quoted"" line, with comma.</p>",Ridgeline,"outerwear, hoodie",true,Size,S,Color,Red,HD-S-R,3,45.00,55.00,https://cdn.example/hoodie.jpg,active
csv-hoodie,,,,,,,M,,Red,HD-M-R,5,45.00,,https://cdn.example/hoodie-back.jpg,
csv-hoodie,,,,,,,L,,Blue,HD-L-B,0,47.50,,,
csv-mug,Camp Mug,Enamel mug,Northpine,kitchen,true,Title,Default Title,,,MUG-1,12,12.5,,https://cdn.example/mug.jpg,active
csv-broken,Broken Price,,,,true,Title,Default Title,,,BRK-1,1,twelve,,,active
csv-cap,Cap,,,,false,Title,Default Title,,,CAP-1,2,9,,,
"""


def test_shopify_csv_import_api(stack):
    t = stack.demo_token
    r = stack.request("POST", API + "/products/import", body=SHOPIFY, token=t, headers={"Content-Type": "text/csv"})
    assert r.status == 200, r
    res = r.json()
    assert (res["created"], res["updated"], res["failed"]) == (3, 0, 1), res
    assert res["errors"] == [{"row": 6, "column": "Variant Price", "message": "'twelve' is not a price (like 12.50)"}]
    p = stack.get(API + "/products?limit=500", token=t).json()["products"]
    hoodie = next(x for x in p if x["slug"] == "csv-hoodie")
    assert hoodie["name"] == "Trail Hoodie" and hoodie["vendor"] == "Ridgeline" and hoodie["tags"] == ["outerwear", "hoodie"]
    assert 'Second "quoted" line, with comma.' in hoodie["description"] and "<p>" not in hoodie["description"]
    assert [(v["title"], v["sku"], v["price"], v["stock"]) for v in hoodie["variants"]] == [
        ("S / Red", "HD-S-R", 4500, 3), ("M / Red", "HD-M-R", 4500, 5), ("L / Blue", "HD-L-B", 4750, 0)]
    assert hoodie["options"] == [{"name": "Size", "values": ["S", "M", "L"]}, {"name": "Color", "values": ["Red", "Blue"]}]
    mug = next(x for x in p if x["slug"] == "csv-mug")
    assert (mug["price"], mug["sku"], mug["stock"], mug["variants"]) == (1250, "MUG-1", 12, [])
    assert next(x for x in p if x["slug"] == "csv-cap")["status"] == "draft"
    # re-import updates, never duplicates; variant ids are kept
    r = stack.request("POST", API + "/products/import", body=SHOPIFY.replace("45.00,55.00", "44.00,55.00"), token=t,
                      headers={"Content-Type": "text/csv"})
    assert (r.json()["created"], r.json()["updated"]) == (0, 3), r
    again = stack.get(API + "/products/%s" % hoodie["id"], token=t).json()
    assert [v["id"] for v in again["variants"]] == [v["id"] for v in hoodie["variants"]]
    assert again["variants"][0]["price"] == 4400
    assert stack.sql("SELECT count(*) FROM products WHERE slug LIKE 'csv-hoodie%'")[0][0] == 1
    # not a CSV, wrong type, broken quoting
    assert stack.request("POST", API + "/products/import", body=SHOPIFY, token=t,
                         headers={"Content-Type": "application/json"}).status == 415
    r = stack.request("POST", API + "/products/import", body="Title,Price\nA,1\n", token=t, headers={"Content-Type": "text/csv"})
    assert r.status == 422 and "Handle" in r.json()["error"]
    r = stack.request("POST", API + "/products/import", body='Handle,Title,Variant Price\nq1,"Q,1\n', token=t,
                      headers={"Content-Type": "text/csv"})
    assert r.status == 200 and "not closed" in r.json()["errors"][0]["message"]


def test_shopify_csv_import_cli(stack, tmp_path):
    f = tmp_path / "products.csv"
    f.write_text(SHOPIFY.replace("csv-", "cli-"))
    p = subprocess.run([CLI, "--db", stack.db, "import", "shopify-csv", "acme", str(f)], env=stack.env,
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 3, p.stderr                        # imported, with a row error
    assert "3 created, 0 updated" in p.stdout
    assert "row 6, column 'Variant Price'" in p.stderr
    assert "[" not in p.stderr                                # no progress bar when not a terminal
    p = subprocess.run([CLI, "--db", stack.db, "import", "shopify-csv", "acme", str(f)], env=stack.env,
                       capture_output=True, text=True, timeout=60)
    assert "0 created, 3 updated" in p.stdout
    p = subprocess.run([CLI, "--db", stack.db, "import", "shopify-csv", "nosuchstore", str(f)], env=stack.env,
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 1 and "no store" in p.stderr
    tid = stack.sql("SELECT id FROM tenants WHERE username = 'acme'")[0][0]
    assert stack.sql("SELECT count(*) FROM products WHERE tenant_id = ? AND slug LIKE 'cli-%'", tid)[0][0] == 3


def test_import_progress_bar_on_a_terminal(stack, tmp_path):
    import pty
    rows = ["Handle,Title,Variant Price,Variant SKU,Variant Inventory Qty"]
    rows += ["tty-item-%d,TTY Item %d,%d.00,TTY-%d,1" % (i, i, i + 1, i) for i in range(250)]
    f = tmp_path / "tty.csv"
    f.write_text("\n".join(rows) + "\n")
    master, slave = pty.openpty()
    p = subprocess.run([CLI, "--db", stack.db, "import", "shopify-csv", "acme", str(f)], env=stack.env,
                       stdout=subprocess.PIPE, stderr=slave, text=True, timeout=60)
    os.close(slave)
    out = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    os.close(master)
    assert p.returncode == 0, out
    assert "250 created" in p.stdout
    bar = out.decode()
    assert "\r[" in bar and "250/250 products" in bar and "#" * 40 in bar, bar[-300:]


def test_product_seo_fields(stack):
    t = stack.demo_token
    p = new_product(stack, t, "seo-lamp", seo={"title": "Best lamp", "description": "A lamp."})
    assert p["seo"] == {"title": "Best lamp", "description": "A lamp."}
    r = stack.put(API + "/products/%s" % p["id"], {"seo": {"title": "x" * 201}}, token=t)
    assert err(r, 422)["details"]["field"] == "seo"
    r = stack.put(API + "/products/%s" % p["id"], {"name": "Renamed", "seo": {"bogus": "1"}}, token=t)
    err(r, 422)
    assert stack.get(API + "/products/%s" % p["id"], token=t).json()["name"] == "Seo Lamp"     # nothing written


def test_bulk_paths_honour_the_product_limit(stack):
    stack.cli("tenant", "create", "tiny", "--name", "Tiny")
    stack.cli("user", "add", "tiny", "owner@tiny.test", "--role", "owner", input="correct-horse-battery\n")
    tok = stack.token("tiny", "owner@tiny.test")
    tid = stack.sql("SELECT id FROM tenants WHERE username = 'tiny'")[0][0]
    stack.sql("UPDATE tenants SET limits_json = '{\"products\":3}' WHERE id = ?", tid)
    items = [{"posId": "T-%d" % i, "name": "Tiny %d" % i, "price": 100} for i in range(5)]
    res = stack.post(API + "/sync/products", {"products": items}, token=tok, host="tiny.localhost").json()
    assert (res["created"], res["failed"]) == (3, 2), res
    assert "limit of 3 products" in res["results"][4]["error"]["message"]
    # updates of existing products still go through
    res = stack.post(API + "/sync/products", {"products": items[:3]}, token=tok, host="tiny.localhost").json()
    assert (res["updated"], res["failed"]) == (3, 0), res


def test_discount_update(stack):
    t = stack.demo_token
    r = stack.post("/api/cms/discounts", {"code": "SPRING5", "kind": "percent", "value": 5,
                                          "expiresAt": "2030-01-01", "usageLimit": 3}, token=t)
    assert r.status == 201, r
    d = r.json()
    r = stack.put("/api/cms/discounts/" + d["id"], {"value": 15, "expiresAt": None, "active": False}, token=t)
    assert r.status == 200, r
    u = r.json()
    assert u["value"] == 15 and u["active"] is False and u["expiresAt"] is None
    assert u["usageLimit"] == 3 and u["code"] == "SPRING5"          # absent fields kept
    # a percentage above 100 is refused, the row unchanged
    r = stack.put("/api/cms/discounts/" + d["id"], {"value": 150}, token=t)
    assert r.status == 422 and r.json()["error"]["details"]["field"] == "value"
    assert stack.sql("SELECT value FROM discounts WHERE id = ?", int(d["id"]))[0][0] == 15
    # switching to fixed makes 150 (cents) fine
    r = stack.put("/api/cms/discounts/" + d["id"], {"kind": "fixed", "value": 150}, token=t)
    assert r.status == 200 and r.json()["kind"] == "fixed"
    assert stack.put("/api/cms/discounts/999999", {"value": 1}, token=t).status == 404
    r = stack.put("/api/cms/discounts/" + d["id"], {"usageLimit": 0}, token=t)
    assert r.status == 422 and "usageLimit" in r.json()["error"]["message"]
