/* payment: manual and the Stripe-compatible gateway (see payment.h). */
#include "payment.h"
#include "server.h"
#include "commerce.h"
#include "audit.h"
#include "config.h"
#include "net.h"
#include "sha256.h"
#include "html.h"
#include "db.h"
#include "log.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *stripe_key(const cJSON *settings, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(settings, "stripe"), k);
	return cJSON_IsString(v) ? v->valuestring : "";
}

int pay_create_intent(int64_t tid, int64_t order, int64_t amount, const char *currency, const cJSON *settings,
		      char *err, size_t errlen)
{
	const char *base = stripe_key(settings, "apiBase"), *key = stripe_key(settings, "secretKey");
	if (!*base) base = "https://api.stripe.com";
	if (!*key) { snprintf(err, errlen, "the store has no stripe.secretKey"); return -1; }
	char url[700], authz[600], idem[80], lower[8];
	snprintf(url, sizeof url, "%s/v1/payment_intents", base);
	snprintf(authz, sizeof authz, "Authorization: Bearer %s", key);
	snprintf(idem, sizeof idem, "Idempotency-Key: order-%lld-%lld", (long long)tid, (long long)order);
	snprintf(lower, sizeof lower, "%s", currency);
	str_lower(lower);
	const char *headers[] = { authz, idem, "Content-Type: application/x-www-form-urlencoded", NULL };
	sbuf body = SBUF_INIT, resp = SBUF_INIT;
	/* The merchant's gateway sees the order's per-store number, which the
	 * admin API and emails show too; never internal ids. */
	sqlite3_stmt *nst = db_stmt("SELECT number FROM orders WHERE tenant_id = :t AND id = :id");
	db_bind_int(nst, ":t", tid);
	db_bind_int(nst, ":id", order);
	long long number = db_step(nst) == SQLITE_ROW ? (long long)db_int(nst, 0) : 0;
	db_reset(nst);
	sb_printf(&body, "amount=%lld&currency=%s&metadata[order_id]=%lld&automatic_payment_methods[enabled]=true",
		  (long long)amount, lower, number);
	long status = 0;
	int rc = net_post(url, headers, sb_str(&body), &status, &resp, err, errlen);
	cJSON *j = rc == 0 ? cJSON_Parse(sb_str(&resp)) : NULL;
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(j, "id");
	const cJSON *cs = cJSON_GetObjectItemCaseSensitive(j, "client_secret");
	if (rc == 0 && (status != 200 || !cJSON_IsString(id))) {
		snprintf(err, errlen, "gateway answered %ld", status);
		rc = -1;
	}
	if (rc == 0) {
		sqlite3_stmt *st = db_stmt("UPDATE orders SET payment_ref = :ref, payment_client_secret = :cs, "
					   "updated_at = strftime('%s','now') WHERE tenant_id = :t AND id = :id");
		db_bind_text(st, ":ref", id->valuestring);
		db_bind_text(st, ":cs", cJSON_IsString(cs) ? cs->valuestring : "");
		db_bind_int(st, ":t", tid);
		db_bind_int(st, ":id", order);
		rc = db_run(st);
	}
	cJSON_Delete(j);
	sb_free(&body);
	sb_free(&resp);
	return rc;
}

int pay_retry_intents(int64_t tid, int max)
{
	/* Card orders still without an intent (the gateway failed at checkout):
	 * try again; the gateway's idempotency key is per order, so a retry
	 * never makes a second intent. Orders older than a day are left for
	 * the merchant. */
	sqlite3_stmt *st = db_stmt(
		"SELECT o.id, o.tenant_id, o.total, t.currency FROM orders o JOIN tenants t ON t.id = o.tenant_id "
		"WHERE o.payment_method = 'stripe' AND o.payment_ref = '' AND o.payment_status = 'pending' "
		"AND o.status = 'open' AND (:t = 0 OR o.tenant_id = :t) AND o.created_at > strftime('%s','now') - 86400 "
		"AND t.status = 'active' ORDER BY o.id LIMIT :n -- scan: card orders missing an intent are few");
	db_bind_int(st, ":t", tid);
	db_bind_int(st, ":n", max);
	struct { int64_t id, tid, total; char cur[8]; } due[64];
	int n = 0;
	while (n < 64 && db_step(st) == SQLITE_ROW) {
		due[n].id = db_int(st, 0);
		due[n].tid = db_int(st, 1);
		due[n].total = db_int(st, 2);
		snprintf(due[n].cur, sizeof due[n].cur, "%s", db_text(st, 3));
		n++;
	}
	db_reset(st);
	int made = 0;
	for (int i = 0; i < n; i++) {
		cJSON *settings = com_settings(due[i].tid);
		char err[256] = "";
		if (pay_create_intent(due[i].tid, due[i].id, due[i].total, due[i].cur, settings, err, sizeof err) == 0) made++;
		else log_warn("order %lld: payment intent still failing: %s", (long long)due[i].id, err);
		cJSON_Delete(settings);
	}
	return made;
}

int pay_verify_signature(const char *header, const char *body, size_t n, const char *secret, int64_t now,
			 long tolerance)
{
	if (!header || !secret || !*secret) return -1;
	long long ts = -1;
	int ok = 0;
	unsigned char mac[32];
	char want[65];
	/* t=TS first (Stripe puts it first; we accept any order). */
	for (const char *p = header; *p;) {
		const char *e = strchr(p, ',');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		if (len > 2 && p[0] == 't' && p[1] == '=') {
			char num[24];
			size_t k = len - 2 < sizeof num - 1 ? len - 2 : sizeof num - 1;
			memcpy(num, p + 2, k);
			num[k] = 0;
			char *end;
			ts = strtoll(num, &end, 10);
			if (*end || k == 0) ts = -1;
		}
		p += len;
		if (*p == ',') p++;
	}
	if (ts < 0) return -1;
	if (now - ts > tolerance || ts - now > tolerance) return -1;
	sbuf m = SBUF_INIT;
	sb_printf(&m, "%lld.", ts);
	sb_put(&m, body, n);
	hmac_sha256(secret, strlen(secret), m.s, m.len, mac);
	sb_free(&m);
	hex_encode(mac, 32, want);
	for (const char *p = header; *p;) {
		const char *e = strchr(p, ',');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		if (len == 67 && p[0] == 'v' && p[1] == '1' && p[2] == '=' && ct_equal(p + 3, want, 64)) ok = 1;
		p += len;
		if (*p == ',') p++;
	}
	return ok ? 0 : -1;
}

/* Route: POST /api/payments/webhook -- payment_intent.succeeded marks the
 * order paid, payment_intent.payment_failed marks it failed. Each event id
 * is applied once. */
void pay_webhook(req *r)
{
	cJSON *settings = com_settings(r->t.id);
	const char *secret = stripe_key(settings, "webhookSecret");
	if (pay_verify_signature(http_header_in(r, "Stripe-Signature"), r->body.s ? r->body.s : "", r->body.len,
				 secret, now_unix(), cfg.webhook_tolerance) < 0) {
		cJSON_Delete(settings);
		http_error(r, 400, "bad_signature", NULL, "the Stripe-Signature header is missing, wrong or too old");
		return;
	}
	cJSON_Delete(settings);
	cJSON *ev = http_json_body(r);
	if (!ev) return;
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(ev, "id");
	const cJSON *type = cJSON_GetObjectItemCaseSensitive(ev, "type");
	const cJSON *obj = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(ev, "data"), "object");
	const cJSON *pi = cJSON_GetObjectItemCaseSensitive(obj, "id");
	if (!cJSON_IsString(id) || !cJSON_IsString(type) || !cJSON_IsString(pi)) {
		http_error(r, 422, "validation_error", NULL, "event needs id, type and data.object.id");
		cJSON_Delete(ev);
		return;
	}
	const char *status = !strcmp(type->valuestring, "payment_intent.succeeded") ? "paid" :
			     !strcmp(type->valuestring, "payment_intent.payment_failed") ? "failed" : NULL;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddBoolToObject(o, "received", 1);
	if (db_begin(1) < 0) goto busy;
	sqlite3_stmt *st = db_stmt("INSERT OR IGNORE INTO payment_events(event_id, tenant_id, type, at) "
				   "VALUES(:e, :t, :ty, strftime('%s','now'))");
	db_bind_text(st, ":e", id->valuestring);
	db_bind_int(st, ":t", r->t.id);
	db_bind_text(st, ":ty", type->valuestring);
	if (db_run(st) < 0) goto busy;
	if (db_changes() == 0 || !status) {     /* replay, or an event we do not act on */
		db_rollback();
		cJSON_AddBoolToObject(o, "applied", 0);
		http_json(r, 200, o);
		cJSON_Delete(ev);
		return;
	}
	st = db_stmt("SELECT id FROM orders WHERE tenant_id = :t AND payment_ref = :ref");
	db_bind_int(st, ":t", r->t.id);
	db_bind_text(st, ":ref", pi->valuestring);
	int64_t order = db_step(st) == SQLITE_ROW ? db_int(st, 0) : 0;
	db_reset(st);
	if (!order) {
		db_rollback();
		cJSON_Delete(o);
		cJSON_Delete(ev);
		http_error(r, 404, "not_found", NULL, "no order has payment intent %s", pi->valuestring);
		return;
	}
	st = db_stmt("UPDATE orders SET payment_status = :s, paid_at = CASE WHEN :s = 'paid' THEN strftime('%s','now') ELSE paid_at END, "
		     "updated_at = strftime('%s','now') WHERE tenant_id = :t AND id = :id AND payment_status IN ('pending','failed')");
	db_bind_text(st, ":s", status);
	db_bind_int(st, ":t", r->t.id);
	db_bind_int(st, ":id", order);
	if (db_run(st) < 0) goto busy;
	int changed = db_changes();
	if (changed && (audit_write_as(r->t.id, 0, "gateway", r->remote_addr, !strcmp(status, "paid") ? "order.paid" : "order.payment_failed",
				       "order", order, "update", id->valuestring) < 0 ||
			(!strcmp(status, "paid") && com_queue_webhook(r->t.id, order, "order.paid") < 0)))
		goto busy;
	if (db_commit() < 0) goto busy;
	cJSON_AddBoolToObject(o, "applied", changed > 0);
	http_json(r, 200, o);
	cJSON_Delete(ev);
	return;
busy:
	cJSON_Delete(o);
	cJSON_Delete(ev);
	server_storage_error(r, "the event was not recorded");
}
