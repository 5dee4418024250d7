"""Test helpers for commerce: a shopper with a cookie jar on one store, and
admin shortcuts."""
import json
import uuid

API = "/api/cms"


class Shopper:
    def __init__(self, stack, host="demo.localhost"):
        self.stack = stack
        self.host = host
        self.cookie = None

    def req(self, method, path, body=None, headers=None):
        h = dict(headers or {})
        if self.cookie:
            h["Cookie"] = "sf_cart=" + self.cookie
        if isinstance(body, bytes):
            h["Content-Type"] = "application/json"
            r = self.stack.request(method, path, host=self.host, body=body, headers=h)
        else:
            r = self.stack.request(method, path, host=self.host, json_body=body, headers=h)
        for k, v in r.headers:
            if k.lower() == "set-cookie" and v.startswith("sf_cart="):
                self.cookie = v.split(";")[0].split("=", 1)[1]
        return r

    def add(self, product_id, quantity=1, variant_id=None):
        b = {"productId": str(product_id), "quantity": quantity}
        if variant_id:
            b["variantId"] = str(variant_id)
        return self.req("POST", "/api/cart/items", b)

    def cart(self):
        return self.req("GET", "/api/cart").json()

    def checkout(self, key=None, **over):
        body = {
            "email": "shopper@example.com", "name": "Sam Shopper",
            "shippingAddress": {"line1": "1 Main St", "city": "Springfield", "postalCode": "12345", "country": "US"},
            "shippingMethod": "standard", "paymentMethod": "manual",
            "idempotencyKey": key or uuid.uuid4().hex,
        }
        body.update(over)
        body = {k: v for k, v in body.items() if v is not None}
        return self.req("POST", "/api/checkout", body)


def product_id(stack, token, slug, host="demo.localhost"):
    ps = stack.get(API + "/products?limit=500", token=token, host=host).json()["products"]
    return next(p["id"] for p in ps if p["slug"] == slug)


def set_stock(stack, token, pid, stock, host="demo.localhost"):
    r = stack.put(API + "/products/%s" % pid, {"stock": stock}, token=token, host=host)
    assert r.status == 200, r


def new_product(stack, token, slug, price=1000, stock=5, host="demo.localhost", **extra):
    body = {"name": slug.replace("-", " ").title(), "slug": slug, "price": price, "stock": stock}
    body.update(extra)
    r = stack.post(API + "/products", body, token=token, host=host)
    assert r.status == 201, r
    return r.json()


def stock_of(stack, pid):
    return stack.sql("SELECT stock FROM products WHERE id = ?", int(pid))[0][0]


def dumps(o):
    return json.dumps(o, sort_keys=True)
