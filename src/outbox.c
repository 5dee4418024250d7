/* outbox: queueing and delivering emails, webhooks and payment intents (see outbox.h). */
#include "outbox.h"
#include "wishlist.h"
#include "recover.h"
#include "domains.h"
#include "emails.h"
#include "store_settings.h"
#include "orders.h"
#include "tmpl.h"
#include "html.h"
#include "payment.h"
#include "config.h"
#include "net.h"
#include "sha256.h"
#include "db.h"
#include "log.h"
#include "util.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define LEASE 300               /* seconds a claimed row is not due (longer than any call) */
#define SCAN 500                /* due rows looked at per claim */
#define MAX_DESTS 256           /* destinations remembered for backoff */

/* ---- queueing ---- */

int outbox_add(int64_t tid, const char *kind, const char *target, const char *subject, const char *body)
{
	sqlite3_stmt *st = db_stmt("INSERT INTO outbox(tenant_id, kind, target, subject, body, next_at, created_at) "
				   "VALUES(:t, :k, :to, :s, :b, strftime('%s','now'), strftime('%s','now'))");
	db_bind_int(st, ":t", tid);
	db_bind_text(st, ":k", kind);
	db_bind_text(st, ":to", target);
	db_bind_text(st, ":s", subject);
	db_bind_text(st, ":b", body);
	return db_run(st);
}

int outbox_queue_webhook(int64_t tid, int64_t order, const char *event)
{
	cJSON *s = com_settings(tid);
	const cJSON *url = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(s, "posWebhook"), "url");
	int rc = 0;
	if (cJSON_IsString(url) && url->valuestring[0]) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "event", event);
		char eid[33];
		random_hex(eid, 16);
		cJSON_AddStringToObject(o, "id", eid);
		char ts[32];
		iso8601(now_unix(), ts);
		cJSON_AddStringToObject(o, "createdAt", ts);
		cJSON_AddItemToObject(o, "order", com_order_json(tid, order, 1, NULL));
		char *body = cJSON_PrintUnformatted(o);
		rc = outbox_add(tid, "webhook", url->valuestring, event, body);
		cJSON_free(body);
		cJSON_Delete(o);
	}
	cJSON_Delete(s);
	return rc;
}

/* Header-safe: no CR/LF (input already checked; belt and braces). */
static void hdr_text(sbuf *b, const char *s)
{
	for (; *s; s++) sb_putc(b, *s == '\r' || *s == '\n' ? ' ' : *s);
}

/* A rendered template as mail text: lines end in CRLF. */
static void crlf(sbuf *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '\n' && (out->len == 0 || out->s[out->len - 1] != '\r')) sb_putc(out, '\r');
		sb_putc(out, *s);
	}
}

/* Render email <name> (the store's own text, else templates/email/: see
 * emails.c) over data (the public order JSON and the store) into the
 * message to `to`, multipart/alternative with a plain-text and an HTML
 * part; its subject's text into subj: 0, or -1 when a template is missing. */
static int email_message(sbuf *m, char *subj, size_t subjlen, const tenant *t, const char *to, const char *name,
			 const cJSON *data)
{
	sbuf subject = SBUF_INIT, body = SBUF_INIT, html = SBUF_INIT;
	int rc = emails_render(t->id, name, t->name, data, NULL, NULL, NULL, &subject, &body, &html);
	if (rc == 0) {
		snprintf(subj, subjlen, "%s", sb_str(&subject));
		char date[64], mid[33];
		time_t now = (time_t)now_unix();
		struct tm tm;
		gmtime_r(&now, &tm);
		strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &tm);
		random_hex(mid, 16);
		/* The store's name is the merchant's text: quoted or RFC 2047-encoded,
		 * so "PayPal <service@paypal.com>, X" stays one display name. */
		sb_printf(m, "Date: %s\r\nFrom: ", date);
		mail_header_text(m, t->name, 1);
		sb_printf(m, " <%s>\r\nTo: <", cfg.smtp_from);
		hdr_text(m, to);
		sb_puts(m, ">\r\nSubject: ");
		mail_header_text(m, subj, 0);
		/* the boundary is random hex: no text of ours can hold it */
		sb_printf(m, "\r\nMessage-ID: <%s@storefront>\r\nMIME-Version: 1.0\r\n"
			  "Content-Type: multipart/alternative; boundary=\"sf-%s\"\r\n\r\n"
			  "--sf-%s\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n",
			  mid, mid, mid);
		crlf(m, sb_str(&body));
		sb_printf(m, "\r\n--sf-%s\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n", mid);
		crlf(m, sb_str(&html));
		sb_printf(m, "\r\n--sf-%s--\r\n", mid);
	}
	sb_free(&subject);
	sb_free(&body);
	sb_free(&html);
	return rc;
}

int outbox_queue_order_emails(const tenant *t, const char *origin, int64_t order, const cJSON *settings)
{
	cJSON *o = com_order_json(t->id, order, 0, t->currency);
	if (!o) return -1;
	cJSON_AddStringToObject(o, "origin", origin);
	cJSON_AddBoolToObject(o, "manualPayment",
			      !strcmp(cJSON_GetObjectItemCaseSensitive(o, "paymentMethod")->valuestring, "manual"));
	/* placed in the shopper's currency: the email says what they saw and pay */
	cJSON_AddBoolToObject(o, "otherCurrency", strcmp(cJSON_GetObjectItemCaseSensitive(o, "presentmentCurrency")->valuestring,
							 cJSON_GetObjectItemCaseSensitive(o, "shopCurrency")->valuestring) != 0);
	cJSON_AddStringToObject(cJSON_AddObjectToObject(o, "store"), "name", t->name);
	const char *email = cJSON_GetObjectItemCaseSensitive(o, "email")->valuestring;
	char subject[400];
	sbuf m = SBUF_INIT;
	int rc = email_message(&m, subject, sizeof subject, t, email, "order_confirmed", o);
	if (rc == 0) rc = outbox_add(t->id, "email", email, subject, sb_str(&m));
	/* The merchant: notifyEmail, else the store's first owner. */
	char merchant[256] = "";
	const cJSON *ne = cJSON_GetObjectItemCaseSensitive(settings, "notifyEmail");
	if (cJSON_IsString(ne) && ne->valuestring[0]) snprintf(merchant, sizeof merchant, "%s", ne->valuestring);
	else {
		sqlite3_stmt *st = db_stmt("SELECT email FROM users WHERE tenant_id = :t AND role = 'owner' ORDER BY id LIMIT 1");
		db_bind_int(st, ":t", t->id);
		if (db_step(st) == SQLITE_ROW) snprintf(merchant, sizeof merchant, "%s", db_text(st, 0));
		db_reset(st);
	}
	if (rc == 0 && merchant[0]) {
		sb_reset(&m);
		rc = email_message(&m, subject, sizeof subject, t, merchant, "order_new", o);
		if (rc == 0) rc = outbox_add(t->id, "email", merchant, subject, sb_str(&m));
	}
	sb_free(&m);
	cJSON_Delete(o);
	return rc;
}

int outbox_queue_order_update(const tenant *t, int64_t order, const char *kind)
{
	cJSON *o = com_order_json(t->id, order, 0, t->currency);
	if (!o) return -1;
	const char *email = cJSON_GetObjectItemCaseSensitive(o, "email")->valuestring;
	int rc = 0;
	if (*email) {           /* an anonymised order has no one to tell */
		char host[256], origin[300];
		if (!domain_primary(t->id, host, sizeof host)) snprintf(host, sizeof host, "%s.%s", t->username, cfg.base_domain);
		snprintf(origin, sizeof origin, "https://%s", host);
		cJSON_AddStringToObject(o, "origin", origin);
		cJSON_AddStringToObject(cJSON_AddObjectToObject(o, "store"), "name", t->name);
		rc = outbox_queue_email(t, email, kind, o);
	}
	cJSON_Delete(o);
	return rc;
}

int outbox_queue_email(const tenant *t, const char *to, const char *name, const cJSON *data)
{
	char subject[400];
	sbuf m = SBUF_INIT;
	int rc = email_message(&m, subject, sizeof subject, t, to, name, data);
	if (rc == 0) rc = outbox_add(t->id, "email", to, subject, sb_str(&m));
	sb_free(&m);
	return rc;
}

/* ---- delivering ---- */

int64_t outbox_backoff(int attempts)
{
	int64_t s = 30;
	for (int i = 1; i < attempts && s < 3600; i++) s *= 2;
	return s > 3600 ? 3600 : s;
}

void outbox_sign(const char *secret, int64_t ts, const char *body, char *out, size_t n)
{
	sbuf m = SBUF_INIT;
	sb_printf(&m, "%lld.", (long long)ts);
	sb_puts(&m, body);
	unsigned char mac[32];
	char hex[65];
	hmac_sha256(secret, strlen(secret), m.s, m.len, mac);
	hex_encode(mac, 32, hex);
	sb_free(&m);
	snprintf(out, n, "t=%lld,v1=%s", (long long)ts, hex);
}

void outbox_dest(const char *kind, const char *target, char *out, size_t n)
{
	if (!strcmp(kind, "email")) { snprintf(out, n, "smtp"); return; }
	const char *p = strstr(target, "://");
	const char *host = p ? p + 3 : target;
	size_t len = strcspn(host, "/?#");
	size_t k = (size_t)(host - target) + len;
	if (k >= n) k = n - 1;
	memcpy(out, target, k);
	out[k] = 0;
	for (char *c = out; *c; c++) *c = (char)tolower((unsigned char)*c);
}

/* One claimed row in flight. */
typedef struct job {
	int64_t id, tid;
	int attempts;
	char kind[16], dest[256];
	int64_t order;          /* intent */
	int started;
	struct job *next;
} job;

/* A destination's consecutive failures: while until is ahead, nothing
 * more is sent to it. */
typedef struct dest { char name[256]; int failures; int64_t until; } dest;

typedef struct ctx {
	const outbox_opts *o;
	outbox_stats *st;
	net_multi *m;
	job *jobs;
	int inflight;
	dest dests[MAX_DESTS];
	int ndests;
	int dberr;
} ctx;

static dest *dest_get(ctx *x, const char *name, int create)
{
	for (int i = 0; i < x->ndests; i++)
		if (!strcmp(x->dests[i].name, name)) return &x->dests[i];
	if (!create) return NULL;
	if (x->ndests == MAX_DESTS) {           /* forget the one that has been quiet longest */
		int old = 0;
		for (int i = 1; i < x->ndests; i++) if (x->dests[i].until < x->dests[old].until) old = i;
		x->dests[old] = x->dests[--x->ndests];
	}
	dest *d = &x->dests[x->ndests++];
	memset(d, 0, sizeof *d);
	snprintf(d->name, sizeof d->name, "%s", name);
	return d;
}

static int busy_dest(ctx *x, const char *name, int64_t now)
{
	for (job *j = x->jobs; j; j = j->next)
		if (!strcmp(j->dest, name)) return 1;
	dest *d = dest_get(x, name, 0);
	return d && d->until > now;
}

/* Record the outcome of row j: sent, retried after backoff, or given up.
 * A failure also backs off its destination: its other due rows wait too. */
static void record(ctx *x, job *j, int ok, const char *err)
{
	int64_t now = now_unix();
	int attempts = j->attempts + 1;
	sqlite3_stmt *st;
	dest *d = dest_get(x, j->dest, 1);
	if (ok) {
		st = db_stmt("UPDATE outbox SET sent_at = strftime('%s','now'), attempts = :a, last_error = '' WHERE id = :id");
		x->st->sent++;
		d->failures = 0;
		d->until = 0;
	} else {
		d->failures++;
		d->until = now + outbox_backoff(d->failures);
		if (attempts >= cfg.outbox_max_attempts) {
			st = db_stmt("UPDATE outbox SET failed_at = strftime('%s','now'), attempts = :a, last_error = :e WHERE id = :id");
			x->st->failed++;
			log_warn("outbox %lld (%s to %s, store %lld) given up after %d attempts: %s", (long long)j->id, j->kind,
				 j->dest, (long long)j->tid, attempts, err);
		} else {
			st = db_stmt("UPDATE outbox SET next_at = :next, attempts = :a, last_error = :e WHERE id = :id");
			db_bind_int(st, ":next", now + outbox_backoff(attempts));
			x->st->retry++;
		}
		db_bind_text(st, ":e", err);
	}
	db_bind_int(st, ":a", attempts);
	db_bind_int(st, ":id", j->id);
	if (db_run(st) < 0) x->dberr = 1;
	if (!ok) {
		/* The destination's other pending rows wait for it (kept in the
		 * table, so a restarted deliverer does not hammer it either). */
		st = db_stmt("UPDATE outbox SET next_at = :until WHERE sent_at IS NULL AND failed_at IS NULL AND next_at < :until "
			     "AND kind = :k AND (:d = 'smtp' OR lower(target) = :d OR lower(substr(target, 1, length(:d) + 1)) "
			     "IN (:d || '/', :d || '?', :d || '#')) -- scan: pending rows only (outbox_due)");
		db_bind_int(st, ":until", d->until);
		db_bind_text(st, ":k", j->kind);
		db_bind_text(st, ":d", j->dest);
		if (db_run(st) < 0) x->dberr = 1;
	}
}

static void job_free(job *j) { free(j); }

/* Start the send of a claimed row: 0 started, 1 nothing left to send,
 * -1 with err when it cannot start. */
static int send_row(ctx *x, job *j, const char *target, const char *subject, const char *body, char *err, size_t errlen)
{
	if (!strcmp(j->kind, "email"))
		return net_multi_smtp(x->m, cfg.smtp_url, cfg.smtp_from, target, body, 0, j, err, errlen);
	cJSON *s = com_settings(j->tid);
	int rc;
	if (!strcmp(j->kind, "intent")) {
		pay_call c;
		j->order = atoll(subject);
		rc = pay_intent_call(j->tid, j->order, s, &c, err, errlen);
		/* rc 1: nothing to make any more (the order has its intent): done */
		if (rc == 0) rc = net_multi_post(x->m, c.url, c.headers, sb_str(&c.body), 0, j, err, errlen);
		pay_call_free(&c);
	} else {
		const cJSON *sec = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(s, "posWebhook"), "secret");
		char sig[128], h1[200], h2[200], h3[200];
		outbox_sign(cJSON_IsString(sec) ? sec->valuestring : "", now_unix(), body, sig, sizeof sig);
		snprintf(h1, sizeof h1, "X-Storefront-Signature: %s", sig);
		snprintf(h2, sizeof h2, "X-Storefront-Event: %s", subject);
		snprintf(h3, sizeof h3, "X-Storefront-Delivery: %lld", (long long)j->id);
		const char *headers[] = { "Content-Type: application/json", h1, h2, h3, NULL };
		rc = net_multi_post(x->m, target, headers, body, 0, j, err, errlen);
	}
	cJSON_Delete(s);
	return rc;
}

/* Claim up to room due rows, at most one per destination, none for a
 * destination already in flight or backing off, and start them. */
static void claim(ctx *x, int room)
{
	if (room <= 0) return;
	int64_t now = now_unix();
	sqlite3_stmt *st = db_stmt("SELECT id, tenant_id, kind, target, attempts FROM outbox "
				   "WHERE sent_at IS NULL AND failed_at IS NULL AND next_at <= :now AND (:t = 0 OR tenant_id = :t) "
				   "AND (kind != 'email' OR :smtp) ORDER BY next_at, id LIMIT :n");
	db_bind_int(st, ":now", now);
	db_bind_int(st, ":t", x->o->tid);
	db_bind_int(st, ":smtp", cfg.smtp_url[0] != 0);
	db_bind_int(st, ":n", SCAN);
	job *fresh = NULL;
	int n = 0;
	int per_store = cfg.deliver_concurrency / 4 > 1 ? (int)cfg.deliver_concurrency / 4 : 1;
	while (n < room && db_step(st) == SQLITE_ROW) {
		char d[256];
		outbox_dest(db_text(st, 2), db_text(st, 3), d, sizeof d);
		if (busy_dest(x, d, now)) continue;
		/* One call per destination, and no store takes more than a quarter
		 * of the slots (many hosts of one store that never answer). */
		int64_t tid = db_int(st, 1);
		int dup = 0, mine = 0;
		for (job *j = fresh; j; j = j->next) { dup |= !strcmp(j->dest, d); mine += j->tid == tid; }
		for (job *j = x->jobs; j; j = j->next) mine += j->tid == tid;
		if (dup || mine >= per_store) continue;
		job *j = xcalloc(1, sizeof *j);
		j->id = db_int(st, 0);
		j->tid = db_int(st, 1);
		snprintf(j->kind, sizeof j->kind, "%s", db_text(st, 2));
		j->attempts = (int)db_int(st, 4);
		snprintf(j->dest, sizeof j->dest, "%s", d);
		j->next = fresh;
		fresh = j;
		n++;
	}
	db_reset(st);
	if (!fresh) return;
	/* The lease: claimed rows are not due for anyone else meanwhile. */
	if (db_begin(1) < 0) goto dberr;
	for (job *j = fresh; j; j = j->next) {
		st = db_stmt("UPDATE outbox SET next_at = :lease WHERE id = :id AND sent_at IS NULL AND next_at <= :now");
		db_bind_int(st, ":lease", now + LEASE);
		db_bind_int(st, ":id", j->id);
		db_bind_int(st, ":now", now);
		if (db_run(st) < 0) goto dberr;
		j->started = db_changes() == 1;   /* else another deliverer took it */
	}
	if (db_commit() < 0) goto dberr;
	while (fresh) {
		job *j = fresh;
		fresh = j->next;
		if (!j->started) { job_free(j); continue; }
		st = db_stmt("SELECT target, subject, body FROM outbox WHERE id = :id");
		db_bind_int(st, ":id", j->id);
		int have = db_step(st) == SQLITE_ROW;
		char *target = xstrdup(have ? db_text(st, 0) : ""), *subject = xstrdup(have ? db_text(st, 1) : "");
		char *body = xstrdup(have ? db_text(st, 2) : "");
		db_reset(st);
		char err[300] = "";
		int rc = have ? send_row(x, j, target, subject, body, err, sizeof err) : 1;
		free(target); free(subject); free(body);
		if (rc == 0) {
			j->next = x->jobs;
			x->jobs = j;
			x->inflight++;
		} else {
			record(x, j, rc == 1, err);
			job_free(j);
		}
	}
	return;
dberr:
	if (db_in_tx()) db_rollback();
	x->dberr = 1;
	while (fresh) { job *j = fresh; fresh = j->next; job_free(j); }
}

/* Collect the calls that finished. */
static void collect(ctx *x)
{
	void *ud;
	long status;
	char err[300];
	int rc;
	for (;;) {
		err[0] = 0;
		sbuf resp = SBUF_INIT;
		rc = net_multi_next(x->m, &ud, &status, &resp, err, sizeof err);
		if (rc == 0) { sb_free(&resp); break; }
		job *j = ud;
		for (job **pp = &x->jobs; *pp; pp = &(*pp)->next)
			if (*pp == j) { *pp = j->next; break; }
		x->inflight--;
		int ok = rc == 1;
		if (ok && !strcmp(j->kind, "webhook") && (status < 200 || status >= 300)) {
			snprintf(err, sizeof err, "HTTP %ld", status);
			ok = 0;
		} else if (ok && !strcmp(j->kind, "intent")) {
			ok = pay_intent_answer(j->tid, j->order, status, sb_str(&resp), err, sizeof err) == 0;
			x->st->intents += ok;
		}
		record(x, j, ok, err);
		sb_free(&resp);
		job_free(j);
	}
}

int outbox_run(const outbox_opts *o, outbox_stats *stats)
{
	memset(stats, 0, sizeof *stats);
	ctx *x = xcalloc(1, sizeof *x);
	x->o = o;
	x->st = stats;
	x->m = net_multi_new();
	if (!x->m) { free(x); return -1; }
	long poll = o->poll_ms > 0 ? o->poll_ms : 1000;
	int64_t last_tick = now_usec();
	int room = cfg.deliver_concurrency > 0 ? (int)cfg.deliver_concurrency : 1;
	/* wished-for items back in stock: their emails join the queue first
	 * (and about once a minute in the loop) */
	if (wishlist_notify_due(o->tid) < 0) log_warn("deliverer: back-in-stock emails not queued: %s", db_errmsg());
	if (recover_remind_due(o->tid) < 0) log_warn("deliverer: abandoned-checkout reminders not queued");
	for (;;) {
		int stopping = o->stop && *o->stop;
		if (stopping) break;
		claim(x, room - x->inflight);
		if (x->dberr) {
			if (!o->loop) break;
			/* The loop outlives a busy or failing database: try again later. */
			log_error("deliverer: database error: %s", db_errmsg());
			x->dberr = 0;
			usleep((useconds_t)poll * 1000);
			continue;
		}
		if (x->inflight == 0 && !o->loop) break;
		if (x->inflight > 0) {
			net_multi_wait(x->m, o->loop ? (int)poll : 200);
			collect(x);
		} else {
			usleep((useconds_t)poll * 1000);   /* a signal ends the nap early */
		}
		if (o->tick && now_usec() - last_tick >= (o->tick_ms > 0 ? o->tick_ms * 1000LL : 60 * 1000000LL)) {
			if (wishlist_notify_due(o->tid) < 0) log_warn("deliverer: back-in-stock emails not queued");
			if (recover_remind_due(o->tid) < 0) log_warn("deliverer: abandoned-checkout reminders not queued");
			o->tick(stats);
			last_tick = now_usec();
		}
	}
	/* Stopped with calls in flight: abandoned, and due again at once for
	 * the next deliverer rather than after the lease. */
	for (job *j = x->jobs; j; j = j->next) {
		sqlite3_stmt *st = db_stmt("UPDATE outbox SET next_at = strftime('%s','now') WHERE id = :id AND sent_at IS NULL");
		db_bind_int(st, ":id", j->id);
		db_run_best_effort(st);
	}
	net_multi_free(x->m);
	while (x->jobs) { job *j = x->jobs; x->jobs = j->next; job_free(j); }
	int rc = x->dberr ? -1 : 0;
	free(x);
	return rc;
}
