/* checkout: placing and quoting orders (see checkout.h). */
#include "pagecache.h"
#include "checkout.h"
#include "cart.h"
#include "orders.h"
#include "outbox.h"
#include "payment.h"
#include "store_settings.h"
#include "audit.h"
#include "sha256.h"
#include "rows.h"
#include "db.h"
#include "log.h"
#include "currency.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *checkout_choice_problem(const cJSON *settings, const char *ship_id, const char *pay, com_ship *ship,
				    const char **field)
{
	if (com_ship_find(settings, ship_id, ship) < 0) {
		*field = "shippingMethod";
		return "is not one of this store's shipping methods";
	}
	if (pay && !com_method_enabled(settings, pay)) {
		*field = "paymentMethod";
		return "is not a payment method this store accepts";
	}
	return NULL;
}

/* A discount code checked against the subtotal: CO_PLACED with *d and *id
 * set, or a CO_DISCOUNT_* code with why in r->message (expired, used up...). */
static checkout_code discount_lookup(int64_t tid, const char *code, int64_t subtotal, com_discount *d, int64_t *id,
				     checkout_result *r)
{
	sqlite3_stmt *st = db_stmt("SELECT id, kind, value, min_subtotal, starts_at, expires_at, usage_limit, used, active "
				   "FROM discounts WHERE tenant_id = :t AND code = :c");
	db_bind_int(st, ":t", tid);
	db_bind_text(st, ":c", code);
	const char *why = NULL;
	checkout_code rc = CO_DISCOUNT_INVALID;
	int64_t now = now_unix();
	if (db_step(st) != SQLITE_ROW) why = "is not a valid discount code";
	else if (!db_int(st, 8)) why = "is not active";
	else if (!db_isnull(st, 4) && now < db_int(st, 4)) why = "is not valid yet";
	else if (!db_isnull(st, 5) && now >= db_int(st, 5)) { why = "has expired"; rc = CO_DISCOUNT_EXPIRED; }
	else if (!db_isnull(st, 6) && db_int(st, 7) >= db_int(st, 6)) { why = "has been used up"; rc = CO_DISCOUNT_USED_UP; }
	else if (subtotal < db_int(st, 3)) why = "needs a larger order";
	else {
		*id = db_int(st, 0);
		d->percent = !strcmp(db_text(st, 1), "percent");
		d->value = db_int(st, 2);
	}
	db_reset(st);
	if (!why) return CO_PLACED;
	sb_puts(&r->message, why);
	return r->code = rc;
}

/* Line l's unit price in cr's currency (currency_price: the merchant's
 * fixed price, else converted and rounded): what the pages showed. */
static int64_t present_unit(int64_t tid, const char *shop, const currency_rate *cr, const cart_line *l)
{
	currency_amount a;
	currency_price(tid, l->product, l->variant, shop, cr, l->price, -1, &a);
	return a.price;
}

/* THE presentment amounts from the items' sum in cr's currency and the
 * shop's totals (checkout.h, checkout_present). */
static void present_totals(int64_t items, const com_totals *tot, const char *shop, const currency_rate *cr,
			   checkout_present *p)
{
	int64_t rest = currency_convert_plain(tot->total - tot->subtotal, shop, cr);
	p->items = items;
	p->discount = currency_convert_plain(tot->discount, shop, cr);
	p->shipping = currency_convert_plain(tot->shipping, shop, cr);
	p->tax = tot->tax_inclusive ? currency_convert_plain(tot->tax, shop, cr) : rest - p->shipping + p->discount;
	p->total = items + rest;
	if (p->total < 0) p->total = 0;
}

checkout_code checkout_quote(int64_t tid, int64_t cart, const cJSON *settings, const com_ship *ship, const char *code,
			     const char *shop, const currency_rate *present, com_totals *tot, checkout_present *pt,
			     checkout_result *r)
{
	memset(r, 0, sizeof *r);
	cart_line *lines;
	size_t n;
	if (cart_lines(tid, cart, &lines, &n) < 0) { cart_lines_free(lines, n); return r->code = CO_STORAGE; }
	int64_t subtotal = cart_subtotal(lines, n), items = 0;
	if (present) {
		for (size_t i = 0; i < n; i++) items += present_unit(tid, shop, present, &lines[i]) * lines[i].qty;
	}
	cart_lines_free(lines, n);
	com_discount disc = { 0, 0 };
	int64_t disc_id = 0;
	if (code && *code && discount_lookup(tid, code, subtotal, &disc, &disc_id, r) != CO_PLACED) return r->code;
	com_compute_for(settings, subtotal, &disc, ship, tot);
	if (present) present_totals(items, tot, shop, present, pt);
	return r->code = CO_PLACED;
}

void checkout_result_free(checkout_result *r)
{
	sb_free(&r->message);
	cJSON_Delete(r->items);
	r->items = NULL;
}

/* The database failed: roll back (db_busy still tells whether it was only busy). */
static void storage(checkout_result *r)
{
	if (db_in_tx()) db_rollback();
	r->code = CO_STORAGE;
}

/* What the key stands for: the checked request, hashed into hash. */
static void request_hash(const checkout_req *q, char hash[65])
{
	cJSON *canon = cJSON_CreateObject();
	cJSON_AddStringToObject(canon, "email", q->email);
	cJSON_AddStringToObject(canon, "name", q->name);
	cJSON_AddStringToObject(canon, "phone", q->phone ? q->phone : "");
	cJSON_AddItemToObject(canon, "address", cJSON_Duplicate(q->address, 1));
	cJSON_AddStringToObject(canon, "ship", q->ship->id);
	cJSON_AddStringToObject(canon, "pay", q->pay);
	cJSON_AddStringToObject(canon, "code", q->code ? q->code : "");
	cJSON_AddStringToObject(canon, "note", q->note ? q->note : "");
	char *s = cJSON_PrintUnformatted(canon);
	sha256_hex(s, strlen(s), hash);
	cJSON_free(s);
	cJSON_Delete(canon);
}

/* Every line short of stock, not just the first, into r: 1 when any. */
static int short_lines(const cart_line *lines, size_t n, checkout_result *r)
{
	int gone = 0;
	for (size_t i = 0; i < n; i++) {
		const cart_line *l = &lines[i];
		if (!l->gone && (cart_line_unlimited(l) || l->qty <= l->stock)) continue;
		gone |= l->gone;
		if (!r->items) r->items = cJSON_CreateArray();
		cJSON *x = cJSON_CreateObject();
		row_add_id(x, "itemId", l->item);
		row_add_id(x, "productId", l->product);
		if (l->variant) row_add_id(x, "variantId", l->variant); else cJSON_AddNullToObject(x, "variantId");
		cJSON_AddStringToObject(x, "name", l->name);
		cJSON_AddStringToObject(x, "variantTitle", l->vtitle);
		cJSON_AddNumberToObject(x, "requested", (double)l->qty);
		cJSON_AddNumberToObject(x, "available", l->gone ? 0 : (double)l->stock);
		cJSON_AddItemToArray(r->items, x);
		sb_printf(&r->message, "%s%s%s%s%s (%lld requested, %lld left)", r->message.len ? "; " : "", l->name,
			  l->vtitle[0] ? " - " : "", l->vtitle, l->gone ? " is no longer sold" : "",
			  (long long)l->qty, (long long)(l->gone ? 0 : l->stock));
	}
	if (!r->items) return 0;
	r->code = gone ? CO_UNAVAILABLE : CO_OUT_OF_STOCK;
	return 1;
}

/* The order row: its internal id, or -1. */
static int64_t insert_order(const checkout_req *q, const char *hash, const com_totals *tot, int64_t disc_id)
{
	char secret[33];
	random_hex(secret, 16);
	char *addr_s = cJSON_PrintUnformatted(q->address);
	sqlite3_stmt *st = db_stmt(
		"INSERT INTO orders(tenant_id, number, secret, idempotency_key, request_hash, email, name, phone, "
		"shipping_address_json, shipping_method, shipping_method_name, payment_method, currency, subtotal, discount, "
		"shipping, tax, tax_inclusive, total, discount_code, note, created_at, updated_at) VALUES(:t, "
		"(SELECT coalesce(max(number), 1000) + 1 FROM orders WHERE tenant_id = :t), :sec, :k, :h, :e, :n, :ph, :a, "
		":sm, :smn, :pm, :cur, :sub, :disc, :ship, :tax, :inc, :tot, :code, :note, strftime('%s','now'), strftime('%s','now'))");
	db_bind_int(st, ":t", q->t->id);
	db_bind_text(st, ":sec", secret);
	db_bind_text(st, ":k", q->key);
	db_bind_text(st, ":h", hash);
	db_bind_text(st, ":e", q->email);
	db_bind_text(st, ":n", q->name);
	db_bind_text(st, ":ph", q->phone ? q->phone : "");
	db_bind_text(st, ":a", addr_s);
	db_bind_text(st, ":sm", q->ship->id);
	db_bind_text(st, ":smn", q->ship->name);
	db_bind_text(st, ":pm", q->pay);
	db_bind_text(st, ":cur", q->t->currency);
	db_bind_int(st, ":sub", tot->subtotal);
	db_bind_int(st, ":disc", tot->discount);
	db_bind_int(st, ":ship", tot->shipping);
	db_bind_int(st, ":tax", tot->tax);
	db_bind_int(st, ":inc", tot->tax_inclusive);
	db_bind_int(st, ":tot", tot->total);
	db_bind_text(st, ":code", disc_id ? q->code : NULL);
	db_bind_text(st, ":note", q->note ? q->note : "");
	int rc = db_run(st);
	cJSON_free(addr_s);
	return rc < 0 ? -1 : db_last_id();
}

/* The order's line l and the stock it takes: 0, -1 storage error, 1 the
 * stock ran out meanwhile. */
static int insert_line(const checkout_req *q, int64_t order, const cart_line *l)
{
	int64_t tid = q->t->id;
	sqlite3_stmt *st = db_stmt("INSERT INTO order_items(tenant_id, order_id, product_id, variant_id, name, variant_title, sku, "
				   "unit_price, quantity, line_total) VALUES(:t, :o, :p, :v, :n, :vt, :sku, :up, :q, :lt)");
	db_bind_int(st, ":t", tid);
	db_bind_int(st, ":o", order);
	db_bind_int(st, ":p", l->product);
	db_bind_int(st, ":v", l->variant);
	db_bind_text(st, ":n", l->name);
	db_bind_text(st, ":vt", l->vtitle);
	db_bind_text(st, ":sku", l->sku);
	db_bind_int(st, ":up", l->price);
	db_bind_int(st, ":q", l->qty);
	db_bind_int(st, ":lt", l->price * l->qty);
	if (db_run(st) < 0) return -1;
	/* The guard and CHECK (stock >= 0) both stand between us and
	 * overselling. Untracked: no count to take from. 'continue': the
	 * sale goes through and the count stops at zero. */
	if (!l->tracked) return 0;
	st = l->oversell
		? (l->variant ? db_stmt("UPDATE variants SET stock = max(stock - :q, 0), updated_at = strftime('%s','now') "
					"WHERE tenant_id = :t AND id = :id")
			      : db_stmt("UPDATE products SET stock = max(stock - :q, 0), updated_at = strftime('%s','now') "
					"WHERE tenant_id = :t AND id = :id"))
		: (l->variant ? db_stmt("UPDATE variants SET stock = stock - :q, updated_at = strftime('%s','now') "
					"WHERE tenant_id = :t AND id = :id AND stock >= :q")
			      : db_stmt("UPDATE products SET stock = stock - :q, updated_at = strftime('%s','now') "
					"WHERE tenant_id = :t AND id = :id AND stock >= :q"));
	db_bind_int(st, ":t", tid);
	db_bind_int(st, ":id", l->variant ? l->variant : l->product);
	db_bind_int(st, ":q", l->qty);
	if (db_run(st) < 0) return -1;
	if (db_changes() != 1) return 1;
	/* The stock shown changed: only the pages that show this product. */
	if (pagecache_invalidate(tid, "product", l->product) < 0) return -1;
	return audit_write_as(tid, 0, "shopper", q->remote_addr, "inventory.sale", "product", l->product, "update", NULL) < 0 ? -1 : 0;
}

/* The shopper's currency on order: each line's unit price in it (the same
 * currency_price the pages showed), what the shopper saw in total (the
 * items plus shipping, tax and discount converted without rounding) and,
 * when the store charges in it, what the gateway is asked for. 0, -1
 * storage error, 1 the items no longer come to q->present_items (the sum
 * in r->present_items). */
static int record_presentment(const checkout_req *q, int64_t order, const cart_line *lines, size_t n,
			      const com_totals *tot, checkout_result *r)
{
	int64_t tid = q->t->id, items = 0;
	const currency_rate *cr = q->present;
	for (size_t i = 0; i < n; i++) {
		int64_t unit = present_unit(tid, q->t->currency, cr, &lines[i]);
		items += unit * lines[i].qty;
		sqlite3_stmt *st = db_stmt("UPDATE order_items SET presentment_price = :p WHERE tenant_id = :t AND order_id = :o "
					   "AND coalesce(product_id, 0) = :pid AND variant_id = :vid");
		db_bind_int(st, ":p", unit);
		db_bind_int(st, ":t", tid);
		db_bind_int(st, ":o", order);
		db_bind_int(st, ":pid", lines[i].product);
		db_bind_int(st, ":vid", lines[i].variant);
		if (db_run(st) < 0) return -1;
	}
	if (items != q->present_items) { r->present_items = items; return 1; }
	checkout_present p;
	present_totals(items, tot, q->t->currency, cr, &p);
	int64_t total = p.total;
	sqlite3_stmt *st = db_stmt("UPDATE orders SET presentment_currency = :c, presentment_rate = :r, presentment_total = :tot, "
				   "charge_currency = CASE WHEN :charge THEN :c END, charge_total = CASE WHEN :charge THEN :tot END "
				   "WHERE tenant_id = :t AND id = :o");
	db_bind_text(st, ":c", cr->code);
	db_bind_text(st, ":r", cr->rate_text);
	db_bind_int(st, ":tot", total);
	db_bind_int(st, ":charge", cr->charge);
	db_bind_int(st, ":t", tid);
	db_bind_int(st, ":o", order);
	return db_run(st) < 0 ? -1 : 0;
}

/* Count one use of discount id: 0, -1 storage error, 1 used up meanwhile. */
static int use_discount(int64_t tid, int64_t id)
{
	sqlite3_stmt *st = db_stmt("UPDATE discounts SET used = used + 1 WHERE tenant_id = :t AND id = :id "
				   "AND (usage_limit IS NULL OR used < usage_limit)");
	db_bind_int(st, ":t", tid);
	db_bind_int(st, ":id", id);
	if (db_run(st) < 0) return -1;
	return db_changes() == 1 ? 0 : 1;
}

/* Inside the transaction, from the key's check to the commit. */
static void place(const checkout_req *q, const char *hash, checkout_result *r, int64_t *intent)
{
	int64_t tid = q->t->id;
	sqlite3_stmt *st = db_stmt("SELECT id, request_hash FROM orders WHERE tenant_id = :t AND idempotency_key = :k");
	db_bind_int(st, ":t", tid);
	db_bind_text(st, ":k", q->key);
	int64_t existing = 0;
	int same = 0;
	if (db_step(st) == SQLITE_ROW) { existing = db_int(st, 0); same = !strcmp(db_text(st, 1), hash); }
	db_reset(st);
	if (existing) {
		db_rollback();
		r->order = existing;
		r->code = same ? CO_REPLAYED : CO_KEY_CONFLICT;
		return;
	}
	if (q->cart <= 0) { db_rollback(); r->code = CO_CART_EMPTY; return; }
	cart_line *lines;
	size_t n;
	if (cart_lines(tid, q->cart, &lines, &n) < 0) { cart_lines_free(lines, n); storage(r); return; }
	int64_t subtotal = 0;
	for (size_t i = 0; i < n; i++) subtotal += lines[i].price * lines[i].qty;
	com_discount disc = { 0, 0 };
	int64_t disc_id = 0, order = 0;
	com_totals tot;
	if (!n) { db_rollback(); r->code = CO_CART_EMPTY; goto out; }
	if (subtotal > COM_MAX_ORDER) { db_rollback(); r->code = CO_TOO_LARGE; goto out; }
	if (short_lines(lines, n, r)) { db_rollback(); goto out; }
	if (q->code && discount_lookup(tid, q->code, subtotal, &disc, &disc_id, r) != CO_PLACED) { db_rollback(); goto out; }
	com_compute_for(q->settings, subtotal, &disc, q->ship, &tot);
	if ((order = insert_order(q, hash, &tot, disc_id)) < 0) { storage(r); goto out; }
	for (size_t i = 0; i < n; i++) {
		int rc = insert_line(q, order, &lines[i]);
		if (rc < 0) { storage(r); goto out; }
		if (rc > 0) {
			db_rollback();
			r->code = CO_OUT_OF_STOCK;
			sb_puts(&r->message, lines[i].name);
			goto out;
		}
	}
	if (q->present) {
		int rc = record_presentment(q, order, lines, n, &tot, r);
		if (rc < 0) { storage(r); goto out; }
		if (rc > 0) { db_rollback(); r->code = CO_PRICE_CHANGED; goto out; }
	}
	if (disc_id) {
		int rc = use_discount(tid, disc_id);
		if (rc < 0) { storage(r); goto out; }
		if (rc > 0) {
			db_rollback();
			r->code = CO_DISCOUNT_USED_UP;
			sb_puts(&r->message, "has been used up");
			goto out;
		}
	}
	st = db_stmt("DELETE FROM cart_items WHERE tenant_id = :t AND cart_id = :c");
	db_bind_int(st, ":t", tid);
	db_bind_int(st, ":c", q->cart);
	if (db_run(st) < 0 ||
	    audit_write_as(tid, 0, "shopper", q->remote_addr, "order.create", "order", order, "create", NULL) < 0 ||
	    outbox_queue_order_emails(q->t, q->origin, order, q->settings) < 0 ||
	    outbox_queue_webhook(tid, order, "order.created") < 0) {
		storage(r);
		goto out;
	}
	/* Card payments: the intent is queued with the order (a crash cannot
	 * lose it) and made once the order is safe. */
	if (!strcmp(q->pay, "stripe") && (*intent = pay_queue_intent(tid, order, q->settings)) < 0) {
		storage(r);
		goto out;
	}
	pagecache_nothing_shown(tid);   /* the lines whose stock moved removed their pages */
	if (audit_bump_content(tid) < 0) { storage(r); goto out; }   /* stock shown on cached pages changed */
	if (db_commit() < 0) { storage(r); goto out; }
	r->code = CO_PLACED;
	r->order = order;
out:
	cart_lines_free(lines, n);
}

void checkout_place(const checkout_req *q, checkout_result *r)
{
	memset(r, 0, sizeof *r);
	char hash[65];
	request_hash(q, hash);
	if (db_begin(1) < 0) { storage(r); return; }
	/* Under the write lock: a move's read-only window opened before this
	 * transaction means the store's export may be taken already, so no
	 * order may be written here (sql/015_pods.sql's trigger is the backstop). */
	sqlite3_stmt *ro = db_stmt("SELECT read_only_until > CAST(strftime('%s','now') AS INTEGER) FROM tenants WHERE id = :t");
	db_bind_int(ro, ":t", q->t->id);
	int fenced = db_step(ro) == SQLITE_ROW && db_int(ro, 0);
	db_reset(ro);
	if (fenced) { db_rollback(); r->code = CO_READ_ONLY; return; }
	int64_t intent = 0;
	place(q, hash, r, &intent);
	if (r->code != CO_PLACED || !intent) return;
	/* The one outside call a request waits for, within gateway_timeout_ms:
	 * past it the order stands and the deliverer makes the intent. */
	char err[256] = "";
	if (pay_create_intent(q->t->id, r->order, intent, q->settings, err, sizeof err) < 0) {
		log_warn("store %lld order %lld: payment intent not made at checkout (the deliverer retries): %s",
			 (long long)q->t->id, (long long)r->order, err);
		r->payment_delayed = 1;
	}
}
