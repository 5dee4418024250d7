/* admin_orders: /api/cms/orders (list with filters and pagination, one
 * order, fulfil, cancel with a one-time restock, manual payment and refund
 * state; which moves are allowed is orders.c's transition table),
 * /api/cms/discounts and /api/cms/commerce/settings. Money in minor units.
 * Every write leaves a change-feed row (the POS polls it) and an audit row
 * in its transaction, and queues the POS webhook. */
#include "admin.h"
#include "text.h"
#include "orders.h"
#include "outbox.h"
#include "store_settings.h"
#include "input.h"
#include "config.h"
#include "money.h"
#include "audit.h"
#include "route.h"
#include "db.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* "2026-11-22", an ISO time ("2026-11-22T10:00:00Z", offsets too; the
 * one ISO parser, text_parse_iso) or unix seconds -> unix seconds; -1 bad. */
static int64_t parse_time(const char *s)
{
	if (!s || !*s) return -1;
	char *end;
	long long v = strtoll(s, &end, 10);
	if (!*end && v >= 0) return v;
	double ms;
	if (text_parse_iso(s, &ms) < 0 || ms < 0) return -1;
	return (int64_t)(ms / 1000);
}

static int one_of(const char *v, const char *const *set)
{
	for (int i = 0; set[i]; i++) if (!strcmp(v, set[i])) return 1;
	return 0;
}

/* The order list's filters: one WHERE clause for the count and the page. */
#define ORDER_FILTER "tenant_id = :t AND (:st IS NULL OR status = :st) AND (:ps IS NULL OR payment_status = :ps) " \
	"AND (:fs IS NULL OR fulfillment_status = :fs) AND created_at >= :from AND created_at < :to " \
	"AND (:q IS NULL OR number = :qn OR lower(email) = lower(:q))"

typedef struct order_filter {
	int64_t tid;
	const char *status, *payment, *fulfillment;
	int64_t from, to;
	const char *q;
	int64_t qnum;
} order_filter;

static void bind_filter(sqlite3_stmt *st, const order_filter *f)
{
	db_bind_int(st, ":t", f->tid);
	db_bind_text(st, ":st", f->status);
	db_bind_text(st, ":ps", f->payment);
	db_bind_text(st, ":fs", f->fulfillment);
	db_bind_int(st, ":from", f->from);
	db_bind_int(st, ":to", f->to);
	db_bind_text(st, ":q", f->q);
	db_bind_int(st, ":qn", f->qnum);
}

/* Route: GET /api/cms/orders?status=&paymentStatus=&fulfillmentStatus=
 * &from=&to=&q=&limit=&offset= -> {orders[], total, limit, offset} newest
 * first; q is an order number or the shopper's email. */
void adm_orders_list(req *r)
{
	static const char *const statuses[] = { "open", "cancelled", NULL };
	static const char *const pstat[] = { "pending", "paid", "refunded", "partially_refunded", "failed", NULL };
	static const char *const fstat[] = { "unfulfilled", "fulfilled", NULL };
	const char *st_ = http_query(r, "status"), *ps = http_query(r, "paymentStatus"), *fs = http_query(r, "fulfillmentStatus");
	const char *from_s = http_query(r, "from"), *to_s = http_query(r, "to");
	const char *q_ = http_query(r, "q");
	if (q_ && (!*q_ || strlen(q_) > IN_EMAIL_MAX)) {
		in_query_fail(r, "q", "must be an order number or an email of at most %d bytes", IN_EMAIL_MAX);
		return;
	}
	int64_t qnum = q_ ? atoll(q_) : 0;
	if (st_ && !one_of(st_, statuses)) { in_query_fail(r, "status", "must be open or cancelled"); return; }
	if (ps && !one_of(ps, pstat)) { in_query_fail(r, "paymentStatus", "must be pending, paid, refunded, partially_refunded or failed"); return; }
	if (fs && !one_of(fs, fstat)) { in_query_fail(r, "fulfillmentStatus", "must be unfulfilled or fulfilled"); return; }
	int64_t from = from_s ? parse_time(from_s) : 0, to = to_s ? parse_time(to_s) : INT64_MAX;
	if (from < 0) { in_query_fail(r, "from", "must be a date (YYYY-MM-DD), an ISO time or unix seconds"); return; }
	if (to < 0) { in_query_fail(r, "to", "must be a date (YYYY-MM-DD), an ISO time or unix seconds"); return; }
	if (to_s && strlen(to_s) == 10) to += 86400;    /* a date means the whole day */
	int64_t limit, offset;
	if (in_query_limit(r, 50, &limit) < 0 || in_query_offset(r, "offset", &offset) < 0) return;
	order_filter f = { r->t.id, st_, ps, fs, from, to, q_, qnum };
	sqlite3_stmt *q = db_stmt("SELECT count(*) FROM orders INDEXED BY orders_created WHERE " ORDER_FILTER);
	bind_filter(q, &f);
	int64_t total = db_step(q) == SQLITE_ROW ? db_int(q, 0) : 0;
	db_reset(q);
	q = db_stmt("SELECT id FROM orders INDEXED BY orders_created WHERE " ORDER_FILTER
		    " ORDER BY created_at DESC, id DESC LIMIT :n OFFSET :o");
	bind_filter(q, &f);
	db_bind_int(q, ":n", limit);
	db_bind_int(q, ":o", offset);
	int64_t *ids = NULL;
	size_t n = 0;
	while (db_step(q) == SQLITE_ROW) {
		ids = xrealloc(ids, (n + 1) * sizeof *ids);
		ids[n++] = db_int(q, 0);
	}
	db_reset(q);
	cJSON *out = cJSON_CreateObject(), *a = cJSON_AddArrayToObject(out, "orders");
	for (size_t i = 0; i < n; i++) {
		cJSON *ord = com_order_json(r->t.id, ids[i], 1, r->t.currency);
		if (ord) cJSON_AddItemToArray(a, ord);
	}
	free(ids);
	cJSON_AddNumberToObject(out, "total", (double)total);
	cJSON_AddNumberToObject(out, "limit", limit);
	cJSON_AddNumberToObject(out, "offset", offset);
	http_json(r, 200, out);
}

/* Route: GET /api/cms/orders/{id} */
void adm_order_get(req *r)
{
	adm_send(r, 200, com_order_json(r->t.id, com_order_by_number(r->t.id, route_id(r, 0)), 1, r->t.currency), "order");
}

static void conflict(req *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void conflict(req *r, const char *fmt, ...)
{
	char m[200];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(m, sizeof m, fmt, ap);
	va_end(ap);
	db_rollback();
	http_error(r, 409, "invalid_state", NULL, "%s", m);
}

/* An admin action on an order: refused (409, naming the state the order
 * is in) unless the transition table (orders.c) allows it from there. */
static void act_on_order(req *r, order_action act)
{
	int64_t id = com_order_by_number(r->t.id, route_id(r, 0));   /* {id} is the per-store number */
	cJSON *b = r->body.len ? http_json_body(r) : cJSON_CreateObject();
	if (!b) return;
	const char *tracking = NULL, *turl = NULL, *reason = NULL;
	int64_t amount = -1;
	int restock = 1;
	if (act == ORD_FULFIL && (in_str(r, b, "trackingNumber", IN_OPTIONAL, 100, &tracking) < 0 ||
				  in_str(r, b, "trackingUrl", IN_OPTIONAL, 1000, &turl) < 0))
		goto out;
	if (turl && *turl && !str_startswith(turl, "https://") && !str_startswith(turl, "http://")) {
		in_fail(r, "trackingUrl", "must be an http(s) URL");
		goto out;
	}
	if (act == ORD_CANCEL && (in_str(r, b, "reason", IN_OPTIONAL, 500, &reason) < 0 ||
				  in_bool(r, b, "restock", IN_OPTIONAL, &restock) < 0))
		goto out;
	if (act == ORD_REFUND && in_int(r, b, "amount", IN_OPTIONAL, 1, MONEY_MAX, &amount) < 0) goto out;
	if (db_begin(1) < 0) { adm_fail(r, "the order"); goto out; }
	order_state os;
	if (order_state_load(r->t.id, id, &os) < 0) {
		db_rollback();
		adm_not_found(r, "order");
		goto out;
	}
	const order_transition *tr = order_transition_of(act);
	char why[200];
	if (order_refusal(act, &os, why, sizeof why)) { conflict(r, "%s", why); goto out; }
	sqlite3_stmt *st = NULL;
	switch (act) {
	case ORD_FULFIL:
		st = db_stmt("UPDATE orders SET fulfillment_status = :to, tracking_number = coalesce(:tn, ''), "
			     "tracking_url = coalesce(:tu, ''), fulfilled_at = strftime('%s','now'), updated_at = strftime('%s','now') "
			     "WHERE tenant_id = :t AND id = :id");
		db_bind_text(st, ":tn", tracking);
		db_bind_text(st, ":tu", turl);
		break;
	case ORD_CANCEL:
		/* restocked guards the stock: it is returned once, ever. */
		if (restock && !os.restocked && com_restock(r->t.id, id) < 0) { adm_fail(r, "the order"); goto out; }
		st = db_stmt("UPDATE orders SET status = :to, cancelled_at = strftime('%s','now'), "
			     "restocked = restocked OR :rs, note = CASE WHEN :why IS NULL THEN note ELSE :why END, "
			     "updated_at = strftime('%s','now') WHERE tenant_id = :t AND id = :id");
		db_bind_int(st, ":rs", restock);
		db_bind_text(st, ":why", reason);
		break;
	case ORD_PAID:
		st = db_stmt("UPDATE orders SET payment_status = :to, paid_at = strftime('%s','now'), updated_at = strftime('%s','now') "
			     "WHERE tenant_id = :t AND id = :id");
		break;
	case ORD_REFUND:
		if (amount < 0) amount = os.total - os.refunded;
		if (amount <= 0 || os.refunded + amount > os.total) {
			db_rollback();
			cJSON *d = cJSON_CreateObject();
			cJSON_AddStringToObject(d, "field", "amount");
			http_error(r, 422, "validation_error", d, "field 'amount' is more than the %lld not yet refunded "
				   "(minor units of %s, the currency charged)", (long long)(os.total - os.refunded), os.currency);
			goto out;
		}
		st = db_stmt("UPDATE orders SET refunded = refunded + :a, payment_status = CASE WHEN refunded + :a >= coalesce(charge_total, total) "
			     "THEN :to ELSE 'partially_refunded' END, updated_at = strftime('%s','now') WHERE tenant_id = :t AND id = :id");
		db_bind_int(st, ":a", amount);
		break;
	}
	db_bind_text(st, ":to", tr->to);
	db_bind_int(st, ":t", r->t.id);
	db_bind_int(st, ":id", id);
	/* the shopper hears of a shipment, a cancellation and a refund */
	const char *mail = act == ORD_FULFIL ? "order_shipped" : act == ORD_CANCEL ? "order_cancelled" :
			   act == ORD_REFUND ? "order_refunded" : NULL;
	if (db_run(st) < 0 || audit_write(r, tr->audit, "order", id, "update", reason) < 0 ||
	    outbox_queue_webhook(r->t.id, id, tr->event) < 0 || (mail && outbox_queue_order_update(&r->t, id, mail) < 0)) {
		adm_fail(r, "the order");
		goto out;
	}
	if (act == ORD_CANCEL && audit_bump_content(r->t.id) < 0) { adm_fail(r, "the order"); goto out; }
	if (adm_commit(r) == 0) adm_send(r, 200, com_order_json(r->t.id, id, 1, r->t.currency), "order");
out:
	cJSON_Delete(b);
}

/* Route: POST /api/cms/orders/{id}/fulfil {trackingNumber?, trackingUrl?} */
void adm_order_fulfil(req *r) { act_on_order(r, ORD_FULFIL); }
/* Route: POST /api/cms/orders/{id}/cancel {reason?, restock? (true)} */
void adm_order_cancel(req *r) { act_on_order(r, ORD_CANCEL); }
/* Route: POST /api/cms/orders/{id}/paid -- a manual payment was received */
void adm_order_paid(req *r) { act_on_order(r, ORD_PAID); }
/* Route: POST /api/cms/orders/{id}/refund {amount?} -- manual payments */
void adm_order_refund(req *r) { act_on_order(r, ORD_REFUND); }

/* ---- commerce settings ---- */

/* Route: GET /api/cms/commerce/settings (secrets masked: write-only) */
void adm_commerce_settings_get(req *r)
{
	http_json(r, 200, com_settings_masked(r->t.id));
}

/* Route: PUT /api/cms/commerce/settings {shippingMethods?, tax?, ...}
 * Keys given replace the stored ones; the rest stay. */
void adm_commerce_settings_put(req *r)
{
	cJSON *b = http_json_body(r);
	if (!b) return;
	const char *field = NULL, *problem = com_settings_problem(b, &field);
	if (problem) { in_fail(r, field, "%s", problem); cJSON_Delete(b); return; }
	if (db_begin(1) < 0) { adm_fail(r, "the settings"); cJSON_Delete(b); return; }
	sqlite3_stmt *st = db_stmt("SELECT settings_json FROM commerce_settings WHERE tenant_id = :t");
	db_bind_int(st, ":t", r->t.id);
	cJSON *cur = db_step(st) == SQLITE_ROW ? cJSON_Parse(db_text(st, 0)) : NULL;
	db_reset(st);
	if (!cJSON_IsObject(cur)) { cJSON_Delete(cur); cur = cJSON_CreateObject(); }
	if ((problem = com_settings_keep_secrets(b, cur, &field))) {
		db_rollback();
		in_fail(r, field, "%s", problem);
		cJSON_Delete(cur);
		cJSON_Delete(b);
		return;
	}
	cJSON *it;
	cJSON_ArrayForEach(it, b) {
		cJSON_DeleteItemFromObjectCaseSensitive(cur, it->string);
		cJSON_AddItemToObject(cur, it->string, cJSON_Duplicate(it, 1));
	}
	char *s = cJSON_PrintUnformatted(cur);
	st = db_stmt("INSERT INTO commerce_settings(tenant_id, settings_json, updated_at) VALUES(:t, :s, strftime('%s','now')) "
		     "ON CONFLICT(tenant_id) DO UPDATE SET settings_json = excluded.settings_json, updated_at = excluded.updated_at");
	db_bind_int(st, ":t", r->t.id);
	db_bind_text(st, ":s", s);
	int rc = db_run(st);
	cJSON_free(s);
	cJSON_Delete(cur);
	cJSON_Delete(b);
	/* Settings show on the store's pages (currency, time zone...): its
	 * cached pages go, no other store's. */
	if (rc < 0 || audit_write(r, "commerce.settings", "settings", r->t.id, "update", NULL) < 0 ||
	    audit_bump_content(r->t.id) < 0) {
		adm_fail(r, "the settings");
		return;
	}
	if (adm_commit(r) == 0) http_json(r, 200, com_settings_masked(r->t.id));
}

/* ---- discounts ---- */

static cJSON *discount_json(sqlite3_stmt *st)
{
	cJSON *d = cJSON_CreateObject();
	char b[24], ts[32];
	snprintf(b, sizeof b, "%lld", (long long)db_int(st, 0));
	cJSON_AddStringToObject(d, "id", b);
	cJSON_AddStringToObject(d, "code", db_text(st, 1));
	cJSON_AddStringToObject(d, "kind", db_text(st, 2));
	cJSON_AddNumberToObject(d, "value", (double)db_int(st, 3));
	cJSON_AddNumberToObject(d, "minSubtotal", (double)db_int(st, 4));
	static const char *const tk[] = { "startsAt", "expiresAt" };
	for (int i = 0; i < 2; i++) {
		if (db_isnull(st, 5 + i)) cJSON_AddNullToObject(d, tk[i]);
		else { iso8601(db_int(st, 5 + i), ts); cJSON_AddStringToObject(d, tk[i], ts); }
	}
	if (db_isnull(st, 7)) cJSON_AddNullToObject(d, "usageLimit");
	else cJSON_AddNumberToObject(d, "usageLimit", (double)db_int(st, 7));
	cJSON_AddNumberToObject(d, "used", (double)db_int(st, 8));
	cJSON_AddBoolToObject(d, "active", db_int(st, 9));
	return d;
}

#define DISC_COLS "SELECT id, code, kind, value, min_subtotal, starts_at, expires_at, usage_limit, used, active FROM discounts "

/* Route: GET /api/cms/discounts?limit=&offset= */
void adm_discounts_list(req *r)
{
	int64_t limit, offset;
	if (in_query_limit(r, cfg.list_limit_max, &limit) < 0 || in_query_offset(r, "offset", &offset) < 0) return;
	sqlite3_stmt *st = db_stmt(DISC_COLS "WHERE tenant_id = :t ORDER BY code LIMIT :n OFFSET :o");
	db_bind_int(st, ":t", r->t.id);
	db_bind_int(st, ":n", limit);
	db_bind_int(st, ":o", offset);
	cJSON *o = cJSON_CreateObject(), *a = cJSON_AddArrayToObject(o, "discounts");
	while (db_step(st) == SQLITE_ROW) cJSON_AddItemToArray(a, discount_json(st));
	db_reset(st);
	http_json(r, 200, o);
}

static cJSON *discount_get(int64_t tid, int64_t id)
{
	sqlite3_stmt *st = db_stmt(DISC_COLS "WHERE tenant_id = :t AND id = :id");
	db_bind_int(st, ":t", tid);
	db_bind_int(st, ":id", id);
	cJSON *d = db_step(st) == SQLITE_ROW ? discount_json(st) : NULL;
	db_reset(st);
	return d;
}

/* Route: POST /api/cms/discounts {code, kind: percent|fixed, value,
 * minSubtotal?, startsAt?, expiresAt?, usageLimit?, active?}
 * Route: PUT /api/cms/discounts/{id} (the same fields, all optional; null
 * clears startsAt, expiresAt or usageLimit). Uses so far are kept. */
static void discount_save(req *r, int64_t id)
{
	static const char *const kinds[] = { "percent", "fixed", NULL };
	int create = id == 0;
	cJSON *b = http_json_body(r);
	if (!b) return;
	const char *code = NULL, *kind = NULL, *starts = NULL, *expires = NULL;
	int64_t value = -1, min = -1, limit = -1;
	int active = -1;
	if (in_str(r, b, "code", create, COM_DISCOUNT_CODE_MAX, &code) < 0 || in_enum(r, b, "kind", create, kinds, &kind) < 0 ||
	    in_int(r, b, "value", create, 1, MONEY_MAX, &value) < 0 ||
	    in_int(r, b, "minSubtotal", IN_OPTIONAL, 0, MONEY_MAX, &min) < 0 ||
	    in_str(r, b, "startsAt", IN_OPTIONAL, 40, &starts) < 0 || in_str(r, b, "expiresAt", IN_OPTIONAL, 40, &expires) < 0 ||
	    in_int(r, b, "usageLimit", IN_OPTIONAL, 1, 1000000000, &limit) < 0 || in_bool(r, b, "active", IN_OPTIONAL, &active) < 0)
		goto out;
	for (const char *c = code ? code : ""; *c; c++)
		if (!((*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '-' || *c == '_')) {
			in_fail(r, "code", "may hold only letters, digits, '-' and '_'");
			goto out;
		}
	int64_t s_at = starts ? parse_time(starts) : -1, e_at = expires ? parse_time(expires) : -1;
	if (starts && s_at < 0) { in_fail(r, "startsAt", "must be an ISO date or time"); goto out; }
	if (expires && e_at < 0) { in_fail(r, "expiresAt", "must be an ISO date or time"); goto out; }
	/* Given as null: cleared (an update only); absent: kept. */
	int clear_s = !create && cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(b, "startsAt"));
	int clear_e = !create && cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(b, "expiresAt"));
	int clear_l = !create && cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(b, "usageLimit"));
	if (db_begin(1) < 0) { adm_fail(r, "the discount"); goto out; }
	sqlite3_stmt *st;
	if (create) {
		st = db_stmt("INSERT INTO discounts(tenant_id, code, kind, value, min_subtotal, starts_at, expires_at, usage_limit, active, created_at) "
			     "VALUES(:t, :c, :k, :v, max(:m, 0), CASE WHEN :s < 0 THEN NULL ELSE :s END, CASE WHEN :e < 0 THEN NULL ELSE :e END, "
			     "CASE WHEN :l < 0 THEN NULL ELSE :l END, :a != 0, strftime('%s','now'))");
	} else {
		st = db_stmt("UPDATE discounts SET code = coalesce(:c, code), kind = coalesce(:k, kind), "
			     "value = CASE WHEN :v < 0 THEN value ELSE :v END, min_subtotal = CASE WHEN :m < 0 THEN min_subtotal ELSE :m END, "
			     "starts_at = CASE WHEN :cs THEN NULL WHEN :s < 0 THEN starts_at ELSE :s END, "
			     "expires_at = CASE WHEN :ce THEN NULL WHEN :e < 0 THEN expires_at ELSE :e END, "
			     "usage_limit = CASE WHEN :cl THEN NULL WHEN :l < 0 THEN usage_limit ELSE :l END, "
			     "active = CASE WHEN :a < 0 THEN active ELSE :a != 0 END WHERE tenant_id = :t AND id = :id");
		db_bind_int(st, ":id", id);
		db_bind_int(st, ":cs", clear_s);
		db_bind_int(st, ":ce", clear_e);
		db_bind_int(st, ":cl", clear_l);
	}
	db_bind_int(st, ":t", r->t.id);
	db_bind_text(st, ":c", code);
	db_bind_text(st, ":k", kind);
	db_bind_int(st, ":v", value);
	db_bind_int(st, ":m", min);
	db_bind_int(st, ":s", s_at);
	db_bind_int(st, ":e", e_at);
	db_bind_int(st, ":l", limit);
	db_bind_int(st, ":a", create && active < 0 ? 1 : active);
	if (db_run(st) < 0) {
		if (db_errcode() == SQLITE_CONSTRAINT) {
			db_rollback();
			cJSON *d = cJSON_CreateObject();
			cJSON_AddStringToObject(d, "field", "code");
			http_error(r, 409, "conflict", d, "a discount with code '%s' already exists", code ? code : "");
		} else adm_fail(r, "the discount");
		goto out;
	}
	if (!create && db_changes() == 0) { db_rollback(); adm_not_found(r, "discount"); goto out; }
	if (create) id = db_last_id();
	/* A percentage stays a percentage: check the row as it now is. */
	cJSON *now = discount_get(r->t.id, id);
	const cJSON *k = cJSON_GetObjectItemCaseSensitive(now, "kind"), *v = cJSON_GetObjectItemCaseSensitive(now, "value");
	int bad_pct = cJSON_IsString(k) && !strcmp(k->valuestring, "percent") && cJSON_IsNumber(v) && v->valuedouble > 100;
	cJSON_Delete(now);
	if (bad_pct) { db_rollback(); in_fail(r, "value", "is a percentage: 1-100"); goto out; }
	if (audit_write(r, create ? "discount.create" : "discount.update", "discount", id, create ? "create" : "update",
			code) < 0) {
		adm_fail(r, "the discount");
		goto out;
	}
	if (adm_commit(r) == 0) adm_send(r, create ? 201 : 200, discount_get(r->t.id, id), "discount");
out:
	cJSON_Delete(b);
}

void adm_discount_create(req *r) { discount_save(r, 0); }
void adm_discount_update(req *r) { discount_save(r, route_id(r, 0)); }

/* Route: DELETE /api/cms/discounts/{id} */
void adm_discount_delete(req *r)
{
	int64_t id = route_id(r, 0);
	if (db_begin(1) < 0) { adm_fail(r, "the discount"); return; }
	sqlite3_stmt *st = db_stmt("DELETE FROM discounts WHERE tenant_id = :t AND id = :id");
	db_bind_int(st, ":t", r->t.id);
	db_bind_int(st, ":id", id);
	if (db_run(st) < 0) { adm_fail(r, "the discount"); return; }
	if (db_changes() == 0) { db_rollback(); adm_not_found(r, "discount"); return; }
	if (audit_write(r, "discount.delete", "discount", id, "delete", NULL) < 0) { adm_fail(r, "the discount"); return; }
	if (adm_commit(r) == 0) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddBoolToObject(o, "deleted", 1);
		http_json(r, 200, o);
	}
}
