/* payment: manual and the Stripe-compatible gateway (see payment.h). */
#include "payment.h"
#include "server.h"
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

int pay_intent_call(int64_t tid, int64_t order, const cJSON *settings, pay_call *c, char *err, size_t errlen)
{
	memset(c, 0, sizeof *c);
	/* the amount and currency to charge: the shopper's currency when the
	 * store charges in it (charge_*, set at checkout), else the shop's */
	sqlite3_stmt *st = db_stmt("SELECT coalesce(o.charge_total, o.total), coalesce(o.charge_currency, o.currency), "
				   "o.payment_ref, o.number FROM orders o "
				   "WHERE o.tenant_id = :t AND o.id = :id AND o.payment_method = 'stripe'");
	db_bind_int(st, ":t", tid);
	db_bind_int(st, ":id", order);
	int have = db_step(st) == SQLITE_ROW;
	int64_t amount = have ? db_int(st, 0) : 0;
	char lower[8] = "", ref[8] = "";
	/* The merchant's gateway sees the order's per-store number, which the
	 * admin API and emails show too; never internal ids. */
	long long number = have ? (long long)db_int(st, 3) : 0;
	if (have) {
		snprintf(lower, sizeof lower, "%s", db_text(st, 1));
		snprintf(ref, sizeof ref, "%s", db_text(st, 2));
	}
	db_reset(st);
	if (!have || ref[0]) return 1;          /* gone, not by card, or made already */
	const char *base = stripe_key(settings, "apiBase"), *key = stripe_key(settings, "secretKey");
	if (!*base) base = "https://api.stripe.com";
	if (!*key) { snprintf(err, errlen, "the store has no stripe.secretKey"); return -1; }
	str_lower(lower);
	snprintf(c->url, sizeof c->url, "%s/v1/payment_intents", base);
	snprintf(c->authz, sizeof c->authz, "Authorization: Bearer %s", key);
	snprintf(c->idem, sizeof c->idem, "Idempotency-Key: order-%lld-%lld", (long long)tid, (long long)order);
	c->headers[0] = c->authz;
	c->headers[1] = c->idem;
	c->headers[2] = "Content-Type: application/x-www-form-urlencoded";
	c->headers[3] = NULL;
	sb_printf(&c->body, "amount=%lld&currency=%s&metadata[order_id]=%lld&automatic_payment_methods[enabled]=true",
		  (long long)amount, lower, number);
	return 0;
}

void pay_call_free(pay_call *c)
{
	sb_free(&c->body);
}

int pay_intent_answer(int64_t tid, int64_t order, long status, const char *resp, char *err, size_t errlen)
{
	cJSON *j = cJSON_Parse(resp);
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(j, "id");
	const cJSON *cs = cJSON_GetObjectItemCaseSensitive(j, "client_secret");
	int rc = 0;
	if (status != 200 || !cJSON_IsString(id)) {
		snprintf(err, errlen, "gateway answered %ld", status);
		rc = -1;
	} else {
		sqlite3_stmt *st = db_stmt("UPDATE orders SET payment_ref = :ref, payment_client_secret = :cs, "
					   "updated_at = strftime('%s','now') WHERE tenant_id = :t AND id = :id");
		db_bind_text(st, ":ref", id->valuestring);
		db_bind_text(st, ":cs", cJSON_IsString(cs) ? cs->valuestring : "");
		db_bind_int(st, ":t", tid);
		db_bind_int(st, ":id", order);
		rc = db_run(st);
		if (rc < 0) snprintf(err, errlen, "database: %s", db_errmsg());
	}
	cJSON_Delete(j);
	return rc;
}

int64_t pay_queue_intent(int64_t tid, int64_t order, const cJSON *settings)
{
	const char *base = stripe_key(settings, "apiBase");
	char url[700], id[24];
	snprintf(url, sizeof url, "%s/v1/payment_intents", *base ? base : "https://api.stripe.com");
	snprintf(id, sizeof id, "%lld", (long long)order);
	/* Due once the checkout's own attempt is over, not before. */
	sqlite3_stmt *st = db_stmt("INSERT INTO outbox(tenant_id, kind, target, subject, body, next_at, created_at) "
				   "VALUES(:t, 'intent', :to, :o, '', strftime('%s','now') + :wait, strftime('%s','now'))");
	db_bind_int(st, ":t", tid);
	db_bind_text(st, ":to", url);
	db_bind_text(st, ":o", id);
	db_bind_int(st, ":wait", cfg.gateway_timeout_ms / 1000 + 2);
	return db_run(st) < 0 ? -1 : db_last_id();
}

int pay_create_intent(int64_t tid, int64_t order, int64_t queued, const cJSON *settings, char *err, size_t errlen)
{
	pay_call c;
	int rc = pay_intent_call(tid, order, settings, &c, err, errlen);
	if (rc == 0) {
		long status = 0;
		sbuf resp = SBUF_INIT;
		rc = net_post(c.url, c.headers, sb_str(&c.body), cfg.gateway_timeout_ms, &status, &resp, err, errlen);
		if (rc == 0) rc = pay_intent_answer(tid, order, status, sb_str(&resp), err, errlen);
		sb_free(&resp);
	}
	pay_call_free(&c);
	if (rc >= 0 && queued) {                /* made: the deliverer has nothing left to do */
		sqlite3_stmt *st = db_stmt("UPDATE outbox SET sent_at = strftime('%s','now'), attempts = attempts + 1 "
					   "WHERE tenant_id = :t AND id = :id AND sent_at IS NULL");
		db_bind_int(st, ":t", tid);
		db_bind_int(st, ":id", queued);
		/* If this fails the deliverer finds the intent made (payment_ref) and marks the row then. */
		db_run_best_effort(st);
	}
	return rc < 0 ? -1 : 0;
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
void pay_webhook(req *r, const cJSON *settings, int (*queue_event)(int64_t tid, int64_t order, const char *event))
{
	const char *secret = stripe_key(settings, "webhookSecret");
	if (pay_verify_signature(http_header_in(r, "Stripe-Signature"), r->body.s ? r->body.s : "", r->body.len,
				 secret, now_unix(), cfg.webhook_tolerance) < 0) {
		http_error(r, 400, "bad_signature", NULL, "the Stripe-Signature header is missing, wrong or too old");
		return;
	}
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
			(!strcmp(status, "paid") && queue_event(r->t.id, order, "order.paid") < 0)))
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
