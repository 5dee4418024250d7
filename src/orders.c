/* orders: order JSON, lookup, the transition table and restock (see orders.h). */
#include "orders.h"
#include "commerce.h"
#include "audit.h"
#include "rows.h"
#include "db.h"
#include "util.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const ORDER_COLS =
	"SELECT id, number, secret, email, name, phone, shipping_address_json, shipping_method, shipping_method_name, "
	"payment_method, currency, subtotal, discount, shipping, tax, tax_inclusive, total, discount_code, status, "
	"payment_status, fulfillment_status, refunded, tracking_number, tracking_url, payment_ref, created_at, "
	"updated_at, paid_at, fulfilled_at, cancelled_at, note, payment_client_secret, "
	"presentment_currency, presentment_rate, presentment_total, charge_currency, charge_total "
	"FROM orders WHERE tenant_id = :t AND id = :id";

cJSON *com_order_json(int64_t tid, int64_t id, int admin, const char *currency)
{
	sqlite3_stmt *st = db_stmt(ORDER_COLS);
	db_bind_int(st, ":t", tid);
	db_bind_int(st, ":id", id);
	if (db_step(st) != SQLITE_ROW) { db_reset(st); return NULL; }
	cJSON *o = cJSON_CreateObject();
	const char *cur = db_text(st, 10);
	char curbuf[8];
	snprintf(curbuf, sizeof curbuf, "%s", *cur ? cur : (currency ? currency : "USD"));
	/* The per-store number is the order's id outside: the internal id
	 * would show how many orders every store together has taken. */
	row_add_id(o, "id", db_int(st, 1));
	cJSON_AddNumberToObject(o, "number", (double)db_int(st, 1));
	char url[160];
	snprintf(url, sizeof url, "/orders/%lld?key=%s", (long long)db_int(st, 1), db_text(st, 2));
	cJSON_AddStringToObject(o, "url", url);
	cJSON_AddStringToObject(o, "email", db_text(st, 3));
	cJSON_AddStringToObject(o, "name", db_text(st, 4));
	cJSON_AddStringToObject(o, "phone", db_text(st, 5));
	cJSON *addr = cJSON_Parse(db_text(st, 6));
	cJSON_AddItemToObject(o, "shippingAddress", cJSON_IsObject(addr) ? addr : (cJSON_Delete(addr), cJSON_CreateObject()));
	cJSON_AddStringToObject(o, "shippingMethod", db_text(st, 7));
	cJSON_AddStringToObject(o, "shippingMethodName", db_text(st, 8));
	cJSON_AddStringToObject(o, "paymentMethod", db_text(st, 9));
	cJSON_AddStringToObject(o, "currency", curbuf);
	static const char *const money_keys[] = { "subtotal", "discount", "shipping", "tax" };
	for (int i = 0; i < 4; i++) {
		if (admin) cJSON_AddNumberToObject(o, money_keys[i], (double)db_int(st, 11 + i));
		else com_add_money(o, money_keys[i], db_int(st, 11 + i), curbuf);
	}
	cJSON_AddBoolToObject(o, "taxInclusive", db_int(st, 15));
	if (admin) cJSON_AddNumberToObject(o, "total", (double)db_int(st, 16));
	else com_add_money(o, "total", db_int(st, 16), curbuf);
	if (db_isnull(st, 17)) cJSON_AddNullToObject(o, "discountCode");
	else cJSON_AddStringToObject(o, "discountCode", db_text(st, 17));
	cJSON_AddStringToObject(o, "status", db_text(st, 18));
	cJSON_AddStringToObject(o, "paymentStatus", db_text(st, 19));
	cJSON_AddStringToObject(o, "fulfillmentStatus", db_text(st, 20));
	cJSON_AddStringToObject(o, "trackingNumber", db_text(st, 22));
	cJSON_AddStringToObject(o, "trackingUrl", db_text(st, 23));
	char ts[32];
	iso8601(db_int(st, 25), ts);
	cJSON_AddStringToObject(o, "createdAt", ts);
	if (admin) {
		cJSON_AddNumberToObject(o, "refunded", (double)db_int(st, 21));
		cJSON_AddStringToObject(o, "paymentRef", db_text(st, 24));
		iso8601(db_int(st, 26), ts);
		cJSON_AddStringToObject(o, "updatedAt", ts);
		static const char *const tkeys[] = { "paidAt", "fulfilledAt", "cancelledAt" };
		for (int i = 0; i < 3; i++) {
			if (db_isnull(st, 27 + i)) cJSON_AddNullToObject(o, tkeys[i]);
			else { iso8601(db_int(st, 27 + i), ts); cJSON_AddStringToObject(o, tkeys[i], ts); }
		}
		cJSON_AddStringToObject(o, "note", db_text(st, 30));
	} else if (*db_text(st, 31)) {
		cJSON_AddStringToObject(o, "paymentClientSecret", db_text(st, 31));
	}
	/* Multi-currency (doc/commerce.md): the shop's currency (every amount
	 * above), what the shopper saw (presentment: the shop's own when they
	 * chose none) and what the gateway was asked to charge. */
	char pcur[8];
	snprintf(pcur, sizeof pcur, "%s", db_isnull(st, 32) ? curbuf : db_text(st, 32));
	cJSON_AddStringToObject(o, "shopCurrency", curbuf);
	cJSON_AddStringToObject(o, "presentmentCurrency", pcur);
	if (db_isnull(st, 33)) cJSON_AddNullToObject(o, "presentmentRate");
	else cJSON_AddStringToObject(o, "presentmentRate", db_text(st, 33));
	int64_t ptotal = db_isnull(st, 34) ? db_int(st, 16) : db_int(st, 34);
	if (admin) cJSON_AddNumberToObject(o, "presentmentTotal", (double)ptotal);
	else com_add_money(o, "presentmentTotal", ptotal, pcur);
	char ccur[8];
	snprintf(ccur, sizeof ccur, "%s", db_isnull(st, 35) ? curbuf : db_text(st, 35));
	cJSON_AddStringToObject(o, "chargeCurrency", ccur);
	int64_t ctotal = db_isnull(st, 36) ? db_int(st, 16) : db_int(st, 36);
	if (admin) cJSON_AddNumberToObject(o, "chargeTotal", (double)ctotal);
	else com_add_money(o, "chargeTotal", ctotal, ccur);
	/* refunds are in the currency charged (the email's refundedFormatted) */
	if (!admin && db_int(st, 21) > 0) com_add_money(o, "refunded", db_int(st, 21), ccur);
	db_reset(st);
	cJSON *items = cJSON_AddArrayToObject(o, "items");
	st = db_stmt("SELECT product_id, variant_id, name, variant_title, sku, unit_price, quantity, line_total, "
		     "coalesce(presentment_price, unit_price) FROM order_items WHERE tenant_id = :t AND order_id = :id ORDER BY id");
	db_bind_int(st, ":t", tid);
	db_bind_int(st, ":id", id);
	while (db_step(st) == SQLITE_ROW) {
		cJSON *it = cJSON_CreateObject();
		if (db_isnull(st, 0)) cJSON_AddNullToObject(it, "productId"); else row_add_id(it, "productId", db_int(st, 0));
		if (db_int(st, 1)) row_add_id(it, "variantId", db_int(st, 1)); else cJSON_AddNullToObject(it, "variantId");
		cJSON_AddStringToObject(it, "name", db_text(st, 2));
		cJSON_AddStringToObject(it, "variantTitle", db_text(st, 3));
		cJSON_AddStringToObject(it, "sku", db_text(st, 4));
		cJSON_AddNumberToObject(it, "quantity", (double)db_int(st, 6));
		if (admin) {
			cJSON_AddNumberToObject(it, "unitPrice", (double)db_int(st, 5));
			cJSON_AddNumberToObject(it, "lineTotal", (double)db_int(st, 7));
		} else {
			com_add_money(it, "unitPrice", db_int(st, 5), curbuf);
			com_add_money(it, "lineTotal", db_int(st, 7), curbuf);
		}
		if (admin) {
			cJSON_AddNumberToObject(it, "presentmentUnitPrice", (double)db_int(st, 8));
			cJSON_AddNumberToObject(it, "presentmentLineTotal", (double)(db_int(st, 8) * db_int(st, 6)));
		} else {
			com_add_money(it, "presentmentUnitPrice", db_int(st, 8), pcur);
			com_add_money(it, "presentmentLineTotal", db_int(st, 8) * db_int(st, 6), pcur);
		}
		cJSON_AddItemToArray(items, it);
	}
	db_reset(st);
	return o;
}

int64_t com_order_by_number(int64_t tid, int64_t number)
{
	sqlite3_stmt *st = db_stmt("SELECT id FROM orders WHERE tenant_id = :t AND number = :n");
	db_bind_int(st, ":t", tid);
	db_bind_int(st, ":n", number);
	int64_t id = db_step(st) == SQLITE_ROW ? db_int(st, 0) : 0;
	db_reset(st);
	return id;
}

/* 1 when order id (internal) of the store has this confirmation key. */
static int order_key_ok(int64_t tid, int64_t id, const char *key)
{
	sqlite3_stmt *st = db_stmt("SELECT secret FROM orders WHERE tenant_id = :t AND id = :id");
	db_bind_int(st, ":t", tid);
	db_bind_int(st, ":id", id);
	int ok = db_step(st) == SQLITE_ROW && strlen(db_text(st, 0)) == 32 && ct_equal(db_text(st, 0), key, 32);
	db_reset(st);
	return ok;
}

int64_t com_order_by_key(int64_t tid, int64_t ref, const char *key)
{
	if (!key || strlen(key) != 32 || ref <= 0) return 0;
	int64_t id = com_order_by_number(tid, ref);
	if (id && order_key_ok(tid, id, key)) return id;
	/* Links mailed before orders were named by number carry the internal id. */
	return order_key_ok(tid, ref, key) ? ref : 0;
}

int com_restock(int64_t tid, int64_t order)
{
	sqlite3_stmt *st = db_stmt("SELECT product_id, variant_id, quantity FROM order_items WHERE tenant_id = :t AND order_id = :o");
	db_bind_int(st, ":t", tid);
	db_bind_int(st, ":o", order);
	typedef struct { int64_t p, v, q; } line;
	line *l = NULL;
	size_t n = 0;
	while (db_step(st) == SQLITE_ROW) {
		l = xrealloc(l, (n + 1) * sizeof *l);
		l[n].p = db_isnull(st, 0) ? 0 : db_int(st, 0);
		l[n].v = db_int(st, 1);
		l[n].q = db_int(st, 2);
		n++;
	}
	db_reset(st);
	int rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++) {
		if (!l[i].p) continue;
		/* Untracked inventory has no count to return to. */
		st = l[i].v ? db_stmt("UPDATE variants SET stock = stock + :q, updated_at = strftime('%s','now') WHERE tenant_id = :t AND id = :id "
				      "AND (SELECT track_inventory FROM products p WHERE p.id = variants.product_id) = 1")
			    : db_stmt("UPDATE products SET stock = stock + :q, updated_at = strftime('%s','now') WHERE tenant_id = :t AND id = :id "
				      "AND track_inventory = 1");
		db_bind_int(st, ":t", tid);
		db_bind_int(st, ":id", l[i].v ? l[i].v : l[i].p);
		db_bind_int(st, ":q", l[i].q);
		rc = db_run(st);
		if (rc == 0) rc = audit_write_as(tid, 0, "system", "", "inventory.restock", "product", l[i].p, "update", NULL);
	}
	free(l);
	return rc;
}

/* ---- the state machine ---- */

static const order_transition order_transitions[] = {
	/* action      name       axis            from                       to           audit           event */
	{ ORD_FULFIL, "fulfil", AX_FULFILLMENT, "unfulfilled",             "fulfilled", "order.fulfil", "order.fulfilled" },
	{ ORD_CANCEL, "cancel", AX_STATUS,      "open",                    "cancelled", "order.cancel", "order.cancelled" },
	{ ORD_PAID,   "paid",   AX_PAYMENT,     "pending",                 "paid",      "order.paid",   "order.paid" },
	{ ORD_REFUND, "refund", AX_PAYMENT,     "paid partially_refunded", "refunded",  "order.refund", "order.refunded" },
};

/* What each action needs, checked in this order; the first not met is the
 * refusal, naming the value the axis holds where it says %s. A row with no `needs`
 * is the transition's own from. */
static const struct {
	order_action action;
	order_axis axis;
	const char *needs;
	const char *refusal;
} order_guards[] = {
	{ ORD_FULFIL, AX_STATUS, "open", "order is %s; it cannot be fulfilled" },
	{ ORD_FULFIL, AX_FULFILLMENT, NULL, "order is already %s" },
	{ ORD_CANCEL, AX_STATUS, NULL, "order is already %s" },
	{ ORD_CANCEL, AX_FULFILLMENT, "unfulfilled", "order is %s; refund it instead of cancelling" },
	{ ORD_PAID, AX_METHOD, "manual", "payment method is %s; the gateway confirms it" },
	{ ORD_PAID, AX_PAYMENT, NULL, "payment is already %s" },
	{ ORD_PAID, AX_STATUS, "open", "order is %s" },
	{ ORD_REFUND, AX_METHOD, "manual", "payment method is %s; refund it at the gateway" },
	{ ORD_REFUND, AX_PAYMENT, NULL, "payment is %s; only paid orders are refunded" },
};

const order_transition *order_transition_of(order_action a)
{
	for (size_t i = 0; i < ARRAY_LEN(order_transitions); i++)
		if (order_transitions[i].action == a) return &order_transitions[i];
	return NULL;
}

static const char *axis_value(const order_state *s, order_axis ax)
{
	switch (ax) {
	case AX_STATUS: return s->status;
	case AX_PAYMENT: return s->payment;
	case AX_FULFILLMENT: return s->fulfillment;
	case AX_METHOD: return s->method;
	}
	return "";
}

/* 1 when word is one of the space-separated words of set. */
static int one_of(const char *word, const char *set)
{
	size_t n = strlen(word);
	for (const char *p = set; *p;) {
		size_t len = strcspn(p, " ");
		if (len == n && !strncmp(p, word, n)) return 1;
		p += len;
		while (*p == ' ') p++;
	}
	return 0;
}

const char *order_refusal(order_action a, const order_state *s, char *msg, size_t n)
{
	const order_transition *t = order_transition_of(a);
	for (size_t i = 0; t && i < ARRAY_LEN(order_guards); i++) {
		if (order_guards[i].action != a) continue;
		const char *v = axis_value(s, order_guards[i].axis);
		if (one_of(v, order_guards[i].needs ? order_guards[i].needs : t->from)) continue;
		/* the refusal names the value where it says %s */
		const char *rf = order_guards[i].refusal, *at = strstr(rf, "%s");
		snprintf(msg, n, "%.*s%s%s", (int)(at ? at - rf : (ptrdiff_t)strlen(rf)), rf, at ? v : "", at ? at + 2 : "");
		return msg;
	}
	return NULL;
}

int order_state_load(int64_t tid, int64_t id, order_state *s)
{
	/* total: what was charged (refunds are in that currency) */
	sqlite3_stmt *st = db_stmt("SELECT status, payment_status, fulfillment_status, coalesce(charge_total, total), refunded, "
				   "restocked, payment_method, coalesce(charge_currency, currency) FROM orders WHERE tenant_id = :t AND id = :id");
	db_bind_int(st, ":t", tid);
	db_bind_int(st, ":id", id);
	int found = db_step(st) == SQLITE_ROW;
	if (found) {
		snprintf(s->status, sizeof s->status, "%s", db_text(st, 0));
		snprintf(s->payment, sizeof s->payment, "%s", db_text(st, 1));
		snprintf(s->fulfillment, sizeof s->fulfillment, "%s", db_text(st, 2));
		s->total = db_int(st, 3);
		s->refunded = db_int(st, 4);
		s->restocked = (int)db_int(st, 5);
		snprintf(s->method, sizeof s->method, "%s", db_text(st, 6));
		snprintf(s->currency, sizeof s->currency, "%s", db_text(st, 7));
	}
	db_reset(st);
	return found ? 0 : -1;
}
