/* store_cart: the shopper's side of commerce in storefront.fcgi: the cart
 * JSON API, checkout and quote (the request's fields checked here and
 * handed to checkout.c as a checkout_req; its result code answered here),
 * the payment webhook route, and the /cart, /checkout and /orders/{id} pages.
 * Nothing here is cacheable: every route of this file is R_NOSTORE in
 * main_storefront.c's table (Cache-Control: no-store), so no page cache
 * ever holds a shopper's cart. */
#include "store.h"
#include "server.h"
#include "cart.h"
#include "checkout.h"
#include "orders.h"
#include "outbox.h"
#include "store_settings.h"
#include "domains.h"
#include "util.h"
#include "payment.h"
#include "render.h"
#include "input.h"
#include "config.h"
#include "route.h"
#include "money.h"
#include "db.h"
#include "customer.h"
#include "recover.h"
#include "currency.h"
#include "log.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void send_cart(req *r, int status, int64_t cart)
{
	http_json(r, status, com_cart_json(r, cart));
}

/* Route: GET /api/cart -> {items[], itemCount, subtotal, ...} */
void store_cart_get(req *r)
{
	send_cart(r, 200, com_cart_id(r, 0));
}

static void fail_storage(req *r)
{
	server_storage_error(r, "the cart was not saved");
}

static void out_of_stock(req *r, int64_t pid, int64_t vid, const char *name, int64_t stock, int64_t in_cart)
{
	cJSON *d = cJSON_CreateObject();
	char b[24];
	snprintf(b, sizeof b, "%lld", (long long)pid);
	cJSON_AddStringToObject(d, "productId", b);
	if (vid) { snprintf(b, sizeof b, "%lld", (long long)vid); cJSON_AddStringToObject(d, "variantId", b); }
	cJSON_AddNumberToObject(d, "available", (double)stock);
	cJSON_AddNumberToObject(d, "inCart", (double)in_cart);
	if (stock <= 0) http_error(r, 409, "out_of_stock", d, "%s is out of stock", name);
	else http_error(r, 409, "out_of_stock", d, "only %lld of %s left%s", (long long)stock, name,
			in_cart ? " (some are already in your cart)" : "");
}

/* Add qty of product pid (variant vid, 0: its only one) to this request's
 * cart, adding to the line of the same product and variant: the cart id,
 * or -1 after answering (404 unknown, 409 out of stock, 422). */
int64_t store_cart_add_line(req *r, int64_t pid, int64_t vid, int64_t qty)
{
	sqlite3_stmt *st = db_stmt("SELECT p.name, p.stock, (SELECT count(*) FROM variants v WHERE v.product_id = p.id), "
				   "(SELECT min(v.id) FROM variants v WHERE v.product_id = p.id), "
				   "(p.track_inventory = 0 OR p.inventory_policy = 'continue') "
				   "FROM products p WHERE p.tenant_id = :t AND p.id = :id AND p.status = 'active'");
	db_bind_int(st, ":t", r->t.id);
	db_bind_int(st, ":id", pid);
	if (db_step(st) != SQLITE_ROW) {
		db_reset(st);
		cJSON *d = cJSON_CreateObject();
		cJSON_AddStringToObject(d, "field", "productId");
		http_error(r, 404, "not_found", d, "product %lld is not sold in this store", (long long)pid);
		goto out;
	}
	char name[320];
	snprintf(name, sizeof name, "%s", db_text(st, 0));
	int64_t stock = db_int(st, 1), nvar = db_int(st, 2), first = db_int(st, 3);
	int unlimited = (int)db_int(st, 4);     /* untracked or sold past zero */
	db_reset(st);
	if (nvar == 1 && !vid) vid = first;
	if (nvar > 1 && !vid) { in_fail(r, "variantId", "is required: %s comes in several options", name); goto out; }
	if (vid) {
		st = db_stmt("SELECT stock, title FROM variants WHERE tenant_id = :t AND id = :v AND product_id = :p");
		db_bind_int(st, ":t", r->t.id);
		db_bind_int(st, ":v", vid);
		db_bind_int(st, ":p", pid);
		int found = db_step(st) == SQLITE_ROW;
		if (found) {
			stock = db_int(st, 0);
			if (*db_text(st, 1)) {
				size_t n = strlen(name);
				snprintf(name + n, sizeof name - n, " - %s", db_text(st, 1));
			}
		}
		db_reset(st);
		if (!found) {
			cJSON *d = cJSON_CreateObject();
			cJSON_AddStringToObject(d, "field", "variantId");
			http_error(r, 404, "not_found", d, "variant %lld is not an option of product %lld", (long long)vid, (long long)pid);
			goto out;
		}
	}
	if (unlimited) stock = INT64_MAX / 4;
	if (db_begin(1) < 0) { fail_storage(r); goto out; }
	int64_t cart = com_cart_id(r, 1);
	if (cart < 0) { fail_storage(r); goto out; }
	st = db_stmt("SELECT (SELECT quantity FROM cart_items WHERE cart_id = :c AND product_id = :p AND variant_id = :v), "
		     "(SELECT count(*) FROM cart_items WHERE cart_id = :c)");
	db_bind_int(st, ":c", cart);
	db_bind_int(st, ":p", pid);
	db_bind_int(st, ":v", vid);
	if (db_step(st) != SQLITE_ROW) { db_reset(st); fail_storage(r); goto out; }
	int64_t have = db_int(st, 0), lines = db_int(st, 1);
	int had = !db_isnull(st, 0);
	db_reset(st);
	if (!had && lines >= cfg.cart_max_lines) {
		db_rollback();
		http_error(r, 422, "cart_full", NULL, "a cart holds at most %ld different items", cfg.cart_max_lines);
		goto out;
	}
	if (have + qty > stock) { db_rollback(); out_of_stock(r, pid, vid, name, stock, have); goto out; }
	if (have + qty > cfg.cart_max_quantity) {
		db_rollback();
		in_fail(r, "quantity", "would make %lld of one item; the limit is %ld", (long long)(have + qty), cfg.cart_max_quantity);
		goto out;
	}
	st = db_stmt("INSERT INTO cart_items(tenant_id, cart_id, product_id, variant_id, quantity, created_at) "
		     "VALUES(:t, :c, :p, :v, :q, strftime('%s','now')) "
		     "ON CONFLICT(cart_id, product_id, variant_id) DO UPDATE SET quantity = quantity + excluded.quantity");
	db_bind_int(st, ":t", r->t.id);
	db_bind_int(st, ":c", cart);
	db_bind_int(st, ":p", pid);
	db_bind_int(st, ":v", vid);
	db_bind_int(st, ":q", qty);
	if (db_run(st) < 0) { fail_storage(r); goto out; }
	st = db_stmt("UPDATE carts SET updated_at = strftime('%s','now') WHERE id = :c");
	db_bind_int(st, ":c", cart);
	if (db_run(st) < 0 || db_commit() < 0) { fail_storage(r); goto out; }
	return cart;
out:
	return -1;
}

/* Route: POST /api/cart/items {productId, variantId?, quantity?} -> the cart. */
void store_cart_add(req *r)
{
	cJSON *b = http_json_body(r);
	if (!b) return;
	int64_t pid = 0, vid = 0, qty = 1, cart;
	if (in_id(r, b, "productId", IN_REQUIRED, &pid) < 0 || in_id(r, b, "variantId", IN_OPTIONAL, &vid) < 0 ||
	    in_int(r, b, "quantity", IN_OPTIONAL, 1, cfg.cart_max_quantity, &qty) < 0)
		goto out;
	if (cJSON_GetObjectItemCaseSensitive(b, "price")) {
		in_fail(r, "price", "cannot be set: prices come from the store");
		goto out;
	}
	if ((cart = store_cart_add_line(r, pid, vid, qty)) >= 0) send_cart(r, 200, cart);
out:
	cJSON_Delete(b);
}

/* The cart line {id} of this request's cart: its product, variant, stock. */
static int load_line(req *r, int64_t cart, int64_t item, int64_t *stock, char *name, size_t n, int64_t *pid, int64_t *vid)
{
	sqlite3_stmt *st = db_stmt("SELECT ci.product_id, ci.variant_id, p.name, "
				   "CASE WHEN p.track_inventory = 0 OR p.inventory_policy = 'continue' THEN 1000000000000 "
				   "WHEN ci.variant_id = 0 THEN p.stock ELSE coalesce(v.stock, 0) END "
				   "FROM cart_items ci JOIN products p ON p.id = ci.product_id "
				   "LEFT JOIN variants v ON v.id = ci.variant_id "
				   "WHERE ci.id = :i AND ci.cart_id = :c AND ci.tenant_id = :t");
	db_bind_int(st, ":i", item);
	db_bind_int(st, ":c", cart);
	db_bind_int(st, ":t", r->t.id);
	int found = db_step(st) == SQLITE_ROW;
	if (found) {
		*pid = db_int(st, 0);
		*vid = db_int(st, 1);
		snprintf(name, n, "%s", db_text(st, 2));
		*stock = db_int(st, 3);
	}
	db_reset(st);
	return found ? 0 : -1;
}

/* Route: PATCH /api/cart/items/{id} {quantity} -> the cart */
void store_cart_update(req *r)
{
	cJSON *b = http_json_body(r);
	if (!b) return;
	int64_t qty;
	if (in_int(r, b, "quantity", IN_REQUIRED, 1, cfg.cart_max_quantity, &qty) < 0) goto out;
	int64_t cart = com_cart_id(r, 0), item = route_id(r, 0), stock = 0, pid = 0, vid = 0;
	char name[320];
	if (cart <= 0 || !item || load_line(r, cart, item, &stock, name, sizeof name, &pid, &vid) < 0) {
		http_error(r, 404, "not_found", NULL, "cart item not found");
		goto out;
	}
	if (qty > stock) { out_of_stock(r, pid, vid, name, stock, 0); goto out; }
	sqlite3_stmt *st = db_stmt("UPDATE cart_items SET quantity = :q WHERE id = :i AND cart_id = :c AND tenant_id = :t");
	db_bind_int(st, ":q", qty);
	db_bind_int(st, ":i", item);
	db_bind_int(st, ":c", cart);
	db_bind_int(st, ":t", r->t.id);
	if (db_run(st) < 0) { fail_storage(r); goto out; }
	send_cart(r, 200, cart);
out:
	cJSON_Delete(b);
}

/* Route: DELETE /api/cart/items/{id} -> the cart */
void store_cart_delete(req *r)
{
	int64_t cart = com_cart_id(r, 0), item = route_id(r, 0);
	sqlite3_stmt *st = db_stmt("DELETE FROM cart_items WHERE id = :i AND cart_id = :c AND tenant_id = :t");
	db_bind_int(st, ":i", item);
	db_bind_int(st, ":c", cart);
	db_bind_int(st, ":t", r->t.id);
	if (db_run(st) < 0) { fail_storage(r); return; }
	if (cart <= 0 || db_changes() == 0) { http_error(r, 404, "not_found", NULL, "cart item not found"); return; }
	send_cart(r, 200, cart);
}

/* shippingAddress: {line1, line2?, city, region?, postalCode, country}. */
cJSON *store_check_address(req *r, const cJSON *b, int required)
{
	const cJSON *a = NULL;
	int rc = in_obj(r, b, "shippingAddress", required, &a);
	if (rc < 0) return NULL;
	cJSON *out = cJSON_CreateObject();
	if (rc == 1) return out;
	static const struct { const char *k; int req; size_t max; } f[] = {
		{ "line1", 1, 200 }, { "line2", 0, 200 }, { "city", 1, 100 }, { "region", 0, 100 },
		{ "postalCode", 1, 20 }, { "country", 1, 2 },
	};
	for (size_t i = 0; i < ARRAY_LEN(f); i++) {
		const char *v = NULL;
		char field[64];
		snprintf(field, sizeof field, "shippingAddress.%s", f[i].k);
		const cJSON *x = cJSON_GetObjectItemCaseSensitive(a, f[i].k);
		if (!x || cJSON_IsNull(x)) {
			if (f[i].req) { in_fail(r, field, "is required"); goto bad; }
			cJSON_AddStringToObject(out, f[i].k, "");
			continue;
		}
		char buf[120];
		const char *why = str_problem(x, f[i].max, buf, sizeof buf);
		if (!why) why = control_problem(x->valuestring);
		if (why) { in_fail(r, field, "%s", why); goto bad; }
		v = x->valuestring;
		size_t n = strlen(v);
		int blank = v[strspn(v, " ")] == 0;
		if (f[i].req && blank) { in_fail(r, field, "must not be empty"); goto bad; }
		if (!strcmp(f[i].k, "country") && !(n == 2 && isupper((unsigned char)v[0]) && isupper((unsigned char)v[1]))) {
			in_fail(r, field, "must be a two-letter ISO 3166 country code such as US or DE");
			goto bad;
		}
		if (!strcmp(f[i].k, "postalCode"))
			for (const char *c = v; *c; c++)
				if (!isalnum((unsigned char)*c) && *c != ' ' && *c != '-') {
					in_fail(r, field, "may hold only letters, digits, spaces and '-'");
					goto bad;
				}
		cJSON_AddStringToObject(out, f[i].k, v);
	}
	const cJSON *it;
	cJSON_ArrayForEach(it, a) {
		int known = 0;
		for (size_t i = 0; i < ARRAY_LEN(f); i++) known |= !strcmp(f[i].k, it->string);
		if (!known) {
			char field[80];
			snprintf(field, sizeof field, "shippingAddress.%.40s", it->string);
			in_fail(r, field, "is not an address field (line1, line2, city, region, postalCode, country)");
			goto bad;
		}
	}
	return out;
bad:
	cJSON_Delete(out);
	return NULL;
}

/* The store's address for links in emails, at its primary hostname (its
 * verified domain, else its subdomain): on a port the order named, that
 * port and the scheme it came in on (development, non-standard ports);
 * else https on the default port (stores are served behind TLS, which a
 * proxy in front may not tell us). */
void store_origin(req *r, char *out, size_t n)
{
	char host[256];
	if (!domain_primary(r->t.id, host, sizeof host)) snprintf(host, sizeof host, "%s.%s", r->t.username, cfg.base_domain);
	int dflt = !r->host_port[0] || !strcmp(r->host_port, r->https ? "443" : "80");
	if (dflt) snprintf(out, n, "https://%s", host);
	else snprintf(out, n, "%s://%s:%s", r->https ? "https" : "http", host, r->host_port);
}

/* Answer a checkout or quote the domain refused or failed. */
static void checkout_fail(req *r, const checkout_result *res, const char *code, const checkout_req *q)
{
	cJSON *d;
	switch (res->code) {
	case CO_KEY_CONFLICT:
		d = cJSON_CreateObject();
		cJSON_AddStringToObject(d, "field", "idempotencyKey");
		http_error(r, 409, "idempotency_conflict", d,
			   "this idempotencyKey was already used for a different checkout; use a new key for a new order");
		break;
	case CO_CART_EMPTY: http_error(r, 422, "cart_empty", NULL, "the cart is empty"); break;
	case CO_TOO_LARGE:
		http_error(r, 422, "order_too_large", NULL, "an order may total at most %lld in minor units; split it",
			   (long long)COM_MAX_ORDER);
		break;
	case CO_OUT_OF_STOCK: case CO_UNAVAILABLE:
		d = NULL;
		if (res->items) {
			d = cJSON_CreateObject();
			cJSON_AddItemToObject(d, "items", cJSON_Duplicate(res->items, 1));
		}
		http_error(r, 409, res->code == CO_UNAVAILABLE ? "item_unavailable" : "out_of_stock", d, "out of stock: %s",
			   sb_str((sbuf *)&res->message));
		break;
	case CO_DISCOUNT_INVALID: case CO_DISCOUNT_EXPIRED: case CO_DISCOUNT_USED_UP:
		d = cJSON_CreateObject();
		cJSON_AddStringToObject(d, "field", "discountCode");
		http_error(r, 422, res->code == CO_DISCOUNT_EXPIRED ? "discount_expired" :
			   res->code == CO_DISCOUNT_USED_UP ? "discount_used_up" : "discount_invalid", d,
			   "discount code '%s' %s", code, sb_str((sbuf *)&res->message));
		break;
	case CO_STORAGE:
		server_storage_error(r, "no order was placed, nothing was charged or reserved (retry with the same idempotencyKey)");
		break;
	case CO_READ_ONLY:
		http_header(r, "Retry-After", "2");
		http_error(r, 503, "store_read_only", NULL,
			   "this store is moving to another server: no order was placed; retry with the same idempotencyKey");
		break;
	case CO_PRICE_CHANGED: {
		d = cJSON_CreateObject();
		const currency_rate *cr = q ? q->present : NULL;
		cJSON_AddStringToObject(d, "field", "presentmentSubtotal");
		cJSON_AddStringToObject(d, "currency", cr ? cr->code : "");
		cJSON_AddNumberToObject(d, "presentmentSubtotal", (double)res->present_items);
		sbuf m = SBUF_INIT;
		money_format(&m, res->present_items, cr ? cr->code : r->t.currency);
		http_error(r, 409, "price_changed", d, "the items now come to %s, not what the checkout page showed: "
			   "review the prices and order again (no order was placed)", sb_str(&m));
		sb_free(&m);
		break;
	}
	case CO_PLACED: case CO_REPLAYED: break;
	}
}

/* Lines (cart or order items: productId, variantId, quantity and the shop
 * price under price_key, major units) in the shopper's currency, each unit
 * price through store_price (a fixed price, else converted and rounded),
 * then times its quantity: what the shopper sees adds up. Sets each line's
 * presentmentPrice (minor units) and returns the items' subtotal. */
static int64_t presentment_lines(req *r, cJSON *items, const char *price_key)
{
	cJSON *it;
	int64_t sub = 0;
	cJSON_ArrayForEach(it, items) {
		const cJSON *price = cJSON_GetObjectItemCaseSensitive(it, price_key);
		const cJSON *q = cJSON_GetObjectItemCaseSensitive(it, "quantity");
		if (!cJSON_IsNumber(price) || !cJSON_IsNumber(q)) continue;
		currency_amount a;
		int64_t unit = store_price(r, store_json_id(it, "productId"), store_json_id(it, "variantId"),
					   money_minor(price->valuedouble, r->t.currency), -1, &a);
		cJSON_DeleteItemFromObjectCaseSensitive(it, "presentmentPrice");
		cJSON_AddNumberToObject(it, "presentmentPrice", (double)unit);
		sub += unit * (int64_t)q->valuedouble;
	}
	return sub;
}

/* The currency and rate a checkout page showed (cur NULL, "" or the
 * store's: none) into *cr (code "" for none): 0, or -1 answered (422 a
 * currency the store does not sell in; 409 rate_changed when the store's
 * rate is no longer the one shown: never a silent change of what the
 * shopper agreed to). */
static int checked_currency(req *r, const cJSON *settings, const char *cur, const char *rate, currency_rate *cr)
{
	cr->code[0] = 0;
	if (!cur || !*cur || !strcmp(cur, r->t.currency)) return 0;
	if (currency_find(settings, cur, cr) < 0) {
		cr->code[0] = 0;
		in_fail(r, "currency", "this store does not sell in '%.8s'", cur);
		return -1;
	}
	if (rate && !strcmp(rate, cr->rate_text)) return 0;
	cJSON *d = cJSON_CreateObject();
	cJSON_AddStringToObject(d, "field", "rate");
	cJSON_AddStringToObject(d, "currency", cr->code);
	cJSON_AddStringToObject(d, "rate", cr->rate_text);
	http_error(r, 409, "rate_changed", d, "the %s rate is now %s, not %s: review the prices and order again",
		   cr->code, cr->rate_text, rate ? rate : "(none)");
	return -1;
}

/* Route: POST /api/checkout {email, name, phone?, shippingAddress,
 * shippingMethod, paymentMethod, discountCode?, note?, idempotencyKey}
 * (or the Idempotency-Key header) -> 201 {order} (200 when replayed). */
void store_checkout(req *r)
{
	cJSON *b = http_json_body(r), *addr = NULL, *settings = NULL;
	if (!b) return;
	const char *email, *name, *phone = NULL, *ship_id, *pay, *code = NULL, *note = NULL, *key = NULL, *why, *field;
	const char *cur = NULL, *rate = NULL;
	currency_rate cr = { .code = "" };
	int64_t seen = -1;
	if (in_str(r, b, "email", IN_REQUIRED, IN_EMAIL_MAX, &email) < 0 || in_str(r, b, "name", IN_REQUIRED, 200, &name) < 0 ||
	    in_str(r, b, "phone", IN_OPTIONAL, 40, &phone) < 0 ||
	    in_str(r, b, "shippingMethod", IN_REQUIRED, 60, &ship_id) < 0 ||
	    in_str(r, b, "paymentMethod", IN_REQUIRED, 20, &pay) < 0 ||
	    in_str(r, b, "discountCode", IN_OPTIONAL, COM_DISCOUNT_CODE_MAX, &code) < 0 ||
	    in_str(r, b, "note", IN_OPTIONAL, 1000, &note) < 0 ||
	    in_str(r, b, "idempotencyKey", IN_OPTIONAL, 100, &key) < 0 ||
	    in_str(r, b, "currency", IN_OPTIONAL, 8, &cur) < 0 || in_str(r, b, "rate", IN_OPTIONAL, 32, &rate) < 0 ||
	    in_int(r, b, "presentmentSubtotal", IN_OPTIONAL, 0, COM_MAX_ORDER, &seen) < 0)
		goto out;
	if (!key) key = http_header_in(r, "Idempotency-Key");
	if (!key || !*key) { in_fail(r, "idempotencyKey", "is required (a random string of 8-100 characters, the same on a retry)"); goto out; }
	if ((why = idem_key_problem(key))) { in_fail(r, "idempotencyKey", "%s", why); goto out; }
	if ((why = email_problem(email))) { in_fail(r, "email", "%s", why); goto out; }
	if ((why = control_problem(name))) { in_fail(r, "name", "%s", why); goto out; }
	if (phone && (why = phone_problem(phone))) { in_fail(r, "phone", "%s", why); goto out; }
	if (code && !*code) code = NULL;
	settings = com_settings(r->t.id);
	if (checked_currency(r, settings, cur, rate, &cr) < 0) goto out;
	if (cr.code[0]) {
		/* and the items' prices in it (a fixed price may have changed):
		 * checkout compares them with what the page showed (409) */
		if (seen < 0) {
			in_fail(r, "presentmentSubtotal", "is required with currency: the items' subtotal in %s (minor units) "
				"as the checkout page showed it", cr.code);
			goto out;
		}
	}
	com_ship ship;
	if ((why = checkout_choice_problem(settings, ship_id, pay, &ship, &field))) { in_fail(r, field, "%s", why); goto out; }
	if (!(addr = store_check_address(r, b, strcmp(ship.kind, "pickup") != 0))) goto out;
	if (cJSON_GetObjectItemCaseSensitive(b, "items") || cJSON_GetObjectItemCaseSensitive(b, "total") ||
	    cJSON_GetObjectItemCaseSensitive(b, "prices")) {
		in_fail(r, "items", "cannot be given: the order is made from the cart and prices come from the store");
		goto out;
	}
	char origin[300];
	store_origin(r, origin, sizeof origin);
	checkout_req q = { .t = &r->t, .cart = com_cart_id(r, 0), .settings = settings, .ship = &ship, .email = email,
			   .name = name, .phone = phone, .pay = pay, .code = code, .note = note, .key = key, .address = addr,
			   .origin = origin, .remote_addr = r->remote_addr, .present = cr.code[0] ? &cr : NULL,
			   .present_items = seen };
	checkout_result res;
	checkout_place(&q, &res);
	if (res.code == CO_PLACED || res.code == CO_REPLAYED) {
		/* a signed-in shopper's order goes to their account (best effort:
		 * the order stands either way) */
		if (res.code == CO_PLACED && store_customer(r) && customer_claim_order(r->t.id, r->customer_id, res.order) != CU_OK)
			log_warn("order %lld not linked to customer %lld", (long long)res.order, (long long)r->customer_id);
		cJSON *o = cJSON_CreateObject();
		cJSON_AddItemToObject(o, "order", com_order_json(r->t.id, res.order, 0, r->t.currency));
		if (res.payment_delayed) {
			cJSON *p = cJSON_AddObjectToObject(o, "payment");
			cJSON_AddStringToObject(p, "status", "delayed");
			cJSON_AddStringToObject(p, "message", "Your order is placed. The payment service did not answer in time; "
					       "the payment is being prepared and the order page will offer it shortly.");
		}
		http_json(r, res.code == CO_PLACED ? 201 : 200, o);
	} else {
		checkout_fail(r, &res, code, &q);
	}
	checkout_result_free(&res);
out:
	cJSON_Delete(addr);
	cJSON_Delete(settings);
	cJSON_Delete(b);
}

/* The cart's totals now for ship and code (NULL: none), as the quote
 * answers them: the store's amounts and the shopper's (present: their
 * currency, NULL: the store's) as checkout_quote computes them, which is
 * what the order will record. NULL when refused (res says why; the caller
 * frees res either way). */
static cJSON *quote_json(req *r, const cJSON *settings, const com_ship *ship, const char *code,
			 const currency_rate *present, checkout_result *res)
{
	com_totals tot;
	checkout_present pt;
	if (checkout_quote(r->t.id, com_cart_id(r, 0), settings, ship, code, r->t.currency, present, &tot, &pt, res) !=
	    CO_PLACED)
		return NULL;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "currency", r->t.currency);
	com_add_money(o, "subtotal", tot.subtotal, r->t.currency);
	com_add_money(o, "discount", tot.discount, r->t.currency);
	com_add_money(o, "shipping", tot.shipping, r->t.currency);
	com_add_money(o, "tax", tot.tax, r->t.currency);
	com_add_money(o, "total", tot.total, r->t.currency);
	cJSON_AddBoolToObject(o, "taxInclusive", tot.tax_inclusive);
	/* the shopper's side, as the order will record it (the shop's own
	 * when they chose none) */
	if (!present) pt = (checkout_present){ tot.subtotal, tot.discount, tot.shipping, tot.tax, tot.total };
	const char *pcur = present ? present->code : r->t.currency;
	cJSON_AddStringToObject(o, "presentmentCurrency", pcur);
	if (present) cJSON_AddStringToObject(o, "presentmentRate", present->rate_text);
	else cJSON_AddNullToObject(o, "presentmentRate");
	com_add_money(o, "presentmentSubtotal", pt.items, pcur);
	com_add_money(o, "presentmentDiscount", pt.discount, pcur);
	com_add_money(o, "presentmentShipping", pt.shipping, pcur);
	com_add_money(o, "presentmentTax", pt.tax, pcur);
	com_add_money(o, "presentmentTotal", pt.total, pcur);
	int charged = present && present->charge;
	cJSON_AddStringToObject(o, "chargeCurrency", charged ? present->code : r->t.currency);
	com_add_money(o, "chargeTotal", charged ? pt.total : tot.total, charged ? present->code : r->t.currency);
	return o;
}

/* Route: POST /api/cart/quote {shippingMethod, discountCode?, currency?,
 * rate?} -> the totals the cart would have now (nothing is written or
 * reserved), in the store's currency and, as presentment* and charge*,
 * in the shopper's: the currency and rate the page showed (a changed rate
 * is 409 rate_changed, as at checkout), else the sf_currency cookie's. */
void store_checkout_quote(req *r)
{
	cJSON *b = http_json_body(r), *settings = NULL;
	if (!b) return;
	const char *ship_id, *code = NULL, *cur = NULL, *rate = NULL, *why, *field;
	currency_rate cr = { .code = "" };
	if (in_str(r, b, "shippingMethod", IN_REQUIRED, 60, &ship_id) < 0 ||
	    in_str(r, b, "discountCode", IN_OPTIONAL, COM_DISCOUNT_CODE_MAX, &code) < 0 ||
	    in_str(r, b, "currency", IN_OPTIONAL, 8, &cur) < 0 || in_str(r, b, "rate", IN_OPTIONAL, 32, &rate) < 0)
		goto out;
	settings = com_settings(r->t.id);
	if (cur) {
		if (checked_currency(r, settings, cur, rate, &cr) < 0) goto out;
	} else if (store_presentment(r) && currency_find(settings, r->currency, &cr) < 0) {
		cr.code[0] = 0;
	}
	com_ship ship;
	if ((why = checkout_choice_problem(settings, ship_id, NULL, &ship, &field))) { in_fail(r, field, "%s", why); goto out; }
	checkout_result res;
	cJSON *o = quote_json(r, settings, &ship, code, cr.code[0] ? &cr : NULL, &res);
	if (!o) {
		checkout_fail(r, &res, code, NULL);
		checkout_result_free(&res);
		goto out;
	}
	checkout_result_free(&res);
	http_json(r, 200, o);
out:
	cJSON_Delete(settings);
	cJSON_Delete(b);
}

/* Route: POST /api/payments/webhook */
void store_payment_webhook(req *r)
{
	cJSON *settings = com_settings(r->t.id);
	pay_webhook(r, settings, outbox_queue_webhook);
	cJSON_Delete(settings);
}

/* The cart in the shopper's currency (a chosen one the store sells in):
 * presentment {currency, rate, subtotal (minor units), subtotalFormatted}
 * and each line's
 * priceFormatted and lineTotalFormatted in it. */
static void add_presentment(req *r, cJSON *d, cJSON *cart)
{
	if (!store_presentment(r)) return;
	cJSON *it, *items = cJSON_GetObjectItemCaseSensitive(cart, "items");
	int64_t sub = presentment_lines(r, items, "price");
	cJSON_ArrayForEach(it, items) {
		const cJSON *unit = cJSON_GetObjectItemCaseSensitive(it, "presentmentPrice");
		const cJSON *q = cJSON_GetObjectItemCaseSensitive(it, "quantity");
		if (!cJSON_IsNumber(unit) || !cJSON_IsNumber(q)) continue;
		sbuf b = SBUF_INIT;
		money_format(&b, (int64_t)unit->valuedouble, r->currency);
		cJSON_ReplaceItemInObjectCaseSensitive(it, "priceFormatted", cJSON_CreateString(sb_str(&b)));
		sb_reset(&b);
		money_format(&b, (int64_t)unit->valuedouble * (int64_t)q->valuedouble, r->currency);
		cJSON_ReplaceItemInObjectCaseSensitive(it, "lineTotalFormatted", cJSON_CreateString(sb_str(&b)));
		sb_free(&b);
	}
	cJSON *p = cJSON_AddObjectToObject(d, "presentment");
	cJSON_AddStringToObject(p, "currency", r->currency);
	cJSON_AddStringToObject(p, "rate", r->currency_rate_text);
	cJSON_AddNumberToObject(p, "subtotal", (double)sub);   /* minor units: what checkout sends back */
	cJSON_AddBoolToObject(p, "charge", r->currency_charge);    /* the gateway charges in it */
	cJSON_AddStringToObject(p, "shopCurrency", r->t.currency);
	sbuf b = SBUF_INIT;
	money_format(&b, sub, r->currency);
	cJSON_AddStringToObject(p, "subtotalFormatted", sb_str(&b));
	sb_free(&b);
	cJSON_ReplaceItemInObjectCaseSensitive(cart, "subtotalFormatted", cJSON_CreateString(cJSON_GetObjectItemCaseSensitive(p, "subtotalFormatted")->valuestring));
}

cJSON *store_cart_presented(req *r)
{
	int64_t id = com_cart_id(r, 0);
	if (id <= 0) return NULL;
	cJSON *cart = com_cart_json(r, id), *it;
	cJSON *items = cJSON_GetObjectItemCaseSensitive(cart, "items");
	if (cJSON_GetArraySize(items) == 0) { cJSON_Delete(cart); return NULL; }
	int other = store_presentment(r);
	const char *cur = other ? r->currency : r->t.currency;
	int64_t sub = 0, shop_sub = 0;
	cJSON_ArrayForEach(it, items) {
		const cJSON *price = cJSON_GetObjectItemCaseSensitive(it, "price");
		const cJSON *q = cJSON_GetObjectItemCaseSensitive(it, "quantity");
		if (!cJSON_IsNumber(price) || !cJSON_IsNumber(q)) continue;
		int64_t qty = (int64_t)q->valuedouble, shop = money_minor(price->valuedouble, r->t.currency);
		currency_amount a;
		int64_t unit = store_price(r, store_json_id(it, "productId"), store_json_id(it, "variantId"), shop, -1, &a);
		sub += unit * qty;
		shop_sub += shop * qty;
		static const char *const keys[] = { "price", "priceFormatted", "lineTotal", "lineTotalFormatted" };
		for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) cJSON_DeleteItemFromObjectCaseSensitive(it, keys[i]);
		com_add_money(it, "price", unit, cur);
		com_add_money(it, "lineTotal", unit * qty, cur);
		cJSON_AddNumberToObject(it, "shopPrice", money_major(shop, r->t.currency));
		cJSON_AddNumberToObject(it, "shopLineTotal", money_major(shop * qty, r->t.currency));
	}
	cJSON_DeleteItemFromObjectCaseSensitive(cart, "subtotal");
	cJSON_DeleteItemFromObjectCaseSensitive(cart, "subtotalFormatted");
	cJSON_ReplaceItemInObjectCaseSensitive(cart, "currency", cJSON_CreateString(cur));
	com_add_money(cart, "subtotal", sub, cur);
	cJSON_AddStringToObject(cart, "shopCurrency", r->t.currency);
	cJSON_AddNumberToObject(cart, "shopSubtotal", money_major(shop_sub, r->t.currency));
	return cart;
}

/* Route: GET /cart */
void store_cart_page(req *r)
{
	cJSON *d = cJSON_CreateObject();
	cJSON *cart = com_cart_json(r, com_cart_id(r, 0));
	cJSON_AddBoolToObject(d, "hasItems", cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(cart, "items")) > 0);
	cJSON_AddItemToObject(d, "cart", cart);
	store_currency_form(r, d, "/cart");
	add_presentment(r, d, cart);
	render_template_page(r, "cart.html", "Your cart", d);
	cJSON_Delete(d);
}

/* The summary's totals for the first shipping method (the page's script
 * asks again as the shopper chooses), in the shopper's currency as the
 * quote gives them: d.totals {subtotal, discount, shipping, tax, total,
 * chargeTotal} formatted, "-" when there is none to give. */
static void add_totals(req *r, cJSON *d, const cJSON *settings, const com_ship *ship)
{
	currency_rate cr = { .code = "" };
	if (store_presentment(r) && currency_find(settings, r->currency, &cr) < 0) cr.code[0] = 0;
	checkout_result res;
	cJSON *q = quote_json(r, settings, ship, NULL, cr.code[0] ? &cr : NULL, &res);
	checkout_result_free(&res);
	cJSON *t = cJSON_AddObjectToObject(d, "totals");
	static const char *const keys[][2] = { { "subtotal", "presentmentSubtotalFormatted" },
					       { "discount", "presentmentDiscountFormatted" },
					       { "shipping", "presentmentShippingFormatted" },
					       { "tax", "presentmentTaxFormatted" },
					       { "total", "presentmentTotalFormatted" },
					       { "chargeTotal", "chargeTotalFormatted" } };
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(q, keys[i][1]);
		cJSON_AddStringToObject(t, keys[i][0], cJSON_IsString(v) ? v->valuestring : "-");
	}
	const cJSON *inc = cJSON_GetObjectItemCaseSensitive(q, "taxInclusive");
	cJSON_AddBoolToObject(t, "taxInclusive", cJSON_IsTrue(inc));
	cJSON_Delete(q);
}

/* Route: GET /checkout */
void store_checkout_page(req *r)
{
	cJSON *d = cJSON_CreateObject();
	cJSON *cart = com_cart_json(r, com_cart_id(r, 0));
	cJSON_AddBoolToObject(d, "hasItems", cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(cart, "items")) > 0);
	cJSON_AddItemToObject(d, "cart", cart);
	cJSON *s = com_settings(r->t.id);
	cJSON *methods = cJSON_AddArrayToObject(d, "shippingMethods");
	const cJSON *m;
	int first = 1;
	cJSON_ArrayForEach(m, cJSON_GetObjectItemCaseSensitive(s, "shippingMethods")) {
		com_ship sh;
		const cJSON *id = cJSON_GetObjectItemCaseSensitive(m, "id");
		if (!cJSON_IsString(id) || com_ship_find(s, id->valuestring, &sh) < 0) continue;
		if (first) add_totals(r, d, s, &sh);
		cJSON *x = cJSON_CreateObject();
		cJSON_AddStringToObject(x, "id", sh.id);
		cJSON_AddStringToObject(x, "name", sh.name);
		cJSON_AddBoolToObject(x, "pickup", !strcmp(sh.kind, "pickup"));
		cJSON_AddBoolToObject(x, "checked", first);
		first = 0;
		sbuf p = SBUF_INIT;
		/* in the shopper's currency, converted as the order's shipping is */
		const char *pc = store_presentment(r) ? r->currency : r->t.currency;
		if (!strcmp(sh.kind, "pickup") || sh.price == 0) sb_puts(&p, "Free");
		else {
			money_format(&p, store_convert_plain(r, sh.price), pc);
			if (!strcmp(sh.kind, "free_over")) {
				sb_puts(&p, ", free over ");
				money_format(&p, store_convert_plain(r, sh.min_subtotal), pc);
			}
		}
		cJSON_AddStringToObject(x, "priceText", sb_str(&p));
		sb_free(&p);
		cJSON_AddItemToArray(methods, x);
	}
	cJSON *pays = cJSON_AddArrayToObject(d, "paymentMethods");
	first = 1;
	cJSON_ArrayForEach(m, cJSON_GetObjectItemCaseSensitive(s, "paymentMethods")) {
		cJSON *x = cJSON_CreateObject();
		cJSON_AddStringToObject(x, "id", m->valuestring);
		cJSON_AddStringToObject(x, "name", !strcmp(m->valuestring, "manual") ? "Pay on pickup or delivery" : "Card");
		cJSON_AddBoolToObject(x, "checked", first);
		first = 0;
		cJSON_AddItemToArray(pays, x);
	}
	cJSON_Delete(s);
	char key[33];
	random_hex(key, 16);
	cJSON_AddStringToObject(d, "idempotencyKey", key);
	add_presentment(r, d, cart);
	/* a signed-in shopper: contact and saved addresses prefill the form */
	cJSON *c = store_customer(r) ? customer_json(r->t.id, r->customer_id, r->t.currency) : NULL;
	if (c) {
		cJSON *addrs = cJSON_DetachItemFromObjectCaseSensitive(c, "addresses");
		cJSON *one = cJSON_GetArrayItem(addrs, 0), *a;
		int i = 0;
		cJSON_ArrayForEach(a, addrs) cJSON_AddBoolToObject(a, "checked", i++ == 0);
		cJSON_AddItemToObject(d, "savedAddresses", addrs);
		cJSON_AddBoolToObject(d, "hasSavedAddresses", one != NULL);
		cJSON_AddItemToObject(d, "prefill", one ? cJSON_Duplicate(one, 1) : cJSON_CreateObject());
		cJSON_AddItemToObject(d, "customer", c);
	}
	render_template_page(r, "checkout.html", "Checkout", d);
	cJSON_Delete(d);
}

/* Route: GET /orders/{id}?key=SECRET -- the confirmation page. A wrong key
 * looks exactly like a missing order. */
void store_order_page(req *r)
{
	r->referrer_policy = "no-referrer";   /* the key in the address goes nowhere */
	const char *key = http_query(r, "key");
	int64_t id = com_order_by_key(r->t.id, route_id(r, 0), key);   /* {id}: the per-store number */
	cJSON *o = id ? com_order_json(r->t.id, id, 0, r->t.currency) : NULL;
	if (!o) { http_error(r, 404, "not_found", NULL, "There is no such order, or the link is incomplete."); return; }
	if (r->json_errors || str_eq(http_query(r, "format"), "json")) {
		cJSON *w = cJSON_CreateObject();
		cJSON_AddItemToObject(w, "order", o);
		http_json(r, 200, w);
		return;
	}
	cJSON *d = cJSON_CreateObject();
	cJSON_AddBoolToObject(d, "manual", !strcmp(cJSON_GetObjectItemCaseSensitive(o, "paymentMethod")->valuestring, "manual"));
	cJSON_AddBoolToObject(d, "hasDiscount", cJSON_GetObjectItemCaseSensitive(o, "discount")->valuedouble > 0);
	/* No mail server: the page says so instead of promising an email. */
	cJSON_AddBoolToObject(d, "mailConfigured", cfg.smtp_url[0] != 0);
	/* placed in another currency: what the shopper saw, beside the shop's */
	cJSON_AddBoolToObject(d, "otherCurrency", strcmp(cJSON_GetObjectItemCaseSensitive(o, "presentmentCurrency")->valuestring,
							  cJSON_GetObjectItemCaseSensitive(o, "shopCurrency")->valuestring) != 0);
	cJSON_AddItemToObject(d, "order", o);
	char title[64];
	snprintf(title, sizeof title, "Order #%d", (int)cJSON_GetObjectItemCaseSensitive(o, "number")->valuedouble);
	render_template_page(r, "order.html", title, d);
	cJSON_Delete(d);
}

/* Route: POST /api/cart/email {email} -- the email typed at checkout, kept
 * on the cart for the store's abandoned-checkout reminder (if it sends
 * them; recover.c). {kept}: false when there is no cart. */
void store_cart_email(req *r)
{
	cJSON *b = http_json_body(r);
	if (!b) return;
	const char *e, *why;
	if (in_str(r, b, "email", IN_REQUIRED, IN_EMAIL_MAX, &e) == 0) {
		int64_t cart = com_cart_id(r, 0);
		if ((why = email_problem(e))) in_fail(r, "email", "%s", why);
		else if (cart > 0 && recover_set_email(r->t.id, cart, e) < 0) fail_storage(r);
		else {
			cJSON *o = cJSON_CreateObject();
			cJSON_AddBoolToObject(o, "kept", cart > 0);
			http_json(r, 200, o);
		}
	}
	cJSON_Delete(b);
}

/* Route: GET /cart/recover/{token} -- the reminder's link: the cart comes
 * back to this browser (a new cookie), then 303 to /cart. A spent or
 * unknown link: the friendly 404. */
void store_cart_recover(req *r)
{
	r->referrer_policy = "no-referrer";
	char token[49];
	int64_t cart = recover_claim(r->t.id, r->params[0], token);
	if (!cart) { http_error(r, 404, "not_found", NULL, "This link was used already or has expired."); return; }
	http_set_cookie(r, COM_CART_COOKIE, token, cfg.cart_ttl, 1, "Lax");
	http_redirect(r, 303, "/cart");
}
